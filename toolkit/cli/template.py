"""`quay-contract template check|render`: Quay webhook body templates, checked and rendered."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from toolkit.cli.exits import EXIT_CODES_HELP, EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, InputError

F = TypeVar("F", bound=Callable[..., Any])

CHECK_HELP = (
    "TEMPLATE is a file holding a template (the JSON text pasted into Quay's \"POST JSON body "
    'template" field), - for stdin, or a saved notification list (`GET /api/v1/repository/'
    "<repo>/notification/`), recognised by its shape: then every webhook in it is checked "
    "against its own event.\n\n"
    "Exit codes: 0 no finding at --fail-on or above; 1 findings; 2 usage error; 3 input could "
    "not be checked (unreadable file, unknown event, jsonpath-rw missing); 4 internal error."
)
RENDER_HELP = (
    "PAYLOAD is any input `validate` reads (JSON, NDJSON, HAR, HTTP dumps, capture envelopes); "
    "without one, the template is rendered over the events' examples, test notifications and "
    "generated payloads.\n\n" + EXIT_CODES_HELP
)


@click.group("template")
def template_command() -> None:
    """Check and render Quay webhook body templates exactly as Quay does (jsonpath-rw 1.4.0)."""


def _common(func: F) -> F:
    func = click.option(
        "--quay-version",
        metavar="X.Y[.Z]",
        help="Check for one Quay release (default: every release from 3.4 on).",
    )(func)
    func = click.option(
        "--samples",
        type=click.IntRange(min=0),
        default=20,
        show_default=True,
        help="Generated payloads per event to render.",
    )(func)
    func = click.option("--seed", type=int, default=0, show_default=True, help="Fuzz seed.")(func)
    return click.option(
        "--event",
        "events",
        multiple=True,
        metavar="NAME",
        help="An event the template is for (repeatable), or `all`.",
    )(func)


def engine_ready() -> None:
    """Stop with exit 3 unless jsonpath-rw 1.4 and ply 3.11 are installed."""
    from toolkit.templates.jsonpath import EngineVersionError, MissingEngineError, check_engine

    try:
        check_engine()
    except (MissingEngineError, EngineVersionError) as exc:
        raise InputError(str(exc)) from None


def chosen_events(events: tuple[str, ...]) -> tuple[str, ...]:
    """`--event` values checked; `all` means every event."""
    from toolkit.contract.registry import EVENTS, check_event

    if "all" in events:
        return EVENTS
    return tuple(dict.fromkeys(check_event(e) for e in events))


def release(quay_version: str | None) -> tuple[Any, str]:
    """(version tuple or None, family name or `all`) for `--quay-version`."""
    from toolkit.templates.releases import UnknownReleaseError, family, parse_version

    if quay_version is None:
        return None, "all"
    try:
        version = parse_version(quay_version)
        return version, family(version).name
    except UnknownReleaseError as exc:
        raise click.BadParameter(str(exc), param_hint="--quay-version") from None


def read_input(path: str) -> bytes:
    """The bytes of a file, or of stdin for `-`."""
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as handle:
        return handle.read()


@template_command.command("check", epilog=CHECK_HELP)
@click.argument("templates", nargs=-1, required=True, metavar="TEMPLATE...")
@_common
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding of this severity or worse is found.",
)
@click.option("--no-render", is_flag=True, help="Static checks only: render no payloads.")
@click.option(
    "--input-format",
    type=click.Choice(["auto", "template", "notifications"]),
    default="auto",
    show_default=True,
    help="Force how TEMPLATE is read instead of recognising it.",
)
@click.option("-v", "--verbose", is_flag=True, help="Text: show the rendered types per site.")
@click.pass_context
def check_command(
    ctx: click.Context,
    templates: tuple[str, ...],
    events: tuple[str, ...],
    quay_version: str | None,
    samples: int,
    seed: int,
    fmt: str,
    fail_on: str,
    no_render: bool,
    input_format: str,
    verbose: bool,
) -> None:
    """Check templates against the events they are for: paths, types, crashes, Quay's answers."""
    import orjson

    from toolkit.cli import _render_template
    from toolkit.templates import output
    from toolkit.templates.check import EventGivenError, NeedsEventError, Options, Result, check
    from toolkit.templates.rules import Severity

    engine_ready()
    version, family_name = release(quay_version)
    options = Options(
        chosen_events(events),
        version,
        samples,
        seed,
        not no_render,
        input_format,  # type: ignore[arg-type]
    )
    results: list[Result] = []
    for path in templates:
        source = "<stdin>" if path == "-" else path
        try:
            data = read_input(path)
        except OSError as exc:
            results.append(Result(source, problem=f"cannot read: {exc.strerror}"))
            continue
        try:
            results.extend(check(data, source, options))
        except (NeedsEventError, EventGivenError) as exc:
            raise click.UsageError(str(exc)) from None
    threshold: Severity = "warning" if fail_on == "warning" else "error"
    if fmt == "json":
        report = output.as_json(results, threshold, family_name)
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif fmt == "sarif":
        sys.stdout.write(orjson.dumps(output.sarif(results), option=orjson.OPT_INDENT_2).decode())
        sys.stdout.write("\n")
    elif fmt == "github":
        for line in output.github(results):
            sys.stdout.write(line + "\n")
    else:
        _render_template.check_report(results, threshold, family_name, verbose=verbose)
    state = output.status(results, threshold)
    ctx.exit({"pass": EXIT_OK, "fail": EXIT_FINDINGS, "error": EXIT_UNREADABLE}[state])


@template_command.command("render", epilog=RENDER_HELP)
@click.argument("template", metavar="TEMPLATE")
@click.argument("payloads", nargs=-1, metavar="[PAYLOAD]...")
@_common
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "body"]),
    default="text",
    show_default=True,
    help="`body`: only the bodies, one per line, exactly as Quay sends them.",
)
@click.pass_context
def render_command(
    ctx: click.Context,
    template: str,
    payloads: tuple[str, ...],
    events: tuple[str, ...],
    quay_version: str | None,
    samples: int,
    seed: int,
    fmt: str,
) -> None:
    """Print the bodies Quay would POST, byte for byte, and the JSON types each site renders to."""
    from toolkit.cli import _render_template
    from toolkit.templates import corpus, dynamic
    from toolkit.templates.releases import family

    engine_ready()
    version, _ = release(quay_version)
    try:
        data = read_input(template)
        text = data.decode("utf-8")
    except OSError as exc:
        raise InputError(f"{template}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{template}: not UTF-8 (byte {exc.start})") from None
    chosen = chosen_events(events)
    if payloads:
        items, problems = _payload_items(payloads)
    elif chosen:
        items, problems = list(corpus.items(chosen, samples, seed)), []
    else:
        raise click.UsageError("give PAYLOAD files, or --event NAME (repeatable) or --event all")
    chosen_family = family(version)
    found = dynamic.survey(text, items, chosen_family)
    _render_template.render_report(found, fmt, chosen_family.name, problems)
    if found.crashes:
        ctx.exit(EXIT_FINDINGS)
    ctx.exit(EXIT_UNREADABLE if problems else EXIT_OK)


def _payload_items(paths: tuple[str, ...]) -> tuple[list[Any], list[str]]:
    from toolkit.inputs import read_paths
    from toolkit.templates.corpus import Item

    items, problems = [], []
    for record in read_paths(paths):
        if record.problem is not None:
            problems.append(f"{record.where}: {record.problem}")
        else:
            items.append(Item(record.where, record.event, record.payload))
    return items, problems
