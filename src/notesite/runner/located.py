"""Docstring examples placed at their own lines in the module file."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any


def located(test: Any) -> Any:
    """A docstring example's test definition with its code at its lines in the module file.

    pytest-markdown-docs places a docstring's code one line too low, and a raw (``r\"\"\"``)
    docstring's anywhere; the code is found in the file itself instead (the occurrence
    nearest to where pytest-markdown-docs put it). A page's blocks are left as they are.
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
        if all(start + k < len(text) and text[start + k].strip() == own[k].strip() for k in filled)
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


@functools.lru_cache(maxsize=64)
def _file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")
