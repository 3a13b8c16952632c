"""What readers do on the site: search, copy code, switch colours, open collapsed boxes."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page
from sitebrowser import DOCS, Browsing, Site, click_nav_link, goto, markdown_pages, page_url

pytestmark = pytest.mark.browser

NOTE_PAGES = [src for src in markdown_pages("notes") if src != "notes/index.md"]


def source_fences(src: str, language: str = "python") -> list[str]:
    """The code of each ``language`` fence of ``docs/<src>``, dedented, in page order."""
    lines = (DOCS / src).read_text(encoding="utf-8").splitlines()
    fences, i = [], 0
    opening = re.compile(rf"^(\s*)(`{{3,}}){re.escape(language)}\b")
    while i < len(lines):
        match = opening.match(lines[i])
        i += 1
        if not match:
            continue
        ticks = match.group(2)
        body = []
        while i < len(lines) and lines[i].strip() != ticks:
            body.append(lines[i])
            i += 1
        i += 1
        fences.append(textwrap.dedent("\n".join(body)).strip("\n"))
    return fences


@pytest.mark.parametrize(
    ("term", "src"),
    [
        ("gather", "notes/neural-network-model-components.md"),  # the focal-loss note
        ("register_buffer", "notes/advanced-topics.md"),
    ],
)
def test_search_lists_the_note(page: Page, site: Site, term: str, src: str) -> None:
    goto(page, site())
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially(term, delay=40)  # Material's search listens for keyup
    target = site(page_url(src))
    listed = """target => [...document.querySelectorAll('.md-search-result__link')]
        .some(a => a.href.split(/[?#]/)[0] === target)"""
    try:
        page.wait_for_function(listed, arg=target)
    finally:
        results = page.locator(".md-search-result__link").evaluate_all(
            "links => links.map(a => a.href)"
        )
    pages = {urlsplit(url).path for url in results}
    assert urlsplit(target).path in pages, results


def test_the_copy_button_copies_exactly_the_code_of_its_block(
    browse: Callable[..., Browsing], site: Site
) -> None:
    browsing = browse(color_scheme="light")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site()))
    browsing.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = browsing.new_page()
    copied = 0
    for src in NOTE_PAGES:
        fences = source_fences(src)
        goto(page, site(page_url(src)))
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
        blocks = page.locator("article div.language-python.highlight")
        assert blocks.count() > 0, src
        for index in range(blocks.count()):
            block = blocks.nth(index)
            shown = block.locator("pre > code").evaluate("code => code.innerText")
            page.evaluate("navigator.clipboard.writeText('')")
            block.scroll_into_view_if_needed()
            block.hover()
            block.locator("button.md-code__button[data-md-type=copy]").click()
            page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
            text = page.evaluate("navigator.clipboard.readText()")
            where = f"{src}, python block {index + 1}"
            # Material copies the code's text without trailing whitespace.
            assert text == shown.rstrip(), where
            assert text in [fence.rstrip() for fence in fences], f"{where}: not in the source"
            copied += 1
    assert copied >= len(NOTE_PAGES)


def scheme(page: Page) -> str | None:
    return page.locator("body").get_attribute("data-md-color-scheme")


def background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_the_colour_toggle_switches_and_persists_across_navigation(page: Page, site: Site) -> None:
    goto(page, site("notes/misc/"))
    assert scheme(page) == "default"
    light = background(page)

    page.locator('label[title="Switch to dark mode"]').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark = background(page)
    assert dark != light

    # Instant navigation (a click in the nav) and a full load both keep the choice.
    click_nav_link(page, site("notes/advanced-topics/"))
    assert scheme(page) == "slate"
    goto(page, site("api/"))
    assert (scheme(page), background(page)) == ("slate", dark)

    page.locator('label[title="Switch to light mode"]').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    goto(page, site())
    assert (scheme(page), background(page)) == ("default", light)


def test_collapsed_boxes_open_and_close(page: Page, site: Site) -> None:
    """The first box of each kind on each note page: setup, checks, outputs, …"""
    kinds: set[str] = set()
    errata = outputs = 0
    for src in NOTE_PAGES:
        goto(page, site(page_url(src)))
        # An erratum is an open box (``!!! erratum``): the correction is never hidden.
        for erratum in page.locator("article div.admonition.erratum").all():
            assert erratum.is_visible(), src
            errata += 1
        seen_here: set[str] = set()
        for box in page.locator("article details").all():
            kind = box.get_attribute("class") or ""
            if kind in seen_here:
                continue
            seen_here.add(kind)
            kinds.update(kind.split())
            # A box inside a box (an output under a check) opens once its parent is open.
            box.evaluate(
                """box => { for (let up = box.parentElement.closest('details'); up;
                              up = up.parentElement.closest('details')) up.open = true; }"""
            )
            summary = box.locator(":scope > summary")
            body = box.locator(":scope > :not(summary)").first
            where = f"{src}: {kind} box {summary.inner_text()!r}"
            outputs += summary.inner_text().strip() == "Output"
            assert box.get_attribute("open") is None, f"{where} is not collapsed"
            assert not body.is_visible(), where
            summary.click()
            page.wait_for_function("box => box.open", arg=box.element_handle())
            assert body.is_visible(), where
            summary.click()
            page.wait_for_function("box => !box.open", arg=box.element_handle())
            assert not body.is_visible(), where
    # Every kind of collapsed box the note pages declare (``??? example``, ``??? success``)
    # was tried, and the recorded outputs' boxes; errata boxes stay open.
    declared = {
        match[1]
        for src in NOTE_PAGES
        for match in re.finditer(r"^\s*\?\?\?\+?\s+([\w-]+)", (DOCS / src).read_text(), re.M)
    }
    assert "example" in declared
    assert declared <= kinds, f"kinds of boxes not tried: {declared - kinds}"
    assert outputs > 0
    assert errata > 0 or "erratum" in kinds
