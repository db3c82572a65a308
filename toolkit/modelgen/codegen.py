"""Run datamodel-code-generator (configured in pyproject.toml) over the portable schemas."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from toolkit.contract.registry import EVENTS, event_schema, load_file, schema_files
from toolkit.modelgen.schemas import portable

HEADER = "# DO NOT EDIT — run quay-contract regenerate\n"
MODELS_DIR = "generated"


def models(root: Path) -> dict[str, str]:
    """Pydantic models for every schema under `root/schemas`, as {relative path: content}.

    The generator reads a copy of the schemas whose patterns mean for pydantic's regex engine
    what they mean in ECMA-262 (`toolkit.modelgen.patterns`); nothing else differs.
    """
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "schemas"
        write_portable(root / "schemas", source)
        out = Path(tmp) / "models"
        cmd = [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(source),
            "--output",
            str(out),
        ]
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"datamodel-codegen failed:\n{proc.stderr.strip()}")
        files = {
            f"{MODELS_DIR}/{p.relative_to(out).as_posix()}": p.read_text(encoding="utf-8")
            for p in sorted(out.rglob("*.py"))
        }
    files[f"{MODELS_DIR}/__init__.py"] = models_index(root)
    files[f"{MODELS_DIR}/py.typed"] = ""
    return files


def write_portable(schemas: Path, target: Path) -> None:
    """Copy every schema file under `schemas` to `target`, its patterns rewritten."""
    for path in schema_files(schemas):
        rel = path.relative_to(schemas)
        copy = portable(load_file(path), f"schemas/{rel.as_posix()}#")
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(json.dumps(copy, ensure_ascii=False, indent=2), "utf-8")


def models_index(root: Path) -> str:
    """`generated/__init__.py`: one import line per event and name → class maps."""
    lines = [
        HEADER.rstrip(),
        '"""Pydantic v2 models generated from `schemas/`, one class per event."""',
        "",
    ]
    names: list[tuple[str, str, str]] = []
    for event in EVENTS:
        schema = event_schema(event, root / "schemas")
        title = str(schema["title"])
        test_title = str(schema["definitions"]["test_notification"]["title"])
        lines.append(f"from .{event}_schema import {title}, {test_title}")
        names.append((event, title, test_title))
    lines += ["", "MODELS = {"]
    lines += [f'    "{e}": {t},' for e, t, _ in names]
    lines += [
        "}",
        '"""Event name → production payload model."""',
        "",
        "TEST_NOTIFICATION_MODELS = {",
    ]
    lines += [f'    "{e}": {tt},' for e, _, tt in names]
    lines += [
        "}",
        '"""Event name → model of the body Quay\'s "Test Notification" button sends."""',
        "",
    ]
    exported = sorted(
        [t for _, t, _ in names]
        + [tt for _, _, tt in names]
        + ["MODELS", "TEST_NOTIFICATION_MODELS"]
    )
    lines.append("__all__ = [")
    lines += [f'    "{n}",' for n in exported]
    lines.append("]")
    return "\n".join(lines) + "\n"
