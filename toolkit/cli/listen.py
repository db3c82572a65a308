"""`quay-contract listen`: receive Quay webhooks, validate each on arrival, record it durably."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from toolkit.capture.listen.config import MIB, ListenConfig
from toolkit.cli._options import max_body_option
from toolkit.cli._versions import checked, quay_version_option
from toolkit.cli.exits import EXIT_CODES_HELP
from toolkit.inputs.limits import LISTEN_MAX_BODY

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("listen", epilog=EXIT_CODES_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=8080,
    type=click.IntRange(0, 65535),
    show_default=True,
    help="Port to bind (0: any free one).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("captures"),
    show_default=True,
    help="Directory for the NDJSON capture files.",
)
@click.option("--reject-invalid", is_flag=True, help="Answer 422 to contract violations.")
@max_body_option(
    LISTEN_MAX_BODY,
    "Body limit, after decompression (413); e.g. 1048576 or 4MiB (default 1 MiB). The same "
    "limit as `validate --max-body`, whose default is higher.",
)
@click.option("--body-timeout", default=10.0, show_default=True, help="Seconds per body (408).")
@click.option("--max-header-size", default=8190, show_default=True, help="Bytes per header.")
@click.option(
    "--rotate-mb",
    default=64,
    type=click.IntRange(min=1),
    show_default=True,
    help="Start a new capture file at this size.",
)
@click.option(
    "--path-token",
    help="Accept webhooks (and serve the status pages) only under /TOKEN/...; never recorded.",
)
@click.option("--certfile", type=_FILE, help="Serve HTTPS with this certificate (PEM).")
@click.option("--keyfile", type=_FILE, help="The certificate's private key (PEM).")
@click.option("--client-ca", type=_FILE, help="Require client certificates signed by this CA.")
@click.option("--quiet", is_flag=True, help="Do not log one line per request.")
@quay_version_option
def listen_command(**options: object) -> None:
    """Receive Quay's webhook POSTs, validate each, and record it to NDJSON captures.

    Point each Quay notification at http://HOST:PORT/quay/<event> (one URL per event tells the
    event; any other path is detected from the body). Every well-formed delivery gets 200 so
    Quay never disables the webhook; a request is answered only after its capture is fsynced.
    GET / shows counts per event, verdict and status; GET /healthz is for probes (with
    --path-token both live under /TOKEN/). One log line per answer on stderr, secrets redacted.
    Secret-bearing headers and query values, URL passwords and the path token are never
    recorded; the recorder recovers by itself from a full disk or a deleted capture directory.
    """
    config = _config(options)
    try:
        import uvloop
    except ImportError:
        asyncio.run(_main(config))
    else:
        uvloop.run(_main(config))


def _config(options: dict[str, object]) -> ListenConfig:
    if (options["certfile"] is None) != (options["keyfile"] is None):
        raise click.UsageError("--certfile and --keyfile go together")
    if options["client_ca"] is not None and options["certfile"] is None:
        raise click.UsageError("--client-ca needs --certfile and --keyfile")
    token = options["path_token"]
    if token is not None and (not isinstance(token, str) or not token or "/" in token):
        raise click.UsageError("--path-token must be a non-empty path segment")
    rotate = options["rotate_mb"]
    assert isinstance(rotate, int)
    return ListenConfig(
        host=str(options["host"]),
        port=int(str(options["port"])),
        out=Path(str(options["out"])),
        reject_invalid=bool(options["reject_invalid"]),
        max_body=int(str(options["max_body"])),
        body_timeout=float(str(options["body_timeout"])),
        max_header_size=int(str(options["max_header_size"])),
        rotate_bytes=rotate * MIB,
        path_token=token if isinstance(token, str) else None,
        certfile=options["certfile"] if isinstance(options["certfile"], Path) else None,
        keyfile=options["keyfile"] if isinstance(options["keyfile"], Path) else None,
        client_ca=options["client_ca"] if isinstance(options["client_ca"], Path) else None,
        quiet=bool(options["quiet"]),
        quay_version=checked(version)
        if isinstance(version := options["quay_version"], str)
        else None,
    )


def _log(message: str) -> None:
    stamp = datetime.now(UTC).strftime("%H:%M:%S")
    sys.stderr.write(f"{stamp} {message}\n")


async def _main(config: ListenConfig) -> None:
    from toolkit.capture.listen.serve import Running, serve

    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)

    def ready(running: Running) -> None:
        where = ", ".join(running.urls)
        token = "/<token>" if config.path_token else ""
        _log(f"listening on {where} (POST {token}/quay/<event>); captures in {config.out}/")
        sys.stderr.flush()

    try:
        await serve(config, _log, ready)
    except asyncio.CancelledError:
        _log("stopped; captures flushed")
