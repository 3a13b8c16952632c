"""Which page of the project a converter is given: by the path its builder names, else its text.

A builder (MkDocs, Zensical) hands the extension a page's Markdown without its front matter;
:func:`find_page` finds the page file it is the body of, so that only a page of the project
gets the site's additions.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from markdown import Markdown
from markdown.extensions import Extension

from notesite.model import Page
from notesite.project import Project


class PageHandOff(Extension):
    """The page a converter is converting: the preprocessor's hand-off to its treeprocessors.

    One per converter (``markdown.Markdown``), given to the processors that share it. The
    preprocessor finds the page (:func:`find_page`) as each conversion starts and hands it
    on (:meth:`hand_on`, None for Markdown that is no page of the project); a treeprocessor
    (:class:`notesite.render.links.PostLinks`) reads :attr:`page`. ``Markdown.reset()``
    clears it, so a converter used again never sees the page before: an ``Extension`` only
    so that the converter resets it (:meth:`extendMarkdown` registers no processor).
    """

    def __init__(self) -> None:
        """No page yet."""
        super().__init__()
        self._page: Page | None = None

    @property
    def page(self) -> Page | None:
        """The page of this conversion (None: no page of the project, or none handed on)."""
        return self._page

    def hand_on(self, page: Page | None) -> None:
        """Hand on the page this conversion converts (by the preprocessor, as it starts)."""
        self._page = page

    def reset(self) -> None:
        """Forget the page: called by ``Markdown.reset()``, before another conversion."""
        self._page = None

    def extendMarkdown(self, md: Markdown) -> None:
        """Be reset with ``md`` (:meth:`reset`)."""
        md.registerExtension(self)


#: The page index of each docs folder, with the page files' dates it was built from.
_INDEXES: dict[str, tuple[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, list[str]]]] = {}


def _normalised(text: str) -> str:
    text = text.removeprefix("\ufeff")  # a builder may hand a page's byte-order mark on
    return re.sub(r"(?m)^[ \t]+$", "", text.expandtabs(4)).strip()


def find_page(md: Markdown, project: Project, lines: list[str]) -> tuple[Page, int] | None:
    """The page these lines are the body of, and the offset of its lines in the file.

    Known by the page's path, as the builder names it (:func:`_page_path`): two pages may
    hold the same text. The lines must still be that page's body (a builder may run the
    extension on other Markdown of the page, a docstring say): otherwise nothing is
    added. Without a path (plain ``markdown.Markdown``), the page whose text the lines
    are, if exactly one page of the nav has that text; otherwise none.
    """
    text = _normalised("\n".join(lines))
    if not text:
        return None
    src_uri = _page_path(md, project)
    if src_uri is not None:
        if not (project.docs_dir / src_uri).is_file():
            return None
        page = project.page(src_uri)
        if _normalised("\n".join(page.lines[page.body_start :])) != text:
            return None
    else:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = _index(project).get(digest)
        if found is None or len(found) > 1:
            return None  # no page, or several with this text: which one is unknown
        page = project.page(found[0])
    body = page.lines[page.body_start :]
    first_here = next(i for i, line in enumerate(lines) if line.strip())
    first_there = next(i for i, line in enumerate(body) if line.strip())
    return page, page.body_start + first_there - first_here


def _page_path(md: Markdown, project: Project) -> str | None:
    """The path (under the docs folder) of the page being converted, as the builder knows it.

    MkDocs registers its ``relpath`` tree processor, which holds the page's file, before
    it converts the page; Zensical registers its rendering context, which holds the page.
    None where neither is there (plain ``markdown.Markdown``).
    """
    treeprocessors = md.treeprocessors
    if "relpath" in treeprocessors:
        file = getattr(treeprocessors["relpath"], "file", None)
        src_uri = getattr(file, "src_uri", None)
        if isinstance(src_uri, str):
            return src_uri
    for processor in md.preprocessors:
        if type(processor).__name__ == "ContextPreprocessor":
            path = getattr(getattr(processor, "page", None), "path", None)
            if isinstance(path, str) and path:
                return _under_docs(project, path)
    return None


def _under_docs(project: Project, path: str) -> str | None:
    """A page's path as a builder gives it, relative to the docs folder (None: not there)."""
    candidate = Path(path)
    if candidate.is_absolute():
        return project.src_uri(candidate)
    posix = candidate.as_posix()
    if (project.docs_dir / posix).is_file():
        return posix
    docs = project.docs_dir.name + "/"
    if posix.startswith(docs) and (project.docs_dir / posix[len(docs) :]).is_file():
        return posix[len(docs) :]
    return project.src_uri(project.root / posix)


def _index(project: Project) -> dict[str, list[str]]:
    """The pages of the nav by the hash of their normalised text.

    Built once for the project, and again only when a page file changes (``mkdocs
    serve``): a builder makes a converter per page, so the index outlives them.
    """
    stamps = []
    for src_uri in project.nav:
        try:
            stat = (project.docs_dir / src_uri).stat()
        except OSError:
            continue
        stamps.append((src_uri, stat.st_mtime_ns, stat.st_size))
    key = (str(project.docs_dir), tuple(stamps))
    cached = _INDEXES.get(key[0])
    if cached is not None and cached[0] == key:
        return cached[1]
    index: dict[str, list[str]] = {}
    for src_uri, _, _ in stamps:
        page = project.page(src_uri)
        text = _normalised("\n".join(page.lines[page.body_start :]))
        if text:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            index.setdefault(digest, []).append(src_uri)
    _INDEXES[key[0]] = (key, index)
    return index
