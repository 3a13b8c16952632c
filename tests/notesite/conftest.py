"""Fixtures of notesite's own tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

ADDOPTS = "--markdown-docs --markdown-docs-syntax=superfences -p no:randomly -p no:cacheprovider"
PLAIN = "# Plain\n\n```python\nprint('plain')\n```\n\n```python\nprint(len('abc'))\n```\n"


@pytest.fixture
def two_pages(pytester: pytest.Pytester) -> Callable[[str], Path]:
    """A fixture project of two pages: one holding the given block, then a plain one.

    The given block is followed, on its page (``docs/a-hostile.md``), by a block printing
    ``after``; the plain page (``docs/b-plain.md``) runs after it and prints ``plain`` and
    ``3``. The project runs ``pytest docs`` with ``--notesite``; returns its root.
    """

    def make(hostile: str) -> Path:
        pytester.makeini(f"[pytest]\naddopts = {ADDOPTS} --notesite\n")
        pytester.makefile(".yml", mkdocs="site_name: scratch\n")
        docs = pytester.path / "docs"
        docs.mkdir()
        # "a" runs first, so that the plain page runs after the hostile one.
        (docs / "a-hostile.md").write_text(
            f"# Hostile\n\n```python\n{hostile}\n```\n\n```python\nprint('after')\n```\n",
            encoding="utf-8",
        )
        (docs / "b-plain.md").write_text(PLAIN, encoding="utf-8")
        return pytester.path

    return make
