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
