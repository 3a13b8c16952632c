"""Everything from a post is data: escaped text, safe links, raw HTML that runs nothing.

A post's front matter (title, subtitle, date, tags) and a box's title are text: they go into
the site's Markdown through :func:`markdown_text`, into its HTML through :func:`html.escape`.
The post's body is the author's Markdown and stays so, but what it renders to is cleaned in
the HTML tree (:class:`SafeHtml`, registered by the ``notesite`` extension): a link or image
whose address is not ``http``, ``https``, ``mailto``, relative or an anchor is shown as text,
an ``on…`` attribute is dropped, and raw HTML (the post's, and the "As written" view's) keeps
no ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<style>``, handler, nor any element
or comment that a browser would end elsewhere than Python's parser does (:data:`DROPPED`).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from notesite.model import inline_links, link_addresses

#: The schemes a link may have (no scheme: relative, or an anchor).
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: The attributes that hold an address a browser follows or loads.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "cite"}
)
#: Elements dropped with their content: they run or embed code, or a browser reads their
#: content as text where Python's parser reads tags (or the other way round), so that markup
#: hidden in it (``<noscript><p title="</noscript><img onerror=…>">``) would come alive;
#: ``style``, ``meta`` and ``link`` restyle, refresh or redirect the whole page.
DROPPED = frozenset(
    {
        *("script", "iframe", "object", "embed", "frame", "frameset", "base", "applet"),
        *("noscript", "noembed", "noframes", "xmp", "plaintext", "textarea", "title", "style"),
        *("meta", "link"),
    }
)
#: Elements without content or end tag (of those dropped): nothing after them is theirs.
_VOID = frozenset({"embed", "frame", "base", "meta", "link"})
#: SVG's animations, which can set an attribute (``attributeName=href``) to a link.
_ANIMATIONS = frozenset({"animate", "set", "animatemotion", "animatetransform", "animatecolor"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
#: What Markdown (and the site's math, ``$…$``) reads as markup in a text. Not ``(`` nor
#: ``)`` (but a ``(`` right after ``]``): with ``[`` and ``]`` escaped no link can form, and
#: ``\(`` … ``\)`` is the math extension's inline math (``RNN \(GRU\)`` would be typeset).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}|~<>$#])")


def markdown_text(text: str) -> str:
    r"""Text as Markdown shows it literally: no link, emphasis, code or HTML it could make.

    >>> print(markdown_text("Notes](javascript:alert(1)) [x <b> (FCN) $x$ #"))
    Notes\]\(javascript:alert(1)) \[x &lt;b&gt; (FCN) \$x\$ \#
    """
    escaped = html.escape(text, quote=False)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escaped).replace("\\](", "\\]\\(")
    return escaped.replace("\n", " ")


def link_words(title: str) -> str:
    r"""A page's title (its heading, Markdown) as a link's words: its brackets kept as text.

    >>> link_words("a [b](c)")
    'a \\[b\\](c)'
    """
    return title.replace("[", "\\[").replace("]", "\\]")


def safe_url(url: str) -> bool:
    """Whether a browser following ``url`` stays on a page: http(s), mailto, relative, anchor.

    Entities are read and whitespace and control characters dropped first, as a browser
    does, so ``" Java&#x09;Script:…"`` is still ``javascript:``.

    >>> [safe_url(u) for u in ("https://x.org", "#a", "../p/", "JaVaScRiPt:alert(1)")]
    [True, True, True, False]
    """
    plain = html.unescape(url)
    plain = "".join(ch for ch in plain if ch > " " and ch not in "\x7f\u00a0\ufeff").lower()
    match = _SCHEME.match(plain)
    return match is None or match[1] in SAFE_SCHEMES


def _attribute_safe(name: str, value: str | None) -> bool:
    name = name.lower()
    if name.startswith("on") or name == "srcdoc":
        return False
    if name in URL_ATTRIBUTES or name == "srcset":
        return value is None or safe_url(value)
    if name == "style" and value is not None:
        squeezed = "".join(value.lower().split())
        return "expression(" not in squeezed and "javascript:" not in squeezed
    return True


def _animates_unsafely(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """Whether ``tag`` is an SVG animation of a link or handler (it sets ``href``, ``on…``)."""
    if tag not in _ANIMATIONS:
        return False
    target = next((v or "" for k, v in attrs if k == "attributename"), "").strip().lower()
    return target.endswith("href") or target.startswith("on")


def _written_back(form: str) -> Any:
    """A handler of :class:`_Cleaner`'s that keeps what the parser read, in ``form`` again.

    Any: a method of its own, whose argument the parser names ``data``, ``name`` or ``decl``.
    """

    def handle(cleaner: _Cleaner, text: str) -> None:
        cleaner.keep(form.format(text))

    return handle


class _Cleaner(HTMLParser):
    """Raw HTML, each tag kept as written unless it runs code (see :func:`clean_html`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, " /", closed=True)

    def _start(
        self, tag: str, attrs: list[tuple[str, str | None]], end: str, closed: bool = False
    ) -> None:
        if self.dropping:
            return
        if tag in DROPPED or _animates_unsafely(tag, attrs):
            if not closed and tag not in _VOID and tag not in _ANIMATIONS:
                self.dropping.append(tag)
            return
        if all(_attribute_safe(name, value) for name, value in attrs):
            self.out.append(self.get_starttag_text() or "")
            return
        kept = "".join(
            f' {name}="{html.escape(value)}"' if value is not None else f" {name}"
            for name, value in attrs
            if _attribute_safe(name, value)
        )
        self.out.append(f"<{tag}{kept}{end}>")

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag not in DROPPED:
            self.out.append(f"</{tag}>")

    def keep(self, text: str) -> None:
        """Keep ``text`` (written as the parser read it), unless in a dropped element."""
        if not self.dropping:
            self.out.append(text)

    def handle_comment(self, data: str) -> None:
        """Keep a comment that a browser ends where Python's parser does; drop any other.

        A browser ends ``<!-->`` and ``<!--->`` at once, and ``<!-- … --!>`` there: what
        Python's parser reads as the comment's words would be markup.
        """
        if not data.startswith((">", "->")) and "--!>" not in data:
            self.keep(f"<!--{data}-->")

    def unknown_decl(self, data: str) -> None:
        """Drop ``<![CDATA[…]]>``: a browser ends it at its first ``>``, not at ``]]>``."""

    # Everything else, written back as the parser read it (see _written_back).
    handle_data = _written_back("{}")
    handle_entityref = _written_back("&{};")
    handle_charref = _written_back("&#{};")
    handle_decl = _written_back("<!{}>")
    handle_pi = _written_back("<?{}>")


def clean_html(fragment: str) -> str:
    """Raw HTML without what runs code: script-like elements, ``on…`` attributes, unsafe links.

    Everything else is kept as written, byte for byte.

    >>> clean_html('<b onclick="x()">b</b><script>alert(1)</script><a href="#k">k</a>')
    '<b>b</b><a href="#k">k</a>'
    """
    if "<" not in fragment:
        return fragment
    cleaner = _Cleaner()
    cleaner.feed(fragment)
    cleaner.close()
    return "".join(cleaner.out)


def _safe_address(href: str) -> bool:
    """Whether a link's address, as the parser read it (percent-encoded), is safe both ways."""
    return safe_url(href) and safe_url(unquote(href))


def clean_markdown(text: str) -> str:
    r"""Markdown (a notebook's cell) whose raw HTML and links run nothing.

    Raw HTML goes through :func:`clean_html`; a link (or image) to an unsafe address keeps
    its words and address as text (``[x]\\(javascript:…)``). The links are those CommonMark
    reads (:func:`notesite.model.inline_links`): one inside code is code, and stays as
    written. Should the parser not say where an unsafe link stands, every ``](`` of the text
    is written as text. A link by reference or an autolink to an unsafe address
    (``[x][r]`` with ``[r]: javascript:…``, ``<javascript:…>``) has no such place: then
    every ``[`` and ``<`` of the text is escaped, so that no link and no HTML is left.

    >>> clean_markdown("[a](https://x.org) [b](javascript:alert(1))")
    '[a](https://x.org) [b]\\(javascript:alert(1))'
    """
    out = text
    while unsafe := [link for link in inline_links(out) if not _safe_address(link.href)]:
        if any(link.bracket < 0 for link in unsafe):
            out = text.replace("](", "]\\(")
            break
        for link in sorted(unsafe, key=lambda link: link.bracket, reverse=True):
            out = out[: link.bracket + 1] + "\\" + out[link.bracket + 1 :]
    if not all(_safe_address(href) for href in link_addresses(out)):
        out = out.replace("[", "\\[").replace("<", "\\<")
    return clean_html(out)


class SafeHtml(Treeprocessor):
    """A page's HTML tree and raw HTML with only safe links and no script or handler.

    A link (``<a>``) or image whose address is unsafe becomes its text (a ``<span>`` titled
    with the address); ``on…`` attributes (``attr_list`` can write them) are dropped; each
    stashed piece of raw HTML goes through :func:`clean_html`.
    """

    def __init__(self, md: Markdown) -> None:
        """Clean the pages ``md`` renders."""
        super().__init__(md)

    def run(self, root: Element) -> None:
        """Clean the tree and the raw HTML of the page."""
        _clean_tree(root)
        stash = self.md.htmlStash.rawHtmlBlocks
        for i, block in enumerate(stash):
            if isinstance(block, str):
                stash[i] = clean_html(block)
            else:
                _clean_tree(block)


def _clean_tree(root: Element) -> None:
    """An element tree without ``on…`` attributes; an unsafe link or image as its text."""
    for element in root.iter():
        for name in [k for k in element.attrib if not _attribute_safe(k, element.get(k))]:
            value = element.attrib.pop(name)
            if element.tag in ("a", "img") and name.lower() in URL_ATTRIBUTES:
                element.set("class", "ptn-unsafe-link")
                element.set("title", f"A link to {value}, not followed: unsafe")
                if element.tag == "img":
                    element.text = element.attrib.pop("alt", "") or "image"
                element.tag = "span"


#: MkDocs' tree processor that takes a page's title from its ``<h1>``.
MKDOCS_TITLE = "mkdocs_extract_title"


class SafeTitle(Treeprocessor):
    """The page's title, as MkDocs took it from the ``<h1>``, with single angle quotes for ``< >``.

    Themes put the title into the nav as HTML and into ``<title>`` through ``striptags``
    (which reads ``&lt;`` back as ``<``): no escape survives both, so a title keeps no angle
    bracket, and ``</title><script>`` in a heading stays text.
    """

    def run(self, root: Element) -> None:
        """Replace the angle brackets of the title MkDocs read (when it reads one)."""
        if MKDOCS_TITLE not in self.md.treeprocessors:
            return
        extractor = self.md.treeprocessors[MKDOCS_TITLE]
        title = getattr(extractor, "title", None)
        if isinstance(title, str):
            for bracket, shown in (
                ("&lt;", "\u2039"),
                ("&gt;", "\u203a"),
                ("<", "\u2039"),
                (">", "\u203a"),
            ):
                title = title.replace(bracket, shown)
            extractor.title = title
