"""The Python-Markdown extension that puts the site's verification on its pages.

List it in ``mkdocs.yml`` under ``markdown_extensions:`` (MkDocs and Zensical both run
it)::

    markdown_extensions:
      - notesite:
          docs_dir: docs
          outputs_dir: outputs
          originals_dir: notes-original
          blog_url: https://example.github.io/   # optional: the author's blog

For each page it is given, it finds the page file under ``docs_dir`` whose body it is,
reads its model (:mod:`notesite.model`), and adds, before any other processing:

* on a note page, the byline under the title and an anchor on each check, precise note and
  erratum (the sentence that opens the box, as an ``attr_list`` id);
* under each Python block, its recorded output (collapsed) and the badges saying where it
  was verified, from ``outputs_dir``;
* in place of ``<!-- ptnotes:errata -->``, ``<!-- ptnotes:verification -->`` and
  ``<!-- ptnotes:summary -->``, the list of errata, the list of claims and the site's
  totals, computed from every note page in nav order.

It never executes a snippet. A broken page or record stops the build with a message that
names the file and line.

The extension only wires the renderer's processors (:mod:`notesite.render`) into a converter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension

from notesite.project import DEFAULTS, ConfigError, Project, ProjectError, find_root
from notesite.render.build_errors import build_error
from notesite.render.citations import CITATION_NUMBER, CitationNumber
from notesite.render.code import CompactCode
from notesite.render.folding import FoldNotes
from notesite.render.links import PostLinks
from notesite.render.locate import PageHandOff
from notesite.render.math import read_double_dollars
from notesite.render.preprocessor import NotesitePreprocessor
from notesite.render.references import PRIORITY as REFERENCES_PRIORITY
from notesite.render.references import AuthorsReferences
from notesite.safety import SafeHtml, SafeTitle

#: Runs after Python-Markdown's whitespace normalisation (30), before fences are read (25).
PRIORITY = 29
#: The projects read, by root, settings and config date (one at a time).
_PROJECTS: dict[tuple[str, tuple[tuple[str, Any], ...], int], Project] = {}


class NotesiteExtension(Extension):
    """The ``notesite`` Markdown extension (see the module's docs for its settings)."""

    def __init__(self, **kwargs: Any) -> None:
        """Take the settings: the folders, ``root`` and ``blog_url`` (see the module)."""
        self.config = {
            "root": ["", "the project root (default: the folder of mkdocs.yml, from the cwd up)"],
            "docs_dir": [DEFAULTS["docs_dir"], "the Markdown pages, relative to the root"],
            "outputs_dir": [DEFAULTS["outputs_dir"], "the recorded outputs"],
            "originals_dir": [DEFAULTS["originals_dir"], "the posts as their authors wrote them"],
            "blog_url": ["", "the author's blog, where a link to a post the site lacks leads"],
            # Read by the project (Project.paging), from mkdocs.yml: accepted here.
            "posts": [{}, "each post's settings by file name: {post.md: {pages: sections}}"],
        }
        super().__init__(**kwargs)

    def project(self) -> Project | None:
        """The project these settings name (None where no root is found)."""
        settings = self.getConfigs()
        root = Path(settings["root"]) if settings["root"] else find_root()
        if root is None:
            return None
        keys = ("docs_dir", "outputs_dir", "originals_dir", "blog_url")
        chosen = {key: settings[key] for key in keys}
        # A builder makes a Markdown converter per page: the project is read once per config.
        config = root / "mkdocs.yml"
        stamp = config.stat().st_mtime_ns if config.is_file() else 0
        key = (str(root.resolve()), tuple(sorted(chosen.items())), stamp)
        if key not in _PROJECTS:
            _PROJECTS.clear()
            try:
                _PROJECTS[key] = Project.at(root, chosen)
            except (ProjectError, ConfigError) as error:
                raise build_error(str(error)) from None
        return _PROJECTS[key]

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the preprocessor."""
        project = self.project()
        if project is not None:
            # The page of each conversion: found by the preprocessor, read by the links'.
            hand_off = PageHandOff()
            hand_off.extendMarkdown(md)
            md.preprocessors.register(
                NotesitePreprocessor(md, project, hand_off), "notesite", PRIORITY
            )
            # After the headings get their ids (toc, 5), before MkDocs checks the links (0).
            md.treeprocessors.register(PostLinks(md, project, hand_off), "notesite-links", 1)
            md.treeprocessors.register(FoldNotes(md), "notesite-fold-notes", 2)
            # The author's undefined reference links as text; no footnote's dead link back.
            md.treeprocessors.register(
                AuthorsReferences(md, hand_off), "notesite-references", REFERENCES_PRIORITY
            )
        # A citation's number before its link ("[1] [Author (2017)](url)") is text, as blog
        # engines show it; before the reference links (170) read it as "[1][Author (2017)]".
        md.inlinePatterns.register(CitationNumber(CITATION_NUMBER, md), "notesite-citation", 175)
        # kramdown's inline $$…$$, where the math extension reads $…$ inline (189.9): before it.
        read_double_dollars(md)
        # Before MkDocs reads the title (1) and the links (0): no unsafe link, script or handler.
        md.treeprocessors.register(SafeHtml(md), "notesite-safe-html", 1.5)
        md.treeprocessors.register(SafeTitle(md), "notesite-safe-title", 0.9)
        # Once the raw HTML (each highlighted block) is back in the page (30): the code in
        # fewer bytes, in the same colours (notesite.highlight).
        md.postprocessors.register(CompactCode(md), "notesite-compact-code", 25)


def makeExtension(**kwargs: Any) -> NotesiteExtension:
    """Python-Markdown's entry point for ``notesite``."""
    return NotesiteExtension(**kwargs)
