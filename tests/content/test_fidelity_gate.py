"""The fidelity gate on the live site: the pages hold the original notes, section by section.

The gate's machinery, and every fault it catches, is tested on fixture projects in
``tests/notesite/test_fidelity.py``.
"""

from __future__ import annotations

from notesite.fidelity import check_project, originals
from notesite.project import Project
from notesite.sync.paging import section_titles


def test_the_pages_hold_the_original_notes(project: Project) -> None:
    report = check_project(project)
    assert report.ok, report.diff


def test_every_section_of_the_notes_has_its_page_in_nav_order(project: Project) -> None:
    """Each post's `##` sections, in order: its pages' titles (a post split into a page per
    section), or the `##` headings of its one page."""
    names = originals(project)
    assert names, f"no original post in {project.originals_dir}"
    for name in names:
        sections, shown = section_titles(project, name)
        assert shown == sections, name
