"""Fences, blocks and the site's additions (admonitions) of a page, read from the tokens."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from notesite.model.ipython import parse_error
from notesite.model.options import FenceOptions, parse_options
from notesite.model.vocabulary import (
    ADMONITION_KINDS,
    CHECK_KIND,
    CPU_LESSON,
    ERRATUM_KIND,
    HELPER,
    NOTE_KIND,
    PYTHON_LANGS,
    SETUP,
    PageError,
)


def code_hash(code: str) -> str:
    """The 12-hex-digit hash that identifies a block by its own code."""
    return hashlib.sha256(code.rstrip("\n").encode("utf-8")).hexdigest()[:12]


def block_keys(codes: Sequence[str]) -> list[str]:
    """Keys of a page's blocks, in order: the code hash, ``#k`` for the k-th repeat."""
    seen: dict[str, int] = {}
    keys = []
    for code in codes:
        digest = code_hash(code)
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(digest if seen[digest] == 1 else f"{digest}#{seen[digest]}")
    return keys


@dataclass(frozen=True)
class Fence:
    """A fenced block of any language: lines ``start`` to ``end`` (0-based, end exclusive)."""

    start: int
    end: int
    indent: int
    info: str
    code: str

    @functools.cached_property
    def options(self) -> FenceOptions:
        """What its info string says (:func:`parse_options`, read once)."""
        return parse_options(self.info)

    @property
    def lang(self) -> str:
        """The fence's language ('' when it has none)."""
        return self.options.lang


@dataclass(frozen=True)
class Block:
    """A Python block that pytest runs.

    ``line`` is the line of its opening fence (1-based), as pytest-markdown-docs names the
    item (``[line:N]``; its code starts on the next line); ``number`` is its place among the
    page's blocks (1-based); ``key`` identifies its recorded output (the hash of its own
    code, ``#k`` for the k-th block of the same code on the page); ``continues`` holds the
    numbers of the blocks it continues from; ``addition`` the kind of the site's addition it
    stands in (None for the author's own block).
    """

    number: int
    line: int
    fence: Fence
    key: str
    continues: tuple[int, ...]
    addition: str | None

    @property
    def code(self) -> str:
        """The block's own code."""
        return self.fence.code

    @property
    def options(self) -> FenceOptions:
        """Its fence's options (``continuation``, ``fixture:cuda``, …)."""
        return self.fence.options

    @property
    def cuda(self) -> bool:
        """Whether it needs a CUDA GPU (runs with the ``cuda`` fixture)."""
        return self.options.cuda

    @property
    def parse_error(self) -> str | None:
        """Why its code does not parse (:func:`parse_error`), or None: it parses."""
        return parse_error(self.code)


@dataclass(frozen=True)
class Addition:
    """An admonition added by the site: lines ``start`` to ``end`` (0-based, end exclusive).

    ``kind`` is its role (:data:`KINDS`; empty for an admonition of another type, allowed
    outside note pages), ``admonition`` its type (``success``, ``example``, …) and
    ``collapsible`` whether it is a ``???`` box, ``marker`` its opening as written (``!!!``,
    ``???`` or ``???+``); ``title`` is empty unless its first line is ``marker type "title"``.
    """

    kind: str
    admonition: str
    title: str
    collapsible: bool
    marker: str
    start: int
    end: int
    indent: int
    body: list[str] = field(repr=False)
    paragraphs: list[tuple[int, int]] = field(repr=False)
    fences: list[Fence] = field(repr=False)


def indent_of(line: str) -> int:
    """The number of spaces that open a line."""
    return len(line) - len(line.lstrip(" "))


def _admonition_kind(tag: str, title: str) -> str:
    if tag == "example":
        return CPU_LESSON if title.startswith("The same lesson") else SETUP
    return {
        "erratum": ERRATUM_KIND,
        "success": CHECK_KIND,
        "info": NOTE_KIND,
        "tip": HELPER,
    }[tag]


def _title(info: str) -> str:
    match = re.match(r'^\s*[\w-]+(?:\s+"(?P<title>.*)")?\s*$', info)
    return (match["title"] or "") if match else ""


