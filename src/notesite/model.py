"""The page model: each Markdown page of the site, parsed once.

A page is parsed with :func:`parser`, the markdown-it parser that pytest-markdown-docs also
uses to collect the page's Python blocks (the plugin hands it over through the
``pytest_markdown_docs_markdown_it`` hook), with the admonition (``!!!``/``???``) and content
tab (``===``) plugins, so a fence inside a box is seen by both. :func:`parse_page` turns the
tokens into a :class:`Page`:

* its **blocks**: every fence, and among them the Python blocks pytest runs, with their line,
  options, own code, continuation chain and whether they need CUDA;
* the **site's additions**: each admonition is one, of a kind (:data:`KINDS`); nothing else on
  a note page is the site's;
* the **claims** of a note page: each check (``Checked: …``), with its precise notes
  (``Precisely: …``), and each erratum.

Every gate, page and count reads this model; no other code scans the Markdown for fences.

One convention for lines: a span (``start``, ``end``) is 0-based and half-open, an index into
:attr:`Page.lines`; a field named ``line`` or ``…_line`` is 1-based, as an editor, pytest and
the error messages show it.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from notesite.errors import InputError

#: On a post's index page: the post's introduction follows this line (see Page.author_span).
INTRO_MARKER = "<!-- ptnotes:intro -->"
#: On an index page: the list of the post's pages (or of the posts) goes here.
PAGES_MARKER = "<!-- ptnotes:pages -->"
#: On the page of a whole post (a post on one page): the post, as written, follows this line
#: (the site's ``#`` title above it); its ``##`` sections are headings of the page.
POST_MARKER = "<!-- ptnotes:post -->"

#: The admonition kinds that mark the site's additions: kind -> (role, what it is for).
ADMONITION_KINDS: dict[str, str] = {
    "example": "setup for the next snippet, or the same lesson on CPU",
    "erratum": "a correction of the notes, quoting the original",
    "tip": "a pointer to the ptnotes helper of the lesson",
    "success": "an executed check of a claim of the notes",
    "info": "a precise note beside a check",
}

SETUP = "setup"
CPU_LESSON = "cpu lesson"
ERRATUM_KIND = "erratum"
CHECK_KIND = "check"
NOTE_KIND = "precise note"
HELPER = "helper pointer"
#: The roles of the site's additions, as the model names them.
KINDS = (SETUP, CPU_LESSON, ERRATUM_KIND, CHECK_KIND, NOTE_KIND, HELPER)

CPU_PREFIX = "Checked:"
CUDA_PREFIX = "Checked on CUDA:"
NOTE_PREFIX = "Precisely:"
#: The fence option that runs a block with the ``cuda`` fixture (skipped without a GPU).
CUDA_OPTION = "fixture:cuda"
PYTHON_LANGS = ("py", "python", "python3")
#: The languages of a console session (``>>>`` prompts), run as a doctest.
DOCTEST_LANGS = ("pycon",)
#: The languages of blocks that run in a notebook only (IPython's magics, shell commands).
NOTEBOOK_LANGS = ("ipython", "ipython3")
#: The longest anchor slug, in characters; a longer one is cut at a word boundary.
SLUG_LENGTH = 50


class PageError(InputError):
    """A page breaks the conventions of the site (the message names the file and line)."""


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


def notebook_only(code: str) -> str | None:
    """The first line of a block that only IPython runs (a magic, a shell command), or None.

    Such a block is not Python (it does not parse), and IPython's own transformation of a
    cell turns it into Python that calls ``get_ipython()``: ``%matplotlib inline``,
    ``!pip install …``, ``files = !ls``, ``%%time``.
    """
    import ast

    try:
        ast.parse(code)
        return None
    except SyntaxError:
        pass
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        transformed = TransformerManager().transform_cell(code)  # type: ignore[no-untyped-call]
        ast.parse(transformed)
    except (SyntaxError, ValueError, IndexError, TypeError):
        # IPython's transformation itself raises on some code that is no Python (mixed
        # tabs and spaces: IndentationError): then it is not IPython's either.
        return None
    if "get_ipython()" not in transformed:
        return None
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    return next((line for line in lines if line.startswith(("%", "!"))), None) or next(
        (line for line in lines if "!" in line), lines[0]
    )


def parse_error(code: str) -> str | None:
    """Why a Python block's code does not parse, as its verdict says it; None if it parses.

    A block that IPython runs (:func:`notebook_only`) parses. Otherwise the verdict names
    the error and its line in the block (1-based): ``does not parse: IndentationError at
    line 3`` (mixed tabs and spaces, say, or pseudo-code).
    """
    import ast

    try:
        ast.parse(code)
        return None
    except SyntaxError as error:
        if notebook_only(code) is not None:
            return None
        return f"does not parse: {type(error).__name__} at line {error.lineno or 1}"
    except ValueError as error:  # a NUL byte
        return f"does not parse: {type(error).__name__}: {error}"


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
        if token.content.lstrip().startswith(">>>"):
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
    r"^(?P<indent>\s*)(?:\{%-?\s*endhighlight\s*-?%\}|\{\{[<%]\s*/highlight\s*[>%]\}\})\s*$"
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


@functools.cache
def parser() -> PageParser:
    """The one parser of the site's Markdown (shared with pytest-markdown-docs)."""
    return PageParser()


