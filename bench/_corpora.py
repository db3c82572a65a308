"""Corpora for bench/validate.py: a mixed-event NDJSON file and a directory of payloads.

Deterministic for a given `random.seed`: every line or file is a distinct but valid copy of a
contract example (fresh build ids, a numbered tag), with the contract's invalid cases mixed in.
"""

from __future__ import annotations

import copy
import json
import random
import uuid
from pathlib import Path
from typing import Any

import orjson

from toolkit import contract
from toolkit.contract.registry import EVENTS

ROOT = Path(__file__).resolve().parent.parent
INVALID_EVERY = 10_000
"""One invalid payload per this many lines in the NDJSON corpus (each is explained in detail)."""


def invalid_cases(event: str | None = None) -> list[Any]:
    base = ROOT / "tests" / "data" / "invalid"
    paths = sorted(base.glob(f"{event or '*'}/*.json"))
    return [json.loads(p.read_text())["payload"] for p in paths]


def vary(payload: dict[str, Any], i: int) -> dict[str, Any]:
    """A distinct but still valid copy: fresh build ids, a numbered tag."""
    out = copy.deepcopy(payload)
    old = out.get("build_id")
    if isinstance(old, str) and len(old) == 36:
        new = str(uuid.UUID(int=random.getrandbits(128), version=4))
        out["build_id"] = new
        if isinstance(out.get("homepage"), str):
            out["homepage"] = out["homepage"].replace(old, new)
    for key in ("updated_tags", "docker_tags"):
        if isinstance(out.get(key), list) and out[key]:
            out[key] = [f"v{i}", *out[key][1:]]
    return out


def build_ndjson(path: Path, lines: int) -> int:
    """Mixed events, each line distinct (fresh build ids, a numbered tag), a few invalid."""
    templates = []
    for event in EVENTS:
        for payload in contract.examples(event):
            raw = orjson.dumps(payload)
            old = payload.get("build_id")
            templates.append(
                (raw, old.encode() if isinstance(old, str) and len(old) == 36 else None)
            )
    bad = [orjson.dumps(p) for p in invalid_cases()]
    invalid = 0
    with path.open("wb") as f:
        buf = []
        for i in range(lines):
            if i % INVALID_EVERY == INVALID_EVERY - 1:
                buf.append(bad[invalid % len(bad)])
                invalid += 1
                continue
            raw, old = templates[i % len(templates)]
            if old is not None:
                raw = raw.replace(
                    old, str(uuid.UUID(int=random.getrandbits(128), version=4)).encode()
                )
            for key in (b'"updated_tags":["', b'"docker_tags":["'):
                raw = raw.replace(key, key + b'v%d","' % i)
            buf.append(raw)
            if len(buf) >= 10_000:
                f.write(b"\n".join(buf) + b"\n")
                buf = []
        if buf:
            f.write(b"\n".join(buf) + b"\n")
    return invalid


def build_directory(path: Path, files: int) -> set[str]:
    """build_success files, 2% invalid: the contract's invalid cases plus 15 invalid URIs."""
    path.mkdir()
    good = contract.examples("build_success")
    bad = invalid_cases("build_success")
    invalid: set[str] = set()
    step = files // 200
    for i in range(files):
        name = f"{i:06}.json"
        if i % step == step - 1 and len(invalid) < 200:
            k = len(invalid)
            if k < 15:  # matches every pattern, but is not a URI: only format checks catch it
                payload = vary(good[0], i)
                payload["homepage"] = payload["homepage"].replace("/build/", f"/x|{k}/build/")
            else:
                payload = bad[k % len(bad)]
            invalid.add(name)
        else:
            payload = vary(good[i % len(good)], i)
        (path / name).write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    return invalid
