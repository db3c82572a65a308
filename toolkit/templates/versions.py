"""`x-quay-versions` annotations read as predicates on a Quay release.

An annotation is `{"sent": "<PEP 440 specifiers, || between alternatives>", "always": ...}`
(toolkit.contract.versions). A version names the known releases it is a prefix of (`3.12` is
every 3.12.x); an annotation those releases disagree on, or one this module cannot read, is
reported as version-dependent without a verdict, never guessed.
"""

from __future__ import annotations

from toolkit.contract.releases import known
from toolkit.contract.versions import KEYWORD, AnnotationError, annotation, releases_of
from toolkit.templates.releases import Version


def sends(spec: object, version: Version) -> bool | None:
    """Whether the release `version` sends what the annotation `spec` describes: `True`, `False`,
    or None when it is unreadable or the releases `version` names disagree. `spec` is the
    annotation object or its `sent` expression."""
    try:
        if isinstance(spec, str):
            sent = releases_of(spec)
        else:
            found = annotation({KEYWORD: spec})
            if found is None:  # pragma: no cover - the key is always there
                return None
            sent = found.sent
    except AnnotationError:
        return None
    named = [v for v in known() if tuple(map(int, v.split(".")))[: len(version)] == version]
    answers = {v in sent for v in named}
    return answers.pop() if len(answers) == 1 else None


def sent_expression(value: object) -> object:
    """The hashable part of an annotation that `sends` reads (its `sent` expression)."""
    if isinstance(value, dict) and isinstance(value.get("sent"), str):
        return value["sent"]
    return value if isinstance(value, str) else repr(value)
