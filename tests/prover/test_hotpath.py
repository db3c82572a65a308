"""The NDJSON hot loop with the prover gives the very Batch it gives without: passes under the
same PassKeys, the same verdicts in the same order (with and without `--quay-version`)."""

from __future__ import annotations

import pytest

from tests.validation.corpus import ndjson_lines
from toolkit.prover.native import OFF, built
from toolkit.validation import proven
from toolkit.validation.batch import Batch, Options
from toolkit.validation.hotpath import scan_lines

pytestmark = pytest.mark.skipif(not built(), reason="the native prover is not built")


def _scan(data: bytes, options: Options) -> Batch:
    batch = Batch()
    scan_lines(data, "mixed.ndjson", options, batch)
    return batch


@pytest.mark.parametrize("quay_version", [None, "3.8.0", "3.0.0"])
def test_the_prover_changes_no_batch(
    quay_version: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"\n".join(ndjson_lines(3000, 7)) + b"\n"
    options = Options(quay_version=quay_version)
    monkeypatch.setenv(OFF, "1")
    proven._prover.cache_clear()
    reference = _scan(data, options)
    monkeypatch.delenv(OFF)
    proven._prover.cache_clear()
    first = _scan(data, options)  # learns
    prover = proven._prover()
    assert prover is not None and prover.scanner.size() > 10
    second = _scan(data, options)  # proves
    proven._prover.cache_clear()
    for batch in (first, second):
        assert batch.passes == reference.passes
        assert batch.verdicts == reference.verdicts
    lines = data.split(b"\n")[:-1]
    proved = sum(prover.scanner.prove(raw) >= 0 for raw in lines)
    passed = sum(reference.passes.values())  # what the exact path let through
    assert proved >= 0.9 * passed


def test_an_error_while_learning_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Learning only saves time: if it fails, the prover stops learning and the exact path
    checks every line it has not proven, so the Batch is the one without the prover."""
    data = b"\n".join(ndjson_lines(600, 7)) + b"\n"
    options = Options()
    monkeypatch.setenv(OFF, "1")
    proven._prover.cache_clear()
    reference = _scan(data, options)
    monkeypatch.delenv(OFF)
    proven._prover.cache_clear()

    def broken(self: object, raw: bytes, obj: object) -> bool:
        raise LookupError("a bug while learning")

    monkeypatch.setattr("toolkit.prover.learn.Prover.learn", broken)
    batch = _scan(data, options)
    prover = proven._prover()
    proven._prover.cache_clear()
    assert prover is not None and not prover.learning
    assert (batch.passes, batch.verdicts) == (reference.passes, reference.verdicts)