# --- the model ----------------------------------------------------------------------------


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


def fence_options(info: str) -> list[str]:
    """A fence's language and options, in either form (``python x`` or ``{.python x}``).

    The same reading as pytest-markdown-docs' ``--markdown-docs-syntax=superfences``.
    """
    info = info.strip()
    if not info.startswith("{"):
        return info.split()
    parts = info.strip("{}").split()
    lang = next((part for part in parts if part.startswith(".")), None)
    if lang is not None:
        parts.remove(lang)
        parts.insert(0, lang[1:])
    return parts


@dataclass(frozen=True)
class Fence:
    """A fenced block of any language: lines ``start`` to ``end`` (0-based, end exclusive)."""

    start: int
    end: int
    indent: int
    info: str
    code: str

    @property
    def lang(self) -> str:
        """The fence's language ('' when it has none)."""
        options = fence_options(self.info)
        return options[0] if options else ""

    @property
    def options(self) -> list[str]:
        """The fence's options after the language."""
        return fence_options(self.info)[1:]


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
    def options(self) -> list[str]:
        """Its fence options (``continuation``, ``fixture:cuda``, …)."""
        return self.fence.options

    @property
    def cuda(self) -> bool:
        """Whether it needs a CUDA GPU (runs with the ``cuda`` fixture)."""
        return CUDA_OPTION in self.options

    @property
    def parse_error(self) -> str | None:
        """Why its code does not parse (:func:`parse_error`), or None: it parses."""
        return parse_error(self.code)


@dataclass(frozen=True)
class Addition:
    """An admonition added by the site: lines ``start`` to ``end`` (0-based, end exclusive).

    ``kind`` is its role (:data:`KINDS`; empty for an admonition of another type, allowed
    outside note pages), ``admonition`` its type (``success``, ``example``, …) and
    ``collapsible`` whether it is a ``???`` box.
    """

    kind: str
    admonition: str
    title: str
    collapsible: bool
    start: int
    end: int
    indent: int
    body: list[str] = field(repr=False)
    paragraphs: list[tuple[int, int]] = field(repr=False)
    fences: list[Fence] = field(repr=False)


@dataclass(frozen=True)
class Erratum:
    """One erratum: the original lines, their correction, and where the box stands."""

    page: str
    line: int
    title: str
    original: list[str]
    corrected: list[str]
    explanation: str
    anchor_line: int

    @property
    def slug(self) -> str:
        """The anchor id of this erratum on its page."""
        text = re.sub(r"^erratum:?\s*", "", self.title, flags=re.IGNORECASE)
        return "erratum-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

    @property
    def short_title(self) -> str:
        """The title without its "Erratum:" prefix."""
        return re.sub(r"^erratum:?\s*", "", self.title, flags=re.IGNORECASE)


