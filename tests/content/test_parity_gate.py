"""The parity gate on the live site: the Python blocks each page shows are those pytest runs.

The gate's machinery, and every fault it catches, is tested on planted pages in
``tests/notesite/test_parity.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from notesite.parity import collected, compare_site
from notesite.project import Project


def collect(pytester: pytest.Pytester, project: Project, *paths: Path) -> dict[Path, list[str]]:
    """The own code of each block pytest collects from ``paths``, by file."""
    items, _ = pytester.inline_genitems(
        "-c", str(project.root / "pyproject.toml"), "--rootdir", str(project.root),
        "-p", "no:randomly", *map(str, paths),
    )  # fmt: skip
    return collected(items)


def test_every_page_shows_exactly_the_blocks_pytest_runs(
    pytester: pytest.Pytester, project: Project, built_site: Path
) -> None:
    collected = collect(pytester, project, project.docs_dir, project.root / "src" / "ptnotes")
    docs = project.docs_dir.resolve()
    on_pages = sum(len(codes) for path, codes in collected.items() if path.is_relative_to(docs))
    # pytest collects every block of the model's pages (a console session as a doctest), and
    # the helpers' docstring examples.
    assert on_pages == sum(len(page.blocks) + len(page.doctests) for page in project.pages()) > 0
    assert any(not path.is_relative_to(docs) for path in collected), "no docstring example"
    mismatches = compare_site(project, built_site, collected)
    assert not mismatches, "\n".join(m.describe() for m in mismatches)
