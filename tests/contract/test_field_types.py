"""Field types read by following `$ref`s agree with those of the inlined schema."""

from __future__ import annotations

import pytest

from toolkit.contract import compiled
from toolkit.contract.invariant_fast import field_types
from toolkit.contract.registry import EVENTS, load_all


@pytest.mark.parametrize("event", EVENTS)
def test_following_refs_reads_the_types_inlining_gives(event: str) -> None:
    inlined = field_types(compiled.resolved(event))
    followed = field_types(compiled.raw(event), load_all(), compiled.schema_id(event))
    assert followed == inlined and inlined
