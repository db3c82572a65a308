"""Directory runs shared between the parent and its workers (toolkit.validation.parentscan over
forked.split): the parent proves the walked `.json` files with the seed programs, a worker
checks what they leave, and the run reports exactly what the workers' pool and a serial run
report, while the parent never imports the exact path."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

from tests.conftest import ROOT
from tests.validation.corpus import invalid_payloads, release_bodies, valid_payloads
from toolkit import contract
from toolkit.contract.registry import EVENTS
from toolkit.prover.native import built
from toolkit.validation import forked, parentscan, runner, spare
from toolkit.validation.batch import Batch, Options
from toolkit.validation.summary import Summary
from toolkit.validation.tasks import Files, Range, plan

pytestmark = pytest.mark.skipif(not built(), reason="the native prover is not built")


def _directory(root: Path, files: int = 1400) -> Path:
    """Mostly valid payloads of every event (compact and indented), with every invalid case, the
    bodies of every Quay release, test notifications, a file that is not JSON, one that is not
    a payload, an NDJSON file, a nested folder and a file that is not an input."""
    valid, invalid, released = valid_payloads(), invalid_payloads(), release_bodies()
    notes = [p for e in EVENTS for p in contract.test_notification_examples(e)]
    root.mkdir()
    (root / "nested").mkdir()
    for i in range(files):
        where = root / "nested" if i % 10 == 3 else root
        if i % 37 == 5:
            data = orjson.dumps(invalid[i % len(invalid)])
        elif i % 53 == 6:
            data = orjson.dumps(notes[i % len(notes)])
        elif i % 5 == 1:
            data = released[i % len(released)]
        else:
            data = orjson.dumps(valid[i % len(valid)], option=orjson.OPT_INDENT_2 * (i % 2))
        (where / f"{i:05}.json").write_bytes(data)
    (root / "00100.json").write_bytes(b'{"repository": "ns/r", "truncated": ')
    (root / "00101.json").write_bytes(b"[1, 2]")
    (root / "00102.ndjson").write_bytes(b"\n".join(orjson.dumps(p) for p in valid[:40]) + b"\n")
    (root / "notes.txt").write_bytes(b"not an input")
    return root


def _report(batches: list[Batch]) -> tuple[list[object], Counter[object], tuple[int, ...]]:
    summary = Summary()
    for batch in batches:
        summary.add(batch)
    verdicts = [v for b in batches for v in b.verdicts]
    totals = (summary.total, summary.valid, summary.invalid, summary.unreadable)
    return verdicts, sum((b.passes for b in batches), Counter()), totals


def test_a_shared_run_reports_what_the_pool_and_a_serial_run_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _directory(tmp_path / "d")
    options = Options()
    head = list(plan([str(root)], options))[:1]
    assert parentscan.suits(head) and parentscan.applies(options)
    forked.prestart(spare.IMPORTS)  # as a run from the command line starts
    shared = list(runner.run([str(root)], options, jobs=2))
    assert forked._spares == []
    serial = list(runner.run([str(root)], options, jobs=1))
    monkeypatch.setattr(parentscan, "applies", lambda options: False)
    pooled = list(runner.run([str(root)], options, jobs=2))
    assert _report(shared) == _report(serial) == _report(pooled)
    verdicts, passes, (_, valid, invalid, unreadable) = _report(shared)
    assert invalid > 30 and unreadable >= 1 and valid > 1000 and len(passes) > 10
    assert any(v.test_notification for v in verdicts)  # type: ignore[attr-defined]


def test_the_parent_of_a_shared_run_never_imports_the_exact_path(tmp_path: Path) -> None:
    """The parent lists, proves and reports; the worker it started first checks the rest (the
    invalid files here): jsonschema-rs, orjson, the validator and the learning prover stay out
    of the parent, and the run still finds every invalid file."""
    root = tmp_path / "d"
    root.mkdir()
    good = orjson.dumps(contract.examples("build_success")[0], option=orjson.OPT_INDENT_2)
    bad = orjson.dumps(invalid_payloads()[0])
    for i in range(1200):
        (root / f"{i:05}.json").write_bytes(bad if i % 100 == 7 else good)
    script = (
        "import sys\n"
        "from toolkit.validation import forked, runner, spare\n"
        "from toolkit.validation.batch import Options\n"
        "forked.prestart(spare.IMPORTS)\n"
        f"batches = list(runner.run([{str(root)!r}], Options(), jobs=2))\n"
        "heavy = ('jsonschema_rs', 'orjson', 'toolkit.validation.validator',\n"
        "         'toolkit.validation.work', 'toolkit.prover.learn')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "passes = sum(sum(b.passes.values()) for b in batches)\n"
        "print(sum(len(b.verdicts) for b in batches), passes)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.splitlines()
    assert out == ["[]", "12 1188"]


def test_part_counts_what_the_seeds_prove_and_leaves_the_rest_in_order(tmp_path: Path) -> None:
    good = orjson.dumps(contract.examples("repo_push")[0])
    bad = orjson.dumps(invalid_payloads()[0])
    names = []
    for i, data in enumerate([good, bad, good, b"{", good]):
        (tmp_path / f"{i}.json").write_bytes(data)
        names.append(str(tmp_path / f"{i}.json"))
    extra = str(tmp_path / "5.ndjson")
    (tmp_path / "5.ndjson").write_bytes(good + b"\n")
    paths = (
        (names[0], True),
        (names[1], True),
        (extra, True),
        (names[2], False),
        *[(name, True) for name in names[3:]],
    )
    batch, rest = parentscan.part(Files(paths, 6000))
    assert batch is not None and sum(batch.passes.values()) == 2 and not batch.verdicts
    ((key, count),) = batch.passes.items()
    assert key[0] == ("repo_push",) and count == 2
    # the invalid file, the NDJSON file, the named (not walked) file and the broken one, in order
    assert rest == Files(tuple(paths[i] for i in (1, 2, 3, 4)), 4000)
    only_left = Files(((names[1], True), (extra, True)), 10)
    assert parentscan.part(only_left) == (None, only_left)
    span = Range(extra, 0, 10)
    assert parentscan.part(span) == (None, span)
    assert not parentscan.suits([span]) and not parentscan.suits([])
    assert parentscan.suits([Files(paths, 0)])


def test_merge_keeps_the_worker_s_verdicts_and_both_counts(tmp_path: Path) -> None:
    root = _directory(tmp_path / "d", files=300)
    task = next(t for t in plan([str(root)], Options()) if isinstance(t, Files))
    whole = runner.run_task(task, Options())
    mine, rest = parentscan.part(task)
    assert mine is not None and rest is not None
    merged = parentscan.merge(mine, runner.run_task(rest, Options()))
    assert merged.verdicts == whole.verdicts and merged.passes == whole.passes


@pytest.mark.parametrize(
    "options",
    [
        Options(keep_all=True),
        Options(strict=True),
        Options(event="repo_push"),
        Options(allow_comments=True),
        Options(input_format="json"),
        Options(quay_version="3.8.0"),
    ],
)
def test_the_seeds_answer_for_the_default_contract_only(options: Options) -> None:
    assert parentscan.applies(Options())
    assert not parentscan.applies(options)


def test_a_run_from_the_command_line_starts_its_worker_first_and_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.cli import quick

    started: list[tuple[str, ...]] = []
    monkeypatch.setattr(spare, "cores", lambda: 2)
    monkeypatch.setattr(forked, "prestart", lambda modules: started.append(tuple(modules)))
    one = tmp_path / "one.json"
    one.write_bytes(orjson.dumps(contract.examples("repo_push")[0]))
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1)
    os.dup2(devnull, 1)
    try:
        assert quick.run(True, [str(one)]) == 0
        assert started == []  # a named file: checked here
        assert quick.run(True, [str(tmp_path)]) == 0
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    assert started == [spare.IMPORTS]
    monkeypatch.setattr(spare, "cores", lambda: 1)
    assert not spare.start([str(tmp_path)])
    monkeypatch.setattr(spare, "cores", lambda: 2)

    def no_fork(modules: tuple[str, ...]) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(forked, "prestart", no_fork)
    assert not spare.start([str(tmp_path)])  # the run goes on without it
