"""`quay-contract diff`: folders and git revisions, output formats, accepted breaks, errors."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import jsonschema_rs
import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from toolkit.cli import main
from toolkit.contract.schemaset import SchemaSetError, baseline_ref
from toolkit.diff.accept import announced_events
from toolkit.diff.classify import DiffResult
from toolkit.diff.evidence import Replay, _reconcile

OLD = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
NEW = {"type": "object", "properties": {"a": {"type": ["string", "null"]}}}


def _sets(tmp_path: Path, old: dict[str, object] = OLD, new: dict[str, object] = NEW) -> list[str]:
    for side, schema in (("old", old), ("new", new)):
        (tmp_path / side).mkdir(parents=True)
        (tmp_path / side / "push.schema.json").write_text(json.dumps(schema))
    return [str(tmp_path / "old"), str(tmp_path / "new")]


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["diff", *args])


def test_text_output_lists_changes_verdict_bump_and_changelog_entry(tmp_path: Path) -> None:
    run = _run(*_sets(tmp_path), "--no-evidence")
    assert run.exit_code == 1
    assert "breaking  required-removed" in run.stdout
    assert "breaking  null-added" in run.stdout
    assert "BREAKING for consumers: 2 breaking" in run.stdout
    assert "suggested version bump: major" in run.stdout
    assert "- **BREAKING** push: null now allowed" in run.stdout


def test_json_output_is_stable(tmp_path: Path) -> None:
    doc = json.loads(_run(*_sets(tmp_path), "--format", "json", "--samples", "5").stdout)
    assert doc["v"] == 1 and doc["verdict"] == "breaking" and doc["semver"] == "major"
    change = next(c for c in doc["changes"] if c["rule"] == "null-added")
    assert change == {
        "rule": "null-added",
        "event": "push",
        "pointer": "/a",
        "keyword": "type",
        "old": ["string"],
        "new": ["null", "string"],
        "direction": "widen",
        "severity": "breaking",
        "accepted": None,
        "message": 'null now allowed: ["string"] → ["null","string"]',
    }
    assert doc["evidence"]["push"]["valid_now_rejected_before"] > 0
    assert doc["changelog"].startswith("### Schemas\n")


@pytest.mark.parametrize("role", ["consumer", "producer", "both"])
def test_json_output_matches_its_schema(tmp_path: Path, role: str) -> None:
    schema = json.loads((ROOT / "toolkit" / "formats" / "diff-report.schema.json").read_text())
    validator = jsonschema_rs.validator_for(schema)
    for extra in (["--samples", "3"], ["--no-evidence"]):
        out = _run(
            *_sets(tmp_path / f"{role}{extra[0]}"), "--role", role, "--format", "json", *extra
        )
        doc = json.loads(out.stdout)
        assert validator.is_valid(doc), list(validator.iter_errors(doc))[:1]
    same = json.loads(_run(str(ROOT / "schemas"), str(ROOT / "schemas"), "--format", "json").stdout)
    assert validator.is_valid(same) and same["verdict"] == "none" and same["changelog"] == ""


def test_markdown_github_and_junit_formats(tmp_path: Path) -> None:
    args = _sets(tmp_path)
    md = _run(*args, "--format", "markdown", "--no-evidence").stdout
    assert md.startswith("### Schema diff: BREAKING for consumers")
    assert "| breaking | `null-added` | `push/a [type]` |" in md
    gh = _run(*args, "--format", "github", "--no-evidence").stdout.splitlines()
    assert gh[0].startswith("::error file=schemas/push.schema.json,title=null-added::push/a [type]")
    assert gh[-1].startswith("::notice title=schema diff::BREAKING")
    junit = ElementTree.fromstring(_run(*args, "--format", "junit", "--no-evidence").stdout)
    assert junit.get("tests") == "2" and junit.get("failures") == "2"


def test_producer_role_sees_the_same_change_as_safe(tmp_path: Path) -> None:
    run = _run(*_sets(tmp_path), "--role", "producer", "--no-evidence")
    assert run.exit_code == 0
    assert "safe for producers" in run.stdout
    assert "suggested version bump: minor" in run.stdout


def _ignore(tmp_path: Path, body: str) -> str:
    path = tmp_path / "ignore.toml"
    path.write_text(body)
    return str(path)


def test_ignore_file_accepts_a_break_with_reason_until_it_expires(tmp_path: Path) -> None:
    args = _sets(tmp_path)
    later = dt.date.today() + dt.timedelta(days=30)
    entries = "".join(
        f'[[accept]]\nevent = "push"\nrule = "{rule}"\npointer = "/a"\n'
        f'reason = "consumers were told in advance"\nexpires = {later}\n'
        for rule in ("null-added", "required-removed")
    )
    run = _run(*args, "--no-evidence", "--ignore-file", _ignore(tmp_path, entries))
    assert run.exit_code == 0, run.output
    assert "accepted  null-added" in run.stdout
    assert "(consumers were told in advance (accepted until" in run.stdout
    assert "breaking for consumers, accepted on purpose" in run.stdout
    assert "suggested version bump: major" in run.stdout  # accepted breaks still bump major
    expired = entries.replace(str(later), str(dt.date.today() - dt.timedelta(days=1)))
    run = _run(*args, "--no-evidence", "--ignore-file", _ignore(tmp_path, expired))
    assert run.exit_code == 1
    assert "expired on" in run.stdout


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[accept]]\nevent = "push"\nrule = "x"\nexpires = 2030-01-01\n', "missing reason"),
        ('[[accept]]\nevent = "push"\nrule = "x"\nreason = "r"\nexpires = "soon"\n', "a date"),
        ("[[accept]\n", "ignore.toml"),
    ],
)
def test_a_bad_ignore_file_exits_3(tmp_path: Path, body: str, message: str) -> None:
    run = _run(*_sets(tmp_path), "--no-evidence", "--ignore-file", _ignore(tmp_path, body))
    assert run.exit_code == 3
    assert message in run.stderr


CHANGELOG = """# Changelog

