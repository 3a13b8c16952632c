"""Which original a post is a version of: the one rule, for a sync, a series and ``--new``.

A post is known by its file name first: the original of that name in the originals folder.
Under another name it is the one original whose text is its text, byte for byte once read (the
seed's ``pytorch-basics.md`` brought again as the blog's
``2022-01-28-deep-learning-pytorch-basics.markdown``), or else the original of its title and
date (the date's day: ``2022-01-28`` and ``2022-01-28 10:00`` are one date).

A post given as new (``--new``) is taken for an original by title and date only where that
cannot be a coincidence: its file name is a blog's dated name whose date is the post's own,
and the original's name is not a blog's (a blog's own file is known by its name only). A post
that only copies another's front matter (a dated file of its own, another date in its name)
stays a post of its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from notesite.fidelity import originals
from notesite.model import BOM, PageError, read_markdown
from notesite.project import Project
from notesite.sync.post import Post, SyncError, read_post

__all__ = ["DATED", "original_of"]

#: A blog's file name: its date, then its slug.
DATED = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-")


def _day(meta: dict[str, Any]) -> str:
    """A post's date, its day only (``2022-01-28``; empty without a date)."""
    return str(meta.get("date") or "")[:10]


def original_of(project: Project, name: str, text: str, *, new: bool = False) -> str | None:
    """The file name of the original (in the originals folder) a post is a version of.

    Args:
        project: The project, with its originals folder.
        name: The post's file name (a path: its last part counts).
        text: The post's text.
        new: Whether the post is given as new (``--new``): the title and date match only
            as the module says, and no match is None (a post of its own), never an error.

    Returns:
        The original's file name, or None (only with ``new``): the post is none of them.

    Raises:
        SyncError: Without ``new``, if no original matches, or several match by title and
            date (naming them); or if the post cannot be read (it names the post).
        PageError: Without ``new``, if an original is not UTF-8 (naming its line).
    """
    names = originals(project)
    own = Path(name).name
    if own in names:
        return own
    folder = project.originals_dir
    texts: dict[str, str] = {}
    for original in names:
        try:
            texts[original] = read_markdown(folder / original, f"{folder.name}/{original}")
        except PageError:
            if not new:
                raise
    same_text = [n for n, t in texts.items() if t == text.removeprefix(BOM)]
    if len(same_text) == 1:
        return same_text[0]
    try:
        post = read_post(text, own)
    except SyncError:
        if not new:
            raise
        return None
    if new:
        dated = DATED.match(own)
        if dated is None or _day(post.meta) != dated["date"]:
            return None
        texts = {n: t for n, t in texts.items() if DATED.match(n) is None}
    olds: dict[str, Post] = {}
    for original, original_text in texts.items():
        try:
            olds[original] = read_post(original_text, f"{folder.name}/{original}")
        except SyncError:
            if not new:
                raise
    key = (post.title, _day(post.meta))
    same = [n for n, old in olds.items() if (old.title, _day(old.meta)) == key]
    if len(same) == 1:
        return same[0]
    if new:
        return None
    if same:
        raise SyncError(
            f"{name}: expected one post of the site with its title and date, got "
            f"{len(same)}: " + ", ".join(f"{folder.name}/{n}" for n in same) + "; save the new "
            "version under the file name of the one it is a version of"
        )
    listed = ", ".join(f"{old.title!r} ({n})" for n, old in olds.items()) or "none"
    raise SyncError(
        f"{name}: expected the file name of a post on the site, or the title and date "
        f"of one ({listed}), got {own!r} ({post.title!r}, {_day(post.meta) or 'no date'}). "
        f"To add it as another post, run `make sync POST={name} NEW=1` (--new)"
    )
