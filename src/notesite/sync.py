"""Carry a new version of a post onto its pages: ``python -m notesite sync PATH``.

The post's original (in the originals folder) and the new version are each cut into units
(headings, prose units, code blocks: :class:`notesite.model.Unit`), section by section (the
``##`` headings, one page each). The original's units are placed on the pages through the
fidelity gate's rebuild (:func:`notesite.fidelity.rebuild_with_origins`): each unit owns a
*chunk* of its page, its own lines and the site's additions under it (a setup box belongs
to the snippet below it). The two versions are compared unit by unit (exact matches in
order, then units that moved, then units lightly edited), and the pages are assembled anew
from the chunks, in the new order:

* a unit that did not change keeps its chunk, byte for byte;
* a changed unit is edited in place, line by line, inside its chunk, so the checks and notes
  under it stay; an erratum whose original lines are still there is kept, one whose
  original lines changed is taken off and flagged;
* a new unit is written where the new version puts it, indented for the site;
* a removed unit goes with its chunk, and the additions in it are listed.

Nothing is invented: no check, setup or erratum is written. Everything is computed before
anything is written; a post or page the sync cannot read or place stops it with the place
named (:class:`SyncError`), and nothing changes.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from notesite import outputs as _outputs
from notesite.fidelity import (
    _find_last,
    normalise,
    normalised_lines,
    originals,
    post_title,
    rebuild_with_origins,
)
from notesite.model import (
    CODE,
    CUDA_OPTION,
    ERRATUM_KIND,
    HEADING,
    HELPER,
    SETUP,
    UNCHECKED,
    Page,
    PageError,
    fence_options,
    parse_page,
    slugify,
)
from notesite.notebook import notebook_path
from notesite.project import CONFIG, Project
from notesite.site import PAGES_MARKER

#: How long one block may run in the report, in seconds.
TIMEOUT = 60.0
#: How similar two units must be (difflib's ratio) to count as one unit, lightly edited.
SIMILAR = 0.6
LIST_MARKER = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
NAV_ENTRY = re.compile(r"^(?P<indent>\s*)-\s+(?:(?P<title>.+?):\s+)?(?P<path>\S+\.md)\s*$")


class SyncError(ValueError):
    """The sync cannot go on; the message names the file and line, and nothing was written."""


# --- the post ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostUnit:
    """A unit of a post: its kind, lines (0-based, end exclusive), list level and text."""

    index: int
    kind: str
    start: int
    end: int
    level: int
    text: str
    raw: tuple[str, ...]
    section: int

    @property
    def key(self) -> tuple[str, str]:
        """What two units must share to be the same unit."""
        return (self.kind, self.text)

    @property
    def heading_level(self) -> int:
        """The number of ``#`` of a heading (0 for another unit)."""
        if self.kind != HEADING:
            return 0
        return len(self.raw[0].strip()) - len(self.raw[0].strip().lstrip("#"))

    @property
    def heading_text(self) -> str:
        """A heading's words."""
        return self.raw[0].strip().lstrip("#").strip()


@dataclass
class Post:
    """A version of a post: front matter, lines, units and ``##`` sections (unit indexes)."""

    name: str
    text: str
    meta: dict[str, Any]
    lines: list[str]
    body_start: int
    units: list[PostUnit]
    sections: list[list[int]]

    @property
    def title(self) -> str:
        """The post's title."""
        return str(self.meta["title"])


def read_post(text: str, name: str) -> Post:
    """Cut a post into units and sections.

    Raises:
        SyncError: If it is not a post: no front matter with a title, or no ``##`` section,
            or text before its first ``##`` section.
    """
    try:
        page = parse_page(text, name, note=False)
    except (PageError, yaml.YAMLError) as error:
        raise SyncError(
            f"{name}: expected a post, got a file that cannot be read: {error}"
        ) from None
    if not page.meta or page.body_start == 0:
        raise SyncError(
            f"{name}:1: expected a post: front matter (--- title: … ---) and ## sections, "
            "got no front matter"
        )
    if not page.meta.get("title"):
        raise SyncError(f"{name}:1: expected a title in the front matter, got {page.meta!r}")
    units: list[PostUnit] = []
    sections: list[list[int]] = []
    for unit in page.units:
        raw = tuple(page.lines[unit.start : unit.end])
        is_section = unit.kind == HEADING and raw[0].lstrip().startswith("## ")
        if is_section:
            sections.append([])
        elif not sections:
            raise SyncError(
                f"{name}:{unit.start + 1}: expected the post's text to start with a ## section "
                f"(one page each), got {raw[0].strip()!r} before the first one"
            )
        post_unit = PostUnit(
            len(units), unit.kind, unit.start, unit.end, unit.level, unit.text, raw,
            len(sections) - 1,
        )  # fmt: skip
        units.append(post_unit)
        sections[-1].append(post_unit.index)
    if not sections:
        raise SyncError(f"{name}: expected a post with ## sections (one page each), got none")
    return Post(name, text, page.meta, page.lines, page.body_start, units, sections)


