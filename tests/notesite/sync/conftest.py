"""The sync's fixture project (``project/``: one post, two pages, every kind of box).

Each test copies it, writes its own version of the post (a change of the original, as
base / current / other: the original, the pages, the new version) and syncs it. No test here
reads the live notes, so an author who edits them or adds a post never turns one red.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from notesite.fidelity import check_project
from notesite.model import UNCHECKED
from notesite.project import Project
from notesite.sync import Outcome, sync

FIXTURE = Path(__file__).parent / "project"
ORIGINAL = "basics.md"


@dataclass
class Fixture:
    """A copy of the fixture project, and what the tests do with it."""

    root: Path
    scratch: Path

    @property
    def project(self) -> Project:
        return Project.at(self.root)

    @property
    def original(self) -> str:
        return (self.root / "notes-original" / ORIGINAL).read_text(encoding="utf-8")

    def version(self, change: Callable[[str], str], name: str = ORIGINAL) -> Path:
        """A new version of the post: the original with ``change`` applied."""
        path = self.scratch / name
        path.write_text(change(self.original), encoding="utf-8")
        return path

    def sync(self, post: Path, **options: object) -> Outcome:
        options.setdefault("run_blocks", False)
        return sync(self.project, post, **options)  # type: ignore[arg-type]

    def split(self, name: str) -> None:
        """Have the project split the post ``name`` into a page per ``##`` section."""
        config = self.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        marker = "      posts:\n"
        assert text.count(marker) == 1, "the fixture's mkdocs.yml lists posts: once"
        entry = f"        {name}: {{pages: sections}}\n"
        config.write_text(text.replace(marker, marker + entry), encoding="utf-8")

    def page(self, name: str) -> str:
        return (self.root / "docs" / "notes" / name).read_text(encoding="utf-8")

    def gate(self) -> None:
        """The fidelity gate holds, and every page still parses with its claims."""
        report = check_project(self.project)
        assert report.ok, report.diff

    def unchecked(self) -> list[str]:
        return [
            f"{page.src_uri}: {claim.text}"
            for page in self.project.notes()
            for claim in page.claims
            if claim.status == UNCHECKED
        ]

    def tree(self) -> dict[str, str]:
        """Every file of the project, by path, with the hash of its bytes."""
        return {
            path.relative_to(self.root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.root.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def fixture(tmp_path: Path) -> Fixture:
    """A fresh copy of the fixture project."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    scratch = tmp_path / "versions"
    scratch.mkdir()
    return Fixture(root, scratch)


def replacing(old: str, new: str) -> Callable[[str], str]:
    """A change of the post: ``old`` (there once) becomes ``new``."""

    def change(text: str) -> str:
        assert text.count(old) == 1, f"the change needs {old!r} once in the original"
        return text.replace(old, new)

    return change


@pytest.fixture
def replace() -> Callable[[str, str], Callable[[str], str]]:
    """:func:`replacing`, for the tests."""
    return replacing
