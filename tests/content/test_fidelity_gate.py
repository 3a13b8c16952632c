"""The fidelity gate on the live site: the pages hold the original notes, section by section.

The gate's machinery, and every fault it catches, is tested on fixture projects in
``tests/notesite/test_fidelity.py``.
"""

from __future__ import annotations

from notesite.fidelity import check_project, originals, post_pages
from notesite.model import read_markdown
from notesite.project import Project
from notesite.sync.post import read_post


def test_the_pages_hold_the_original_notes(project: Project) -> None:
    report = check_project(project)
    assert report.ok, report.diff


def test_every_section_of_the_notes_has_its_page_in_nav_order(project: Project) -> None:
    """Each post's note pages, in nav order, are its original's `##` sections, in order."""
    names = originals(project)
    assert names, f"no original post in {project.originals_dir}"
    for name in names:
        post = read_post(read_markdown(project.originals_dir / name, name), name)
        sections = [post.units[section[0]].heading_text for section in post.sections]
        titles = [
            page.lines[page.headings[0][0]].strip().lstrip("#").strip()
            for page in post_pages(project, post.title)
        ]
        assert titles == sections, name
