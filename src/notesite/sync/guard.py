"""What the sync refuses before it reads or places a post: what the site could not show.

A post is a regular file of at most :data:`MAX_POST_BYTES`; its tags a list of words (no
mapping, no ``<`` or ``>``, which the theme would read as HTML); its lists nested at most
:data:`MAX_LIST_LEVELS` deep (the site's Markdown flattens deeper ones without a word).
Each refusal is one :class:`~notesite.sync.post.SyncError` naming the file and line.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
from pathlib import Path
from typing import Any

from notesite.model import Page
from notesite.project import CONFIG, Project
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
                raise SyncError(f"{path}: expected a readable Markdown file, got a device or pipe")
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
        SyncError: If the title, subtitle or date is not text (a list, a mapping), the
            tags are not a list of words, or a list is nested too deep.
    """
    for key in ("title", "subtitle", "date"):
        value = page.meta.get(key)
        if isinstance(value, list | dict):
            raise SyncError(
                f"{name}:{_line_of(page, key)}: expected the {key} as text, got a "
                f"{'list' if isinstance(value, list) else 'mapping'}: {value!r} (quote it: "
                f'{key}: "…")'
            )
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


def positive_seconds(text: str) -> float:
    """``--timeout``: a positive, finite number of seconds (argparse's ``type``).

    Raises:
        argparse.ArgumentTypeError: If it is not (``nan``, ``inf``, ``0``, ``-1``).
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(
            f"expected a positive finite number of seconds, got {text!r}"
        )
    return value


def check_report(project: Project, target: Path) -> None:
    """Refuse a report the sync could not write, or one that would overwrite the project.

    Checked before the sync writes anything: the report must go into an existing folder,
    be a regular file (not ``/dev/full``), be writable there, and not be ``mkdocs.yml`` nor
    under the docs, outputs or originals folder.

    Raises:
        SyncError: If it would be any of these.
    """
    resolved = target.resolve()
    if not resolved.parent.is_dir():
        raise SyncError(f"expected --report in an existing folder, got {target}")
    if resolved.exists() and not resolved.is_file():
        raise SyncError(f"{target}: expected --report to be a regular file, got a device or folder")
    guarded = {
        "the docs folder": project.docs_dir,
        "the outputs folder": project.outputs_dir,
        "the originals folder": project.originals_dir,
    }
    if resolved == (project.root / CONFIG).resolve():
        raise SyncError(f"{target}: expected --report outside the project's files, got {CONFIG}")
    for name, folder in guarded.items():
        if resolved.is_relative_to(folder.resolve()):
            raise SyncError(
                f"{target}: expected --report outside the project's pages and records, "
                f"got a file in {name} ({folder.relative_to(project.root).as_posix()}/)"
            )
    if not os.access(resolved.parent, os.W_OK) or (
        resolved.exists() and not os.access(resolved, os.W_OK)
    ):
        raise SyncError(f"{target}: expected --report in a place the sync can write, got none")
