"""One page of each kind loads cleanly, and axe-core finds no accessibility violation on it.

Each walk below loads one page of each kind (``sitebrowser.page_kinds``: the home page, a
note page, a post index, an API page, Verification, Errata; picked by their role in the nav)
and the 404 page, and checks first that each loaded cleanly: it shows its title and a visible
edit link to its Markdown, with no console or page error, no failed request and no request
to another host (``sitebrowser.shows_its_page`` and ``traffic_problems``). Pages of one kind
share their template and their kinds of boxes, so one of each stands for the rest; what can
be checked without a browser is checked on every page (``test_static_pages.py``).

axe-core (the copy bundled by the ``axe-playwright-python`` package) runs with all of its
default rules, best practices included; none is disabled. Every page is checked on a laptop
and on a phone with the navigation drawer open, and every collapsed box is opened first, so
the code and text inside them are checked too; so is the search dialog with results. The
fixes of Material's own violations are in ``overrides/`` (see ``overrides/main.html``).

The checks share the session's browser: one context per device (a test each), with axe in
every page it loads (an init script), and one tab in each that goes through every page of the
kinds in turn. Each page is checked in both colour schemes from one load: first in the scheme
the reader's system asks for (light on the laptop, dark on the phone, so that each scheme is
shown from the system's choice on every page) with every rule, then in the other one,
switched with the site's own palette toggle, with axe's colour rules (colour contrast, links
told from text): the other rules read the page's structure, which a scheme does not change,
and the two walks check it with the palette in each of its states. On a phone, the contrast
of the article's text is left to the laptop's run of the same scheme (see
``axe_violations``; the text sizes this relies on are compared with those the laptop's walk
measured as it loaded the same pages, or, when it has not run first, with a laptop's load of
them), and the contrast of text of a look axe already judged in the walk is not judged again
(see ``axe_check.js``).
Every problem is collected, keyed by (scheme, device, page), and all of them are reported at
the end, each with its key, with a screenshot of the first few failing pages as axe saw them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sitebrowser import (
    Browsing,
    Site,
    goto,
    page_kinds,
    page_url,
    screenshot,
    shows_its_page,
    traffic_problems,
)

from notesite.project import Project

pytestmark = pytest.mark.browser

#: The colour scheme a reader's system asks for, and the one the page must then show.
SCHEMES = {"light": "default", "dark": "slate"}

#: Each device's walk: the scheme its context's system asks for, then the other one.
WALKS = {"desktop": ("light", "dark"), "phone": ("dark", "light")}

#: A laptop, and a phone with the navigation drawer open.
DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 412, "height": 823},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

MISSING = "no-such-page/"  # served the 404 page
SEARCH_TERMS = ["tensor", "focal_loss"]
#: At most this many failing pages get a screenshot of what axe saw (each takes a second).
SCREENSHOTS = 10

#: (colour scheme, device, page): what one axe run checked.
Key = tuple[str, str, str]


@cache
def axe_script() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def context(browse: Callable[..., Browsing], scheme: str, device: str) -> Browsing:
    """A new context of ``scheme`` and ``device``, with axe in every page it loads."""
    return browse(color_scheme=scheme, init_script=axe_script(), **DEVICES[device])


def tab(browse: Callable[..., Browsing], scheme: str, device: str) -> Page:
    """A page in a new context of ``scheme`` and ``device``, with axe in every page it loads."""
    return context(browse, scheme, device).new_page()


def shown_scheme(page: Page, scheme: str) -> list[str]:
    """A problem if the page does not show the colour scheme the reader's system asks for."""
    shown = page.locator("body").get_attribute("data-md-color-scheme")
    return [] if shown == SCHEMES[scheme] else [f"shows colour scheme {shown!r}, not the {scheme}"]


#: Switch to a scheme with the site's palette toggle (the radio input its label works), then
#: wait until Material has switched (it marks the body meanwhile) and any colour transition
#: has ended: axe must read the colours at rest.
SWITCH_SCHEME = """async scheme => {
    document.querySelector(`input[name="__palette"][data-md-color-scheme="${scheme}"]`).click();
    for (let frame = 0; frame < 120 && document.body.hasAttribute('data-md-color-switching');
         frame++) {  // bounded: a page that never settles is reported, not waited for
        await new Promise(resolve => requestAnimationFrame(resolve));
    }
    const transitions = document.getAnimations().filter(a => a instanceof CSSTransition);
    await Promise.allSettled(transitions.map(transition => transition.finished));
}"""


