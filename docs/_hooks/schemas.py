"""mkdocs hook: publish the machine-readable contract with the site, each file where its address
points.

- `schemas/**/*.schema.json` at `/schemas/<file>` (each schema's `$id` is `site_url` +
  `schemas/<file>`), `_common/` included;
- `toolkit/formats/*.schema.json`, the toolkit's own report and capture formats, at
  `/formats/<file>` (their `$id`s);
- `generated/asyncapi.json` and `generated/openapi.json` at `/asyncapi.json` and `/openapi.json`.

The files are served straight from where they live; nothing is copied into `docs/`.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

FOLDERS = (("schemas", "schemas"), ("toolkit/formats", "formats"))
"""(folder beside mkdocs.yml, URL folder): every `*.schema.json` below it is published."""
DOCUMENTS = (
    ("generated/asyncapi.json", "asyncapi.json"),
    ("generated/openapi.json", "openapi.json"),
)
"""(file beside mkdocs.yml, URL): the exports for other ecosystems."""


def project_root(config: MkDocsConfig) -> Path:
    """The folder of mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent


def published(root: Path) -> list[tuple[str, Path]]:
    """(URL path, source file) for everything this hook publishes, in a stable order."""
    out = []
    for folder, url in FOLDERS:
        base = root / folder
        out += [
            (f"{url}/{p.relative_to(base).as_posix()}", p)
            for p in sorted(base.rglob("*.schema.json"))
        ]
    out += [(url, root / rel) for rel, url in DOCUMENTS]
    return out


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every published file as a static file at its URL path."""
    for uri, path in published(project_root(config)):
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `quay-contract regenerate`")
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_serve(server, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
    """`mkdocs serve` rebuilds when a published file changes."""
    root = project_root(config)
    for folder, _ in FOLDERS:
        server.watch(str(root / folder))
    for rel, _ in DOCUMENTS:
        server.watch(str(root / rel))
    return server
