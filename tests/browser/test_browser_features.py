"""What readers do on the site: search, copy code, switch colours, open collapsed boxes."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page
from sitebrowser import (
    Browsing,
    Site,
    click_nav_link,
    covering_pages,
    goto,
    page_url,
    seed_pages,
)

from notesite.project import Project

pytestmark = pytest.mark.browser


def source_fences(project: Project, src: str) -> list[str]:
    """The code of each Python block of ``docs/<src>`` (the page model's), in page order."""
    return [block.code.strip("\n") for block in project.page(src).blocks]


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


#: Wait for the copy, read it, and empty the clipboard for the next block.
READ_CLIPBOARD = """async () => {
    const text = await navigator.clipboard.readText();
    if (text === '') return false;
    await navigator.clipboard.writeText('');
    return text;
}"""
#: Bring each Python block after the first into view, click its copy button, and read what
#: each copied.
COPY_EACH = """async count => {
    const blocks = [...document.querySelectorAll(
        'article div.language-python.highlight:not(.ptn-as-written *)')];
    const copied = [];
    const wait = () => new Promise(resolve => setTimeout(resolve, 5));
    for (const block of blocks.slice(1, count)) {
        block.scrollIntoView();  // the theme sets a block up (its buttons) once it is seen
        const selector = 'button.md-code__button[data-md-type=copy]';
        for (let tries = 0; !block.querySelector(selector) && tries < 400; tries++) await wait();
        block.querySelector(selector).click();
        let text = '';
        for (let tries = 0; text === '' && tries < 200; tries++) {
            await wait();
            text = await navigator.clipboard.readText();
        }
        await navigator.clipboard.writeText('');
        copied.push(text);
    }
    return copied;
}"""


def test_the_copy_button_copies_exactly_the_code_of_its_block(
    browse: Callable[..., Browsing], site: Site, project: Project
) -> None:
    """On the seed post's pages that hold every kind of its boxes (``covering_pages``)."""
    browsing = browse(color_scheme="light")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site()))
    browsing.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = browsing.new_page()
    copied = 0
    pages = covering_pages(project, seed_pages(project))
    for src in pages:
        fences = [fence.rstrip() for fence in source_fences(project, src)]
        goto(page, site(page_url(src)))
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
        blocks = page.locator("article div.language-python.highlight:not(.ptn-as-written *)")
        # What each block shows, read at once: copying changes none of it.
        shown = blocks.evaluate_all(
            "blocks => blocks.map(b => b.querySelector('pre > code').innerText)"
        )
        assert len(shown) > 0, src
        page.evaluate("navigator.clipboard.writeText('')")
        # The first block's button as a reader uses it (hover, click); every other block's
        # button clicked in the page (a click event on the button, no pointer moves).
        first = blocks.nth(0)
        first.hover()  # scrolls the block into view first
        first.locator("button.md-code__button[data-md-type=copy]").click()
        texts = [page.wait_for_function(READ_CLIPBOARD).json_value()]
        texts += page.evaluate(COPY_EACH, len(shown))
        for index, (text, text_shown) in enumerate(zip(texts, shown, strict=True)):
            where = f"{src}, python block {index + 1}"
            # Material copies the code's text without trailing whitespace.
            assert text == text_shown.rstrip(), where
            assert text in fences, f"{where}: not in the source"
            copied += 1
    assert copied >= len(pages)


def scheme(page: Page) -> str | None:
    return page.locator("body").get_attribute("data-md-color-scheme")


def background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_the_colour_toggle_switches_and_persists_across_navigation(
    page: Page, site: Site, project: Project
) -> None:
    first, second = seed_pages(project)[:2]
    goto(page, site(page_url(first)))
    assert scheme(page) == "default"
    light = background(page)

    page.locator('label[title="Switch to dark mode"]').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark = background(page)
    assert dark != light

    # Instant navigation (a click in the nav) and a full load both keep the choice.
    click_nav_link(page, site(page_url(second)))
    assert scheme(page) == "slate"
    goto(page, site("api/"))
    assert (scheme(page), background(page)) == ("slate", dark)

    page.locator('label[title="Switch to light mode"]').click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    goto(page, site())
    assert (scheme(page), background(page)) == ("default", light)


def test_collapsed_boxes_open_and_close(page: Page, site: Site, project: Project) -> None:
    """The first box of each kind on the seed post's pages that hold every kind of its boxes
    (``covering_pages``): setup, checks, outputs, …

    The site's boxes come closed, as chips under the text they stand for (an erratum too: a
    red chip right under the corrected text); a block's output comes open. A click opens or
    closes each.
    """
    kinds: set[str] = set()
    errata = outputs = 0
    pages = covering_pages(project, seed_pages(project))
    for src in pages:
        goto(page, site(page_url(src)))
        for erratum in page.locator("article details.erratum:not(.ptn-as-written *)").all():
            assert erratum.locator(":scope > summary").is_visible(), src
            errata += 1
        seen_here: set[str] = set()
        for box in page.locator("article details:not(.ptn-state)").all():
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
            is_output = summary.inner_text().strip() == "Output"
            outputs += is_output
            if is_output:  # open as the page comes: close it first
                assert box.get_attribute("open") is not None, f"{where} is not open"
                assert body.is_visible(), where
                summary.click()
                page.wait_for_function("box => !box.open", arg=box.element_handle())
            assert box.get_attribute("open") is None, f"{where} is not collapsed"
            assert not body.is_visible(), where
            summary.click()
            page.wait_for_function("box => box.open", arg=box.element_handle())
            assert body.is_visible(), where
            summary.click()
            page.wait_for_function("box => !box.open", arg=box.element_handle())
            assert not body.is_visible(), where
    # Every kind of collapsed box the pages declare (``??? example``, ``??? success``) was
    # tried, and the recorded outputs' boxes; errata boxes stay open.
    declared = {
        addition.admonition
        for src in pages
        for addition in project.page(src).additions
        if addition.collapsible
    }
    assert "example" in declared
    assert declared <= kinds, f"kinds of boxes not tried: {declared - kinds}"
    assert outputs > 0
    assert errata > 0
    assert "erratum" in kinds
