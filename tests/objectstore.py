"""An S3 stand-in on 127.0.0.1 for tests: moto's server, found by s3fs through the standard
AWS environment variables (AWS_ENDPOINT_URL_S3 and the access keys), as a user's would be."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def s3_server() -> Iterator[Any]:
    """Serve S3 on a free loopback port with the environment pointing at it; yields an
    s3fs filesystem with a bucket `lake`. The environment is restored afterwards."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    # Every moto server in one process shares one in-memory store: start from an empty one.
    import requests

    requests.post(f"http://127.0.0.1:{port}/moto-api/reset", timeout=10).raise_for_status()
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{port}",
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    try:
        fs = s3fs.S3FileSystem()
        fs.mkdir("lake")
        yield fs
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()