def slugify(text: str) -> str:
    """The anchor form of a title: lower case, other characters turned into ``-``, kept short."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return slug


@dataclass(frozen=True)
class Check:
    """One check box: the claim it checks, its code, and whether it needs CUDA.

    ``line`` is the box's line (1-based); ``anchor_line`` the line (1-based) of the last
    line of its opening sentence, which carries the box's anchor on the site; ``block_line``
    the :attr:`Block.line` of its code.
    """

    page: str
    line: int
    claim: str
    cuda: bool
    code: str
    anchor_line: int
    block_line: int = 0

    @property
    def slug(self) -> str:
        """The anchor id of this check on its page."""
        return ("check-cuda-" if self.cuda else "check-") + slugify(self.claim)


@dataclass(frozen=True)
class Note:
    """A precise note (``info`` box, "Precisely: …") beside a check."""

    page: str
    line: int
    title: str
    anchor_line: int

    @property
    def slug(self) -> str:
        """The anchor id of this note on its page."""
        return "precisely-" + slugify(self.title[len(NOTE_PREFIX) :])


CHECKED_ON_CPU = "checked on CPU"
CHECKED_ON_CUDA = "checked on CUDA"
PRECISE_NOTE = "precise note"
ERRATUM = "erratum"

#: The status of a claim: exactly one of these.
CHECKED = "checked"
CORRECTED = "corrected by an erratum"
NOT_A_CLAIM = "not a claim"
UNCHECKED = "not yet checked"
STATUSES = (CHECKED, CORRECTED, NOT_A_CLAIM, UNCHECKED)

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
    around it.
    """

    kind: str
    start: int
    end: int
    level: int
    text: str


@dataclass(frozen=True)
class Marker:
    """``<!-- not a claim: reason -->`` under a unit: lines ``start`` to ``end`` (0-based)."""

    start: int
    end: int
    reason: str


@dataclass
class Claim:
    """A unit of the notes' prose (a claim), or a snippet with boxes, and what accounts for it.

    Its :attr:`status` is exactly one of :data:`STATUSES`: ``checked`` (a check under it, or
    under the snippet it introduces), ``corrected by an erratum``, ``not a claim`` (a marker
    with its reason) or ``not yet checked``.
    """

    page: str
    line: int
    text: str
    unit: Unit
    checks: list[Check] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    erratum: Erratum | None = None
    not_a_claim: str | None = None
    #: The line (1-based) of the snippet whose boxes account for this prose, if any.
    via_snippet: int | None = None

    @property
    def snippet(self) -> bool:
        """Whether this is a snippet (a code unit) rather than the prose."""
        return self.unit.kind == CODE

    @property
    def status(self) -> str:
        """The one status of the claim."""
        if self.checks:
            return CHECKED
        if self.erratum is not None:
            return CORRECTED
        if self.not_a_claim is not None:
            return NOT_A_CLAIM
        return UNCHECKED

    @property
    def anchor(self) -> str | None:
        """The anchor of the claim's first box on its page (None without a box)."""
        if self.checks:
            return self.checks[0].slug
        if self.erratum is not None:
            return self.erratum.slug
        return None

    @property
    def statuses(self) -> list[str]:
        """``checked on CPU``, ``checked on CUDA``, ``precise note`` or ``erratum``, as they apply.

        ``checked on CUDA`` says that a check of the claim runs on a CUDA GPU, not that it
        ran on one.
        """
        found = []
        if any(not check.cuda for check in self.checks):
            found.append(CHECKED_ON_CPU)
        if any(check.cuda for check in self.checks):
            found.append(CHECKED_ON_CUDA)
        if self.notes:
            found.append(PRECISE_NOTE)
        if self.erratum is not None:
            found.append(ERRATUM)
        return found


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
        return [
            fence
            for fence in self.fences
            if fence.lang in DOCTEST_LANGS and "notest" not in fence.options
        ]

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


def post_meta(page: Page, name: str) -> tuple[dict[str, Any], str]:
    """A post's front matter, with its title; and where the title comes from ("" if there).

    Without a title in the front matter, the post's title is its first ``#`` heading's
    words, else its file name without ``.md``.
    """
    if page.meta.get("title"):
        return page.meta, ""
    for line, level in page.headings:
        words = page.lines[line].strip()
        if level == 1 and words.startswith("#"):
            title = words.strip("#").strip()
            if title:
                return {**page.meta, "title": title}, f"its first # heading (line {line + 1})"
    stem = Path(name).name.removesuffix(".md") or "post"
    return {**page.meta, "title": stem}, "its file name (it has no title nor # heading)"


