"""`diff` over hostile schema folders: each case ends within its time bound, never as an
internal error (exit 4), with a message naming the file and the JSON path where there is one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT

EVENT = "repo_push.schema.json"


def _with(prop: dict[str, object]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        schema = json.loads((ROOT / "schemas" / EVENT).read_text())
        schema["properties"]["x_hostile"] = prop
        path.write_text(json.dumps(schema))

    return write


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text)


def _deep(levels: int) -> str:
    head = '{"type": "object", "properties": {"a": ' * levels
    return '{"type": "object", "properties": {"x": ' + head + "{}" + "}}" * levels + "}}"


# name: (how to write repo_push.schema.json in NEW, exit code, what stderr must say)
CASES: dict[str, tuple[Callable[[Path], None], int, str]] = {
    "not-json": (_text("{nope"), 3, f"{EVENT}: not valid JSON"),
    "empty": (_text(""), 3, f"{EVENT}: not valid JSON"),
    "random-bytes": (lambda p: p.write_bytes(bytes(range(256)) * 8), 3, "not valid JSON"),
    "not-an-object": (_text("[]"), 3, f"{EVENT}: a schema must be a JSON object"),
    "boolean-schema": (_text("true"), 3, "a schema must be a JSON object"),
    "type-not-a-type": (_with({"type": 5}), 3, f"{EVENT}: $.properties.x_hostile.type: 5 is not"),
    "properties-a-list": (_with({"properties": []}), 3, "$.properties.x_hostile.properties: []"),
    "bad-ecma-pattern": (
        _with({"type": "string", "pattern": "(?<"}), 3,
        "$.properties.x_hostile.pattern: '(?<' is not an ECMA-262 regular expression",
    ),
    "bad-pattern-property": (
        _with({"patternProperties": {"[": {}}}), 3, "is not an ECMA-262 regular expression",
    ),
    "deep-400": (_text(_deep(400)), 3, f"{EVENT}: nested deeper than"),
    "deep-2000": (_text(_deep(2000)), 3, f"{EVENT}:"),
    "ref-nowhere": (
        _with({"$ref": "#/definitions/nope"}), 3, "cannot resolve $ref '#/definitions/nope'",
    ),
    "ref-cycle": (
        lambda p: _with({"$ref": "#/definitions/a"})(p) or _add_definitions(p), 3, "$ref",
    ),
    "huge-number": (_text('{"type": "object", "maximum": 1e400}'), 3, "not valid JSON"),
    "lone-surrogate": (_text('{"type": "object", "enum": ["\\ud800"]}'), 3, "not valid JSON"),
    "nul-in-a-name": (
        _with({"type": "object", "properties": {"a\u0000b": {"type": "string"}}}), 0, "",
    ),
    "no-test-notification": (
        lambda p: _with({"type": "string"})(p) or _drop_variant(p), 1, "",
    ),
    "fifo": (lambda p: os.mkfifo(p), 3, f"{EVENT}: not a regular file"),
}  # fmt: skip


def _add_definitions(path: Path) -> None:
    schema = json.loads(path.read_text())
    schema["definitions"].update(
        {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}
    )
    path.write_text(json.dumps(schema))


def _drop_variant(path: Path) -> None:
    schema = json.loads(path.read_text())
    del schema["definitions"]["test_notification"]
    path.write_text(json.dumps(schema))


@pytest.fixture(scope="module")
def old(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("old")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    return root / "schemas"


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_schema_folders(case: str, old: Path, tmp_path: Path) -> None:
    make, code, says = CASES[case]
    new = tmp_path / "new"
    shutil.copytree(old, new)
    (new / EVENT).unlink()
    make(new / EVENT)
    command = [sys.executable, "-m", "toolkit", "diff", str(old), str(new), "--samples", "5",
               "--evidence-budget", "20"]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == code, run.stderr + run.stdout
    assert says in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    if code == 3:
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr  # one clear line
