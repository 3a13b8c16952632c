"""Comparing two versions of a post: an edit script per section, as difflib's opcodes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from notesite.sync.post import Post, PostUnit

SIMILAR = 0.6


SAME = "same"
CHANGED = "changed"
MOVED = "moved"
ADDED = "added"
REMOVED = "removed"


@dataclass(frozen=True)
class Edit:
    """One step of a section's edit script, as :meth:`difflib.SequenceMatcher.get_opcodes`.

    ``tag`` is ``equal``, ``replace``, ``delete`` or ``insert``; ``old`` and ``new`` are the
    ranges of unit indexes (of the original and of the new version) it spans, end exclusive.
    """

    tag: str
    old: tuple[int, int]
    new: tuple[int, int]


@dataclass
class Comparison:
    """How the new version's units and sections come from the original's.

    ``units`` maps a new unit to the original unit it is (``same``), an edit of (``changed``)
    or the same unit elsewhere in its section (``moved``); ``script`` holds each paired
    section's edit script, by new section. Units are only ever paired within a pair of
    sections and with a unit of their own kind.
    """

    units: dict[int, tuple[int, str]]  # new unit -> (old unit, SAME/CHANGED/MOVED)
    sections: dict[int, int]  # new section -> old section
    removed: list[int]  # old units
    script: dict[int, list[Edit]] = field(default_factory=dict)


def similarity(a: str, b: str) -> float:
    """How alike two texts are (0 to 1); 0 below :data:`SIMILAR` at a quick look."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _pair_sections(old: Post, new: Post) -> dict[int, int]:
    """Pair the sections: the same heading first, then a similar heading or the same units.

    Two versions of a whole post (one page) are one section each: the two are a pair.
    """
    if old.whole and new.whole:
        return {0: 0}
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
        scored = [(similarity(head, old_heads[i]), i) for i in free]
        keys_new = {new.units[u].key for u in new.sections[j][1:]}
        scored += [
            (len(keys_new & {old.units[u].key for u in old.sections[i][1:]}) / len(keys_new), i)
            for i in free
            if keys_new
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SIMILAR:
            sections[j] = best[1]
    return sections


def pair_edited(old: list[PostUnit], new: list[PostUnit]) -> list[tuple[int, int]]:
    """Pairs (old, new) of units of a ``replace`` step: same kind, similar, in order."""
    pairs: list[tuple[int, int]] = []
    floor = 0
    for unit in new:
        scored = [
            (similarity(o.text, unit.text), k)
            for k, o in enumerate(old[floor:], floor)
            if o.kind == unit.kind
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SIMILAR:
            pairs.append((old[best[1]].index, unit.index))
            floor = best[1] + 1
    return pairs


def compare_posts(old: Post, new: Post) -> Comparison:
    """The edit script from the original to the new version, section by section.

    Sections pair by heading (:func:`_pair_sections`). Within a pair, the units' (kind, text)
    are compared with :class:`difflib.SequenceMatcher`: ``equal`` units are the same; in a
    ``replace`` step, units of one kind that read alike (ratio at least :data:`SIMILAR`) are
    one unit edited; an inserted unit with the text of a deleted one of its section moved.
    Everything else is removed or added: no unit is paired across sections or kinds.
    """
    sections = _pair_sections(old, new)
    matched: dict[int, tuple[int, str]] = {}
    script: dict[int, list[Edit]] = {}
    for j, i in sections.items():
        olds, news = old.sections[i], new.sections[j]
        head_same = old.units[olds[0]].key == new.units[news[0]].key
        matched[news[0]] = (olds[0], SAME if head_same else CHANGED)
        a = [old.units[u].key for u in olds[1:]]
        b = [new.units[u].key for u in news[1:]]
        steps: list[Edit] = []
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            span_old, span_new = olds[1 + i1 : 1 + i2], news[1 + j1 : 1 + j2]
            steps.append(
                Edit(
                    tag,
                    (span_old[0], span_old[-1] + 1) if span_old else (0, 0),
                    (span_new[0], span_new[-1] + 1) if span_new else (0, 0),
                )
            )
            if tag == "equal":
                for o, n in zip(span_old, span_new, strict=True):
                    matched[n] = (o, SAME)
            elif tag == "replace":
                edited = pair_edited(
                    [old.units[u] for u in span_old], [new.units[u] for u in span_new]
                )
                for o, n in edited:
                    matched[n] = (o, CHANGED)
        script[j] = steps
        # A unit deleted in one place of the section and inserted in another moved.
        used = {o for o, _ in matched.values()}
        for n in news[1:]:
            if n in matched:
                continue
            same = next(
                (o for o in olds[1:] if o not in used and old.units[o].key == new.units[n].key),
                None,
            )
            if same is not None:
                matched[n] = (same, MOVED)
                used.add(same)
    used = {o for o, _ in matched.values()}
    removed = [u.index for u in old.units if u.index not in used]
    return Comparison(matched, sections, removed, script)
