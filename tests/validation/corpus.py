"""A mixed capture corpus for engine tests: several files and formats, invalid lines among them.

Built from the contract's examples, the bodies each Quay release sends (tests/data/releases: many
version fingerprints) and tests/data/invalid, deterministically (a seeded RNG).
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import orjson

from tests.conftest import DATA, ROOT
from toolkit import contract
from toolkit.contract.registry import EVENTS


def valid_payloads() -> list[Any]:
    return [p for e in EVENTS for p in contract.examples(e)]


def invalid_payloads() -> list[Any]:
    paths = sorted((DATA / "invalid").glob("*/*.json"))
    return [json.loads(p.read_text())["payload"] for p in paths]


def release_bodies() -> list[bytes]:
    """The exact bodies each Quay release sends (tests/data/releases), test notifications
    included: together they have many different version fingerprints."""
    index = json.loads((DATA / "releases" / "index.json").read_text(encoding="utf-8"))
    return [(DATA / "releases" / f["file"]).read_bytes().strip() for f in index["files"]]


def captured_bodies() -> list[bytes]:
    """The bodies captured from real senders (tests/data/captured), each as a compact line."""
    paths = sorted((DATA / "captured").glob("*/*.json"))
    return [orjson.dumps(json.loads(p.read_text())["payload"]) for p in paths]


def ndjson_lines(count: int, seed: int) -> list[bytes]:
    """`count` lines: mostly valid payloads (every 5th a body of some Quay release); every 97th
    invalid, every 401st not JSON, a test notification and a blank line now and then."""
    rng = random.Random(seed)
    valid, invalid, released = valid_payloads(), invalid_payloads(), release_bodies()
    notes = [p for e in EVENTS for p in contract.test_notification_examples(e)]
    lines = []
    for i in range(count):
        if i % 401 == 400:
            lines.append(b'{"repository": "ns/r", "truncated": ')
        elif i % 97 == 50:
            lines.append(orjson.dumps(rng.choice(invalid)))
        elif i % 211 == 3:
            lines.append(orjson.dumps(rng.choice(notes)))
        elif i % 503 == 7:
            lines.append(b"")
        elif i % 5 == 1:
            lines.append(rng.choice(released))
        else:
            lines.append(orjson.dumps(rng.choice(valid)))
    return lines


def write_corpus(root: Path, *, big_lines: int = 3000) -> Path:
    """Write the corpus under `root`; returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "a-big.ndjson").write_bytes(b"\n".join(ndjson_lines(big_lines, 1)) + b"\n")
    (root / "b-more.jsonl").write_bytes(b"\n".join(ndjson_lines(big_lines // 3, 2)) + b"\n")
    packed = b"\n".join(ndjson_lines(500, 3)) + b"\n"
    (root / "c-packed.ndjson.gz").write_bytes(gzip.compress(packed, mtime=0))
    (root / "d-captures.ndjson").write_bytes(
        (ROOT / "samples" / "listen-capture.ndjson").read_bytes()
    )
    small = root / "e-small"
    small.mkdir(exist_ok=True)
    for i, payload in enumerate(valid_payloads()[:20] + invalid_payloads()[:5]):
        (small / f"{i:03}.json").write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    return root


def write_table(
    path: Path, lines: list[bytes], *, column: str = "body", **extra: list[Any]
) -> None:
    """A Parquet (or, by suffix, Arrow) file with one row per NDJSON line."""
    import pyarrow as pa
    import pyarrow.feather
    import pyarrow.parquet as pq

    table = pa.table({column: [line.decode() for line in lines], **extra})
    if path.suffix == ".parquet":
        pq.write_table(table, path, row_group_size=max(1, len(lines) // 3))
    else:
        pyarrow.feather.write_feather(table, path, compression="uncompressed")
