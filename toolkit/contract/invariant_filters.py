"""The filters an invariant's template may apply to a field: a tiny, fixed registry.

Only functions that Quay's own code applies when it builds a payload belong here. Each has a name,
the JSON types it accepts, whether it takes a second field as its argument, and a phrase that the
docs and the messages use to say what it does (`docs/reference/invariants.md` lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

NUMBER = "number"
STRING = "string"


class Filter(NamedTuple):
    """One filter: `apply(value, argument)` returns the filtered value."""

    name: str
    accepts: str
    """The JSON type of the value (and of the argument, if any): `string` or `number`."""
    takes_argument: bool
    apply: Callable[[Any, Any], Any]
    phrase: str
    """How the docs say it, with `{x}` for the field and `{arg}` for the argument."""
    inline: str = ""
    """The same as a Python expression over `{x}` and `{arg}` (of the accepted types), for the
    generated checkers (toolkit.contract.invariant_codegen); empty when `apply` is called."""
    returns: str = STRING
    """The JSON type of the result."""


def first7(value: Any, _: Any = None) -> str:
    """The first 7 characters (Quay's `commit[:7]`)."""
    return str(value)[:7]


def percent_of(value: Any, total: Any) -> int:
    """`int(value * 100 / total)`, 0 when `total` is 0 (float division, then truncation)."""
    return int(value * 100 / total) if total else 0


UNITS = ("bytes", "KB", "MB", "GB", "TB")


def quay_bytes(value: Any, _: Any = None) -> str:
    """Quay's quota size format: 1024-based units, two decimals except for bytes.

    The value is divided by 1024 while it is at least 1024 and a larger unit remains; bytes are
    printed as an integer, the other units with Python's `%.2f` (round half to even on the binary
    value, so 10.125 GB prints as `10.12 GB`).
    """
    number = float(value)
    for unit in UNITS:
        if abs(number) < 1024.0 or unit == UNITS[-1]:
            return f"{int(number)} {unit}" if unit == "bytes" else f"{number:.2f} {unit}"
        number /= 1024.0
    raise AssertionError("unreachable")  # pragma: no cover


FILTERS: dict[str, Filter] = {
    f.name: f
    for f in (
        Filter("first7", STRING, False, first7, "the first 7 characters of {x}", "{x}[:7]"),
        Filter(
            "percent_of",
            NUMBER,
            True,
            percent_of,
            "{x} * 100 / {arg}, truncated to an integer (0 when {arg} is 0)",
            "(int({x} * 100 / {arg}) if {arg} else 0)",
            "integer",
        ),
        Filter(
            "quay_bytes",
            NUMBER,
            False,
            quay_bytes,
            "{x} in Quay's size format (1024-based bytes, KB, MB, GB or TB; two decimals except "
            "for bytes)",
        ),
    )
}
"""Every filter, by name."""


def accepts(kind: str, value: Any) -> bool:
    """Whether `value` is of the filter input type `kind` (booleans are not numbers)."""
    if kind == STRING:
        return type(value) is str
    return type(value) in (int, float)
