"""The head of a note page: the byline, the notebook, Colab, source and the author's section."""

from __future__ import annotations

import posixpath
import re

from sitepages import render

from notesite.model import parse_page
from notesite.notebook import notebook_path
from notesite.project import Project
from notesite.render import byline


def test_the_byline_names_the_post(project: Project) -> None:
    src = project.note_pages[0]
    post = parse_page(project.page(src).text, src).meta["post"]
    line = byline.byline(post)
    assert f"<em>{post['title']}</em>" in line
    date = str(post["date"]).split(" ")[0]
    assert f'<time datetime="{date}">{date}</time>' in line


def test_a_note_page_offers_its_notebook_colab_source_and_the_author_s_section(
    project: Project,
    note_page: str,
) -> None:
    src_uri = note_page
    from notesite.fidelity import rebuild_page

    soup = render(src_uri)
    actions = soup.select_one("h1 + p.post-byline + p.ptn-actions")
    assert actions is not None
    links = {a.get_text(): a["href"] for a in actions.find_all("a")}
    notebook = notebook_path(src_uri)
    assert links["Download notebook"] == posixpath.relpath(notebook, posixpath.dirname(src_uri))
    assert (project.docs_dir / notebook).is_file()
    assert links["Open in Colab"] == (
        f"https://colab.research.google.com/github/ptnotes/ptnotes/blob/main/docs/{notebook}"
    )
    assert links["View source"].endswith(f"/blob/main/docs/{src_uri}")
    assert actions.select_one("button.ptn-as-written-switch[aria-pressed=false]") is not None
    author = soup.select_one("section.ptn-as-written[hidden]")
    assert author is not None
    assert not author.find(id=True), "the author's section adds no anchors"
    rebuilt = rebuild_page(project.page(src_uri))
    words = " ".join(" ".join(rebuilt).split())
    shown = " ".join(author.get_text(" ").split())
    for word in ["Checked", "Setup for the next snippet", "Precisely"]:
        assert word not in shown
    # Its headings as the author wrote them, as words (a post's one page has its title from
    # the front matter, which is not in the body): every one of them is there.
    written = parse_page("\n".join(rebuilt), src_uri)  # its headings, as the model reads them
    headings = [
        " ".join(re.sub(r"[`*_]", "", written.lines[line].lstrip("#")).split())
        for line, _ in written.headings
    ]
    assert headings
    assert all(heading in shown for heading in headings)
    assert len(shown) > len(words) / 3
