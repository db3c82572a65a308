"""Quay's notification list as input: every webhook checked against its own event.

The lists in tests/data/templates/api_list_*.json are written the way Quay's API writes them.
"""

from __future__ import annotations

import json

import pytest

from tests.templates.oracle import FOLDER
from toolkit.templates.check import EventGivenError, NeedsEventError, Options, Result, check
from toolkit.templates.engine import save

LISTS = sorted(FOLDER.glob("api_list_*.json"))


def _check(name: str, **options: object) -> list[Result]:
    return check((FOLDER / name).read_bytes(), name, Options(samples=3, **options))  # type: ignore[arg-type]


def _rules(result: Result) -> set[str]:
    return {f.rule for f in result.findings}


@pytest.mark.parametrize("path", LISTS, ids=[p.stem for p in LISTS])
def test_every_notification_of_a_list_is_checked_as_its_own_event(path: object) -> None:
    name = path.name  # type: ignore[attr-defined]
    listed = json.loads((FOLDER / name).read_text())["notifications"]
    results = _check(name)
    assert [r.notification.uuid for r in results if r.notification] == [n["uuid"] for n in listed]
    for result, item in zip(results, listed, strict=True):
        assert result.events == (item["event"],)
        if item["method"] != "webhook":
            assert _rules(result) == {"skipped"}
        elif not item["config"].get("template"):
            assert "no-template" in _rules(result)
        else:  # every template in these lists saves: Quay answered 201
            assert result.saved is not None and result.saved.status == 201


def test_findings_point_into_the_file_and_into_the_template() -> None:
    name = "api_list_repo_webhooks.json"
    text = (FOLDER / name).read_text()
    [broken] = [r for r in _check(name) if r.notification and r.notification.index == 3]
    crash = next(f for f in broken.findings if f.rule == "inline-join-crash")
    assert crash.expression == "vulnerability.*" and crash.events == ("vulnerability_found",)
    line = text.splitlines()[crash.source_line - 1]  # type: ignore[operator]
    assert line[crash.source_column - 1 :].startswith("${vulnerability.*}")  # type: ignore[operator]
    template = json.loads(text)["notifications"][3]["config"]["template"]
    at = template.splitlines()[crash.line - 1][crash.column - 1 :]  # type: ignore[operator]
    assert at.startswith("${vulnerability.*}")
    assert any("TypeError" in e for e in crash.evidence)  # rendering confirmed the crash


def test_a_multi_line_template_is_located_line_by_line() -> None:
    [first, *_] = _check("api_list_repo_mixed.json")
    optional = next(f for f in first.findings if f.rule == "path-optional")
    assert (optional.line, optional.column) == (2, 19)  # inside the template's second line
    assert optional.source_line == 1  # the list itself is one line


def test_no_template_disabled_and_skipped_notifications_say_so() -> None:
    results = {r.notification.index: r for r in _check("api_list_repo_webhooks.json")}  # type: ignore[union-attr]
    assert _rules(results[4]) == {"no-template", "disabled"}
    mixed = _check("api_list_repo_mixed.json")
    assert [sorted(_rules(r)) for r in mixed[1:]] == [
        ["no-template"],  # "template": "" (the new UI)
        ["no-template"],  # no template key (the old UI)
        ["skipped"],
        ["skipped"],
        ["skipped"],
    ]


def test_a_single_notification_and_an_unknown_event() -> None:
    item = {
        "uuid": "u-1",
        "title": None,
        "event": "repo_pushed",
        "method": "webhook",
        "config": {"url": "https://x.example", "template": '{"a": "${name}"}'},
        "event_config": {},
        "number_of_failures": 0,
    }
    [result] = check(json.dumps(item).encode(), "one.json", Options())
    assert result.notification is not None and result.notification.index is None
    [finding] = result.findings
    assert finding.rule == "unknown-event" and "repo_pushed" in finding.message


def test_events_are_given_by_the_list_not_by_the_caller() -> None:
    with pytest.raises(EventGivenError, match="drop --event"):
        _check("api_list_repo_mixed.json", events=("repo_push",))
    with pytest.raises(NeedsEventError, match="--event"):
        check(b'{"a": "${name}"}', "t.json", Options())


def test_a_template_can_be_forced_even_when_it_looks_like_a_list() -> None:
    text = (FOLDER / "api_list_org_quota.json").read_bytes()
    options = Options(("repo_push",), input_format="template", dynamic=False)
    [result] = check(text, "t.json", options)
    # The whole list is now one template: the placeholders inside its strings are checked.
    assert result.notification is None and "path-other-event" in _rules(result)


def test_the_save_message_is_quays_400_detail() -> None:
    detail = json.loads((FOLDER / "api_create_400_bad_template.json").read_text())["detail"]
    saved = save(json.dumps({"v": "${updated_tags[?(@ == 'latest')]}"}))
    assert saved.status == 400 and saved.error is not None
    assert saved.error.message == detail
