"""The fidelity gate on the live site: the pages hold the original notes, section by section.

The gate's machinery, and every fault it catches, is tested on fixture projects in
``tests/notesite/test_fidelity.py``.
"""

from __future__ import annotations

from notesite.fidelity import check_project, originals, post_pages
from notesite.model import read_markdown
from notesite.project import SECTIONS, Project
from notesite.sync.post import read_post


def test_the_pages_hold_the_original_notes(project: Project) -> None:
    report = check_project(project)
    assert report.ok, report.diff


def test_every_section_of_the_notes_has_its_page_in_nav_order(project: Project) -> None:
    """Each post's `##` sections, in order: its pages' titles (a post split into a page per
    section), or the `##` headings of its one page."""
    names = originals(project)
    assert names, f"no original post in {project.originals_dir}"
    for name in names:
        post = read_post(read_markdown(project.originals_dir / name, name), name)
        # A post without a `##` heading is one section that no heading opens: no title.
        sections = [
            post.units[section[0]].heading_text
            for section in post.sections
            if post.units[section[0]].heading_level == 2
        ]
        pages = post_pages(project, name)
        if project.paging(name, post.meta) == SECTIONS:
            titles = [page.lines[page.headings[0][0]].strip().lstrip("#").strip() for page in pages]
        else:
            (page,) = pages
            titles = [
                page.lines[line].strip().lstrip("#").strip()
                for line, level in page.headings
                if level == 2
            ]
        assert titles == sections, name
