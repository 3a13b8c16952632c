"""The head of a note page: the byline, the page's actions, an index page's list of pages.

Under a note page's title: the post it comes from, its date and how far it is verified
(:func:`byline`), then its notebook, Colab, source, legend and "As written" switch
(:func:`page_head`). A post's index page lists the post's pages (:func:`post_pages`).
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable
from typing import Any

from notesite.fidelity import post_source
from notesite.model import PAGES_MARKER, Page
from notesite.notebook import notebook_path
from notesite.progress import is_verified, progress, progress_line
from notesite.project import Project
from notesite.render.as_written import AS_WRITTEN_SWITCH
from notesite.safety import link_words, markdown_text

#: The page whose ``#legend`` says what the marks on a note page mean.
LEGEND_PAGE = "verification.md"


def byline(post: dict[str, Any], progress: str = "") -> str:
    """The line under a note page's title: the post it comes from and its date.

    The subtitle and the date are each left out when the post has none. ``progress`` says,
    for a post not yet verified, how far it is (:func:`notesite.progress.progress_line`).
    """
    title = html.escape(str(post.get("title", "")))
    subtitle = html.escape(str(post.get("subtitle") or ""))
    date = html.escape(str(post.get("date") or "").split(" ")[0])
    about = f" ({subtitle})" if subtitle else ""
    written = f', written <time datetime="{date}">{date}</time>' if date else ""
    shown = (
        f' <span class="ptn-progress">Not yet verified: {html.escape(progress)}.</span>'
        if progress
        else ""
    )
    return f'<p class="post-byline">From the post <em>{title}</em>{about}{written}.{shown}</p>'


def post_progress(project: Project, page: Page) -> str:
    """How far the page's post is verified ("" for a verified post or none)."""
    if is_verified(project, page):
        return ""
    source = post_source(page)
    pages = [p for p in project.notes() if post_source(p) == source]
    return progress_line(progress(project, p) for p in pages or [page])


def page_head(
    project: Project, page: Page, post: dict[str, Any], stash: Callable[[str], str]
) -> list[str]:
    """The page's byline, then its actions: its notebook, Colab, source, "As written".

    Args:
        project: The project (its Colab and source addresses, its legend page).
        page: The note page.
        post: The page's ``post`` front matter.
        stash: Keeps raw HTML for the converter, giving the placeholder that stands for it.

    Returns:
        The Markdown lines that go under the page's title.
    """
    line = byline(post, post_progress(project, page))
    notebook = notebook_path(page.src_uri)
    docs = project.docs_dir.relative_to(project.root).as_posix()
    links = [
        f"[Download notebook]({posixpath.relpath(notebook, posixpath.dirname(page.src_uri))})"
        f'{{ download="{posixpath.basename(notebook)}" }}'
    ]
    colab = project.colab_url(f"{docs}/{notebook}")
    if colab:
        links.append(f"[Open in Colab]({colab})")
    source = project.source_url(f"{docs}/{page.src_uri}")
    if source:
        links.append(f"[View source]({source})")
    if (project.docs_dir / LEGEND_PAGE).is_file():  # one legend, for every page
        legend = posixpath.relpath(LEGEND_PAGE, posixpath.dirname(page.src_uri))
        links.append(f"[What the marks mean]({legend}#legend)")
    switch = stash(AS_WRITTEN_SWITCH)
    return [stash(line), "", " · ".join([*links, switch]), "{: .ptn-actions }"]


def post_pages(project: Project, page: Page, lines: list[str]) -> list[str]:
    """An index page's ``<!-- ptnotes:pages -->``: its post's byline and pages, in nav order."""
    if not any(line.strip() == PAGES_MARKER for line in lines):
        return lines
    found = page.meta.get("post")
    post: dict[str, Any] = found if isinstance(found, dict) else {}
    source = post_source(page)
    here = posixpath.dirname(page.src_uri)
    listed = [
        f"- [{link_words(other.title)}]({posixpath.relpath(other.src_uri, here)})"
        for other in project.notes()
        if source is not None and post_source(other) == source
    ]
    date = markdown_text(str(post.get("date") or "").split(" ")[0])
    about = [f"*{markdown_text(str(post['subtitle']))}*"] if post.get("subtitle") else []
    about += [f"written {date}"] if date else []
    shown = [" · ".join(about), "", *listed] if about else listed
    out: list[str] = []
    for line in lines:
        out.extend(shown if line.strip() == PAGES_MARKER else [line])
    return out
