"""Secrets never reach a capture: headers and query-string tokens are redacted."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA
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


NAMES = json.loads((DATA / "redaction" / "names.json").read_bytes())
SECRET = "s3cr3t-V4LUE"


@pytest.mark.parametrize(
    ("name", "secret"),
    [(name, row[0]) for name, row in NAMES["headers"].items()],
    ids=list(NAMES["headers"]),
)
def test_header_table(name: str, secret: bool) -> None:
    record = envelope.make(method="POST", path="/", headers={name: SECRET}, body=b"{}")
    assert record["headers"][name] == (envelope.REDACTED if secret else SECRET)


@pytest.mark.parametrize(
    ("name", "secret"),
    [(name, row[0]) for name, row in NAMES["query"].items()],
    ids=list(NAMES["query"]),
)
def test_query_parameter_table(name: str, secret: bool) -> None:
    path = f"/quay/repo_push?team=web&{name}={SECRET}&{name}=again"
    record = envelope.make(method="POST", path=path, headers={}, body=b"{}")
    if secret:
        assert SECRET not in record["path"] and "again" not in record["path"]
        assert record["path"].count(envelope.REDACTED) == 2
    else:
        assert record["path"] == path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("http://user:PW@host/quay/x", "http://[REDACTED]@host/quay/x"),
        ("https://tok@host:8443/x?y=1", "https://[REDACTED]@host:8443/x?y=1"),
        ("http://host/x", "http://host/x"),
        (
            "/hook?next=http://u:PW@h/&team=web",
            "/hook?next=http://[REDACTED]@h/&team=web",
        ),
        ("/hook?next=http%3A%2F%2Fu%3APW%40h%2F", "/hook?next=[REDACTED]"),
        ("/a@b/c:d@e", "/a@b/c:d@e"),  # no scheme: not a userinfo
    ],
    ids=["absolute-form", "token-as-user", "no-userinfo", "in-a-value", "encoded", "not-a-url"],
)
def test_userinfo_is_redacted_in_the_path(path: str, expected: str) -> None:
    assert envelope.redact_path(path) == expected


def test_urls_in_header_values_lose_their_secrets() -> None:
    headers = {
        "Referer": "https://alice:PW@quay.example/repo?token=abc&tab=tags",
        "Forwarded": "for=10.0.0.1;proto=https",
        "X-Callback": "ftp://bob:PW@files.example/",
    }
    assert envelope.redact_headers(headers) == {
        "Referer": "https://[REDACTED]@quay.example/repo?token=[REDACTED]&tab=tags",
        "Forwarded": "for=10.0.0.1;proto=https",
        "X-Callback": "ftp://[REDACTED]@files.example/",
    }