def unquoted(line: str) -> str:
    """A line without its blockquote markers (``> > x`` is ``x``), stripped."""
    line = line.strip()
    while line.startswith(">"):
        line = line[1:].strip()
    return line


def unclosed(token: Token, lines: list[str]) -> str:
    """What keeps a fence from being closed as its author meant, or "" when it is.

    CommonMark ends a fence that is never closed at the end of the page (or of its box);
    and a fence whose closing line was lost runs on through the next fence's opening line
    (```` ```python ````, which cannot close it) up to that fence's closing line.
    """
    assert token.map is not None
    start, end = token.map
    marker = token.markup
    for number in range(start + 1, end):
        line = unquoted(lines[number])
        if line.startswith(marker) and line.lstrip(marker[0]) and line.lstrip(marker[0])[0] != " ":
            return f"another fence opening on line {number + 1} inside it"
    last = unquoted(lines[end - 1]) if end - 1 > start else ""
    if last.startswith(marker) and not last.lstrip(marker[0]):
        return ""
    return "the end of the page" if end >= len(lines) else "the end of its box or list item"


def boxed_fences_closed(
    addition: Addition, tokens: list[Token], lines: list[str], src_uri: str
) -> None:
    """Raise if a fence in a box is not closed inside it (two blank lines end a box)."""
    for token in tokens:
        if token.type != "fence" or not token.map:
            continue
        if not addition.start <= token.map[0] < addition.end:
            continue
        if problem := unclosed(token, lines):
            raise PageError(
                f"{src_uri}:{token.map[0] + 1}: expected no two blank lines in a row in a box's "
                f"code, and its fence closed inside the box ({token.markup} on a line of its "
                f"own), got {problem} (inside a box, the site would show two blank lines as "
                "one, and the page would differ from what pytest runs)"
            )


def read_fence(token: Token, lines: list[str]) -> Fence:
    """The fence a ``fence`` token stands for."""
    assert token.map is not None
    start, end = token.map
    return Fence(start, end, indent_of(lines[start]), token.info, token.content)


def read_addition(
    opened: Token, fences: list[Fence], lines: list[str], src_uri: str, tokens: list[Token]
) -> Addition:
    """The site's addition an admonition stands for, with the fences inside it."""
    assert opened.map is not None
    start, end = opened.map
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    indent = indent_of(lines[start])
    tag = str(opened.meta.get("tag", ""))
    title = _title(opened.info)
    kind = _admonition_kind(tag, title) if tag in ADMONITION_KINDS else ""
    body = [ln[indent + 4 :] if ln.strip() else "" for ln in lines[start + 1 : end]]
    # The paragraphs directly in the box (not in a nested box), as (first, last) lines.
    paragraphs = []
    level = opened.level
    index = tokens.index(opened)
    for token in tokens[index + 1 :]:
        if token.type == "admonition_close" and token.level == level:
            break
        if token.type == "paragraph_open" and token.map and token.level == level + 1:
            paragraphs.append((token.map[0], token.map[1] - 1))
    collapsible = opened.markup.startswith("?")
    return Addition(
        kind, tag, title, collapsible, opened.markup, start, end, indent, body, paragraphs, fences
    )


def blocks_of(fences: list[Fence], additions: list[Addition]) -> list[Block]:
    """The Python blocks pytest runs among the fences, each with its continuation chain.

    A block that does not parse (:func:`parse_error`) is in no chain: Python runs none of
    its code, so a block that continues past it runs after the blocks before it, as a
    notebook's "Run all" goes on past a cell that raises.
    """
    python = [f for f in fences if f.options.lang in PYTHON_LANGS and not f.options.notest]
    blocks: list[Block] = []
    chain: list[int] = []
    for fence, key in zip(python, block_keys([f.code for f in python]), strict=True):
        number = len(blocks) + 1
        if not fence.options.continuation:
            chain = []
        holder = next((a for a in additions if a.start <= fence.start < a.end), None)
        blocks.append(
            Block(
                number,
                fence.start + 1,
                fence,
                key,
                tuple(chain),
                holder.kind if holder else None,
            )
        )
        if parse_error(fence.code) is None:
            chain = [*chain, number]
    return blocks
