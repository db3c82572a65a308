"""The one-file shortcut (toolkit.cli.quick): same output and exit code as the click program,
fewer imports, and no argv that the two read differently."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click
import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, ROOT
from toolkit import contract
from toolkit.cli import main
from toolkit.cli.quick import attempt, passing, shortcut
from toolkit.cli.reporters.summary_text import RICH_ENVIRONMENT, blocks, plain
from toolkit.cli.reporters.text import TextReporter
from toolkit.contract.registry import EVENTS
from toolkit.contract.releases import Releases
from toolkit.prover.native import built
from toolkit.validation.plain import plain_pass
from toolkit.validation.summary import Summary

HEAVY = ("click", "rich", "jsonschema", "referencing", "pydantic", "aiohttp", "fsspec")
"""Packages a passing one-file run must not import."""
HEAVY_OWN = ("toolkit.validation.verdict", "toolkit.validation.explain", "toolkit.cli._app")
"""The project's own modules it must not import either (Records, Verdicts, explanations)."""


def _payloads() -> list[Any]:
    out: list[Any] = []
    for event in EVENTS:
        out += contract.examples(event)[:1]
        out += contract.test_notification_examples(event)[:1]
    for path in sorted((DATA / "invalid").glob("*/*.json"))[::12]:
        out.append(json.loads(path.read_text())["payload"])
    return out


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in RICH_ENVIRONMENT}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _quick(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args], cwd=cwd, capture_output=True, env=_env()
    )


