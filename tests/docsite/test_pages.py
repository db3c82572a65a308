"""The generated event pages say everything the schemas say: every field, note and example."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.docsite.snippets import pycon_blocks, run_pycon
from toolkit import contract
from toolkit.contract.registry import EVENTS
from toolkit.docsite import markdown as md
from toolkit.docsite.citations import erratum, pin
from toolkit.docsite.fieldlist import anchor
from toolkit.docsite.pages import EVENTS_DIR, docs

PAGES = ROOT / EVENTS_DIR


def page(event: str) -> str:
    return (PAGES / f"{event}.md").read_text(encoding="utf-8")


def walk_fields(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(parent path, field name) for every property the schema declares, at any depth.

    Written independently of toolkit.docsite.fieldtables: it follows properties, allOf, anyOf, oneOf
    and items, and ignores conditionals (if/then/else), which only restate declared fields.
    """
    if not isinstance(node, dict):
        return
    for name, sub in node.get("properties", {}).items():
        child = f"{path}.{name}" if path else name
        yield path, name
        yield from walk_fields(sub, child)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            yield from walk_fields(sub, path)
    if isinstance(node.get("items"), dict):
        yield from walk_fields(node["items"], f"{path}[]")


def walk_errata(node: Any) -> Iterator[Any]:
    """Every `x-docs-errata` entry anywhere in a schema."""
    if isinstance(node, dict):
        yield from node.get("x-docs-errata", [])
        for value in node.values():
            yield from walk_errata(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_errata(value)


def production(event: str) -> dict[str, Any]:
    return {k: v for k, v in contract.resolved(event).items() if k != "definitions"}


def test_every_event_has_a_page_and_nothing_else_is_there() -> None:
    assert sorted(p.stem for p in PAGES.glob("*.md")) == sorted([*EVENTS, "index"])


def field_block(text: str, ident: str) -> str:
    """The Markdown of one field's block (up to its first child or the next field)."""
    head = next(line for line in text.splitlines() if f"{{ #{ident} .field-name }}" in line)
    return text.split(head, 1)[1].split('<div class="field"', 1)[0]


@pytest.mark.parametrize("event", EVENTS)
def test_every_declared_field_has_a_heading_with_its_anchor(event: str) -> None:
    text = page(event)
    fields = list(walk_fields(production(event)))
    assert len(fields) >= 6
    _, _, listing = text.partition("## Fields")
    listing = listing.split("\n## ", 1)[0]
    for parent, name in fields:
        path = f"{parent}.{name}" if parent else name
        ident = f"field-{path.replace('[]', '')}"
        assert f"`{name}` {{ #{ident} .field-name }}" in listing, path
        if parent:  # nested: inside its parent's collapsed child list, the parent path muted
            assert f'<span class="field-parent">{parent}.</span>`{name}`' in listing, path
            before = listing.split(f"{{ #{ident} .field-name }}")[0]
            assert before.rfind('<details class="field-children"') > before.rfind(
                f"{{ #{anchor(parent)} .field-name }}"
            ), path


def test_anchors_are_dotted_paths() -> None:
    assert anchor("trigger_metadata.commit_info.date") == "field-trigger_metadata.commit_info.date"
    assert anchor("vulnerabilities[].id") == "field-vulnerabilities.id"
    assert "{ #field-trigger_metadata.commit_info.date .field-name }" in page("build_success")


@pytest.mark.parametrize("event", EVENTS)
def test_every_test_notification_field_is_named(event: str) -> None:
    node = contract.test_notification_schema(event)
    own = {k: v for k, v in node.items() if k != "allOf"}
    text = page(event)
    for parent, name in walk_fields(own):
        path = f"{parent}.{name}" if parent else name
        assert f"`{name}` {{ #test-field-{path.replace('[]', '')} .field-name }}" in text, path


def carriers() -> dict[str, set[str]]:
    """Each erratum note -> the events whose schema carries it."""
    out: dict[str, set[str]] = {}
    for event in EVENTS:
        for item in walk_errata(contract.resolved(event)):
            out.setdefault(erratum(item).note, set()).add(event)
    return out


@pytest.mark.parametrize("event", EVENTS)
def test_each_erratum_is_said_once_where_it_belongs(event: str) -> None:
    text = page(event)
    shared_page = (ROOT / "docs/reference/errata.md").read_text(encoding="utf-8")
    section = text.split("## Where Quay's documentation is wrong", 1)[1].split("\n## ", 1)[0]
    assert text.count("Where Quay's documentation is wrong") == 1
    notes = carriers()
    mine = {n for n, events in notes.items() if event in events}
    assert mine
    for note in mine:
        said = md.prose(note)
        if len(notes[note]) == 1:
            assert text.count(said) == 1 and said in section, note
            assert said not in shared_page, note
        else:
            assert said not in text, note
            assert shared_page.count(said) == 1, note
    if any(len(notes[n]) > 1 for n in mine):
        assert "](../errata.md#erratum-" in section


def test_errata_cite_quays_docs_and_code_at_the_pinned_release() -> None:
    p = pin()
    assert p.tag.startswith("v3.") and len(p.commit) == 40
    assert p.docs_url.startswith("https://docs.redhat.com/")
    items = [erratum(i) for e in EVENTS for i in walk_errata(contract.resolved(e))]
    assert items and all(i.code and i.docs in p.sections for i in items)
    site = "".join(page(e) for e in EVENTS) + (ROOT / "docs/reference/errata.md").read_text()
    for item in items:
        for ref in item.code:
            lines = ref.partition("#")[2]
            assert lines and all(x.startswith("L") and x[1:].isdigit() for x in lines.split("-"))
            assert f"(https://github.com/quay/quay/blob/{p.commit}/{ref})" in site, ref
    assert "seed §" not in site and f"{p.docs_url})" in site


@pytest.mark.parametrize("event", EVENTS)
def test_examples_and_their_corrections_appear(event: str) -> None:
    text = page(event)
    raw = contract.raw(event)
    payloads = contract.examples(event) + contract.test_notification_examples(event)
    for payload in payloads:
        assert json.dumps(payload, indent=2, ensure_ascii=False) in text
    for note in raw.get("x-examples", []):
        assert md.prose(note["summary"]) in text
        for correction in note["corrections"]:
            assert md.prose(correction) in text


@pytest.mark.parametrize("event", EVENTS)
def test_page_names_the_model_and_its_import_line(event: str) -> None:
    text = page(event)
    title = contract.raw(event)["title"]
    test_title = contract.test_notification_schema(event)["title"]
    assert f"from toolkit.models import {title}, {test_title}" in text
    models = importlib.import_module("toolkit.models")
    assert models.MODELS[event] is getattr(models, title)


@pytest.mark.parametrize("event", EVENTS)
def test_page_model_example_runs_and_shows_a_plain_value(event: str) -> None:
    _, _, section = page(event).partition("## Model")
    blocks = pycon_blocks(section)
    assert len(blocks) == 1 and ".model_validate(payload)" in blocks[0]
    assert run_pycon(blocks[0], f"{event}.md") == ""


@pytest.mark.parametrize("event", EVENTS)
def test_page_links_the_events_that_share_its_shape(event: str) -> None:
    text = page(event)
    _, _, section = text.partition("## Other events with this shape")
    shared = contract.shares_shape_with(event)
    for other in shared:
        assert f"[{other}]({other}.md)" in text
        assert other in section
    if not shared:
        assert "No other event sends this shape" in section


@pytest.mark.parametrize("event", EVENTS)
def test_page_names_its_producers(event: str) -> None:
    text = page(event)
    for producer in contract.raw(event)["x-producer"]:
        file = producer.split(" ")[0].split(":")[0]
        assert f"[`{file}`](https://github.com/quay/quay/blob/" in text


def test_fields_by_event_links_every_field_of_every_event_nested_ones_too() -> None:
    text = (ROOT / "docs/reference/fields-by-event.md").read_text(encoding="utf-8")
    for event in EVENTS:
        assert f"[{event}](events/{event}.md)" in text
        for parent, name in walk_fields(production(event)):
            path = f"{parent}.{name}" if parent else name
            assert f"](events/{event}.md#{anchor(path)})" in text, (event, path)


def nullable(node: Any, path: str = "") -> Iterator[str]:
    """Paths whose schema admits null (type, const, enum or an alternative), any depth."""
    if not isinstance(node, dict):
        return
    for name, sub in node.get("properties", {}).items():
        child = f"{path}.{name}" if path else name
        if admits_null(sub):
            yield child
        yield from nullable(sub, child)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            yield from nullable(sub, path)
    if isinstance(node.get("items"), dict):
        yield from nullable(node["items"], f"{path}[]")


def admits_null(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    kinds = node.get("type", [])
    if "null" in (kinds if isinstance(kinds, list) else [kinds]):
        return True
    if None in node.get("enum", [0]) or ("const" in node and node["const"] is None):
        return True
    return any(admits_null(s) for k in ("allOf", "anyOf", "oneOf") for s in node.get(k, []))


def test_nullable_fields_lists_every_nullable_field_nested_ones_too() -> None:
    text = (ROOT / "docs/reference/nullable-fields.md").read_text(encoding="utf-8")
    found = 0
    for event in EVENTS:
        for path in set(nullable(production(event))):
            found += 1
            assert f"](events/{event}.md#{anchor(path)})" in text, (event, path)
    assert found >= 12 and f"{found} fields across the events" in text


def test_telling_events_apart_names_every_group_and_test_marker() -> None:
    text = (ROOT / "docs/reference/telling-events-apart.md").read_text(encoding="utf-8")
    for event in EVENTS:
        assert f"[{event}](events/{event}.md)" in text
    row = next(x for x in text.splitlines() if x.startswith("| [build_start]"))
    assert (
        "build_cancelled" in row
        and "`build_name`" in row
        and "only the URL tells them apart" in row
    )
    assert "`vulnerable_index_report_created`" not in row


def test_generation_is_deterministic() -> None:
    assert docs(ROOT) == docs(ROOT)


def test_api_reference_model_examples_run() -> None:
    blocks = pycon_blocks((ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8"))
    assert any("toolkit.models" in block for block in blocks)
    for block in blocks:
        assert run_pycon(block, "api.md") == ""


def walk_versions(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(field path, its annotated schema) for every property with `x-quay-versions`, reached
    through properties, allOf and anyOf/oneOf (the field tables' reach)."""
    if not isinstance(node, dict):
        return
    for name, sub in node.get("properties", {}).items():
        child = f"{path}.{name}" if path else name
        if isinstance(sub, dict) and "x-quay-versions" in sub:
            yield child, sub
        yield from walk_versions(sub, child)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            yield from walk_versions(sub, path)


@pytest.mark.parametrize("event", EVENTS)
def test_each_field_row_says_which_releases_send_it(event: str) -> None:
    from toolkit.contract.versions import annotation

    text = page(event)
    for path, sub in walk_versions(production(event)):
        ann = annotation(sub)
        assert ann is not None
        row = field_block(text, anchor(path))
        assert f"{ann.sent.describe()}, {'always' if ann.always else 'not always'}." in row
        assert ann.note is None or md.prose(ann.note) in row


@pytest.mark.parametrize(
    ("event", "sent_by"),
    [
        ("repo_push", "every Quay release."),
        ("build_start", "every Quay release except 3.4.0 \u2013 3.17.4."),
        ("build_success", "every Quay release except 3.4.0 \u2013 3.7.1."),
        ("repo_mirror_sync_started", "Quay 3.2.0 and later."),
        ("repo_image_expiry", "Quay 3.12.0 and later."),
        ("quota_error", "Quay 3.18.0 and later."),
    ],
)
def test_each_page_says_which_releases_send_the_event(event: str, sent_by: str) -> None:
    assert f"**Sent by:** {sent_by}" in page(event)
    assert "**Test notification:** the Test Notification button sends it in" in page(event)


def test_the_pending_quay_pull_requests_are_named_where_they_matter() -> None:
    assert "quay/quay#6463" in page("build_start") and "not modelled" in page("build_start")
    assert "quay/quay#6917" in page("vulnerability_found")


@pytest.mark.parametrize("event", EVENTS)
def test_each_example_shows_its_fingerprint(event: str) -> None:
    text = page(event)
    assert text.count("(its version fingerprint)") == len(contract.examples(event))


@pytest.mark.parametrize("event", EVENTS)
def test_every_invariant_is_a_sentence_with_its_source_on_the_event_page(event: str) -> None:
    from toolkit.contract.invariants import for_event
    from toolkit.docsite.rules import source_link

    text = page(event)
    rules = text.split("## Rules between fields", 1)[1].split("\n## ", 1)[0]
    for inv in for_event(event):
        line = next(x for x in rules.splitlines() if x.startswith(f"- **`{inv.id}`**: "))
        assert source_link(str(inv.source)) in line
        said = line.split(" Source: ")[0]
        if inv.says:
            assert md.prose(inv.says) in said
            said = said.replace(md.prose(inv.says), "")
        assert "{" not in said  # no template syntax: words and `<slots>`


@pytest.mark.parametrize("event", EVENTS)
def test_rules_json_schema_checks_are_sentences_not_json(event: str) -> None:
    schema = production(event)
    text = page(event)
    if "if" in schema or "dependencies" in schema:
        rules = text.split("## Rules between fields", 1)[1].split("\n## ", 1)[0]
        assert "The schema checks these:" in rules
        assert '"if"' not in rules and "```json" not in rules
    if "if" in schema:
        assert "- If [`" in text


def test_conditionals_read_as_quay_behaves() -> None:
    assert (
        "- If [`trigger_id`](#field-trigger_id) is null, [`trigger_kind`](#field-trigger_kind) is "
        "null; otherwise [`trigger_kind`](#field-trigger_kind) is a string and "
        "[`trigger_metadata`](#field-trigger_metadata) is not empty."
    ) in page("build_start")
    assert (
        "- If [`trigger_id`](#field-trigger_id) is absent, [`is_manual`](#field-is_manual) is "
        "`true`."
    ) in page("build_queued")


def test_a_rule_without_words_falls_back_to_json() -> None:
    from toolkit.docsite.rules import schema_rules

    [rule] = schema_rules({"if": {"minProperties": 3}, "then": {"required": ["a"]}})
    assert rule.startswith("A conditional rule (JSON Schema `if`/`then`/`else`): `{")


@pytest.mark.parametrize("event", EVENTS)
def test_exemptions_are_explained_in_the_test_notification_section(event: str) -> None:
    from toolkit.contract.invariants import exemptions

    section = page(event).split("## Test notification", 1)[1]
    for ident, reason in exemptions(contract.test_notification_schema(event)).items():
        assert f"- **`{ident}`** does not hold: {md.prose(reason)}" in section
