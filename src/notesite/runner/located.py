"""Docstring examples placed at their own lines in the module file."""

from __future__ import annotations

import dataclasses
import functools
import warnings
from pathlib import Path
from typing import Any


def located(test: Any) -> Any:
    """A docstring example's test definition with its code at its lines in the module file.

    pytest-markdown-docs places a docstring's code one line too low, and a raw (``r\"\"\"``)
    docstring's anywhere; the code is found in the file itself instead (the occurrence
    nearest to where pytest-markdown-docs put it; a line of a docstring that is not raw
    matches as Python reads its escapes: a doubled backslash in the file is one in the
    example). A page's blocks are left as they are.
    """
    path = Path(test.source_path)
    if path.suffix != ".py":
        return test
    lines = test.source.split("\n")
    own = lines[test.start_line :]
    filled = [k for k, line in enumerate(own) if line.strip()]
    if not filled:
        return test
    try:
        text = _file_lines(path)
    except OSError:
        return test
    matches = [
        start
        for start in range(len(text))
        if all(start + k < len(text) and _same(text[start + k], own[k]) for k in filled)
    ]
    if not matches:
        return test
    # pytest-markdown-docs' guess is at or after the code: one line late for a docstring,
    # at its closing quotes for a raw one. The nearest occurrence not after it is the code.
    before = [m for m in matches if m <= test.start_line]
    start = max(before) if before else min(matches, key=lambda m: abs(m - test.start_line))
    prefix = lines[: test.start_line]
    prefix = (
        (prefix + [""] * start)[:start]
        if len(prefix) > start
        else prefix + [""] * (start - len(prefix))
    )
    return dataclasses.replace(test, source="\n".join([*prefix, *own]), start_line=start)


def _same(written: str, code: str) -> bool:
    """Whether a line of the file is a line of the example, escapes read or not."""
    written, code = written.strip(), code.strip()
    if written == code:
        return True
    if "\\" not in written:
        return False
    try:  # non-ASCII kept: only the escapes are read
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an invalid escape (raw text): no match
            read = written.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except (UnicodeDecodeError, DeprecationWarning, SyntaxWarning):
        return False
    return read == code


@functools.lru_cache(maxsize=64)
def _file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")
