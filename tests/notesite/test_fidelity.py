"""The fidelity gate catches every planted fault (on the live site it runs in tests/content/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notesite.fidelity import check_project, originals, rebuild_page
from notesite.model import PageError, parse_page
from notesite.project import Project
from notesite.sync import sync
from notesite.sync.paging import section_titles

#: The planted faults go into a copy of the sync's fixture project, never the live notes.
FIXTURE = Path(__file__).parent / "sync" / "project"
MODULES = "docs/notes/modules.md"
TENSORS = "docs/notes/creating-tensors.md"


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the sync's fixture project (one post, two pages, every kind of box)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "project"))


def edit(repo: Path, page: str, old: str, new: str) -> None:
    path = repo / page
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the planted fault needs {old!r} in {page}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def section_order(root: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Per post of a project: its ``##`` sections, and its note pages' titles in nav order."""
    project = Project.at(root)
    return {name: section_titles(project, name) for name in originals(project)}


def test_every_section_of_the_notes_has_its_page_in_nav_order() -> None:
    """Each post's note pages, in nav order, are its original's `##` sections, in order (on
    the live site: ``tests/content/test_fidelity_gate.py``)."""
    found = section_order(FIXTURE)
    assert found
    for name, (sections, titles) in found.items():
        assert titles == sections, name


def test_nav_order_holds_for_each_post_whatever_its_front_matter(repo_copy: Path) -> None:
    """A second post (TOML front matter, an introduction, a # heading) is checked on its own."""
    post = repo_copy / "kettle.md"
    post.write_text(
        '+++\ntitle = "Kettle notes"\npages = "sections"\n+++\n\n'
        "About kettles.\n\n## Water ##\n\nIt boils.\n\n"
        "# Aside\n\nSteam.\n\n## Lids\n\nA lid.\n",
        encoding="utf-8",
    )
    sync(Project.at(repo_copy), post, new_post=True, run_blocks=False)
    found = section_order(repo_copy)
    assert found["kettle.md"] == (["Water", "Lids"], ["Water", "Lids"])
    config = repo_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    water, lids = "notes/kettle/water.md", "notes/kettle/lids.md"
    config.write_text(text.replace(water, "@").replace(lids, water).replace("@", lids))
    assert section_order(repo_copy)["kettle.md"][1] == ["Lids", "Water"]


def test_the_fixture_holds_its_original(repo_copy: Path) -> None:
    report = check_project(Project.at(repo_copy))
    assert report.ok, report.diff


def test_a_changed_word_fails_with_a_readable_diff(repo_copy: Path) -> None:
    edit(repo_copy, MODULES, "only holds them", "holds them")
    report = check_project(Project.at(repo_copy))
    assert not report.ok
    assert "-- `nn.ModuleList()` only holds them." in report.diff
    assert "+- `nn.ModuleList()` holds them." in report.diff


def test_a_fixed_typo_fails(repo_copy: Path) -> None:
    edit(repo_copy, TENSORS, "counts the elements", "count the elements")
    assert not check_project(Project.at(repo_copy)).ok


def test_an_added_line_outside_an_addition_fails(repo_copy: Path) -> None:
    edit(repo_copy, MODULES, "# Modules\n", "# Modules\n\nA sentence the author never wrote.\n")
    report = check_project(Project.at(repo_copy))
    assert "+A sentence the author never wrote." in report.diff


def test_a_correction_without_its_erratum_fails(repo_copy: Path) -> None:
    page = repo_copy / TENSORS
    text = page.read_text(encoding="utf-8")
    start = text.index('    !!! erratum "Erratum: the shape is 2 by 3"')
    end = text.index('??? example "Setup for the next snippet"')
    page.write_text(text[:start] + text[end:], encoding="utf-8")
    report = check_project(Project.at(repo_copy))
    assert not report.ok
    assert "-- `torch.zeros(2, 3)` makes a 3 by 2 tensor of zeros" in report.diff


def test_an_erratum_whose_correction_is_not_on_the_page_is_an_error(repo_copy: Path) -> None:
    edit(
        repo_copy,
        TENSORS,
        "+- `torch.zeros(2, 3)` makes a 2 by 3",
        "+- `torch.zeros(2, 3)` gives a 2 by 3",
    )
    with pytest.raises(
        PageError,
        match=r"creating-tensors.md:\d+: expected the erratum right under the "
        r"text it corrects, got it under line \d+, which does not hold its '\+' lines",
    ):
        check_project(Project.at(repo_copy))


def test_an_admonition_of_an_unknown_kind_is_an_error(repo_copy: Path) -> None:
    edit(repo_copy, MODULES, "# Modules\n", '# Modules\n\n!!! note "Hidden"\n    text\n')
    with pytest.raises(
        PageError, match=r"modules.md:\d+: expected an admonition of one of the kinds"
    ):
        check_project(Project.at(repo_copy))


def test_changed_metadata_fails(repo_copy: Path) -> None:
    edit(repo_copy, MODULES, "date: '2023-05-01 10:00'", "date: '2023-06-01'")
    report = check_project(Project.at(repo_copy))
    assert "notes/modules.md: expected front matter post:" in report.diff


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
