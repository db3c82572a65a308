"""What a new user meets: test notifications judged as such everywhere, event names checked the
same way by every command, pipes closed early, Ctrl-C, empty inputs, the summary, the tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from toolkit import contract
from toolkit.cli import main
from toolkit.contract.registry import EVENTS

ENV = {**os.environ, "NO_COLOR": "1"}


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def qc(*args: str, **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "toolkit", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        **kw,  # type: ignore[call-overload]
    )


# --- 16, 17: a test notification is one, whichever command reads it ----------------------------


@pytest.mark.parametrize("event", EVENTS)
def test_report_skips_every_test_notification_delivered_to_its_event_url(
    tmp_path: Path, event: str
) -> None:
    body = contract.test_notification_examples(event)[0]
    dump = tmp_path / "test.http"
    data = orjson.dumps(body)
    dump.write_bytes(
        f"POST /quay/{event} HTTP/1.1\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data
    )
    code, out, _ = cli("report", "--strict", "--format", "json", str(dump))
    assert code == 0, out
    assert orjson.loads(out)["skipped"] == {"test notification": 1}


@pytest.mark.parametrize("event", EVENTS)
def test_strict_judges_a_test_notification_by_its_own_variant(tmp_path: Path, event: str) -> None:
    path = tmp_path / "test.json"
    path.write_bytes(orjson.dumps(contract.test_notification_examples(event)[0]))
    code, out, _ = cli("validate", "--strict", str(path))
    assert code == 0, out
    assert "TEST" in out and "(no event)" not in out and "│ ?" not in out


# --- 19: | head -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("fuzz", "--all", "-n", "50"),
        ("validate", "--format", "json", "-v", str(ROOT / "samples")),
        ("examples",),
    ],
)
def test_a_closed_pipe_ends_quietly(args: tuple[str, ...]) -> None:
    proc = qc(*args)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before anything was written
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141, err
    assert err == b""


# --- 20: unknown event names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "--event", "bulid_success", "x.json"),
        ("fuzz", "--event", "bulid_success"),
        ("send", "http://127.0.0.1:9/", "--event", "bulid_success"),
        ("replay", "x.ndjson", "--to", "http://127.0.0.1:9/", "--event", "bulid_success"),
    ],
)
def test_every_command_rejects_an_unknown_event_alike(args: tuple[str, ...]) -> None:
    code, _, err = cli(*args)
    assert code == 3
    assert "unknown event 'bulid_success'; did you mean 'build_success'?" in err


# --- 21: regenerate outside a checkout ---------------------------------------------------------


def test_regenerate_from_a_wheel_says_what_it_needs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("toolkit.regenerate.schema_dir", lambda: tmp_path / "schemas")
    code, _, err = cli("regenerate", "--check")
    assert code == 3
    assert "pip install -e '.[dev]'" in err and "internal error" not in err


# --- 22: Ctrl-C -------------------------------------------------------------------------------


def test_ctrl_c_on_a_parallel_run_prints_one_line(tmp_path: Path) -> None:
    line = orjson.dumps(contract.examples("repo_push")[0]) + b"\n"
    path = tmp_path / "big.ndjson"
    path.write_bytes(line * (150 * 2**20 // len(line)))
    proc = qc("validate", "-j", "2", str(path), start_new_session=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 30
    while len(children.read_text().split()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # until both workers run
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it, to the whole group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode().strip() == "interrupted"


# --- 24, 25: nothing to check, and files that are not inputs ------------------------------------


def test_an_empty_directory_and_an_empty_glob_are_input_problems(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, _ = cli("validate", str(tmp_path / "empty"), str(tmp_path / "*.ndjson"))
    assert code == 3
    assert "empty: no input files in this directory" in out
    assert "*.ndjson: no file matches this pattern" in out


def test_walking_skips_files_that_are_not_inputs_and_globs_refine_it(tmp_path: Path) -> None:
    push = orjson.dumps(contract.examples("repo_push")[0])
    (tmp_path / "a.json").write_bytes(push)
    (tmp_path / "capture").write_bytes(push)  # no extension: read by content
    (tmp_path / "README.md").write_text("# captures\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "b.json").write_bytes(b"{")
    code, out, err = cli("validate", "--exclude", "old", str(tmp_path))
    assert code == 0, out
    assert "2 payload(s): 2 valid" in out
    assert "skipped 2 file(s)" in err and "README.md" in err
    code, out, _ = cli("validate", "--include", "*.md", str(tmp_path))
    assert code == 3 and "README.md" in out and "1 payload(s)" in out
    code, out, _ = cli("validate", str(tmp_path / "README.md"))  # named: always read
    assert code == 3 and "README.md" in out


# --- 26: the summary and the table agree; -q is quiet -----------------------------------------


def test_summary_counts_as_the_table_does_and_quiet_prints_only_it() -> None:
    code, out, _ = cli("validate", str(ROOT / "samples"))
    assert code == 1
    assert "25 payload(s): 15 valid, 2 test notification(s), 6 invalid, 2 unreadable." in out
    code, out, _ = cli("validate", "-q", str(ROOT / "samples"))
    assert out.strip().splitlines() == [
        "25 payload(s): 15 valid, 2 test notification(s), 6 invalid, 2 unreadable."
    ]


# --- 27: fuzz | validate ----------------------------------------------------------------------


def test_fuzz_output_pipes_into_validate() -> None:
    fuzz = subprocess.run(
        [sys.executable, "-m", "toolkit", "fuzz", "--event", "quota_error", "-n", "5", "--invalid"],
        capture_output=True,
        check=True,
    ).stdout
    result = CliRunner().invoke(main, ["validate", "--format", "json", "-"], input=fuzz)
    assert result.exit_code == 1
    results = orjson.loads(result.stdout)["results"]
    assert len(results) == 5
    # The event is pinned from each line (quota_error shares its shape with quota_warning).
    assert {r["event"] for r in results} == {"quota_error"}
    assert all(r["status"] == "fail" for r in results)


# --- 31: the examples table at 80 columns -----------------------------------------------------


def test_examples_table_keeps_event_names_whole_at_80_columns() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "toolkit", "examples"],
        capture_output=True,
        env={**ENV, "COLUMNS": "80"},
        check=True,
    ).stdout.decode()
    assert max(len(line) for line in out.splitlines()) <= 80
    names = {w.strip(",") for line in out.splitlines() for w in line.split() if "_" in w}
    assert names <= set(EVENTS), names - set(EVENTS)  # no name broken into pieces


# --- 33: the README says what the test suite needs --------------------------------------------


def test_readme_names_chromium_beside_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("Run the whole test suite")
    section = readme[start : readme.index("\n## ", start)]
    assert "chromium" in section and "apt-get install" in section
