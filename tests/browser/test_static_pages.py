"""Every built page, read as HTML without a browser: what is cheap to check on all of them.

The browser walks (``test_browser_accessibility.py``) load one page of each kind; this
reads every page of the built site and checks what needs no browser: a language, a title
(h1), the edit link to its Markdown, no id twice, alt text on every image, and that
everything the page loads (scripts, stylesheets, icons, images) comes from the site itself
and exists in it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from sitebrowser import edit_base, page_url

from notesite.progress import is_verified
from notesite.project import Project

pytestmark = pytest.mark.slow

#: What a page loads, by element: the attribute that names it.
LOADED = {"script": "src", "img": "src", "source": "src", "iframe": "src", "link": "href"}
#: The ``rel`` of a ``<link>`` that the browser fetches.
FETCHED = {"stylesheet", "icon", "preload", "modulepreload", "manifest"}


def static_problems(
    html: str, src: str, page_folder: Path, site_root: Path, authors_images: bool = True
) -> list[str]:
    """What is wrong with the built page of ``docs/<src>``, read as HTML.

    Args:
        html: The built page.
        src: Its Markdown file, relative to docs/.
        page_folder: The folder its links are relative to (where its index.html lies).
        site_root: The built site's folder.
        authors_images: Whether to check the images of the article too. A post not yet
            verified keeps its author's images as written (an image on another host,
            without alt text): they are the author's words, not the site's fault.

    Returns:
        One line per problem; none for a good page.
    """
    soup = BeautifulSoup(html, "html.parser")
    found = []
    root = soup.find("html")
    if root is None or not str(root.get("lang") or "").strip():
        found.append("no language on <html lang>")
    heading = soup.select_one("article h1")
    if heading is None or not heading.get_text().replace("¶", "").strip():
        found.append("no title (h1) in the article")
    edit = soup.select_one("article a.md-content__button[rel=edit]")
    expected = f"{edit_base()}/{src}"
    if edit is None or edit.get("href") != expected:
        got = None if edit is None else edit.get("href")
        found.append(f"expected an edit link to {expected}, got {got}")
    ids: dict[str, int] = {}
    for element in soup.find_all(id=True):
        ids[str(element["id"])] = ids.get(str(element["id"]), 0) + 1
    found += [f"id {name!r} {count} times" for name, count in sorted(ids.items()) if count > 1]
    if not authors_images:
        for img in soup.select("article img"):
            img.decompose()
    found += [f"an image without alt text: {img}" for img in soup.find_all("img", alt=False)]
    for tag, attribute in LOADED.items():
        for element in soup.find_all(tag):
            if tag == "link" and not FETCHED & set(element.get("rel") or []):
                continue
            if not (target := str(element.get(attribute) or "")):
                continue
            parts = urlsplit(target)
            if parts.scheme == "data":
                continue
            if parts.scheme or parts.netloc:
                found.append(f"loads {target} from another host")
            elif not (page_folder / unquote(parts.path)).resolve().is_relative_to(site_root):
                found.append(f"loads {target}, outside the site")
            elif not (page_folder / unquote(parts.path)).is_file():
                found.append(f"loads {target}, which the site does not hold")
    return found


def test_every_built_page_has_its_title_edit_link_and_local_resources(
    built_site: Path, project: Project
) -> None:
    pages = [
        page.relative_to(project.docs_dir).as_posix() for page in project.docs_dir.rglob("*.md")
    ]
    assert project.nav[0] in pages
    problems = {}
    for src in sorted(pages):
        folder = built_site / page_url(src)
        html = (folder / "index.html").read_text(encoding="utf-8")
        strict = is_verified(project, project.page(src))
        if found := static_problems(html, src, folder, built_site.resolve(), strict):
            problems[src] = found
    assert problems == {}


def test_the_static_check_reports_each_planted_fault(built_site: Path, project: Project) -> None:
    src = project.nav[0]
    folder = built_site / page_url(src)
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert static_problems(html, src, folder, built_site.resolve()) == []
    planted = (
        html.replace('<html lang="en"', "<html", 1)
        .replace("</article>", '<img src="https://example.com/x.png"><p id="x"></p>'
                 '<p id="x"></p><script src="no-such.js"></script></article>', 1)
    )  # fmt: skip
    other = "notes/no-such-page.md"
    assert static_problems(planted, other, folder, built_site.resolve()) == [
        "no language on <html lang>",
        f"expected an edit link to {edit_base()}/{other}, got {edit_base()}/{src}",
        "id 'x' 2 times",
        'an image without alt text: <img src="https://example.com/x.png"/>',
        "loads no-such.js, which the site does not hold",
        "loads https://example.com/x.png from another host",
    ]
    no_title = BeautifulSoup(html, "html.parser")
    for heading in no_title.select("article h1"):
        heading.decompose()
    assert "no title (h1) in the article" in static_problems(
        str(no_title), src, folder, built_site.resolve()
    )
