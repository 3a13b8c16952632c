"""The section as its author wrote it: the "As written" view of a note page.

The page's section rebuilt without the site's additions and with its errata reverted
(:func:`notesite.fidelity.rebuild_page`), rendered with the project's Markdown settings and
hidden until the reader asks for it. Its HTML is changed in the tree, as the page's is
(:class:`AuthorsTree`, a treeprocessor of the converter that renders it).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from notesite.highlight import compact
from notesite.model import Page, parse_page
from notesite.project import Project
from notesite.render.math import read_double_dollars
from notesite.render.references import PRIORITY as REFERENCES_PRIORITY
from notesite.render.references import AuthorsReferences, post_references

#: The switch between the page and the section as its author wrote it (see as-written.js).
AS_WRITTEN_SWITCH = (
    '<button type="button" class="ptn-as-written-switch md-button" aria-pressed="false">'
    "As written</button>"
)
#: An address that leads off the post's blog: it opens with a scheme (``https:``, ``mailto:``).
SCHEME = re.compile(r"[a-z]+:")
#: The prefix of the section's own anchors (a footnote's): the page's ids stay unique.
ANCHOR_PREFIX = "as-written-"
#: The Markdown extensions of the project that the author's section is not rendered with.
NOT_FOR_THE_AUTHOR = {"notesite", "toc", "pymdownx.snippets"}


def _highlight_tags(page: Page, project: Project) -> dict[str, str]:
    """The blog engine's highlight tags of the page's post: the code of each block -> its tag.

    Read through the page model: a post's model has the tag's block as a fence (see
    :func:`notesite.model.as_fences`), whose opening line in the file is the tag.
    """
    from notesite.fidelity import originals, post_source
    from notesite.model import HIGHLIGHT_OPEN

    source = post_source(page)
    found: dict[str, str] = {}
    for name in originals(project):
        if name != source:
            continue
        text = (project.originals_dir / name).read_text(encoding="utf-8")
        original = parse_page(text, name, note=False, page=False)
        raw = text.removeprefix("\ufeff").splitlines()
        for fence in original.fences:
            if HIGHLIGHT_OPEN.match(raw[fence.start]):
                found[" ".join(fence.code.split())] = raw[fence.start].strip()
    return found


def _in_author_form(lines: list[str], page: Page, project: Project) -> list[str]:
    """The author's lines, each fence the page wrote for a highlight tag titled with the tag.

    The page writes ``{% highlight python %}`` as a fence (the site's Markdown has no such
    tag); the "As written" view shows the block with the author's tag above it.
    """
    tags = _highlight_tags(page, project)
    if not tags:
        return lines
    out = list(lines)
    for fence in parse_page("\n".join(lines), page.src_uri, note=False, page=False).fences:
        tag = tags.get(" ".join(fence.code.split()))
        if tag is not None:
            out[fence.start] = out[fence.start] + ' title="' + tag.replace('"', "'") + '"'
    return out


def as_written_html(page: Page, project: Project) -> str:
    """The section as its author wrote it (the site's additions left out, errata reverted).

    Rendered with the project's Markdown settings, hidden until the reader asks for it with
    the "As written" switch. Its headings have no ids, so the page's anchors stay unique.
    """
    import markdown

    from notesite.fidelity import rebuild_page
    from notesite.project import markdown_settings, read_config

    names, configs = markdown_settings(read_config(project.root), NOT_FOR_THE_AUTHOR)
    converter = markdown.Markdown(extensions=[*names, AuthorsView()], extension_configs=configs)
    post_references(converter, project, page)  # a label its post defines on another page
    body = converter.convert("\n".join(_in_author_form(rebuild_page(page), page, project)))
    body = compact(body)  # as the page's own blocks (the extension is not run here)
    banner = (
        '<p class="ptn-as-written-banner" role="note">You are reading this section as its author '
        "wrote it: without the site's checks, outputs and corrections. "
        '<button type="button" class="ptn-as-written-leave md-button">'
        "Back to the checked page</button></p>"
    )
    return (
        '<section class="ptn-as-written" hidden aria-label="The section as its author wrote it">'
        f"{banner}{body}</section>"
    )


class AuthorsTree(Treeprocessor):
    """The "As written" view's tree: the post's relative links as words, its anchors its own.

    A relative link of the post leads to another post of its blog, which the site does not
    hold: its words are kept, the link (which would lead nowhere here) is not; a relative
    image shows as its alternative text. Each title says where it led. The section's own
    anchors (a footnote's) and the links to them get a prefix (:data:`ANCHOR_PREFIX`), so that
    the page's ids stay unique. The tree and the raw HTML kept as elements (``md_in_html``)
    are changed; raw HTML kept as text is the author's, as written.
    """

    def run(self, root: Element) -> None:
        """Change the section's tree (see the class)."""
        stash = self.md.htmlStash.rawHtmlBlocks
        trees = [root, *(block for block in stash if isinstance(block, Element))]
        elements = [element for tree in trees for element in tree.iter()]
        for element in elements:
            href, src = element.get("href"), element.get("src")
            if element.tag == "a" and href is not None and not _leads_off(href, "#"):
                _as_words(element, f"a link to {href}", element.text)
            elif element.tag == "img" and src is not None and not _leads_off(src, "/"):
                _as_words(element, f"an image at {src}", f"[{element.get('alt') or 'image'}]")
        ids = {key for element in elements if (key := element.get("id"))}
        for element in elements:
            if key := element.get("id"):
                element.set("id", ANCHOR_PREFIX + key)
            href = element.get("href")
            if href is not None and href.startswith("#") and href[1:] in ids:
                element.set("href", f"#{ANCHOR_PREFIX}{href[1:]}")


def _leads_off(address: str, opening: str) -> bool:
    """Whether an address leads off the post's blog, or opens with ``opening`` (``#``, ``/``)."""
    return address.startswith(opening) or SCHEME.match(address) is not None


def _as_words(element: Element, what: str, text: str | None) -> None:
    """A link or image (``element``, changed in place) as ``text``, saying where it led."""
    element.tag = "span"
    element.attrib.clear()
    element.set("class", "ptn-dead-link")
    element.set("title", f"In the post, {what}, which this site does not hold")
    element.text = text


class AuthorsView(Extension):
    """The "As written" view's converter: its tree changed by :class:`AuthorsTree`."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Register :class:`AuthorsTree` last: the tree is whole, its escapes read (0)."""
        md.treeprocessors.register(AuthorsTree(md), "notesite-as-written", -1)
        read_double_dollars(md)  # inline $$…$$ as the page reads it
        md.treeprocessors.register(
            AuthorsReferences(md), "notesite-references", REFERENCES_PRIORITY
        )
