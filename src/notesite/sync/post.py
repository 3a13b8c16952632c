"""Reading a post: its front matter, its units (headings, prose, code) and its ``##`` sections."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from notesite.errors import InputError
from notesite.model import (
    CODE,
    HEADING,
    PROSE,
    PageError,
    atx_heading,
    parse_page,
    post_meta,
)
from notesite.model.fences import indent_of, unquoted


class SyncError(InputError):
    """The sync cannot go on; the message names the file and line, and nothing was written."""


@dataclass(frozen=True)
class PostUnit:
    """A unit of a post: its kind, lines (0-based, end exclusive), list level and text.

    ``item`` is the marker of the list item that opens on its first line, as the model read
    it (:attr:`notesite.model.Unit.item`; empty when none does).
    """

    index: int
    kind: str
    start: int
    end: int
    level: int
    text: str
    raw: tuple[str, ...]
    section: int
    item: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """What two units must share to be the same unit."""
        return (self.kind, self.text)

    @property
    def heading_level(self) -> int:
        """The number of ``#`` of an ATX heading (0 for a setext heading or another unit)."""
        if self.kind != HEADING or len(self.raw) != 1:
            return 0
        atx = atx_heading(self.raw[0])
        return atx[0] if atx else 0

    @property
    def heading_text(self) -> str:
        """A heading's words (an ATX heading's without its ``#``, before and after them)."""
        atx = atx_heading(self.raw[0]) if self.heading_level else None
        return atx[1] if atx else self.raw[0].strip()


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
    #: The units before the first ``##`` section: the introduction, on the post's index page.
    intro: list[PostUnit] = field(default_factory=list)
    #: Where the title comes from when the post has none in front matter ("" when it has).
    title_from: str = ""
    #: Read as a whole post (one page): all its units are one section, its introduction too.
    whole: bool = False

    @property
    def sections_start(self) -> int:
        """The line (0-based) of the first ``##`` section."""
        return self.units[0].start

    @property
    def title(self) -> str:
        """The post's title."""
        return str(self.meta["title"])


def read_post(text: str, name: str, *, whole: bool = False) -> Post:
    """Cut a post into its introduction, units and sections.

    Front matter is YAML (``---``) or TOML (``+++``), with any of ``title``, ``subtitle``,
    ``date`` and ``tags``; a post without a title there takes its first ``#`` heading's
    words, else its file name (:attr:`Post.title_from` says which).

    Args:
        text: The post's text.
        name: Its file name, for messages.
        whole: Read it as one page: every unit, the introduction's too, in one section.
            A post without a ``##`` section is read so whatever ``whole`` says.

    Raises:
        SyncError: If it cannot be read as Markdown, or holds no text at all.
    """
    try:
        page = parse_page(text, name, note=False, page=False)
    except PageError as error:
        unreadable = f"{name}: expected a post, got a file that cannot be read: {error}"
        raise SyncError(unreadable) from None
    except yaml.YAMLError as error:
        # The front matter starts on the file's second line, after its ---.
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SyncError(
            f"{name}:{line}: expected a post, got front matter that is not YAML: {problem}"
        ) from None
    for fence in page.fences:
        opening = unquoted(page.lines[fence.start])
        marker = opening[: len(opening) - len(opening.lstrip(opening[0]))]
        closing = unquoted(page.lines[fence.end - 1]) if fence.end - 1 > fence.start else ""
        if not (closing.startswith(marker) and not closing.lstrip(marker[0])):
            raise SyncError(
                f"{name}:{fence.start + 1}: expected the fence opened here to be closed "
                f"({marker} on a line of its own), got none before "
                + (
                    "the end of the post"
                    if fence.end >= len(page.lines)
                    else f"line {fence.end + 1}"
                )
                + "; the site's pages need each fence closed: close it in the post"
            )
    meta, title_from = post_meta(page, name)
    from notesite.sync.guard import check_renderable

    check_renderable(page, meta, name)
    units: list[PostUnit] = []
    intro: list[PostUnit] = []
    sections: list[list[int]] = []
    for unit in page.units:
        raw = tuple(page.lines[unit.start : unit.end])
        if unit.kind == CODE and raw[0].lstrip(" \t").startswith(("```", "~~~")):
            raw = fence_in_spaces(raw)
        if unit.kind == HEADING and unit.end - unit.start == 1 and _level(raw[0]) == 2:
            sections.append([])
        if not sections:
            intro.append(
                PostUnit(
                    len(intro), unit.kind, unit.start, unit.end, unit.level, unit.text, raw, -1,
                    unit.item,
                )
            )  # fmt: skip
            continue
        post_unit = PostUnit(
            len(units), unit.kind, unit.start, unit.end, unit.level, unit.text, raw,
            len(sections) - 1, unit.item,
        )  # fmt: skip
        units.append(post_unit)
        sections[-1].append(post_unit.index)
    if whole or not sections:
        units = [
            PostUnit(k, u.kind, u.start, u.end, u.level, u.text, u.raw, 0, u.item)
            for k, u in enumerate([*intro, *units])
        ]
        if not units:
            raise SyncError(
                f"{name}: expected a post with some text, got none after its front matter"
            )
        return Post(
            name, text, meta, page.lines, page.body_start, units, [list(range(len(units)))],
            [], title_from, whole=True,
        )  # fmt: skip
    return Post(name, text, meta, page.lines, page.body_start, units, sections, intro, title_from)


#: CommonMark's tab stop: a tab in a line's indent takes it to the next multiple of 4 columns.
TAB_STOP = 4


