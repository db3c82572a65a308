"""mkdocs hook: fill the Events and Guides sections of the nav, and list guides on their index.

- Events: one entry per generated page in `docs/reference/events/`, in Quay's order of events.
- Guides: every `docs/guides/*.md` that mkdocs.yml does not list, by file name, titled by its
  first `# ` heading. A new guide appears by adding its file; no nav edit is needed.
- The `<!-- guides -->` marker on `guides/index.md` becomes a list of links to every guide.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from toolkit.contract.registry import EVENTS

EVENTS_DIR = "reference/events"
GUIDES_DIR = "guides"
MARKER = "<!-- guides -->"


def _section(nav: list[Any], title: str) -> list[Any]:
    for entry in nav:
        if isinstance(entry, dict) and title in entry:
            section = entry[title]
            assert isinstance(section, list), f"nav section {title!r} must be a list"
            return section
    raise LookupError(f"mkdocs.yml nav has no {title!r} section")


def _listed(section: list[Any]) -> set[str]:
    return {e if isinstance(e, str) else next(iter(e.values())) for e in section}


def _heading(path: Path) -> str:
    match = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    title = match.group(1).strip() if match else path.stem.replace("-", " ").capitalize()
    return title.replace("`", "")  # a nav title is plain text: no literal backticks


def _summary(path: Path) -> str:
    """The first paragraph after the title, on one line."""
    body = re.split(r"^# .+$", path.read_text(encoding="utf-8"), maxsplit=1, flags=re.MULTILINE)
    paragraphs = [p.strip() for p in body[-1].split("\n\n") if p.strip()]
    text = " ".join(paragraphs[0].split()) if paragraphs else ""
    if text.endswith(":"):  # it introduces a block: end at its last whole sentence instead
        head, dot, _ = text.rpartition(". ")
        text = head + dot.strip() if dot else text[:-1] + "."
    return text


def _guides(docs: Path) -> list[Path]:
    return sorted(p for p in (docs / GUIDES_DIR).glob("*.md") if p.name != "index.md")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Append the generated event pages and the unlisted guides to their nav sections."""
    docs = Path(config.docs_dir)
    if not config.nav:
        raise LookupError("mkdocs.yml must have a nav with Events and Guides sections")
    events = _section(config.nav, "Events")
    listed = _listed(events)
    for event in EVENTS:
        uri = f"{EVENTS_DIR}/{event}.md"
        if (docs / uri).is_file() and uri not in listed:
            events.append({event: uri})
    guides = _section(config.nav, "Guides")
    listed = _listed(guides)
    for path in _guides(docs):
        uri = f"{GUIDES_DIR}/{path.name}"
        if uri not in listed:
            guides.append({_heading(path): uri})
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace the marker on the guides index with a link to every guide."""
    if page.file.src_uri != f"{GUIDES_DIR}/index.md" or MARKER not in markdown:
        return markdown
    items = []
    for path in _guides(Path(config.docs_dir)):
        summary = _summary(path)
        items.append(f"- [{_heading(path)}]({path.name})" + (f": {summary}" if summary else ""))
    return markdown.replace(MARKER, "\n".join(items))
