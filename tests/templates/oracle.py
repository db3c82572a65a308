"""The oracle: what Quay's own template code did, per case and release family.

The data is in tests/data/templates/.

Each case holds a template (as the notification config stores it), an event payload, and what
Quay answered when saving and delivering, per release family. `README.md` there says how it was
made. This module turns a case into the expectations the tests compare with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from tests.conftest import DATA

FOLDER = DATA / "templates"

FAMILIES = {
    "quay-3.15+/py3.12": "3.15+",
    "quay-3.8..3.14/py3.9": "3.7-3.14",
    "quay-3.6.2/py3.6": "3.6",
    "quay-3.5/py3.6-prefix": "3.4-3.5",
}
"""Oracle variant -> the release family that models it. The Python 2 variant is not modelled."""
CANONICAL = "quay-3.15+/py3.12"
ABSENT = object()
"""The config has no `template` key at all."""


@dataclass(frozen=True)
class Expected:
    """What Quay did for one case in one release family."""

    save_status: int
    save_error: str | None
    """`Type: message` for a 500; the message alone for a 400."""
    body: str | None
    delivery_error: str | None
    """`Type: message`."""


@cache
def payloads() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FOLDER / "payloads.json").read_text())
    return data


@cache
def cases(name: str) -> list[dict[str, Any]]:
    data = json.loads((FOLDER / name).read_text())
    out: list[dict[str, Any]] = data["cases"]
    return out


def config_value(case: dict[str, Any]) -> Any:
    """What the notification config holds under `template` (ABSENT when there is no key)."""
    if case.get("template_text") is not None:
        return case["template_text"]
    if "template_config_value" in case:
        return case["template_config_value"]
    if case.get("config_has_template_key") is False:
        return ABSENT
    return case.get("template_text")


def payload(case: dict[str, Any]) -> Any:
    """The event the case delivers."""
    if "payload" in case:
        return case["payload"]
    return payloads()["examples"][case["payload_ref"]]


def expected(case: dict[str, Any], variant: str) -> Expected:
    """What Quay did in `variant`, from the canonical outcome and the variant's differences."""
    saved = case["outcome"]["save_validation"]
    delivery = case["outcome"]["delivery"]
    save_error = None
    if saved["http_status"] == 400:
        save_error = saved["error"]["message"]
    elif saved["http_status"] == 500:
        save_error = f"{saved['error']['type']}: {saved['error']['message']}"
    base = Expected(
        saved["http_status"],
        save_error,
        delivery.get("body") if delivery["status"] == "posted" else None,
        _error(delivery) if delivery["status"] == "error" else None,
    )
    other = case["other_releases"].get(variant, "same") if variant != CANONICAL else "same"
    if other == "same":
        return base
    status, error = base.save_status, base.save_error
    if "save" in other:
        code, _, text = other["save"].partition(" ")
        status = int(code)
        error = text.partition(": ")[2] if status == 400 else text
    body, failure = base.body, base.delivery_error
    if "delivery" in other:
        body, failure = None, other["delivery"]
    if "body" in other:
        body, failure = other["body"], None
    return Expected(status, error, body, failure)


def _error(delivery: dict[str, Any]) -> str:
    return f"{delivery['error']['type']}: {delivery['error']['message']}"
