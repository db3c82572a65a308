"""The pytest11 plugin: the documented example consumer suite runs green in a fresh pytest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "consumer"


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_example_consumer_suite_passes(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "consumer")
    done = _pytest(tmp_path / "consumer")
    assert done.returncode == 0, done.stdout + done.stderr
    # 3 property tests + test_every_event over 13 events + the build ids it remembers
    assert "17 passed" in done.stdout


def test_plugin_catches_a_broken_handler(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "consumer")
    handler = tmp_path / "consumer" / "handler.py"
    source = handler.read_text()
    broken = "    model = MODELS[event]"
    assert broken in source
    bug = '    if event == "build_success":\n        payload["trigger_metadata"]["commit"]\n'
    handler.write_text(source.replace(broken, bug + broken))
    done = _pytest(tmp_path / "consumer", "-k", "accepts_every or every_event")
    assert done.returncode == 1
    assert "KeyError: 'commit'" in done.stdout  # manual builds have trigger_metadata == {}


def test_plugin_options_are_registered(tmp_path: Path) -> None:
    done = _pytest(tmp_path, "--help")
    assert "--quay-seed" in done.stdout
