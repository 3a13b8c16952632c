"""Where a new post goes in the nav: under the year, then the month, of its date.

A page carries the navigation of its own post only (``navigation.prune``): every section that
does not hold the page is one link. With the posts grouped by year and month, a page's nav
holds the years, the months of its own year and the posts of its own month, however many
posts the site has; a flat list would put a link to every post on every page. The notes'
index lists every post by date.

``mkdocs.yml`` is edited line by line, so that its comments and layout stay as they are::

    nav:
      - Notes:
          - notes/index.md
          - notes/data-type-conversions.md    # pages of no group stay where they are
          - '2022':
              - 'March':
                  - 'LSTM notes (2022-03-15)': notes/lstm.md
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

import yaml

from notesite.project import CONFIG
from notesite.sync.post import Post, SyncError

#: A nav line that opens a section: ``- title:`` and nothing after the colon.
SECTION = re.compile(r"^(?P<indent>\s*)- (?P<title>.+):\s*$")
#: An item of a list in the nav (``- …``), with its indent.
ITEM = re.compile(r"^(?P<indent>\s*)- ")
#: A nav entry's path to a note page.
NOTE_ENTRY = re.compile(r"^\s*-\s+(?:.+?:\s+)?notes/\S+\.md\s*$")
#: The date a post's nav label ends with: ``Title (2022-03-15)``.
LABEL_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)'?\"?:")
#: A date as a post writes it: ``2022-03-15``, ``2022-03-15 10:00``, ``2022-03-15T10:00``.
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def post_date(post: Post) -> Date | None:
    r"""The post's date: its front matter's, else its file name's (Jekyll); None without one.

    >>> from notesite.sync.post import read_post
    >>> post_date(read_post("## A\n\nx\n", "2022-03-15-lstm.markdown"))
    datetime.date(2022, 3, 15)
    """
    for text in (str(post.meta.get("date") or ""), Path(post.name).name):
        found = DATE.match(text)
        if found is not None:
            try:
                return Date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError:
                continue
    return None


def group_titles(day: Date) -> tuple[str, str]:
    """The titles of the nav sections a post of ``day`` goes in: its year, its month.

    >>> group_titles(Date(2022, 3, 15))
    ('2022', 'March')
    """
    return str(day.year), calendar.month_name[day.month]


@dataclass(frozen=True)
class _Item:
    """An item of a list in the nav: its lines (end exclusive) and, for a section, its title."""

    start: int
    end: int
    title: str | None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _quiet(line: str) -> bool:
    """A blank line or a comment: no item starts or ends on it."""
    return not line.strip() or line.lstrip().startswith("#")


def _items(lines: list[str], start: int, end: int, indent: int) -> list[_Item]:
    """The items of the list at ``indent`` between ``start`` and ``end``."""
    starts = [
        i
        for i in range(start, end)
        if (m := ITEM.match(lines[i])) is not None and len(m["indent"]) == indent
    ]
    items = []
    for k, first in enumerate(starts):
        last = starts[k + 1] if k + 1 < len(starts) else end
        while last > first + 1 and _quiet(lines[last - 1]):  # a comment goes with the next item
            last -= 1
        section = SECTION.match(lines[first].rstrip("\n"))
        title = None
        if section is not None:
            try:
                loaded = yaml.safe_load(section["title"])
            except yaml.YAMLError:
                loaded = None
            title = str(loaded) if isinstance(loaded, str | int) else None
        items.append(_Item(first, last, title))
    return items


def _notes_list(lines: list[str]) -> tuple[int, int, int]:
    """The list of the Notes section in the nav: its first and end line, and its items' indent.

    The list of the nav's section (the Notes tab) that holds the first ``notes/`` entry, or
    the nav's own list: a new post is never nested inside the section of another post, a
    year or a month.

    Raises:
        SyncError: If the nav has no ``notes/`` entry.
    """
    found = [i for i, line in enumerate(lines) if NOTE_ENTRY.match(line.rstrip("\n"))]
    if not found:
        raise SyncError(f"{CONFIG}: expected a nav with the notes' pages (- notes/….md), got none")
    first = found[0]
    parents = _parents(lines, first)
    if parents:  # the first item of the nav's section (the Notes tab) that holds the entry
        first = next(i for i in range(parents[-1] + 1, len(lines)) if not _quiet(lines[i]))
    indent = _indent(lines[first])

    def inside(i: int) -> bool:
        return _quiet(lines[i]) or _indent(lines[i]) >= indent

    start = first
    while start > 0 and inside(start - 1):
        start -= 1
    end = first
    while end < len(lines) and inside(end):
        end += 1
    while end > first + 1 and _quiet(lines[end - 1]):
        end -= 1
    return start, end, indent


def _child_indent(lines: list[str], item: _Item, indent: int) -> int:
    """The indent of a section's items: the one its first item has, else four more."""
    for i in range(item.start + 1, item.end):
        if not _quiet(lines[i]):
            return _indent(lines[i])
    return indent + 4


