"""What the sync refuses before it reads or places a post: what the site could not show.

A post is a regular file of at most :data:`MAX_POST_BYTES`; its tags a list of words (no
mapping, no ``<`` or ``>``, which the theme would read as HTML); its lists nested at most
:data:`MAX_LIST_LEVELS` deep (the site's Markdown flattens deeper ones without a word).
Each refusal is one :class:`~notesite.sync.post.SyncError` naming the file and line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from notesite.model import Page
from notesite.sync.post import SyncError

#: The largest post the sync reads, in bytes.
MAX_POST_BYTES = 2_000_000
#: The deepest list nesting the site renders (a list item in a list item … eight times).
MAX_LIST_LEVELS = 8


def read_post_file(path: Path) -> bytes:
    """The bytes of a post: a regular file of at most :data:`MAX_POST_BYTES`.

    Raises:
        SyncError: If it is not a regular file (``/dev/zero``, a folder, a pipe), is larger,
            or cannot be read.
    """
    try:
        with path.open("rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SyncError(f"{path}: expected a readable Markdown file, got a special file, not a regular one")
            data = file.read(MAX_POST_BYTES + 1)
    except IsADirectoryError:
        raise SyncError(f"{path}: expected a readable Markdown file, got a folder") from None
    except OSError as error:
        raise SyncError(f"{path}: expected a readable Markdown file, got {error}") from None
    if len(data) > MAX_POST_BYTES:
        raise SyncError(
            f"{path}: expected a post of at most {MAX_POST_BYTES:,} bytes, "
            f"got {max(info.st_size, len(data)):,} bytes"
        )
    return data


def _line_of(page: Page, key: str) -> int:
    """The line (1-based) of a front matter key, else 1."""
    for i, line in enumerate(page.lines[: page.body_start]):
        if line.startswith(f"{key}:") or line.startswith(f"{key} "):
            return i + 1
    return 1


def check_renderable(page: Page, meta: dict[str, Any], name: str) -> None:
    """Refuse front matter and nesting the site cannot render.

    Raises:
        SyncError: If the tags are not a list of words, or a list is nested too deep.
    """
    tags = meta.get("tags")
    if tags:
        listed = tags if isinstance(tags, list) else [tags]
        for tag in listed:
            if not isinstance(tag, str) or not tag.strip() or "<" in tag or ">" in tag:
                raise SyncError(
                    f"{name}:{_line_of(page, 'tags')}: expected tags as a list of words "
                    f"(text without < or >), got the tag {tag!r}"
                )
    for unit in page.units:
        if unit.level > MAX_LIST_LEVELS:
            raise SyncError(
                f"{name}:{unit.start + 1}: expected lists nested at most {MAX_LIST_LEVELS} "
                f"levels deep (the site flattens deeper ones), got {unit.level} levels"
            )
