"""Each example app, started by the command its guide documents, passes the `quay-contract send`
command the guide documents; the guide's pytest file passes against it."""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "receivers"
APPS = ("fastapi", "flask", "django")


def guide(framework: str) -> str:
    return (ROOT / "docs" / "guides" / f"receive-{framework}.md").read_text(encoding="utf-8")


def block(text: str, lang: str, title: str) -> str:
    match = re.search(rf'```{lang} title="{re.escape(title)}"\n(.*?)\n```', text, re.DOTALL)
    assert match, f"no {lang} block titled {title}"
    return match.group(1)


def documented(framework: str, port: int) -> tuple[list[str], list[str]]:
    """The guide's two commands (start the app; send), for `port` instead of 8000."""
    start, send = block(guide(framework), "sh", "try it").replace("8000", str(port)).splitlines()
    app, check = shlex.split(start), shlex.split(send)
    assert app[:2] == ["python", f"examples/receivers/{framework}_app.py"], app
    assert check[0] == "quay-contract", check
    return [sys.executable, *app[1:]], [sys.executable, "-m", "toolkit", *check[1:]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the app did not listen on {port}:\n{log.read_text()}")


@pytest.mark.parametrize("framework", APPS)
def test_example_app_passes_send_all(framework: str, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "app.log"
    command, send = documented(framework, port)
    assert send[-3:] == ["send", f"http://127.0.0.1:{port}/quay/{{event}}", "--all"]
    with log.open("wb") as sink:
        app = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink)
    try:
        wait_for(port, app, log)
        done = subprocess.run(
            send,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        app.terminate()
        app.wait(30)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert " ok, 0 failures, 0 warnings." in last
    actions = log.read_text()
    # What a reader recognises, for real bodies of the corpus:
    assert "would deploy quay.io/acme/webapp:v1.4.2" in actions
    assert "push to quay.io/legacy/app without tags: nothing to deploy" in actions
    assert "would deploy registry.corp.internal:8443/platform/base-images/ubi9:9.4-1227" in actions
    assert "incident opened: build" in actions and "(an uploaded Dockerfile) failed" in actions
    assert "duplicate delivery build_failure:" in actions  # an example sent twice by send
    assert "test notification for build_success: the webhook reaches this app" in actions
    assert "quota_error: namespace" in actions
    assert "body breaks the contract (repo_push)" in actions


@pytest.mark.parametrize("framework", APPS)
def test_guide_fixture_test_passes_against_the_example_app(framework: str, tmp_path: Path) -> None:
    for source in EXAMPLES.glob("*.py"):
        shutil.copy(source, tmp_path / source.name)
    test = block(guide(framework), "python", "test_quay_conformance.py")
    (tmp_path / "test_quay_conformance.py").write_text(test + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
    assert "1 passed" in done.stdout


def test_guides_show_the_example_files() -> None:
    for framework in APPS:
        assert f'--8<-- "examples/receivers/{framework}_app.py"' in guide(framework)
    assert '--8<-- "examples/receivers/hooks.py"' in guide("fastapi")


@pytest.mark.parametrize(
    ("module", "framework", "extra"),
    [
        ("fastapi", "fastapi", "fastapi"),
        ("starlette", "starlette", "starlette"),
        ("flask", "flask", "flask"),
        ("django", "django", "django"),
    ],
)
def test_an_adapter_without_its_extra_names_the_extra(
    module: str, framework: str, extra: str
) -> None:
    code = (
        "import sys\n"
        f"sys.modules[{framework!r}] = None\n"
        "try:\n"
        f"    import toolkit.receive.{module}\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert f"pip install 'quay-webhook-contracts[{extra}]'" in done.stdout
    assert f"toolkit.receive.{module} needs" in done.stdout


def test_the_receiver_core_imports_no_framework() -> None:
    code = (
        "import sys, toolkit.receive\n"
        "print(sorted(m for m in ('fastapi', 'starlette', 'flask', 'django', 'werkzeug')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
