"""The text report's progress counter: on a terminal's stderr during long runs, never elsewhere."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time

import orjson
import pytest

from toolkit import contract

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


PAYLOAD = orjson.dumps(contract.examples("repo_push")[0]) + b"\n"


def _run(stderr_is_tty: bool) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a text run over stdin that lasts over a second (the
    payloads arrive in two parts), with stderr on a pseudo-terminal when asked."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    cmd = [sys.executable, "-m", "toolkit", "validate", "-"]
    leader, follower = pty.openpty() if stderr_is_tty else (-1, -1)
    chunks = []
    try:
        with subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=follower if stderr_is_tty else subprocess.PIPE,
            env=env,
        ) as proc:
            assert proc.stdin is not None
            proc.stdin.write(PAYLOAD * 10)
            proc.stdin.flush()
            time.sleep(1.2)
            proc.stdin.write(PAYLOAD * 10)
            proc.stdin.close()
            if stderr_is_tty:
                os.close(follower)
                while True:
                    try:
                        chunk = os.read(leader, 65536)
                    except OSError:  # the child closed its end
                        break
                    if not chunk:
                        break
                    chunks.append(chunk)
            assert (proc.stdout is not None and proc.stderr is not None) or stderr_is_tty
            out = proc.stdout.read() if proc.stdout else b""
            if not stderr_is_tty and proc.stderr:
                chunks.append(proc.stderr.read())
            code = proc.wait()
    finally:
        if stderr_is_tty:
            os.close(leader)
    return code, out.decode(), b"".join(chunks).decode(errors="replace")


def test_a_terminal_sees_the_counter_and_stdout_stays_clean() -> None:
    code, out, err = _run(stderr_is_tty=True)
    assert code == 0, err
    assert "payloads checked" in err
    assert "payloads checked" not in out
    assert "20 payload(s): 20 valid" in out


def test_no_counter_when_stderr_is_not_a_terminal() -> None:
    code, out, err = _run(stderr_is_tty=False)
    assert code == 0, err
    assert "payloads checked" not in err + out
    assert "20 payload(s): 20 valid" in out
