"""`x-quay-versions` in the words of the docs pages."""

from __future__ import annotations

from typing import Any

from toolkit.contract.releases import Releases
from toolkit.contract.versions import Annotation, annotation


def field_versions(ann: Annotation | None) -> str | None:
    """A field-table cell: `3.8.2 and later, always`, then the annotation's note."""
    if ann is None:
        return None
    how = "always" if ann.always else "not always"
    note = f" {ann.note}" if ann.note else ""
    return f"{ann.sent.describe()}, {how}.{note}"


def sent_by(node: Any) -> tuple[str, str | None]:
    """(which releases send an event or a test notification, the annotation's note)."""
    ann = annotation(node)
    if ann is None:
        return "every Quay release", None
    return words(ann.sent), ann.note


def words(releases: Releases) -> str:
    """`every Quay release`, `every Quay release except 3.4.0 to 3.17.4`, `Quay 3.12.0 and up`."""
    text = releases.describe()
    if text == "every release":
        return "every Quay release"
    if text.startswith("not "):
        return f"every Quay release except {text[4:]}"
    return f"Quay {text}"