def _rich(summary: Summary, quiet: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """What the text reporter (rich) prints for `summary` on plain output."""
    for name in RICH_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    out = io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", out)
        patch.setattr("toolkit.cli.reporters.text.plain_output", lambda stream: False)
        TextReporter(quiet=quiet).finish(summary)
    return out.getvalue()


def _attempt(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int | None, str]:
    """The shortcut run in this process on plain output: (its exit code or None, its output)."""
    for name in RICH_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", out)
        code = attempt(args)
    out.flush()
    return code, out.buffer.getvalue().decode()  # type: ignore[attr-defined]


def test_every_example_file_prints_what_the_click_program_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    taken = 0
    for i, payload in enumerate(_payloads()):
        name = f"{i:03}.json"
        (tmp_path / name).write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
        for args in (["validate", name], ["validate", "-q", name]):
            code, text = _attempt(args, monkeypatch)
            ref = runner.invoke(main, args, env=_env())
            if code is None:  # the click program runs: it is the reference
                assert ref.exit_code != 0 or plain_pass((tmp_path / name).read_bytes()) is None
                continue
            taken += 1
            assert (code, text) == (ref.exit_code, ref.stdout), args
    assert taken >= 2 * len(EVENTS)  # the shortcut really answers the examples


def test_several_files_print_what_the_click_program_prints(tmp_path: Path) -> None:
    names = []
    for event in EVENTS:
        for j, payload in enumerate(contract.examples(event)[:2]):
            names.append(f"{event}-{j}.json")
            (tmp_path / names[-1]).write_bytes(orjson.dumps(payload))
    ran = _quick(["validate", *names], tmp_path)
    os.chdir(tmp_path)
    try:
        ref = CliRunner().invoke(main, ["validate", *names], env=_env())
    finally:
        os.chdir(ROOT)
    assert (ran.returncode, ran.stdout.decode()) == (ref.exit_code, ref.stdout)


def test_a_passing_file_imports_neither_click_nor_rich(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(orjson.dumps(contract.examples("build_success")[0]))
    probe = (
        "import atexit, json, sys\n"
        "def report():\n"
        "    sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
        "atexit.register(report)\n"
        f"sys.argv = ['quay-contract', 'validate', {str(path)!r}]\n"
        "from toolkit.cli.quick import main\n"
        "main()\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=_env())
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.decode().endswith("0 invalid, 0 unreadable.\n")
    modules = json.loads(ran.stderr.decode())
    heavy = [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY_OWN]
    assert heavy == []
    if built():  # proven by the seed programs: no validator, not even a parser
        assert not [m for m in modules if m.split(".")[0] in ("jsonschema_rs", "orjson")]
    else:
        assert "toolkit.validation.plain" in modules


def test_a_file_the_seeds_cannot_prove_is_checked_plainly(tmp_path: Path) -> None:
    """A `\\u` escape is beyond the scanner: the validator decides, the report is the same."""
    raw = orjson.dumps(contract.examples("build_success")[0]).replace(b'"name"', b'"n\\u0061me"')
    assert orjson.loads(raw) == contract.examples("build_success")[0]
    (tmp_path / "escaped.json").write_bytes(raw)
    (tmp_path / "plain.json").write_bytes(orjson.dumps(contract.examples("build_success")[0]))
    escaped = _quick(["validate", "escaped.json"], tmp_path)
    assert (escaped.returncode, escaped.stdout) == (
        0,
        _quick(["validate", "plain.json"], tmp_path).stdout,
    )
    modules = _modules(["validate", "escaped.json"], tmp_path)
    assert "toolkit.validation.plain" in modules and "click" not in modules


def test_a_failing_file_gets_the_whole_run_without_click(tmp_path: Path) -> None:
    bad = json.loads(next((DATA / "invalid").glob("repo_push/*.json")).read_text())["payload"]
    (tmp_path / "bad.json").write_bytes(orjson.dumps(bad))
    ran = _quick(["validate", "bad.json"], tmp_path)
    assert ran.returncode == 1 and b"FAIL  bad.json" in ran.stdout
    modules = _modules(["validate", "bad.json"], tmp_path)
    assert not [m for m in modules if m.split(".")[0] in ("click", "rich")]
    assert "toolkit.validation.explain" in modules


def _modules(argv: list[str], cwd: Path) -> list[str]:
    """The modules a run of the entry point on `argv` imported (run in `cwd`, output a pipe)."""
    probe = (
        "import atexit, json, os, sys\n"
        "def report():\n"
        "    os.write(2, b'\\nMODULES ' + json.dumps(sorted(sys.modules)).encode())\n"
        "atexit.register(report)\n"
        f"sys.argv = ['quay-contract', *{argv!r}]\n"
        "from toolkit.cli.quick import main\n"
        "main()\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, env=_env(), cwd=cwd, check=False
    )
    return list(json.loads(ran.stderr.decode().rpartition("\nMODULES ")[2]))


def _directory(root: Path) -> Path:
    """A directory of every kind of verdict: valid payloads, invalid cases, test notifications,
    a file that is not JSON, NDJSON, an empty file, a file that is not an input, and names with
    spaces, non-ASCII and control characters."""
    folder = root / "captures"
    (folder / "sub dir").mkdir(parents=True)
    for i, payload in enumerate(_payloads()):
        (folder / f"{i:03}.json").write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    lines = [orjson.dumps(p) for p in _payloads()[:6]]
    (folder / "sub dir" / "mixed.ndjson").write_bytes(b"\n".join(lines) + b"\n{not json\n")
    (folder / "sub dir" / "empty.json").write_bytes(b"")
    (folder / "notes.txt").write_text("not an input")
    bad = orjson.dumps(_payloads()[-1])
    (folder / "t\u00e9l\u00e9phone \u2265.json").write_bytes(bad)
    (folder / "tab\there.json").write_bytes(bad)
    return folder


@pytest.mark.parametrize("args", [[], ["-q"]])
def test_a_directory_prints_what_the_click_program_prints(tmp_path: Path, args: list[str]) -> None:
    folder = _directory(tmp_path)
    argv = ["validate", *args, folder.name]
    ran = _quick(argv, tmp_path)
    os.chdir(tmp_path)
    try:
        ref = CliRunner().invoke(main, argv, env=_env())
    finally:
        os.chdir(ROOT)
    assert ran.returncode == ref.exit_code == 1
    assert ran.stdout.decode() == ref.stdout
    assert "note: skipped 1 file(s)" in ran.stderr.decode()
    assert "FAIL" in ref.stdout or args == ["-q"]
    (folder / "tab\there.json").unlink()  # a tab is rich's to draw; nothing else is
    modules = _modules(argv, tmp_path)
    assert not [m for m in modules if m.split(".")[0] in ("click", "rich")]


@pytest.mark.parametrize("verbose", [False, True])
def test_the_text_report_is_rich_s_byte_for_byte(
    tmp_path: Path, verbose: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines written without rich are the bytes rich writes (lines with a tab or another
    control character are left to rich)."""
    from toolkit.cli.checking import check_inputs
    from toolkit.inputs.paths import Selection
    from toolkit.validation.batch import Options

    folder = _directory(tmp_path)
    for name in RICH_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)

    def report(plain_first: bool) -> tuple[int, str]:
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdout", out)
            if not plain_first:
                patch.setattr("toolkit.cli.reporters.text.plain_output", lambda stream: False)
            options = Options(keep_all=verbose)
            code = check_inputs([str(folder)], options, Selection((), ()), verbose=verbose)
        out.flush()
        return code, out.buffer.getvalue().decode()  # type: ignore[attr-defined]

    ours, theirs = report(True), report(False)
    assert ours == theirs
    assert ours[0] == 1 and "t\u00e9l\u00e9phone \u2265.json" in ours[1] and "tab" in ours[1]


def _summaries() -> st.SearchStrategy[Summary]:
    labels = st.sampled_from(  # () : a row that names no event ("(none fits)"), sorted last
        [(e,) for e in EVENTS] + [tuple(g) for g in contract.shape_groups() if len(g) > 1] + [()]
    )
    bits = st.integers(min_value=0, max_value=(1 << len(Releases.every().runs()) * 4) - 1)
    counts = st.integers(min_value=0, max_value=10**7)

    @st.composite
    def build(draw: st.DrawFn) -> Summary:
        summary = Summary()
        passes: Counter[Any] = Counter()
        for _ in range(draw(st.integers(1, 4))):
            label = draw(labels)
            releases = draw(
                st.sampled_from([Releases.every(), *_known_releases()]) | bits.map(_bits)
            )
            passes[(label, draw(st.booleans()), releases)] += draw(counts) or 1
        summary.add_passes(passes)
        if draw(st.booleans()):  # invalid payloads: a row of their own, or of the closest event
            summary._count(draw(labels), False, False, draw(counts) or 1)
        summary.unreadable = draw(st.integers(0, 3))
        summary.total += summary.unreadable
        return summary

    return build()


def _bits(n: int) -> Releases:
    return Releases(n & Releases.every().bits)


def _known_releases() -> list[Releases]:
    found = []
    for event in EVENTS:
        for payload in contract.examples(event):
            key = plain_pass(orjson.dumps(payload))
            if key is not None and key[2] is not None:
                found.append(key[2])
    return found


@settings(max_examples=150, deadline=None)
@given(summary=_summaries(), quiet=st.booleans())
def test_the_plain_drawing_is_rich_s_byte_for_byte(summary: Summary, quiet: bool) -> None:
    drawn = plain(blocks(summary, quiet=quiet))
    if drawn is not None:
        with pytest.MonkeyPatch.context() as monkeypatch:
            assert drawn == _rich(summary, quiet, monkeypatch)


def test_the_plain_drawing_declines_what_it_cannot_draw_like_rich() -> None:
    summary = Summary()
    # Two wide columns: rich narrows both, which the plain drawing does not attempt.
    summary.add_passes({(tuple(EVENTS[:6]), False, Releases.every()): 10**40})
    assert plain(blocks(summary)) is None
    assert plain(blocks(summary, quiet=True)) is not None
    summary = Summary()
    summary.add_passes({(tuple(EVENTS[:6]), False, Releases.every()): 1})  # one: wrapped
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert plain(blocks(summary)) == _rich(summary, False, monkeypatch)


ARGVS = [
    ["validate", "a.json"],
    ["validate", "-q", "a.json"],
    ["validate", "a.json", "--quiet"],
    ["validate", "a.json", "b.json", "-q", "-q"],
    ["validate", "-qv", "a.json"],
    ["validate", "--", "a.json"],
    ["validate", "-", "a.json"],
    ["validate", "a.json", "--format", "json"],
    ["validate", "--format=text", "a.json"],
    ["validate", "a.ndjson"],
    ["validate", "s3://bucket/a.json"],
    ["validate", "*.json"],
    ["validate"],
    ["validate", "-q"],
    ["--traceback", "validate", "a.json"],
    ["validate", "--strict", "a.json"],
    ["validate", "-v", "a.json"],
    ["validate", "--help"],
    ["examples"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_the_shortcut_reads_argv_as_click_does(argv: list[str]) -> None:
    """What the shortcut takes, click parses to the same paths and -q, every other option as
    in a bare `validate FILE`."""
    found = shortcut(argv)
    if found is None:
        return
    quiet, paths = found
    command = main.get_command(click.Context(main), "validate")
    assert command is not None
    ctx = command.make_context("validate", list(argv[1:]))
    params = dict(ctx.params)
    assert (params.pop("paths"), params.pop("quiet")) == (tuple(paths), quiet)
    bare = dict(command.make_context("validate", ["x.json"]).params)  # every option unset
    del bare["paths"], bare["quiet"]
    assert params == bare


TAKEN = [
    *ARGVS[:4],
    ["validate", "a.ndjson"],
    ["validate", "s3://bucket/a.json"],
    ["validate", "*.json"],
]
"""Paths of any kind, and -q: check_inputs then reads them as the click command does."""


def test_the_shortcut_takes_only_the_plain_shapes() -> None:
    taken = [argv for argv in ARGVS if shortcut(argv) is not None]
    assert taken == TAKEN


@pytest.mark.parametrize("variable", ["FORCE_COLOR", "COLUMNS", "TTY_COMPATIBLE"])
def test_output_rich_would_draw_otherwise_is_drawn_by_rich(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """With a variable that changes rich's drawing, the first attempt declines and the run
    draws with rich: the bytes are the click program's."""
    (tmp_path / "one.json").write_bytes(orjson.dumps(contract.examples("repo_push")[0]))
    monkeypatch.chdir(tmp_path)
    assert _attempt(["validate", "one.json"], monkeypatch)[0] == 0
    monkeypatch.setenv(variable, "120")
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", out)
        assert passing(False, ["one.json"]) is None
        code = attempt(["validate", "one.json"])
    out.flush()
    text = out.buffer.getvalue().decode()  # type: ignore[attr-defined]
    monkeypatch.delenv(variable)
    ref = CliRunner().invoke(main, ["validate", "one.json"], env={**_env(), variable: "120"})
    assert (code, text) == (ref.exit_code, ref.stdout)


_LEAVE_SETUPS = {
    # setup code -> whether the interpreter's teardown must still run
    "": False,
    "import atexit\natexit.register(lambda: sys.stderr.write('atexit ran\\n'))\n": True,
    "import threading, time\n"
    "late = lambda: (time.sleep(0.2), sys.stderr.write('thread ran\\n'))\n"
    "threading.Thread(target=late).start()\n": True,
}


@pytest.mark.parametrize("setup", list(_LEAVE_SETUPS), ids=["bare", "atexit", "thread"])
def test_leave_skips_the_teardown_only_when_nothing_is_left_to_run(setup: str) -> None:
    """The fast exit keeps the exit code and every buffered byte; an atexit callback or a
    running thread gets the normal exit, which runs them."""
    probe = (
        "import sys\n"
        "class Marker:\n"
        "    def __del__(self):\n"
        "        sys.stderr.write('teardown ran\\n')\n"
        "marker = Marker()\n"
        f"{setup}"
        "sys.stdout.write('x' * 100_000)\n"
        "from toolkit.cli.quick import leave\n"
        "leave(3)\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=_env())
    assert ran.returncode == 3
    assert ran.stdout == b"x" * 100_000
    assert (b"teardown ran" in ran.stderr) is _LEAVE_SETUPS[setup]
    if setup:
        assert (b"atexit ran" in ran.stderr) or (b"thread ran" in ran.stderr)
