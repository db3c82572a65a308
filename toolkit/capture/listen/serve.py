"""Run the recorder: bind, serve until cancelled, flush captures on the way out."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from toolkit.capture.listen.app import Log, build_server
from toolkit.capture.listen.config import ListenConfig
from toolkit.capture.recorder import CaptureWriter


def ssl_context(config: ListenConfig) -> ssl.SSLContext | None:
    """A server TLS context from the cert/key, requiring client certs when a CA is given."""
    if config.certfile is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.certfile, config.keyfile)
    if config.client_ca is not None:
        context.load_verify_locations(cafile=config.client_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


@dataclass
class Running:
    """A started recorder."""

    runner: web.BaseRunner
    writer: CaptureWriter
    urls: list[str]

    async def stop(self) -> None:
        """Stop accepting, finish in-flight requests, then close the capture file."""
        await self.runner.cleanup()
        await self.writer.aclose()


async def start(config: ListenConfig, log: Log) -> Running:
    """Bind and start serving; the returned URLs carry the real port (for `--port 0`)."""
    context = ssl_context(config)
    writer = CaptureWriter(config.out, max_bytes=config.rotate_bytes, fsync=config.fsync)
    runner = web.ServerRunner(build_server(config, writer, log), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port, ssl_context=context, backlog=1024)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        await writer.aclose()
        raise
    scheme = "https" if context else "http"
    urls = []
    for address in runner.addresses:
        host, port = address[0], address[1]
        urls.append(f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}")
    return Running(runner, writer, urls)


async def serve(config: ListenConfig, log: Log, ready: Callable[[Running], None]) -> None:
    """Serve until cancelled (Ctrl-C / SIGTERM), then shut down cleanly."""
    running = await start(config, log)
    try:
        ready(running)
        await asyncio.Event().wait()
    finally:
        await running.stop()
