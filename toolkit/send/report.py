"""The machine-readable shapes of a `send` run: JSON (stable, documented) and JUnit XML."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from xml.etree import ElementTree as ET

from toolkit.send.curl import reproduce
from toolkit.send.delivery import Outcome, Transport, summarise

REPORT_VERSION = 1
FORMATS = ("fuzz-line", "send-report")


def format_schema(name: str) -> Any:
    """A python-jsonschema validator for one of the toolkit's output formats (`formats/`)."""
    from importlib import resources

    import orjson
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    def load(n: str) -> Any:
        raw = resources.files("toolkit").joinpath(f"formats/{n}.schema.json").read_bytes()
        return orjson.loads(raw)

    schemas = {n: load(n) for n in FORMATS}
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    return Draft7Validator(schemas[name], registry=registry)


def outcome_dict(outcome: Outcome, transport: Transport | None = None) -> dict[str, Any]:
    """One delivery's result; one that is not `ok` carries its body and a curl command that
    repeats it."""
    d = outcome.delivery
    out: dict[str, Any] = {
        "event": d.event,
        "kind": d.kind,
        "label": d.label,
        "url": outcome.url,
        "status": outcome.status,
        "elapsed_ms": round(outcome.elapsed * 1000, 2),
        "error": outcome.error,
        "error_kind": outcome.error_kind,
        "verdict": outcome.verdict,
    }
    if d.violates is not None:
        out["violates"] = d.violates.as_dict()
    if outcome.verdict != "ok":
        out["reason"] = outcome.reason
        out["body"] = d.body.decode("ascii", errors="backslashreplace")
        out["curl"] = reproduce(outcome.url, d.body, transport)
    return out


def to_json(
    url: str, outcomes: list[Outcome], transport: Transport | None = None
) -> dict[str, Any]:
    """`{"version", "url", "policy", "summary": {...}, "results": [...]}`."""
    policy = outcomes[0].policy.invalid if outcomes else "acknowledge"
    return {
        "version": REPORT_VERSION,
        "url": url,
        "invalid_bodies": policy,
        "summary": asdict(summarise(outcomes)),
        "results": [outcome_dict(o, transport) for o in outcomes],
    }


def to_junit(url: str, outcomes: list[Outcome], transport: Transport | None = None) -> str:
    """A JUnit XML report: one testsuite per event, one testcase per delivery.

    Failures are `<failure>`; deliveries that never reached the consumer are `<error>`;
    lenient acceptances (warnings) are noted in `<system-out>`.
    """
    root = ET.Element("testsuites", name=f"quay-contract send {url}")
    by_event: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_event.setdefault(o.delivery.event, []).append(o)
    for event, items in by_event.items():
        fails = sum(o.verdict == "fail" for o in items)
        errors = sum(o.verdict == "error" for o in items)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=event,
            tests=str(len(items)),
            failures=str(fails),
            errors=str(errors),
            time=f"{sum(o.elapsed for o in items):.3f}",
        )
        for o in items:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"quay.{event}",
                name=f"{o.delivery.kind} {o.delivery.label}",
                time=f"{o.elapsed:.3f}",
            )
            if o.verdict == "fail":
                text = _detail(o) + "\nreproduce: " + reproduce(o.url, o.delivery.body, transport)
                ET.SubElement(case, "failure", message=o.reason).text = text
            elif o.verdict == "error":
                ET.SubElement(case, "error", message=o.reason).text = _detail(o)
            elif o.verdict == "warn":
                ET.SubElement(case, "system-out").text = "WARNING: " + _detail(o)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _detail(o: Outcome) -> str:
    text = f"{o.reason}; POST {o.url}"
    if o.delivery.violates is not None:
        v = o.delivery.violates
        text += f"; payload breaks [{v.rule or v.keyword}] at {v.path}"
    return text
