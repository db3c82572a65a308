"""Every input format becomes Records; bad input becomes a Record with a precise problem."""

from __future__ import annotations

import base64
import gzip
import io
import zlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import contract
from toolkit.capture.envelope import make
from toolkit.inputs import read, read_paths, sniff
from toolkit.inputs.locate import line_column, locate
from toolkit.inputs.record import Record

PUSH = contract.examples("repo_push")[0]
BUILD = contract.examples("build_success")[0]


def records(path: Path, **kw: Any) -> list[Record]:
    return list(read(str(path), **kw))


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# --- formats -------------------------------------------------------------------------------


def test_json_file_holds_one_payload(tmp_path: Path) -> None:
    [rec] = records(write(tmp_path, "a.json", orjson.dumps(PUSH, option=orjson.OPT_INDENT_2)))
    assert rec.payload == PUSH and rec.format == "json" and rec.problem is None


def test_json_array_yields_one_record_per_element_with_its_index(tmp_path: Path) -> None:
    recs = records(write(tmp_path, "a.json", orjson.dumps([PUSH, BUILD])))
    assert [(r.index, r.payload) for r in recs] == [(0, PUSH), (1, BUILD)]
    assert recs[1].where.endswith("a.json[1]")


def test_ndjson_yields_one_record_per_line_naming_the_line(tmp_path: Path) -> None:
    text = orjson.dumps(PUSH) + b"\n\n" + orjson.dumps(BUILD) + b"\n"
    recs = records(write(tmp_path, "a.ndjson", text))
    assert [(r.line, r.format) for r in recs] == [(1, "ndjson"), (3, "ndjson")]


@pytest.mark.parametrize("name", ["a.json", "a.txt", "noext"])
def test_ndjson_is_recognised_by_content_whatever_the_name(tmp_path: Path, name: str) -> None:
    data = orjson.dumps(PUSH) + b"\n" + orjson.dumps(BUILD) + b"\n"
    assert sniff(name, data) == "ndjson"
    assert len(records(write(tmp_path, name, data))) == 2


def har(*entries: dict[str, Any]) -> bytes:
    return orjson.dumps({"log": {"version": "1.2", "entries": list(entries)}})


def entry(url: str, body: str | None, **post: Any) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "POST" if body is not None else "GET", "url": url}
    if body is not None:
        request["postData"] = {"mimeType": "application/json", "text": body, **post}
    return {"request": request}


def test_har_yields_post_bodies_with_entry_index_and_url_event(tmp_path: Path) -> None:
    data = har(
        entry("http://h/health", None),
        entry("http://h/quay/repo_push", orjson.dumps(PUSH).decode()),
        entry("http://h/hook", base64.b64encode(orjson.dumps(BUILD)).decode(), encoding="base64"),
    )
    recs = records(write(tmp_path, "x.har", data))
    assert [(r.index, r.event, r.format) for r in recs] == [
        (1, "repo_push", "har"),
        (2, None, "har"),
    ]
    assert recs[1].payload == BUILD


def test_har_detected_by_content_in_a_json_file(tmp_path: Path) -> None:
    data = har(entry("http://h/x", orjson.dumps(PUSH).decode()))
    [rec] = records(write(tmp_path, "export.json", data))
    assert rec.format == "har" and rec.payload == PUSH


def test_har_body_that_is_not_json_names_the_entry(tmp_path: Path) -> None:
    [rec] = records(write(tmp_path, "x.har", har(entry("http://h/x", "{oops"))))
    assert rec.index == 0 and rec.problem and "request body: invalid JSON" in rec.problem


def http(body: bytes, *headers: str, target: str = "/quay/build_success") -> bytes:
    head = f"POST {target} HTTP/1.1\r\nHost: hooks\r\n" + "".join(h + "\r\n" for h in headers)
    return head.encode() + b"\r\n" + body


