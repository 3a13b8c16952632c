"""A project of the matrix's own: a page of two blocks, a pyproject.toml, results written here.

Never the live notes' results: an author who edits a note does not turn these tests red.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite import matrix
from notesite.model import code_hash
from notesite.project import Project

#: The page: its blocks' code is ``print(1)`` and ``print(2)``.
PAGE = "# Page\n\n```python\nprint(1)\n```\n\n```python\nprint(2)\n```\n"

#: Writes a release's results: ``write(project, version, {code: (outcome, detail)})``.
Write = Callable[[Project, str, dict[str, tuple[str, str]]], None]
#: Makes the project: ``make(bound)`` with ``torch>=bound`` in its pyproject.toml.
Make = Callable[..., Project]


@pytest.fixture
def make(tmp_path: Path) -> Make:
    """The matrix's project in ``tmp_path``, admitting torch from ``bound`` (2.4) up."""

    def made(bound: str = "2.4") -> Project:
        (tmp_path / "docs" / "notes").mkdir(parents=True)
        (tmp_path / "docs" / "notes" / "page.md").write_text(PAGE, encoding="utf-8")
        (tmp_path / "mkdocs.yml").write_text(
            "site_name: s\nnav:\n  - notes/page.md\n", encoding="utf-8"
        )
        (tmp_path / "pyproject.toml").write_text(
            f'[project]\ndependencies = ["torch>={bound}"]\n', encoding="utf-8"
        )
        return Project.at(tmp_path)

    return made


@pytest.fixture
def scratch(make: Make) -> Project:
    """The matrix's project, admitting torch 2.4 and later."""
    return make()


@pytest.fixture
def write() -> Write:
    """Writes a release's results: block code -> (outcome, detail)."""

    def written(project: Project, version: str, outcomes: dict[str, tuple[str, str]]) -> None:
        folder = project.outputs_dir / matrix.RELEASES
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "torch": version,
            "results": {
                f"docs/notes/page.md::[{code}]": {
                    "block": f"notes/page.md#{code_hash(code)}",
                    "outcome": outcome,
                    "detail": detail,
                }
                for code, (outcome, detail) in outcomes.items()
            },
        }
        (folder / f"{version}.json").write_text(json.dumps(data), encoding="utf-8")

    return written
