"""Reading first: the notes lead each page, and what the site proves is one tap away.

Measured in Chromium on a desktop (1280x800) and a phone (390x844): each note page with every
box closed is at most 1.35 times as tall as its section "As written"; no page scrolls
sideways on a phone; outputs come open; a chip opens its check (its precise notes inside);
code stays clear of its copy button; on paper every box prints open.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sitebrowser import HEIGHTS, Browsing, Site, goto, page_url

from notesite.project import Project

pytestmark = pytest.mark.browser

DEVICES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
#: The most the site's additions may add to a note page, every box closed.
AT_MOST = 1.35


@pytest.mark.parametrize("device", DEVICES)
def test_the_notes_lead_every_page(
    browse: Callable[..., Browsing], site: Site, project: Project, device: str
) -> None:
    page = browse(color_scheme="light", viewport=DEVICES[device]).new_page()
    ratios = {}
    for src in project.note_pages:
        goto(page, site(page_url(src)))
        shown, written = page.evaluate(HEIGHTS)
        ratios[src] = round(shown / written, 3)
        if device == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert wide <= 0, f"{src} scrolls sideways by {wide} px on a phone"
    assert {src: r for src, r in ratios.items() if r > AT_MOST} == {}, ratios


def test_the_verification_page_reads_on_a_phone(
    browse: Callable[..., Browsing], site: Site
) -> None:
    page = browse(color_scheme="light", viewport=DEVICES["phone"]).new_page()
    goto(page, site(page_url("verification.md")))
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    first = page.locator("h3.ptn-claims-page + ul > li a").first
    target = str(first.get_attribute("href"))
    assert "#" in target  # each claim links to its anchor on its page


def test_outputs_come_open_and_a_chip_opens_its_check(page: object, site: Site) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    goto(page, site(page_url("notes/misc.md")))
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
    # A check with a precise note folded in: one chip, which opens to both.
    goto(page, site(page_url("notes/data-type-conversions.md")))
    chip = page.locator("article details.success:has(details.info)").first
    assert chip.locator(":scope > summary").inner_text().endswith("· Precisely")
    chip.locator(":scope > summary").click()
    assert chip.locator(":scope > .highlight, :scope > div.language-python").first.is_visible()
    assert chip.locator("details.info > summary").is_visible()


def test_code_stays_clear_of_its_copy_button(page: object, site: Site) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    goto(page, site(page_url("notes/misc.md")))
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


def test_on_paper_every_box_prints_open(page: object, site: Site) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    goto(page, site(page_url("notes/misc.md")))
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


def test_on_paper_a_long_output_prints_whole(page: object, site: Site) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    goto(page, site(page_url("notes/misc.md")))
    long = page.locator(".ptn-output--long").first
    assert long.locator("pre").evaluate("e => getComputedStyle(e).maxHeight") != "none"
    page.emulate_media(media="print")
    assert long.locator("pre").evaluate("e => getComputedStyle(e).maxHeight") == "none"
    assert long.locator(".ptn-show-all").is_hidden()


def test_a_link_to_a_check_shows_it_whatever_the_view(
    browse: Callable[..., Browsing], site: Site
) -> None:
    page = browse(color_scheme="light").new_page()
    goto(page, site(page_url("verification.md")))
    page.evaluate("localStorage.setItem('ptnotes.as-written', 'on')")
    link = page.locator("h3.ptn-claims-page + ul > li a[href*='#check-']").first
    anchor = str(link.get_attribute("href")).split("#")[1]
    link.click()
    target = page.locator(f"[id='{anchor}']")
    target.wait_for()
    assert page.locator("button.ptn-as-written-switch").get_attribute("aria-pressed") == "false"
    page.wait_for_function(
        "e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.top < innerHeight; }",
        arg=target.element_handle(),
    )
