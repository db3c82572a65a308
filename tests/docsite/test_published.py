"""The site publishes the machine-readable contract at the addresses it claims.

Schemas (`_common/` included) and the toolkit's formats at their `$id`s, and the AsyncAPI and
OpenAPI exports at `/asyncapi.json` and `/openapi.json`: each is fetched from the built site
served on loopback and compared byte for byte with its source. Every address inside the exports
that points into the site names a page or file that the build produced.
"""

from __future__ import annotations

import importlib.util
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.conftest import ROOT
from tests.docsite.conftest import site_url


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("schemas_hook", ROOT / "docs/_hooks/schemas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def published() -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = load_hook().published(ROOT)
    return out


def test_the_hook_publishes_every_schema_format_and_export() -> None:
    urls = {url for url, _ in published()}
    sources = [
        *(ROOT / "schemas").rglob("*.schema.json"),
        *(ROOT / "toolkit/formats").glob("*.schema.json"),
    ]
    assert len(urls) == len(sources) + 2
    assert {"asyncapi.json", "openapi.json", "schemas/_common/types.schema.json"} <= urls
    assert "formats/capture-envelope.schema.json" in urls
    for url, path in published():
        if url.endswith(".schema.json"):
            assert json.loads(path.read_bytes())["$id"] == site_url() + url


def test_each_published_file_is_served_byte_for_byte(site: Path, server: str) -> None:
    for url, path in published():
        assert (site / url).read_bytes() == path.read_bytes(), url
        with urllib.request.urlopen(server + url, timeout=10) as response:
            assert response.status == 200, url
            assert response.read() == path.read_bytes(), url


def addresses(node: Any) -> Iterator[str]:
    """Every `url` value in a document (externalDocs, license ...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url" and isinstance(value, str):
                yield value
            else:
                yield from addresses(value)
    elif isinstance(node, list):
        for item in node:
            yield from addresses(item)


def test_every_site_address_in_the_exports_exists_in_the_build(site: Path) -> None:
    checked = set()
    for name in ("asyncapi", "openapi"):
        document = json.loads((ROOT / "generated" / f"{name}.json").read_bytes())
        for url in addresses(document):
            if not url.startswith(site_url()):
                continue
            path = url.removeprefix(site_url()).split("#", 1)[0]
            target = site / path / "index.html" if path.endswith("/") or not path else site / path
            assert target.is_file(), (name, url)
            checked.add(path)
    assert len(checked) >= 13 + 19  # every event page, every schema file
