"""The 404 page, a browser kept to 127.0.0.1, a nav that reaches every page, and a browser
context lent to the next test as a new one.

That a page of each kind loads cleanly (its title, no error, no other host, its edit link) is
checked by the accessibility walks (``test_browser_accessibility.py``); what needs no browser
is checked on every page by ``test_static_pages.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Error, Page
from sitebrowser import (
    Browsing,
    Site,
    Traffic,
    clear_lent,
    click_nav_link,
    edit_base,
    goto,
    markdown_pages,
    nav_pages,
    open_lent,
    page_kinds,
    page_url,
    shows_its_page,
    traffic_problems,
)

from notesite.project import Project

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def built_title(site: Site, src: str) -> str:
    """The text of the page's h1 in the built HTML."""
    html = (site.root / page_url(src) / "index.html").read_text(encoding="utf-8")
    heading = BeautifulSoup(html, "html.parser").select_one("article h1")
    assert heading is not None, src
    return heading.get_text().replace("¶", "").strip()


def test_a_missing_page_gets_the_404_page_with_its_styles(
    browse: Callable[..., Browsing], site: Site
) -> None:
    browsing = browse(color_scheme="light")
    page = browsing.new_page()
    response = page.goto(site("no-such-page/"), wait_until="networkidle")
    assert response is not None
    assert response.status == 404
    assert page.locator("article h1").inner_text().startswith("404")
    # The theme's stylesheet applied: the header is a fixed bar, not unstyled text.
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") == "sticky"
    missing = site("no-such-page/")
    problems = [p for p in browsing.traffic.problems() if not p.endswith((missing, f"({missing})"))]
    assert problems == []


def test_the_load_checks_report_a_missing_title_a_wrong_edit_link_and_foreign_traffic(
    page: Page, site: Site, project: Project
) -> None:
    note = page_kinds(project)["note"]
    goto(page, site(page_url(note)))
    assert shows_its_page(page, note) == []
    assert shows_its_page(page, "notes/other.md") == [
        f"edit link to {edit_base()}/{note}, not {edit_base()}/notes/other.md"
    ]
    page.evaluate("() => document.querySelector('article h1').style.display = 'none'")
    assert shows_its_page(page, note) == ["no visible title (h1)"]

    traffic = Traffic(requests=[site(page_url(note)), "https://example.com/font.woff2"])
    traffic.console_errors.append("Uncaught TypeError: x is undefined (site.js)")
    assert traffic_problems(traffic) == [
        "console error: Uncaught TypeError: x is undefined (site.js)",
        "request to another host: https://example.com/font.woff2",
        "requests to hosts ['127.0.0.1', 'example.com'], not only 127.0.0.1",
    ]


@pytest.mark.parametrize("url", ["https://example.com/", "http://www.google.com/"])
def test_the_browser_itself_cannot_reach_another_host(page: Page, url: str) -> None:
    with pytest.raises(Error, match="ERR_NAME_NOT_RESOLVED"):
        page.goto(url)


def test_the_nav_reaches_every_note_and_every_api_page(
    browse: Callable[..., Browsing], site: Site, project: Project
) -> None:
    """Every note and API page has its link in the built nav; a reader's clicks on the nav
    lead to the first page of each section and to a page of each kind (note, API)."""
    in_nav = nav_pages()
    for section in ["notes", "api"]:
        files = markdown_pages(section)
        assert files, f"no pages under docs/{section}/"
        assert [f for f in files if f not in in_nav] == [], "pages missing from nav"
    targets = [src for src in in_nav if src.startswith(("notes/", "api/"))]

    # The nav is pruned (navigation.prune): a page carries its own section's pages, each
    # other section one link. The first page of each section links every page of it.
    for section in ("notes/", "api/"):
        members = [src for src in targets if src.startswith(section)]
        first = page_url(members[0])
        built = BeautifulSoup(
            (site.root / first / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        linked = {
            urljoin(site(first), str(a.get("href")))
            for a in built.select(".md-nav--primary a.md-nav__link")
        }
        assert [src for src in members if site(page_url(src)) not in linked] == [], (
            f"pages without a link in the nav of /{first}"
        )
    start = page_url(targets[0])

    kinds = page_kinds(project)
    firsts = {next(src for src in targets if src.startswith(s)) for s in ("notes/", "api/")}
    clicked = [src for src in targets if src in firsts | {kinds["note"], kinds["api"]}]
    browsing = browse(color_scheme="light")
    page = browsing.new_page()
    goto(page, site(start))
    for src in clicked:
        url = site(page_url(src))
        click_nav_link(page, url)
        heading = page.locator("article h1").first
        heading.wait_for()
        assert heading.inner_text().replace("¶", "").strip() == built_title(site, src)
    assert browsing.traffic.problems() == []


def test_a_lent_context_comes_back_as_a_new_one(browser: Browser, site: Site) -> None:
    """What a test leaves in a context of the session (``conftest.browse``), the next one
    does not find: its tabs, cookies, storage (the reader's colour scheme, As written) and
    permissions are gone."""
    log: list[str] = []
    lent = open_lent(browser, log, {"color_scheme": "light", "init_script": "window.__x = 1"})
    try:
        page = lent.context.new_page()
        goto(page, site())
        assert page.evaluate("window.__x") == 1
        page.locator('label[title="Switch to dark mode"]').click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        page.evaluate("localStorage.setItem('ptnotes.as-written', 'on')")
        lent.context.add_cookies([{"name": "left", "value": "over", "url": site()}])
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(site()))
        lent.context.grant_permissions(["clipboard-read"], origin=origin)
        assert lent.pages == [page]
        assert lent.traffic.requests
        assert log

        clear_lent(lent)

        assert page.is_closed()
        again = lent.context.new_page()
        goto(again, site())
        stored = "Object.entries(localStorage).sort()"
        assert "ptnotes.as-written" not in dict(again.evaluate(stored))
        new = browser.new_context(color_scheme="light")
        try:
            fresh = new.new_page()
            goto(fresh, site())
            assert again.evaluate(stored) == fresh.evaluate(stored)  # as a new context's
        finally:
            new.close()
        assert again.locator("body").get_attribute("data-md-color-scheme") == "default"
        assert lent.context.cookies() == []
        state = "navigator.permissions.query({name: 'clipboard-read'}).then(s => s.state)"
        assert again.evaluate(state) == "prompt"
        assert again.evaluate("window.__x") == 1  # its options stay
    finally:
        lent.context.close()
