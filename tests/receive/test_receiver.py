"""The framework-neutral receiver: dispatch, verdicts, the response policy, checks and secrets."""

from __future__ import annotations

import base64
import gzip
import json
import logging
import threading
import zlib
from typing import Any

import pytest

from tests.conftest import example_cases, invalid_cases, notification_cases, valid_cases
from toolkit import contract
from toolkit.contract.registry import EVENTS, UnknownEventError
from toolkit.models import MODELS, TEST_NOTIFICATION_MODELS
from toolkit.receive import Delivery, Incoming, Receiver, ResponsePolicy
from toolkit.receive.dedup import BUILD_EVENTS, KEYED_EVENTS
from toolkit.send import conformance
from toolkit.send.delivery import quay_body

JSON = {"Content-type": "application/json"}


def incoming(payload: Any, event: str | None = None, **kwargs: Any) -> Incoming:
    kwargs.setdefault("headers", JSON)
    return Incoming(quay_body(payload), event=event, **kwargs)


def recording(*, policy: ResponsePolicy | None = None, **kwargs: Any) -> tuple[Receiver, list[Any]]:
    """A receiver with a handler for every event, tests and invalid bodies that records calls."""
    quay = Receiver(policy=policy or ResponsePolicy(), **kwargs)
    seen: list[tuple[str, Delivery[Any]]] = []
    for event in EVENTS:
        quay.on(event)(lambda d, e=event: seen.append((e, d)))
    quay.on_test()(lambda d: seen.append(("test", d)))
    quay.on_invalid(lambda d: seen.append(("invalid", d)))
    return quay, seen


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_reaches_its_handler_as_its_model(
    event: str, index: int, payload: Any
) -> None:
    quay, seen = recording()
    answer = quay.receive(incoming(payload, event))
    assert answer.status == 200 and answer.body["handled"] == 1
    [(handler, delivery)] = seen
    assert handler == event and delivery.event == event and delivery.candidates == (event,)
    assert type(delivery.model) is MODELS[event]
    assert delivery.model.model_dump(mode="json", exclude_unset=True) == payload
    assert delivery.body == quay_body(payload) and delivery.payload == payload
    assert delivery.headers["content-type"] == "application/json"  # any casing
    assert answer.body["dedup_key"] == delivery.dedup_key


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notifications_go_to_the_test_handler_only(event: str, payload: Any) -> None:
    quay, seen = recording()
    answer = quay.receive(incoming(payload, event))
    assert answer.status == 200 and answer.body["test_notification"] is True
    [(handler, delivery)] = seen
    assert handler == "test" and delivery.test_notification
    assert type(delivery.model) is TEST_NOTIFICATION_MODELS[event]
    assert delivery.dedup_key is None  # every press of the button sends the same fake ids


@pytest.mark.parametrize(("event", "case"), valid_cases())
def test_production_shapes_are_handled(event: str, case: dict[str, Any]) -> None:
    quay, seen = recording()
    assert quay.receive(incoming(case["payload"], event)).status == 200
    assert [h for h, _ in seen] == [event]


@pytest.mark.parametrize("case", conformance.cases(), ids=lambda c: f"{c.kind}/{c.name}")
def test_corpus_bodies_are_handled(case: conformance.Case) -> None:
    quay, seen = recording()
    answer = quay.receive(Incoming(case.body, JSON, case.event))
    assert answer.status == 200
    assert [h for h, _ in seen] == ["test" if case.test_notification else case.event]


@pytest.mark.parametrize(("event", "case"), invalid_cases())
def test_contract_breaking_bodies_are_acknowledged_and_explained(
    event: str, case: dict[str, Any]
) -> None:
    quay, seen = recording()
    answer = quay.receive(incoming(case["payload"], event))
    assert answer.status == 200  # a Quay change must never disable the notification
    [(handler, delivery)] = seen
    assert handler == "invalid" and delivery.model is None and not delivery.valid
    first = delivery.report.errors[0]
    assert (first.keyword, first.path) == (case["keyword"], case["path"])
    assert answer.body["errors"][0] == first.as_dict()
    rejecting, _ = recording(policy=ResponsePolicy(invalid="reject"))
    assert rejecting.receive(incoming(case["payload"], event)).status == 422


@pytest.mark.parametrize("group", [g for g in contract.shape_groups() if len(g) > 1], ids=str)
def test_ambiguous_shapes_reach_only_a_handler_for_every_candidate(
    group: tuple[str, ...], caplog: pytest.LogCaptureFixture
) -> None:
    payload = next(p for p in contract.examples(group[0]) if not contract.is_test_notification(p, group[0]))  # fmt: skip  # noqa: E501
    quay = Receiver()
    one: list[Delivery[Any]] = []
    quay.on(group[0])(one.append)
    with caplog.at_level(logging.WARNING, logger="toolkit.receive"):
        answer = quay.receive(incoming(payload))  # no event in the URL
    assert answer.status == 200 and answer.body["handled"] == 0 and one == []
    assert "several events share this shape" in caplog.text
    assert answer.body["candidates"] == list(group) and answer.body["event"] is None

    every: list[Delivery[Any]] = []
    quay.on(*group)(every.append)
    quay.receive(incoming(payload))
    [delivery] = every
    assert delivery.event is None and delivery.candidates == group and delivery.ambiguous
    assert type(delivery.model) is MODELS[group[0]] and delivery.dedup_key is None
    quay.receive(incoming(payload, group[-1]))  # the URL names it: both handlers, no ambiguity
    assert every[-1].event == group[-1] and len(one) == (1 if group[0] == group[-1] else 0)


