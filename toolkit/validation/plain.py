"""Whether one whole JSON document is a plain pass, importing only what that takes.

A plain pass is one object, not an envelope or a HAR file, detected as production payload(s) of
a known event, breaking no invariant, repeating no key, sent by the target release. Its PassKey
is all a summary needs. The hot path (`hotpath.passes_fast`) and the one-file command line
(`toolkit.cli.quick`) both ask here, so a pass means the same everywhere; anything else is left
to the general path, which explains it. Nothing here imports the readers' Records, Verdicts or
the rich explanations: a one-file run stays cheap to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from toolkit.contract.detect import detect, plain_route
from toolkit.contract.invariant_fast import holds_valid
from toolkit.inputs.decode import may_repeat_keys
from toolkit.validation.passes import pass_key

if TYPE_CHECKING:
    from toolkit.contract.releases import Releases
    from toolkit.validation.batch import PassKey

_MISSING = object()


def plain_pass(data: bytes, target: Releases | None = None) -> PassKey | None:
    """The PassKey of `data`, one JSON payload, if it plainly passes (see the module); None
    when the general path must look at it (invalid, a test notification, not one payload ...).

    Like the NDJSON loop, a payload whose keys have a plain route (detect.plain_route) needs
    one validation.
    """
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(obj) is not dict or "received_at" in obj or "log" in obj:
        return None  # an envelope or a HAR file: the readers handle those
    route = plain_route(tuple(obj))
    if route is not None and not route[0].is_valid(obj):
        return None  # its one possible shape does not fit: invalid, or a test notification
    if route is not None and unmarked(obj, route[1]):
        candidates = route[2]
    else:
        found = detect(obj)
        if not found.candidates or found.test_notification:
            return None
        candidates = found.candidates
    if not invariants_hold(obj, candidates):
        return None  # an invariant is broken: the general path reports it
    if may_repeat_keys(data, obj):
        return None
    return pass_key(candidates, obj, target)  # None: not sent by `target`, explained elsewhere


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
