"""A set of schema files from a folder or a git revision, independent of the installed contract.

`quay-contract diff` compares two such sets. A set is addressed as a folder path, or as `git:REF`
(the `schemas/` folder at REF of the current repository). `git:@release` is the last release: its
tag (`v*`), or, in a clone without tags, the commit that added the newest release heading to
CHANGELOG.md; before the first release, the first commit that added `schemas/`.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from toolkit.contract import wellformed
from toolkit.contract.registry import SUFFIX, Schema

GIT_PREFIX = "git:"
BASELINE = "@release"
SCHEMAS = "schemas"
CHANGELOG = "CHANGELOG.md"
TEST_NOTIFICATION = "test_notification"


class SchemaSetError(Exception):
    """A schema set could not be read (bad folder, bad JSON, unknown revision, shallow clone)."""


@dataclass(frozen=True)
class SchemaSet:
    """Schema files keyed by their path relative to the set's root (`build_success.schema.json`)."""

    label: str
    files: dict[str, Schema] = field(repr=False)

    @cached_property
    def by_id(self) -> dict[str, Schema]:
        """Every file under its `$id` (a file without one gets a stable `urn:` id)."""
        return {self.uri(rel): schema for rel, schema in self.files.items()}

    def uri(self, rel: str) -> str:
        """The `$id` of one file."""
        return str(self.files[rel].get("$id") or f"urn:quay-contract:{rel}")

    @cached_property
    def events(self) -> dict[str, str]:
        """Event name -> file: each top-level `<event>.schema.json` (not the shared `_common/`)."""
        return {rel[: -len(SUFFIX)]: rel for rel in sorted(self.files) if "/" not in rel}

    def raw(self, event: str) -> Schema:
        """An event's schema as written."""
        return self.files[self.events[event]]

    @cached_property
    def _registry(self) -> Any:
        from toolkit.contract.resolve import build_registry

        return build_registry(self.by_id)

    def inlined(self, event: str) -> Schema:
        """An event's schema with every `$ref` inlined (annotations kept)."""
        from referencing.exceptions import Unresolvable

        from toolkit.contract.resolve import UnresolvableRefError, inline

        schema = dict(self.raw(event))
        schema.setdefault("$id", self.uri(self.events[event]))
        where = f"{self.label}: {self.events[event]}"
        try:
            inlined = inline(schema, self._registry)
        except (Unresolvable, UnresolvableRefError) as exc:
            raise SchemaSetError(f"{where}: cannot resolve $ref {exc.ref!r}") from None
        if wellformed.depth(inlined) > wellformed.MAX_DEPTH:
            limit = wellformed.MAX_DEPTH
            raise SchemaSetError(f"{where}: with its $refs inlined it nests deeper than {limit}")
        return inlined

    @cached_property
    def _rs_registry(self) -> Any:
        return jsonschema_rs.Registry(list(self.by_id.items()))

    def validator(self, event: str, *, test_notification: bool = False) -> Any:
        """A compiled jsonschema-rs validator (formats asserted, offline) for one event."""
        uri = self.uri(self.events[event])
        schema: Schema = {"$ref": uri + "#/definitions/" + TEST_NOTIFICATION}
        if not test_notification:
            schema = {"$ref": uri}
        try:
            return jsonschema_rs.validator_for(
                schema, registry=self._rs_registry, validate_formats=True, offline=True
            )
        except (ValueError, jsonschema_rs.ValidationError) as exc:
            raise SchemaSetError(f"{self.label}: {self.events[event]}: {exc}") from None

    def invariants(self, event: str, *, test_notification: bool = False) -> tuple[Any, ...]:
        """The event's invariants (`x-invariants`), or its test-notification variant's; empty
        for a variant the event does not define."""
        from toolkit.contract.invariants import DeclarationError, collect, of_variant

        schema = self.inlined(event)
        try:
            if not test_notification:
                return collect(schema)
            variant = schema.get("definitions", {}).get(TEST_NOTIFICATION)
            return of_variant(schema, variant) if isinstance(variant, dict) else ()
        except DeclarationError as exc:
            raise SchemaSetError(f"{self.label}: {self.events[event]}: {exc}") from None

    def has_test_notification(self, event: str) -> bool:
        """Whether the event defines a test-notification variant."""
        return TEST_NOTIFICATION in self.raw(event).get("definitions", {})


