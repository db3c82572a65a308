"""Run the `pycon` blocks of a docs page as doctests: what a page shows is what the code does."""

from __future__ import annotations

import doctest
import io
import re

_PYCON = re.compile(r"^```pycon\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def pycon_blocks(text: str) -> list[str]:
    """Every fenced ```pycon block of a Markdown page."""
    return _PYCON.findall(text)


def run_pycon(block: str, name: str) -> str:
    """Run one block; return doctest's report of failures ("" when every example held)."""
    test = doctest.DocTestParser().get_doctest(block, {}, name, name, 0)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=out.write)
    return out.getvalue()
