"""mkdocs hook: publish `schemas/` with the site, at `/schemas/<file>`.

Each schema's `$id` is `site_url` + `schemas/<file>`, so the published file is where its `$id`
points. The files are served straight from `schemas/`; nothing is copied into `docs/`.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

URL_DIR = "schemas"


def schema_dir(config: MkDocsConfig) -> Path:
    """`schemas/` beside mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent / "schemas"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every `*.schema.json` as a static file under `schemas/`."""
    root = schema_dir(config)
    for path in sorted(root.rglob("*.schema.json")):
        uri = f"{URL_DIR}/{path.relative_to(root).as_posix()}"
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_serve(server, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
    """`mkdocs serve` rebuilds when a schema changes."""
    server.watch(str(schema_dir(config)))
    return server
