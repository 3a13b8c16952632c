"""A series on the site: links between posts, the list of posts, each page's nav.

The project is the sync's fixture (one post); each test adds posts of its own with
``sync --new`` and builds it strictly, as a contributor would.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from notesite.project import Project, read_config
from notesite.render.lists import posts_list
from notesite.render.posts import blog_permalink, post_key, post_page
from notesite.sync import sync

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "sync" / "project"

LSTM = """---
title: LSTM notes
date: '2022-03-15 10:00'
tags: [Deep Learning]
pages: sections
---

## Gates

An LSTM has gates.

## Cells

A cell state.
"""

GRU = """---
title: GRU notes
date: '2022-03-20 10:00'
tags: [Deep Learning, RNN]
pages: sections
---

## Compared

Like the [LSTM](../2022/2022-03-15-lstm.markdown), its [cells](./2022-03-15-lstm.markdown#cells)
and [t-SNE](../2017/2017-02-10-tsne.markdown).
"""


def add(root: Path, name: str, text: str) -> None:
    post = root.parent / name
    post.write_text(text, encoding="utf-8")
    sync(Project.at(root), post, new_post=True, run_blocks=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The fixture project with two posts of a series: the GRU post links to the LSTM's.

    Each is split into a page per section (``pages: sections``), so that links lead to the
    section's page and the nav has pages to prune.
    """
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    add(root, "2022-03-15-lstm.md", LSTM)
    add(root, "2022-03-20-gru.md", GRU)
    return root


def build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def links(root: Path, page: str) -> dict[str, str]:
    """The author's links of a built page (its article, As written left out): words → href."""
    soup = BeautifulSoup((root / "site" / page).read_text(encoding="utf-8"), "html.parser")
    for written in soup.select(".ptn-as-written, [data-ptn-as-written]"):
        written.decompose()
    found: dict[str, str] = {}
    for element in soup.select("p a, p span.ptn-dead-link"):
        words = element.get_text()
        found.setdefault(words, str(element.get("href") or "(words) " + element["title"]))
    return found


def set_blog(root: Path, url: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f"      blog_url: {url}\n", encoding="utf-8")


def test_a_post_s_file_name_gives_its_date_slug_and_blog_address() -> None:
    assert post_key("../2022/2022-03-15-Deep-RNN.markdown") == ("2022-03-15", "deep-rnn")
    assert post_key("notes.md") is None
    assert (
        blog_permalink("https://example.github.io", "./2022-03-15-Deep-RNN.markdown")
        == "https://example.github.io/2022/03/15/Deep-RNN.html"
    )
    assert blog_permalink("", "2022-03-15-x.markdown") is None


def test_a_link_to_a_post_of_the_site_leads_to_its_page_and_section(root: Path) -> None:
    project = Project.at(root)
    assert post_page(project, "2022-03-15-lstm.markdown") == "notes/lstm/index.md"
    assert post_page(project, "2022-03-16-lstm.markdown") is None  # another date
    done = build(root)
    assert done.returncode == 0, done.stderr
    found = links(root, "notes/gru/compared/index.html")
    assert found["LSTM"] == "../../lstm/"
    assert found["cells"] == "../../lstm/cells/#cells"
    assert found["t-SNE"].startswith("(words) In the post, a link to ../2017/2017-02-10-tsne")


def test_a_post_the_site_lacks_leads_to_the_author_s_blog(root: Path) -> None:
    set_blog(root, "https://example.github.io/")
    done = build(root)
    assert done.returncode == 0, done.stderr
    found = links(root, "notes/gru/compared/index.html")
    assert found["t-SNE"] == "https://example.github.io/2017/02/10/tsne.html"
    assert found["LSTM"] == "../../lstm/"  # the site's page first


def test_a_broken_link_the_post_does_not_have_fails_the_strict_build(root: Path) -> None:
    page = root / "docs" / "notes" / "gru" / "compared.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nSee [this](no-such-page.md).\n", encoding="utf-8"
    )
    done = build(root)
    assert done.returncode == 1
    assert "no-such-page.md" in done.stderr
    assert "2017-02-10-tsne" not in done.stderr  # the author's own link is still mended


def test_the_posts_are_listed_by_year_newest_first_told_apart_by_date(root: Path) -> None:
    # A second post of the same title, its page naming its original (post: source:).
    older = GRU.replace("2022-03-20", "2021-01-02")
    (root / "notes-original" / "2021-01-02-gru.md").write_text(older, encoding="utf-8")
    (root / "docs" / "notes" / "gru-2021.md").write_text(
        "---\npost:\n  title: GRU notes\n  source: 2021-01-02-gru.md\n---\n\n# Compared\n",
        encoding="utf-8",
    )
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "      - notes/modules.md\n", "      - notes/modules.md\n      - notes/gru-2021.md\n"
        ),
        encoding="utf-8",
    )
    listed = posts_list(Project.at(root), "notes/index.md").splitlines()
    assert listed == [
        "**2023**",
        "{: .ptn-year }",
        "",
        "- 2023-05-01 · [Tensor Basics](index.md) · PyTorch",
        "",
        "**2022**",
        "{: .ptn-year }",
        "",
        "- 2022-03-20 · [GRU notes](gru/index.md) · Deep Learning, RNN",
        "- 2022-03-15 · [LSTM notes](lstm/index.md) · Deep Learning",
        "",
        "**2021**",
        "{: .ptn-year }",
        "",
        "- 2021-01-02 · [GRU notes](gru-2021.md) · Deep Learning, RNN",
    ]