def post_tags(meta: dict[str, Any]) -> list[Any]:
    """A post's tags as a list: ``tags: pytorch`` (one tag, as Jekyll allows) is one item."""
    tags = meta.get("tags")
    if not tags:
        return []
    return list(tags) if isinstance(tags, list) else [tags]


def is_note_page(src_uri: str) -> bool:
    """Whether a page (its path under the docs folder) is a note page: ``notes/…``, not an index."""
    return src_uri.startswith("notes/") and not src_uri.endswith("index.md")


def _indent(line: str) -> int:
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


def _unquoted(line: str) -> str:
    """A line without its blockquote markers (``> > x`` is ``x``), stripped."""
    line = line.strip()
    while line.startswith(">"):
        line = line[1:].strip()
    return line


def _unclosed(token: Token, lines: list[str]) -> str:
    """What keeps a fence from being closed as its author meant, or "" when it is.

    CommonMark ends a fence that is never closed at the end of the page (or of its box);
    and a fence whose closing line was lost runs on through the next fence's opening line
    (```` ```python ````, which cannot close it) up to that fence's closing line.
    """
    assert token.map is not None
    start, end = token.map
    marker = token.markup
    for number in range(start + 1, end):
        line = _unquoted(lines[number])
        if line.startswith(marker) and line.lstrip(marker[0]) and line.lstrip(marker[0])[0] != " ":
            return f"another fence opening on line {number + 1} inside it"
    last = _unquoted(lines[end - 1]) if end - 1 > start else ""
    if last.startswith(marker) and not last.lstrip(marker[0]):
        return ""
    return "the end of the page" if end >= len(lines) else "the end of its box or list item"


def _boxed_fences_closed(
    addition: Addition, tokens: list[Token], lines: list[str], src_uri: str
) -> None:
    """Raise if a fence in a box is not closed inside it (two blank lines end a box)."""
    for token in tokens:
        if token.type != "fence" or not token.map:
            continue
        if not addition.start <= token.map[0] < addition.end:
            continue
        if problem := _unclosed(token, lines):
            raise PageError(
                f"{src_uri}:{token.map[0] + 1}: expected no two blank lines in a row in a box's "
                f"code, and its fence closed inside the box ({token.markup} on a line of its "
                f"own), got {problem} (inside a box, the site would show two blank lines as "
                "one, and the page would differ from what pytest runs)"
            )


def _fence(token: Token, lines: list[str]) -> Fence:
    assert token.map is not None
    start, end = token.map
    return Fence(start, end, _indent(lines[start]), token.info, token.content)


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
        PageError: If the front matter is not a mapping, an admonition is of an unknown
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
    for i, token in enumerate(tokens):
        if token.type == "blockquote_close":
            quoted -= 1
        if depth == 0 and token.map and not quoted:
            unit_kind = _UNIT_KINDS.get(token.type)
            if token.type == "html_block" and (marker := MARKER.match(token.content.strip())):
                markers.append(Marker(token.map[0], token.map[1], marker["reason"].strip()))
            elif unit_kind is not None:
                start, end = token.map
                while end > start + 1 and not lines[end - 1].strip():
                    end -= 1
                words = " ".join(" ".join(lines[start:end]).split())
                units.append(Unit(unit_kind, start, end, items, words))
        if token.type == "blockquote_open":
            quoted += 1
        if token.type == "list_item_open" and depth == 0:
            items += 1
        elif token.type == "list_item_close" and depth == 0:
            items -= 1
        if token.type == "front_matter" and token.map:
            loaded = yaml.safe_load(token.content) or {}
            if not isinstance(loaded, dict):
                raise PageError(
                    f"{src_uri}:1: expected the front matter to be a mapping, got {loaded!r}"
                )
            meta, body_start = loaded, token.map[1]
        elif token.type == "fence" and token.map:
            fences.append(_fence(token, lines))
            if page and depth == 0 and (problem := _unclosed(token, lines)):
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
                additions.append(_addition(opened, fences[first_fence:], lines, src_uri, tokens))
                if page:
                    _boxed_fences_closed(additions[-1], tokens, lines, src_uri)
    units = _every_line(units, additions, markers, lines, body_start)
    is_note = note if note is not None else is_note_page(src_uri)
    if is_note:
        for addition in additions:
            if not addition.kind:
                raise PageError(
                    f"{src_uri}:{addition.start + 1}: expected an admonition of one of the kinds "
                    f"{sorted(ADMONITION_KINDS)} (the site's additions), got "
                    f"{addition.admonition!r}"
                )
    blocks = _blocks(fences, additions)
    attached = attach(units, additions, markers, lines)
    errata = [_erratum(a, src_uri, lines) for a in additions if a.kind == ERRATUM_KIND and is_note]
    claims = _claims(additions, errata, attached, markers, lines, src_uri) if is_note else []
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
            raise PageError(f"{src_uri}:1: expected TOML front matter, got {error}") from None
        return loaded, end + 1


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


