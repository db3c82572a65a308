"""The mkdocs hook that fills the Events and Guides sections from the files that exist."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from tests.conftest import ROOT


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sections", ROOT / "docs/_hooks/sections.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    for rel, text in {
        "reference/events/index.md": "# Events\n",
        "reference/events/quota_error.md": "# quota_error\n",
        "reference/events/repo_push.md": "# repo_push\n",
        "guides/index.md": "# Guides\n\n<!-- guides -->\n",
        "guides/receiving.md": "# Receiving\n\nHow to receive.\n",
        "guides/fuzzing.md": "# Consumer tests with fuzzing\n\nGenerate payloads\nfor tests.\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def nav() -> list[Any]:
    return [
        {"Home": "index.md"},
        {"Events": ["reference/events/index.md"]},
        {"Guides": ["guides/index.md", {"Receiving webhooks": "guides/receiving.md"}]},
    ]


def test_events_and_new_guides_join_the_nav_in_order(docs: Path) -> None:
    config = SimpleNamespace(nav=nav(), docs_dir=str(docs))

    load_hook().on_config(config)

    assert config.nav[1]["Events"] == [
        "reference/events/index.md",
        {"repo_push": "reference/events/repo_push.md"},
        {"quota_error": "reference/events/quota_error.md"},
    ]
    assert config.nav[2]["Guides"] == [
        "guides/index.md",
        {"Receiving webhooks": "guides/receiving.md"},
        {"Consumer tests with fuzzing": "guides/fuzzing.md"},
    ]


def test_guides_index_lists_every_guide_with_its_summary(docs: Path) -> None:
    config = SimpleNamespace(nav=nav(), docs_dir=str(docs))
    page = SimpleNamespace(file=SimpleNamespace(src_uri="guides/index.md"))

    out = load_hook().on_page_markdown("# Guides\n\n<!-- guides -->\n", page, config, None)

    assert out == (
        "# Guides\n\n"
        "- [Consumer tests with fuzzing](fuzzing.md): Generate payloads for tests.\n"
        "- [Receiving](receiving.md): How to receive.\n"
    )


def test_a_nav_without_the_sections_is_a_clear_error(docs: Path) -> None:
    config = SimpleNamespace(nav=[{"Home": "index.md"}], docs_dir=str(docs))
    with pytest.raises(LookupError, match="no 'Events' section"):
        load_hook().on_config(config)