def _builders() -> list[object]:
    return [
        pytest.param([sys.executable, "-m", "mkdocs", "build"], id="mkdocs"),
        pytest.param([str(Path(sys.executable).with_name("zensical")), "build"], id="zensical"),
    ]


def with_the_site_s_features(root: Path) -> None:
    """The project's theme features (navigation.prune among them) in the fixture's config."""
    features = read_config(ROOT)["theme"]["features"]
    assert "navigation.prune" in features
    config = root / "mkdocs.yml"
    theme = "theme:\n  name: material\n  features:\n" + "".join(f"    - {f}\n" for f in features)
    config.write_text(theme + config.read_text(encoding="utf-8"), encoding="utf-8")


def nav_links(root: Path, builder: list[str], here: str, *, built: bool = False) -> list[str]:
    """Build with ``builder`` (unless ``built``: the last build stands); the pages the primary
    nav of the page at ``here`` links to."""
    if not built:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        shutil.rmtree(root / "site", ignore_errors=True)
        done = subprocess.run(
            [*builder, "-f", "mkdocs.yml"], cwd=root, env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    html = (root / "site" / here / "index.html").read_text("utf-8")
    nav = BeautifulSoup(html, "html.parser").select_one("nav.md-nav--primary")
    assert nav is not None
    return [
        posixpath.normpath(posixpath.join(here, str(a.get("href")).split("#")[0]))
        for a in nav.select("a")
    ]


@pytest.mark.slow
@pytest.mark.parametrize("builder", _builders())
def test_a_page_carries_the_nav_of_its_own_post_only(root: Path, builder: list[str]) -> None:
    """With the project's theme features, another post's pages are one link, not its nav."""
    with_the_site_s_features(root)
    hrefs = set(nav_links(root, builder, "notes/gru/compared"))
    assert {"notes/gru", "notes/gru/compared"} <= hrefs  # its own post, open
    assert "notes/lstm" in hrefs  # the other post: one link
    assert not hrefs & {"notes/lstm/cells", "notes/lstm/gates"}


@pytest.mark.slow
@pytest.mark.parametrize("builder", _builders())
def test_a_page_s_nav_does_not_grow_with_the_number_of_posts(
    root: Path, builder: list[str]
) -> None:
    """The nav of a page holds the years, the months of its year and the posts of its month:
    nine more posts of another month leave it as it was, and a flat nav would grow by nine."""
    with_the_site_s_features(root)
    add(root, "2021-05-01-old.md", "---\ntitle: Old notes\n---\n\n## A\n\nOld.\n")
    before = nav_links(root, builder, "notes/gru/compared")
    assert "notes/old" in before  # 2021: one link, to its first post
    for day in range(2, 11):
        add(root, f"2021-05-{day:02}-more.md", f"---\ntitle: More {day}\n---\n\n## A\n\nMore.\n")
    assert len(Project.at(root).note_pages) == 2 + 3 + 10  # the seed's pages, 12 posts' pages
    assert nav_links(root, builder, "notes/gru/compared") == before
    # A page of May 2021 lists its month's posts, and not the pages of the 2022 posts.
    may = set(nav_links(root, builder, "notes/more-2021-05-05", built=True))
    assert {"notes/old", "notes/more", "notes/more-2021-05-10"} <= may
    assert not may & {"notes/gru/compared", "notes/lstm/cells"}


def test_a_post_s_title_and_tags_are_listed_as_text(root: Path) -> None:
    """Everything from a post is data: Markdown and HTML in a title show as written."""
    original = root / "notes-original" / "2022-03-15-lstm.md"
    text = original.read_text(encoding="utf-8")
    original.write_text(
        text.replace("title: LSTM notes", "title: '*LSTM* [x](y) <b>'").replace(
            "[Deep Learning]", "['<i>tag</i>']"
        ),
        encoding="utf-8",
    )
    for page in (root / "docs" / "notes" / "lstm").glob("*.md"):
        page.write_text(
            page.read_text(encoding="utf-8").replace(
                "title: LSTM notes", "title: '*LSTM* [x](y) <b>'"
            ),
            encoding="utf-8",
        )
    listed = posts_list(Project.at(root), "index.md")
    line = next(x for x in listed.splitlines() if "2022-03-15" in x)
    html = markdown.markdown(line)
    assert BeautifulSoup(html, "html.parser").get_text().strip() == (
        "2022-03-15 · *LSTM* [x](y) <b> · <i>tag</i>"
    )
