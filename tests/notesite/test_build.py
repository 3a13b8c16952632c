"""The strict build fails on a broken link, a page missing from nav, an unresolved reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from notesite.testing import copy_project, mkdocs_build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def append(page: Path, text: str) -> None:
    page.write_text(page.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_project_builds_strictly(project: Path) -> None:
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 0, done.stderr


def test_a_broken_internal_link_fails(project: Path) -> None:
    append(project / "docs" / "notes" / "misc.md", "\n[gone](no-such-page.md)\n")
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 1
    assert "no-such-page.md" in done.stderr


def test_a_broken_anchor_fails(project: Path) -> None:
    append(project / "docs" / "errata.md", "\n[gone](notes/misc.md#no-such-anchor)\n")
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 1
    assert "no-such-anchor" in done.stderr


def test_a_page_missing_from_nav_fails(project: Path) -> None:
    (project / "docs" / "notes" / "orphan.md").write_text("# Orphan\n", encoding="utf-8")
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 1
    assert "notes/orphan.md" in done.stderr


def test_an_unresolved_reference_fails(project: Path) -> None:
    append(project / "docs" / "notes" / "misc.md", "\nSee [`nope`][ptnotes.no_such_helper].\n")
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 1
    assert "ptnotes.no_such_helper" in done.stderr


def test_a_hand_edited_record_fails_with_a_clear_error(project: Path) -> None:
    record = project / "outputs" / "notes" / "misc.md.txt"
    record.write_text(
        record.read_text(encoding="utf-8").replace("stdout:", "stdout?", 1), encoding="utf-8"
    )
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 1
    assert "outputs/notes/misc.md.txt:" in done.stderr
    assert "(block 2): expected 'verified cpu|cuda: …'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_stale_record_fails_the_build(project: Path) -> None:
    page = project / "docs" / "notes" / "misc.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "print(predicted_test)", "print(predicted_test.sum())"
        ),
        encoding="utf-8",
    )
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 1
    assert "notes/misc.md: expected a recorded output for block(s) [2]" in done.stderr
