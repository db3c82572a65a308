"""The command line's exit codes and outputs."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from tests.conftest import ROOT
from toolkit.cli import main


def test_examples_command_prints_a_summary_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["examples"])
    assert result.exit_code == 0, result.output
    assert "vulnerability_found" in result.output
    assert "66 of 66 samples behave as the contract says." in result.output


def test_regenerate_check_passes_on_the_committed_tree() -> None:
    result = CliRunner().invoke(main, ["regenerate", "--check"])
    assert result.exit_code == 0, result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["no-such-command"]).exit_code == 2
    assert CliRunner().invoke(main, ["regenerate", "--bogus"]).exit_code == 2


def test_help_documents_exit_codes() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "Exit codes: 0 all passed; 1 findings; 2 usage error" in result.output


def test_python_dash_m_toolkit_runs_the_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("quay-contract, version")
