"""The GitHub Pages workflow builds the site as CI does and publishes it where the `$id`s point."""

from __future__ import annotations

import json
from typing import Any

import yaml

from tests.conftest import ROOT
from tests.docsite.conftest import site_url

WORKFLOW = ROOT / ".github" / "workflows" / "docs.yml"
CI = ROOT / ".ci" / "run"


def workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def commands(job: dict[str, Any]) -> list[str]:
    """Every line of every `run` step of a job."""
    return [line.strip() for step in job["steps"] for line in step.get("run", "").splitlines()]


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_the_workflow_deploys_with_the_pages_actions_on_pushes_to_main() -> None:
    flow = workflow()
    assert flow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as True
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert uses(build) == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    assert build["steps"][-1]["with"]["path"] == "site"
    assert deploy["needs"] == "build" and uses(deploy) == ["actions/deploy-pages"]
    assert deploy["environment"]["name"] == "github-pages"


def test_the_site_is_built_with_the_commands_of_ci() -> None:
    ci = [line.strip() for line in CI.read_text(encoding="utf-8").splitlines()]
    wanted = [
        line
        for line in ci
        if line == "python3 -m venv .venv"
        or line.startswith(
            (".venv/bin/python -m pip install", ".venv/bin/quay-contract regenerate")
        )
        or ("mkdocs build --strict" in line and not line.startswith("echo"))
    ]
    wanted = [line.split("  #")[0].strip() for line in wanted]
    assert len(wanted) == 5, wanted
    assert [c for c in commands(workflow()["jobs"]["build"]) if c in wanted] == wanted


def test_the_published_address_is_site_url_and_every_id_base() -> None:
    address = workflow()["env"]["SITE_URL"]
    assert address == site_url()
    for path in [
        *(ROOT / "schemas").rglob("*.schema.json"),
        *(ROOT / "toolkit/formats").glob("*.schema.json"),
    ]:
        assert json.loads(path.read_bytes())["$id"].startswith(address), path
    check = next(s for s in workflow()["jobs"]["build"]["steps"] if "PAGES_URL" in s.get("env", {}))
    assert check["env"]["PAGES_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '"$SITE_URL"' in check["run"]
