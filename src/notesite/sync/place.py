"""Placing the original on the pages: each unit of the post and the chunk of page lines it became.

And what a placed chunk holds: its caption, its margin helper, its words changed.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from notesite.fidelity import (
    normalise,
    rebuild_with_origins,
)
from notesite.model import (
    CODE,
    HELPER,
    PYTHON_ALIASES,
    PYTHON_LANGS,
    Page,
    PageError,
    fence_options,
)
from notesite.sync.post import (
    Post,
    PostUnit,
    SyncError,
    unit_words,
)


@dataclass
class Placed:
    """An original unit on its page: its own lines and its chunk (0-based, end exclusive)."""

    unit: PostUnit
    page: Page
    start: int
    end: int
    chunk_start: int = 0
    chunk_end: int = 0


@dataclass
class Placement:
    """The original's units on the pages, and each page's header (its front matter)."""

    placed: dict[int, Placed]
    headers: dict[str, list[str]]
    author_lines: dict[str, set[int]]
    #: The keys of units that :func:`refine` made of several original units.
    joined: set[int] = field(default_factory=set)


def place(post: Post, pages: Sequence[Page]) -> Placement:
    """Find each unit of the original on the pages.

    Raises:
        SyncError: If the pages do not hold the original (the fidelity gate fails), naming
            the first page line that differs, or a unit cannot be given a chunk of its own.
    """
    rebuilt: list[tuple[Page, int, str]] = []
    author_lines: dict[str, set[int]] = {}
    for page in pages:
        try:
            lines, origins = rebuild_with_origins(page)
        except PageError as error:
            raise SyncError(f"docs/{error}") from None
        author_lines[page.src_uri] = set(origins)
        rebuilt += [
            (page, o, normalise(line))
            for line, o in zip(lines, origins, strict=True)
            if line.strip()
        ]
    original = [
        (i, normalise(line))
        for i, line in enumerate(post.lines[post.sections_start :], post.sections_start)
        if line.strip()
    ]
    for k, (i, text) in enumerate(original):
        if k >= len(rebuilt):
            raise SyncError(
                f"{post.name}:{i + 1}: the pages end before this line of the original "
                f"({text!r}); the sync cannot place the changes. Make the pages hold the "
                "original again (the fidelity gate: "
                ".venv/bin/pytest tests/notesite/test_fidelity.py)"
            )
        page, origin, there = rebuilt[k]
        if there != text:
            raise SyncError(
                f"docs/{page.src_uri}:{origin + 1}: expected line {i + 1} of {post.name} "
                f"({text!r}), got {there!r}; the sync cannot place the changes on a page "
                "edited away from the original. Make the page hold the original again "
                "(the fidelity gate: .venv/bin/pytest tests/notesite/test_fidelity.py)"
            )
    if len(rebuilt) > len(original):
        page, origin, there = rebuilt[len(original)]
        raise SyncError(
            f"docs/{page.src_uri}:{origin + 1}: expected no more text of the author, got "
            f"{there!r}; the sync cannot place the changes"
        )
    where = {i: (page, origin) for (i, _), (page, origin, _) in zip(original, rebuilt, strict=True)}
    placed: dict[int, Placed] = {}
    for unit in post.units:
        spots = [where[i] for i in range(unit.start, unit.end) if i in where]
        page = spots[0][0]
        if any(p is not page for p, _ in spots):
            raise SyncError(
                f"{post.name}:{unit.start + 1}: expected the unit on one page, got it split "
                f"between {sorted({p.src_uri for p, _ in spots})}"
            )
        starts, ends = [], []
        for _, origin in spots:
            holder = next((u for u in page.units if u.start <= origin < u.end), None)
            starts.append(holder.start if holder else origin)
            ends.append(holder.end if holder else origin + 1)
        placed[unit.index] = Placed(unit, page, min(starts), max(ends))
    headers: dict[str, list[str]] = {}
    for page in pages:
        here = sorted((p for p in placed.values() if p.page is page), key=lambda p: p.start)
        if not here or (not post.whole and here[0].unit.heading_level != 2):
            raise SyncError(f"docs/{page.src_uri}: expected the page to open with its section")
        headers[page.src_uri] = page.lines[: here[0].start]
        for before, after in itertools.pairwise(here):
            if after.start < before.end or after.unit.index < before.unit.index:
                raise SyncError(
                    f"docs/{page.src_uri}:{after.start + 1}: expected each unit of the original "
                    "on lines of its own, in the original's order; the sync cannot place it"
                )
        for k, item in enumerate(here):
            region = page.region(item.start)
            item.chunk_start = item.start if k == 0 or region is None else region.start
        for k, item in enumerate(here):
            item.chunk_end = here[k + 1].chunk_start if k + 1 < len(here) else len(page.lines)
    return Placement(placed, headers, author_lines)


def python_without_language(unit: PostUnit) -> bool:
    """Whether a unit is a block that reads as Python but that no test runs.

    A block without a language (a bare fence, an indented block) whose code is Python, or a
    fence in another name of Python or of its console (``py3``, ``python-repl``:
    :data:`PYTHON_ALIASES`), or with a file's name after a colon (``python:train.py``).
    """
    opening = unit.raw[0].strip() if unit.raw else ""
    if unit.kind != CODE:
        return False
    if opening.startswith(("```", "~~~")):
        words = fence_options(opening.lstrip("`~"))
        lang = words[0].lower() if words else ""
        if lang in PYTHON_ALIASES or (":" in lang and lang.partition(":")[0] in PYTHON_LANGS):
            return True  # py3, python-repl, or Qiita's python:train.py (a file's name)
        if words:
            return False
        code = "\n".join(textwrap.dedent("\n".join(unit.raw[1:-1])).splitlines())
    else:  # an indented block
        code = textwrap.dedent("\n".join(line.expandtabs(4) for line in unit.raw))
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return bool(code.strip()) and any(
        isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom | ast.Call)
        for node in ast.walk(ast.parse(code))
    )


def caption_line(placement: Placement, placed: Placed) -> int | None:
    """The key of the original unit whose list item a placed unit stands in on its page.

    That is the prose unit above it (its caption): a unit keeps the nesting the page gave it
    only under the same caption, so that no new text becomes the caption of its boxes.
    """
    page = placed.page
    above = [r.unit for r in page.attached if r.unit.start < placed.start and r.unit.kind != CODE]
    if not above:
        return None
    line = above[-1].start
    return next(
        (
            key
            for key, other in placement.placed.items()
            if other.page is page and other.start <= line < other.end
        ),
        None,
    )


def trimmed_lines(lines: list[str]) -> list[str]:
    """``lines`` without the blank lines at their end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def split_margin_helper(lines: list[str], placed: Placed) -> tuple[list[str], list[str]]:
    """A chunk without the helper pointer at the margin that ends it, and that pointer.

    A helper pointer at the margin points to the lesson, not to the unit above it: it waits
    (as the original page wrote it) after the units nested under that one, up to the next
    unit at the margin, so that no new nested unit falls into its box.
    """
    page = placed.page
    inside = [a for a in page.additions if placed.chunk_start <= a.start < placed.chunk_end]
    if not inside or inside[-1].kind != HELPER or inside[-1].indent:
        return lines, []
    box = inside[-1]
    if any(line.strip() for line in page.lines[box.end : placed.chunk_end]):
        return lines, []
    opener = page.lines[box.start].strip()
    at = max((k for k, line in enumerate(lines) if line.strip() == opener), default=-1)
    if at < 0:
        return lines, []
    return [*trimmed_lines(lines[:at]), ""], ["", *page.lines[box.start : box.end], ""]


def unit_difference(old: PostUnit, new: PostUnit) -> tuple[str, str]:
    """The first lines that differ between two versions of a unit, in each (for the report)."""
    a = [" ".join(line.split()) for line in old.raw if line.strip()]
    b = [" ".join(line.split()) for line in new.raw if line.strip()]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            return " ".join(a[i1:i2]) or "(nothing)", " ".join(b[j1:j2]) or "(nothing)"
    return unit_words(old), unit_words(new)
