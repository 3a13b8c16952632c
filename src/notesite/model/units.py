"""The author's units of text on a page, the not-a-claim markers, and what attaches to each."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from notesite.model.fences import Addition, indent_of
from notesite.model.parsing import parser
from notesite.model.vocabulary import SETUP

HEADING = "heading"
PROSE = "prose"
CODE = "code"
OTHER = "other"

#: The marker that says a unit of the notes' prose makes no claim, and why.
MARKER = re.compile(r"^\s*<!--\s*not a claim:(?P<reason>.*?)-->\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """A unit of the author's text on a page: lines ``start`` to ``end`` (0-based, exclusive).

    ``kind`` is ``heading``, ``prose`` (a paragraph, or a list item's own paragraph),
    ``code`` (a fenced or indented block) or ``other``; ``level`` the number of list items
    around it; ``text`` its lines, whitespace-normalised into one; ``code`` a code unit's
    code without its fences (None for any other unit); ``words`` its Markdown as read, each
    link as its words, without the list item's marker or a quote's ``>`` (the text of a unit
    without inline Markdown: a code block, a line no token accounts for); ``item`` the marker
    of the list item that opens on its first line (its outermost), as written with the spaces
    after it (``- ``, ``1. ``), empty when no list item opens there.
    """

    kind: str
    start: int
    end: int
    level: int
    text: str
    code: str | None = None
    words: str = ""
    item: str = ""


@dataclass(frozen=True)
class Marker:
    """``<!-- not a claim: reason -->`` under a unit: lines ``start`` to ``end`` (0-based)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Attached:
    """An author unit and the site's additions attached to it: a region of its page.

    Lines ``start`` to ``end`` (0-based, end exclusive). The regions of a page's units are in
    order and never overlap; each runs from its first line to the next region's. The rule of
    attachment, the only one in the project: a box (or a not-a-claim marker) belongs to the
    author's unit above it; a setup box belongs to the snippet below it, with the setup boxes
    right above that one (only blank lines between).
    """

    unit: Unit
    start: int
    end: int
    additions: tuple[Addition, ...]
    markers: tuple[Marker, ...]


def attach(
    units: list[Unit], additions: list[Addition], markers: list[Marker], lines: list[str]
) -> list[Attached]:
    """Each author unit with the additions and markers attached to it (see :class:`Attached`).

    Additions and markers above the first unit belong to no region.
    """
    starts: list[int] = []
    for k, unit in enumerate(units):
        start = unit.start
        floor = units[k - 1].end if k else 0
        for addition in sorted(additions, key=lambda a: a.start, reverse=True):
            if addition.end > start or addition.start < floor:
                continue
            between = lines[addition.end : start]
            if addition.kind == SETUP and all(not line.strip() for line in between):
                start = addition.start
            else:
                break
        starts.append(start)
    regions = []
    for k, unit in enumerate(units):
        start = starts[k]
        end = starts[k + 1] if k + 1 < len(units) else len(lines)
        regions.append(
            Attached(
                unit,
                start,
                end,
                tuple(a for a in additions if start <= a.start < end),
                tuple(m for m in markers if start <= m.start < end),
            )
        )
    return regions


UNIT_KINDS = {
    "heading_open": HEADING,
    "paragraph_open": PROSE,
    "blockquote_open": PROSE,
    "fence": CODE,
    "code_block": CODE,
    "html_block": OTHER,
    "hr": OTHER,
    "table_open": OTHER,
}


def item_marker(token: Token, line: str) -> str:
    """The marker of the list item ``token`` opens on ``line``, with the spaces after it.

    ``- text`` gives ``- ``, ``10)  text`` gives ``10)  ``: the number (``token.info``) and
    the marker (``token.markup``) as the parser read them, then the blanks up to the item's
    text; empty when the line does not open with them (an empty item, ``-`` alone).
    """
    text = line.strip()
    written = token.info + token.markup
    rest = text[len(written) :]
    if not text.startswith(written) or rest[:1] not in (" ", "\t"):
        return ""
    return text[: len(text) - len(rest.lstrip(" \t"))]


def items_of(tokens: Sequence[Token], lines: Sequence[str]) -> dict[int, str]:
    """The lines (0-based) on which a list item opens, each with its marker (:func:`item_marker`).

    Where several open on one line (``- - text``), the outermost; a list item inside a
    blockquote or a box is left out: there the line opens with the quote's ``>`` or is the
    box's, not a unit's of its own.
    """
    found: dict[int, str] = {}
    inside = 0  # blockquotes and boxes around the token
    for token in tokens:
        if token.type in ("blockquote_open", "admonition_open"):
            inside += 1
        elif token.type in ("blockquote_close", "admonition_close"):
            inside -= 1
        elif token.type == "list_item_open" and token.map and not inside:
            marker = item_marker(token, lines[token.map[0]])
            if marker:
                found.setdefault(token.map[0], marker)
    return found


def item_lines(lines: Sequence[str]) -> dict[int, str]:
    """The lines of a piece of Markdown on which a list item opens, read as the page reads them.

    The lines are read as one text, their common indent left out (a list item's paragraph,
    an indented block the page writes as list items); each opening line maps to its item's
    marker (:func:`items_of`).
    """
    text = textwrap.dedent("\n".join(lines))
    return items_of(parser().parse(text + "\n"), text.split("\n"))


def every_line(
    units: list[Unit],
    additions: list[Addition],
    markers: list[Marker],
    lines: list[str],
    body_start: int,
    items: dict[int, str],
) -> list[Unit]:
    """The units, and a unit (``other``) for each run of lines that no token accounts for.

    CommonMark gives no token for a link reference definition (``[guide]: https://…``) or a
    footnote's (``[^1]: …``), yet they are the author's words: each run of such non-blank
    lines is a unit too, so that every line of the body belongs to a unit, a box or a marker.
    ``items`` maps a line (0-based) to the marker of the list item that opens there
    (:func:`item_marker`).
    """
    covered = [False] * len(lines)
    spans = [(u.start, u.end) for u in units] + [(a.start, a.end) for a in additions]
    for start, end in spans + [(m.start, m.end) for m in markers]:
        covered[start:end] = [True] * (end - start)
    found: list[Unit] = []
    line = body_start
    while line < len(lines):
        if covered[line] or not lines[line].strip():
            line += 1
            continue
        end = line
        while end < len(lines) and not covered[end] and lines[end].strip():
            end += 1
        above = [u for u in units if u.start < line]
        level = above[-1].level if above and indent_of(lines[line]) else 0
        words = " ".join(" ".join(lines[line:end]).split())
        found.append(Unit(OTHER, line, end, level, words, words=words, item=items.get(line, "")))
        line = end
    return sorted([*units, *found], key=lambda unit: unit.start) if found else units
