"""Each framework's app around one Receiver, its own test client, and a real server in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from toolkit.receive import Receiver

FRAMEWORKS = ("fastapi", "starlette", "flask", "django")
Post = Callable[[str, bytes, dict[str, str]], tuple[int, dict[str, Any], dict[str, str]]]


def django_setup() -> None:
    """Configure Django once per process; the URLconf is `tests.receive.django_urls`."""
    from django.conf import settings

    if not settings.configured:
        import django

        settings.configure(
            ROOT_URLCONF="tests.receive.django_urls",
            ALLOWED_HOSTS=["*"],
            SECRET_KEY="tests-only",
            MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
            LOGGING_CONFIG=None,
            USE_TZ=True,
        )
        django.setup()


def app(framework: str, receiver: Receiver, path: str = "/quay") -> Any:
    """The framework's app serving `receiver` at `path` (ASGI or WSGI)."""
    if framework == "fastapi":
        from fastapi import FastAPI

        from toolkit.receive.fastapi import router

        api = FastAPI()
        api.include_router(router(receiver, path))
        return api
    if framework == "starlette":
        from starlette.applications import Starlette

        from toolkit.receive.starlette import routes

        return Starlette(routes=routes(receiver, path))
    if framework == "flask":
        import flask

        from toolkit.receive.flask import blueprint

        web = flask.Flask(__name__)
        web.register_blueprint(blueprint(receiver, path))
        return web
    django_setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import clear_url_caches

    from tests.receive import django_urls
    from toolkit.receive.django import urls

    django_urls.urlpatterns[:] = urls(receiver, path)
    clear_url_caches()
    return WSGIHandler()


def client(framework: str, receiver: Receiver, path: str = "/quay") -> Post:
    """POST through the framework's own test client: (status, JSON body, headers)."""
    web = app(framework, receiver, path)
    if framework in ("fastapi", "starlette"):
        from starlette.testclient import TestClient

        test = TestClient(web)

        def post_starlette(url: str, body: bytes, headers: dict[str, str]) -> Any:
            r = test.post(url, content=body, headers=headers)
            return (
                r.status_code,
                r.json() if "json" in r.headers.get("content-type", "") else {},
                {k.lower(): v for k, v in r.headers.items()},
            )

        return post_starlette
    if framework == "flask":
        flask_client = web.test_client()

        def post_flask(url: str, body: bytes, headers: dict[str, str]) -> Any:
            r = flask_client.post(url, data=body, headers=headers)
            return (
                r.status_code,
                r.get_json(silent=True) or {},
                {k.lower(): v for k, v in r.headers.items()},
            )

        return post_flask
    from django.test import Client

    django_client = Client()

    def post_django(url: str, body: bytes, headers: dict[str, str]) -> Any:
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        r = django_client.post(url, data=body, content_type=kind, headers=extra)
        return (
            r.status_code,
            r.json() if "json" in r.headers.get("content-type", "") else {},
            {k.lower(): v for k, v in r.headers.items()},
        )

    return post_django


@dataclass
class Running:
    url: str
    stop: Callable[[], None]


@contextmanager
def server(framework: str, receiver: Receiver, path: str = "/quay") -> Iterator[str]:
    """A real HTTP server on a free loopback port in a thread: uvicorn for the ASGI apps,
    werkzeug's for Flask, Django's threaded WSGI server; yields its base URL."""
    web = app(framework, receiver, path)
    if framework in ("fastapi", "starlette"):
        import uvicorn

        config = uvicorn.Config(web, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        uv = uvicorn.Server(config)
        thread = threading.Thread(target=uv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not uv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = uv.servers[0].sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            uv.should_exit = True
            thread.join(10)
        return
    if framework == "flask":
        from werkzeug.serving import make_server

        wsgi = make_server("127.0.0.1", 0, web, threaded=True)
    else:
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

        class Quiet(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

        wsgi = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
        wsgi.set_app(web)
    thread = threading.Thread(target=wsgi.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{wsgi.server_address[1]}"
    finally:
        wsgi.shutdown()
        wsgi.server_close()
        thread.join(10)
