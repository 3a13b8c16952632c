""" "As written": a note page shows its section as the author wrote it, and back.

Fidelity, proven in the browser: with the switch on, the visible text of the article is the
switch's row and then the original's section, word for word (whitespace normalised).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import yaml
from playwright.sync_api import Page
from sitebrowser import Browsing, Site, goto, page_url

from notesite.fidelity import originals, post_title
from notesite.project import Project

pytestmark = pytest.mark.browser

#: Markdown's syntax, which a reader does not see as text.
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKER = re.compile(r"^\s*(?:#+|[-*]|\d+\.)\s+", re.M)


def words(text: str) -> str:
    return " ".join(text.split())


def original_sections(project: Project) -> dict[tuple[str, str], str]:
    """Each original's `##` sections, by post and title, as a reader reads them (no syntax)."""
    sections = {}
    for name in originals(project):
        text = (project.originals_dir / name).read_text(encoding="utf-8")
        sections.update(_sections(text))
    return sections


def _sections(text: str) -> dict[tuple[str, str], str]:
    head, body = text.split("\n---\n", 1)
    title = str(yaml.safe_load(head.removeprefix("---\n"))["title"])
    sections = {}
    for chunk in re.split(r"^(?=## )", body, flags=re.M):
        if not chunk.startswith("## "):
            continue
        plain, in_code = [], False
        for line in chunk.splitlines():
            if line.strip().startswith("```"):
                in_code = not in_code
            elif in_code:
                plain.append(line)
            else:
                plain.append(MARKER.sub("", LINK.sub(r"\1", line)).replace("`", ""))
        sections[(title, chunk.splitlines()[0][3:].strip())] = words("\n".join(plain))
    return sections


def visible(page: Page, selector: str) -> str:
    return words(str(page.locator(selector).first.evaluate("e => e.innerText")))


def test_as_written_shows_the_original_section_and_persists(
    browse: Callable[..., Browsing], site: Site, project: Project
) -> None:
    sections = original_sections(project)
    page = browse(color_scheme="light").new_page()
    notes = project.notes()
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
        banner = visible(page, ".ptn-as-written-banner")
        assert banner.startswith("You are reading this section as its author wrote it")
        shown = visible(page, "section.ptn-as-written")
        assert shown.startswith(banner)
        author = words(shown[len(banner) :])
        # The post's tags and byline, the actions and the author's section: nothing else.
        tags = visible(page, "article .md-tags")
        byline = visible(page, "article p.post-byline")
        actions = visible(page, "p.ptn-actions")
        assert visible(page, "article") == words(f"{tags} {byline} {actions} {shown}"), note.src_uri
        assert author == sections[(post_title(note) or "", note.title)], note.src_uri
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