def test_handler_errors_answer_500_by_default_and_200_when_acknowledged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = contract.examples("build_success")[2]
    for errors, status in (("retry", 500), ("acknowledge", 200)):
        quay = Receiver(policy=ResponsePolicy(errors=errors))  # type: ignore[arg-type]
        after: list[str] = []

        @quay.on("build_success")
        def relay(delivery: Delivery[Any]) -> None:
            delivery.payload["trigger_metadata"]["commit"]  # KeyError on a manual build

        quay.on("build_success")(lambda d, ran=after: ran.append("ran"))
        with caplog.at_level(logging.ERROR, logger="toolkit.receive"):
            answer = quay.receive(incoming(payload, "build_success"))
        assert answer.status == status and after == ["ran"]  # the other handler still ran
        assert "relay failed" in answer.body["error"] and answer.body["handled"] == 1
        assert "KeyError: 'commit'" in caplog.text and f"answering {status}" in caplog.text
        caplog.clear()


def test_async_and_plain_handlers_run_in_both_entry_points() -> None:
    import asyncio

    quay = Receiver()
    ran: list[tuple[str, bool]] = []

    @quay.on("repo_push")
    async def notify(delivery: Delivery[Any]) -> None:
        await asyncio.sleep(0)
        ran.append(("async", True))

    @quay.on("repo_push")
    def deploy(delivery: Delivery[Any]) -> None:
        ran.append(("plain", threading.current_thread() is threading.main_thread()))

    body = incoming(contract.examples("repo_push")[0], "repo_push")
    assert quay.receive(body).status == 200
    assert asyncio.run(quay.areceive(body)).status == 200
    # plain handlers run in the request's thread under WSGI, in a worker thread under ASGI
    assert ran == [("async", True), ("plain", True), ("async", True), ("plain", False)]

    async def inside_a_loop() -> int:  # receive() called from async code still works
        return quay.receive(body).status

    assert asyncio.run(inside_a_loop()) == 200


@pytest.mark.parametrize(
    ("request_kwargs", "status", "message"),
    [
        ({"method": "GET"}, 405, "delivered with POST"),
        ({"event": "build_sucess"}, 404, "did you mean 'build_success'"),
        ({"headers": {"Content-Type": "text/plain"}}, 415, "must be application/json"),
        ({"headers": {**JSON, "Content-Encoding": "br"}}, 415, "unsupported Content-Encoding br"),
        ({"headers": {**JSON, "Content-Length": "2000"}}, 413, "larger than 1,000 bytes"),
        ({"body": b"x" * 1001}, 413, "larger than 1,000 bytes"),
        (
            {"body": gzip.compress(b" " * 5000), "headers": {**JSON, "Content-Encoding": "gzip"}},
            413,
            "larger than 1,000 bytes",
        ),
        (
            {"body": b"\x1f\x8b not gzip", "headers": {**JSON, "Content-Encoding": "gzip"}},
            400,
            "does not decompress",
        ),
        ({"body": b'{"a": '}, 400, "not readable JSON"),
        ({"body": b"[" * 300 + b"]" * 300}, 400, "nested deeper"),
    ],
)
def test_requests_quay_cannot_send_are_refused(
    request_kwargs: dict[str, Any], status: int, message: str
) -> None:
    quay, seen = recording(max_body=1000)
    fields = {"body": b"{}", "headers": JSON, "event": "repo_push", **request_kwargs}
    answer = quay.receive(Incoming(**fields))
    assert (answer.status, seen) == (status, [])
    assert message in answer.body["error"]
    if status == 405:
        assert answer.headers["Allow"] == "POST"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "x-gzip, identity"])
def test_compressed_bodies_are_decoded(coding: str) -> None:
    payload = contract.examples("repo_push")[0]
    raw = quay_body(payload)
    packed = zlib.compress(raw) if coding == "deflate" else gzip.compress(raw)
    quay, seen = recording()
    answer = quay.receive(Incoming(packed, {**JSON, "Content-Encoding": coding}, "repo_push"))
    assert answer.status == 200 and seen[0][1].body == raw


def test_path_secret() -> None:
    quay, seen = recording(secret="s3cr3t")
    body = contract.examples("repo_push")[0]
    assert quay.receive(incoming(body, "repo_push", token="s3cr3t")).status == 200
    for token in (None, "", "s3cr3", "s3cr3t2"):
        answer = quay.receive(incoming(body, "repo_push", token=token))
        assert answer.status == 404  # as if nothing were there
    assert len(seen) == 1 and "s3cr3t" not in repr(quay.secret)


