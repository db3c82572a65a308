"""The engine's own API beyond the oracle: parsed templates, traces, the wire bytes."""

from __future__ import annotations

import copy
import json

import pytest

from toolkit.templates import engine
from toolkit.templates.releases import FAMILIES, UnknownReleaseError, by_name, family

PUSH = {"repository": "acme/webapp", "name": "webapp", "updated_tags": ["v1", "latest"]}


def test_render_gives_the_value_and_raises_quays_exception() -> None:
    value = json.loads('{"${name}": "${updated_tags}", "n": "x ${updated_tags[0]}"}')
    assert engine.render(value, PUSH) == {"webapp": ["v1", "latest"], "n": "x v1"}
    with pytest.raises(engine.TemplateFailure) as failure:
        engine.render({"${updated_tags}": 1}, PUSH)
    assert str(failure.value.error) == "TypeError: unhashable type: 'list'"
    assert failure.value.error.site == engine.Site(("${updated_tags}",), True, "updated_tags")


def test_a_trace_records_what_each_placeholder_and_key_gave() -> None:
    trace: engine.Trace = {}
    template = '{"${name}": "tags: ${updated_tags[*]} (${missing})"}'
    delivery = engine.deliver(template, PUSH, trace=trace)
    assert delivery.body == '{"webapp": "tags: v1,latest ((none))"}'
    assert trace == {
        (("${name}",), True, 0): "webapp",
        (("${name}",), True, None): "webapp",
        (("${name}",), False, 6): ["v1", "latest"],
        (("${name}",), False, 26): None,
    }


def test_the_body_is_ascii_json_dumps_with_quays_defaults() -> None:
    delivery = engine.deliver('{"a": "${name}", "b": NaN}', {"name": "caf\u00e9 \U0001f680"})
    assert delivery.data == b'{"a": "caf\\u00e9 \\ud83d\\ude80", "b": NaN}'
    untemplated = engine.deliver("", {"k": "\u00e9"})
    assert not untemplated.templated and untemplated.data == b'{"k": "\\u00e9"}'


@pytest.mark.parametrize("falsy", [None, "", 0, False, {}, []])
def test_a_falsy_template_is_not_looked_at(falsy: object) -> None:
    saved = engine.save(falsy)
    assert saved.status == 201 and not saved.checked


def test_a_final_newline_makes_quay_cut_the_expression_short() -> None:
    assert engine.direct_expression("${name}") == "name"
    assert engine.direct_expression("${name}\n") == "name}"
    assert engine.direct_expression("${name} ") is None
    assert engine.direct_expression("${a}${b}") is None


def test_release_families() -> None:
    assert [f.name for f in FAMILIES] == ["3.15+", "3.7-3.14", "3.6", "3.4-3.5"]
    assert family("3.18.0").name == "3.15+" and family("v3.14.2").name == "3.7-3.14"
    assert family("3.6.0").name == "3.6" and family("3.5.2").name == "3.4-3.5"
    assert family("3.7").name == "3.7-3.14" and family(None) is FAMILIES[0]
    with pytest.raises(UnknownReleaseError, match="Python 2"):
        family("3.3.4")
    with pytest.raises(UnknownReleaseError, match="not a Quay version"):
        family("latest")
    with pytest.raises(UnknownReleaseError, match="unknown release family"):
        by_name("3.99")


@pytest.mark.parametrize("event", ["repo_push", "build_success", "vulnerability_found"])
def test_generated_payloads_are_drawn_once_and_rendering_only_reads_them(event: str) -> None:
    """A notification list renders each template over the same generated payloads (drawn once
    a process): rendering over them, keys and values from every field, leaves them as they
    were, and a second draw gives the very same payloads."""
    from toolkit.templates import corpus, dynamic

    first = list(corpus.items([event], 6, 3))
    kept = copy.deepcopy([item.payload for item in first])
    fields = sorted({key for item in first for key in item.payload})
    template = json.dumps({f"${{{f}}}": [f"${{{f}}}", f"x ${{{f}[*]}}"] for f in fields})
    found = dynamic.survey(template, first)
    assert len(found.rendered) == len(first)
    assert [item.payload for item in first] == kept
    again = list(corpus.items([event], 6, 3))
    assert [a.payload for a in again] == kept
    assert all(a.payload is b.payload for a, b in zip(again, first, strict=True))