def switch_scheme(page: Page, scheme: str) -> None:
    """Switch the page to ``scheme`` with the palette toggle, as a reader does."""
    page.evaluate(SWITCH_SCHEME, SCHEMES[scheme])


def open_every_box(page: Page) -> None:
    """Open every collapsed box, and wait until the page has dealt with them (a11y.js)."""
    page.evaluate(
        """async () => {
            document.querySelectorAll('details').forEach(d => { d.open = true });
            for (let frame = 0; frame < 3; frame++) {
                await new Promise(resolve => requestAnimationFrame(resolve));
            }
        }"""
    )


#: One check of the page as it is now: every rule of axe, with colour contrast left out on
#: text whose look (colour, size, weight, backgrounds) axe already judged earlier in the walk.
AXE_CHECK = Path(__file__).with_name("axe_check.js")

#: The sizes of the article's text (root, body text, headings, code) as the page sets them.
TYPESET_SIZES = """() => ['html', 'article p', 'article h1', 'article h2', 'article code']
    .map(selector => document.querySelector(selector))
    .map(element => element ? getComputedStyle(element).fontSize : null)"""


def typeset_sizes(page: Page) -> list[str | None]:
    """The font sizes of the article's text on the page as it is now."""
    sizes: list[str | None] = page.evaluate(TYPESET_SIZES)
    return sizes


@cache
def axe_check() -> str:
    return AXE_CHECK.read_text(encoding="utf-8")


