r"""The contract's ECMA-262 patterns, rewritten to mean exactly the same in pydantic's engine.

JSON Schema patterns are ECMA-262 regular expressions; pydantic-core runs a field's `pattern`
with the Rust `regex` crate. Both search (unanchored) and read `^`, `$`, literals, groups and
quantifiers alike, but not these, which the rewrite spells out:

- `.` is anything but `\n \r \u2028 \u2029` in ECMA-262, anything but `\n` in Rust:
  `[^\n\r\u2028\u2029]`.
- `\s` is ECMA's white space and line terminators (with U+FEFF, without U+0085), Rust's is
  Unicode White_Space (the other way round): the ECMA set, listed (`SPACE`); `\S` its negation.
- `\d`, `\w` are ASCII in ECMA, Unicode in Rust: `[0-9]`, `[A-Za-z0-9_]`; `\b`, `\B` become
  ASCII word boundaries, `(?-u:\b)`, `(?-u:\B)`.
- `[`, `&&`, `--`, `~~` are literal inside an ECMA class, nesting and set operations in Rust:
  escaped. `\0`, `\cX` and surrogate-pair `\u` escapes, which Rust rejects: `\x00`, `\xHH`,
  `\u{...}`.

A construct with no exact equivalent (lookaround, backreference, `\p{...}`, an empty class) raises
UnportablePatternError. Rust cannot compile it (the model would fail on import), and pydantic's
fallback engine, Python's `re`, would read every other pattern of the model differently (`$`
before a trailing newline), so the generator refuses instead of checking something else. Every
other part is copied unchanged, so a rewritten pattern reads like the original.
"""

from __future__ import annotations

import re

SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
"""ECMA-262 `\\s` (WhiteSpace and LineTerminator, Unicode 15) as class members."""

LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"
"""What ECMA-262 `.` does not match."""

_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": SPACE}
_ALONE = {
    **{k: f"[{v}]" for k, v in _CLASS_ESCAPES.items()},
    **{k.upper(): f"[^{v}]" for k, v in _CLASS_ESCAPES.items()},
    "b": "(?-u:\\b)",
    "B": "(?-u:\\B)",
}
_CONTROL = {"t": "\\t", "n": "\\n", "v": "\\v", "f": "\\f", "r": "\\r"}
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_BRACED = re.compile(r"\{([0-9A-Fa-f]{1,6})\}")
_OUTSIDE_LITERAL = {"{": "\\{", "}": "\\}", "]": "\\]"}
_CLASS_SPECIAL = frozenset("[]\\^-&~")


class UnportablePatternError(ValueError):
    """A pattern with a construct that pydantic's Rust engine cannot run with ECMA-262 meaning."""

    def __init__(self, pattern: str, position: int, construct: str, where: str = "") -> None:
        super().__init__(
            (f"{where}: " if where else "")
            + f"{construct} at offset {position} of {pattern!r} has no exact equivalent in "
            "pydantic's regex engine (the Rust regex crate); rewrite the pattern without it"
        )
        self.pattern = pattern
        self.position = position
        self.construct = construct
        self.where = where

    def located(self, where: str) -> UnportablePatternError:
        """The same error, naming where the pattern is (`file#/json/pointer`)."""
        return UnportablePatternError(self.pattern, self.position, self.construct, where)


def rewrite(pattern: str) -> str:
    """`pattern` (ECMA-262) in a form the Rust `regex` crate reads with the same meaning."""
    return "".join(_Reader(pattern).pieces())


