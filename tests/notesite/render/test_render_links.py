"""A post's own links on the site: to its sections' pages, or kept as words."""

from __future__ import annotations

from pathlib import Path

from sitepages import add_post, render


def test_a_post_s_index_and_links_as_its_author_wrote_them(scratch: Path) -> None:
    """A post without subtitle or date, whose contents link to a section named in Chinese."""
    add_post(
        scratch,
        "---\ntitle: Tensor notes\npages: sections\n---\n\n"
        "Contents: [张量](#张量), [Shapes](#shapes), "
        "[gone](#nowhere).\n\n## 张量\n\nA tensor.\n\n## Shapes\n\nA shape.\n",
    )
    soup = render("notes/post/index.md", scratch)
    assert "written" not in soup.get_text()  # nor "**", nor a subtitle it does not have
    assert "**" not in soup.get_text()
    links = {a.get_text(): a["href"] for a in soup.select("p a")}
    assert links["张量"] == "section.md"  # its page, whose heading has no ASCII anchor
    assert links["Shapes"] == "shapes.md#shapes"
    dead = soup.select_one(".ptn-dead-link")
    assert dead is not None
    assert dead.get_text() == "gone"


def test_the_page_is_handed_on_per_conversion_and_forgotten_on_reset(scratch: Path) -> None:
    """The preprocessor hands the page to the links' treeprocessor; ``reset()`` forgets it."""
    from bs4 import BeautifulSoup
    from mkdocs.utils.meta import get_data
    from sitepages import converter

    from notesite.render.locate import PageHandOff

    add_post(scratch, "---\ntitle: Old notes\n---\n\n## Old\n\nSee [before](../2020/old.md).\n")
    md = converter(scratch)
    hand_off = next(e for e in md.registeredExtensions if isinstance(e, PageHandOff))
    body, _ = get_data((scratch / "docs" / "notes" / "post.md").read_text(encoding="utf-8"))
    soup = BeautifulSoup(md.convert(body), "html.parser")
    dead = soup.select(".ptn-dead-link")
    mended = [s for s in dead if not s.find_parent(class_="ptn-as-written")]
    assert [s.get_text() for s in mended] == ["before"]  # the post's link, as its words
    assert hand_off.page is not None
    assert hand_off.page.src_uri == "notes/post.md"
    md.reset()
    assert hand_off.page is None
    again = md.convert("See [before](../2020/old.md).\n")  # no page: a link of the site's own
    assert '<a href="../2020/old.md">before</a>' in again
    assert hand_off.page is None


def test_a_site_marker_in_a_post_stays_the_author_s_comment(scratch: Path) -> None:
    """Only the site's own pages list the posts, errata and totals at their markers."""
    add_post(
        scratch,
        "---\ntitle: Markers\n---\n\n## Part\n\nWords.\n\n<!-- ptnotes:summary -->\n\n"
        "<!-- ptnotes:errata -->\n",
    )
    assert not render("notes/post.md", scratch).select("table")
    assert render("index.md", scratch).select("table")  # the home page's totals
