"""A post's front matter: its title and tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from notesite.model.page import Page


def post_meta(page: Page, name: str) -> tuple[dict[str, Any], str]:
    """A post's front matter, with its title; and where the title comes from ("" if there).

    Without a title in the front matter, the post's title is its first ``#`` heading's
    words, else its file name without ``.md``.
    """
    if page.meta.get("title"):
        return page.meta, ""
    for line, level in page.headings:
        words = page.lines[line].strip()
        if level == 1 and words.startswith("#"):
            title = words.strip("#").strip()
            if title:
                return {**page.meta, "title": title}, f"its first # heading (line {line + 1})"
    stem = Path(name).name.removesuffix(".md") or "post"
    return {**page.meta, "title": stem}, "its file name (it has no title nor # heading)"


def post_tags(meta: dict[str, Any]) -> list[Any]:
    """A post's tags as a list: ``tags: pytorch`` (one tag, as Jekyll allows) is one item."""
    tags = meta.get("tags")
    if not tags:
        return []
    return list(tags) if isinstance(tags, list) else [tags]
