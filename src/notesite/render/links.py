"""A post's links on the site: to its sections, to other posts, or kept as words.

A treeprocessor (:class:`PostLinks`) mends the links written in a post's original, so that a
post's pages build strictly and nothing on them leads to a missing page.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from notesite.fidelity import post_title
from notesite.model import Page
from notesite.project import Project
from notesite.render.locate import PageHandOff
from notesite.render.posts import blog_permalink, post_page, site_posts

#: The anchors of each post's headings, with the pages' texts they come from.
_SECTIONS: dict[tuple[str, str | None], tuple[tuple[tuple[str, int], ...], dict[str, str]]] = {}


class PostLinks(Treeprocessor):
    """A post's links that lead nowhere on the site: to another section, post, or off the site.

    A post links to its own sections (``[Tensors](#tensors)``, a table of contents), which
    the site puts on pages of their own: such a link leads to the section's page. A link to
    another post of the author's (``../2022/2022-03-15-deep-learning-rnn3-lstm.markdown``,
    ``#section`` or not) leads to that post's page when the site holds it, else to the post
    on the author's blog when the project names it (``blog_url``). Any other relative link or
    image of the post leads to a file of its blog that the site does not hold: its words (an
    image's alternative text) are kept, the link is not, and a title says where it led. So a
    post's pages build strictly, and nothing on them leads to a missing page.

    Only the addresses written in the post's original are mended: a link the site's pages
    add (in a box or in the text) is the site's own, and a strict build fails on it if it
    is broken.

    The page is the one the preprocessor handed on for this conversion (``hand_off``).
    """

    def __init__(self, md: Markdown, project: Project, hand_off: PageHandOff) -> None:
        """The links of ``project``'s post pages, each page read from ``hand_off``."""
        super().__init__(md)
        self.project = project
        self.hand_off = hand_off

    def run(self, root: Element) -> None:
        """Mend the links of the page, if it is a page of a post."""
        page = self.hand_off.page
        if page is None or post_title(page) is None:
            return
        original = self._original(page)
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        here = posixpath.dirname(page.src_uri)
        sections = self._sections(page)
        for parent in self._author_elements(root):
            for k, child in enumerate(list(parent)):
                if child.tag == "a" and (href := child.get("href")) is not None:
                    if not _written(href, original):
                        continue  # the site's own link: a strict build checks it
                    if href.startswith("#") and href[1:] not in ids:
                        target = sections.get(unquote(href[1:]))
                        if target is not None:
                            path, _, anchor = target.partition("#")
                            link = posixpath.relpath(path, here or ".")
                            child.set("href", link + (f"#{anchor}" if anchor else ""))
                        else:
                            self._dead(parent, k, child, f"a link to {href}")
                    elif self._missing(href, here):
                        mended = self._other_post(href, here)
                        if mended is not None:
                            child.set("href", mended)
                        else:
                            self._dead(parent, k, child, f"a link to {href}")
                elif (
                    child.tag == "img" and (src := child.get("src", "")) and _written(src, original)
                ):
                    if not self._missing(src, here):
                        continue
                    words = child.get("alt", "")
                    span = Element("span", {"class": "ptn-dead-link"})
                    span.text = f"[{words}]" if words else "[image]"
                    span.tail = child.tail
                    span.set("title", f"In the post, an image at {src}, " + _ABSENT)
                    parent[k] = span

    def _original(self, page: Page) -> str:
        """The text of the original of the page's post ("" when the site has none)."""
        for post in site_posts(self.project):
            if page.src_uri in post.pages:
                path = self.project.originals_dir / post.name
                try:
                    return path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    return ""
        return ""

    def _other_post(self, href: str, here: str) -> str | None:
        """Where a link to another post of the author's leads: its page here, else its blog.

        The post is the one whose file name (date and slug) the link names
        (:func:`notesite.render.posts.post_page`); a ``#section`` leads to the section's page.
        Without the post on the site, the link leads to the post on the author's blog when the
        project names the blog (``blog_url``): its Jekyll permalink. Else None.
        """
        path, _, anchor = href.partition("#")
        name = posixpath.basename(path.split("?")[0])
        found = post_page(self.project, name)
        if found is not None:
            target = found
            if anchor:
                target = self._anchor_page(found, unquote(anchor))
            link, _, at = target.partition("#")
            return posixpath.relpath(link, here or ".") + (f"#{at}" if at else "")
        blog = blog_permalink(self.project.blog_url, name)
        if blog is None:
            return None
        return blog + (f"#{anchor}" if anchor else "")

    def _anchor_page(self, start: str, anchor: str) -> str:
        """The page of the post starting at ``start`` that holds the heading ``anchor``.

        ``start#anchor`` when a heading of one of the post's pages has that anchor, else the
        post's first page alone (an anchor of the blog's that no heading here has).
        """
        from markdown.extensions.toc import slugify, slugify_unicode

        post = next((p for p in site_posts(self.project) if p.pages[0] == start), None)
        for src in post.pages if post is not None else (start,):
            other = self.project.page(src)
            for line, _ in other.headings:
                words = other.lines[line].strip().strip("#").strip()
                keys = {slugify(words, "-"), slugify_unicode(words, "-")}
                if anchor in keys or anchor.lower() in keys:
                    return f"{src}#{slugify(words, '-')}"
        return start

    @staticmethod
    def _author_elements(root: Element) -> list[Element]:
        """The elements of the author's text: the site's boxes (and what is in them) left out.

        A link in a box is the site's own, and a strict build must fail on it if it is broken.
        """
        found: list[Element] = []
        pending = [root]
        while pending:
            element = pending.pop()
            classes = element.get("class", "").split()
            if element.tag == "details" or "admonition" in classes:
                continue
            found.append(element)
            pending.extend(reversed(list(element)))
        return found

    def _sections(self, page: Page) -> dict[str, str]:
        """Each heading of the post's other pages: its anchors, as a link there reads.

        A post's own link may use its blog's anchor (``#张量``, Unicode kept, as GitHub and
        Hugo write it) or this site's (``#_1``); both lead to the page and its heading's id.
        """
        from markdown.extensions.toc import slugify, slugify_unicode

        title = post_title(page)
        pages = [self.project.page(src) for src in self.project.nav if src.endswith(".md")]
        stamps = tuple((p.src_uri, hash(p.text)) for p in pages if post_title(p) == title)
        cached = _SECTIONS.get((str(self.project.docs_dir), title))
        if cached is not None and cached[0] == stamps:
            return {k: v for k, v in cached[1].items() if v.split("#")[0] != page.src_uri}
        found: dict[str, str] = {}
        for other in pages:
            if post_title(other) != title:
                continue
            for line, _ in other.headings:
                words = other.lines[line].strip().strip("#").strip()
                anchor = slugify(words, "-")
                target = other.src_uri + (f"#{anchor}" if anchor else "")
                for key in (anchor, slugify_unicode(words, "-"), words.lower().replace(" ", "-")):
                    if key:
                        found.setdefault(key, target)
        _SECTIONS[(str(self.project.docs_dir), title)] = (stamps, found)
        return {k: v for k, v in found.items() if v.split("#")[0] != page.src_uri}

    def _missing(self, href: str, here: str) -> bool:
        """Whether a relative link leads to no file of the docs folder."""
        if not href or re.match(r"^[a-zA-Z][\w+.-]*:|^/|^#", href):
            return False
        path = posixpath.normpath(posixpath.join(here, href.split("#")[0].split("?")[0]))
        if path.startswith("../"):
            return True
        target = self.project.docs_dir / path
        return not (target.exists() or target.with_suffix(".md").is_file())

    @staticmethod
    def _dead(parent: Element, k: int, link: Element, what: str) -> None:
        """The link ``link`` (child ``k`` of ``parent``) as its words, saying where it led."""
        span = Element(
            "span", {"class": "ptn-dead-link", "title": f"In the post, {what}, {_ABSENT}"}
        )
        span.text, span.tail = link.text, link.tail
        span.extend(list(link))
        parent[k] = span


_ABSENT = "which this site does not hold"


def _written(href: str, original: str) -> bool:
    """Whether a link's address is one of the post's own, written in its original.

    Only these are mended; a link the site's pages add is left for the builder to check.
    """
    return bool(href) and bool(original) and (href in original or unquote(href) in original)
