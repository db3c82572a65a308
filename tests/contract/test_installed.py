"""toolkit.contract.installed reads what registry reads, without pathlib or orjson: the same
files in the same order, the same checksum, the same release list."""

from __future__ import annotations

import zlib
from pathlib import Path

from toolkit.contract import installed
from toolkit.contract.registry import load_file, schema_dir, schema_files
from toolkit.contract.releases import FILE, known


def test_the_schema_files_are_those_registry_lists_in_its_order() -> None:
    base = schema_dir()
    listed = [p.relative_to(base).as_posix() for p in schema_files()]
    assert installed.schema_names() == listed
    assert any("/" in name for name in listed)  # the shared definitions, in a folder
    assert Path(installed.schema_root()).resolve() == base.resolve()


def test_the_checksum_covers_names_and_bytes(tmp_path: Path) -> None:
    crc = 0
    for path in schema_files():
        crc = zlib.crc32(path.relative_to(schema_dir()).as_posix().encode(), crc)
        crc = zlib.crc32(path.read_bytes(), crc)
    assert installed.raw_digest() == f"crc32:{crc:08x}"
    (tmp_path / "a.schema.json").write_text("{}")
    first = installed.raw_digest(str(tmp_path))
    (tmp_path / "a.schema.json").rename(tmp_path / "b.schema.json")
    assert installed.raw_digest(str(tmp_path)) != first  # a renamed file changes it too


def test_the_release_list_is_the_schema_enum() -> None:
    assert known() == tuple(str(v) for v in load_file(schema_dir() / FILE)["enum"])
