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

The package, by job: ``vocabulary`` (markers, box kinds, languages), ``parsing`` (the
parser, a page's text, the links CommonMark reads in a notebook's cell), ``ipython``
(notebook-only blocks), ``options`` (a fence's info string, read once), ``fences`` (fences,
blocks, additions), ``boxes`` (errata, checks, notes), ``units`` (the author's units, the
list item that opens each, and what attaches to them), ``claims``, ``page`` (:class:`Page`,
:func:`parse_page`), ``post`` (front matter) and ``nav`` (note pages, the MkDocs nav).
"""

from notesite.model.boxes import Check, Erratum, Note, slugify
from notesite.model.claims import (
    CHECKED,
    CHECKED_ON_CPU,
    CHECKED_ON_CUDA,
    CORRECTED,
    ERRATUM,
    NOT_A_CLAIM,
    PRECISE_NOTE,
    STATUSES,
    UNCHECKED,
    Claim,
)
from notesite.model.fences import Addition, Block, Fence, block_keys, code_hash
from notesite.model.ipython import notebook_only, parse_error
from notesite.model.nav import is_note_page, nav_pages
from notesite.model.options import (
    CONTINUATION,
    CUDA_FIXTURE,
    CUDA_OPTION,
    NOTEST,
    SITE_OPTIONS,
    FenceOptions,
    fence_options,
    is_site_option,
    parse_options,
    shown_info,
)
from notesite.model.page import Page, parse_page
from notesite.model.parsing import (
    BOM,
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    InlineLink,
    PageParser,
    as_fences,
    atx_heading,
    footnotes,
    highlight_as_fence,
    inline_links,
    link_addresses,
    link_definitions,
    parser,
    read_markdown,
)
from notesite.model.post import post_meta, post_tags
from notesite.model.units import (
    CODE,
    HEADING,
    MARKER,
    OTHER,
    PROSE,
    Attached,
    Marker,
    Unit,
    attach,
    item_lines,
)
from notesite.model.vocabulary import (
    ADMONITION_KINDS,
    CHECK_KIND,
    CPU_LESSON,
    CPU_PREFIX,
    CUDA_PREFIX,
    DOCTEST_LANGS,
    ERRATUM_KIND,
    HELPER,
    INTRO_MARKER,
    KINDS,
    NOTE_KIND,
    NOTE_PREFIX,
    NOTEBOOK_LANGS,
    PAGES_MARKER,
    POST_MARKER,
    PYTHON_ALIASES,
    PYTHON_LANGS,
    SETUP,
    SLUG_LENGTH,
    PageError,
)

__all__ = [
    "ADMONITION_KINDS",
    "BOM",
    "CHECKED",
    "CHECKED_ON_CPU",
    "CHECKED_ON_CUDA",
    "CHECK_KIND",
    "CODE",
    "CONTINUATION",
    "CORRECTED",
    "CPU_LESSON",
    "CPU_PREFIX",
    "CUDA_FIXTURE",
    "CUDA_OPTION",
    "CUDA_PREFIX",
    "DOCTEST_LANGS",
    "ERRATUM",
    "ERRATUM_KIND",
    "HEADING",
    "HELPER",
    "HIGHLIGHT_CLOSE",
    "HIGHLIGHT_OPEN",
    "INTRO_MARKER",
    "KINDS",
    "MARKER",
    "NOTEBOOK_LANGS",
    "NOTEST",
    "NOTE_KIND",
    "NOTE_PREFIX",
    "NOT_A_CLAIM",
    "OTHER",
    "PAGES_MARKER",
    "POST_MARKER",
    "PRECISE_NOTE",
    "PROSE",
    "PYTHON_ALIASES",
    "PYTHON_LANGS",
    "SETUP",
    "SITE_OPTIONS",
    "SLUG_LENGTH",
    "STATUSES",
    "UNCHECKED",
    "Addition",
    "Attached",
    "Block",
    "Check",
    "Claim",
    "Erratum",
    "Fence",
    "FenceOptions",
    "InlineLink",
    "Marker",
    "Note",
    "Page",
    "PageError",
    "PageParser",
    "Unit",
    "as_fences",
    "attach",
    "atx_heading",
    "block_keys",
    "code_hash",
    "fence_options",
    "footnotes",
    "highlight_as_fence",
    "inline_links",
    "is_note_page",
    "is_site_option",
    "item_lines",
    "link_addresses",
    "link_definitions",
    "nav_pages",
    "notebook_only",
    "parse_error",
    "parse_options",
    "parse_page",
    "parser",
    "post_meta",
    "post_tags",
    "read_markdown",
    "shown_info",
    "slugify",
]