def _shifted(block: list[str], indent: int) -> list[str]:
    return [" " * indent + line for line in block]


def _label_date(line: str) -> str | None:
    found = LABEL_DATE.search(line)
    return found[1] if found else None


def place_in_notes(config: str, block: list[str], day: Date | None) -> str:
    """mkdocs.yml with a new post's nav ``block`` in the Notes section, under its year and month.

    ``block`` is the post's entry (a post on one page) or section (a post split by its
    sections), its lines indented from 0 and ending in a newline. A dated post goes under
    its year's section, then its month's (made where missing; years and months in date
    order), after the posts of its month of an earlier or the same date; a post without a
    date goes at the end of the Notes section.

    Raises:
        SyncError: If the nav has no ``notes/`` entry.
    """
    lines = config.splitlines(keepends=True)
    start, end, indent = _notes_list(lines)
    if day is None:
        lines[end:end] = _shifted(block, indent)
        return "".join(lines)
    year, month = group_titles(day)
    years = [item for item in _items(lines, start, end, indent) if _is_year(item.title)]
    here = next((item for item in years if item.title == year), None)
    if here is None:
        later = [item for item in years if str(item.title) > year]
        at = later[0].start if later else (years[-1].end if years else end)
        new = [f"- '{year}':\n", f"    - '{month}':\n", *_shifted(block, 8)]
        lines[at:at] = _shifted(new, indent)
        return "".join(lines)
    inner = _child_indent(lines, here, indent)
    months = _items(lines, here.start + 1, here.end, inner)
    number = {name: k for k, name in enumerate(calendar.month_name) if name}
    dated = [item for item in months if item.title in number]
    this = next((item for item in dated if item.title == month), None)
    if this is None:
        later = [item for item in dated if number[str(item.title)] > day.month]
        at = later[0].start if later else (months[-1].end if months else here.end)
        lines[at:at] = _shifted([f"- '{month}':\n", *_shifted(block, 4)], inner)
        return "".join(lines)
    innermost = _child_indent(lines, this, inner)
    posts = _items(lines, this.start + 1, this.end, innermost)
    when = day.isoformat()
    later_posts = [p for p in posts if (_label_date(lines[p.start]) or "") > when]
    at = later_posts[0].start if later_posts else this.end
    lines[at:at] = _shifted(block, innermost)
    return "".join(lines)


def _is_year(title: str | None) -> bool:
    return title is not None and re.fullmatch(r"\d{4}", title) is not None


def _parents(lines: list[str], at: int) -> list[int]:
    """The lines of the sections that hold the nav line ``at``, innermost first."""
    found, indent = [], _indent(lines[at])
    for i in range(at - 1, -1, -1):
        if _quiet(lines[i]) or _indent(lines[i]) >= indent:
            continue
        if SECTION.match(lines[i].rstrip("\n")) is None:
            break
        found.append(i)
        indent = _indent(lines[i])
    return found


def _title(line: str) -> str | None:
    item = _items([line], 0, 1, _indent(line))
    return item[0].title if item else None


def move_to_its_month(config: str, page: str, day: Date | None, was: Date | None) -> str | None:
    """mkdocs.yml with a post whose date changed moved to its new year and month.

    ``page`` is the post's first page (its page, or its index); the post's nav block is its
    entry, or the section of a split post. Only a post that stands under the year and month
    of its former date ``was`` moves; a month or year left empty goes. None: nothing moves.
    """
    if day is None or was is None or group_titles(day) == group_titles(was):
        return None
    lines = config.splitlines(keepends=True)
    entry = next(
        (i for i, line in enumerate(lines) if re.search(rf"(?:^|\s){re.escape(page)}\s*$", line)),
        None,
    )
    if entry is None:
        return None
    parents = _parents(lines, entry)
    titles = [_title(lines[i]) for i in parents]
    year, month = group_titles(was)
    if titles[:2] != [month, year]:  # a split post: its own section holds the entry
        if titles[1:3] != [month, year]:
            return None
        entry, parents = parents[0], parents[1:]
    indent = _indent(lines[entry])
    end = entry + 1
    while end < len(lines) and (_quiet(lines[end]) or _indent(lines[end]) > indent):
        end += 1
    while end > entry + 1 and _quiet(lines[end - 1]):
        end -= 1
    block = [line[indent:] for line in lines[entry:end]]
    del lines[entry:end]
    for section in parents[:2]:  # the month, then the year, where nothing is left in it
        after = lines[section + 1] if section + 1 < len(lines) else ""
        if not after.strip() or _indent(after) <= _indent(lines[section]):
            del lines[section]
    return place_in_notes("".join(lines), block, day)
