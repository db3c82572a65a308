"""The validate fast paths give exactly the verdicts of the general (Record → check) path."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import DATA, ROOT
from toolkit import contract
from toolkit.cli import main
from toolkit.contract.registry import EVENTS
from toolkit.inputs import read
from toolkit.inputs.decode import may_repeat_keys
from toolkit.validation.batch import Batch, Options
from toolkit.validation.hotpath import _scan_general, scan_lines
from toolkit.validation.validator import Finding
from toolkit.validation.verdict import Verdict, check
from toolkit.validation.work import _check_file


def _payloads() -> list[Any]:
    """Every example, test notification, production sample and invalid case, plus oddities."""
    out: list[Any] = []
    for event in EVENTS:
        out += contract.examples(event)
        out += contract.test_notification_examples(event)
    for path in sorted((DATA / "valid").glob("*/*.json")):
        out.append(json.loads(path.read_text()))
    for path in sorted((DATA / "invalid").glob("*/*.json")):
        out.append(json.loads(path.read_text())["payload"])
    out += [[], [1], "text", 3, None, {}, {"received_at": "x"}, {"log": {}}]
    return out


PAYLOADS = _payloads()


@pytest.mark.parametrize("keep_all", [False, True])
def test_small_json_files_match_the_general_path(tmp_path: Path, keep_all: bool) -> None:
    options = Options(keep_all=keep_all)
    for i, payload in enumerate(PAYLOADS):
        path = tmp_path / f"{i:04}.json"
        path.write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
        fast = Batch()
        _check_file(str(path), options, fast)
        general = Batch()
        for record in read(str(path)):
            verdict = check(record)
            if keep_all or verdict.status != "pass" or verdict.test_notification or verdict.notes:
                general.verdicts.append(verdict)
            else:
                key = (verdict.candidates, verdict.test_notification, verdict.releases)
                general.passes[key] += 1
        assert fast.verdicts == general.verdicts, payload
        assert fast.passes == general.passes, payload


def test_duplicate_keys_in_a_file_are_still_noted(tmp_path: Path) -> None:
    body = orjson.dumps(contract.examples("repo_push")[0])
    path = tmp_path / "dup.json"
    path.write_bytes(body[:-1] + b',"name":"again"}')
    batch = Batch()
    _check_file(str(path), Options(keep_all=True), batch)
    assert any("duplicate key 'name'" in n for n in batch.verdicts[0].notes)


def test_ndjson_hot_loop_matches_the_general_path() -> None:
    lines = [orjson.dumps(p) for p in PAYLOADS] * 3 + [b"", b"not json", b"{", b"  "]
    data = b"\n".join(lines) + b"\n"
    fast = Batch()
    count = scan_lines(data, "x.ndjson", Options(), fast, first_line=7)
    general = Batch()
    _scan_general(enumerate(data.split(b"\n")[:-1], 7), "x.ndjson", Options(), general)
    assert count == len(lines)
    assert fast.verdicts == general.verdicts
    assert fast.passes == general.passes
    assert fast.passes and fast.verdicts


def test_batches_survive_the_trip_between_processes() -> None:
    finding = Finding("$.a", "type", "bad", ("a",), 3, 4)
    batch = Batch(
        [
            Verdict("f", 3, 1, "ndjson", "repo_push", ("repo_push",), True, True),
            Verdict("f", None, None, "json", None, (), False, False, (finding,), "build_start"),
            Verdict("g", problem="unreadable", notes=("BOM",), pinned=True),
        ],
        lines=9,
        path="f",
    )
    batch.passes[(("quota_warning", "quota_error"), False)] += 5
    assert pickle.loads(pickle.dumps(batch)) == batch


def test_subcommands_are_imported_only_when_used() -> None:
    code = (
        "import sys; from toolkit.cli import main; "
        "heavy = [m for m in ('toolkit.cli.diff', 'toolkit.cli.listen', 'asyncio') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_every_subcommand_is_listed_and_loads() -> None:
    import click

    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert names == sorted(names)
    assert {"validate", "diff", "listen", "regenerate", "fuzz", "send"} <= set(names)
    for name in names:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name


def _repeats() -> dict[str, tuple[bytes, str]]:
    """Ways a key can be repeated in the text: (body, the repeated key)."""
    push = contract.examples("repo_push")[0]
    build = next(p for p in contract.examples("build_success") if p.get("trigger_metadata"))
    spaced = json.dumps(push, separators=(", ", " : "))
    nested = orjson.dumps(build).replace(b'"commit":', b'"commit":"0000000","commit":', 1)
    escaped = dict(push, name='caf\u00e9 "x:y" \\ end')
    return {
        "compact": (orjson.dumps(push)[:-1] + b',"name":"again"}', "name"),
        "space before the colon": (spaced[:-1].encode() + b', "namespace" : "x"}', "namespace"),
        "tab before the colon": (b'{"namespace"\t:"x",' + orjson.dumps(push)[1:], "namespace"),
        "key written with an escape": (
            orjson.dumps(push)[:-1] + b',"n\\u0061me":"again"}',
            "name",
        ),
        "nested object": (nested, "commit"),
        "escaped values": (
            json.dumps(escaped)[:-1].encode() + b', "name": "caf\\u00e9"}',
            "name",
        ),
    }


REPEATS = _repeats()


@pytest.mark.parametrize("name", sorted(REPEATS))
def test_repeated_keys_are_noted_on_every_path(tmp_path: Path, name: str) -> None:
    """However the repeat is spelled, the JSON-file and NDJSON fast paths report it."""
    body, key = REPEATS[name]
    note = f"duplicate key {key!r}: the last value wins"
    assert may_repeat_keys(body, orjson.loads(body))
    path = tmp_path / "dup.json"
    path.write_bytes(body)
    batch = Batch()
    _check_file(str(path), Options(), batch)
    assert [note] == [n for v in batch.verdicts for n in v.notes], name
    lines = Batch()
    scan_lines(orjson.dumps(PAYLOADS[0]) + b"\n" + body + b"\n", "x.ndjson", Options(), lines)
    assert [(v.line, v.notes) for v in lines.verdicts] == [(2, (note,))], name


@pytest.mark.parametrize(
    "dump",
    [
        orjson.dumps,
        lambda p: json.dumps(p, ensure_ascii=False).encode(),
        lambda p: json.dumps(p, indent=2, ensure_ascii=False, separators=(",", " : ")).encode(),
    ],
    ids=["orjson", "json.dumps", "spaced and indented"],
)
def test_the_repeat_precheck_passes_plain_text(dump: Any) -> None:
    """Text without repeats and without \\u escapes never needs the exact (slow) check."""
    for payload in PAYLOADS:
        assert not may_repeat_keys(dump(payload), payload), payload
