"""How fast templates parse, render and check. Prints figures; asserts nothing.

- parse: jsonpath-rw's own `parse` (which rebuilds its ply tables every call) against the shared
  parser of toolkit.templates.jsonpath, over the distinct expressions of the oracle;
- render: bodies per second for a Slack-like template over every example and 200 generated
  payloads per event, against `json.dumps` of the payload (what Quay sends without a template);
- check: `lint` of that template against all 13 events, and the rendering pass.

Run: .venv/bin/python bench/templates.py
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import jsonpath_rw

from toolkit import contract, fuzz
from toolkit.contract.registry import EVENTS
from toolkit.templates import jsonpath
from toolkit.templates.check import Options, render_survey
from toolkit.templates.engine import deliver
from toolkit.templates.lint import lint

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.dumps(
    {
        "text": "Event on ${repository} (${namespace}): ${updated_tags[*]}",
        "blocks": [
            {"title": "${trigger_metadata.commit_info.message}", "link": "${homepage}"},
            {"build": "${build_id}", "tags": "${docker_tags}", "by": "${$..username}"},
        ],
        "data": "${$}",
    }
)


def best(fn: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def expressions() -> list[str]:
    cases = json.loads((ROOT / "tests/data/templates/oracle.json").read_text())["cases"]
    found: set[str] = set()
    for case in cases:
        text = case.get("template_text")
        if isinstance(text, str) and len(text) < 5000:
            found.update(re.findall(r"\$\{([^}]*)\}", text))
    return sorted(found)


def main() -> None:
    exprs = expressions()[:120]

    def library() -> None:
        for e in exprs:
            try:
                jsonpath_rw.parse(e)
            except Exception:  # invalid expressions cost the same
                continue

    def shared() -> None:
        jsonpath._parse.cache_clear()
        for e in exprs:
            try:
                jsonpath.parse(e)
            except jsonpath.ExpressionError:
                continue

    slow, fast = best(library, 3), best(shared, 3)
    print(f"parse, {len(exprs)} expressions: jsonpath_rw.parse {1000 * slow / len(exprs):.2f} ms")
    print(f"  shared parser {1000 * fast / len(exprs):.2f} ms each -> {slow / fast:.1f}x faster")

    payloads = [p for e in EVENTS for p in contract.examples(e) + fuzz.sample(e, 200, seed=1)]
    plain = best(lambda: [json.dumps(p) for p in payloads])
    templated = best(lambda: [deliver(TEMPLATE, p) for p in payloads])
    n = len(payloads)
    print(f"render, {n} payloads: {n / templated:,.0f} bodies/s with the template")
    ratio = templated / plain
    print(f"  json.dumps alone (no template): {n / plain:,.0f} bodies/s -> {ratio:.0f}x")

    static = best(lambda: lint(TEMPLATE, EVENTS), 3)
    options = Options(EVENTS, samples=20)
    dynamic = best(lambda: render_survey(TEMPLATE, EVENTS, options), 3)
    print(f"check against all 13 events: static {1000 * static:.0f} ms")
    print(f"  rendering (examples, test notifications, 20 fuzz per event) {1000 * dynamic:.0f} ms")


if __name__ == "__main__":
    main()
