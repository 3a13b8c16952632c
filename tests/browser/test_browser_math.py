"""A post's math and footnotes, as readers meet them: typeset by the site's own KaTeX.

A post heavy with math (display and inline, ``a*b*c`` that Markdown would read as emphasis,
a footnote) is brought into a scratch copy of the project with ``sync --new``, built strictly
and served: every formula is typeset, in the page and in its "As written" view, and the page
asks nothing of another host.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from sitebrowser import Browsing, goto, page_url, serve, traffic_problems

from notesite.project import Project
from notesite.sync import sync

pytestmark = pytest.mark.browser

POST = r"""---
title: Softmax notes
date: 2021-03-04
---

Where the formulas of the loss come from.

## Softmax

The softmax of a vector $z$ is

$$
\sigma(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}
$$

and the product of three numbers is $p = a*b*c$, with $x_1 + y_1$ inline too.[^1]

[^1]: As in any textbook.
"""
PAGE = "notes/softmax-notes/softmax.md"


def test_math_is_typeset_by_the_site_itself(
    browse: Callable[..., Browsing],
    project_copy: Path,
    tmp_path: Path,
    mkdocs_build: Callable[[Path, Path], CompletedProcess[str]],
) -> None:
    post = tmp_path / "softmax.md"
    post.write_text(POST, encoding="utf-8")
    sync(Project.at(project_copy), post, new_post=True, run_blocks=False)
    built = project_copy / "site"
    done = mkdocs_build(project_copy, built)
    assert done.returncode == 0, done.stderr
    with serve(built) as site:
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
