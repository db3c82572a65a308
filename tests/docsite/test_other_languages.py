"""The other-languages guide runs as written: TypeScript types type-check, Go types compile and
hold every example and fuzzed payload.

The guide's titled blocks are written to a temporary project beside the export and the schemas,
and its command blocks run there with bash. The npm tools come from tools/js/ (`npm ci`), Go is
Debian's golang-go; nothing is downloaded (npm offline, GOPROXY off).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.exports.conftest import JS, go, node
from toolkit import contract
from toolkit.contract.registry import EVENTS

GUIDE = ROOT / "docs" / "guides" / "other-languages.md"
FUZZED = 20  # the guide's `quay-contract fuzz -n`


def block(title: str) -> str:
    """The fenced block of the guide with this title."""
    match = re.search(rf'```\w+ title="{re.escape(title)}"\n(.*?)\n```', GUIDE.read_text(), re.S)
    assert match, f"{GUIDE.name} has no block titled {title}"
    return match.group(1) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder as the guide describes it: openapi.json, schemas/, the tools, the guide's files."""
    shutil.copy(ROOT / "generated" / "openapi.json", tmp_path / "openapi.json")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    node()
    (tmp_path / "node_modules").symlink_to(JS / "node_modules")
    for name in ("consumer.ts", "go.mod", "quay/examples_test.go", "testdata.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(block(name))
    return tmp_path


def run(title: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The guide's command block `title`, with bash, offline."""
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "npm_config_offline": "true",
        "npm_config_update_notifier": "false",
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
    }
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block(title)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_guide_installs_the_versions_ci_pins() -> None:
    pins = json.loads((JS / "package.json").read_text())["dependencies"]
    install = re.search(r"npm install --save-dev (.+)", GUIDE.read_text())
    assert install
    named = dict(p.rsplit("@", 1) for p in install.group(1).split())
    assert named == {k: v for k, v in pins.items() if k != "@asyncapi/parser"}


def test_typescript_types_type_check_and_a_misused_type_does_not(project: Path) -> None:
    proc = run("TypeScript", project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    types = (project / "quay.ts").read_text()
    assert "export interface webhooks" in types
    # A nested `$defs` would have become a required property of the generated types.
    assert not re.search(r"\$defs\??:", types)
    for event in EVENTS:
        assert f"    {event}: {{" in types, event

    consumer = project / "consumer.ts"
    consumer.write_text(consumer.read_text().replace(".docker_tags.join", ".docker_tag.join"))
    check = block("TypeScript").splitlines()[1]
    assert check.startswith("npx tsc ")
    proc = subprocess.run(["bash", "-c", check], cwd=project, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Property 'docker_tag' does not exist" in proc.stdout


def test_go_types_compile_hold_every_payload_and_reject_one_they_cannot_hold(
    project: Path,
) -> None:
    go()
    proc = run("Go", project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok  \texample.com/quaywebhooks/quay" in proc.stdout
    written = sorted((project / "quay" / "testdata").glob("*/*.json"))
    examples = sum(len(contract.examples(e)) for e in EVENTS)
    assert len(written) == examples + FUZZED * len(EVENTS)

    body = contract.test_notification_examples("build_queued")[0]  # a numeric commit date
    bad = project / "quay" / "testdata" / "build_queued" / "numeric-date.json"
    bad.write_text(json.dumps(body))
    proc = subprocess.run([go(), "test", "./..."], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "numeric-date.json: json: cannot unmarshal number" in proc.stdout


def test_the_npm_lockfile_pins_every_package_from_the_registry_only() -> None:
    lock = json.loads((JS / "package-lock.json").read_text())
    packages = {k: v for k, v in lock["packages"].items() if k}
    assert len(packages) > 100
    for name, entry in packages.items():
        assert entry.get("integrity", "").startswith("sha512-"), name
        resolved = entry.get("resolved", "https://registry.npmjs.org/")
        assert resolved.startswith("https://registry.npmjs.org/"), (name, resolved)
    assert (
        lock["packages"][""]["dependencies"]
        == json.loads((JS / "package.json").read_text())["dependencies"]
    )
