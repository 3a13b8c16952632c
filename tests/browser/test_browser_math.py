"""A post's math, footnotes and links, as readers meet them.

A post heavy with math (display and inline, ``a*b*c`` that Markdown would read as emphasis,
a footnote), with a table of contents, a link to another post of its blog and an image the
site does not hold (``fixture_posts.SOFTMAX``), is brought into a scratch copy of the project
with ``sync --new``, built strictly and served: every formula is typeset by the site's own
KaTeX, in the page and in its "As written" view; the contents lead to the sections' pages;
the link and image that lead nowhere here keep their words; and the pages ask nothing of
another host.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fixture_posts import SOFTMAX_PAGE as PAGE
from sitebrowser import Browsing, goto, page_url, serve, traffic_problems

pytestmark = pytest.mark.browser


@pytest.fixture
def softmax_site(posts_site: Path) -> Path:
    """The site with the fixture posts, this one among them (``fixture_posts.SOFTMAX``)."""
    return posts_site / "site"


def test_math_is_typeset_by_the_site_itself(
    browse: Callable[..., Browsing], softmax_site: Path
) -> None:
    with serve(softmax_site) as site:
        browsing = browse(color_scheme="light")
        page = browsing.new_page()
        goto(page, site(page_url(PAGE)), idle=True)
        article = page.locator("article")
        shown = article.locator(".arithmatex").evaluate_all(
            "all => all.filter(e => !e.closest('.ptn-as-written'))"
            ".map(e => [e.querySelector('.katex') !== null, e.tagName])"
        )
        assert shown == [[True, "SPAN"], [True, "DIV"], [True, "SPAN"], [True, "SPAN"]]
        assert article.locator(".katex-display").count() >= 1
        # Markdown did not read a*b*c as emphasis; the footnote is a footnote.
        assert article.locator(".arithmatex em").count() == 0
        notes = article.locator(".footnote li").all_text_contents()
        assert [n.strip().startswith("As in any textbook") for n in notes] == [True, True]
        assert article.locator("#fn\\:1").count() == 1
        # The "As written" view typesets the author's math too.
        page.locator(".ptn-as-written-switch").first.click()
        written = page.locator(".ptn-as-written .arithmatex")
        assert written.count() == 4
        assert page.locator(".ptn-as-written .arithmatex .katex").count() == 4
        fonts = [url for url in browsing.traffic.requests if url.endswith(".woff2")]
        assert fonts, "KaTeX's fonts come from the site"
        assert traffic_problems(browsing.traffic) == []


def test_a_post_s_links_lead_to_its_sections_or_keep_their_words(
    browse: Callable[..., Browsing], softmax_site: Path
) -> None:
    with serve(softmax_site) as site:
        browsing = browse(color_scheme="light")
        page = browsing.new_page()
        goto(page, site(page_url("notes/softmax/index.md")))
        page.locator("article p a", has_text="Cross entropy").click()
        page.wait_for_url("**/softmax/cross-entropy/#cross-entropy")
        assert page.locator("article h1").inner_text().startswith("Cross entropy")
        # On the section's own page, a link to a heading there stays; one to another
        # section's page leads there.
        # (The theme shows each link's address in full.)
        here = page.locator("article > p a", has_text="this section").get_attribute("href")
        assert str(here).endswith("/softmax/cross-entropy/#cross-entropy")
        back = page.locator("article > p a", has_text="the softmax").get_attribute("href")
        assert str(back).endswith("/softmax/softmax/#softmax")
        goto(page, site(page_url("notes/softmax/index.md")))
        dead = page.locator("article > p .ptn-dead-link", has_text="my statistics recap")
        assert dead.get_attribute("title") == (
            "In the post, a link to ../2021-01-01-stats.md, which this site does not hold"
        )
        goto(page, site(page_url(PAGE)))
        image = page.locator("article .ptn-dead-link", has_text="[A plot of the softmax]")
        assert image.count() == 2  # on the page and in its "As written" view
        assert page.locator("article img[src*=softmax]").count() == 0
        assert traffic_problems(browsing.traffic) == []


def test_a_page_without_math_fetches_nothing_of_katex(
    browse: Callable[..., Browsing], softmax_site: Path
) -> None:
    with serve(softmax_site) as site:
        browsing = browse(color_scheme="light")
        page = browsing.new_page()
        goto(page, site(page_url("notes/misc.md")), idle=True)
        assert [url for url in browsing.traffic.requests if "katex" in url] == []
        goto(page, site(page_url(PAGE)), idle=True)
        assert [url for url in browsing.traffic.requests if "katex" in url]
