"""The seeded scanner (toolkit.prover.seeded): it proves one document from the programs
`regenerate` stored, imports nothing heavy, and says "don't know" whenever it cannot be sure of
them: switched off, stale or damaged seed files. Whether what it proves is right is
test_differential's business."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.conftest import ROOT
from toolkit import contract
from toolkit.contract.registry import raw_digest
from toolkit.prover import seeded, seeds
from toolkit.prover.native import OFF, built

pytestmark = pytest.mark.skipif(not built(), reason="the native prover is not built")

EXAMPLE = orjson.dumps(contract.examples("build_success")[0], option=orjson.OPT_INDENT_2)


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    """Each test loads the seed files itself (and leaves no copy behind for the others)."""
    seeded._seeded.cache_clear()
    yield
    seeded._seeded.cache_clear()


def test_it_proves_an_example_under_the_plain_path_key() -> None:
    from toolkit.validation.plain import plain_pass

    assert seeded.pass_key(EXAMPLE) == plain_pass(EXAMPLE) != None  # noqa: E711


def test_the_off_switch_means_dont_know(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OFF, "1")
    assert seeded.pass_key(EXAMPLE) is None


def _copy(tmp_path: Path) -> Path:
    models = tmp_path / "models"
    models.mkdir()
    for name in (seeded.SEEDS, seeded.AUTOMATA):
        shutil.copy(ROOT / "generated" / name, models / name)
    return models


def _edit(path: Path, key: str, value: object) -> None:
    data = json.loads(path.read_text())
    data[key] = value
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        (None, None),  # the control: an unchanged copy proves
        (seeded.SEEDS, ("schema_bytes", "crc32:00000000")),  # a schema file edited since
        (seeded.SEEDS, ("format", 0)),
        (seeded.AUTOMATA, ("fingerprint", "crc32:00000000")),  # automata of other schemas
        (seeded.SEEDS, "truncated"),
        (seeded.AUTOMATA, "missing"),
    ],
)
def test_stale_or_damaged_seed_files_mean_dont_know(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str | None, damage: object
) -> None:
    models = _copy(tmp_path)
    if name is not None:
        path = models / name
        if damage == "truncated":
            path.write_bytes(path.read_bytes()[:1000])
        elif damage == "missing":
            path.unlink()
        else:
            assert isinstance(damage, tuple)
            _edit(path, *damage)
    monkeypatch.setattr(seeded, "models_root", lambda: str(models))
    assert (seeded.pass_key(EXAMPLE) is None) == (name is not None)


def test_a_one_file_check_imports_neither_jsonschema_rs_nor_orjson(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_bytes(EXAMPLE)
    code = (
        "import sys\n"
        "from toolkit.prover.seeded import pass_key\n"
        f"assert pass_key(open({str(tmp_path / 'one.json')!r}, 'rb').read()) is not None\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != OFF}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    loaded = set(out.stdout.split())
    heavy = {
        "orjson",
        "jsonschema_rs",
        "pathlib",
        "dataclasses",
        "toolkit.contract.compiled",
        "toolkit.contract.detect",
        "toolkit.contract.registry",
        "toolkit.prover.learn",
        "toolkit.validation",
    }
    assert loaded & heavy == set()


def test_the_seed_file_is_small_and_proves_every_example_it_learned_from() -> None:
    path = ROOT / seeds.FILE
    assert path.stat().st_size < 300_000
    data = json.loads(path.read_text())
    assert data["schema_bytes"] == raw_digest()
    assert all(len(result[2]) == len(result[0]) for result in data["results"])
    examples = [orjson.dumps(x) for e in contract.EVENTS for x in contract.examples(e)]
    assert all(seeded.pass_key(raw) is not None for raw in examples)
    skeletons = {program[0] for program in data["programs"]}
    assert len(skeletons) > len(examples)  # the variants and fuzzed payloads add skeletons


def _checkout(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "generated").mkdir()
    shutil.copy(ROOT / seeds.FILE, tmp_path / seeds.FILE)
    return tmp_path


def test_without_the_extension_regenerate_keeps_a_current_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.regenerate import _prover_seeds

    committed = {seeds.FILE: (ROOT / seeds.FILE).read_text()}
    assert seeds.kept(_checkout(tmp_path)) == committed
    monkeypatch.setattr("toolkit.prover.native.built", lambda: False)
    assert _prover_seeds(ROOT) == committed  # what a machine without a compiler regenerates


def test_without_the_extension_a_stale_file_loses_its_programs(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    path = root / "schemas" / "repo_push.schema.json"
    path.write_text(path.read_text().replace('"description": "', '"description": "Touched. ', 1))
    data = json.loads(seeds.kept(root)[seeds.FILE])
    assert data["schema_bytes"] == raw_digest(root / "schemas") != raw_digest()
    assert (data["programs"], data["results"], data["sets"]) == ([], [], [])
