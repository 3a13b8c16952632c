"""The author's references as a blog engine shows them: a build never fails on one.

Two slips of a post that its blog shows quietly would fail the site's strict build:

* a reference link whose label the post never defines (``[the guide][nowhere]``, ``[x][]``):
  CommonMark (and kramdown) show it as the text it is; MkDocs' cross-references
  (``mkdocs-autorefs``) would take it for a link to an API page and warn that there is none;
* a footnote defined but never referenced (``[^old]: …`` whose ``[^old]`` was edited out):
  its words are shown, but its link back to a reference that is not on the page would be
  a broken anchor.

:class:`AuthorsReferences` shows the first as its text, in the author's text only (the
site's boxes cross-reference the API on purpose), and drops the second's link back.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from notesite.fidelity import post_source
from notesite.model import Page, PageError, footnotes, link_definitions, read_markdown
from notesite.project import Project
from notesite.render.locate import PageHandOff


def _post_text(project: Project, page: Page) -> str | None:
    """The original of the post ``page`` is a page of (None: no post, or none readable)."""
    source = post_source(page)
    if source is None:
        return None
    try:
        return read_markdown(project.originals_dir / source, source)
    except (OSError, PageError):
        return None  # the fidelity gate names a page whose post is missing or unreadable


def post_references(md: Markdown, project: Project, page: Page) -> None:
    """Give ``md`` the link definitions of the post ``page`` is a page of, before it reads it.

    A post split by its sections may define a label on one page (``[guide]: …`` at its end)
    and use it on another (``[the guide][guide]``); each page links as the post does. The
    page's own definitions, read after these, are its own.
    """
    text = _post_text(project, page)
    for label, (href, title) in link_definitions(text or "").items():
        md.references.setdefault(label, (href, title))


def post_footnotes(project: Project, page: Page) -> list[str]:
    """The footnote definitions ``page`` cites that its post defines on another page.

    Lines to append to the page's Markdown as it is rendered (the page's file is unchanged):
    each page of a post split by its sections shows the notes it cites, as the post does.
    """
    text = _post_text(project, page)
    if text is None:
        return []
    own = "\n".join(page.lines)
    defined, _ = footnotes(own)
    elsewhere = {k: v for k, v in footnotes(text)[0].items() if k not in defined}
    if not elsewhere:
        return []
    joined = "\n\n".join("\n".join(lines) for lines in elsewhere.values())
    _, cited = footnotes(f"{own}\n\n{joined}\n")
    out: list[str] = []
    for label, lines in elsewhere.items():
        if label in cited:
            out += ["", *lines]
    return out


#: After the footnotes' own tree work (their duplicates, 15) and the inline patterns (20).
PRIORITY = 14


class AuthorsReferences(Treeprocessor):
    """Undefined reference links as text, footnotes' dead links back dropped (see module).

    ``hand_off`` gives the page being converted: its author text is what lies outside the
    site's boxes on a note page. Without one (None), the whole text is the author's (the
    "As written" view).
    """

    def __init__(self, md: Markdown, hand_off: PageHandOff | None = None) -> None:
        """Read the page from ``hand_off`` (None: every word is the author's)."""
        super().__init__(md)
        self.hand_off = hand_off

    def run(self, root: Element) -> None:
        """Change the tree in place."""
        parents = {child: parent for parent in root.iter() for child in parent}
        _drop_dead_backlinks(root, parents)
        if self.hand_off is not None:
            page = self.hand_off.page
            # A note page, or a post's index page (its introduction): the author's words.
            if page is None or not (page.is_note or isinstance(page.meta.get("post"), dict)):
                return
        for element in list(root.iter("autoref")):
            if not _in_a_box(element, parents):
                _as_text(element)


def _in_a_box(element: Element, parents: dict[Element, Element]) -> bool:
    """Whether ``element`` stands in one of the site's boxes (an admonition, a details)."""
    node = parents.get(element)
    while node is not None:
        if node.tag == "details" or "admonition" in node.get("class", "").split():
            return True
        node = parents.get(node)
    return False


def _as_text(element: Element) -> None:
    """An unresolved reference link (``<autoref>``) as the text it was written as."""
    label = "" if element.get("slug") else element.get("identifier", "")
    element.tag = "span"
    element.attrib.clear()
    element.text = "[" + (element.text or "")
    closing = f"][{label}]"
    if len(element):
        element[-1].tail = (element[-1].tail or "") + closing
    else:
        element.text += closing


def _drop_dead_backlinks(root: Element, parents: dict[Element, Element]) -> None:
    """Drop each footnote's link back to a reference that is not on the page."""
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    for link in list(root.iter("a")):
        if "footnote-backref" not in link.get("class", "").split():
            continue
        target = link.get("href", "").removeprefix("#")
        parent = parents.get(link)
        if target in ids or parent is None:
            continue
        index = list(parent).index(link)
        tail = link.tail or ""
        if index:
            parent[index - 1].tail = (parent[index - 1].tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(link)
