"""The parser: markdown-it with the admonition and content-tab plugins, and a page's text."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import image as _image
from markdown_it.rules_inline import link as _link
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from notesite.model.ipython import notebook_only
from notesite.model.options import fence_options
from notesite.model.vocabulary import DOCTEST_LANGS, NOTEBOOK_LANGS, PYTHON_LANGS, PageError

BOM = "\ufeff"


def read_markdown(path: Path, name: str) -> str:
    """The text of a Markdown file (a page, a post), a UTF-8 byte-order mark left out.

    Args:
        path: The file.
        name: How messages name it.

    Raises:
        PageError: If it is not UTF-8, naming the line and column of the first bad byte.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise PageError(
            f"{name}:{line}: expected UTF-8 text, got the byte 0x{data[error.start]:02x} "
            f"(column {column}); save the file as UTF-8"
        ) from None


# --- the parser ---------------------------------------------------------------------------


def _tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A content tab of ``pymdownx.tabbed`` (``=== "Title"``, body indented by four)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[start : state.eMarks[start_line]]
    match = re.match(r'^===[+!]{0,2} +"(?P<title>[^"]*)"\s*$', line)
    if not match:
        return False
    if silent:
        return True
    old = (state.parentType, state.lineMax, state.blkIndent)
    state.parentType = "tab"
    indent = state.sCount[start_line] + 4
    next_line = start_line + 1
    while next_line < end_line:
        empty = state.isEmpty(next_line)
        if not empty and state.sCount[next_line] < indent:
            break
        next_line += 1
    state.lineMax = next_line
    state.blkIndent = indent
    token = state.push("tab_open", "div", 1)
    token.block, token.map, token.info = True, [start_line, next_line], match["title"]
    state.md.block.tokenize(state, start_line + 1, next_line)
    token = state.push("tab_close", "div", -1)
    token.block = True
    state.parentType, state.lineMax, state.blkIndent = old
    state.line = next_line
    return True


def _opens_at_a_prompt(code: str) -> bool:
    """Whether code is a console session: its first line of code is at a prompt (``>>>``).

    Comment lines before it are the session's words (doctest reads them so).
    """
    for line in code.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.startswith(">>>")
    return False


def _sessions(state: StateCore) -> None:
    """A Python fence that is not Python for pytest gets the language it is written in.

    Its code starts at a prompt (``>>>``): a console session (``pycon``), which pytest runs as
    a doctest (:attr:`Page.doctests`). It holds a notebook magic or shell command
    (:func:`notebook_only`): IPython's (``ipython``), which runs in the page's notebook only.
    pytest-markdown-docs, reading the same tokens, leaves both to the site's own items.
    """
    for token in state.tokens:
        if token.type != "fence":
            continue
        options = fence_options(token.info)
        if not options or options[0].lower() not in PYTHON_LANGS:
            continue
        if options[0] not in PYTHON_LANGS:  # ```Python: the language, whatever its case
            language = rf"(^|\.){re.escape(options[0])}(?=\s|$|}})"
            token.info = re.sub(language, rf"\g<1>{options[0].lower()}", token.info, count=1)
            options = fence_options(token.info)
        if _opens_at_a_prompt(token.content):
            lang = DOCTEST_LANGS[0]
        elif notebook_only(token.content) is not None:
            lang = NOTEBOOK_LANGS[0]
        else:
            continue
        language = rf"(^|\.){re.escape(options[0])}(?=\s|$|}})"
        token.info = re.sub(language, rf"\g<1>{lang}", token.info.strip(), count=1)


#: Highlight tags of blog engines, as a post may write a code block: Jekyll's Liquid
#: (``{% highlight python %}`` … ``{% endhighlight %}``) and Hugo's shortcode
#: (``{{< highlight python "linenos=table" >}}`` … ``{{< /highlight >}}``).
HIGHLIGHT_OPEN = re.compile(
    r"^(?P<indent>\s*)(?:\{%-?\s*highlight\s+(?P<liquid>[\w+-]+)[^%]*-?%\}"
    r"|\{\{[<%]\s*highlight\s+(?P<hugo>[\w+-]+)[^}]*[>%]\}\})\s*$"
)
HIGHLIGHT_CLOSE = re.compile(
    r"^(?P<indent>\s*)(?:\{%-?\s*endhighlight\s*-?%\}|\{\{[<%]\s*/\s*highlight\s*[>%]\}\})\s*$"
)


def highlight_as_fence(line: str) -> str | None:
    """The fence line that stands for a blog engine's highlight tag (None for another line).

    ``{% highlight python linenos %}`` is ```` ```python ````; its closing tag is ```` ``` ````.
    The site writes such a block as a fence, and the fidelity gate reads the two as the same
    words, line for line.
    """
    if opening := HIGHLIGHT_OPEN.match(line):
        return f"{opening['indent']}```{opening['liquid'] or opening['hugo']}"
    if closing := HIGHLIGHT_CLOSE.match(line):
        return f"{closing['indent']}```"
    return None


