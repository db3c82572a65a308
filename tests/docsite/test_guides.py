"""The guides' code is real: the receiver and the CI test they show run as written."""

from __future__ import annotations

import ast
import json
import logging
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, invalid_cases
from toolkit import contract
from toolkit.contract.registry import EVENTS

GUIDE = ROOT / "docs" / "guides" / "receiving.md"
FUZZING_GUIDE = ROOT / "docs" / "guides" / "fuzzing.md"
CONSUMER = ROOT / "examples" / "consumer"


def code_block(title: str, guide: Path = GUIDE) -> str:
    """The fenced Python block of the guide with this title."""
    pattern = rf'```python title="{re.escape(title)}"\n(.*?)\n```'
    match = re.search(pattern, guide.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"{guide.name} has no block titled {title}"
    return match.group(1)


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The guide's receiver.py on loopback; yields its URL and the (event, model) it handled."""
    namespace: dict[str, Any] = {"__name__": "receiver"}
    exec(compile(code_block("receiver.py"), "receiver.py", "exec"), namespace)
    handled: list[tuple[str, str]] = []
    business = namespace["handle"]  # the guide's own handle(), which logs a field

    def handle(event: str, model: Any) -> None:
        handled.append((event, type(model).__name__))
        business(event, model)

    namespace["handle"] = handle

    class Quiet(namespace["QuayWebhook"]):  # type: ignore[misc,name-defined]
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", handled
    server.shutdown()
    server.server_close()
    thread.join()


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def test_receiver_handles_real_events_and_acknowledges_everything_else(
    receiver: tuple[str, list[tuple[str, str]]], caplog: pytest.LogCaptureFixture
) -> None:
    base, handled = receiver
    expected = []
    with caplog.at_level(logging.INFO, logger="quay-webhooks"):
        for event in EVENTS:
            for payload in contract.examples(event):
                assert post(f"{base}/quay/{event}", json.dumps(payload).encode()) == 204
                expected.append((event, contract.raw(event)["title"]))
                # The guide logs model.namespace: the payload's own string, not a wrapper.
                assert caplog.messages[-1] == f"{event} for {payload['namespace']}"
    assert handled == expected
    caplog.clear()

    handled.clear()
    with caplog.at_level(logging.INFO, logger="quay-webhooks"):
        sample = contract.test_notification_examples("build_success")[0]
        assert post(f"{base}/quay/build_success", json.dumps(sample).encode()) == 204
        event, case = invalid_cases()[0].values
        assert post(f"{base}/quay/{event}", json.dumps(case["payload"]).encode()) == 204
    assert handled == []
    assert "test notification for build_success" in caplog.text
    assert f"{event} {case['path']} [{case['keyword']}]" in caplog.text

    assert post(f"{base}/quay/build_success", b"{not json") == 400
    assert post(f"{base}/quay/no_such_event", b"{}") == 404


def test_ci_example_reports_the_capture_that_breaks_the_contract(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    (tests / "captures" / "build_success").mkdir(parents=True)
    (tests / "test_quay_captures.py").write_text(code_block("tests/test_quay_captures.py"))
    good = contract.examples("build_success")[2]
    bad = {**good, "build_id": "nope"}
    (tests / "captures" / "build_success" / "good.json").write_text(json.dumps(good))
    (tests / "captures" / "build_success" / "upload.json").write_text(json.dumps(bad))

    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert proc.returncode == 1, proc.stdout
    assert "1 failed, 2 passed" in proc.stdout
    guide = GUIDE.read_text(encoding="utf-8")
    for line in proc.stdout.splitlines():  # the guide quotes the real failure
        if line.startswith(("E       AssertionError:", "FAILED")):
            assert line.split(" - ")[0] in guide, line


@pytest.mark.parametrize("name", ["handler.py", "test_webhook.py"])
def test_fuzzing_guide_shows_the_example_consumer_as_it_is(name: str) -> None:
    """The guide's copy of examples/consumer/ (which CI runs) is the file without its docstring
    and `from __future__` line."""
    shown = code_block(name, FUZZING_GUIDE)
    source = (CONSUMER / name).read_text(encoding="utf-8").rstrip("\n")
    assert source.endswith(shown)
    omitted = ast.parse(source[: len(source) - len(shown)]).body
    assert [type(node).__name__ for node in omitted] == ["Expr", "ImportFrom"]
    assert isinstance(omitted[1], ast.ImportFrom) and omitted[1].module == "__future__"


def test_the_release_section_runs_as_shown() -> None:
    """The pycon sessions of "Your Quay release" are doctests, run in one namespace."""
    import doctest

    import toolkit

    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Your Quay release", 1)[1].split("\n## ", 1)[0]
    sessions = re.findall(r"```pycon\n(.*?)```", section, re.DOTALL)
    assert len(sessions) >= 2
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    namespace: dict[str, Any] = {"toolkit": toolkit, "contract": contract}
    for i, session in enumerate(sessions):
        test = parser.get_doctest(session, namespace, f"release[{i}]", str(GUIDE), 0)
        runner.run(test, clear_globs=False)
        namespace = test.globs
    assert runner.failures == 0 and runner.tries >= 6


def test_the_invariant_finding_shown_is_what_validate_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The receiving guide's session on Quay's repo_push docs sample runs as shown."""
    from tests.docsite.snippets import pycon_blocks, run_pycon

    monkeypatch.chdir(ROOT)
    [block] = [b for b in pycon_blocks(GUIDE.read_text(encoding="utf-8")) if "x-invariants" in b
               or "repository-path" in b]  # fmt: skip
    assert run_pycon(block, "receiving.md") == ""
