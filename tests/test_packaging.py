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