def as_fences(lines: Sequence[str]) -> list[str]:
    """A post's lines with each highlight tag (:func:`highlight_as_fence`) read as a fence."""
    return [highlight_as_fence(line) or line for line in lines]


class PageParser(MarkdownIt):
    """CommonMark with admonitions, content tabs and front matter; remembers its last pages.

    pytest-markdown-docs and the model ask it for the tokens of the same page text: the text
    is parsed once.
    """

    def __init__(self) -> None:
        """Set up the parser with its plugins."""
        super().__init__("commonmark")
        self.use(admon_plugin).use(front_matter_plugin)
        self.core.ruler.push("console_session", _sessions)
        self.inline.ruler.at("link", _with_words(_link, "["))
        self.inline.ruler.at("image", _with_words(_image, "!["))
        self.block.ruler.before(
            "fence", "tab", _tab, {"alt": ["paragraph", "reference", "blockquote", "list"]}
        )
        self._cache: dict[str, list[Token]] = {}

    def parse(self, src: str, env: Any = None) -> list[Token]:
        """The tokens of ``src`` (parsed once per text; a byte-order mark left out)."""
        src = src.removeprefix(BOM)
        if env is not None:
            return super().parse(src, env)
        key = hashlib.sha256(src.encode("utf-8")).hexdigest()
        if key not in self._cache:
            if len(self._cache) > 512:
                self._cache.clear()
            self._cache[key] = super().parse(src)
        return self._cache[key]


def link_definitions(text: str) -> dict[str, tuple[str, str | None]]:
    r"""The link reference definitions of a text (``[label]: address "title"``), by label.

    Labels in lower case, as Python-Markdown keys them; the address as CommonMark reads it. A
    footnote's definition (``[^1]: …``) is none.

    >>> link_definitions('See [a].\n\n[A]: https://x.org "The X"\n')
    {'a': ('https://x.org', 'The X')}
    """
    env: dict[str, Any] = {}
    parser().parse(text.removeprefix(BOM), env)
    return {
        label.lower(): (str(found["href"]), found.get("title") or None)
        for label, found in env.get("references", {}).items()
        if not label.startswith("^")
    }


@functools.cache
def _with_footnotes() -> MarkdownIt:
    """CommonMark with footnotes (``[^1]``), as the site's Markdown reads them."""
    return MarkdownIt("commonmark").use(footnote_plugin)


def footnotes(text: str) -> tuple[dict[str, list[str]], list[str]]:
    r"""A text's footnote definitions (each label's lines, as written) and the labels it cites.

    A citation (``[^1]``) counts only where the text defines its label, as CommonMark with
    footnotes reads it; a definition's lines run from its ``[^1]:`` to its last line.

    >>> footnotes("A[^a] b[^c].\n\n[^a]: The note,\n    continued.\n")
    ({'a': ['[^a]: The note,', '    continued.']}, ['a'])
    """
    env: dict[str, Any] = {}
    tokens = _with_footnotes().parse(text.removeprefix(BOM), env)
    lines = text.removeprefix(BOM).splitlines()
    found: dict[str, list[str]] = {}
    cited: list[str] = []
    label = None
    spans: list[int] = []
    for token in tokens:
        if token.type == "footnote_open":
            label, spans = str(token.meta["label"]), []
        elif token.type == "footnote_close" and label is not None:
            if spans:
                block = lines[min(spans) : max(spans)]
                while block and not block[-1].strip():
                    block.pop()
                found[label] = block
            label = None
        elif label is not None and token.map:
            spans += token.map
        for child in token.children or []:
            if child.type == "footnote_ref" and label is None:
                cited.append(str(child.meta["label"]))
    return found, cited


def atx_heading(line: str) -> tuple[int, str] | None:
    r"""A line's ATX heading (``## Words``): its level and words as Markdown (None: not one).

    As CommonMark reads it: a tab may follow the ``#`` (``##\tWords``), a closing sequence
    of ``#`` is not words (``## Words ##``), and an empty heading (``##``) has none. A setext
    heading (``Words`` over ``---``) is two lines, never one.

    >>> atx_heading("##\tWords ##"), atx_heading("   #"), atx_heading("#hashtag")
    ((2, 'Words'), (1, ''), None)
    """
    tokens = parser().parse(line.removeprefix(BOM).rstrip("\r\n") + "\n")
    if len(tokens) < 2 or tokens[0].type != "heading_open" or not tokens[0].markup.startswith("#"):
        return None
    return int(tokens[0].tag[1]), tokens[1].content


#: A link's (or image's) ``meta``: where it is in its inline token's content, where its words.
LINK_SPAN = "notesite_span"
LINK_WORDS = "notesite_words"


