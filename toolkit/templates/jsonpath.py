"""The JSONPath dialect of Quay's templates: jsonpath-rw 1.4.0, parsed once per expression.

`jsonpath_rw.parse` builds a fresh lexer and rebuilds its ply LALR tables on every call (10-15 ms).
The tables depend only on the grammar, so `parse` here builds the ply parser once, with exactly the
arguments jsonpath-rw passes, and feeds it a fresh jsonpath-rw lexer per expression (about 1 ms);
parsed expressions are cached too. `find` is pure, so a parsed expression is safe to share.
tests/templates/test_jsonpath.py proves the trees and error texts equal `jsonpath_rw.parse`'s.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

PARSE_CACHE = 4096
"""Distinct expressions kept parsed."""


class MissingEngineError(ImportError):
    """jsonpath-rw is not installed (it comes with the `templates` extra)."""

    def __init__(self) -> None:
        super().__init__(
            "Quay templates need jsonpath-rw 1.4.0, the library Quay renders them with: "
            "pip install 'quay-webhook-contracts[templates]'"
        )


ENGINE = {"jsonpath-rw": (1, 4), "ply": (3, 11)}
"""The releases every Quay pins (jsonpath-rw 1.4.0, ply 3.11), by the part of the version that
must match: both are their project's last release, and an older one lexes and parses differently."""


class EngineVersionError(RuntimeError):
    """An installed jsonpath-rw or ply that is not the release Quay renders with."""


def installed(name: str) -> tuple[int, ...]:
    """The installed version of a distribution, as ints."""
    from importlib.metadata import version

    parts = []
    for part in version(name).split("."):
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def check_engine() -> None:
    """Raise MissingEngineError or EngineVersionError unless templates render as in Quay."""
    from importlib.metadata import PackageNotFoundError

    try:
        import jsonpath_rw  # noqa: F401
    except ImportError:
        raise MissingEngineError from None
    for name, wanted in ENGINE.items():
        try:
            found = installed(name)
        except PackageNotFoundError:
            raise MissingEngineError from None
        if found[: len(wanted)] != wanted:
            pin = ".".join(map(str, wanted))
            raise EngineVersionError(
                f"{name} {'.'.join(map(str, found))} is installed, but Quay renders templates "
                f"with {name} {pin}: install '{name}=={pin}.*' "
                "(pip install 'quay-webhook-contracts[templates]')"
            )


class ExpressionError(ValueError):
    """An expression jsonpath-rw cannot parse; the text is what Quay reports after the backtick."""


_LOCK = threading.Lock()
"""A ply parser keeps its stacks on itself while it parses."""


@cache
def _parser() -> Any:
    """jsonpath-rw's grammar compiled once: the call `JsonPathParser.parse_token_stream` makes."""
    import os

    import ply.yacc
    from jsonpath_rw import parser as grammar

    module = grammar.JsonPathParser()
    return ply.yacc.yacc(
        module=module,
        debug=module.debug,
        tabmodule="parser_jsonpath_parsetab",
        outputdir=os.path.dirname(grammar.__file__),
        write_tables=0,
        start="jsonpath",
        errorlog=grammar.logger,
    )


@lru_cache(maxsize=PARSE_CACHE)
def _parse(expression: str) -> tuple[Any, str | None]:
    from jsonpath_rw.lexer import JsonPathLexer
    from jsonpath_rw.parser import IteratorToTokenStream

    try:
        with _LOCK:
            tokens = IteratorToTokenStream(JsonPathLexer().tokenize(expression))
            return _parser().parse(lexer=tokens), None
    except Exception as exc:  # Quay turns any parse failure into a 400
        return None, str(exc)


def parse(expression: str) -> Any:
    """The jsonpath-rw expression tree, or ExpressionError with jsonpath-rw's own message."""
    tree, problem = _parse(expression)
    if problem is not None:
        raise ExpressionError(problem)
    return tree


def tree_kind(tree: Any) -> str:
    """The class name of a jsonpath-rw node (`Fields`, `Child`, `Slice`, ...)."""
    return type(tree).__name__