def axe_violations(
    page: Page, judged: set[str], *, phone: bool = False, only: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """axe-core's violations on the page as it is now, one line per element; and its colour
    rules (those of category ``cat.color`` that the check ran).

    ``judged``: the looks of text whose contrast axe judged in earlier checks of the walk;
    the looks it judges here are added to it. ``only``: run just these rules (and colour
    contrast), not all of them.

    What a phone's check leaves to the laptop's: the contrast of the article's text, which
    depends only on the theme's colours and the text's size and weight. Both devices set the
    text in the same sizes (checked by ``typeset_sizes``), so the laptop's check of it holds for
    the phone; the contrast of everything else (header, drawer, footer) is checked on the phone
    too.
    """
    result: dict[str, Any] = page.evaluate(
        axe_check(), {"judged": sorted(judged), "skipArticleContrast": phone, "only": only}
    )
    judged.update(result["judged"])
    found = [
        f"{v['id']} ({v['impact']}) {', '.join(map(str, node['target']))}: "
        + "; ".join(check["message"] for check in node["any"] + node["all"] + node["none"])
        for v in result["violations"]
        for node in v["nodes"]
    ]
    if only is None and result["passes"] == 0:
        # No rule passed: axe checked nothing (an empty page, a broken run), which is no pass.
        found.append("axe found no rule that passes: it checked nothing")
    if only is not None and (missing := sorted(set(only) - set(result["reported"]))):
        found.append(f"axe did not run the rules it was asked for: {', '.join(missing)}")
    return found, result["colour"]


class Findings:
    """Each (colour scheme, device, page) checked, with its problems, and screenshots."""

    def __init__(self, screenshots: int = SCREENSHOTS) -> None:
        self.problems: dict[Key, list[str]] = {}
        #: The looks of text whose contrast axe has judged in this walk.
        self.judged: set[str] = set()
        #: axe's colour rules, as the first full check ran them.
        self.colour_rules: list[str] | None = None
        self.shots: list[str] = []
        self.screenshots = screenshots

    def check(
        self, page: Page, key: Key, *, colours_only: bool = False, also: Sequence[str] = ()
    ) -> None:
        """The colour scheme the page shows, and axe's violations on it as it is now.

        ``colours_only``: run only axe's colour rules, for the page already checked in full in
        its other scheme: the other rules read its structure, which a scheme does not change.
        ``also``: problems of the page found otherwise, reported (and shown) with axe's.
        """
        scheme, device, _ = key
        if colours_only and self.colour_rules is None:
            raise RuntimeError("a check of the colours only needs a full check first")
        only = self.colour_rules if colours_only else None
        found = [*also, *shown_scheme(page, scheme)]
        violations, colour_rules = axe_violations(
            page, self.judged, phone=device == "phone", only=only
        )
        found += violations
        if not colours_only:
            self.colour_rules = colour_rules
        self.problems[key] = found
        if found and len(self.shots) < self.screenshots:
            self.shots.append(screenshot(page, "axe-" + "-".join(key)))

    def report(self) -> str:
        """Each problem with its key, then the screenshots of the pages that have any."""
        lines = [
            f"{scheme}, {device}, /{what}: {problem}"
            for (scheme, device, what), found in self.problems.items()
            for problem in found
        ]
        if self.shots:
            lines += ["", "screenshots of pages as axe saw them:", *self.shots]
        return "\n".join(lines)


@pytest.fixture(scope="module")
def laptop_sizes() -> dict[str, list[str | None]]:
    """The text sizes (``typeset_sizes``) of pages as the laptop's walk loaded them, by
    source: the phone's walk compares its own with them, and loads on a laptop only the
    pages the laptop's walk has not measured (when it has not run first)."""
    return {}


@pytest.mark.parametrize("device", list(DEVICES))
def test_a_page_of_each_kind_loads_cleanly_and_has_no_accessibility_violation(
    browse: Callable[..., Browsing],
    site: Site,
    project: Project,
    device: str,
    laptop_sizes: dict[str, list[str | None]],
) -> None:
    """A page of each kind, and the 404 page, in both colour schemes on a laptop or a phone.

    One tab goes through the pages (one test per device, so that a parallel run can share
    them out). Each page must load cleanly: show its title and its edit link (to its
    Markdown), with no console or page error, no failed request and no request to another
    host. Then it is checked by axe in the system's scheme, and in the other one.
    """
    kinds = page_kinds(project)
    findings = Findings()
    system, other = WALKS[device]
    browsing = context(browse, system, device)
    page = browsing.new_page()
    # The premise of a phone's check: the same text sizes as on the laptop, on these pages
    # (measured on the phone as its walk loads them).
    sized = [kinds["home"], kinds["note"], kinds["api"]]
    sizes: dict[str, list[str | None]] = {}
    # Each page once (a page may be of two kinds); None: the 404 page.
    sources: list[str | None] = [*dict.fromkeys(kinds.values()), None]
    for src in sources:
        path = MISSING if src is None else page_url(src)
        browsing.traffic.clear()  # each page's traffic is checked on its own
        goto(page, site(path))
        shown = [] if src is None else shows_its_page(page, src)
        if src in sized:
            sizes[src] = typeset_sizes(page)
        if device == "phone":
            page.locator(".md-header label[for=__drawer]").click()
            page.locator(".md-sidebar--primary .md-nav__title[for=__drawer]").wait_for()
        open_every_box(page)
        findings.check(page, (system, device, path), also=shown)
        switch_scheme(page, other)
        findings.check(page, (other, device, path), colours_only=True)
        # Back to the system's scheme, which Material keeps for the next page as it does for
        # a reader who never switched (clearing its localStorage instead races the next load).
        switch_scheme(page, system)
        if src is not None:  # the 404 page's own traffic is test_browser_pages.py's to check
            findings.problems[(system, device, path)] += traffic_problems(browsing.traffic)

    # Each page was checked in each scheme, or the test is broken.
    assert len(findings.problems) == 2 * len(sources)
    if device == "desktop":
        laptop_sizes.update(sizes)
    else:
        if unmeasured := [src for src in sized if src not in laptop_sizes]:
            laptop = tab(browse, system, "desktop")
            for src in unmeasured:
                goto(laptop, site(page_url(src)))
                laptop_sizes[src] = typeset_sizes(laptop)
        for src in sized:
            assert sizes[src] == laptop_sizes[src], src
    if any(findings.problems.values()):
        pytest.fail(findings.report(), pytrace=False)


#: Whether the search dialog lists the results of ``term``, and none of another query: with
#: search.highlight, a result's link carries the query that found it (a page's own link may
#: carry none).
SHOWS_RESULTS_OF = """term => {
    const queries = [...document.querySelectorAll('.md-search-result__link')]
        .map(link => new URL(link.href).searchParams.get('h'));
    return queries.includes(term) && queries.every(query => query === term || query === '');
}"""


def test_the_search_dialog_with_results_has_no_accessibility_violation(
    browse: Callable[..., Browsing], site: Site
) -> None:
    findings = Findings()
    for scheme in SCHEMES:
        page = tab(browse, scheme, "desktop")
        goto(page, site("notes/"))
        search = page.locator(".md-search__input")
        for term in SEARCH_TERMS:  # one search after the other, as a reader refines one
            search.click()
            search.fill("")
            search.press_sequentially(term, delay=40)  # Material's search listens for keyup
            # The results of this term, not of the one before: each link highlights the query.
            page.wait_for_function(SHOWS_RESULTS_OF, arg=term)
            page.wait_for_load_state("networkidle")
            findings.check(page, (scheme, "desktop", f"notes/, searched for {term!r}"))

    assert len(findings.problems) == len(SCHEMES) * len(SEARCH_TERMS)
    if any(findings.problems.values()):
        pytest.fail(findings.report(), pytrace=False)


def test_the_checks_find_a_planted_violation_and_a_wrong_scheme(
    browse: Callable[..., Browsing], site: Site
) -> None:
    """The checks above can fail: they report an image without alt text, and a page in the
    dark scheme where the light one is expected, each under its key."""
    findings = Findings(screenshots=0)
    page = tab(browse, "dark", "phone")
    goto(page, site("api/"))
    page.evaluate(
        """() => {
            const image = document.createElement('img');
            image.src = 'data:,';
            image.id = 'planted';
            document.querySelector('article').append(image);
        }"""
    )
    with pytest.raises(RuntimeError, match="needs a full check first"):
        findings.check(page, ("dark", "phone", "api/"), colours_only=True)
    findings.check(page, ("light", "phone", "api/"))
    report = findings.report().splitlines()
    assert report[0] == "light, phone, /api/: shows colour scheme 'slate', not the light"
    assert any(
        line.startswith("light, phone, /api/: image-alt (critical) #planted:") for line in report
    ), report

    # The check of the other scheme runs the colour rules only: it finds pale text, and
    # leaves the image (a matter of structure) to the full check.
    assert findings.colour_rules is not None
    assert {"color-contrast", "link-in-text-block"} <= set(findings.colour_rules)
    page.evaluate(
        """() => {
            const pale = document.createElement('p');
            pale.id = 'planted-pale';
            pale.style.color = '#444';  // on the dark scheme's dark ground
            pale.textContent = 'Pale text';
            // Outside the article, whose contrast a phone's check leaves to the laptop's.
            document.querySelector('.md-footer').append(pale);
        }"""
    )
    findings.check(page, ("dark", "phone", "api/, planted"), colours_only=True)
    planted = findings.problems[("dark", "phone", "api/, planted")]
    assert any(line.startswith("color-contrast (serious) #planted-pale:") for line in planted)
    assert not any(line.startswith("image-alt") for line in planted), planted


def test_contrast_is_judged_once_per_look_and_a_new_look_is_still_checked(
    browse: Callable[..., Browsing], site: Site, project: Project
) -> None:
    """Text of a look axe judged earlier in the walk is left out of the contrast rule; text
    of a new look, or of a judged look on a new background, is checked, and fails."""
    findings = Findings(screenshots=0)
    page = tab(browse, "light", "desktop")
    note = page_url(page_kinds(project)["note"])
    goto(page, site(note))
    findings.check(page, ("light", "desktop", note))
    assert findings.problems == {("light", "desktop", note): []}
    judged = set(findings.judged)
    assert len(judged) > 5, judged  # body text, headings, links, code tokens, …

    again = page.evaluate(
        axe_check(), {"judged": sorted(judged), "skipArticleContrast": False, "only": None}
    )
    assert again["left_out"] > 0
    assert again["judged"] == []  # nothing new to judge on the same page

    page.evaluate(
        """() => {
            const article = document.querySelector('article');
            const grey = document.createElement('p');
            grey.id = 'planted-grey';  // a new look: pale grey on the page's white
            grey.style.color = '#bbb';
            grey.textContent = 'Pale text';
            const dark = document.createElement('div');
            dark.style.background = '#333';  // the body text's look on a new background
            dark.innerHTML = '<p id="planted-ground">Dark text on dark</p>';
            article.append(grey, dark);
        }"""
    )
    findings.check(page, ("light", "desktop", f"{note}, planted"))
    report = findings.report().splitlines()
    for planted in ["#planted-grey", "#planted-ground"]:
        prefix = f"light, desktop, /{note}, planted: color-contrast (serious) {planted}:"
        assert any(line.startswith(prefix) for line in report), report