# --- the original on the pages ---------------------------------------------------------------


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
        for i, line in enumerate(post.lines[post.body_start :], post.body_start)
        if line.strip()
    ]
    for k, (i, text) in enumerate(original):
        if k >= len(rebuilt):
            raise SyncError(
                f"{post.name}:{i + 1}: the pages end before this line of the original "
                f"({text!r}); the sync cannot place the changes. Make the pages hold the "
                "original again (the fidelity gate: pytest tests/notesite/test_fidelity.py)"
            )
        page, origin, there = rebuilt[k]
        if there != text:
            raise SyncError(
                f"docs/{page.src_uri}:{origin + 1}: expected line {i + 1} of {post.name} "
                f"({text!r}), got {there!r}; the sync cannot place the changes on a page "
                "edited away from the original. Make the page hold the original again "
                "(the fidelity gate: pytest tests/notesite/test_fidelity.py)"
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
        if not here or here[0].unit.heading_level != 2:
            raise SyncError(f"docs/{page.src_uri}: expected the page to open with its section")
        headers[page.src_uri] = page.lines[: here[0].start]
        for before, after in itertools.pairwise(here):
            if after.start < before.end or after.unit.index < before.unit.index:
                raise SyncError(
                    f"docs/{page.src_uri}:{after.start + 1}: expected each unit of the original "
                    "on lines of its own, in the original's order; the sync cannot place it"
                )
        for k, item in enumerate(here):
            item.chunk_start = item.start if k == 0 else _setup_start(page, here[k - 1].end, item)
        for k, item in enumerate(here):
            item.chunk_end = here[k + 1].chunk_start if k + 1 < len(here) else len(page.lines)
    return Placement(placed, headers, author_lines)


def _setup_start(page: Page, previous_end: int, item: Placed) -> int:
    """Where a unit's chunk starts: at the setup boxes right above it, if any."""
    start = item.start
    for addition in sorted(page.additions, key=lambda a: a.start, reverse=True):
        if addition.end > start or addition.start < previous_end:
            continue
        between = page.lines[addition.end : start]
        if addition.kind == SETUP and all(not line.strip() for line in between):
            start = addition.start
        else:
            break
    return start


# --- comparing two versions ---------------------------------------------------------------


SAME = "same"
CHANGED = "changed"
MOVED = "moved"
ADDED = "added"
REMOVED = "removed"


@dataclass
class Comparison:
    """How the new version's units and sections come from the original's."""

    units: dict[int, tuple[int, str]]  # new unit -> (old unit, SAME/CHANGED/MOVED)
    sections: dict[int, int]  # new section -> old section
    removed: list[int]  # old units


def _similar(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def compare_posts(old: Post, new: Post) -> Comparison:
    """Match the new version's sections and units with the original's."""
    old_heads = [old.units[s[0]].heading_text for s in old.sections]
    new_heads = [new.units[s[0]].heading_text for s in new.sections]
    sections: dict[int, int] = {}
    for j, head in enumerate(new_heads):
        i = next(
            (i for i, h in enumerate(old_heads) if h == head and i not in sections.values()), None
        )
        if i is not None:
            sections[j] = i
    for j, head in enumerate(new_heads):
        if j in sections:
            continue
        free = [i for i in range(len(old_heads)) if i not in sections.values()]
        scored = [(_similar(head, old_heads[i]), i) for i in free]
        keys_new = {new.units[u].key for u in new.sections[j][1:]}
        scored += [
            (len(keys_new & {old.units[u].key for u in old.sections[i][1:]}) / len(keys_new), i)
            for i in free
            if keys_new
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SIMILAR:
            sections[j] = best[1]
    matched: dict[int, tuple[int, str]] = {}
    used: set[int] = set()

    def pair(n: int, o: int, how: str) -> None:
        matched[n] = (o, how)
        used.add(o)

    for j, i in sections.items():
        olds, news = old.sections[i], new.sections[j]
        pair(
            news[0], olds[0], SAME if old.units[olds[0]].key == new.units[news[0]].key else CHANGED
        )
        a = [old.units[u].key for u in olds[1:]]
        b = [new.units[u].key for u in news[1:]]
        for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                pair(news[1 + block.b + k], olds[1 + block.a + k], SAME)
    rest_old = [u for u in old.units if u.index not in used]
    for unit in new.units:
        if unit.index in matched:
            continue
        same = next((o for o in rest_old if o.key == unit.key and o.index not in used), None)
        if same is not None:
            pair(unit.index, same.index, MOVED)
    for unit in new.units:
        if unit.index in matched or (unit.kind == HEADING and unit.heading_level == 2):
            continue
        near = sections.get(unit.section)
        scored = [
            (_similar(o.text, unit.text) + (0.01 if o.section == near else 0.0), o.index)
            for o in rest_old
            if o.index not in used and o.kind == unit.kind
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SIMILAR:
            pair(unit.index, best[1], CHANGED)
    removed = [u.index for u in old.units if u.index not in used]
    return Comparison(matched, sections, removed)


# --- writing the pages ----------------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _shift(lines: list[str], by: int) -> list[str]:
    if by >= 0:
        return [" " * by + line if line.strip() else line for line in lines]
    return [line[min(-by, _indent(line)) :] for line in lines]


def render_unit(unit: PostUnit) -> list[str]:
    """A new unit's lines as the site writes them (four spaces per list level)."""
    raw = list(unit.raw)
    if unit.kind == HEADING:
        return ["#" * (unit.heading_level - 1) + " " + unit.heading_text]
    if unit.kind == CODE:
        if not raw[0].lstrip().startswith(("```", "~~~")):
            return raw  # an indented code block, as written
        return _shift(raw, 4 * unit.level - _indent(raw[0]))
    first = raw[0].strip()
    marker = LIST_MARKER.match(first)
    indent = 4 * (unit.level - 1) if marker and unit.level else 4 * unit.level
    inner = indent + (len(marker[0]) if marker else 0)
    return [" " * indent + first] + [" " * inner + line.strip() for line in raw[1:]]


@dataclass
class Flag:
    """An addition of the site that the sync removed or flagged, and why."""

    page: str
    kind: str
    title: str
    what: str


@dataclass
class Event:
    """One change on a page, for the report (a code unit's text is its first line of code)."""

    what: str  # ADDED, CHANGED, MOVED, REMOVED
    kind: str
    text: str
    line: int = 0  # on the new page (1-based); 0 for a removed unit
    before: str = ""  # a changed unit's old text, a moved unit's old page


@dataclass
class Plan:
    """Everything a sync will write, computed before anything is written."""

    post: Post
    old: Post | None
    pages: dict[str, str]  # src_uri -> new text (only the pages that change or are new)
    removed_pages: list[str]
    nav: list[str]  # the post's pages, in order
    config_text: str | None  # the new mkdocs.yml, when the nav changes
    records: dict[str, str | None]  # src_uri -> new record text (None: delete)
    events: dict[str, list[Event]] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    original_path: Path | None = None


def _front_matter(meta: dict[str, Any], post: Post) -> list[str]:
    """A page's front matter, with the post's title, subtitle, date and tags."""

    def scalar(value: Any) -> str:
        if isinstance(value, str) and (value[:1].isdigit() or ": " in value or "#" in value):
            return "'" + value.replace("'", "''") + "'"
        dumped = yaml.safe_dump(value, default_flow_style=True, width=1000, allow_unicode=True)
        return str(dumped).strip().removesuffix("...").strip()

    out = ["---"]
    rest = {k: v for k, v in meta.items() if k not in ("post", "tags")}
    for key, value in rest.items():
        out.append(f"{key}: {scalar(value)}")
    out.append("post:")
    for key in ("title", "subtitle", "date"):
        if key in post.meta:
            out.append(f"  {key}: {scalar(post.meta[key])}")
    tags = post.meta.get("tags")
    if tags:
        out.append("tags:")
        out += [f"  - {scalar(tag)}" for tag in tags]
    return [*out, "---", ""]


def _post_meta_changed(old: Post, new: Post) -> bool:
    keys = ("title", "subtitle", "date", "tags")
    return any(str(old.meta.get(k)) != str(new.meta.get(k)) for k in keys)


def _chunk(
    placed: Placed,
    new: PostUnit | None,
    how: str,
    author: set[int],
    flags: list[Flag],
) -> list[str]:
    """The lines of an original unit's chunk, carried onto the new version of the unit."""
    page = placed.page
    lines = list(page.lines[placed.chunk_start : placed.chunk_end])
    if new is None or how in (SAME, MOVED):
        shift = 0 if new is None else 4 * (new.level - placed.unit.level)
        return _shift(lines, shift) if shift else lines
    base = placed.chunk_start
    drop: set[int] = set()  # chunk lines to take out
    errata = [
        a
        for a in page.additions
        if a.kind == ERRATUM_KIND and placed.chunk_start <= a.start < placed.chunk_end
    ]
    new_lines = list(new.raw)
    new_norm = [normalise(line) for line in new_lines]
    reverted: dict[int, list[str]] = {}
    for addition in errata:
        erratum = next(e for e in page.errata if e.line == addition.start + 1)
        original = normalised_lines(erratum.original)
        corrected = normalised_lines(erratum.corrected)
        at = next(
            (
                k
                for k in range(len(new_norm) - len(original) + 1)
                if new_norm[k : k + len(original)] == original
            ),
            -1,
        )
        if at >= 0:
            # Its original is still in the new text: the correction still applies.
            new_lines[at : at + len(original)] = erratum.corrected
            new_norm[at : at + len(original)] = corrected
            continue
        flags.append(
            Flag(
                page.src_uri,
                "erratum",
                addition.title,
                "flagged for review: the line it corrects changed in the new version, so it "
                "was taken off and the page shows the author's new text; put it back if the "
                f"new text is still wrong (it corrected {erratum.original!r} into "
                f"{erratum.corrected!r})",
            )
        )
        drop |= set(range(addition.start - base, addition.end - base))
        if addition.end - base < len(lines) and not lines[addition.end - base].strip():
            drop.add(addition.end - base)
        # The page shows the correction: put the author's old lines back before the edit.
        own = [i for i in range(placed.start, placed.end) if i in author]
        texts = [normalise(page.lines[i]) for i in own]
        spot = _find_last(texts, corrected)
        if spot >= 0:
            first = own[spot]
            reverted[first - base] = [
                " " * _indent(page.lines[first]) + line.strip() for line in erratum.original
            ]
            for k in range(1, len(corrected)):
                reverted[own[spot + k] - base] = []
    if new.kind == CODE:
        fence = next((f for f in page.fences if placed.start <= f.start < placed.end), None)
        if fence is None:
            body = render_unit(replace(new, raw=tuple(new_lines)))
            span = (placed.start - base, placed.end - base)
        else:
            opening = page.lines[fence.start]
            body = _shift(new_lines, fence.indent - _indent(new_lines[0]))
            new_lang = fence_options(new_lines[0].strip().lstrip("`~"))
            if new_lang[:1] == fence_options(fence.info)[:1]:
                body[0] = opening  # keep the site's fence options (continuation, fixture:cuda)
            span = (fence.start - base, fence.end - base)
        out = [line for i, line in enumerate(lines[: span[0]]) if i not in drop]
        out += body
        out += [line for i, line in enumerate(lines[span[1] :], span[1]) if i not in drop]
        return out
    # Prose or a heading: edit the author's lines in place, so the boxes between them stay.
    entries: list[tuple[int, str]] = []  # (chunk line, the author's text there)
    own = [i - base for i in range(placed.start, placed.end) if i in author]
    for i in own:
        if not lines[i].strip() or i in drop:
            continue
        entries += [(i, text) for text in reverted.get(i, [lines[i]])]
    if new.kind == HEADING:
        new_lines = ["#" * (new.heading_level - 1) + " " + new.heading_text]
        new_norm = [normalise(new_lines[0])]
    pieces: dict[int, list[str]] = {i: [] for i in own}
    old_texts = [normalise(text) for _, text in entries]
    matcher = difflib.SequenceMatcher(None, old_texts, new_norm, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(a1, a2):
                pieces[entries[k][0]].append(entries[k][1])
            continue
        anchor, text = entries[a1] if a1 < len(entries) else entries[-1]
        indent = " " * _indent(text)
        pieces[anchor] += [indent + line.strip() for line in new_lines[b1:b2]]
    out = []
    for i, line in enumerate(lines):
        if i in drop:
            continue
        out += pieces[i] if i in pieces and (line.strip() or i in reverted) else [line]
    shift = 4 * (new.level - placed.unit.level)
    return _shift(out, shift) if shift else out


def _words(unit: PostUnit) -> str:
    """A unit for the report: its text; a code block's first line of code."""
    if unit.kind != CODE or not unit.raw[0].lstrip().startswith(("```", "~~~")):
        return unit.text
    code = [line.strip() for line in unit.raw[1:-1] if line.strip()]
    telling = [c for c in code if not c.startswith(("import ", "from ", "#"))] or code
    return telling[0] + (" …" if len(code) > 1 else "") if code else "(empty block)"


def _section_page(project: Project, folder: str, heading: str, taken: set[str]) -> str:
    stem = slugify(heading) or "section"
    src = f"{folder}/{stem}.md"
    k = 2
    while src in taken or (project.docs_dir / src).exists():
        src = f"{folder}/{stem}-{k}.md"
        k += 1
    return src


def _original_of(project: Project, new: Post, *, new_post: bool) -> tuple[str, Post] | None:
    """The original (file name, post) that ``new`` is a version of; None for a new post.

    Raises:
        SyncError: If the post matches no original (or, with ``new_post``, one already).
    """
    olds = {
        name: read_post(
            (project.originals_dir / name).read_text(encoding="utf-8"),
            f"{project.originals_dir.name}/{name}",
        )
        for name in originals(project)
    }
    same = [name for name, post in olds.items() if post.title == new.title]
    if new_post:
        if same:
            raise SyncError(
                f"{new.name}: expected a post that is not on the site yet, got the title "
                f"{new.title!r} of {project.originals_dir.name}/{same[0]}: run "
                f"`python -m notesite sync {new.name}` without --new to update it"
            )
        return None
    if not same:
        titles = ", ".join(f"{post.title!r} ({name})" for name, post in olds.items()) or "none"
        raise SyncError(
            f"{new.name}: expected the title of a post on the site ({titles}), got "
            f"{new.title!r}. To add it as another post, run "
            f"`python -m notesite sync --new {new.name}`"
        )
    return same[0], olds[same[0]]


def _margin_pointers(
    old: Post, placement: Placement, comparison: Comparison
) -> tuple[dict[int, list[str]], dict[tuple[str, int], int]]:
    """The helper pointers at the margin that stay when the text above them goes.

    A helper pointer at the margin points to the section's lesson: when the text above it
    goes, it stays, under the section's previous text that is kept. Returns the lines carried
    under each kept unit, and for each such box (page, line) the unit it now follows.
    """
    removed = set(comparison.removed)
    carried: dict[int, list[str]] = {}
    kept_boxes: dict[tuple[str, int], int] = {}
    for o in comparison.removed:
        placed = placement.placed[o]
        keeper = next(
            (
                k
                for k in range(o - 1, -1, -1)
                if k not in removed and old.units[k].section == old.units[o].section
            ),
            None,
        )
        for addition in placed.page.additions:
            inside = placed.chunk_start <= addition.start < placed.chunk_end
            if keeper is None or not inside or addition.kind != HELPER or addition.indent:
                continue
            carried.setdefault(keeper, []).extend(
                ["", *placed.page.lines[addition.start : addition.end]]
            )
            kept_boxes[(placed.page.src_uri, addition.start)] = keeper
    return carried, kept_boxes


def _removed_units(
    old: Post,
    placement: Placement,
    comparison: Comparison,
    kept_boxes: dict[tuple[str, int], int],
    events: dict[str, list[Event]],
) -> list[Flag]:
    """Note each removed unit on its page, and flag each box under it: removed, or kept."""
    flags: list[Flag] = []
    for o in comparison.removed:
        placed = placement.placed[o]
        unit = old.units[o]
        src = placed.page.src_uri
        events.setdefault(src, []).append(
            Event(REMOVED, unit.kind, _words(unit), 0, f"was line {placed.start + 1}")
        )
        for addition in placed.page.additions:
            if not placed.chunk_start <= addition.start < placed.chunk_end:
                continue
            keeper = kept_boxes.get((src, addition.start))
            if keeper is not None:
                what = (
                    "kept: the text above it was removed, so it now follows the text of "
                    f"old line {placement.placed[keeper].start + 1}"
                )
            else:
                what = "removed with the text it annotates"
            flags.append(Flag(src, addition.kind, addition.title, what))
    return flags


def _index_pages(project: Project, old: Post, new: Post) -> dict[str, str]:
    """The post's index pages (in the nav) with the new version's front matter."""
    texts = {}
    nav_all = set(project.nav)
    for index in project.pages():
        if not index.is_note and post_title(index) == old.title and index.src_uri in nav_all:
            body_lines = index.lines[index.body_start :]
            while body_lines and not body_lines[0].strip():
                body_lines = body_lines[1:]
            text = "\n".join([*_front_matter(index.meta, new), *body_lines])
            texts[index.src_uri] = text.rstrip("\n") + "\n"
    return texts


def plan_sync(project: Project, new: Post, *, new_post: bool = False) -> Plan:
    """Compute every file a sync writes (nothing is written here).

    Raises:
        SyncError: If the post matches no original (or, with ``new_post``, one already),
            or its pages cannot be placed.
    """
    original = _original_of(project, new, new_post=new_post)
    if original is None:
        return _plan_new(project, new)
    name, old = original
    pages = [p for p in project.notes() if post_title(p) == old.title]
    placement = place(old, pages)
    comparison = compare_posts(old, new)
    flags: list[Flag] = []
    events: dict[str, list[Event]] = {}
    by_old_section = {
        old.units[s[0]].section: placement.placed[s[0]].page.src_uri for s in old.sections
    }
    folder = pages[0].src_uri.rsplit("/", 1)[0]
    taken = {p.src_uri for p in pages}
    nav: list[str] = []
    texts: dict[str, str] = {}
    meta_changed = _post_meta_changed(old, new)
    carried, kept_boxes = _margin_pointers(old, placement, comparison)
    order = [comparison.sections[j] for j in sorted(comparison.sections)]
    in_place = {
        order[block.b + k]
        for block in difflib.SequenceMatcher(None, sorted(order), order).get_matching_blocks()
        for k in range(block.size)
    }
    for j, section in enumerate(new.sections):
        i = comparison.sections.get(j)
        if i is not None:
            src = by_old_section[i]
            page = next(p for p in pages if p.src_uri == src)
            header = placement.headers[src]
            if meta_changed:
                header = _front_matter(page.meta, new)
        else:
            src = _section_page(project, folder, new.units[section[0]].heading_text, taken)
            taken.add(src)
            header = _front_matter({}, new)
        nav.append(src)
        body: list[str] = []
        page_events = events.setdefault(src, [])
        for n in section:
            unit = new.units[n]
            found = comparison.units.get(n)
            if body and body[-1].strip() and (found is None or found[1] != SAME):
                body.append("")
            at = len(header) + len(body) + 1
            if found is None:
                lines = render_unit(unit)
                body += [*lines, ""]
                page_events.append(Event(ADDED, unit.kind, _words(unit), at))
                continue
            o, how = found
            placed = placement.placed[o]
            chunk = _chunk(placed, unit, how, placement.author_lines[placed.page.src_uri], flags)
            own = placed.start - placed.chunk_start
            if how == CHANGED:
                page_events.append(
                    Event(CHANGED, unit.kind, _words(unit), at + own, _words(old.units[o]))
                )
            moved = how == MOVED or placed.page.src_uri != src
            if moved and unit.kind != HEADING:
                page_events.append(
                    Event(MOVED, unit.kind, _words(unit), at + own, f"docs/{placed.page.src_uri}")
                )
            body += chunk
            if o in carried:
                while body and not body[-1].strip():
                    body.pop()
                body += [*carried[o], ""]
        if i is not None and i not in in_place:
            page_events.append(
                Event(MOVED, "section", new.units[section[0]].heading_text, len(header) + 1,
                      f"nav place {i + 1} (now {j + 1})")
            )  # fmt: skip
        while body and not body[-1].strip():
            body.pop()
        text = "\n".join([*header, *body]) + "\n"
        if i is not None and text.rstrip("\n") == page.text.rstrip("\n"):
            text = page.text
        if i is None or text != page.text:
            texts[src] = text
    flags += _removed_units(old, placement, comparison, kept_boxes, events)
    if meta_changed:  # the post's index pages carry its front matter too
        texts.update(_index_pages(project, old, new))
    removed_pages = [p.src_uri for p in pages if p.src_uri not in nav]
    old_nav = [p.src_uri for p in pages]
    config_text = None
    if nav != old_nav:
        config_text = rewrite_nav((project.root / CONFIG).read_text(encoding="utf-8"), old_nav, nav)
    plan = Plan(new, old, texts, removed_pages, nav, config_text, {}, events, flags)
    plan.original_path = project.originals_dir / name
    plan.records = _records(project, pages, texts, removed_pages)
    return plan


def _plan_new(project: Project, new: Post) -> Plan:
    folder = f"notes/{slugify(new.title) or 'post'}"
    if (project.docs_dir / folder).exists():
        raise SyncError(f"{new.name}: expected no folder docs/{folder} yet, got one")
    texts: dict[str, str] = {}
    events: dict[str, list[Event]] = {}
    index = f"{folder}/index.md"
    header = _front_matter({}, new)
    texts[index] = "\n".join([*header, f"# {new.title}", "", PAGES_MARKER]) + "\n"
    nav = [index]
    taken: set[str] = set()
    for section in new.sections:
        src = _section_page(project, folder, new.units[section[0]].heading_text, taken)
        taken.add(src)
        nav.append(src)
        body: list[str] = []
        page_events = events.setdefault(src, [])
        for n in section:
            unit = new.units[n]
            if body and body[-1].strip():
                body.append("")
            page_events.append(Event(ADDED, unit.kind, _words(unit), len(header) + len(body) + 1))
            body += [*render_unit(unit), ""]
        while body and not body[-1].strip():
            body.pop()
        texts[src] = "\n".join([*header, *body]) + "\n"
    config = (project.root / CONFIG).read_text(encoding="utf-8")
    plan = Plan(new, None, texts, [], nav, add_nav(config, new.title, nav), {}, events, [])
    stem = Path(new.name).name
    if not stem.endswith(".md"):
        stem = f"{slugify(new.title)}.md"
    if (project.originals_dir / stem).exists():
        stem = f"{slugify(new.title)}.md"
    plan.original_path = project.originals_dir / stem
    return plan


def _records(
    project: Project, pages: list[Page], texts: dict[str, str], removed: list[str]
) -> dict[str, str | None]:
    """The records of the pages that change: unchanged blocks keep theirs, wherever they went."""
    kept: dict[str, _outputs.Entry] = {}
    for page in pages:
        for entry in _outputs.load(project.record_path(page.src_uri), project.root):
            kept.setdefault(entry.key, entry)
    records: dict[str, str | None] = {}
    for src, text in texts.items():
        page = parse_page(text, src)
        path = project.record_path(src)
        entries = [
            replace(kept[b.key], block=b.number, line=b.line) for b in page.blocks if b.key in kept
        ]
        name = (project.docs_dir / src).relative_to(project.root).as_posix()
        new_text = _outputs.dump(entries, name) if page.blocks else None
        old_text = path.read_text(encoding="utf-8") if path.is_file() else None
        if new_text != old_text:
            records[src] = new_text
    for src in removed:
        if project.record_path(src).is_file():
            records[src] = None
    return records


def rewrite_nav(config: str, old: list[str], new: list[str]) -> str:
    """mkdocs.yml with the post's nav entries ``old`` replaced by ``new``, in order.

    Raises:
        SyncError: If the post's pages are not consecutive ``- path.md`` entries of the nav.
    """
    lines = config.splitlines(keepends=True)
    found = [(i, m) for i, line in enumerate(lines) if (m := NAV_ENTRY.match(line.rstrip("\n")))]
    at = [(i, m) for i, m in found if m["path"] in old]
    spots = [i for i, _ in at]
    if len(at) != len(old) or spots != list(range(spots[0], spots[0] + len(spots))):
        raise SyncError(
            f"{CONFIG}: expected the post's pages {old} as consecutive entries of the nav "
            "(- notes/….md), got them elsewhere; the sync cannot place the new pages"
        )
    indent = at[0][1]["indent"]
    titles = {m["path"]: m["title"] for _, m in at if m["title"]}
    fresh = [f"{indent}- {titles[p] + ': ' if p in titles else ''}{p}\n" for p in new]
    lines[spots[0] : spots[-1] + 1] = fresh
    return "".join(lines)


def add_nav(config: str, title: str, pages: list[str]) -> str:
    """mkdocs.yml with a nav section for a new post, after the last ``notes/`` entry."""
    lines = config.splitlines(keepends=True)
    found = [
        (i, m)
        for i, line in enumerate(lines)
        if (m := NAV_ENTRY.match(line.rstrip("\n"))) and m["path"].startswith("notes/")
    ]
    if not found:
        raise SyncError(f"{CONFIG}: expected a nav with the notes' pages (- notes/….md), got none")
    i, match = found[-1]
    indent = match["indent"]
    block = [f"{indent}- {json.dumps(title)}:\n"] + [f"{indent}    - {p}\n" for p in pages]
    lines[i + 1 : i + 1] = block
    return "".join(lines)


# --- running the new blocks -------------------------------------------------------------------

PASSES = "passes"
NEEDS_SETUP = "needs setup"
NEEDS_CUDA = "needs a CUDA GPU"
FAILS = "fails"
TIMED_OUT = "timed out"

_RUNNER = """
import sys
setup, code, path = sys.argv[1], sys.argv[2], sys.argv[3]
scope = {"__name__": "__main__"}
exec(compile(setup, "<setup>", "exec"), scope)
exec(compile(code, path, "exec"), scope)
"""


@dataclass
class BlockRun:
    """What running one new or changed block gave."""

    page: str
    line: int
    code: str
    result: str
    detail: str = ""
    seconds: float = 0.0


def undefined_names(code: str) -> list[str]:
    """The names a block reads and never binds (nor are they builtins)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    bound: set[str] = set(dir(builtins))
    read: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read.append(node.id) if isinstance(node.ctx, ast.Load) else bound.add(node.id))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return sorted(set(read) - bound, key=read.index)


def run_block(
    page: Page, number: int, timeout: float = TIMEOUT, cuda: bool | None = None
) -> BlockRun:
    """Run one block of a page in its own process (with the blocks it continues)."""
    block = page.blocks[number - 1]
    setup = "\n".join(page.blocks[k - 1].code for k in block.continues)
    code = "\n" * block.line + block.code
    path = f"docs/{page.src_uri}"
    start = time.perf_counter()
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    shown = block.code.strip().splitlines()[0] if block.code.strip() else ""
    with tempfile.TemporaryDirectory() as folder:
        try:
            done = subprocess.run(
                [sys.executable, "-c", _RUNNER, setup, code, path],
                cwd=folder, env=env, capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return BlockRun(
                page.src_uri, block.line, shown, TIMED_OUT, f"after {timeout:g} s",
                time.perf_counter() - start,
            )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode == 0:
        return BlockRun(page.src_uri, block.line, shown, PASSES, "", seconds)
    err = done.stderr.strip().splitlines()
    last = err[-1] if err else f"exit status {done.returncode}"
    lines = re.findall(rf'File "{re.escape(path)}", line (\d+)', done.stderr)
    where = f" (page line {lines[-1]})" if lines else ""
    if last.startswith("NameError"):
        names = undefined_names(setup + "\n" + block.code) or re.findall(r"'(\w+)'", last)[:1]
        return BlockRun(
            page.src_uri, block.line, shown, NEEDS_SETUP, "undefined: " + ", ".join(names), seconds
        )
    if block.cuda or re.search(r"CUDA|NVIDIA|cuda", last):
        if cuda is None:
            cuda = _cuda_available()
        if not cuda:
            hint = "" if block.cuda else f" (mark its fence ```python {CUDA_OPTION})"
            return BlockRun(page.src_uri, block.line, shown, NEEDS_CUDA, last + hint, seconds)
    return BlockRun(page.src_uri, block.line, shown, FAILS, last + where, seconds)


def _cuda_available() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except ImportError:  # pragma: no cover - torch is a dependency
        return False


def run_new_blocks(
    plan: Plan, project: Project, timeout: float = TIMEOUT, workers: int = 2
) -> list[BlockRun]:
    """Run each block of the changed pages that has no record (new or changed code)."""
    jobs: list[tuple[Page, int]] = []
    for src, text in plan.pages.items():
        page = parse_page(text, src)
        record = plan.records.get(src, "missing")
        if record == "missing":
            path = project.record_path(src)
            record = path.read_text(encoding="utf-8") if path.is_file() else None
        keys = {e.key for e in _outputs.parse(record, src)} if record else set()
        jobs += [(page, b.number) for b in page.blocks if b.key not in keys]
    cuda = _cuda_available()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: run_block(job[0], job[1], timeout, cuda), jobs))


# --- the report --------------------------------------------------------------------------------


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _quote(text: str) -> str:
    text = _short(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def report(plan: Plan, runs: list[BlockRun], unchecked: list[str], seconds: float) -> str:
    """The sync's report, in Markdown (ready to paste into a pull request)."""
    counts = {what: 0 for what in (ADDED, CHANGED, MOVED, REMOVED)}
    for events in plan.events.values():
        for event in events:
            counts[event.what] += 1
    results = {
        r: sum(run.result == r for run in runs)
        for r in (PASSES, NEEDS_SETUP, NEEDS_CUDA, FAILS, TIMED_OUT)
    }
    out = [
        f"# Sync of *{plan.post.title}*",
        "",
        f"From `{plan.post.name}` to `{plan.original_path.name if plan.original_path else ''}`"
        f"{' (a new post)' if plan.old is None else ''}, in {seconds:.1f} s.",
        "",
        "- Units: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".",
        f"- Pages written: {len(plan.pages)}; removed: {len(plan.removed_pages)}; "
        f"nav {'changed' if plan.config_text else 'unchanged'}.",
        f"- New or changed Python blocks: {len(runs)} ("
        + ", ".join(f"{n} {r}" for r, n in results.items())
        + ").",
        f"- Claims not yet checked: {len(unchecked)}.",
        f"- Additions removed or flagged: {len(plan.flags)}.",
    ]
    pages = list(dict.fromkeys([*plan.nav, *plan.events, *plan.removed_pages]))
    for src in pages:
        events = plan.events.get(src, [])
        page_runs = [r for r in runs if r.page == src]
        page_flags = [f for f in plan.flags if f.page == src]
        page_claims = [c for c in unchecked if c.startswith(f"docs/{src}:")]
        if not (events or page_runs or page_flags or page_claims or src in plan.removed_pages):
            continue
        out += ["", f"## `docs/{src}`" + (" (removed)" if src in plan.removed_pages else "")]
        for what in (ADDED, CHANGED, MOVED, REMOVED):
            chosen = [e for e in events if e.what == what]
            if not chosen:
                continue
            out += ["", f"**{what.capitalize()}**", ""]
            for e in chosen:
                where = f"line {e.line}" if e.line else e.before
                if e.kind == "section":
                    out.append(f"- the page moved in the nav, from {e.before}: {_quote(e.text)}")
                elif what == CHANGED:
                    out.append(f"- {where}, {e.kind}: {_quote(e.before)} → {_quote(e.text)}")
                elif what == MOVED:
                    out.append(f"- {where}, {e.kind}, from `{e.before}`: {_quote(e.text)}")
                else:
                    out.append(f"- {where}, {e.kind}: {_quote(e.text)}")
        if page_runs:
            out += ["", "**New or changed blocks** (each run alone, in its own process)", ""]
            out += ["| Line | Block | Result |", "| ---: | --- | --- |"]
            for r in page_runs:
                detail = f": {r.detail}" if r.detail else ""
                cell = f"{r.result}{detail}".replace("|", "\\|")
                out.append(f"| {r.line} | {_quote(r.code)} | {cell} |")
        if page_claims:
            out += ["", "**Claims waiting for a check**", ""]
            out += [f"- {c.removeprefix(f'docs/{src}:')}" for c in page_claims]
        if page_flags:
            out += ["", "**Additions removed or flagged**", ""]
            out += [f'- {f.kind} "{f.title}": {f.what}' for f in page_flags]
    out += [
        "",
        "## Next",
        "",
        "1. `pytest docs/ --update-outputs` records the new blocks' outputs; it fails on each "
        "block that does not run, at its page and line.",
        "2. Under each claim waiting for a check, add a check, an erratum, or "
        "`<!-- not a claim: reason -->`; the claims gate (`pytest docs/`) names them until then.",
        "3. `make test` runs every gate: fidelity, parity, claims, the site.",
    ]
    return "\n".join(out) + "\n"


# --- the command -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a sync did: the report's text, and the files it wrote or removed."""

    report: str
    written: list[str]
    removed: list[str]
    runs: list[BlockRun]
    unchecked: list[str]
    flags: list[Flag] = field(default_factory=list)


def sync(
    project: Project,
    path: Path,
    *,
    new_post: bool = False,
    timeout: float = TIMEOUT,
    run_blocks: bool = True,
) -> Outcome:
    """Sync a new version of a post (or, with ``new_post``, add a post) onto the site.

    Args:
        project: The project.
        path: The new version of the post.
        new_post: Add it as another post instead of updating one.
        timeout: How long each new or changed block may run for the report, in seconds.
        run_blocks: Whether to run the new and changed blocks for the report.

    Returns:
        The outcome; its report is also what the command prints.

    Raises:
        SyncError: If the post cannot be read or placed; then nothing was written.
    """
    start = time.perf_counter()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SyncError(f"{path}: expected a readable Markdown file, got {error}") from None
    new = read_post(text, path.name)
    plan = plan_sync(project, new, new_post=new_post)
    assert plan.original_path is not None
    # Every page must still read before anything is written.
    for src, page_text in plan.pages.items():
        try:
            parse_page(page_text, src)
        except PageError as error:
            raise SyncError(f"docs/{error}; nothing was written") from None
    written: list[str] = []
    removed: list[str] = []

    def write(target: Path, content: str) -> None:
        if target.is_file() and target.read_text(encoding="utf-8") == content:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target.relative_to(project.root).as_posix())

    write(plan.original_path, text)
    for src, page_text in plan.pages.items():
        write(project.docs_dir / src, page_text)
    for src, record in plan.records.items():
        target = project.record_path(src)
        if record is None:
            target.unlink(missing_ok=True)
            removed.append(target.relative_to(project.root).as_posix())
        else:
            write(target, record)
    for src in plan.removed_pages:
        for target in (project.docs_dir / src, project.docs_dir / notebook_path(src)):
            if target.is_file():
                target.unlink()
                removed.append(target.relative_to(project.root).as_posix())
    if plan.config_text is not None:
        write(project.root / CONFIG, plan.config_text)
    fresh = Project.at(project.root)
    if plan.pages:
        from notesite.notebook import write_notebooks

        written += [f"{fresh.docs_dir.name}/{p}" for p in write_notebooks(fresh)]
    runs = run_new_blocks(plan, fresh, timeout) if run_blocks and plan.pages else []
    unchecked = [
        f"docs/{page.src_uri}:{claim.line}: {claim.text}"
        for page in fresh.notes()
        if post_title(page) == new.title
        for claim in page.claims
        if claim.status == UNCHECKED
    ]
    text_report = report(plan, runs, unchecked, time.perf_counter() - start)
    return Outcome(text_report, written, removed, runs, unchecked, plan.flags)