class _Reader:
    """A single left-to-right pass over one pattern."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.at = 0

    def fail(self, construct: str, position: int | None = None) -> UnportablePatternError:
        where = self.at if position is None else position
        return UnportablePatternError(self.text, where, construct)

    def pieces(self) -> list[str]:
        out: list[str] = []
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char == "\\":
                out.append(self.escape(in_class=False))
            elif char == "[":
                out.append(self.char_class())
            elif char == ".":
                out.append(f"[^{LINE_TERMINATORS}]")
                self.at += 1
            elif char == "(" and text.startswith(_LOOKAROUND, self.at):
                raise self.fail("a lookaround")
            elif char == "{" and (quantifier := _QUANTIFIER.match(text, self.at)):
                out.append(quantifier.group())
                self.at = quantifier.end()
            else:
                out.append(_OUTSIDE_LITERAL.get(char, char))
                self.at += 1
        return out

    def escape(self, *, in_class: bool) -> str:
        """The escape at `self.at` (a backslash), rewritten; advances past it."""
        start = self.at
        text = self.text
        if start + 1 >= len(text):
            raise self.fail("a trailing backslash")
        letter = text[start + 1]
        self.at = start + 2
        if in_class and letter in _CLASS_ESCAPES:
            return _CLASS_ESCAPES[letter]
        if in_class and letter in "DWS":
            return f"[^{_CLASS_ESCAPES[letter.lower()]}]"  # a nested class: Rust takes the union
        if in_class and letter == "b":
            return "\\x08"
        if not in_class and letter in _ALONE:
            return _ALONE[letter]
        if letter in _CONTROL:
            return _CONTROL[letter]
        if letter == "0" and not text[self.at : self.at + 1].isdigit():
            return "\\x00"
        if letter.isdigit() or letter == "k":
            raise self.fail("a backreference", start)
        control = text[self.at : self.at + 1]
        if letter == "c" and control.isascii() and control.isalpha():
            self.at += 1
            return f"\\x{ord(control) % 32:02x}"
        if letter == "x" and _HEX2.match(text, self.at):
            self.at += 2
            return text[start : self.at]
        if letter == "u":
            return self.unicode_escape(start)
        if letter.isascii() and not letter.isalnum():
            return "\\" + letter  # an escaped punctuation character means itself in both
        if not letter.isascii():
            return letter
        raise self.fail(f"the escape \\{letter}", start)

    def unicode_escape(self, start: int) -> str:
        text = self.text
        if braced := _BRACED.match(text, self.at):
            self.at = braced.end()
            code = int(braced.group(1), 16)
        elif _HEX4.match(text, self.at):
            code = int(text[self.at : self.at + 4], 16)
            self.at += 4
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", self.at):
                low = int(text[self.at + 2 : self.at + 6] or "0", 16)
                if 0xDC00 <= low < 0xE000 and _HEX4.match(text, self.at + 2):
                    self.at += 6
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        else:
            raise self.fail("a malformed \\u escape", start)
        if 0xD800 <= code < 0xE000:
            raise self.fail("a lone surrogate", start)
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\u{{{code:x}}}"

    def char_class(self) -> str:
        """The class at `self.at` (`[`), rewritten member by member; advances past it."""
        start = self.at
        text = self.text
        self.at += 1
        negated = text.startswith("^", self.at)
        self.at += negated
        if text.startswith("]", self.at):
            if negated:
                self.at += 1
                return "(?s:.)"  # [^] matches any character
            raise self.fail("an empty class []", start)
        members: list[str] = []
        while True:
            if self.at >= len(text):
                raise self.fail("an unclosed class", start)
            if text[self.at] == "]":
                self.at += 1
                return "[" + "^" * negated + _join(members) + "]"
            low, single = self.class_atom()
            is_range = (
                single
                and text.startswith("-", self.at)
                and self.at + 1 < len(text)
                and text[self.at + 1] != "]"
            )
            if not is_range:
                members.append(low)
                continue
            self.at += 1
            high, high_single = self.class_atom()
            if not high_single:  # Annex B: `[a-\d]` is `a`, `-` and the class escape
                members += [low, "\\-", high]
                continue
            members.append(f"{low}-{high}")

    def class_atom(self) -> tuple[str, bool]:
        """One class member and whether it is a single character (may bound a range)."""
        char = self.text[self.at]
        if char == "\\":
            letter = self.text[self.at + 1 : self.at + 2]
            piece = self.escape(in_class=True)
            return piece, letter not in "dDwWsS"
        self.at += 1
        return ("\\" + char if char in _CLASS_SPECIAL else char), True


def _join(members: list[str]) -> str:
    """Class members in order; a `-` that ends the class stays bare (`[._-]`), as written."""
    if len(members) > 1 and members[-1] == "\\-" and not members[-2].endswith("-"):
        members = [*members[:-1], "-"]
    return "".join(members)
