"""MkDocs hooks of the claims' checks (``hooks:`` in ``mkdocs.yml``).

Like ``mkdocs_hooks.py``, they only rewrite Markdown the build already has.

* Note pages: an anchor on each check (``check-…``, ``check-cuda-…``) and precise note
  (``precisely-…``), on the sentence that opens its box, and on each erratum
  (``erratum-…``), on the sentence that says why.
* ``verification.md``: the list of every claim of the notes with its page and status,
  generated from the note pages (:mod:`notesite.claims`).
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from notesite.claims import (
    NotePage,
    anchor_boxes,
    page_claims,
    page_title,
    verification_table,
)
from notesite.pages import PageError, nav_note_pages

VERIFICATION_MARKER = "<!-- ptnotes:verification -->"


def _note_pages(config: MkDocsConfig, files: Files) -> list[NotePage]:
    pages = []
    for src_uri in nav_note_pages(config["nav"]):
        file = files.get_file_from_path(src_uri)
        if file is None:
            continue
        text = file.content_string
        pages.append(NotePage(src_uri, page_title(text, src_uri), text))
    return pages


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Anchor the checks and precise notes of note pages; fill in the verification list.

    Raises:
        PluginError: If a check, precise note or erratum breaks the conventions (the message
            names the page and line).
    """
    src = page.file.src_uri
    try:
        if VERIFICATION_MARKER in markdown:
            table = verification_table(_note_pages(config, files))
            markdown = markdown.replace(VERIFICATION_MARKER, table)
        if src.startswith("notes/") and src != "notes/index.md":
            page_claims(page.file.content_string, src)  # errors name the line in the file
            markdown = anchor_boxes(markdown, src)
    except PageError as error:
        raise PluginError(str(error)) from None
    return markdown
