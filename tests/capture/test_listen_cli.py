"""`quay-contract listen` options: usage errors exit 2, a port in use exits 3."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import main


@pytest.mark.parametrize(
    "args",
    [
        ["--certfile", "{cert}"],
        ["--keyfile", "{cert}"],
        ["--client-ca", "{cert}"],
        ["--path-token", "a/b"],
        ["--path-token", ""],
        ["--port", "http"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    cert = tmp_path / "x.pem"
    cert.write_text("not used")
    args = [a.replace("{cert}", str(cert)) for a in args]
    result = CliRunner().invoke(main, ["listen", "--out", str(tmp_path / "cap"), *args])
    assert result.exit_code == 2, result.output


def test_a_port_in_use_exits_3(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "toolkit", "listen", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
    assert result.returncode == 3 and "error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_release_exits_3_before_listening(tmp_path: Path) -> None:
    args = ["listen", "--out", str(tmp_path / "cap"), "--quay-version", "3.99"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3 and "unknown Quay release '3.99'" in result.output
    assert not (tmp_path / "cap").exists()
