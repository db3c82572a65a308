"""The fast paths for directories of files give exactly what the general paths give.

Walked files are read once and not stat'ed; plain passes travel between processes compactly and
are rendered from a template; the CLI pauses the GC during start-up. None of it may change a
verdict, a byte of output or an exit code.
"""

from __future__ import annotations

import gc
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from tests.conftest import DATA, ROOT
from toolkit import contract
from toolkit.cli import _app, main
from toolkit.cli.reporters.jsonfmt import JsonReporter
from toolkit.contract.registry import EVENTS
from toolkit.inputs import read
from toolkit.inputs.paths import expand, expand_marked
from toolkit.validation.batch import Batch, Options, _pack
from toolkit.validation.summary import Summary
from toolkit.validation.validator import Finding
from toolkit.validation.verdict import Verdict, as_json, check
from toolkit.validation.work import _check_file


def _files(folder: Path) -> list[Path]:
    """Every kind of whole file a directory may hold, pretty-printed like real captures."""
    payloads: list[Any] = []
    for event in EVENTS:
        payloads += contract.examples(event)[:2] + contract.test_notification_examples(event)[:1]
    payloads += [json.loads(p.read_text())["payload"] for p in sorted(DATA.glob("invalid/*/*"))]
    out = []
    for i, payload in enumerate(payloads):
        out.append(folder / f"p{i:03}.json")
        out[-1].write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    push = orjson.dumps(contract.examples("repo_push")[0])
    odd = {
        "big-array.json": b"[" + b",".join([push] * 80) + b"]",  # more than one read's worth
        "lines.json": push + b"\n" + push + b"\n",  # NDJSON in a .json file
        "empty.json": b"",
        "broken.json": push[:-5],
        "bom.json": b"\xef\xbb\xbf" + push,
        "dup.json": push[:-1] + b',"name":"again"}',
        "nan.json": b'{"a": NaN}',
        "latin1.json": '{"name": "é"}'.encode("latin-1"),
    }
    for name, data in odd.items():
        out.append(folder / name)
        out[-1].write_bytes(data)
    return out


