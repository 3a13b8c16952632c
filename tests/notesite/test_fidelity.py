"""The fidelity gate passes on the repository and catches every planted fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from notesite.fidelity import check_project, originals, post_pages, rebuild_page
from notesite.model import PageError, parse_page
from notesite.project import Project

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = "docs/notes/neural-network-model-components.md"


@pytest.fixture
def repo_copy(project_copy: Path) -> Path:
    return project_copy


def edit(repo: Path, page: str, old: str, new: str) -> None:
    path = repo / page
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the planted fault needs {old!r} in {page}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_pages_hold_the_original_notes() -> None:
    report = check_project(Project.at(ROOT))
    assert report.ok, report.diff


def test_every_section_of_the_notes_has_its_page_in_nav_order() -> None:
    """Each post's note pages, in nav order, are its original's `##` sections, in order."""
    project = Project.at(ROOT)
    assert originals(project)
    for name in originals(project):
        original = parse_page(
            (project.originals_dir / name).read_text(encoding="utf-8"), name, note=False
        )
        sections = [
            original.lines[line].removeprefix("## ")
            for line, level in original.headings
            if level == 2
        ]
        pages = post_pages(project, str(original.meta["title"]))
        assert [page.title for page in pages] == sections, name


def test_a_changed_word_fails_with_a_readable_diff(repo_copy: Path) -> None:
    edit(repo_copy, COMPONENTS, "cleverly stores", "stores")
    report = check_project(Project.at(repo_copy))
    assert not report.ok
    assert "-- `tensor.gather(dim, indices)`" in report.diff
    assert "`targets` cleverly stores" in report.diff
    assert "+- `tensor.gather(dim, indices)`" in report.diff


def test_a_fixed_typo_fails(repo_copy: Path) -> None:
    edit(repo_copy, "docs/notes/common-operations.md", "RPNG", "RNG")
    assert not check_project(Project.at(repo_copy)).ok


def test_an_added_line_outside_an_addition_fails(repo_copy: Path) -> None:
    edit(
        repo_copy,
        "docs/notes/misc.md",
        "# Misc\n",
        "# Misc\n\nA sentence the author never wrote.\n",
    )
    report = check_project(Project.at(repo_copy))
    assert "+A sentence the author never wrote." in report.diff


def test_a_correction_without_its_erratum_fails(repo_copy: Path) -> None:
    page = repo_copy / COMPONENTS
    text = page.read_text(encoding="utf-8")
    start = text.index('    !!! erratum "Erratum: `inputs` is not defined"')
    end = text.index("    - `softmax` creates")
    page.write_text(text[:start] + text[end:], encoding="utf-8")
    report = check_project(Project.at(repo_copy))
    assert not report.ok
    assert "-probs = torch.nn.functional.softmax(inputs, dim=1)" in report.diff


def test_an_erratum_whose_correction_is_not_on_the_page_is_an_error(repo_copy: Path) -> None:
    edit(
        repo_copy,
        COMPONENTS,
        "+probs = torch.nn.functional.softmax(model_preds",
        "+probs = F.softmax(x",
    )
    with pytest.raises(
        PageError,
        match=r"neural-network-model-components.md:\d+: expected the erratum right under the "
        r"text it corrects, got it under line \d+, which does not hold its '\+' lines",
    ):
        check_project(Project.at(repo_copy))


def test_an_admonition_of_an_unknown_kind_is_an_error(repo_copy: Path) -> None:
    edit(repo_copy, "docs/notes/misc.md", "# Misc\n", '# Misc\n\n!!! note "Hidden"\n    text\n')
    with pytest.raises(PageError, match=r"misc.md:\d+: expected an admonition of one of the kinds"):
        check_project(Project.at(repo_copy))


def test_changed_metadata_fails(repo_copy: Path) -> None:
    edit(repo_copy, "docs/notes/misc.md", "date: '2022-01-28 13:19'", "date: '2022-02-01'")
    report = check_project(Project.at(repo_copy))
    assert "notes/misc.md: expected front matter post:" in report.diff


def test_fence_options_and_heading_levels_are_structure_not_words() -> None:
    page = "# Title\n\n## Sub\n\n```python continuation fixture:cuda\nx = 1\n```\n"
    assert rebuild_page(parse_page(page, "notes/p.md")) == [
        "## Title",
        "",
        "### Sub",
        "",
        "```python",
        "x = 1",
        "```",
    ]