def _with_words(
    rule: Callable[[StateInline, bool], bool], opening: str
) -> Callable[[StateInline, bool], bool]:
    """CommonMark's link (or image) rule, which also says where it and its words are.

    The ``link_open`` (``image``) token's ``meta`` holds the span of the link
    (:data:`LINK_SPAN`) and of its words (:data:`LINK_WORDS`, an image's alternative text),
    as (start, end) in the inline token's content: so the model reads a text's links as
    words (:func:`words_of`) without reading its Markdown again.
    """
    kind = "image" if opening == "![" else "link_open"

    def read(state: StateInline, silent: bool) -> bool:
        start, first = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            end = state.pos
            label = start + len(opening) - 1
            label_end = state.md.helpers.parseLinkLabel(state, label, True)
            state.pos = end
            # The text before it is a token of its own, pushed first.
            token = next(t for t in state.tokens[first:] if t.type == kind)
            token.meta[LINK_SPAN] = (start, end)
            token.meta[LINK_WORDS] = (label + 1, label_end)
        return True

    return read


def words_of(inline: Token) -> str:
    """An inline token's Markdown with each link (image) as its words, whitespace-normalised.

    ``[the guide](https://x.org) says *so*`` reads ``the guide says *so*``: the words as
    written (their emphasis, code and escapes kept), the link's address and brackets not;
    an image reads as its alternative text.
    """
    text = inline.content
    spans = sorted(
        (child.meta[LINK_SPAN], child.meta[LINK_WORDS])
        for child in inline.children or []
        if LINK_SPAN in child.meta
    )

    def part(low: int, high: int) -> str:
        out, at = [], low
        for (start, end), (first, last) in spans:
            if at <= start and end <= high:  # not one inside a link already read
                out += [text[at:start], part(first, last)]
                at = end
        return "".join([*out, text[at:high]])

    return " ".join(part(0, len(text)).split())


def link_addresses(text: str) -> list[str]:
    """Every address CommonMark links to in ``text``: inline, by reference and autolinks.

    Links and images alike, as the parser read them (entities read, then percent-encoded).
    """
    found: list[str] = []
    for token in _commonmark().parse(text):
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                found.append(str(child.attrs.get("href" if child.type == "link_open" else "src")))
    return found


@functools.cache
def parser() -> PageParser:
    """The one parser of the site's Markdown (shared with pytest-markdown-docs)."""
    return PageParser()


class _CommonMark(MarkdownIt):
    """Plain CommonMark, as a notebook shows a Markdown cell, reading every link's address.

    markdown-it leaves a link to a ``javascript:`` address as text; this one reads it as a
    link, so that :func:`inline_links` sees the addresses a less careful renderer follows.
    """

    def __init__(self) -> None:
        """Set up CommonMark with the model's link and image rules (:data:`LINK_SPAN`)."""
        super().__init__("commonmark")
        self.inline.ruler.at("link", _with_words(_link, "["))
        self.inline.ruler.at("image", _with_words(_image, "!["))

    def validateLink(self, url: str) -> bool:
        """Every address is read (see the class)."""
        return True


@functools.cache
def _commonmark() -> _CommonMark:
    return _CommonMark()


@dataclass(frozen=True)
class InlineLink:
    """A link (or image) written inline in a text: ``[words](address)``.

    ``bracket`` is the offset in the text of the ``]`` that opens its address with ``(``
    (-1 when the parser's tokens do not say where it is); ``href`` its address as the parser
    read it (entities read, then percent-encoded).
    """

    bracket: int
    href: str


def _column(content: str, line: str) -> int | None:
    """Where a line of an inline token's content stands in its source line (None: unknown).

    The parser's content is the source line without what opens it (indent, a list item's
    marker, a quote's ``>``) and, on the block's last line, the blanks that end it; a
    heading's closing ``#`` and a box's quoted title are found where the line holds them once.
    """
    if line.endswith(content):
        return len(line) - len(content)
    if line.rstrip().endswith(content):
        return len(line.rstrip()) - len(content)
    if content and line.count(content) == 1:
        return line.find(content)
    return None


def inline_links(text: str) -> list[InlineLink]:
    """The links and images that CommonMark reads in ``text`` written inline (``](…)``).

    A link by reference (``[words][label]``) is not one: its address stands elsewhere.
    """
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    lines = text.split("\n")
    found: list[InlineLink] = []
    for token in _commonmark().parse(text):
        if token.type != "inline" or not token.map:
            continue
        content = token.content
        for child in token.children or []:
            if LINK_SPAN not in child.meta:
                continue
            bracket = child.meta[LINK_WORDS][1]
            if content[bracket : bracket + 2] != "](":
                continue
            href = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
            row = content.count("\n", 0, bracket)
            first = content.rfind("\n", 0, bracket) + 1
            at = token.map[0] + row
            column = _column(content[first:].split("\n")[0], lines[at]) if at < len(lines) else None
            offset = -1 if column is None else starts[at] + column + bracket - first
            if offset >= 0 and text[offset : offset + 2] != "](":
                offset = -1
            found.append(InlineLink(offset, href))
    return found