_UNIT_KINDS = {
    "heading_open": HEADING,
    "paragraph_open": PROSE,
    "blockquote_open": PROSE,
    "fence": CODE,
    "code_block": CODE,
    "html_block": OTHER,
    "hr": OTHER,
    "table_open": OTHER,
}


def _every_line(
    units: list[Unit],
    additions: list[Addition],
    markers: list[Marker],
    lines: list[str],
    body_start: int,
) -> list[Unit]:
    """The units, and a unit (``other``) for each run of lines that no token accounts for.

    CommonMark gives no token for a link reference definition (``[guide]: https://…``) or a
    footnote's (``[^1]: …``), yet they are the author's words: each run of such non-blank
    lines is a unit too, so that every line of the body belongs to a unit, a box or a marker.
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
        level = above[-1].level if above and _indent(lines[line]) else 0
        words = " ".join(" ".join(lines[line:end]).split())
        found.append(Unit(OTHER, line, end, level, words))
        line = end
    return sorted([*units, *found], key=lambda unit: unit.start) if found else units


def _addition(
    opened: Token, fences: list[Fence], lines: list[str], src_uri: str, tokens: list[Token]
) -> Addition:
    assert opened.map is not None
    start, end = opened.map
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    indent = _indent(lines[start])
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
    return Addition(kind, tag, title, collapsible, start, end, indent, body, paragraphs, fences)


def _blocks(fences: list[Fence], additions: list[Addition]) -> list[Block]:
    python = [
        fence
        for fence in fences
        if (options := fence_options(fence.info))
        and options[0] in PYTHON_LANGS
        and "notest" not in options[1:]
    ]
    blocks: list[Block] = []
    chain: list[int] = []
    for fence, key in zip(python, block_keys([f.code for f in python]), strict=True):
        number = len(blocks) + 1
        if "continuation" not in fence.options:
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
        chain = [*chain, number]
    return blocks


def _erratum(addition: Addition, page: str, lines: list[str]) -> Erratum:
    where = f"{page}:{addition.start + 1}"
    if not addition.title.lower().startswith("erratum"):
        raise PageError(f'{where}: expected an erratum title "Erratum: …", got {addition.title!r}')
    diffs = [fence for fence in addition.fences if fence.lang == "diff"]
    if len(diffs) != 1:
        raise PageError(
            f"{where}: expected the erratum to hold a ```diff fence with the original "
            "('-' lines) and the correction ('+' lines)"
        )
    original: list[str] = []
    corrected: list[str] = []
    for line in diffs[0].code.splitlines():
        if line.startswith("-"):
            original.append(line[1:])
        elif line.startswith("+"):
            corrected.append(line[1:])
        elif line.strip():
            raise PageError(
                f"{where}: expected only '-' and '+' lines in the erratum's diff, got {line!r}"
            )
    if not original or not corrected:
        raise PageError(
            f"{where}: expected the erratum to hold a ```diff fence with the original "
            "('-' lines) and the correction ('+' lines)"
        )
    after = [p for p in addition.paragraphs if p[0] > diffs[0].start] or addition.paragraphs
    if not after:
        raise PageError(f"{where}: expected the erratum to say why")
    explanation = " ".join(
        " ".join(lines[i].strip() for i in range(first, last + 1))
        for first, last in addition.paragraphs
    )
    return Erratum(
        page,
        addition.start + 1,
        addition.title,
        original,
        corrected,
        " ".join(explanation.split()),
        after[0][1] + 1,
    )


def _opening(addition: Addition, where: str, what: str) -> int:
    """The line (1-based) of the last line of the box's opening sentence."""
    first_fence = addition.fences[0].start if addition.fences else addition.end
    if not addition.paragraphs or addition.paragraphs[0][0] > first_fence:
        raise PageError(f"{where}: expected the {what} to open with a sentence, before any code")
    return addition.paragraphs[0][1] + 1


