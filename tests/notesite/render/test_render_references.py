"""The author's references as a blog engine shows them: no reference turns the build red."""

from __future__ import annotations

from pathlib import Path

import markdown
from bs4 import BeautifulSoup
from mkdocs.utils.meta import get_data
from mkdocs_autorefs import AutorefsExtension
from sitepages import add_post

from notesite.project import markdown_settings, read_config


def render_with_autorefs(root: Path, src_uri: str) -> BeautifulSoup:
    """A page as MkDocs renders it with the autorefs plugin on (its cross-references read)."""
    names, configs = markdown_settings(read_config(root))
    configs.setdefault("notesite", {})["root"] = str(root)
    md = markdown.Markdown(extensions=[*names, AutorefsExtension()], extension_configs=configs)
    body, _ = get_data((root / "docs" / src_uri).read_text(encoding="utf-8"))
    return BeautifulSoup(md.convert(body), "html.parser")


def test_an_undefined_reference_of_the_author_is_text_and_the_site_s_is_a_cross_reference(
    scratch: Path,
) -> None:
    add_post(
        scratch,
        "---\ntitle: Reference notes\n---\n\n## Links\n\n"
        "A [dangling][nowhere] reference, a [*shortcut*][] one and [a real one][real].\n\n"
        "[real]: https://example.org/real\n",
    )
    page = scratch / "docs" / "notes" / "post.md"
    tip = '\n!!! tip "In ptnotes"\n    [ptnotes.seed][] seeds every generator.\n'
    page.write_text(page.read_text(encoding="utf-8") + tip, encoding="utf-8")
    soup = render_with_autorefs(scratch, "notes/post.md")
    text = next(p for p in soup.select("p") if "dangling" in p.get_text())
    assert text.get_text() == (
        "A [dangling][nowhere] reference, a [shortcut][] one and a real one."
    )
    assert text.select("em")  # the words keep their emphasis
    assert [a["href"] for a in text.select("a")] == ["https://example.org/real"]
    # The site's own box still cross-references the API (MkDocs resolves it, or fails).
    assert [ref["identifier"] for ref in soup.select("autoref")] == ["ptnotes.seed"]


def test_a_footnote_never_referenced_keeps_its_words_without_a_dead_link_back(
    scratch: Path,
) -> None:
    add_post(
        scratch,
        "---\ntitle: Footnote notes\n---\n\n## Notes\n\nUsed[^a] once.\n\n"
        "[^a]: The used note.\n[^old]: A note whose reference was edited out.\n",
    )
    soup = render_with_autorefs(scratch, "notes/post.md")
    backrefs = [a["href"] for a in soup.select("a.footnote-backref")]
    ids = {node["id"] for node in soup.select("[id]")}
    assert backrefs
    assert all(href.removeprefix("#") in ids for href in backrefs)
    assert "A note whose reference was edited out." in soup.get_text()


def test_each_page_of_a_split_post_links_by_the_labels_its_post_defines(scratch: Path) -> None:
    add_post(
        scratch,
        "---\ntitle: Split notes\npages: sections\n---\n\nIntro [ref][g].\n\n"
        "## First\n\nSee the [guide][G].\n\n## Second\n\nMore.\n\n"
        '[g]: https://example.org/g "The Guide"\n',
    )
    for src in ("notes/post/index.md", "notes/post/first.md"):
        soup = render_with_autorefs(scratch, src)
        links = [(a.get_text(), a["href"]) for a in soup.select("article > p a, p a")]
        assert ("guide" if "first" in src else "ref", "https://example.org/g") in links, src
        assert not soup.select("autoref")


def test_each_page_of_a_split_post_shows_the_footnotes_it_cites(scratch: Path) -> None:
    add_post(
        scratch,
        "---\ntitle: Split notes\npages: sections\n---\n\n## First\n\nA note[^n] here.\n\n"
        "## Second\n\nMore.\n\n[^n]: The note,\n    on two lines.\n",
    )
    first = render_with_autorefs(scratch, "notes/post/first.md")
    assert first.select("sup#fnref\\:n")
    (note,) = first.select("div.footnote li")
    assert " ".join(note.get_text().split()).startswith("The note, on two lines.")
    second = render_with_autorefs(scratch, "notes/post/second.md")
    assert "The note," in second.get_text()  # its words stay where the post has them
    assert not second.select("a.footnote-backref")  # no link back to a citation elsewhere