def chunk(data: bytes, size: int = 100) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            http(orjson.dumps(BUILD), f"Content-Length: {len(orjson.dumps(BUILD))}"),
            id="content-length",
        ),
        pytest.param(http(chunk(orjson.dumps(BUILD)), "Transfer-Encoding: chunked"), id="chunked"),
        pytest.param(
            http(
                chunk(gzip.compress(orjson.dumps(BUILD))),
                "Transfer-Encoding: chunked",
                "Content-Encoding: gzip",
            ),
            id="chunked-gzip",
        ),
        pytest.param(
            http(zlib.compress(orjson.dumps(BUILD)), "Content-Encoding: deflate"), id="deflate"
        ),
        pytest.param(http(orjson.dumps(BUILD)).replace(b"\r\n", b"\n"), id="lf-only-no-length"),
    ],
)
def test_http_dump_bodies_are_recovered(tmp_path: Path, raw: bytes) -> None:
    [rec] = records(write(tmp_path, "req.txt", raw))
    assert rec.format == "http" and rec.problem is None
    assert rec.payload == BUILD and rec.event == "build_success"


def test_http_dump_with_several_requests(tmp_path: Path) -> None:
    one = orjson.dumps(PUSH)
    two = orjson.dumps(BUILD)
    data = http(one, f"Content-Length: {len(one)}", target="/quay/repo_push") + http(
        two, f"Content-Length: {len(two)}"
    )
    recs = records(write(tmp_path, "two.http", data))
    assert [(r.index, r.event, r.line) for r in recs] == [
        (0, "repo_push", 1),
        (1, "build_success", 5),
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (http(b"{}", "Content-Length: 50"), "truncated body: Content-Length is 50"),
        (http(b"5\r\nab", "Transfer-Encoding: chunked"), "truncated chunked body"),
        (http(b"not gzip", "Content-Encoding: gzip"), "Content-Encoding gzip: cannot decompress"),
        (http(b"{}", "Content-Encoding: br"), "Content-Encoding 'br' is not supported"),
    ],
)
def test_broken_http_bodies_are_reported(tmp_path: Path, raw: bytes, message: str) -> None:
    [rec] = records(write(tmp_path, "bad.http", raw))
    assert rec.problem and message in rec.problem


def test_capture_envelopes_carry_their_event_and_body(tmp_path: Path) -> None:
    envs = [
        make(method="POST", path="/quay/build_success", headers={}, body=orjson.dumps(BUILD)),
        make(
            method="POST",
            path="/quay/repo_push",
            headers={"Content-Encoding": "gzip"},
            body=gzip.compress(orjson.dumps(PUSH)),
        ),
    ]
    assert envs[1]["body_base64"] is not None  # gzip bytes are not UTF-8
    data = b"".join(orjson.dumps(e) + b"\n" for e in envs)
    for fmt in (None, "envelope"):
        recs = records(write(tmp_path, "cap.ndjson", data), input_format=fmt)
        assert [(r.format, r.event, r.line) for r in recs] == [
            ("envelope", "build_success", 1),
            ("envelope", "repo_push", 2),
        ]
        assert recs[0].payload == BUILD and recs[1].payload == PUSH


def test_envelope_of_unknown_version_is_unreadable(tmp_path: Path) -> None:
    env = make(method="POST", path="/", headers={}, body=b"{}") | {"v": 99}
    [rec] = records(write(tmp_path, "cap.ndjson", orjson.dumps(env) + b"\n"))
    assert rec.problem and "version 99 is unknown" in rec.problem


def test_envelope_naming_an_unknown_event_falls_back_to_detection(tmp_path: Path) -> None:
    env = make(method="POST", path="/hook", headers={}, body=orjson.dumps(PUSH), event="pushed")
    [rec] = records(write(tmp_path, "cap.ndjson", orjson.dumps(env) + b"\n"))
    assert rec.event is None and rec.payload == PUSH
    assert rec.notes == ("envelope names an unknown event 'pushed'; the event is detected instead",)


def test_forcing_envelope_format_rejects_plain_payload_lines(tmp_path: Path) -> None:
    [rec] = records(
        write(tmp_path, "a.ndjson", orjson.dumps(PUSH) + b"\n"), input_format="envelope"
    )
    assert rec.problem == "not a capture envelope"


