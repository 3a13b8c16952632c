"""The site's layout: which pages are note pages, and the pages an MkDocs nav lists."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def is_note_page(src_uri: str) -> bool:
    """Whether a page (its path under the docs folder) is a note page: ``notes/…``, not an index."""
    return src_uri.startswith("notes/") and not src_uri.endswith("index.md")


def nav_pages(nav: object) -> list[str]:
    """The Markdown files an MkDocs ``nav`` lists, in its order."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    found: list[str] = []
    items: Sequence[object] | Iterator[object] = (
        iter(nav.values()) if isinstance(nav, dict) else nav if isinstance(nav, list) else []
    )
    for item in items:
        found += nav_pages(item)
    return found