def _check(addition: Addition, page: str, lines: list[str]) -> Check:
    where = f"{page}:{addition.start + 1}"
    title = addition.title
    if title.startswith(CUDA_PREFIX):
        cuda, claim = True, title[len(CUDA_PREFIX) :].strip()
    elif title.startswith(CPU_PREFIX):
        cuda, claim = False, title[len(CPU_PREFIX) :].strip()
    else:
        raise PageError(
            f'{where}: expected a check title "{CPU_PREFIX} …" or "{CUDA_PREFIX} …", got {title!r}'
        )
    if not claim:
        raise PageError(f"{where}: expected the check's title to state the claim it checks")
    anchor_line = _opening(addition, where, "check")
    fences = addition.fences
    if len(fences) != 1 or fences[0].lang != "python":
        got = [fence.info.strip() or "<no language>" for fence in fences] or "none"
        raise PageError(
            f"{where}: expected the check to hold exactly one ```python fence, got {got}"
        )
    fence = fences[0]
    if "continuation" in fence.options:
        raise PageError(f"{where}: expected the check to stand alone, without `continuation`")
    code = fence.code.splitlines()
    closing = lines[fence.end - 1].strip() if fence.end - 1 > fence.start else ""
    closed = bool(closing) and set(closing) <= {"`", "~"} and len(closing) >= 3
    if not closed or any(not a.strip() and not b.strip() for a, b in itertools.pairwise(code)):
        raise PageError(
            f"{where}: expected no two blank lines in a row in the check's code (inside a box, "
            "the site would show them as one, and the page would differ from what pytest runs)"
        )
    if cuda != (CUDA_OPTION in fence.options):
        expected = f"```python {CUDA_OPTION}" if cuda else "```python without fixture:cuda"
        raise PageError(
            f"{where}: expected {expected} under the title {title!r}, got ```{fence.info.strip()}"
        )
    return Check(page, addition.start + 1, claim, cuda, fence.code, anchor_line, fence.start + 1)


def _note(addition: Addition, page: str) -> Note:
    where = f"{page}:{addition.start + 1}"
    if not addition.title.startswith(NOTE_PREFIX) or not addition.title[len(NOTE_PREFIX) :].strip():
        raise PageError(
            f'{where}: expected a precise note titled "{NOTE_PREFIX} …", got {addition.title!r}'
        )
    return Note(page, addition.start + 1, addition.title, _opening(addition, where, "precise note"))


