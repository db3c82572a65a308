"""What the text report's summary says, as data, and a rich-free drawing of it.

`blocks` decides the content (the per-event table, the fingerprint table, the notes, the
summary line); the text reporter draws the blocks with rich. `plain` draws the very same bytes
rich would for output that is not a terminal (no colour, 80 columns, UTF-8, no environment
override), or says None when it cannot be sure (a table too wide for 80 columns, a character
whose width it does not know): then rich draws. The one-file fast path (`toolkit.cli.quick`)
uses `plain`, so a passing file is reported without importing rich; tests/cli/test_quick.py
checks the two drawings byte for byte.
"""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from toolkit.validation.summary import Summary

SHARED = "only the webhook URL that received it can tell which"
WIDTH = 80
"""rich's width for output that is not a terminal (and with no COLUMNS)."""
RICH_ENVIRONMENT = (
    "COLUMNS",
    "LINES",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    "DATABRICKS_RUNTIME_VERSION",
)
"""Variables that change how rich draws on a pipe (width, colour, terminal detection)."""
_NARROW = frozenset("\u2265\u2264\u2013\u2014\u00b7\u2026")
"""Non-ASCII characters the reports use that take one column (rich agrees): ≥ ≤, the en and
em dashes, the middle dot, the ellipsis."""


class Table(NamedTuple):
    """A titled table: headers, which columns are right-aligned, rows of (text, style) cells."""

    title: str
    headers: tuple[str, ...]
    right: tuple[bool, ...]
    rows: tuple[tuple[tuple[str, str], ...], ...]


class Line(NamedTuple):
    """One line of text in one style ("" for none)."""

    text: str
    style: str = ""


Block = Table | Line


def summary_line(summary: Summary) -> str:
    """`N payload(s): V valid, T test notification(s), I invalid, U unreadable.`, counted as the
    table's columns are: a valid test-notification body is counted apart from valid payloads."""
    return (
        f"{summary.total} payload(s): {summary.valid - summary.test_notifications} valid, "
        f"{summary.test_notifications} test notification(s), {summary.invalid} invalid, "
        f"{summary.unreadable} unreadable."
    )


def blocks(summary: Summary, *, quiet: bool = False) -> list[Block]:
    """The summary at the end of a text report (only its last line when `quiet`)."""
    out: list[Block] = []
    rows = summary.ordered_rows()
    if rows and not quiet:
        cells: tuple[tuple[tuple[str, str], ...], ...] = tuple(
            (
                (" | ".join(row.label) or "(none fits)", ""),
                (str(row.valid), ""),
                (str(row.test_notifications), ""),
                (str(row.invalid), "red" if row.invalid else ""),
            )
            for row in rows
        )
        headers: tuple[str, ...] = (
            "event (several = one shared shape)",
            "valid",
            "test notifications",
            "invalid",
        )
        out.append(Table("Payloads by event", headers, (False, True, True, True), cells))
        if any(len(r.label) > 1 for r in rows):
            shared = f"Rows naming several events share one payload shape: {SHARED}."
            out.append(Line(shared, "dim"))
    release_rows = summary.release_rows()
    if release_rows and not quiet:
        cells = tuple(
            ((str(r.releases), ""), (str(r.payloads), ""), (str(r.test_notifications), ""))
            for r in release_rows
        )
        headers = ("Quay releases (fingerprint)", "payloads", "of them test notifications")
        title = "Payloads by the Quay releases that could have sent them"
        out.append(Table(title, headers, (False, True, True), cells))
        common = summary.common
        if common is not None:
            line = (
                f"Every production payload could come from the same release: {common}."
                if common
                else "No single Quay release could have sent every production payload."
            )
            out.append(Line(line, "dim"))
    colour = {"pass": "green", "fail": "red", "error": "yellow"}[summary.status]
    out.append(Line(summary_line(summary), colour))
    return out


def plain_output(stream: IO[str]) -> bool:
    """Whether rich would draw on `stream` in plain text, 80 columns wide, in UTF-8."""
    try:
        if stream.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding == "utf8" and not any(os.environ.get(k) for k in RICH_ENVIRONMENT)


def plain(drawn: list[Block], width: int = WIDTH) -> str | None:
    """The blocks as rich draws them on plain output `width` columns wide; None when this
    drawing could differ from rich's (then rich must draw them)."""
    lines: list[str] = []
    for block in drawn:
        if isinstance(block, Line):
            if not _narrow(block.text):
                return None
            lines.append(block.text)  # soft-wrapped: never broken
            continue
        table = _table(block, width)
        if table is None:
            return None
        lines.extend(table)
    return "".join(line + "\n" for line in lines)


def _table(table: Table, width: int) -> list[str] | None:
    """rich's default table (heavy head, padding 1): at its natural width if that fits, else
    with its widest column narrowed and wrapped at spaces, as rich's `Table` narrows a table
    that is too wide by one column (`_collapse_widths`) and wraps words (`divide_line`). Any
    other case is rich's to draw."""
    texts = [table.headers, *([text for text, _ in row] for row in table.rows)]
    if not all(_narrow(text) for row in texts for text in row) or not _narrow(table.title):
        return None
    widths = [max(len(row[i]) for row in texts) for i in range(len(table.headers))]
    excess = sum(widths) + 3 * len(widths) + 1 - width
    if excess > 0:
        widest = max(widths)
        second = max((w for w in widths if w != widest), default=0)
        if widths.count(widest) != 1 or excess > widest - second:
            return None  # rich would narrow several columns
        widths[widths.index(widest)] -= excess
    total = sum(widths) + 3 * len(widths) + 1
    if len(table.title) > total:
        return None  # rich would wrap the title

    def row(cells: tuple[str, ...] | list[str], bar: str) -> list[str] | None:
        wrapped = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
        if any(lines is None for lines in wrapped):
            return None
        height = max(len(lines or ()) for lines in wrapped)
        out = []
        for i in range(height):
            padded = (
                (lines[i] if i < len(lines) else "").rjust(w)
                if right
                else (lines[i] if i < len(lines) else "").ljust(w)
                for lines, w, right in zip(wrapped, widths, table.right, strict=True)
                if lines is not None
            )
            out.append(bar + bar.join(f" {c} " for c in padded) + bar)
        return out

    def rule(left: str, fill: str, cross: str, end: str) -> str:
        return left + cross.join(fill * (w + 2) for w in widths) + end

    head = row(table.headers, "┃")
    body = [row([text for text, _ in cells], "│") for cells in table.rows]
    if head is None or any(lines is None for lines in body):
        return None
    return [
        table.title,
        rule("┏", "━", "┳", "┓"),
        *head,
        rule("┡", "━", "╇", "┩"),
        *(line for lines in body for line in lines or ()),
        rule("└", "─", "┴", "┘"),
    ]


def _wrap(text: str, width: int) -> list[str] | None:
    """`text` broken at spaces into lines of at most `width` columns, as rich's `divide_line`
    breaks them (a word goes on the next line when it does not fit); None if a word is longer
    than `width` (rich would fold it) or the spacing is not single spaces."""
    if len(text) <= width:
        return [text]
    words = text.split(" ")
    if "" in words or max(map(len, words)) > width:
        return None
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _narrow(text: str) -> bool:
    """Every character takes one column, and none is a control character."""
    return all((" " <= c <= "~") or c in _NARROW for c in text)