def test_basic_secret_is_what_python_requests_sends_for_url_userinfo() -> None:
    import requests

    prepared = requests.Request("POST", "https://quay:s3cr3t@hooks.example.com/quay/x").prepare()
    authorization = prepared.headers["Authorization"]
    quay, seen = recording(secret="s3cr3t", secret_in="basic")
    body = contract.examples("repo_push")[0]
    ok = quay.receive(incoming(body, "repo_push", headers={**JSON, "Authorization": authorization}))
    assert ok.status == 200
    wrong = "Basic " + base64.b64encode(b"quay:guess").decode()
    for headers in (JSON, {**JSON, "Authorization": wrong}, {**JSON, "Authorization": "Bearer x"}):
        refused = quay.receive(incoming(body, "repo_push", headers=headers))
        assert refused.status == 401 and refused.headers["WWW-Authenticate"].startswith("Basic")
    assert len(seen) == 1


def test_header_secret() -> None:
    quay, seen = recording(secret="s3cr3t", secret_in="header", secret_header="X-Hook-Token")
    body = contract.examples("repo_push")[0]
    good = incoming(body, "repo_push", headers={**JSON, "x-hook-token": "s3cr3t"})
    assert quay.receive(good).status == 200
    assert quay.receive(incoming(body, "repo_push")).status == 401
    assert len(seen) == 1


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_dedup_keys_exist_exactly_where_the_payload_allows_one(
    event: str, index: int, payload: Any
) -> None:
    quay, seen = recording()
    quay.receive(incoming(payload, event))
    quay.receive(incoming(payload, event))  # Quay's retry: the same bytes
    first, again = seen[0][1], seen[1][1]
    assert first.dedup_key == again.dedup_key and first.content_hash == again.content_hash
    assert first.content_hash.startswith("sha256:") and len(first.content_hash) == 71
    if event in BUILD_EVENTS:
        assert first.dedup_key == f"{event}:{payload['build_id']}"
    elif event == "repo_image_expiry":
        tags = ",".join(sorted(payload["tags"]))
        assert first.dedup_key == f"{event}:{payload['notification_uuid']}:{tags}"
    else:
        assert event not in KEYED_EVENTS and first.dedup_key is None


def test_build_events_of_one_build_have_different_keys() -> None:
    payload = contract.examples("build_success")[2]
    keys = set()
    for event in ("build_start", "build_success", "build_failure", "build_cancelled"):
        quay, seen = recording()
        quay.receive(incoming(payload, event))
        keys.add(seen[0][1].dedup_key)
    assert len(keys) == 4


def test_registration_mistakes_are_caught_at_once() -> None:
    quay = Receiver()
    with pytest.raises(TypeError, match="at least one event"):
        quay.on()
    with pytest.raises(TypeError, match="call it with event names"):
        quay.on(print)  # type: ignore[arg-type]
    with pytest.raises(UnknownEventError, match="did you mean 'repo_push'"):
        quay.on("repo_psh")
    with pytest.raises(ValueError, match="invalid= must be"):
        ResponsePolicy(invalid="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="secret_in must be"):
        Receiver(secret="x", secret_in="query")  # type: ignore[arg-type]


def test_answer_body_is_json() -> None:
    quay, _ = recording()
    answer = quay.receive(incoming(contract.examples("build_queued")[1], "build_queued"))
    assert json.loads(answer.content) == dict(answer.body) and answer.ok


@pytest.mark.parametrize(("event", "index", "payload"), example_cases()[::7])
def test_envelope_template_bodies_name_their_event(event: str, index: int, payload: Any) -> None:
    from toolkit.inputs.wrapped import TEMPLATE

    assert TEMPLATE == '{"event": "<name>", "data": "${$}"}'
    quay, seen = recording()
    wrapped = {"event": event, "data": payload}
    answer = quay.receive(incoming(wrapped))  # posted to /quay: the body names the event
    assert answer.status == 200 and answer.body["envelope"] == event
    [(handler, delivery)] = seen
    assert handler == event and delivery.event == event and delivery.envelope == event
    assert delivery.payload == payload and type(delivery.model) is MODELS[event]
    assert delivery.body == quay_body(wrapped)  # the bytes as sent
    if event in BUILD_EVENTS:
        assert delivery.dedup_key == f"{event}:{payload['build_id']}"
    other = next(e for e in EVENTS if e != event)
    seen.clear()
    quay.receive(incoming(wrapped, other))  # the body's name wins over the URL's, as in readers
    assert [h for h, _ in seen] == [event]


def test_envelope_with_an_unknown_event_is_a_contract_breaking_body() -> None:
    quay, seen = recording()
    wrapped = {"event": "build_sucess", "data": contract.examples("build_success")[0]}
    answer = quay.receive(incoming(wrapped, "build_success"))
    assert answer.status == 200 and answer.body["valid"] is False
    [(handler, delivery)] = seen
    assert handler == "invalid" and delivery.envelope == "build_sucess"
    first = delivery.report.errors[0]
    assert (first.path, first.keyword) == ("$.event", "envelope")
    assert "did you mean build_success?" in first.message
