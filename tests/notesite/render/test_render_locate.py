"""Which page a converter is given: Markdown of no page, or of two pages, is left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitepages import converter, render


def test_text_that_is_no_page_is_left_alone() -> None:
    html = converter().convert("An example:\n\n```python\nx = 1\n```\n")
    assert "ptn-badges" not in html
    assert "language-python" in html


def test_two_pages_of_the_same_text_are_left_alone_without_their_path(scratch: Path) -> None:
    """Plain Markdown (no builder names the page) cannot tell two pages of one text apart."""
    notes = scratch / "docs" / "notes"
    shutil.copy(notes / "misc.md", notes / "misc-copy.md")
    config = scratch / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      - notes/misc.md\n", "      - notes/misc.md\n      - notes/misc-copy.md\n"
        ),
        encoding="utf-8",
    )
    assert render("notes/misc.md", scratch).select_one("p.post-byline") is None
    (notes / "misc-copy.md").write_text("# Another page\n\nIts own text.\n", encoding="utf-8")
    assert render("notes/misc.md", scratch).select_one("p.post-byline") is not None
