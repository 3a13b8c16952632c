""" "As written": a note page shows its section as the author wrote it, and back.

Fidelity, proven in the browser: with the switch on, the visible text of the article is the
switch's row and then the original's section, word for word (whitespace normalised): on the
seed post's pages that hold every kind of its boxes, and on the pages of a fixture post
(``fixture_posts``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fixture_posts import KETTLE_PAGES
from playwright.sync_api import Page
from sitebrowser import Browsing, Site, covering_pages, goto, page_url, seed_pages, serve

from notesite.fidelity import originals, post_source
from notesite.model import Page as NotePage
from notesite.model import read_markdown
from notesite.project import SECTIONS, Project
from notesite.sync.post import read_post

pytestmark = pytest.mark.browser

#: Markdown's syntax, which a reader does not see as text.
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKER = re.compile(r"^\s*(?:#+|[-*]|\d+\.)\s+", re.M)


def words(text: str) -> str:
    return " ".join(text.split())


def original_sections(project: Project) -> dict[tuple[str, str | None], str]:
    """Each original's `##` sections, by post title and heading, as a reader reads them (no
    syntax). The post is read as the sync reads it: front matter or none, tags or none."""
    sections: dict[tuple[str, str | None], str] = {}
    for name in originals(project):
        text = read_markdown(project.originals_dir / name, name)
        post = read_post(text, name)
        if project.paging(name, post.meta) != SECTIONS:  # one page: the whole post
            sections[(name, None)] = _plain(post.lines[post.body_start :])
            continue
        for section in post.sections:
            first, last = post.units[section[0]], post.units[section[-1]]
            sections[(name, first.heading_text)] = _plain(post.lines[first.start : last.end])
    return sections


def _plain(lines: list[str]) -> str:
    plain, in_code = [], False
    for line in lines:
        if line.strip().startswith("```"):
            in_code = not in_code
        elif in_code:
            plain.append(line)
        else:
            plain.append(MARKER.sub("", LINK.sub(r"\1", line)).replace("`", ""))
    return words("\n".join(plain))


def visible(page: Page, selector: str) -> str:
    """The words of the first element ``selector`` finds; none where the page has none (a post
    without tags has no tags' row)."""
    found = page.locator(selector)
    return words(str(found.first.evaluate("e => e.innerText"))) if found.count() else ""


def check_as_written(
    page: Page, note: NotePage, sections: dict[tuple[str, str | None], str]
) -> None:
    """The page, with As written on, shows the banner and then the author's section word for
    word: the post's tags and byline, the actions and the section, nothing else."""
    banner = visible(page, ".ptn-as-written-banner")
    assert banner.startswith("You are reading this section as its author wrote it")
    shown = visible(page, "section.ptn-as-written")
    assert shown.startswith(banner)
    author = words(shown[len(banner) :])
    tags = visible(page, "article .md-tags")
    byline = visible(page, "article p.post-byline")
    actions = visible(page, "p.ptn-actions")
    assert visible(page, "article") == words(f"{tags} {byline} {actions} {shown}"), note.src_uri
    source = post_source(note) or ""
    key: tuple[str, str | None] = (source, note.title)
    if key not in sections:
        key = (source, None)  # a post on one page
    assert key in sections, f"{note.src_uri}: expected a section {key} in the originals"
    assert author == sections[key], note.src_uri
    # The author's blocks that the page shows too came as text: they have its colours now.
    assert page.locator("section.ptn-as-written code[data-ptn-same]").count() == 0
    coloured = page.evaluate(
        """() => [...document.querySelectorAll('section.ptn-as-written div.highlight code')]
                 .map(code => code.querySelector('span[class]') !== null)"""
    )
    assert all(coloured), note.src_uri


def test_as_written_shows_the_original_section_and_persists(
    browse: Callable[..., Browsing], site: Site, project: Project
) -> None:
    sections = original_sections(project)
    page = browse(color_scheme="light").new_page()
    # The seed's pages that hold every kind of its boxes: the author's text is checked word
    # for word on every page by the fidelity gate (tests/content/test_fidelity_gate.py).
    # At least two, for the choice to hold from page to page.
    pages = covering_pages(project, seed_pages(project))
    notes = [project.page(src) for src in (pages if len(pages) > 1 else seed_pages(project)[:2])]
    goto(page, site(page_url(notes[0].src_uri)))
    switch = page.locator("button.ptn-as-written-switch")
    assert switch.get_attribute("aria-pressed") == "false"
    assert page.locator("section.ptn-as-written").is_hidden()
    switch.focus()  # reachable from the keyboard, and named by its text
    page.keyboard.press("Enter")
    assert switch.get_attribute("aria-pressed") == "true"

    # Before the page's scripts run (the document parsed, deferred scripts not yet run), the
    # choice is already applied: no flash of the other view.
    page.add_init_script(
        """document.addEventListener('readystatechange', () => {
             if (document.readyState !== 'interactive') return;
             const proof = document.querySelector('article .ptn-proof');
             const author = document.querySelector('article .ptn-as-written');
             window.__atParse = [proof.getClientRects().length, author.getClientRects().length];
           });"""
    )
    for note in notes:  # the choice holds from page to page
        goto(page, site(page_url(note.src_uri)))
        assert page.locator("button.ptn-as-written-switch").get_attribute("aria-pressed") == "true"
        # At parse time: the site's additions not laid out, the author's section shown.
        hidden, shown_at_parse = page.evaluate("window.__atParse")
        assert (hidden, shown_at_parse > 0) == (0, True), note.src_uri
        check_as_written(page, note, sections)
        assert page.locator("article .ptn-badges:not(details *)").first.is_hidden()

    # The table of contents leads to the author's headings; the banner's button leaves.
    goto(page, site(page_url(notes[0].src_uri)))
    link = page.locator(".md-sidebar--secondary a.md-nav__link").last  # below the fold
    words_of_link = link.inner_text().strip()
    link.click()
    heading = page.locator(".ptn-as-written h2, .ptn-as-written h3").filter(has_text=words_of_link)
    page.wait_for_function(
        "h => { const r = h.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
        arg=heading.first.element_handle(),
    )
    page.locator(".ptn-as-written-leave").click()
    assert page.locator("section.ptn-as-written").is_hidden()
    assert page.locator("button.ptn-as-written-switch").get_attribute("aria-pressed") == "false"
    page.locator("button.ptn-as-written-switch").click()  # back on, for what follows

    goto(page, site(page_url(notes[0].src_uri)))  # a page with a block outside the boxes
    page.locator("button.ptn-as-written-switch").click()
    assert page.locator("section.ptn-as-written").is_hidden()
    assert page.locator("article .ptn-badges:not(details *)").first.is_visible()
    goto(page, site(page_url(notes[-1].src_uri)))
    assert page.locator("button.ptn-as-written-switch").get_attribute("aria-pressed") == "false"


def test_as_written_shows_a_contributor_s_post_as_its_author_wrote_it(
    browse: Callable[..., Browsing], posts_site: Path
) -> None:
    """The page of a post without front matter or tags (``fixture_posts.KETTLE``), added to a
    copy of the project. (A post's math and footnotes, which its words leave out, are checked
    in its As written view by ``test_browser_math.py``.)"""
    project = Project.at(posts_site)
    sections = original_sections(project)
    notes = [page for page in project.notes() if page.src_uri.startswith(KETTLE_PAGES)]
    assert len(notes) == 1, "expected the kettle post, on one page, in the copy's nav"
    with serve(posts_site / "site") as site:
        page = browse(color_scheme="light").new_page()
        for note in notes:
            goto(page, site(page_url(note.src_uri)))
            switch = page.locator("button.ptn-as-written-switch")
            if switch.get_attribute("aria-pressed") == "false":  # the choice holds across pages
                switch.click()
            assert switch.get_attribute("aria-pressed") == "true", note.src_uri
            check_as_written(page, note, sections)
