"""Comparing two versions of a post: an edit script per section, as difflib's opcodes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from notesite.model import (
    HEADING,
)
from notesite.sync.post import Post

SIMILAR = 0.6


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