def test_walked_files_are_marked_and_named_ones_are_not(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("d/a.json", "d/sub/b.json", "d/.hidden.json", "c.json"):
        (tmp_path / name).write_text("{}")
    args = [str(tmp_path / "d"), str(tmp_path / "c.json"), str(tmp_path / "missing.json")]
    marked = list(expand_marked(args))
    assert marked == [
        (str(tmp_path / "d" / "a.json"), True, None),
        (str(tmp_path / "d" / "sub" / "b.json"), True, None),
        (str(tmp_path / "c.json"), False, None),
        (str(tmp_path / "missing.json"), False, None),
    ]
    assert list(expand(args)) == [path for path, _, _ in marked]


@pytest.mark.parametrize("keep_all", [False, True])
def test_one_read_of_a_walked_file_gives_the_general_verdicts(
    tmp_path: Path, keep_all: bool
) -> None:
    options = Options(keep_all=keep_all)
    for path in _files(tmp_path):
        once, twice = Batch(), Batch()
        _check_file(str(path), options, once, True)
        _check_file(str(path), options, twice, False)
        assert once.verdicts == twice.verdicts, path.name
        assert once.passes == twice.passes, path.name


def test_a_short_first_read_is_completed_before_anything_else_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a read of a regular file ever come back short, the fast pass fails on the cut
    text and the rest is read before the general path looks at the file."""
    expected = {}
    for path in _files(tmp_path):
        batch = Batch()
        _check_file(str(path), Options(keep_all=True), batch, False)
        expected[path] = batch.verdicts
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 100)))
    for path, verdicts in expected.items():
        batch = Batch()
        _check_file(str(path), Options(keep_all=True), batch, True)
        assert batch.verdicts == verdicts, path.name


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


def test_a_parallel_directory_run_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough walked files to take the worker pool, or (formats that list only what fails) to
    be shared between this process and a worker; every format as with one process."""
    files = _files(tmp_path)
    push = orjson.dumps(contract.examples("repo_push")[0], option=orjson.OPT_INDENT_2)
    (tmp_path / "many").mkdir()
    for i in range(1100):
        (tmp_path / "many" / f"{i:05}.json").write_bytes(push)
    import toolkit.validation.forked
    import toolkit.validation.runner
    from toolkit.prover import seeded

    engines: list[tuple[str, int]] = []
    pool, shared = toolkit.validation.runner._parallel, toolkit.validation.forked.split

    def spy_pool(*args: Any) -> Any:
        engines.append(("pool", args[3]))
        return pool(*args)

    def spy_shared(*args: Any) -> Any:
        engines.append(("shared", 1 + args[3]))
        return shared(*args)

    monkeypatch.setattr(toolkit.validation.runner, "_parallel", spy_pool)
    monkeypatch.setattr(toolkit.validation.forked, "split", spy_shared)
    for fmt in ("json", "text", "junit", "sarif", "github"):
        one = _cli("--format", fmt, "--jobs", "1", str(tmp_path))
        two = _cli("--format", fmt, "--jobs", "2", str(tmp_path))
        assert two.output == one.output, fmt
        assert two.exit_code == one.exit_code == 1, fmt
    kinds = ["pool", "shared", "pool", "pool", "shared"] if seeded.available() else ["pool"] * 5
    assert engines == [(kind, 2) for kind in kinds]  # json, junit, sarif list every payload
    report = json.loads(_cli("--format", "json", "--jobs", "2", str(tmp_path)).output)
    assert report["summary"]["total"] > 1100 + len(files)


def _verdicts() -> list[Verdict]:
    """Verdicts of every kind, with awkward sources."""
    finding = Finding("$.a", "type", "bad", ("a",), 3, 4)
    out = [
        Verdict('we"ird\\ ñame.json', event="repo_push", candidates=("repo_push",), valid=True),
        Verdict("a.json", candidates=("quota_warning", "quota_error"), valid=True),
        Verdict("t.json", candidates=("build_success", "build_cancelled"), test_notification=True),
        Verdict("f.json", event="repo_push", errors=(finding,), closest="repo_push"),
        Verdict("e.json", problem="empty file"),
        Verdict("n.ndjson", 7, format="ndjson", event="repo_push", candidates=("repo_push",)),
        Verdict("h.har", index=2, format="har", event="repo_push", candidates=("repo_push",)),
        Verdict("p.json", event="repo_push", candidates=("repo_push",), valid=True, pinned=True),
        Verdict("d.json", candidates=("repo_push",), valid=True, notes=("duplicate key",)),
    ]
    samples = ROOT / "samples"
    for path in sorted(samples.iterdir()):
        out += [check(record) for record in read(str(path))]
    return out


def test_the_json_report_renders_each_result_as_its_dict() -> None:
    verdicts = _verdicts() * 2  # the second time, from cached templates
    out = io.StringIO()
    reporter = JsonReporter(out)
    for verdict in verdicts:
        reporter.verdict(verdict)
    reporter.finish(Summary())
    results = json.loads(out.getvalue())["results"]
    lines = out.getvalue().splitlines()[1 : len(verdicts) + 1]
    assert results == [as_json(v) for v in verdicts]
    assert [line.rstrip(",") for line in lines] == [
        orjson.dumps(as_json(v)).decode() for v in verdicts
    ]


def test_plain_passes_travel_compactly_and_arrive_whole() -> None:
    verdicts = _verdicts()
    batch = Batch(list(verdicts), lines=3, path="x")
    assert pickle.loads(pickle.dumps(batch)) == batch
    # The first two are plain passes; the others differ from one in a field each.
    assert [len(_pack(v)) == 3 for v in verdicts[:9]] == [True, True] + [False] * 7


def test_cli_runs_in_process_leave_the_gc_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(orjson.dumps(contract.examples("repo_push")[0]))
    frozen = gc.get_freeze_count()
    assert _cli(str(path)).exit_code == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_started_hook_resumes_a_paused_gc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_app, "_PAUSED", True)
    gc.disable()
    try:
        _app._started()
        assert gc.isenabled()
        assert not _app._PAUSED
        _app._started()  # once only
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_program_run_pauses_gc_for_start_up_only(tmp_path: Path) -> None:
    """As the console script runs it: GC paused while importing, running for the command."""
    path = tmp_path / "a.json"
    path.write_bytes(orjson.dumps(contract.examples("repo_push")[0]))
    code = (
        "import atexit, gc, sys\n"
        "from toolkit.cli import _app, main\n"
        "started = _app._started\n"
        "def spy():\n"
        "    sys.stderr.write(f'before {gc.isenabled()}\\n')\n"
        "    started()\n"
        "    sys.stderr.write(f'after {gc.isenabled()}\\n')\n"
        "_app._started = spy\n"
        "atexit.register(lambda: sys.stderr.write(f'frozen {gc.get_freeze_count() > 0}\\n'))\n"
        "main(['validate', '--format', 'json', sys.argv[1]])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "pass"
    assert proc.stderr.split() == ["before", "False", "after", "True", "frozen", "True"]
