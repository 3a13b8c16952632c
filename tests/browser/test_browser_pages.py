"""Every page loads cleanly, stays on 127.0.0.1 and links to its source; the nav reaches all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Error, Page
from sitebrowser import (
    HOST,
    Browsing,
    Site,
    click_nav_link,
    goto,
    markdown_pages,
    mkdocs_config,
    nav_pages,
    page_url,
    screenshot,
    set_up,
)

pytestmark = pytest.mark.browser


def built_title(site: Site, src: str) -> str:
    """The text of the page's h1 in the built HTML."""
    html = (site.root / page_url(src) / "index.html").read_text(encoding="utf-8")
    heading = BeautifulSoup(html, "html.parser").select_one("article h1")
    assert heading is not None, src
    return heading.get_text().replace("¶", "").strip()


#: Pages loaded side by side, each in a context of its own (a lane): most of a page's load is
#: the wait for the network to stay idle for half a second, and the lanes' waits overlap.
LANES = 4
#: At most this many failing pages get a screenshot as they were checked.
SCREENSHOTS = 10


def loaded_cleanly(browsing: Browsing, page: Page, src: str, edit: str) -> list[str]:
    """What is wrong with the page, loaded from ``docs/<src>``: it must show its title, load
    without an error, ask nothing of another host, and link to its Markdown to edit it."""
    found = [] if page.locator("article h1").first.is_visible() else ["no visible title (h1)"]
    found += browsing.traffic.problems()
    if browsing.traffic.hosts() != {HOST}:
        found.append(f"requests to hosts {sorted(browsing.traffic.hosts())}, not only {HOST}")
    link = page.locator("article a.md-content__button[rel=edit]")
    if (href := link.get_attribute("href")) != f"{edit}/{src}":
        found.append(f"edit link to {href}, not {edit}/{src}")
    if not link.is_visible():
        found.append("the edit link is not visible")
    return found


def test_every_page_loads_cleanly_and_its_edit_link_points_at_its_markdown(
    browse: Callable[..., Browsing], site: Site
) -> None:
    config = mkdocs_config()
    edit = str(config["repo_url"]).rstrip("/") + "/" + str(config["edit_uri"]).strip("/")
    lanes = [browse(color_scheme="light") for _ in range(LANES)]
    tabs = [browsing.new_page() for browsing in lanes]
    sources = markdown_pages()
    found: dict[str, list[str]] = {}
    shots: list[str] = []
    for first in range(0, len(sources), LANES):
        batch = list(zip(lanes, tabs, sources[first : first + LANES], strict=False))
        for browsing, page, src in batch:
            browsing.traffic.clear()  # each page's traffic is checked on its own
            page.goto(site(page_url(src)), wait_until="commit")
        for browsing, page, src in batch:
            page.wait_for_load_state("networkidle")
            set_up(page)
            found[src] = loaded_cleanly(browsing, page, src, edit)
            if found[src] and len(shots) < SCREENSHOTS:
                shots.append(screenshot(page, f"loads-{src}"))

    assert list(found) == sources  # every page was checked
    failing = [f"{src}: {problem}" for src, problems in found.items() for problem in problems]
    if failing:
        pytest.fail("\n".join([*failing, "", *shots]), pytrace=False)


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


@pytest.mark.parametrize("url", ["https://example.com/", "http://www.google.com/"])
def test_the_browser_itself_cannot_reach_another_host(page: Page, url: str) -> None:
    with pytest.raises(Error, match="ERR_NAME_NOT_RESOLVED"):
        page.goto(url)


def test_the_nav_reaches_every_note_and_every_api_page(
    browse: Callable[..., Browsing], site: Site
) -> None:
    in_nav = nav_pages()
    for section in ["notes", "api"]:
        files = markdown_pages(section)
        assert files, f"no pages under docs/{section}/"
        assert [f for f in files if f not in in_nav] == [], "pages missing from nav"
    targets = [src for src in in_nav if src.startswith(("notes/", "api/"))]

    browsing = browse(color_scheme="light")
    page = browsing.new_page()
    goto(page, site("notes/"))
    for src in targets:
        url = site(page_url(src))
        click_nav_link(page, url)
        heading = page.locator("article h1").first
        heading.wait_for()
        assert heading.inner_text().replace("¶", "").strip() == built_title(site, src)
    assert browsing.traffic.problems() == []
