"""The strict build fails on a broken link or anchor, an orphan page, an unresolved
reference, and a page or record the extension cannot render (without a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

pytestmark = pytest.mark.slow

Build = Callable[[Path, Path], CompletedProcess[str]]


def append(page: Path, text: str) -> None:
    page.write_text(page.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_every_warning_fails_the_strict_build(project_copy: Path, mkdocs_build: Build) -> None:
    """Four planted faults in one build: strict mode reports each, then fails."""
    docs = project_copy / "docs"
    # A broken link in a box of the site's (the author's own links lead where they led).
    misc = docs / "notes" / "misc.md"
    tip = "prints full tensors inside a"
    assert tip in misc.read_text(encoding="utf-8")
    misc.write_text(
        misc.read_text(encoding="utf-8").replace(tip, "prints ([gone](no-such-page.md)) inside a"),
        encoding="utf-8",
    )
    append(docs / "errata.md", "\n[gone](notes/misc.md#no-such-anchor)\n")
    (docs / "notes" / "orphan.md").write_text("# Orphan\n", encoding="utf-8")
    append(docs / "cuda.md", "\nSee [`nope`][ptnotes.no_such_helper].\n")
    append(docs / "notes" / "misc.md", "\n```python\nprint('not yet run')\n```\n")
    done = mkdocs_build(project_copy, project_copy / "site")
    assert done.returncode == 1
    for fault in [
        "no-such-page.md",
        "no-such-anchor",
        "notes/orphan.md",
        "ptnotes.no_such_helper",
        "notes/misc.md: expected a recorded output for block(s)",
    ]:
        assert fault in done.stderr, fault


def test_a_block_not_yet_recorded_does_not_block_a_preview(project_copy: Path) -> None:
    """Without --strict (mkdocs serve, a preview build) the page builds, its block marked."""
    misc = project_copy / "docs" / "notes" / "misc.md"
    append(misc, "\n```python\nprint('not yet run')\n```\n")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(project_copy / "site")],
        cwd=project_copy, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "notes/misc.md: expected a recorded output for block(s)" in done.stderr
    html = (project_copy / "site" / "notes" / "misc" / "index.html").read_text(encoding="utf-8")
    assert "Not yet run" in html


def test_a_broken_check_fails_the_build_naming_its_line(
    project_copy: Path, mkdocs_build: Build
) -> None:
    misc = project_copy / "docs" / "notes" / "misc.md"
    text = misc.read_text(encoding="utf-8")
    box = '??? success "Checked: nothing"\n    Trust me.\n'
    misc.write_text(text.replace("# Misc\n", "# Misc\n\n" + box, 1), encoding="utf-8")
    # The box's first line, after the page's front matter and its heading.
    line = misc.read_text(encoding="utf-8").splitlines().index(box.splitlines()[0]) + 1
    done = mkdocs_build(project_copy, project_copy / "site")
    assert done.returncode == 1
    expected = f"notes/misc.md:{line}: expected the check to hold exactly one ```python"
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