def _without_columns(line: str, columns: int) -> tuple[int, str]:
    """``line`` less up to ``columns`` columns of its indent: (the columns taken, the rest).

    A tab that reaches past ``columns`` leaves its remaining columns as spaces.
    """
    column = 0
    for i, char in enumerate(line):
        if column >= columns or char not in " \t":
            return column, line[i:]
        width = 1 if char == " " else TAB_STOP - column % TAB_STOP
        if column + width > columns:
            return columns, " " * (column + width - columns) + line[i + 1 :]
        column += width
    return column, ""


def fence_in_spaces(raw: Sequence[str]) -> tuple[str, ...]:
    r"""A fenced block's lines with the fence's indent in spaces (as CommonMark counts a tab).

    A post may indent a fence with tabs (``\t```python`` under ``-\tan item``); the site's
    pages indent by spaces. The fence's own indent, on each line, becomes that many spaces;
    what is beyond it (a tab that indents the Python inside) stays as written.
    """
    indent = _without_columns(raw[0], len(raw[0]))[0]
    out = []
    for line in raw:
        taken, rest = _without_columns(line, indent)
        out.append(" " * taken + rest if line.strip() else line)
    return tuple(out)


def section_title(post: Post, section: list[int]) -> str:
    """The title of a section's own page: the words of the ``##`` heading that opens it.

    Raises:
        SyncError: If the heading has none (``##`` alone): a page needs a title.
    """
    opening = post.units[section[0]]
    if not opening.heading_text.strip():
        raise SyncError(
            f"{post.name}:{opening.start + 1}: expected a ## heading with words (the title of "
            f"its section's page, as the post is split by its sections), got {opening.raw[0]!r}"
        )
    return opening.heading_text


def _level(line: str) -> int:
    """The level of the ATX heading on ``line`` (0 if it holds none)."""
    atx = atx_heading(line)
    return atx[0] if atx else 0


def shifted_lines(lines: list[str], by: int, boxes: Collection[int] = ()) -> list[str]:
    """Lines indented ``by`` more (fewer, if negative) spaces; a box moves as one piece.

    Outdenting stops at the margin: a box nearer the margin than ``-by`` goes to the margin
    with its body, which keeps its place inside it. ``boxes`` holds the indexes of the lines
    that open a box (the model's :attr:`notesite.model.Page.additions`).
    """
    if by >= 0:
        return [" " * by + line if line.strip() else line for line in lines]
    out: list[str] = []
    box: tuple[int, int] | None = None  # (the opener's indent, its shift)
    for k, line in enumerate(lines):
        if not line.strip():
            out.append(line)
            continue
        indent = indent_of(line)
        if box is not None and indent <= box[0]:
            box = None
        step = box[1] if box is not None else min(-by, indent)
        if box is None and k in boxes:
            box = (indent, step)
        out.append(line[step:])
    return out


def render_unit(unit: PostUnit, *, section: bool = True) -> list[str]:
    """A new unit's lines as the site writes them (four spaces per list level).

    In a section's page an ATX heading goes a level up (``###`` is ``##``), but a ``#``
    heading stays ``#`` (the page's own ``#`` is the section's ``##``, its first line); in
    the introduction (``section`` False) and for a setext heading, headings are as written.
    A fence's closing line takes its opening line's indent (CommonMark lets it be up to
    three spaces off; the site's Markdown does not).
    """
    raw = list(unit.raw)
    if unit.kind == HEADING:
        return heading_lines(unit, section=section)
    if unit.kind == CODE:
        if not raw[0].lstrip().startswith(("```", "~~~")):
            return raw  # an indented code block, as written
        shifted = shifted_lines(raw, 4 * unit.level - indent_of(raw[0]))
        fence_char = raw[0].strip()[0]
        last = shifted[-1].strip()
        if len(shifted) > 1 and last and set(last) == {fence_char}:
            shifted[-1] = " " * indent_of(shifted[0]) + last
        return shifted
    first = raw[0].strip()
    indent = 4 * (unit.level - 1) if unit.item and unit.level else 4 * unit.level
    inner = indent + len(unit.item)
    return [" " * indent + first] + [" " * inner + line.strip() for line in raw[1:]]


def heading_lines(unit: PostUnit, *, section: bool = True) -> list[str]:
    r"""A heading's lines as the site writes them (see :func:`render_unit`).

    In a section's page an ATX heading of level 2 or more loses one ``#``, and its words
    follow one space (its closing ``#`` stay: ``##\tWords ##`` is ``# Words ##``); a ``#``
    heading, a setext heading and any heading outside a section are as written.
    """
    raw = [line.strip() for line in unit.raw]
    level = unit.heading_level
    if section and level >= 2:
        return [f"{'#' * (level - 1)} {raw[0][level:].strip()}".rstrip()]
    return raw


def tight(before: PostUnit, unit: PostUnit) -> bool:
    """Whether two units follow each other without a blank line: items of a tight list.

    Between any other two units the site puts one blank line (its Markdown needs one
    before a list, a fence or a table that follows a paragraph).
    """
    return (
        before.end == unit.start
        and before.kind == unit.kind == PROSE
        and bool(before.item)
        and bool(unit.item)
    )


def render_units(units: Sequence[PostUnit], *, section: bool = True) -> list[str]:
    """New units' lines, one blank line between two (none inside a tight list)."""
    out: list[str] = []
    for k, unit in enumerate(units):
        if k and not tight(units[k - 1], unit):
            out.append("")
        out += render_unit(unit, section=section)
    return out


def unit_words(unit: PostUnit) -> str:
    """A unit for the report: its text; a code block's first line of code."""
    if unit.kind != CODE or not unit.raw[0].lstrip().startswith(("```", "~~~")):
        return unit.text
    code = [line.strip() for line in unit.raw[1:-1] if line.strip()]
    telling = [c for c in code if not c.startswith(("import ", "from ", "#"))] or code
    return telling[0] + (" …" if len(code) > 1 else "") if code else "(empty block)"
