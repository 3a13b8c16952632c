"""``python -m notesite matrix`` (:mod:`notesite.matrix.command`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from notesite import matrix
from notesite.project import Project

#: The scratch page's two blocks, an outcome that passes, and the ``write`` fixture's type.
ONE, TWO = "print(1)\n", "print(2)\n"
PASS = ("passed", "")
Write = Callable[[Project, str, dict[str, tuple[str, str]]], None]


def test_the_check_says_which_releases_it_covers_and_lists_what_waits(
    scratch: Project, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.5.1", {ONE: PASS})
    assert matrix.main(["--check", "--root", str(scratch.root)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "1 blocks not yet verified on every release (not a failure):",
        "  docs/notes/page.md:7 (block 2): not yet verified on 2.5.1",
        "the release matrix covers torch 2.4.1, 2.5.1",
    ]


def test_the_check_fails_naming_what_is_missing(
    scratch: Project, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.6.1", {ONE: PASS, TWO: PASS})
    assert matrix.main(["--check", "--root", str(scratch.root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "outputs/releases/: expected results for torch 2.5 (the project admits torch>=2.4), "
        "got none: run make matrix"
    ]