def _claims(
    additions: list[Addition],
    errata: list[Erratum],
    attached: list[Attached],
    markers: list[Marker],
    lines: list[str],
    page: str,
) -> list[Claim]:
    """Each prose unit of the page as a claim, and each snippet with boxes under it.

    A box (or a not-a-claim marker) belongs to the author's unit above it; a setup box to
    the snippet below it, so it accounts for nothing. Prose with nothing under it that
    introduces a snippet (the next unit, nested in its list item, or at the margin after a
    paragraph at the margin: :func:`_introduces`) is accounted for by the snippet's boxes.
    """
    slugs: dict[str, int] = {}
    errata_at = {erratum.line - 1: erratum for erratum in errata}
    units = [region.unit for region in attached]
    claims = {unit.start: Claim(page, unit.start + 1, unit.text, unit) for unit in units}
    starts = [unit.start for unit in units]

    def register(slug: str, line: int) -> None:
        if slug in slugs:
            raise PageError(
                f"{page}:{line}: expected a title of its own, got the anchor #{slug} "
                f"of the box on line {slugs[slug]} again"
            )
        slugs[slug] = line

    def owner(start: int, what: str) -> Claim:
        region = next((r for r in attached if r.start <= start < r.end), None)
        if region is None or region.unit.kind not in (PROSE, CODE):
            raise PageError(
                f"{page}:{start + 1}: expected the {what} under a list item, paragraph or "
                "snippet of the notes, got it "
                + (f"under a heading (line {region.unit.start + 1})" if region else "first")
            )
        return claims[region.unit.start]

    previous: Addition | None = None
    previous_check: Claim | None = None
    for addition in additions:
        claim: Claim | None = None
        if addition.kind == CHECK_KIND:
            check = _check(addition, page, lines)
            register(check.slug, check.line)
            claim = owner(addition.start, "check")
            claim.checks.append(check)
        elif addition.kind == NOTE_KIND:
            note = _note(addition, page)
            register(note.slug, note.line)
            adjacent = previous is not None and all(
                not line.strip() for line in lines[previous.end : addition.start]
            )
            if previous_check is None or not adjacent:
                raise PageError(
                    f"{page}:{note.line}: expected the precise note right after the check "
                    "of its claim"
                )
            claim = previous_check
            claim.notes.append(note)
        elif addition.kind == ERRATUM_KIND:
            erratum = errata_at[addition.start]
            claim = owner(addition.start, "erratum")
            corrected = " ".join(" ".join(erratum.corrected).split())
            if corrected not in claim.unit.text:
                raise PageError(
                    f"{page}:{erratum.line}: expected the erratum right under the text it "
                    f"corrects, got it under line {claim.line}, which does not hold its '+' lines"
                )
            if claim.erratum is not None:
                raise PageError(
                    f"{page}:{erratum.line}: expected one erratum per unit of the notes, got a "
                    f"second one under line {claim.line}"
                )
            claim.erratum = erratum
        previous, previous_check = (
            addition,
            claim
            if addition.kind == CHECK_KIND
            else (previous_check if addition.kind == NOTE_KIND else None),
        )
    for marker in markers:
        claim = owner(marker.start, "not-a-claim marker")
        if not marker.reason:
            raise PageError(
                f"{page}:{marker.start + 1}: expected a reason in the marker "
                "(<!-- not a claim: an instruction -->), got none"
            )
        if claim.snippet or claim.checks or claim.erratum is not None:
            raise PageError(
                f"{page}:{marker.start + 1}: expected a not-a-claim marker under prose without "
                f"a check or erratum, got it under line {claim.line}, which has one"
            )
        claim.not_a_claim = marker.reason
    found: list[Claim] = []
    taken: set[int] = set()
    for index, start in enumerate(starts):
        claim = claims[start]
        if claim.unit.kind == PROSE:
            following = claims[starts[index + 1]] if index + 1 < len(starts) else None
            if (
                claim.status == UNCHECKED
                and following is not None
                and following.snippet
                and following.status in (CHECKED, CORRECTED)
                and _introduces(claim.unit, following.unit)
            ):
                claim.checks, claim.notes = following.checks, following.notes
                claim.erratum = following.erratum
                claim.via_snippet = following.line
                taken.add(following.line)
            found.append(claim)
        elif claim.snippet and claim.status != UNCHECKED:
            found.append(claim)
    return [claim for claim in found if claim.line not in taken]


def _introduces(prose: Unit, snippet: Unit) -> bool:
    """Whether prose is the caption of the snippet right after it.

    A list item's caption holds its snippet (the snippet is nested in the item); a paragraph
    at the margin captions the snippet at the margin after it.
    """
    if prose.level == 0:
        return snippet.level == 0
    return snippet.level >= prose.level


def nav_pages(nav: object) -> list[str]:
    """The Markdown files an MkDocs ``nav`` lists, in its order."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    found: list[str] = []
    items: Sequence[object] | Iterator[object] = (
        iter(nav.values()) if isinstance(nav, dict) else nav if isinstance(nav, list) else []
    )
    for item in items:
        found += nav_pages(item)
    return found
