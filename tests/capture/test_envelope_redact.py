"""Secrets never reach a capture: headers and query-string tokens are redacted."""

from __future__ import annotations

import pytest

from toolkit.capture import envelope


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/quay/repo_push", "/quay/repo_push"),
        ("/hook?token=abc", "/hook?token=[REDACTED]"),
        ("/hook?auth_token=a&x=1", "/hook?auth_token=[REDACTED]&x=1"),
        ("/h?api_key=k&apikey=k2&key=k3", "/h?api_key=[REDACTED]&apikey=[REDACTED]&key=[REDACTED]"),
        (
            "/h?sig=s&signature=t&secret=u",
            "/h?sig=[REDACTED]&signature=[REDACTED]&secret=[REDACTED]",
        ),
        ("/h?password=p&team=web&flag", "/h?password=[REDACTED]&team=web&flag"),
        ("/h?Access%5FToken=z", "/h?Access%5FToken=[REDACTED]"),
    ],
)
def test_query_tokens_are_redacted(path: str, expected: str) -> None:
    assert envelope.redact_path(path) == expected
    record = envelope.make(method="POST", path=path, headers={}, body=b"{}")
    assert record["path"] == expected


def test_secret_headers_are_redacted_whatever_their_case() -> None:
    headers = {"authorization": "Basic eA==", "Cookie": "s=1", "Content-type": "application/json"}
    assert envelope.redact_headers(headers) == {
        "authorization": envelope.REDACTED,
        "Cookie": envelope.REDACTED,
        "Content-type": "application/json",
    }
