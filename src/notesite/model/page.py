"""The page: :class:`Page` and :func:`parse_page`, which builds it from the parser's tokens."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it.token import Token

from notesite.model.boxes import Erratum, read_erratum
from notesite.model.claims import Claim, claims_of
from notesite.model.fences import (
    Addition,
    Block,
    Fence,
    blocks_of,
    boxed_fences_closed,
    read_addition,
    read_fence,
    unclosed,
)
from notesite.model.nav import is_note_page
from notesite.model.parsing import BOM, as_fences, parser, words_of
from notesite.model.units import (
    CODE,
    MARKER,
    UNIT_KINDS,
    Attached,
    Marker,
    Unit,
    attach,
    every_line,
    items_of,
)
from notesite.model.vocabulary import (
    ADMONITION_KINDS,
    DOCTEST_LANGS,
    ERRATUM_KIND,
    INTRO_MARKER,
    NOTEBOOK_LANGS,
    PAGES_MARKER,
    POST_MARKER,
    PageError,
)


@dataclass
class Page:
    """One Markdown page of the site, parsed.

    Line numbers are 0-based indexes into :attr:`lines` unless a field says 1-based.
    """

    src_uri: str
    text: str
    meta: dict[str, Any]
    body_start: int
    lines: list[str]
    title: str
    headings: list[tuple[int, int]]  # (start, level)
    fences: list[Fence]
    blocks: list[Block]
    additions: list[Addition]
    errata: list[Erratum]
    claims: list[Claim]
    units: list[Unit] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    attached: list[Attached] = field(default_factory=list)

    def region(self, line: int) -> Attached | None:
        """The region (author unit and its additions) that holds ``line`` (0-based), if any."""
        for region in self.attached:
            if region.start <= line < region.end:
                return region
        return None

    @property
    def doctests(self) -> list[Fence]:
        """The console sessions (```` ```pycon ````) of the page, run as doctests."""
        return [f for f in self.fences if f.lang in DOCTEST_LANGS and not f.options.notest]

    @property
    def notebook_only(self) -> list[Fence]:
        """The blocks that only IPython runs (:func:`notebook_only`): the notebook runs them."""
        return [fence for fence in self.fences if fence.lang in NOTEBOOK_LANGS]

    @property
    def author_span(self) -> tuple[int, int]:
        """The lines (0-based, end exclusive) that hold the author's words.

        A note page's body; on a post's index page, its introduction (the text before the
        post's first ``##`` section) between :data:`INTRO_MARKER` and the list of its pages;
        none on another page.
        """
        if self.is_note:
            post = self.post_marker
            return (post + 1 if post is not None else self.body_start), len(self.lines)
        marks = [k for k, line in enumerate(self.lines) if line.strip() == INTRO_MARKER]
        if not marks or not self.src_uri.endswith("index.md"):
            return 0, 0
        ends = [k for k, line in enumerate(self.lines) if line.strip() == PAGES_MARKER]
        end = next((k for k in ends if k > marks[0]), len(self.lines))
        return marks[0] + 1, end

    @property
    def post_marker(self) -> int | None:
        """On a whole post's page, the line (0-based) of :data:`POST_MARKER`; else None."""
        if not self.is_note:
            return None
        for k in range(self.body_start, len(self.lines)):
            line = self.lines[k].strip()
            if line == POST_MARKER:
                return k
            if line and not line.startswith("#"):
                return None  # the marker stands under the site's title, before the post
        return None

    @property
    def whole_post(self) -> bool:
        """Whether the page holds a whole post (:data:`POST_MARKER`), not one ``##`` section."""
        return self.post_marker is not None

    @property
    def is_note(self) -> bool:
        """Whether this is a page of the notes (``notes/…``, the index excluded)."""
        return is_note_page(self.src_uri)


def _said(tokens: list[Token], i: int) -> str:
    """The words of the block that opens at ``tokens[i]``: its inline tokens' (``words_of``)."""
    opened, said = tokens[i], []
    for token in tokens[i + 1 :]:
        if token.level == opened.level and token.nesting == -1:
            break
        if token.type == "inline":
            said.append(words_of(token))
    return " ".join(words for words in said if words)


def parse_page(text: str, src_uri: str, *, note: bool | None = None, page: bool = True) -> Page:
    """Parse a page of the site into its model.

    Args:
        text: The page's text, front matter included.
        src_uri: The page's path under the docs folder (``notes/misc.md``), for messages.
        note: Whether the page is a note page (default: from ``src_uri``), whose
            admonitions must all be additions of the site.
        page: Whether it is a page of the site, whose fences must all be closed (False for
            a post, which the author may write as CommonMark allows).

    Returns:
        The page.

    Raises:
        PageError: If the front matter is not a mapping, a fence's option is unknown or
            malformed (:func:`notesite.model.parse_options`), an admonition is of an unknown
            kind, or a check, precise note or erratum breaks the conventions (the message
            names the page and line).
    """
    text = text.removeprefix(BOM)
    lines = text.splitlines()
    source = text
    if not page and (converted := as_fences(lines)) != lines:
        lines, source = converted, "\n".join(converted) + "\n"  # a post's highlight tags
    meta: dict[str, Any] = {}
    body_start = 0
    toml = _toml_front_matter(lines, src_uri)
    if toml is not None:  # Hugo's +++ front matter: read here, blank for the parser
        meta, body_start = toml
        tokens = parser().parse("\n" * body_start + "\n".join(lines[body_start:]))
    else:
        tokens = parser().parse(source)
    fences: list[Fence] = []
    headings: list[tuple[int, int]] = []
    additions: list[Addition] = []
    open_additions: list[tuple[Token, int]] = []  # admonition_open, depth
    depth = 0
    items = 0  # list items around the token
    units: list[Unit] = []
    markers: list[Marker] = []
    title = ""
    quoted = 0  # blockquotes around the token: a blockquote is one unit, whole
    item_lines = items_of(tokens, lines)
    for i, token in enumerate(tokens):
        if token.type == "blockquote_close":
            quoted -= 1
        if depth == 0 and token.map and not quoted:
            unit_kind = UNIT_KINDS.get(token.type)
            if token.type == "html_block" and (marker := MARKER.match(token.content.strip())):
                markers.append(Marker(token.map[0], token.map[1], marker["reason"].strip()))
            elif unit_kind is not None:
                start, end = token.map
                while end > start + 1 and not lines[end - 1].strip():
                    end -= 1
                words = " ".join(" ".join(lines[start:end]).split())
                code = token.content if unit_kind == CODE else None
                said = _said(tokens, i) if token.nesting == 1 else words
                item = item_lines.get(start, "")
                units.append(Unit(unit_kind, start, end, items, words, code, said, item))
        if token.type == "blockquote_open":
            quoted += 1
        if token.type == "list_item_open" and depth == 0:
            items += 1
        elif token.type == "list_item_close" and depth == 0:
            items -= 1
        if token.type == "front_matter" and token.map:
            loaded = _yaml_front_matter(token.content, src_uri) or {}
            if not isinstance(loaded, dict):
                raise PageError(
                    f"{src_uri}:1: expected the front matter to be a mapping, got {loaded!r}"
                )
            meta, body_start = loaded, token.map[1]
        elif token.type == "fence" and token.map:
            fences.append(read_fence(token, lines))
            if problems := fences[-1].options.problems:
                raise PageError(f"{src_uri}:{token.map[0] + 1}: {problems[0]}")
            if page and depth == 0 and (problem := unclosed(token, lines)):
                raise PageError(
                    f"{src_uri}:{token.map[0] + 1}: expected the fence opened here to be closed "
                    f"({token.markup} on a line of its own), got {problem}"
                )
        elif token.type == "heading_open" and token.map and depth == 0:
            headings.append((token.map[0], int(token.tag[1])))
            if token.tag == "h1" and not title:
                title = tokens[i + 1].content
        elif token.type == "admonition_open":
            if depth == 0:
                open_additions.append((token, len(fences)))
            depth += 1
        elif token.type == "admonition_close":
            depth -= 1
            if depth == 0:
                opened, first_fence = open_additions.pop()
                additions.append(
                    read_addition(opened, fences[first_fence:], lines, src_uri, tokens)
                )
                if page:
                    boxed_fences_closed(additions[-1], tokens, lines, src_uri)
    units = every_line(units, additions, markers, lines, body_start, item_lines)
    is_note = note if note is not None else is_note_page(src_uri)
    if is_note:
        for addition in additions:
            if not addition.kind:
                raise PageError(
                    f"{src_uri}:{addition.start + 1}: expected an admonition of one of the kinds "
                    f"{sorted(ADMONITION_KINDS)} (the site's additions), got "
                    f"{addition.admonition!r}"
                )
    blocks = blocks_of(fences, additions)
    attached = attach(units, additions, markers, lines)
    errata = [
        read_erratum(a, src_uri, lines) for a in additions if a.kind == ERRATUM_KIND and is_note
    ]
    claims = claims_of(additions, errata, attached, markers, lines, src_uri) if is_note else []
    return Page(
        src_uri,
        text,
        meta,
        body_start,
        lines,
        title or src_uri,
        headings,
        fences,
        blocks,
        additions,
        errata,
        claims,
        units,
        markers,
        attached,
    )


#: The most values a page's front matter may hold, each repeat of an alias counted.
FRONT_MATTER_VALUES = 10_000
#: The deepest its lists and mappings may nest.
FRONT_MATTER_DEPTH = 16


def _too_big(root: yaml.Node) -> str:
    """What makes a composed front matter too big to build ("" if nothing): depth or size.

    Aliases are walked each time they are used, as building the data repeats them, so a
    "billion laughs" (an anchor used nine times in one used nine times in ...) is counted
    as what it expands to; the walk stops at the first bound it passes.
    """
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > FRONT_MATTER_VALUES:
            return f"more than {FRONT_MATTER_VALUES} values (its aliases repeated)"
        if depth > FRONT_MATTER_DEPTH:
            return f"lists or mappings nested more than {FRONT_MATTER_DEPTH} deep"
        if isinstance(node, yaml.SequenceNode):
            stack += [(item, depth + 1) for item in node.value]
        elif isinstance(node, yaml.MappingNode):
            stack += [(part, depth + 1) for pair in node.value for part in pair]
    return ""


def _yaml_front_matter(content: str, src_uri: str) -> Any:
    """A page's YAML front matter as data, bounded, every failure a :class:`PageError`.

    A value YAML parses but cannot build (``date: 2022-13-45``, ``!!timestamp x``, an
    integer of 5,000 digits) names its line; so does front matter nested too deep or
    holding too many values (:data:`FRONT_MATTER_VALUES`: aliases that expand to a billion).
    Text that is not YAML at all raises :class:`yaml.YAMLError`, with its mark.

    Raises:
        PageError: If the front matter is too big, or holds a value YAML cannot build.
        yaml.YAMLError: If it is not YAML.
    """
    loader = yaml.SafeLoader(content)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            node = None
            problem, line = f"lists or mappings nested more than {FRONT_MATTER_DEPTH} deep", 0
        else:
            if node is None:
                return None
            problem, line = _too_big(node), node.start_mark.line
        if problem:
            raise PageError(f"{src_uri}:{line + 2}: expected front matter of a post, got {problem}")
        assert node is not None
        try:
            return loader.construct_document(node)
        except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as error:
            bad = _unbuildable(node) or node
            value = bad.value if isinstance(bad, yaml.ScalarNode) else bad.tag
            raise PageError(
                f"{src_uri}:{bad.start_mark.line + 2}: expected front matter values that YAML "
                f"can build, got {str(value)[:80]!r} ({type(error).__name__}: "
                f"{str(error)[:200]})"
            ) from None
    finally:
        loader.dispose()


def _unbuildable(node: yaml.Node) -> yaml.Node | None:
    """The first scalar under ``node`` (depth first) that YAML cannot build alone, if any."""
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.SafeLoader("").construct_object(node, deep=True)
        except Exception:  # any failure of a constructor names this value
            return node
        return None
    parts: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        parts = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        parts = [part for pair in node.value for part in pair]
    for part in parts:
        if (found := _unbuildable(part)) is not None:
            return found
    return None


def _toml_front_matter(lines: list[str], src_uri: str) -> tuple[dict[str, Any], int] | None:
    """TOML front matter between ``+++`` lines (as Hugo writes it): its data and body start.

    Raises:
        PageError: If it is not closed, or not TOML, or this Python has no TOML reader.
    """
    if not lines or lines[0].strip() != "+++":
        return None
    end = next((k for k in range(1, len(lines)) if lines[k].strip() == "+++"), None)
    if end is None:
        raise PageError(f"{src_uri}:1: expected the TOML front matter closed by +++, got none")
    if sys.version_info < (3, 11):  # pragma: no cover - tomllib came with 3.11
        raise PageError(f"{src_uri}:1: expected YAML front matter: TOML needs Python 3.11")
    else:
        import tomllib

        try:
            loaded = tomllib.loads("\n".join(lines[1:end]))
        except tomllib.TOMLDecodeError as error:
            # "… (at line 2, column 7)": a line of the front matter, which starts on line 2.
            where = re.search(r"\(at line (\d+), column (\d+)\)$", str(error))
            line, problem = 1, str(error)
            if where:
                line = int(where[1]) + 1
                problem = f"{problem[: where.start()].rstrip()} (column {where[2]})"
            elif problem.endswith("(at end of document)"):
                line = end  # the front matter's last line
                problem = problem.removesuffix("(at end of document)") + "at its end"
            raise PageError(
                f"{src_uri}:{line}: expected TOML front matter, got {problem}"
            ) from None
        return loaded, end + 1