## [Unreleased]

### Schemas
- **BREAKING** push: `a` may be null and absent.

### Added
- **BREAKING** other_event: not in the Schemas subsection, so not an announcement.

## [0.1.0]

### Schemas
- **BREAKING** released_event: an old release.
"""


def test_changelog_announcement_accepts_breaks_of_the_named_event(tmp_path: Path) -> None:
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)
    run = _run(*_sets(tmp_path), "--no-evidence", "--changelog", str(tmp_path / "CHANGELOG.md"))
    assert run.exit_code == 0, run.output
    assert "announced in CHANGELOG.md: - **BREAKING** push:" in run.stdout
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG.replace("push:", "pull:"))
    run = _run(
        *_sets_again(tmp_path), "--no-evidence", "--changelog", str(tmp_path / "CHANGELOG.md")
    )
    assert run.exit_code == 1
    assert "breaking change to push is not announced" in run.stdout


def _sets_again(tmp_path: Path) -> list[str]:
    return [str(tmp_path / "old"), str(tmp_path / "new")]


def test_announcements_come_only_from_unreleased_schemas() -> None:
    assert set(announced_events(CHANGELOG)) >= {"push"}
    assert "other_event" not in announced_events(CHANGELOG)
    assert "released_event" not in announced_events(CHANGELOG)
    assert announced_events("# Changelog\n") == {}
    wrapped = "## [Unreleased]\n\n### Schemas\n- **BREAKING** push, pull,\n  tag_deleted: gone.\n"
    assert set(announced_events(wrapped)) >= {"push", "pull", "tag_deleted"}


def test_git_revisions_of_this_repository() -> None:
    run = _run("git:HEAD", "--fail-on", "any")
    assert run.exit_code in (0, 1)  # the working tree may differ from HEAD while developing
    assert "git:HEAD →" in run.stdout
    run = _run("git:no-such-revision-xyz")
    assert run.exit_code == 3
    assert "git:no-such-revision-xyz: unknown revision" in run.stderr


def test_baseline_is_the_first_commit_with_schemas_until_a_release_tag(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str, cwd: Path = repo) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q")
    (repo / "README").write_text("x")
    git("add", "-A")
    git("commit", "-qm", "no schemas yet")
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    git("add", "-A")
    git("commit", "-qm", "schemas")
    first = git("rev-parse", "HEAD")
    (repo / "README").write_text("y")
    git("commit", "-qam", "later")
    assert baseline_ref(repo) == first
    (repo / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-02\n"
    )
    git("add", "-A")
    git("commit", "-qm", "release 1.0.0")
    released = git("rev-parse", "HEAD")
    (repo / "README").write_text("z")
    git("commit", "-qam", "after the release")
    assert baseline_ref(repo) == released  # a clone without tags: the release commit
    git("tag", "v1.0.0", released)
    assert baseline_ref(repo) == "v1.0.0"
    shallow = tmp_path / "shallow"
    git("clone", "-q", "--depth", "1", "--no-tags", f"file://{repo}", str(shallow), cwd=tmp_path)
    with pytest.raises(SchemaSetError, match="shallow clone"):
        baseline_ref(shallow)


def test_git_revision_outside_a_repository_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = _run("git:HEAD", str(ROOT / "schemas"))
    assert run.exit_code == 3 and "git:HEAD: not inside a git repository" in run.stderr


def test_unreadable_sources_exit_3(tmp_path: Path) -> None:
    run = _run(str(tmp_path / "missing"), str(tmp_path))
    assert run.exit_code == 3 and "not a folder of schemas" in run.stderr
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.schema.json").write_text("{not json")
    run = _run(str(tmp_path / "bad"), str(ROOT / "schemas"))
    assert run.exit_code == 3 and "x.schema.json: not valid JSON" in run.stderr


def test_replay_that_contradicts_a_safe_verdict_is_reported_loudly() -> None:
    result = DiffResult("old", "new", "consumer", [], ["push"])
    _reconcile(result, Replay("push", reverse_total=10, reverse_rejected=4))
    assert result.disagreements == [
        "push: the rules found no widening change, but 4 of 10 payloads valid under NEW are "
        "rejected by OLD"
    ]
    assert result.worst() == "breaking"
    assert result.changes[0].rule == "replay-contradicts-verdict"


def test_an_unresolvable_ref_exits_3_naming_file_and_ref(tmp_path: Path) -> None:
    (tmp_path / "x.schema.json").write_text('{"properties": {"a": {"$ref": "gone.schema.json"}}}')
    run = _run(str(tmp_path), str(tmp_path))
    assert run.exit_code == 3
    assert "x.schema.json: cannot resolve $ref 'gone.schema.json'" in run.stderr
