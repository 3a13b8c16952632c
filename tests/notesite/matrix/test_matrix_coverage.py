"""What the committed results lack: the check CI runs (:mod:`notesite.matrix.coverage`)."""

from __future__ import annotations

from collections.abc import Callable

from notesite import matrix
from notesite.project import Project

#: The scratch page's two blocks, an outcome that passes, and the fixtures' types.
ONE, TWO = "print(1)\n", "print(2)\n"
PASS = ("passed", "")
Write = Callable[[Project, str, dict[str, tuple[str, str]]], None]
Make = Callable[..., Project]


def test_the_check_names_a_missing_release_and_a_block_without_result(
    scratch: Project, write: Write
) -> None:
    assert matrix.check(scratch) == [
        "outputs/releases/: expected the release matrix's results, got none: run make matrix"
    ]
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.6.0", {ONE: PASS})
    # A missing release fails; a block without a result on one is listed, not failed.
    assert matrix.check(scratch) == [
        "outputs/releases/: expected results for torch 2.5 (the project admits torch>=2.4), "
        "got none: run make matrix",
    ]
    assert matrix.gaps(scratch) == ["docs/notes/page.md:7 (block 2): not yet verified on 2.6.0"]
    write(scratch, "2.5.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.6.0", {ONE: PASS, TWO: PASS})
    assert matrix.check(scratch) == []
    assert matrix.gaps(scratch) == []
    write(scratch, "2.6.0", {ONE: PASS, TWO: ("failed", "AssertionError")})
    assert matrix.check(scratch) == [  # a result that fails, fails
        "outputs/releases/2.6.0.json: expected docs/notes/page.md:7 (block 2) to hold, got "
        "failed: AssertionError"
    ]
    write(scratch, "2.6.0", {ONE: PASS, TWO: PASS})
    page = scratch.docs_dir / "notes" / "page.md"
    page.write_text(page.read_text(encoding="utf-8").replace("print(2)", "print(3)"), "utf-8")
    changed = Project.at(scratch.root)
    assert matrix.check(changed) == []  # changed code: listed until the workflow runs it
    assert matrix.gaps(changed) == [
        "docs/notes/page.md:7 (block 2): not yet verified on any release"
    ]


def test_a_check_of_a_verified_post_missing_on_a_release_fails_a_new_one_waits(
    scratch: Project, write: Write
) -> None:
    check = (
        "# Page\n\n- A claim.\n\n"
        '    ??? success "Checked: it holds"\n        One and one:\n\n'
        "        ```python\n        assert 1 + 1 == 2\n        ```\n"
    )
    (scratch.docs_dir / "notes" / "page.md").write_text(check, encoding="utf-8")
    for version in ("2.4.1", "2.5.1"):
        write(scratch, version, {ONE: PASS})
    # New since the matrix ran (a contributor's check): listed, until the workflow runs it.
    project = Project.at(scratch.root)
    assert matrix.check(project) == []
    assert matrix.gaps(project) == [
        "docs/notes/page.md:8 (block 1): not yet verified on any release"
    ]
    # One release has its result and another lacks it: the matrix is incomplete, and fails.
    write(scratch, "2.4.1", {"assert 1 + 1 == 2\n": PASS})
    assert matrix.check(Project.at(scratch.root)) == [
        "outputs/releases/: expected a result for docs/notes/page.md:8 (block 1) (a check of a "
        "verified post) as its code is now on every release that has one, got none on 2.5.1: "
        "run make matrix"
    ]


def test_results_the_project_does_not_admit_are_named_and_not_shown(
    make: Make, write: Write
) -> None:
    scratch = make(bound="2.5")
    for version in ("2.4.1", "2.5.1"):
        write(scratch, version, {ONE: PASS, TWO: PASS})
    folder = scratch.outputs_dir / matrix.RELEASES
    (folder / "latest.json").write_text((folder / "2.5.1.json").read_text(), encoding="utf-8")
    assert list(matrix.results(scratch)) == ["2.5.1"]
    assert matrix.check(scratch) == [
        "outputs/releases/2.4.1.json: expected results of the releases the project admits "
        "(torch>=2.5), got an older one: remove it",
        "outputs/releases/latest.json: expected only results named by their release "
        "(2.4.1.json), got this file: remove it",
    ]
