"""`quay-contract diff OLD [NEW]`: classify schema changes for consumers or producers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from toolkit.cli._render import print_diff
from toolkit.cli.exits import EXIT_CODES_HELP, EXIT_FINDINGS, InputError

DIFF_HELP = (
    "OLD and NEW are schema folders or `git:REF` (`schemas/` at REF of this repository; "
    "`git:@release` is the last `v*` tag, or the first commit with schemas). NEW defaults to the "
    "working tree's `schemas/`. " + EXIT_CODES_HELP
)


@click.command("diff", epilog=DIFF_HELP)
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--role",
    type=click.Choice(["consumer", "producer", "both"]),
    default="consumer",
    show_default=True,
    help="Whose breakage counts: consumers (receivers) or producers (senders) of payloads.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "github", "junit"]),
    default="text",
    show_default=True,
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "warning", "any"]),
    default="breaking",
    show_default=True,
    help="Exit 1 when a change at or above this severity is found.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Fuzzed payloads per changed event and side for the replay evidence (0: none).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the fuzzer.")
@click.option("--no-evidence", is_flag=True, help="Skip the replay (rules only).")
@click.option(
    "--evidence-budget",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Time for the replay evidence (0: no limit); the report says what was cut.",
)
@click.option(
    "--evidence-max-schema",
    type=click.IntRange(min=0),
    default=256 * 1024,
    show_default=True,
    metavar="BYTES",
    help="(Sub-)schemas larger than this are not fuzzed for evidence, and at most 64 values "
    "of an enum are probed; the report says so.",
)
@click.option(
    "--test-data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of test payloads (`**/<event>/*.json`); default tests/data when present.",
)
@click.option(
    "--ignore-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accepted breaks (TOML); default .quay-contract-diff-ignore.toml when present.",
)
@click.option(
    "--changelog",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Accept breaks announced with **BREAKING** in this file's Unreleased Schemas section.",
)
def diff_command(
    old: str,
    new: str | None,
    role: str,
    fmt: str,
    fail_on: str,
    samples: int,
    seed: int,
    no_evidence: bool,
    evidence_budget: float,
    evidence_max_schema: int,
    test_data: Path | None,
    ignore_file: Path | None,
    changelog: Path | None,
) -> None:
    """Classify every difference between two contract versions as breaking, warning or info."""
    from toolkit.contract.schemaset import SchemaSetError, load
    from toolkit.diff import accept as diff_accept
    from toolkit.diff import evidence as diff_evidence
    from toolkit.diff.classify import diff_sets

    try:
        old_set = load(old)
        new_set = load(new or str(_working_tree()))
        result = diff_sets(old_set, new_set, role)
        if not no_evidence:
            data = test_data or (Path("tests/data") if Path("tests/data").is_dir() else None)
            opts = diff_evidence.Options(
                samples=samples,
                seed=seed,
                test_data=data,
                budget_seconds=evidence_budget or None,
                max_schema_bytes=evidence_max_schema,
            )
            diff_evidence.gather(result, old_set, new_set, opts)
        ignore = ignore_file or Path(diff_accept.DEFAULT_IGNORE_FILE)
        if ignore_file or ignore.is_file():
            diff_accept.apply_ignore_file(result, diff_accept.load_ignore_file(ignore))
        if changelog is not None:
            text = changelog.read_text(encoding="utf-8")
            for event in diff_accept.apply_changelog(result, text, changelog.name):
                result.notes.append(
                    f"breaking change to {event} is not announced in {changelog}: add a line "
                    f"with `{diff_accept.MARK}` naming {event} under [Unreleased] / Schemas"
                )
    except (SchemaSetError, diff_accept.AcceptFileError) as exc:
        raise InputError(str(exc)) from None
    print_diff(result, fmt)
    if result.fails(fail_on):
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _working_tree() -> Path:
    """`schemas/` of the repository around the current directory, else the installed contract."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        top = None
    if top is not None and top.returncode == 0 and (Path(top.stdout.strip()) / "schemas").is_dir():
        return Path(top.stdout.strip()) / "schemas"
    from toolkit.contract.registry import schema_dir

    return schema_dir()
