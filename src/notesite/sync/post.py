"""Reading a post: its front matter, its units (headings, prose, code) and its ``##`` sections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from notesite.model import (
    CODE,
    HEADING,
    PageError,
    parse_page,
)

LIST_MARKER = re.compile(r"^(?:[-*+]|\d+[.)])\s+")


class SyncError(ValueError):
    """The sync cannot go on; the message names the file and line, and nothing was written."""


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
        page = parse_page(text, name, note=False, page=False)
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


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


BOX_OPENER = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s")


def _shift(lines: list[str], by: int) -> list[str]:
    """Lines indented ``by`` more (fewer, if negative) spaces; a box moves as one piece.

    Outdenting stops at the margin: a box (``!!!``/``???``) nearer the margin than ``-by``
    goes to the margin with its body, which keeps its place inside it.
    """
    if by >= 0:
        return [" " * by + line if line.strip() else line for line in lines]
    out: list[str] = []
    box: tuple[int, int] | None = None  # (the opener's indent, its shift)
    for line in lines:
        if not line.strip():
            out.append(line)
            continue
        indent = _indent(line)
        if box is not None and indent <= box[0]:
            box = None
        step = box[1] if box is not None else min(-by, indent)
        if box is None and BOX_OPENER.match(line):
            box = (indent, step)
        out.append(line[step:])
    return out


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


def _words(unit: PostUnit) -> str:
    """A unit for the report: its text; a code block's first line of code."""
    if unit.kind != CODE or not unit.raw[0].lstrip().startswith(("```", "~~~")):
        return unit.text
    code = [line.strip() for line in unit.raw[1:-1] if line.strip()]
    telling = [c for c in code if not c.startswith(("import ", "from ", "#"))] or code
    return telling[0] + (" …" if len(code) > 1 else "") if code else "(empty block)"
