"""MkDocs hooks of the ptnotes site (``hooks:`` in ``mkdocs.yml``).

They only rewrite Markdown that the build already has; they never execute a snippet.

* Note pages: a byline from the post's front matter under the page title (the anchors of
  the boxes come from ``verification_hooks.py``).
* ``errata.md``: the list of every erratum, generated from the note pages.
* Every page with Python blocks: each block's recorded output (collapsed) and badges saying
  where it was verified, from the records in ``outputs/`` that ``pytest docs/`` writes.
* ``index.md``: the site's totals (blocks, executed, verified on CUDA, claims, errata).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from notesite import outputs, render
from notesite.markdown import python_blocks
from notesite.pages import PageError, page_errata

ERRATA_MARKER = "<!-- ptnotes:errata -->"
SUMMARY_MARKER = "<!-- ptnotes:summary -->"
ROOT = Path(__file__).resolve().parents[1]


def _byline(post: dict[str, Any]) -> str:
    title = html.escape(str(post.get("title", "")))
    subtitle = html.escape(str(post.get("subtitle", "")))
    date = html.escape(str(post.get("date", "")).split(" ")[0])
    return (
        f'<p class="post-byline">From the post <em>{title}</em> ({subtitle}), '
        f'written <time datetime="{date}">{date}</time>.</p>'
    )


def _errata_table(files: Files) -> str:
    rows = []
    for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
        if not file.src_uri.startswith("notes/"):
            continue
        for erratum in page_errata(file.content_string, file.src_uri):
            title = re.sub(r"^erratum:?\s*", "", erratum.title, flags=re.IGNORECASE)
            original = " ".join(line.strip() for line in erratum.original)
            rows.append(
                f"| [{title}]({file.src_uri}#{erratum.slug}) | `{file.src_uri}` line "
                f"{erratum.line} | `` {original} `` |"
            )
    if not rows:
        return "No erratum: every snippet of the notes runs as written.\n"
    header = "| Erratum | Where | The original |\n| --- | --- | --- |\n"
    return f"{len(rows)} errata.\n\n{header}" + "\n".join(rows) + "\n"


F = TypeVar("F", bound=Callable[..., str])


def _clear_errors(hook: F) -> F:
    """Report a broken page or record as the build's error, without a traceback."""

    @functools.wraps(hook)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        try:
            return hook(*args, **kwargs)
        except (PageError, outputs.RecordError, render.RenderError) as error:
            raise PluginError(str(error)) from None

    return cast(F, wrapper)


@_clear_errors
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Add the byline and erratum anchors to note pages; fill in the errata list."""
    src = page.file.src_uri
    if ERRATA_MARKER in markdown:
        markdown = markdown.replace(ERRATA_MARKER, _errata_table(files))
    if SUMMARY_MARKER in markdown:
        totals = render.totals(Path(config.docs_dir), ROOT)
        markdown = markdown.replace(SUMMARY_MARKER, render.totals_table(totals))
    post = page.meta.get("post")
    if src.startswith("notes/") and src != "notes/index.md" and isinstance(post, dict):
        markdown = re.sub(
            r"^(# .+)$", lambda m: f"{m[1]}\n\n{_byline(post)}", markdown, count=1, flags=re.M
        )
    return markdown


@_clear_errors
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put each block's recorded output and verification badges under it."""
    source = Path(page.file.abs_src_path or "")
    if not python_blocks(page.file.content_string, source):
        return html
    record = outputs.record_path(source, Path(config.docs_dir), ROOT)
    return render.render_page(html, outputs.load(record), page.file.src_uri)
