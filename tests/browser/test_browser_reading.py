"""Reading first: the notes lead each page, and what the site proves is one tap away.

Measured in Chromium on a desktop (1280x800) and a phone (390x844): each note page of the seed
post and of the fixture posts (``fixture_posts``) with every box closed is at most 1.35 times
as tall as its section "As written" (a contributor's post is measured, not held to it, by
``benchmarks/bench_reading.py``); no page scrolls
sideways on a phone; outputs come open; a chip opens its check (its precise notes inside);
code stays clear of its copy button; on paper every box prints open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sitebrowser import (
    HEIGHTS,
    READING_AT_MOST,
    Browsing,
    Site,
    goto,
    page_url,
    reading_problems,
    seed_pages,
    serve,
)

from notesite.project import Project

pytestmark = pytest.mark.browser

DEVICES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def reading_ratios(page: Page, site: Site, pages: list[str], device: str) -> dict[str, float]:
    """Each page's height with every box closed over its height as written; on a phone, each
    page must not scroll sideways."""
    ratios = {}
    for src in pages:
        goto(page, site(page_url(src)))
        shown, written = page.evaluate(HEIGHTS)
        ratios[src] = round(shown / written, 3)
        if device == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert wide <= 0, f"{src} scrolls sideways by {wide} px on a phone"
    return ratios


@pytest.mark.parametrize("device", DEVICES)
def test_the_notes_lead_every_page_of_the_seed(
    browse: Callable[..., Browsing], site: Site, project: Project, device: str
) -> None:
    """The seed post's pages: the limit holds for the site's own notes. (Every page of the
    live site is measured by ``benchmarks/bench_reading.py``.)"""
    page = browse(color_scheme="light", viewport=DEVICES[device]).new_page()
    ratios = reading_ratios(page, site, seed_pages(project), device)
    assert reading_problems(ratios, device) == [], ratios


@pytest.mark.parametrize("device", DEVICES)
def test_the_notes_lead_every_page_of_a_contributor_s_post(
    browse: Callable[..., Browsing], posts_site: Path, device: str
) -> None:
    """The pages of the fixture posts (``fixture_posts``), added to a copy of the project."""
    project = Project.at(posts_site)
    pages = [src for src in project.note_pages if src not in seed_pages(project)]
    assert pages, "no page of the fixture posts in the copy's nav"
    with serve(posts_site / "site") as site:
        page = browse(color_scheme="light", viewport=DEVICES[device]).new_page()
        ratios = reading_ratios(page, site, pages, device)
    assert reading_problems(ratios, device) == [], ratios


def test_a_page_over_the_limit_is_named_with_what_to_do() -> None:
    ratios = {"notes/a.md": READING_AT_MOST, "notes/b.md": 1.44}
    assert reading_problems(ratios, "phone") == [
        f"notes/b.md: on a phone, with every box closed the page is 1.44 times as tall as its "
        f"section as written, expected at most {READING_AT_MOST}: the site's additions (chips, "
        "badges, outputs) outweigh the author's text; fold an output or a note into its check, "
        "or give a short section's additions less room (docs/stylesheets/extra.css); "
        "`python benchmarks/bench_reading.py` measures every page"
    ]


def test_the_verification_page_reads_on_a_phone(
    browse: Callable[..., Browsing], site: Site
) -> None:
    page = browse(color_scheme="light", viewport=DEVICES["phone"]).new_page()
    goto(page, site(page_url("verification.md")))
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    first = page.locator(".ptn-claims-page + ul > li a").first
    target = str(first.get_attribute("href"))
    assert "#" in target  # each claim links to its anchor on its page


def a_chip_opens_its_check(page: Page) -> None:
    """A check with a precise note folded in: one chip, which opens to both."""
    chip = page.locator("article details.success:has(details.info)").first
    assert chip.locator(":scope > summary").inner_text().endswith("· Precisely")
    chip.locator(":scope > summary").click()
    assert chip.locator(":scope > .highlight, :scope > div.language-python").first.is_visible()
    assert chip.locator("details.info > summary").is_visible()


def outputs_come_open(page: Page) -> None:
    output = page.locator(
        "xpath=//div[contains(@class, 'ptn-proof')][not(ancestor::details)]"
        "//details[contains(@class, 'ptn-output')]"
    ).first
    assert output.get_attribute("open") is not None
    assert output.locator("pre").is_visible()
    size = output.locator("pre code").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 13
    line = output.locator(".ptn-line").first
    assert line.evaluate("e => parseFloat(getComputedStyle(e).textIndent)") < 0


def code_stays_clear_of_its_copy_button(page: Page) -> None:
    block = page.locator("article li > div.highlight").first
    block.scroll_into_view_if_needed()  # the theme sets up a copy button once in view
    button = block.locator(".md-code__button")
    button.wait_for()
    width = button.evaluate("b => b.getBoundingClientRect().width")
    padding = block.locator("code").evaluate("c => parseFloat(getComputedStyle(c).paddingRight)")
    assert padding >= width
    proof = page.locator(
        "xpath=//div[contains(@class, 'ptn-proof')][not(ancestor::details)]"
        "[.//pre[contains(@class, 'ptn-console')]]"
    ).first
    proof.scroll_into_view_if_needed()
    console = proof.locator("pre.ptn-console .md-code__button")
    console.wait_for()
    colour = console.evaluate("b => getComputedStyle(b).color")
    assert colour == "rgb(232, 232, 232)"  # light on the dark console


def on_paper_every_box_prints_open(page: Page) -> None:
    closed = "document.querySelectorAll('article > * details:not([open])').length"
    assert page.evaluate(closed) > 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert (
        page.evaluate(
            "[...document.querySelectorAll('article details:not([open])')]"
            ".filter(d => !d.closest('.ptn-as-written')).length"
        )
        == 0
    )
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(closed) > 0


def on_paper_a_long_output_prints_whole(page: Page) -> None:
    """Leaves the page emulating print."""
    long = page.locator(".ptn-output--long").first
    assert long.locator("pre").evaluate("e => getComputedStyle(e).maxHeight") != "none"
    page.emulate_media(media="print")
    assert long.locator("pre").evaluate("e => getComputedStyle(e).maxHeight") == "none"
    assert long.locator(".ptn-show-all").is_hidden()


def test_a_note_page_on_screen_and_on_paper(page: Page, site: Site) -> None:
    """A chip opens its check; on one load of a note page, outputs come open, code stays
    clear of its copy button, every box prints open, and a long output prints whole."""
    goto(page, site(page_url("notes/data-type-conversions.md")))
    a_chip_opens_its_check(page)
    goto(page, site(page_url("notes/misc.md")))
    outputs_come_open(page)
    code_stays_clear_of_its_copy_button(page)
    on_paper_every_box_prints_open(page)
    on_paper_a_long_output_prints_whole(page)  # last: it leaves the page as printed


def test_a_link_to_a_check_shows_it_whatever_the_view(
    browse: Callable[..., Browsing], site: Site
) -> None:
    page = browse(color_scheme="light").new_page()
    goto(page, site(page_url("verification.md")))
    page.evaluate("localStorage.setItem('ptnotes.as-written', 'on')")
    link = page.locator(".ptn-claims-page + ul > li a[href*='#check-']").first
    anchor = str(link.get_attribute("href")).split("#")[1]
    link.click()
    target = page.locator(f"[id='{anchor}']")
    target.wait_for()
    assert page.locator("button.ptn-as-written-switch").get_attribute("aria-pressed") == "false"
    page.wait_for_function(
        "e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.top < innerHeight; }",
        arg=target.element_handle(),
    )
