"""The three-way merge: the original (base), the pages (current) and the new version (other)."""

from __future__ import annotations

import ast
import difflib
import itertools
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notesite.fidelity import (
    POST_SUFFIXES,
    _find_last,
    check_metadata,
    normalise,
    normalised_lines,
    originals,
    post_index,
    post_pages,
    post_source,
    rebuild_page,
    rebuild_with_origins,
)
from notesite.model import (
    CHECK_KIND,
    CODE,
    ERRATUM_KIND,
    HEADING,
    HELPER,
    INTRO_MARKER,
    NOTE_KIND,
    PAGES_MARKER,
    POST_MARKER,
    PROSE,
    PYTHON_LANGS,
    Fence,
    Page,
    PageError,
    fence_options,
    is_note_page,
    parse_page,
    read_markdown,
    slugify,
)
from notesite.project import CONFIG, ONE_PAGE, SECTIONS, Project, ProjectError
from notesite.safety import markdown_text
from notesite.sync.compare import (
    ADDED,
    CHANGED,
    MOVED,
    REMOVED,
    SAME,
    SIMILAR,
    Comparison,
    Edit,
    _pair_edited,
    _similar,
    compare_posts,
)
from notesite.sync.post import (
    LIST_MARKER,
    Post,
    PostUnit,
    SyncError,
    _indent,
    _shift,
    _words,
    read_post,
    render_unit,
    render_units,
    tight,
)
from notesite.sync.write import (
    _front_matter,
    _index_pages,
    _post_meta_changed,
    _records,
    _section_page,
    add_nav,
    add_nav_entry,
    nav_label,
    rename_nav_section,
    retitle_nav_entry,
    rewrite_nav,
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
    #: The checks, precise notes and errata that stay under a unit whose text changed.
    reverify: list[Flag] = field(default_factory=list)
    #: New blocks without a language that read as Python: shown as text, never run.
    unrun: list[Event] = field(default_factory=list)
    #: The post's index page as it stands (it holds the introduction), if it has one.
    index: Page | None = None


def _chunk(
    placed: Placed,
    new: PostUnit | None,
    how: str,
    author: set[int],
    flags: list[Flag],
    nest: bool = True,
) -> list[str]:
    """The lines of an original unit's chunk, carried onto the new version of the unit.

    ``nest`` says whether the new unit still follows a list item: where the page nests a
    unit under the list item above it deeper than the author's text does, it keeps that
    nesting only then (a block under a bullet that became a heading goes to the margin).
    """
    page = placed.page
    lines = list(page.lines[placed.chunk_start : placed.chunk_end])
    region = page.region(placed.start)
    page_level = region.unit.level if region is not None else placed.unit.level
    extra = max(page_level - placed.unit.level, 0) if nest else 0
    # A list item the page made of the author's text stays one: at level 1 at least.
    item = (
        region is not None
        and region.unit.kind == PROSE
        and bool(LIST_MARKER.match(page.lines[region.unit.start].strip()))
    )
    target = max(new.level + extra, 1 if item else 0) if new else 0
    shift = 0 if new is None else 4 * (target - page_level)
    if new is None or how in (SAME, MOVED):
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
    fences = [f for f in page.fences if placed.start <= f.start < placed.end and f.start in author]
    fenced = new_lines[0].lstrip().startswith(("```", "~~~"))
    if new.kind == CODE and fenced and len(fences) == 1:
        # A fenced block, one fence on the page: the new code in its place.
        fence = fences[0]
        body = _shift(new_lines, fence.indent - _indent(new_lines[0]))
        body[0] = _opening(new_lines[0], fence)
        span = (fence.start - base, fence.end - base)
        out = [line for i, line in enumerate(lines[: span[0]]) if i not in drop]
        out += body
        out += [line for i, line in enumerate(lines[span[1] :], span[1]) if i not in drop]
        return _shift(out, shift) if shift else out
    # Prose, a heading, or code the page shows otherwise (an indented block that the page
    # writes as list items): edit the author's lines in place, so the boxes between them stay.
    entries: list[tuple[int, str]] = []  # (chunk line, the author's text there)
    own = [i - base for i in range(placed.start, placed.end) if i in author]
    for i in own:
        if not lines[i].strip() or i in drop:
            continue
        entries += [(i, text) for text in reverted.get(i, [lines[i]])]
    if new.kind == HEADING:
        # A whole post's page writes its headings as written; a section's page a level up.
        level = new.heading_level if placed.page.whole_post else new.heading_level - 1
        new_lines = ["#" * level + " " + new.heading_text]
        new_norm = [normalise(new_lines[0])]
    pieces: dict[int, list[str]] = {i: [] for i in own}
    tail: list[str] = []  # new blocks after the last of the unit's text and its boxes
    old_texts = [normalise(text) for _, text in entries]
    matcher = difflib.SequenceMatcher(None, old_texts, new_norm, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(a1, a2):
                pieces[entries[k][0]].append(entries[k][1])
            continue
        anchor, text = entries[a1] if a1 < len(entries) else entries[-1]
        indent = " " * _indent(text)
        added = [indent + line.strip() for line in new_lines[b1:b2] if line.strip()]
        if a1 == len(entries) and _starts_block(new_lines, b1):
            # A new list item or paragraph after the unit's last line: after its boxes too,
            # so that no box changes the text it stands under.
            tail += ["", *added]
        else:
            pieces[anchor] += added
    out = []
    for i, line in enumerate(lines):
        if i in drop:
            continue
        out += pieces[i] if i in pieces and (line.strip() or i in reverted) else [line]
    if tail:
        while out and not out[-1].strip():
            out.pop()
        out += [*tail, ""]
    return _shift(out, shift) if shift else out


def _atoms(placed: Placed, first_key: int) -> list[Placed]:
    """The units of the page that one original unit spans, when it spans several.

    The page may write one unit of the author's as several (an indented block of ``- `` lines
    as list items, each with its own boxes). Each such page unit becomes a :class:`Placed` of
    its own, keyed from ``first_key``, with its region as its chunk.
    """
    page = placed.page
    units = [u for u in page.units if placed.start <= u.start < placed.end]
    if len(units) < 2:
        return []
    region = page.region(placed.start)
    extra = (region.unit.level if region is not None else units[0].level) - placed.unit.level
    atoms = [
        Placed(
            PostUnit(
                first_key + k,
                u.kind,
                u.start,
                u.end,
                max(u.level - extra, 0),
                u.text,
                tuple(page.lines[u.start : u.end]),
                placed.unit.section,
            ),
            page,
            u.start,
            u.end,
        )
        for k, u in enumerate(units)
    ]
    for k, atom in enumerate(atoms):
        here = page.region(atom.start)
        atom.chunk_start = placed.chunk_start if k == 0 or here is None else here.start
    for k, atom in enumerate(atoms):
        atom.chunk_end = atoms[k + 1].chunk_start if k + 1 < len(atoms) else placed.chunk_end
    return atoms


def _join(new: Post, step: Edit, comparison: Comparison, placement: Placement, key: int) -> int:
    """Pair a new unit with a run of original units that it joins into one (see :func:`refine`).

    Returns the next free key.
    """
    olds = [o for o in range(*step.old) if o in placement.placed and o not in placement.joined]
    for n in range(*step.new):
        unit = new.units[n]
        single = max(
            (_similar(placement.placed[o].unit.text, unit.text) for o in olds), default=0.0
        )
        best: tuple[float, int, int] = (max(SIMILAR, single), -1, -1)
        for i in range(len(olds)):
            for j in range(i + 2, len(olds) + 1):
                run = [placement.placed[o] for o in olds[i:j]]
                if any(p.unit.kind != unit.kind or p.page is not run[0].page for p in run):
                    break
                score = _similar(" ".join(p.unit.text for p in run), unit.text)
                if score > best[0]:
                    best = (score, i, j)
        if best[1] < 0:
            continue
        run = [placement.placed[o] for o in olds[best[1] : best[2]]]
        first, last = run[0], run[-1]
        joined = Placed(
            PostUnit(
                key,
                unit.kind,
                first.start,
                last.end,
                first.unit.level,
                " ".join(p.unit.text for p in run),
                tuple(first.page.lines[first.start : last.end]),
                first.unit.section,
            ),
            first.page,
            first.start,
            last.end,
            first.chunk_start,
            last.chunk_end,
        )
        members = {p.unit.index for p in run}
        if n in comparison.units and comparison.units[n][0] not in members:
            comparison.removed.append(comparison.units[n][0])
        for m, (o, _) in list(comparison.units.items()):
            if o in members:
                del comparison.units[m]
        comparison.removed = [o for o in comparison.removed if o not in members]
        for o in members:
            del placement.placed[o]
        placement.placed[key] = joined
        placement.joined.add(key)
        comparison.units[n] = (key, CHANGED)
        olds = [o for o in olds if o not in members]
        key += 1
    return key


def refine(new: Post, comparison: Comparison, placement: Placement) -> None:
    """Pair the page's units, not the author's, where a unit was split or joined.

    In a ``replace`` step of a section's edit script, a new unit that reads like a run of
    original units taken together (better than like any one of them) is that run, edited
    (:func:`_join`): the boxes between its lines stay where they are.

    In a ``replace`` step of a section's edit script, an original unit that its page writes
    as several units (:func:`_atoms`) is compared unit by unit with the step's new units
    that nothing else took: when that pairs two or more of them (or one, where the unit as a
    whole paired with nothing), each page unit keeps its own boxes, and the page units left
    unpaired are removed with theirs. ``comparison`` and ``placement`` change in place.
    """
    next_key = max(placement.placed, default=-1) + 1
    for steps in comparison.script.values():
        for step in steps:
            if step.tag != "replace":
                continue
            next_key = _join(new, step, comparison, placement, next_key)
            news = list(range(*step.new))
            for o in range(*step.old):
                placed = placement.placed.get(o)
                atoms = _atoms(placed, next_key) if placed is not None else []
                if not atoms:
                    continue
                mine = [n for n in news if comparison.units.get(n, (o, ""))[0] == o]
                pairs = _pair_edited([a.unit for a in atoms], [new.units[n] for n in mine])
                whole = any(n in comparison.units for n in mine)
                if len(pairs) < 2 and (whole or not pairs):
                    continue
                next_key += len(atoms)
                del placement.placed[o]
                for n in mine:
                    comparison.units.pop(n, None)
                if o in comparison.removed:
                    comparison.removed.remove(o)
                by_key = {atom.unit.index: atom for atom in atoms}
                for key, n in pairs:
                    same = by_key[key].unit.key == new.units[n].key
                    comparison.units[n] = (key, SAME if same else CHANGED)
                paired = {key for key, _ in pairs}
                for atom in atoms:
                    placement.placed[atom.unit.index] = atom
                    if atom.unit.index not in paired:
                        comparison.removed.append(atom.unit.index)


def _opening(author: str, fence: Fence) -> str:
    """A changed block's opening line: the author's fence and language, the site's options.

    The site's options (``continuation``, ``fixture:cuda``, ``timeout=N``) stay while the
    block stays Python (whatever its spelling) or keeps its language.
    """
    text = author.strip()
    marker = text[: len(text) - len(text.lstrip(text[:1]))]
    info = fence_options(text[len(marker) :])
    old = fence_options(fence.info)
    python = bool(info) and bool(old) and info[0] in PYTHON_LANGS and old[0] in PYTHON_LANGS
    if not info or not old or (info[0] != old[0] and not python):
        return " " * fence.indent + text
    options = [*info[1:], *(option for option in old[1:] if option not in info[1:])]
    return " " * fence.indent + marker + " ".join([info[0], *options])


def _python_without_language(unit: PostUnit) -> bool:
    """Whether a unit is a block without a language (bare fence, indented) that reads as Python."""
    opening = unit.raw[0].strip() if unit.raw else ""
    if unit.kind != CODE:
        return False
    if opening.startswith(("```", "~~~")):
        if opening.strip("`~ "):
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


def _caption(placement: Placement, placed: Placed) -> int | None:
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


def _trimmed(lines: list[str]) -> list[str]:
    """``lines`` without the blank lines at their end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _margin_helper(lines: list[str], placed: Placed) -> tuple[list[str], list[str]]:
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
    return [*_trimmed(lines[:at]), ""], ["", *page.lines[box.start : box.end], ""]


def _difference(old: PostUnit, new: PostUnit) -> tuple[str, str]:
    """The first lines that differ between two versions of a unit, in each (for the report)."""
    a = [" ".join(line.split()) for line in old.raw if line.strip()]
    b = [" ".join(line.split()) for line in new.raw if line.strip()]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            return " ".join(a[i1:i2]) or "(nothing)", " ".join(b[j1:j2]) or "(nothing)"
    return _words(old), _words(new)


def _starts_block(lines: list[str], at: int) -> bool:
    """Whether line ``at`` of a unit's text starts a block: a list item, or after a blank line."""
    if at >= len(lines):
        return False
    after_blank = at > 0 and not lines[at - 1].strip()
    return after_blank or bool(LIST_MARKER.match(lines[at].strip()))


def _date(meta: dict[str, object]) -> str:
    return str(meta.get("date") or "")


def _original_of(project: Project, new: Post, *, new_post: bool) -> tuple[str, Post] | None:
    """The original (file name, post) that ``new`` is a version of; None for a new post.

    A post is known by its file name: the original of that name. A version saved under
    another name (the blog's ``2022-01-28-….markdown`` of an original ``basics.md``) is
    the one original whose title and date are both the version's.

    Raises:
        SyncError: If the post matches no original, or several (or, with ``new_post``, an
            original has its file name already).
    """
    names = originals(project)
    folder = project.originals_dir.name
    own = Path(new.name).name
    if new_post:
        return None  # a clash of names or pages is refused when its pages are planned
    if own in names:
        return own, _read_original(project, own)
    olds = {name: _read_original(project, name) for name in names}
    same = [
        name
        for name, post in olds.items()
        if post.title == new.title and _date(post.meta) == _date(new.meta)
    ]
    if len(same) == 1:
        return same[0], olds[same[0]]
    if same:
        raise SyncError(
            f"{new.name}: expected one post of the site with its title and date, got "
            f"{len(same)}: " + ", ".join(f"{folder}/{name}" for name in same) + "; save the new "
            "version under the file name of the one it is a version of"
        )
    listed = ", ".join(f"{post.title!r} ({name})" for name, post in olds.items()) or "none"
    raise SyncError(
        f"{new.name}: expected the file name of a post on the site, or the title and date "
        f"of one ({listed}), got {own!r} ({new.title!r}, {_date(new.meta) or 'no date'}). "
        f"To add it as another post, run `make sync POST={new.name} NEW=1` (--new)"
    )


def _read_original(project: Project, name: str, *, whole: bool = False) -> Post:
    where = f"{project.originals_dir.name}/{name}"
    return read_post(read_markdown(project.originals_dir / name, where), where, whole=whole)


def _margin_pointers(
    placement: Placement, comparison: Comparison
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
        above = [
            (p.start, k)
            for k, p in placement.placed.items()
            if k not in removed and p.page is placed.page and p.start < placed.start
        ]
        keeper = max(above)[1] if above else None
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
    placement: Placement,
    comparison: Comparison,
    kept_boxes: dict[tuple[str, int], int],
    events: dict[str, list[Event]],
) -> list[Flag]:
    """Note each removed unit on its page, and flag each box under it: removed, or kept."""
    flags: list[Flag] = []
    for o in comparison.removed:
        placed = placement.placed[o]
        unit = placed.unit
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
        flags += [
            Flag(src, "not-a-claim marker", marker.reason, "removed with the text it annotates")
            for marker in placed.page.markers
            if placed.chunk_start <= marker.start < placed.chunk_end
        ]
    return flags


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
    try:
        pages = post_pages(project, name)
    except PageError as error:
        raise SyncError(
            f"docs/{error}; the sync reads every page before it changes any: mend the page"
        ) from None
    if not pages:
        raise SyncError(
            f"{project.originals_dir.name}/{name}: expected note pages whose front matter "
            f"names the post (post: source: {name}), got none; the sync cannot place the changes"
        )
    # The post keeps the paging its pages have: one page (a whole post), or one per section.
    whole = len(pages) == 1 and pages[0].whole_post
    _same_paging(project, name, new, whole)
    old = _read_original(project, name, whole=whole)
    new = read_post(new.text, new.name, whole=whole)
    placement = place(old, pages)
    comparison = compare_posts(old, new)
    flags: list[Flag] = []
    reverify: list[Flag] = []
    unrun: list[Event] = []
    events: dict[str, list[Event]] = {}
    by_old_section = {
        old.units[s[0]].section: placement.placed[s[0]].page.src_uri for s in old.sections
    }
    folder = pages[0].src_uri.rsplit("/", 1)[0]
    taken = {p.src_uri for p in pages}
    nav: list[str] = []
    texts: dict[str, str] = {}
    meta_changed = _post_meta_changed(old, new)
    refine(new, comparison, placement)
    image = {n: o for n, (o, _) in comparison.units.items()}  # new unit -> its original
    carried, kept_boxes = _margin_pointers(placement, comparison)
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
            if whole and (meta_changed or _own_title(new) != _own_title(old)):
                header = _whole_header(page.meta, new, name)
            elif meta_changed:
                header = _front_matter(page.meta, new, name)
        else:
            src = _section_page(project, folder, new.units[section[0]].heading_text, taken)
            taken.add(src)
            header = _front_matter({}, new, name)
        nav.append(src)
        body: list[str] = []
        page_events = events.setdefault(src, [])
        pending: list[str] = []  # helper pointers at the margin, after the nested units
        for n in section:
            unit = new.units[n]
            found = comparison.units.get(n)
            if found is None:
                lines = render_unit(unit, section=not whole)
            else:
                o, how = found
                placed = placement.placed[o]
                context = [k for k in section[: section.index(n)] if new.units[k].kind != CODE]
                nest = (
                    bool(context)
                    and new.units[context[-1]].kind == PROSE
                    and new.units[context[-1]].level > 0
                    and _caption(placement, placed) == image.get(context[-1])
                )
                author = placement.author_lines[placed.page.src_uri]
                lines = _chunk(placed, unit, how, author, flags, nest)
            if pending and _indent(next(line for line in [*lines, "x"] if line.strip())) == 0:
                body = [*_trimmed(body), *pending]
                pending = []
            if body and body[-1].strip() and (found is None or found[1] != SAME):
                body.append("")
            at = len(header) + len(body) + 1
            if found is None:
                body += [*lines, ""]
                page_events.append(Event(ADDED, unit.kind, _words(unit), at))
                if _python_without_language(unit):
                    unrun.append(Event(ADDED, unit.kind, _words(unit), at, src))
                continue
            own = placed.start - placed.chunk_start
            if how == CHANGED:
                before, after = _difference(placed.unit, unit)
                page_events.append(Event(CHANGED, unit.kind, after, at + own, before))
                reverify += [
                    Flag(src, a.kind, a.title, f"under the changed {unit.kind} of line {at + own}")
                    for a in placed.page.additions
                    if a.kind in _OWNED
                    and placed.chunk_start <= a.start < placed.chunk_end
                    and a.title not in {f.title for f in flags if f.page == src}
                ]
            moved = how == MOVED or placed.page.src_uri != src
            if moved and unit.kind != HEADING:
                page_events.append(
                    Event(MOVED, unit.kind, _words(unit), at + own, f"docs/{placed.page.src_uri}")
                )
            lines, floating = _margin_helper(lines, placed)
            pending += floating
            body += lines
            if o in carried:
                body = [*_trimmed(body), *carried[o], ""]
        if pending:
            body = [*_trimmed(body), *pending]
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
    flags += _removed_units(placement, comparison, kept_boxes, events)
    if meta_changed:  # the post's index pages carry its front matter too
        texts.update(_index_pages(project, name, new))
    index = post_index(project, name)
    held = normalised_lines(rebuild_page(index) if index else [])
    if held != normalised_lines(old.lines[old.body_start : old.sections_start]):
        where = f"docs/{index.src_uri}" if index else "the post's index page"
        raise SyncError(
            f"{where}: expected it to hold the introduction of {old.name} (its text before "
            f"the first ## section), got {held[:3]!r}; the sync cannot place the changes. "
            "Make the page hold the original again (the fidelity gate: "
            ".venv/bin/pytest tests/notesite/test_fidelity.py)"
        )
    if normalised_lines(_intro_lines(old)) != normalised_lines(_intro_lines(new)):
        if index is None:
            raise SyncError(
                f"conflict: {new.name}:{new.intro[0].start + 1 if new.intro else 1}: expected "
                f"an index page of the post (notes/…/index.md, post: title: {old.title}) to "
                "hold its introduction, got none; add one with <!-- ptnotes:pages --> on it"
            )
        before = texts.get(index.src_uri, index.text)
        texts[index.src_uri] = _with_intro(before, _intro_lines(new))
        page_events = events.setdefault(index.src_uri, [])
        page_events += [Event(ADDED, u.kind, _words(u), u.start + 1) for u in new.intro]
    removed_pages = [p.src_uri for p in pages if p.src_uri not in nav]
    old_nav = [p.src_uri for p in pages]
    config_text = None
    if nav != old_nav:
        config_text = rewrite_nav((project.root / CONFIG).read_text(encoding="utf-8"), old_nav, nav)
    if nav_label(new) != nav_label(old):  # the post's nav section or entry follows
        config = config_text or (project.root / CONFIG).read_text(encoding="utf-8")
        if whole:
            config_text = retitle_nav_entry(config, nav[0], nav_label(new)) or config_text
        else:
            renamed = rename_nav_section(config, nav_label(old), nav_label(new))
            renamed = renamed or rename_nav_section(config, old.title, nav_label(new))
            config_text = renamed or config_text
    plan = Plan(new, old, texts, removed_pages, nav, config_text, {}, events, flags)
    plan.original_path = project.originals_dir / name
    plan.reverify, plan.unrun = reverify, unrun
    plan.index = index
    verify(plan, pages, placement, comparison)
    plan.records = _records(project, pages, texts, removed_pages)
    return plan


#: The boxes that stand for the unit above them: each must stay under its own unit.
_OWNED = (CHECK_KIND, NOTE_KIND, ERRATUM_KIND)


def verify(plan: Plan, pages: list[Page], placement: Placement, comparison: Comparison) -> None:
    """Check a plan before anything is written: every conflict stops the sync here.

    * every page the plan writes parses (its checks, notes and errata keep the site's rules);
    * the pages, less the site's additions, are the new version (the fidelity gate);
    * every check, precise note and erratum that stays stands under the new version of the
      unit it stood under (a box moves only with its own unit).

    Raises:
        SyncError: Naming the page and line, and the line of the new version, of the first
            conflict.
    """
    new = plan.post
    parsed = _verify_text(plan, {page.src_uri: page for page in pages})
    current = {page.src_uri: page for page in pages}
    # Each box that stays under the new version of its own unit.
    owner: dict[tuple[str, str], int] = {}  # (page, box title) -> the original unit's key
    for key, placed in placement.placed.items():
        for addition in placed.page.additions:
            if addition.kind in _OWNED and placed.chunk_start <= addition.start < placed.chunk_end:
                owner[(placed.page.src_uri, addition.title)] = key
    before = {src: _box_owners(page) for src, page in current.items()}
    image = {o: n for n, (o, _) in comparison.units.items()}
    for src, page in parsed.items():
        for title, (line, words) in _box_owners(page).items():
            owned = owner.get((src, title))
            if owned is None:
                continue
            n = image.get(owned, -1)
            was = placement.placed[owned]
            old_words = before[was.page.src_uri][title][1]
            # The same text, edited, or joined into a longer one (every word of it kept).
            joined = set(re.findall(r"\w+", old_words)) <= set(re.findall(r"\w+", words))
            same = joined or _similar(words, old_words) >= SIMILAR
            if n < 0 or words not in new.units[n].text or not same:
                raise SyncError(
                    f'conflict: docs/{src}:{line + 1}: the box "{title}" stood under '
                    f"docs/{was.page.src_uri}:{was.start + 1} ({_short(old_words)!r}); the "
                    f"merge put it under {_short(words)!r}, which is not that text's new "
                    "version; the sync cannot place it"
                )


def _verify_text(plan: Plan, current: dict[str, Page]) -> dict[str, Page]:
    """The text part of :func:`verify`; the pages the plan writes, parsed.

    Every page the plan writes parses; the post's pages (its index page's introduction,
    then its sections), less the site's additions, are the new version, line for line
    (whitespace-normalised): the fidelity gate, before anything is written.

    Raises:
        SyncError: Naming the first line of the new version that the pages do not hold.
    """
    new = plan.post
    parsed: dict[str, Page] = {}
    for src, text in plan.pages.items():
        try:
            parsed[src] = parse_page(text, src)
        except PageError as error:
            raise SyncError(f"conflict: docs/{error} (in the page the merge made)") from None
    ordered = [parsed.get(src) or current[src] for src in plan.nav if is_note_page(src)]
    if plan.index is not None:
        ordered.insert(0, parsed.get(plan.index.src_uri) or plan.index)
    assert plan.original_path is not None
    for page in ordered:
        for problem in check_metadata(new.meta, page.meta, page.src_uri, plan.original_path.name):
            raise SyncError(f"conflict: docs/{problem} (in the page the merge made)")
    try:
        rebuilt = [(page, line) for page in ordered for line in rebuild_page(page)]
    except PageError as error:
        raise SyncError(f"conflict: docs/{error} (in the page the merge made)") from None
    theirs = [(i, normalise(t)) for i, t in enumerate(new.lines) if i >= new.body_start]
    theirs = [(i, t) for i, t in theirs if t]
    ours = [(page, normalise(t)) for page, t in rebuilt if t.strip()]
    for k, (i, text) in enumerate(theirs):
        got = ours[k][1] if k < len(ours) else "the end of the pages"
        if got != text:
            where = f"docs/{ours[k][0].src_uri}" if k < len(ours) else "the pages"
            raise SyncError(
                f"conflict: {new.name}:{i + 1}: expected the merged pages to hold this line "
                f"({text!r}), got {got!r} in {where}; the sync cannot place this change"
            )
    if len(ours) > len(theirs):
        raise SyncError(
            f"conflict: docs/{ours[len(theirs)][0].src_uri}: expected no more of the "
            f"author's text, got {ours[len(theirs)][1]!r}; the sync cannot place this change"
        )
    return parsed


def _intro_lines(post: Post) -> list[str]:
    """The introduction as the index page writes it, between its two markers."""
    if not post.intro:
        return []
    return [INTRO_MARKER, "", *render_units(post.intro, section=False), ""]


def _with_intro(text: str, intro: list[str]) -> str:
    """An index page's text with its introduction (and marker) replaced by ``intro``."""
    lines = text.splitlines()
    marks = [k for k, line in enumerate(lines) if line.strip() == INTRO_MARKER]
    ends = [k for k, line in enumerate(lines) if line.strip() == PAGES_MARKER]
    if marks:
        start = marks[0]
        end = next((k for k in ends if k > start), len(lines))
    else:
        start = end = ends[0] if ends else len(lines)
        if not intro:
            return text
    if not ends and start == len(lines) and lines and lines[-1].strip():
        intro = ["", *intro]
    out = [*lines[:start], *intro, *lines[end:]]
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def _box_owners(page: Page) -> dict[str, tuple[int, str]]:
    """Each check, precise note and erratum of a page: its line, and its unit's author text."""
    lines, origins = rebuild_with_origins(page)
    found: dict[str, tuple[int, str]] = {}
    for region in page.attached:
        unit = region.unit
        words = " ".join(
            " ".join(line.split())
            for line, origin in zip(lines, origins, strict=True)
            if unit.start <= origin < unit.end and line.strip()
        )
        for addition in region.additions:
            if addition.kind in _OWNED:
                found[addition.title] = (addition.start, words)
    return found


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _same_paging(project: Project, name: str, new: Post, whole: bool) -> None:
    """Refuse a version whose paging setting is not the one its pages have.

    ``new`` is read by its sections: without one (:attr:`Post.whole`), it is one page
    whatever the setting.

    Raises:
        SyncError: Naming the setting and the pages' paging.
    """
    try:
        wanted = project.paging(name, new.meta)
    except ProjectError as error:
        raise SyncError(str(error)) from None
    has = ONE_PAGE if whole else SECTIONS
    if wanted != has and not (whole and new.whole):
        raise SyncError(
            f"{new.name}: expected the paging of its pages (pages: {has}), got pages: "
            f"{wanted} (the post's front matter or posts: in {CONFIG}); the sync keeps a "
            "post's paging: set it back, or remove the post's pages and add it again (--new)"
        )


def _own_title(post: Post) -> bool:
    """Whether a whole post opens with its own ``#`` heading (then the site adds none)."""
    return bool(post.units) and post.units[0].heading_level == 1


def _whole_header(meta: dict[str, Any], post: Post, source: str) -> list[str]:
    """The lines of a whole post's page above the post: front matter, title, marker."""
    title = [] if _own_title(post) else [f"# {markdown_text(post.title)}", ""]
    return [*_front_matter(meta, post, source), *title, POST_MARKER, ""]


def post_slug(name: str) -> str:
    """The slug of a post's pages: its file name's, without a Jekyll ``YYYY-MM-DD-`` date."""
    stem = Path(name).name
    for suffix in POST_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return slugify(re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem)) or "post"


def _slug_of_new(project: Project, source: str) -> str:
    """The slug of a new post's pages: :func:`post_slug`, or with its date if another post's.

    Two posts of a blog may differ only by their date (``2022-04-04-nmt.markdown`` and
    ``2022-04-07-nmt.markdown``): the second one's slug is ``nmt-2022-04-07``. A page of
    the site's own (no post's) is never moved aside: :func:`_clash` refuses it.
    """
    slug = post_slug(source)
    dated = re.match(r"^(\d{4}-\d{2}-\d{2})-", Path(source).name)
    if dated is None:
        return slug
    for src in project.nav:
        if src == f"notes/{slug}.md" or src.startswith(f"notes/{slug}/"):
            page = project.page(src) if (project.docs_dir / src).is_file() else None
            if page is not None and post_source(page) not in (None, source):
                return f"{slug}-{dated[1]}"
    return slug


def _clash(project: Project, new: Post, source: str, slug: str) -> None:
    """Refuse a new post whose original, page, folder or URL another page or post has.

    Raises:
        SyncError: Naming the new post and what it would replace.
    """
    folder = project.originals_dir.name
    original = project.originals_dir / source
    if original.exists():
        other = _read_original(project, source)
        raise SyncError(
            f"{new.name}: expected a file name that no post of the site has, got "
            f"{folder}/{source}, the original of {other.title!r}; rename the new post's file "
            "and run the sync again (or, to update that post, run the sync without --new)"
        )
    # notes/<slug>.md and notes/<slug>/index.md have one URL, notes/<slug>/.
    taken = [f"notes/{slug}.md", f"notes/{slug}/"]
    nav = set(project.nav)
    for target in taken:
        on_disk = project.docs_dir / target
        held = [src for src in nav if src == target or src.startswith(target)]
        if on_disk.exists() or held:
            what = held[0] if held else target
            held_page = project.page(what) if what.endswith(".md") and what in nav else None
            whose = f" (the page {held_page.title!r})" if held_page is not None else ""
            raise SyncError(
                f"{new.name}: expected pages of their own, got docs/notes/{slug} of an "
                f"existing page: docs/{what}{whose}; the new post would replace it. Rename "
                "the new post's file and run the sync again"
            )


def _plan_new(project: Project, new: Post) -> Plan:
    """The plan of a new post: its page (or folder of pages), nav entry and original.

    Raises:
        SyncError: If its original's file name, its page, folder or URL is another's.
    """
    source = Path(new.name).name
    if Path(source).suffix not in POST_SUFFIXES:
        source = f"{slugify(new.title) or 'post'}.md"
    slug = _slug_of_new(project, source)
    _clash(project, new, source, slug)
    try:
        paging = project.paging(source, new.meta)
    except ProjectError as error:
        raise SyncError(str(error)) from None
    if paging == ONE_PAGE or new.whole:
        return _plan_new_page(project, read_post(new.text, new.name, whole=True), source, slug)
    return _plan_new_sections(project, new, source, slug)


def _plan_new_page(project: Project, new: Post, source: str, slug: str) -> Plan:
    """The plan of a new post on one page: ``notes/<slug>.md``, one nav entry."""
    src = f"notes/{slug}.md"
    header = _whole_header({}, new, source)
    units = new.units
    events: dict[str, list[Event]] = {src: []}
    unrun: list[Event] = []
    at = len(header) + 1
    for k, unit in enumerate(units):
        at += k > 0 and not tight(units[k - 1], unit)
        events[src].append(Event(ADDED, unit.kind, _words(unit), at))
        if _python_without_language(unit):
            unrun.append(Event(ADDED, unit.kind, _words(unit), at, src))
        at += len(render_unit(unit, section=False))
    texts = _chained({src: "\n".join([*header, *render_units(units, section=False)]) + "\n"})
    config = (project.root / CONFIG).read_text(encoding="utf-8")
    plan = Plan(new, None, texts, [], [src], add_nav_entry(config, nav_label(new), src), {},
                events, [])  # fmt: skip
    plan.original_path = project.originals_dir / source
    plan.unrun = unrun
    _verify_text(plan, {})
    return plan


def _chained(texts: dict[str, str]) -> dict[str, str]:
    """New pages with ``continuation`` on each block that needs the blocks above it.

    A reader runs a post top to bottom; the page says so where a block relies on it
    (:mod:`notesite.sync.chain`), so that ``pytest docs/`` runs it as the reader does.
    """
    from notesite.sync.chain import with_continuations

    return {src: with_continuations(text, parse_page(text, src)) for src, text in texts.items()}


def _plan_new_sections(project: Project, new: Post, source: str, slug: str) -> Plan:
    """The plan of a new post split by its sections: its own folder of pages, nav section."""
    folder = f"notes/{slug}"
    texts: dict[str, str] = {}
    events: dict[str, list[Event]] = {}
    unrun: list[Event] = []
    index = f"{folder}/index.md"
    header = _front_matter({}, new, source)
    opening = new.intro[0] if new.intro else None
    own_title = opening is not None and opening.heading_level == 1
    title = [] if own_title else [f"# {markdown_text(new.title)}", ""]
    texts[index] = "\n".join([*header, *title, *_intro_lines(new), PAGES_MARKER]) + "\n"
    nav = [index]
    taken: set[str] = set()
    for section in new.sections:
        src = _section_page(project, folder, new.units[section[0]].heading_text, taken)
        taken.add(src)
        nav.append(src)
        page_events = events.setdefault(src, [])
        units = [new.units[n] for n in section]
        body = render_units(units)
        at = len(header) + 1
        for k, unit in enumerate(units):
            at += k > 0 and not tight(units[k - 1], unit)
            page_events.append(Event(ADDED, unit.kind, _words(unit), at))
            if _python_without_language(unit):
                unrun.append(Event(ADDED, unit.kind, _words(unit), at, src))
            at += len(render_unit(unit))
        texts[src] = "\n".join([*header, *body]) + "\n"
    texts = _chained(texts)
    config = (project.root / CONFIG).read_text(encoding="utf-8")
    plan = Plan(new, None, texts, [], nav, add_nav(config, nav_label(new), nav), {}, events, [])
    plan.original_path = project.originals_dir / source
    plan.unrun = unrun
    plan.index = parse_page(texts[index], index)
    _verify_text(plan, {})
    return plan
