"""Carrying each edit onto the pages: an original unit's chunk rewritten for its new version."""

from __future__ import annotations

import difflib

from notesite.fidelity import (
    find_last,
    normalise,
    normalised_lines,
)
from notesite.model import (
    CODE,
    ERRATUM_KIND,
    HEADING,
    PROSE,
    PYTHON_LANGS,
    Fence,
    fence_options,
    item_lines,
)
from notesite.model.fences import indent_of
from notesite.sync.compare import (
    CHANGED,
    MOVED,
    SAME,
    SIMILAR,
    Comparison,
    Edit,
    pair_edited,
    similarity,
)
from notesite.sync.place import Placed, Placement
from notesite.sync.plan import Flag
from notesite.sync.post import (
    Post,
    PostUnit,
    heading_lines,
    shifted_lines,
)


def chunk_lines(
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
    item = region is not None and region.unit.kind == PROSE and bool(region.unit.item)
    target = max(new.level + extra, 1 if item else 0) if new else 0
    shift = 0 if new is None else 4 * (target - page_level)
    base = placed.chunk_start
    # The chunk's lines that open a box (the boxes the model read on the page).
    openers = {a.start - base for a in page.additions if base <= a.start < placed.chunk_end}
    if new is None or how in (SAME, MOVED):
        return shifted_lines(lines, shift, openers) if shift else lines
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
        spot = find_last(texts, corrected)
        if spot >= 0:
            first = own[spot]
            reverted[first - base] = [
                " " * indent_of(page.lines[first]) + line.strip() for line in erratum.original
            ]
            for k in range(1, len(corrected)):
                reverted[own[spot + k] - base] = []
    fences = [f for f in page.fences if placed.start <= f.start < placed.end and f.start in author]
    fenced = new_lines[0].lstrip().startswith(("```", "~~~"))
    if new.kind == CODE and fenced and len(fences) == 1:
        # A fenced block, one fence on the page: the new code in its place.
        fence = fences[0]
        body = shifted_lines(new_lines, fence.indent - indent_of(new_lines[0]))
        body[0] = _opening(new_lines[0], fence)
        span = (fence.start - base, fence.end - base)
        before = [i for i in range(span[0]) if i not in drop]
        after = [i for i in range(span[1], len(lines)) if i not in drop]
        out = [lines[i] for i in before] + body + [lines[i] for i in after]
        kept = [*before, *[-1] * len(body), *after]  # each line's in the chunk (-1: new)
        boxes = {k for k, i in enumerate(kept) if i in openers}
        return shifted_lines(out, shift, boxes) if shift else out
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
        new_lines = heading_lines(new, section=not placed.page.whole_post)
        new_norm = [normalise(line) for line in new_lines]
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
        indent = " " * indent_of(text)
        added = [indent + line.strip() for line in new_lines[b1:b2] if line.strip()]
        if a1 == len(entries) and _starts_block(new_lines, b1):
            # A new list item or paragraph after the unit's last line: after its boxes too,
            # so that no box changes the text it stands under.
            tail += ["", *added]
        else:
            pieces[anchor] += added
    out = []
    origin: list[int] = []  # each line's in the chunk (-1: the author's new text)
    for i, line in enumerate(lines):
        if i in drop:
            continue
        edited = pieces[i] if i in pieces and (line.strip() or i in reverted) else None
        out += [line] if edited is None else edited
        origin += [i] if edited is None else [-1] * len(edited)
    boxes = {k for k, i in enumerate(origin) if i in openers}
    if tail:
        while out and not out[-1].strip():
            out.pop()
        out += [*tail, ""]
    return shifted_lines(out, shift, boxes) if shift else out


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
                u.item,
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
            (similarity(placement.placed[o].unit.text, unit.text) for o in olds), default=0.0
        )
        best: tuple[float, int, int] = (max(SIMILAR, single), -1, -1)
        for i in range(len(olds)):
            for j in range(i + 2, len(olds) + 1):
                run = [placement.placed[o] for o in olds[i:j]]
                if any(p.unit.kind != unit.kind or p.page is not run[0].page for p in run):
                    break
                score = similarity(" ".join(p.unit.text for p in run), unit.text)
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
                next((u.item for u in first.page.units if u.start == first.start), ""),
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
                pairs = pair_edited([a.unit for a in atoms], [new.units[n] for n in mine])
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


def _starts_block(lines: list[str], at: int) -> bool:
    """Whether line ``at`` of a unit's text starts a block: a list item, or after a blank line.

    A list item as the page reads the text (:func:`notesite.model.item_lines`): an indented
    block the page writes as list items starts one on each item's line.
    """
    if at >= len(lines):
        return False
    after_blank = at > 0 and not lines[at - 1].strip()
    return after_blank or at in item_lines(lines)
