"""The Python API reference documents every public name the guides, examples and README import,
with Parameters/Returns/Raises sections where the docstrings give them."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

IMPORT = re.compile(r"^\s*(?:>>> )?from (toolkit[\w.]*) import ([\w, ]+)", re.MULTILINE)
SOURCES = [
    *sorted((ROOT / "docs" / "guides").glob("*.md")),
    *sorted((ROOT / "examples").rglob("*.py")),
    ROOT / "README.md",
    ROOT / "docs" / "index.md",
]


def imported() -> list[tuple[str, str]]:
    """(module, name) for every `from toolkit... import name` the reader-facing files show."""
    found: dict[tuple[str, str], None] = {}
    for path in SOURCES:
        for module, names in IMPORT.findall(path.read_text(encoding="utf-8")):
            for name in (n.strip() for n in names.split(",")):
                if name:
                    found[(module, name)] = None
    return list(found)


def anchor_of(module: str, name: str) -> str | None:
    """The id mkdocstrings gives the object's documentation; None for modules and models."""
    obj = getattr(importlib.import_module(module), name)
    if inspect.ismodule(obj) or module == "toolkit.models":
        return None  # a module is documented by its members; models on the event pages
    defined = getattr(obj, "__module__", module)
    return f"{defined}.{getattr(obj, '__name__', name)}"


def test_the_guides_import_something() -> None:
    assert len(imported()) >= 15


@pytest.mark.parametrize(("module", "name"), imported())
def test_every_imported_name_is_in_the_api_reference(site: Path, module: str, name: str) -> None:
    html = (site / "reference/api/index.html").read_text(encoding="utf-8")
    ident = anchor_of(module, name)
    if ident is None:
        assert f"{module}.{name}" in html or f"{name}" in html
        return
    assert f'id="{ident}"' in html, f"{module}.{name} ({ident}) is not in docs/reference/api.md"


def test_report_valid_and_the_sections_are_documented(site: Path) -> None:
    html = (site / "reference/api/index.html").read_text(encoding="utf-8")
    assert 'id="toolkit.validation.report.Report.valid"' in html
    for section in ("Parameters", "Returns", "Raises"):
        assert html.count(f'<span class="doc-section-title">{section}') >= 3, section
