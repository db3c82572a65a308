"""Rebuild every file derived from `schemas/`; in check mode, write nothing and report drift."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolkit.contract.registry import schema_dir
from toolkit.modelgen import MODELS_DIR, models

Producer = Callable[[Path], dict[str, str]]
"""Given the project root, return derived files as {relative path: content}."""


class NotACheckoutError(RuntimeError):
    """regenerate needs the project's source tree, not an installed wheel."""


@dataclass(frozen=True)
class Drift:
    """The difference between what regenerate would write and what is on disk."""

    changed: tuple[str, ...]
    removed: tuple[str, ...]
    diff: str

    @property
    def stale(self) -> bool:
        return bool(self.changed or self.removed)


NEEDS = (
    "regenerate rebuilds the derived files of a source checkout, with the checkout's own "
    "package and the dev extra: in the checkout, run `pip install -e '.[dev]'`, then "
    "`quay-contract regenerate` again"
)


def project_root() -> Path:
    """The source checkout that holds `schemas/` and `pyproject.toml`.

    Raises NotACheckoutError, saying what is needed, when the toolkit runs from an installed
    wheel (`pip install .`) or without the dev extra's code generator.
    """
    import importlib.util

    root = schema_dir().resolve().parent
    if not (root / "pyproject.toml").is_file() or not (root / MODELS_DIR).is_dir():
        raise NotACheckoutError(f"this quay-contract is installed from a wheel ({root}); {NEEDS}")
    if importlib.util.find_spec("datamodel_code_generator") is None:
        raise NotACheckoutError(f"datamodel-code-generator is not installed; {NEEDS}")
    return root


PRODUCERS: list[Producer] = [models]
"""Everything regenerate builds; later features append their producers here."""

OWNED_DIRS: tuple[str, ...] = (MODELS_DIR,)
"""Folders regenerate owns entirely: files in them that it would not write are stale."""


def derived(root: Path) -> dict[str, str]:
    """Every derived file, in memory."""
    out: dict[str, str] = {}
    for produce in PRODUCERS:
        out.update(produce(root))
    return dict(sorted(out.items()))


def compare(root: Path, files: dict[str, str]) -> Drift:
    """How the tree differs from `files`."""
    changed: list[str] = []
    chunks: list[str] = []
    for rel, text in files.items():
        path = root / rel
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if old != text or not path.is_file():
            changed.append(rel)
            chunks.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"a/{rel}",
                    f"b/{rel}",
                )
            )
    removed = sorted(
        p.relative_to(root).as_posix()
        for d in OWNED_DIRS
        for p in (root / d).rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.relative_to(root).as_posix() not in files
    )
    chunks.extend(f"stale file: {rel}\n" for rel in removed)
    return Drift(tuple(changed), tuple(removed), "".join(chunks))


def write(root: Path, files: dict[str, str], drift: Drift) -> None:
    """Write the changed files and delete the stale ones."""
    for rel in drift.changed:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8")
    for rel in drift.removed:
        (root / rel).unlink()


def regenerate(*, check: bool, root: Path | None = None) -> Drift:
    """Rebuild derived files (or, with `check`, only report what is stale)."""
    root = root or project_root()
    files = derived(root)
    drift = compare(root, files)
    if not check:
        write(root, files, drift)
    return drift


def _docs(root: Path) -> dict[str, str]:
    """Event reference pages and the events overview (toolkit.docsite.pages)."""
    from toolkit.docsite.pages import docs

    return docs(root)


PRODUCERS.append(_docs)
OWNED_DIRS += ("docs/reference/events",)


def _detect_index(root: Path) -> dict[str, str]:
    """The detection index read by toolkit.contract.detect (toolkit.contract.detect_index)."""
    from toolkit.contract.detect_index import produce

    return produce(root)


PRODUCERS.append(_detect_index)


def _exports(root: Path) -> dict[str, str]:
    """AsyncAPI 3.0 and OpenAPI 3.1 documents of the contract (toolkit.exports)."""
    from toolkit.exports import produce

    return produce(root)


PRODUCERS.append(_exports)


def _versions_index(root: Path) -> dict[str, str]:
    """The versions table read by toolkit.contract (toolkit.contract.eras)."""
    from toolkit.contract.eras import produce

    return produce(root)


PRODUCERS.append(_versions_index)


def _prover_automata(root: Path) -> dict[str, str]:
    """The prover's pattern automata (toolkit.prover.tables)."""
    from toolkit.prover.tables import produce

    return produce(root)


PRODUCERS.append(_prover_automata)


SEED_FUZZ = 10
"""Valid payloads per event the fuzz generator adds to the seed programs' exemplars."""


def _prover_seeds(root: Path) -> dict[str, str]:
    """The prover's seed programs for one-file checks (toolkit.prover.seeds), learned from the
    contract's examples, the bodies of send's conformance corpus (what each Quay release sends,
    in its key order, and the bodies that broke consumers) and the fuzz generator's payloads
    (fixed seed); without the C extension the stored file is kept when current (nothing can be
    learned)."""
    from toolkit.prover.native import built
    from toolkit.prover.seeds import kept, produce

    if not built():
        return kept(root)
    from toolkit import fuzz
    from toolkit.send.conformance import cases

    bodies = [case.payload for case in cases() if not case.test_notification]
    return produce(root, bodies + fuzz.sample(None, SEED_FUZZ, seed="prover-seeds"))


PRODUCERS.append(_prover_seeds)
