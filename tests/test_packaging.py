"""The wheel ships the schemas and models, and works outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from toolkit.contract.registry import EVENTS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    return next(out.glob("quay_webhook_contracts-*.whl"))


def test_wheel_contains_schemas_models_and_markers(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for event in EVENTS:
        assert f"toolkit/schemas/{event}.schema.json" in names
        assert f"toolkit/models/{event}_schema.py" in names
    assert "toolkit/schemas/_common/repository.schema.json" in names
    assert "toolkit/schemas/_common/releases.schema.json" in names
    assert "toolkit/models/versions_index.json" in names
    assert {"toolkit/py.typed", "toolkit/models/py.typed"} <= names
    assert "toolkit/formats/capture-envelope.schema.json" in names
    assert "toolkit/formats/template-report.schema.json" in names
    assert "toolkit/templates/engine.py" in names
    # send's conformance corpus is data inside the package: every indexed body ships
    from toolkit.send import conformance

    assert "toolkit/send/corpus/index.json" in names
    assert {f"toolkit/send/corpus/{c.path}" for c in conformance.cases()} <= names


def test_installed_wheel_works_outside_the_repo(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = (
        "import toolkit, toolkit.models as m;"
        f"assert toolkit.__file__.startswith({str(site)!r}), toolkit.__file__;"
        "from toolkit.contract import tables; assert tables.stored() is not None;"
        "from toolkit.cli import main; main(['examples'])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "66 of 66 samples" in proc.stdout


OPTIONAL = ("fsspec", "s3fs", "gcsfs", "adlfs", "dask", "distributed", "pyarrow", "zstandard")
WITHOUT_EXTRAS = f"""
import importlib.abc, sys
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {OPTIONAL!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Absent())
from toolkit.cli import main
main(sys.argv[1:], prog_name="quay-contract")
"""


def test_the_wheel_needs_no_extra_for_local_files(wheel: Path) -> None:
    """fsspec, the filesystems, pyarrow, zstandard and Dask are extras, never dependencies."""
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("/METADATA"))
    )
    requires = [
        line for line in metadata.decode().splitlines() if line.startswith("Requires-Dist:")
    ]
    for line in requires:
        name = line.split()[1].split("[")[0].split(">")[0].split(";")[0].lower()
        if name in OPTIONAL or name == "moto":
            assert "extra ==" in line, line
    extras = {
        line.split(":", 1)[1].strip()
        for line in metadata.decode().splitlines()
        if line.startswith("Provides-Extra:")
    }
    assert {"s3", "gcs", "azure", "http", "parquet", "zstd", "dask"} <= extras


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["validate", "--engine", "dask", "samples/"], "dask"),
        (["validate", "--scheduler", "tcp://127.0.0.1:1", "samples/"], "dask"),
        (["validate", "s3://bucket/captures/"], "s3"),
        (["validate", "gs://bucket/*.ndjson"], "gcs"),
        (["validate", "az://container/x.ndjson"], "azure"),
        (["validate", "https://example.invalid/x.ndjson"], "http"),
        (["validate", "tests/data/tables/capture.parquet"], "parquet"),
        (["validate", "tests/data/tables/capture.ndjson.zst"], "zstd"),
        (["report", "s3://bucket/captures/"], "s3"),
        (["replay", "s3://bucket/captures/", "--to", "http://127.0.0.1:9/"], "s3"),
    ],
)
def test_without_an_extra_the_message_names_it(args: list[str], extra: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    assert f"pip install 'quay-webhook-contracts[{extra}]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_without_extras_local_validation_still_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS, "validate", "--format", "json", "samples/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # the samples hold findings on purpose
    assert '"status":"fail"' in proc.stdout