def load(spec: str, *, cwd: Path | None = None) -> SchemaSet:
    """Load `spec`: a folder of schema files, or `git:REF` (`schemas/` at REF)."""
    if spec.startswith(GIT_PREFIX):
        ref = spec[len(GIT_PREFIX) :] or "HEAD"
        if ref != BASELINE:
            return load_git(ref, cwd=cwd, label=spec)
        base = baseline_ref(cwd)
        return load_git(base, cwd=cwd, label=f"{spec} ({base[:12]})")
    return load_folder(Path(spec))


def load_folder(root: Path, label: str | None = None) -> SchemaSet:
    """Every `*.schema.json` under `root`."""
    if not root.is_dir():
        raise SchemaSetError(f"{root}: not a folder of schemas (or use git:REF)")
    files: dict[str, Schema] = {}
    for path in sorted(root.rglob("*" + SUFFIX)):
        rel = path.relative_to(root).as_posix()
        if not path.is_file():  # a FIFO or a device would block or never end
            raise SchemaSetError(f"{path}: not a regular file")
        files[rel] = _parse(path.read_bytes(), f"{path}")
    if not files:
        raise SchemaSetError(f"{root}: no *{SUFFIX} files")
    return SchemaSet(label or str(root), files)


def load_git(ref: str, *, cwd: Path | None = None, label: str | None = None) -> SchemaSet:
    """`schemas/` at revision `ref` of the repository containing `cwd`."""
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    except SchemaSetError:
        raise SchemaSetError(f"git:{ref}: not inside a git repository") from None
    commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top, ref=ref).strip()
    listing = _git(["ls-tree", "-r", "--name-only", commit, "--", SCHEMAS + "/"], top)
    files: dict[str, Schema] = {}
    for name in sorted(listing.splitlines()):
        if not name.endswith(SUFFIX):
            continue
        blob = _git_bytes(["show", f"{commit}:{name}"], top)
        files[name[len(SCHEMAS) + 1 :]] = _parse(blob, f"{ref}:{name}")
    if not files:
        raise SchemaSetError(f"git:{ref}: no {SCHEMAS}/*{SUFFIX} at that revision")
    return SchemaSet(label or f"git:{ref}", files)


def baseline_ref(cwd: Path | None = None) -> str:
    """The last release: its tag (`v*`) reachable from HEAD; in a clone without tags, the commit
    that added the newest `## [X.Y.Z]` heading to CHANGELOG.md; before any release, the first
    commit with `schemas/`."""
    try:
        return _git(["describe", "--tags", "--abbrev=0", "--match", "v[0-9]*", "HEAD"], cwd).strip()
    except SchemaSetError:
        pass
    shallow = _git(["rev-parse", "--is-shallow-repository"], cwd).strip() == "true"
    if shallow:
        raise SchemaSetError(
            "this is a shallow clone: the release baseline is not in its history. "
            "Run `git fetch --unshallow --tags` (or clone with full history) and retry."
        )
    released = _released_by_changelog(cwd)
    if released:
        return released
    first = _git(
        ["log", "--reverse", "--diff-filter=A", "--format=%H", "--", SCHEMAS + "/"], cwd
    ).split()
    if not first:
        raise SchemaSetError(f"no release tag and no commit adding {SCHEMAS}/ in this repository")
    return first[0]


def _released_by_changelog(cwd: Path | None) -> str | None:
    """The commit that added the newest release heading of HEAD's CHANGELOG.md, if any."""
    try:
        text = _git(["show", f"HEAD:{CHANGELOG}"], cwd)
    except SchemaSetError:
        return None
    heading = re.search(r"^## \[(\d+\.\d+\.\d+[^\]]*)\]", text, re.M)
    if not heading:
        return None
    added = _git(
        ["log", "--reverse", "--format=%H", "-S", heading.group(0), "--", CHANGELOG], cwd
    ).split()
    return added[0] if added else None


def _parse(data: bytes, where: str) -> Schema:
    try:
        schema = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SchemaSetError(f"{where}: not valid JSON: {exc}") from None
    if not isinstance(schema, dict):
        raise SchemaSetError(f"{where}: a schema must be a JSON object")
    problem = wellformed.problem(schema)
    if problem is not None:
        raise SchemaSetError(f"{where}: {problem}")
    return schema


def _git_bytes(args: list[str], cwd: Path | None, *, ref: str | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise SchemaSetError("git is not installed; pass schema folders instead") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode(errors="replace").strip().splitlines()
        if ref is not None:
            raise SchemaSetError(f"git:{ref}: unknown revision in this repository")
        raise SchemaSetError(f"git {' '.join(args)}: {msg[-1] if msg else 'failed'}")
    return proc.stdout


def _git(args: list[str], cwd: Path | None, *, ref: str | None = None) -> str:
    return _git_bytes(args, cwd, ref=ref).decode()
