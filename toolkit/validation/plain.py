"""Whether one whole JSON document is a plain pass, importing only what that takes.

A plain pass is one object, not an envelope or a HAR file, detected as production payload(s) of
a known event, breaking no invariant, repeating no key, sent by the target release. Its PassKey
is all a summary needs. The hot path (`hotpath.passes_fast`) and the one-file command line
(`toolkit.cli.quick`) both ask here, so a pass means the same everywhere; anything else is left
to the general path, which explains it. Nothing here imports the readers' Records, Verdicts or
the rich explanations: a one-file run stays cheap to start.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson

from toolkit.contract.detect import detect, plain_route
from toolkit.contract.fingerprint import fingerprinter
from toolkit.contract.invariant_fast import holds_valid
from toolkit.inputs.decode import may_repeat_keys
from toolkit.validation.passes import keyer, pass_key

if TYPE_CHECKING:
    from toolkit.contract.releases import Releases
    from toolkit.validation.batch import PassKey

_MISSING = object()


def plain_pass(data: bytes, target: Releases | None = None) -> PassKey | None:
    """The PassKey of `data`, one JSON payload, if it plainly passes (see the module); None
    when the general path must look at it (invalid, a test notification, not one payload ...).

    Like the NDJSON loop, a payload whose keys have a plain route (detect.plain_route) needs
    one validation, and what its top-level keys settle (the route, the invariants to check,
    how its fingerprint is read) is worked out once per shape.
    """
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(obj) is not dict or "received_at" in obj or "log" in obj:
        return None  # an envelope or a HAR file: the readers handle those
    shape = tuple(obj)
    route = _route(shape, target)
    if route is not None:
        validator, markers, candidates, key = route
        if not validator.is_valid(obj):
            return None  # its one possible shape does not fit: invalid, or a test notification
        if unmarked(obj, markers):
            holds = holds_valid(candidates, shape)  # compiled once the shape first passes
            if (holds is not None and not holds(obj)) or may_repeat_keys(data, obj):
                return None  # an invariant is broken, or a key may repeat: explained elsewhere
            return key(obj)  # None: not sent by `target`, explained elsewhere
    found = detect(obj)
    if not found.candidates or found.test_notification:
        return None
    if not invariants_hold(obj, found.candidates) or may_repeat_keys(data, obj):
        return None
    return pass_key(found.candidates, obj, target)


_Route = tuple[Any, tuple[tuple[str, Any], ...], tuple[str, ...], Callable[[Any], "PassKey | None"]]
"""(validator, test markers, the candidates, the payload's PassKey)"""


@lru_cache(maxsize=4096)
def _route(shape: tuple[str, ...], target: Releases | None) -> _Route | None:
    """What a payload with these top-level keys needs when one shape group can fit it."""
    plain = plain_route(shape)
    if plain is None:
        return None
    validator, markers, candidates = plain
    prints = fingerprinter(candidates)
    constant = prints.constant(shape)
    each = prints.for_shape(shape) if constant is None else (lambda obj: constant)
    return validator, markers, candidates, keyer(each, candidates, target)


def invariants_hold(obj: dict[str, Any], candidates: tuple[str, ...]) -> bool:
    """No invariant rules out a candidate of a payload their schema accepts (else the general
    path reports it)."""
    check = holds_valid(candidates, tuple(obj))
    return check is None or bool(check(obj))


def unmarked(obj: dict[str, Any], markers: tuple[tuple[str, Any], ...]) -> bool:
    """No test-notification marker value is present."""
    for key, value in markers:  # noqa: SIM110 - a loop builds no generator per payload
        if obj.get(key, _MISSING) == value:
            return False
    return True
