"""The release matrix: results per test, what they say of a block, and the check CI runs.

On a project of its own (a page, a pyproject.toml, result files written here), never the live
notes' results: an author who edits a note does not turn these red.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from notesite import matrix
from notesite.model import code_hash, parse_page
from notesite.project import Project

PAGE = "# Page\n\n```python\nprint(1)\n```\n\n```python\nprint(2)\n```\n"


#: The second block of PAGE, as the check names it: its line and number in the page model.
SECOND = "{0.line} (block {0.number})".format(parse_page(PAGE, "notes/page.md").blocks[1])


def project(tmp_path: Path, bound: str = "2.4") -> Project:
    (tmp_path / "docs" / "notes").mkdir(parents=True)
    (tmp_path / "docs" / "notes" / "page.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: s\nnav:\n  - notes/page.md\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\ndependencies = ["torch>={bound}"]\n', encoding="utf-8"
    )
    return Project.at(tmp_path)


def write(project: Project, version: str, outcomes: dict[str, tuple[str, str]]) -> None:
    """A release's results: block code -> (outcome, detail)."""
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


ONE, TWO = "print(1)\n", "print(2)\n"
PASS = ("passed", "")


def test_admitted_releases_are_the_newest_patch_of_each_minor_from_the_bound() -> None:
    versions = ["2.3.1", "2.4.0", "2.4.1", "2.5.0", "2.10.0", "2.9.1", "2.10.1", "3.0.0"]
    assert matrix.admitted(versions, "2.4") == ["2.4.1", "2.5.0", "2.9.1", "2.10.1", "3.0.0"]
    assert matrix.admitted(versions, "2.10.1") == ["2.10.1", "3.0.0"]


def test_a_block_holds_where_it_passed_and_says_what_differs(tmp_path: Path) -> None:
    scratch = project(tmp_path)
    write(scratch, "2.4.1", {ONE: ("failed", "RuntimeError: boom"), TWO: PASS})
    write(scratch, "2.5.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.6.0", {ONE: PASS, TWO: ("skipped", "needs a CUDA GPU")})
    write(scratch, "2.7.1", {TWO: PASS})  # ONE's code is not the one that ran: not verified
    write(scratch, "2.10.0", {ONE: PASS, TWO: PASS})
    among = list(matrix.results(scratch))
    assert among == ["2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.10.0"]  # by version, not by name
    one = matrix.holding(scratch, [f"notes/page.md#{code_hash(ONE)}"])
    assert matrix.describe(one, among) == (
        "fails on torch 2.4 (2.4: RuntimeError: boom); holds on torch 2.5 to 2.6, 2.10; "
        "not yet verified on 2.7"
    )
    two = matrix.holding(scratch, [f"notes/page.md#{code_hash(TWO)}"])
    assert matrix.describe(two, among) == ("holds on torch 2.4 to 2.5, 2.7 to 2.10; skipped on 2.6")
    both = matrix.holding(scratch, [f"notes/page.md#{code_hash(c)}" for c in (ONE, TWO)])
    assert both.passed == ("2.5.1", "2.10.0")


def test_the_check_names_a_missing_release_and_a_block_without_result(tmp_path: Path) -> None:
    scratch = project(tmp_path)
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
    page.write_text(PAGE.replace("print(2)", "print(3)"), encoding="utf-8")
    changed = Project.at(scratch.root)
    assert matrix.check(changed) == []  # changed code: listed until the workflow runs it
    assert matrix.gaps(changed) == [
        "docs/notes/page.md:7 (block 2): not yet verified on any release"
    ]


def test_a_check_of_a_verified_post_without_a_result_fails(tmp_path: Path) -> None:
    scratch = project(tmp_path)
    check = (
        "# Page\n\n- A claim.\n\n"
        '    ??? success "Checked: it holds"\n        One and one:\n\n'
        "        ```python\n        assert 1 + 1 == 2\n        ```\n"
    )
    (scratch.docs_dir / "notes" / "page.md").write_text(check, encoding="utf-8")
    for version in ("2.4.1", "2.5.1"):
        write(scratch, version, {ONE: PASS})
    assert matrix.check(Project.at(scratch.root)) == [
        "outputs/releases/: expected a result for docs/notes/page.md:8 (block 1) (a check of a "
        "verified post) as its code is now, got none on every release: run make matrix"
    ]


def test_the_plugin_writes_one_result_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_some="""
        import pytest

        def test_passes():
            pass

        def test_fails():
            raise ValueError("the last line")

        @pytest.mark.skip(reason="needs a CUDA GPU")
        def test_skips():
            pass
        """
    )
    target = pytester.path / "results" / "2.13.0.json"
    outcome = pytester.runpytest_inprocess(f"--release-results={target}", "-p", "no:randomly")
    outcome.assert_outcomes(passed=1, failed=1, skipped=1)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {"torch", "build", "python", "platform", "date", "packages"} <= set(data)
    assert data["results"] == {
        "test_some.py::test_passes": {"outcome": "passed", "detail": ""},
        "test_some.py::test_fails": {"outcome": "failed", "detail": "ValueError: the last line"},
        "test_some.py::test_skips": {"outcome": "skipped", "detail": "needs a CUDA GPU"},
    }


def test_the_wording_leads_with_a_failure_and_gives_each_release_s_error(tmp_path: Path) -> None:
    scratch = project(tmp_path)
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.5.1", {ONE: ("failed", "TypeError: a"), TWO: PASS})
    write(scratch, "2.6.0", {ONE: ("failed", "RuntimeError: b"), TWO: PASS})
    among = list(matrix.results(scratch))
    one = matrix.holding(scratch, [f"notes/page.md#{code_hash(ONE)}"])
    assert matrix.describe(one, among) == (
        "fails on torch 2.5 to 2.6 (2.5: TypeError: a, 2.6: RuntimeError: b); holds on torch 2.4"
    )


def test_results_the_project_does_not_admit_are_named_and_not_shown(tmp_path: Path) -> None:
    scratch = project(tmp_path, bound="2.5")
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


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{bad", "outputs/releases/2.6.0.json: expected the release matrix's JSON, got "),
        ("{}", "outputs/releases/2.6.0.json: expected a mapping with 'results'"),
        (
            '{"results": {"t": {"outcome": "exploded", "detail": ""}}}',
            "outputs/releases/2.6.0.json: expected the outcome of t to be one of passed, "
            "failed, skipped, got 'exploded'",
        ),
        (
            '{"results": {"t": {"outcome": 3, "detail": ""}}}',
            "outputs/releases/2.6.0.json: expected the outcome of t to be one of passed, "
            "failed, skipped, got 3",
        ),
        (
            '{"results": {"t": {"outcome": "passed", "detail": 7}}}',
            "outputs/releases/2.6.0.json: expected the detail of t to be text, got int 7",
        ),
        (
            '{"results": {"t": ["passed"]}}',
            "outputs/releases/2.6.0.json: expected each test's result to be a mapping, got list",
        ),
    ],
)
def test_a_results_file_that_cannot_be_read_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    scratch = project(tmp_path)
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    (scratch.outputs_dir / matrix.RELEASES / "2.6.0.json").write_text(content, encoding="utf-8")
    with pytest.raises(matrix.ResultsError, match="^" + re.escape(expected)):
        matrix.results(scratch)
    assert matrix.main(["--check", "--root", str(scratch.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {expected}")
    assert len(err.strip().splitlines()) == 1
