"""Small, safe Markdown building blocks for generated pages (Python-Markdown + pymdownx)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

BANNER = "<!-- DO NOT EDIT — run quay-contract regenerate (generated from schemas/) -->"
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)


def code(text: str) -> str:
    """`text` as an inline code span, whatever backticks it holds."""
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def prose(text: str) -> str:
    """Schema prose for a table cell or list item: one line, `|` and `<` escaped outside code."""
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_escape(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_escape(text[last:]))
    return " ".join("".join(out).split())


def _escape(text: str) -> str:
    return text.replace("|", r"\|").replace("<", "&lt;")


def value(data: Any) -> str:
    """A JSON value as inline code."""
    return code(json.dumps(data, ensure_ascii=False))


def slug(path: str) -> str:
    """An HTML id fragment for a field path (`a.b[]` -> `a-b-items`)."""
    return path.replace("[]", "-items").replace(".", "-") or "root"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A pipe table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def admonition(kind: str, title: str, body: Iterable[str], *, fold: str = "") -> list[str]:
    """A material admonition (`fold` `???` or `???+` makes it collapsible)."""
    marker = fold or "!!!"
    return [f'{marker} {kind} "{title}"', ""] + [f"    {line}" if line else "" for line in body]


def json_block(data: Any, title: str = "") -> list[str]:
    """A fenced JSON block (with a copy button in the theme), optionally titled."""
    head = f'```json title="{title}"' if title else "```json"
    return [head, *json.dumps(data, indent=2, ensure_ascii=False).splitlines(), "```"]


def bullets(items: Iterable[str]) -> list[str]:
    """A bulleted list."""
    return [f"- {item}" for item in items]


def join_words(words: Sequence[str], last: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"
