"""HAR files (HTTP Archive 1.2): the request bodies of their entries."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from toolkit.inputs.decode import DecodeError, decode
from toolkit.inputs.httpdump import event_from_path
from toolkit.inputs.record import Record


def is_har(obj: Any) -> bool:
    """Whether a parsed JSON value is a HAR document."""
    return isinstance(obj, dict) and isinstance(obj.get("log"), dict) and "entries" in obj["log"]


def har_records(
    doc: dict[str, Any], source: str, *, allow_comments: bool = False
) -> Iterator[Record]:
    """One Record per entry whose request has a body; the index is the entry's."""
    entries = doc["log"].get("entries")
    if not isinstance(entries, list):
        yield Record(source, format="har", problem="HAR log.entries is not an array")
        return
    for index, entry in enumerate(entries):
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict):
            yield Record(source, index=index, format="har", problem="HAR entry has no request")
            continue
        post = request.get("postData")
        if not isinstance(post, dict) or not isinstance(post.get("text"), str):
            continue  # a GET, or a request without a body: nothing to validate
        event = event_from_path(str(request.get("url", "")))
        base = Record(source, index=index, format="har", event=event)
        try:
            text = post["text"]
            body = (
                base64.b64decode(text) if post.get("encoding") == "base64" else text.encode("utf-8")
            )
            decoded = decode(body, allow_comments=allow_comments)
        except (DecodeError, binascii.Error, UnicodeEncodeError) as exc:
            yield replace(base, problem=f"request body: {exc}")
            continue
        yield replace(base, payload=decoded.value, notes=decoded.notes)