def test_comments_need_allow_comments(tmp_path: Path) -> None:
    text = '// from the Quay docs\n{\n  "a": "http://x", /* inline */ "b": 1 // trailing\n}\n'
    path = write(tmp_path, "doc.json", text)
    [bad] = records(path)
    assert (
        bad.problem
        and "comment at line 1 column 1" in bad.problem
        and "--allow-comments" in bad.problem
    )
    [good] = records(path, allow_comments=True)
    assert good.payload == {"a": "http://x", "b": 1}


def test_stdin_is_read_when_path_is_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    data = orjson.dumps(PUSH) + b"\n" + orjson.dumps(BUILD) + b"\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    recs = list(read("-"))
    assert [(r.source, r.line) for r in recs] == [("<stdin>", 1), ("<stdin>", 2)]


def test_directories_are_walked_recursively_and_globs_expand(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    write(tmp_path, "d/b.json", orjson.dumps(PUSH))
    write(tmp_path, "d/sub/a.json", orjson.dumps(PUSH))
    write(tmp_path, "d/.hidden.json", b"junk")
    got = [
        Path(r.source).relative_to(tmp_path).as_posix() for r in read_paths([str(tmp_path / "d")])
    ]
    assert got == ["d/b.json", "d/sub/a.json"]
    globbed = list(read_paths([str(tmp_path / "d" / "**" / "*.json")]))
    assert len(globbed) == 2


def test_a_missing_path_is_an_unreadable_record_not_a_crash(tmp_path: Path) -> None:
    good = write(tmp_path, "a.json", orjson.dumps(PUSH))
    recs = list(read_paths([str(tmp_path / "nope.json"), str(good)]))
    assert recs[0].problem == "cannot open: No such file or directory"
    assert recs[1].payload == PUSH


# --- bad input -----------------------------------------------------------------------------

BAD = [
    ("empty.json", b"", "empty: no JSON value"),
    ("blank.json", b"  \n", "blank: only whitespace"),
    ("invalid.json", b'{"a": }', "invalid JSON: unexpected character"),
    ("latin1.json", '{"tag": "café"}'.encode("latin-1"), "not UTF-8: byte 0xe9 at line 1 column"),
    ("utf16.json", '{"a": 1}'.encode("utf-16"), "UTF-16 text"),
    ("binary.json", bytes(range(256)) * 4, "binary data, not JSON text"),
    ("nan.json", b'{"a": NaN}', "NaN/Infinity is not valid JSON at line 1 column 7"),
    ("inf.json", b'{"a": -Infinity}', "NaN/Infinity is not valid JSON"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested deeper than 254 levels"),
    ("deep255.json", b"[" * 255 + b"]" * 255, "nested deeper than 254 levels at line 1 column 255"),
    ("two.json", b'{"a": 1} [2]', "more than one JSON value: extra content at line 1 column 10"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_precise_message(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    [rec] = records(write(tmp_path, name, data))
    assert rec.payload is None
    assert rec.problem is not None and message in rec.problem, rec.problem


def test_bom_is_stripped_and_noted(tmp_path: Path) -> None:
    [rec] = records(write(tmp_path, "bom.json", b"\xef\xbb\xbf" + orjson.dumps(PUSH)))
    assert rec.payload == PUSH and rec.problem is None
    assert any("byte-order mark" in n for n in rec.notes)


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    [rec] = records(
        write(tmp_path, "dup.json", b'{"name": "a", "x": {"k": 1, "k": 2}, "name": "b"}')
    )
    assert rec.payload == {"name": "b", "x": {"k": 2}}
    assert sorted(rec.notes) == [
        "duplicate key 'k': the last value wins",
        "duplicate key 'name': the last value wins",
    ]


def test_truncated_ndjson_line_is_named_and_the_rest_still_read(tmp_path: Path) -> None:
    data = orjson.dumps(PUSH) + b"\n" + orjson.dumps(BUILD)[:40] + b"\n" + orjson.dumps(PUSH)
    recs = records(write(tmp_path, "a.ndjson", data + b"\n" + orjson.dumps(PUSH)[:30]))
    assert [r.line for r in recs] == [1, 2, 3, 4]
    assert recs[1].problem and recs[1].problem.startswith("truncated JSON")
    assert recs[3].problem and recs[3].problem.endswith("the last line is cut short")
    assert recs[2].payload == PUSH


def test_a_one_gigabyte_document_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as f:  # sparse: costs no disk and no time
        f.write(b"{")
        f.truncate(2**30)
    [rec] = records(path)
    assert rec.problem and "the document (1,024 MiB) is over the 64 MiB limit" in rec.problem
    assert "--max-body" in rec.problem


def test_an_overlong_ndjson_line_is_skipped(tmp_path: Path) -> None:
    data = orjson.dumps(PUSH) + b"\n" + b'{"a": "' + b"x" * 5000 + b'"}\n' + orjson.dumps(PUSH)
    path = write(tmp_path, "a.ndjson", data + b"\n")
    recs = records(path, input_format="ndjson", max_body=1000)
    assert [r.line for r in recs] == [1, 2, 3]
    assert (
        recs[1].problem
        == "the line is over the 1,000 bytes limit (raise it with --max-body); skipped"
    )
    assert recs[2].payload == PUSH


# --- line:column of values -----------------------------------------------------------------


def test_locate_finds_nested_values_and_array_items() -> None:
    text = '{\n  "a": {"b": [10, {"c": "x"}]},\n  "d": "é",\n  "e": 1\n}'
    assert line_column(text, locate(text, ("a", "b", 1, "c")) or -1) == (2, 25)
    assert line_column(text, locate(text, ("e",)) or -1) == (4, 8)
    assert locate(text, ("missing",)) is None
    assert locate(text, ("a", "b", 5)) is None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


def _pointers(
    value: Any, prefix: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], Any]]:
    out = [(prefix, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _pointers(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _pointers(item, (*prefix, index))
    return out


@settings(max_examples=200, deadline=None)
@given(_JSON, st.sampled_from([None, 0, 2, "\t"]), st.booleans())
def test_locate_finds_every_value_and_a_locator_agrees(value: Any, indent: Any, dup: bool) -> None:
    """Every pointer of a document leads to the text of its value, however it is indented; a
    repeated name leads to its last value (the decoded one); one Locator asked every pointer in
    turn answers as a fresh locate() does."""
    import json

    from toolkit.inputs.locate import Locator

    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if dup and isinstance(value, dict) and value:
        name = json.dumps(next(iter(value)), ensure_ascii=False)
        text = "{" + name + ": [1, 2], " + text.lstrip()[1:]
        value = json.loads(text)  # the repeated name's last value wins
    located = Locator(text)
    for pointer, expected in _pointers(value):
        offset = locate(text, pointer)
        assert offset is not None
        assert json.JSONDecoder().raw_decode(text, offset)[0] == expected
        assert located(pointer) == offset
    assert locate(text, ("no such name", 99)) is None


def test_a_directory_of_many_files_is_walked_lazily(tmp_path: Path) -> None:
    """Paths come out sorted, one directory listing at a time, before the walk is over.

    20,000 files (on tmpfs when there is one) keep this quick; 100,000 take the same code path.
    """
    import itertools
    import os
    import tempfile

    from toolkit.inputs import expand

    shm = Path("/dev/shm")
    base = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    try:
        root = base / "many"
        for d in range(4):
            sub = root / f"d{d}"
            sub.mkdir(parents=True)
            for i in range(5_000):
                os.close(os.open(sub / f"{i:05}.json", os.O_CREAT | os.O_WRONLY))
        walk = expand([str(root)])
        first = list(itertools.islice(walk, 3))
        assert [Path(p).relative_to(root).as_posix() for p in first] == [
            "d0/00000.json",
            "d0/00001.json",
            "d0/00002.json",
        ]
        assert 3 + sum(1 for _ in walk) == 20_000
    finally:
        if base != tmp_path:
            import shutil

            shutil.rmtree(base)
