"""axe-core finds no accessibility violation on any page, in either colour scheme.

axe-core (the copy bundled by the ``axe-playwright-python`` package) runs with all of its
default rules, best practices included; none is disabled. Every page is checked on a laptop
and on a phone with the navigation drawer open, and every collapsed box is opened first, so
the code and text inside them are checked too; so is the search dialog with results. The
fixes of Material's own violations are in ``overrides/`` (see ``overrides/main.html``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

import pytest
from playwright.sync_api import Page
from sitebrowser import Browsing, Site, goto, site_pages

pytestmark = pytest.mark.browser

SCHEMES = ["light", "dark"]


@cache
def axe_script() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def violations(page: Page, context: str = "document") -> list[str]:
    """axe-core's violations on the page as it is now, one line per element."""
    page.add_script_tag(content=axe_script())
    result: dict[str, Any] = page.evaluate(
        f"async () => await axe.run({context}, {{resultTypes: ['violations']}})"
    )
    return [
        f"{v['id']} ({v['impact']}) {', '.join(map(str, node['target']))}: "
        + "; ".join(check["message"] for check in node["any"] + node["all"] + node["none"])
        for v in result["violations"]
        for node in v["nodes"]
    ]


def open_every_box(page: Page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")


#: A laptop, and a phone with the navigation drawer open.
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 412, "height": 823},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.mark.parametrize("path", [*site_pages(), "no-such-page/"], ids=lambda p: p or "home")
@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_page_has_no_accessibility_violation(
    browse: Callable[..., Browsing], site: Site, scheme: str, device: str, path: str
) -> None:
    page = browse(color_scheme=scheme, **DEVICES[device]).new_page()
    if path == "no-such-page/":  # the 404 page
        page.goto(site(path))
    else:
        goto(page, site(path))
    assert page.locator("body").get_attribute("data-md-color-scheme") == (
        "slate" if scheme == "dark" else "default"
    )
    if device == "phone":
        page.locator(".md-header label[for=__drawer]").click()
        page.locator(".md-sidebar--primary .md-nav__title[for=__drawer]").wait_for()
    open_every_box(page)
    found = violations(page)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("term", ["tensor", "focal_loss"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_search_dialog_with_results_has_no_accessibility_violation(
    browse: Callable[..., Browsing], site: Site, scheme: str, term: str
) -> None:
    page = browse(color_scheme=scheme).new_page()
    goto(page, site("notes/"))
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially(term, delay=40)
    page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_load_state("networkidle")
    found = violations(page)
    assert not found, "\n".join(found)
