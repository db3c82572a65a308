"""The scanner is an optional C extension: a wheel built with a compiler carries it, one built
without (CC=false) is pure and still works, `--version` names the active path, and both give the
same report on a mixed corpus (so does switching the prover off with QUAY_CONTRACT_NO_PROVER)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.validation.corpus import ndjson_lines
from toolkit.prover.native import OFF, WHAT, built

EXAMPLE = json.dumps(
    json.loads((ROOT / "schemas" / "build_success.schema.json").read_text())["examples"][0]
).encode()
NO_COMPILER = pytest.mark.skipif(not built(), reason="no C compiler here: only the pure path")

PIP_WHEEL = (sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q")


def _wheel(out: Path, **env: str) -> Path:
    subprocess.run(
        [*PIP_WHEEL, "-w", str(out), str(ROOT)],
        check=True,
        env={**os.environ, **env},
    )
    return next(out.glob("quay_webhook_contracts-*.whl"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, env in (("native", {}), ("pure", {"CC": "false"})):
        wheel = _wheel(tmp_path_factory.mktemp(f"dist-{name}"), **env)
        site = tmp_path_factory.mktemp(f"site-{name}")
        zipfile.ZipFile(wheel).extractall(site)
        out[name] = site
        out[f"{name}-wheel"] = wheel
    return out


def _run(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        env={**os.environ, "PYTHONPATH": str(site), **env},
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )


@NO_COMPILER
def test_the_native_wheel_carries_the_scanner(sites: dict[str, Path]) -> None:
    names = zipfile.ZipFile(sites["native-wheel"]).namelist()
    assert any(n.startswith("toolkit/prover/_scan") and n.endswith(".so") for n in names)
    assert not sites["native-wheel"].name.endswith("-py3-none-any.whl")
    assert "toolkit/prover/_scan.c" in names
    assert "toolkit/models/prover_automata.json" in names
    assert "toolkit/models/prover_seeds.json" in names


@NO_COMPILER
def test_the_installed_wheel_proves_one_file_from_its_seeds(sites: dict[str, Path]) -> None:
    """Its seed file is current there (the schema files' checksum matches the installed ones):
    an example is proven, with neither jsonschema-rs nor orjson imported; a pure wheel, with
    no scanner, says "don't know"."""
    code = (
        "import sys\n"
        "from toolkit.prover.seeded import pass_key\n"
        f"print(pass_key({EXAMPLE!r}) is not None, 'orjson' in sys.modules, "
        "'jsonschema_rs' in sys.modules)"
    )
    runs = {
        site: subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONPATH": str(sites[site])},
            cwd=sites[site],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for site in ("native", "pure")
    }
    assert runs["native"] == ["True", "False", "False"]
    assert runs["pure"][0] == "False"


def test_a_wheel_built_without_a_compiler_is_pure(sites: dict[str, Path]) -> None:
    names = zipfile.ZipFile(sites["pure-wheel"]).namelist()
    assert not any(n.startswith("toolkit/prover/_scan") and n.endswith(".so") for n in names)
    assert sites["pure-wheel"].name.endswith("-py3-none-any.whl")
    pure = _run(sites["pure"], "--version").stdout.splitlines()[1]
    assert pure == f"{WHAT}: exact path only (native prover not built: no C compiler)"


@NO_COMPILER
def test_version_names_the_active_path(sites: dict[str, Path]) -> None:
    native = _run(sites["native"], "--version")
    assert native.returncode == 0, native.stderr
    assert native.stdout.splitlines()[1] == (
        f"{WHAT}: native prover (C) with the exact path as reference"
    )
    off = _run(sites["native"], "--version", **{OFF: "1"}).stdout.splitlines()[1]
    assert off == f"{WHAT}: exact path only (native prover switched off by {OFF})"


def test_every_path_gives_the_same_report(sites: dict[str, Path], tmp_path: Path) -> None:
    corpus = tmp_path / "mixed.ndjson"
    corpus.write_bytes(b"\n".join(ndjson_lines(4000, 18)) + b"\n")
    runs = [
        _run(sites["native"], "validate", str(corpus)),
        _run(sites["native"], "validate", str(corpus), **{OFF: "1"}),
        _run(sites["pure"], "validate", str(corpus)),
    ]
    assert [r.returncode for r in runs] == [1, 1, 1]
    assert "invalid" in runs[0].stdout
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
