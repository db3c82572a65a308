"""An optional shared secret: the only check a receiver can make, since Quay signs nothing.

Quay's webhook requests carry no signature and no header of the receiver's choosing. What a
notification's URL can carry is all there is, and it is stored in Quay as written (any admin of
the repository or organization can read it):

- `path`: the first path segment, `https://HOST/<secret>/quay/<event>` (as `quay-contract listen
  --path-token` does); a wrong or missing one is answered 404, as if nothing were there;
- `basic`: the password of the URL's user information, `https://quay:<secret>@HOST/quay/<event>`,
  which python-requests (Quay's HTTP client) sends as `Authorization: Basic ...`; answered 401;
- `header`: a header set by something between Quay and the receiver (a gateway or proxy); 401.

Every comparison is constant-time (`hmac.compare_digest`). A client certificate, which Quay
presents when it runs with HTTPS and its own certificate, is checked by the TLS server in front
of the app, not here (see the receiving guides).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Literal

from toolkit.receive.answer import Answer, error
from toolkit.receive.headers import Headers

Where = Literal["path", "basic", "header"]
PLACES = ("path", "basic", "header")
REALM = 'Basic realm="quay-webhook", charset="UTF-8"'


@dataclass(frozen=True, repr=False)
class Secret:
    """Where the shared secret travels and its value (never shown in a repr)."""

    value: str
    where: Where = "path"
    header: str = "X-Quay-Token"
    """The header to read when `where="header"`."""

    def __post_init__(self) -> None:
        if not self.value:
            raise ValueError("the secret must not be empty")
        if self.where not in PLACES:
            raise ValueError(f"secret_in must be one of {', '.join(PLACES)}, not {self.where!r}")

    def __repr__(self) -> str:
        return f"Secret(where={self.where!r})"

    def check(self, token: str | None, headers: Headers) -> Answer | None:
        """None when the request carries the secret, else the refusal."""
        if self.where == "path":
            return None if _same(token, self.value) else error(404, "not found")
        if self.where == "basic":
            if _same(_basic_password(headers.get("Authorization")), self.value):
                return None
            return error(401, "authentication required", WWW_Authenticate=REALM)
        if _same(headers.get(self.header), self.value):
            return None
        return error(401, f"missing or wrong {self.header}")


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _basic_password(authorization: str | None) -> str | None:
    if not authorization or authorization[:6].lower() != "basic ":
        return None
    try:
        # python-requests encodes the user information as latin-1.
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("latin-1")
    except binascii.Error:
        return None
    _user, sep, password = decoded.partition(":")
    return password if sep else None
