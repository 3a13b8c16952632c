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
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from notesite import matrix, site
from notesite.errors import InputError
from notesite.fidelity import post_source, post_title
from notesite.highlight import compact, share_with_page
from notesite.model import (
    CPU_LESSON,
    ERRATUM_KIND,
    HELPER,
    NOTE_KIND,
    PAGES_MARKER,
    SETUP,
    Check,
    Note,
    Page,
    PageError,
)
from notesite.notebook import notebook_path
from notesite.outputs import RecordError
from notesite.progress import is_verified, progress, progress_line
from notesite.project import DEFAULTS, ConfigError, Project, ProjectError, find_root
from notesite.safety import SafeHtml, SafeTitle, link_words, markdown_text

#: Runs after Python-Markdown's whitespace normalisation (30), before fences are read (25).
PRIORITY = 29
#: The boxes that fold away into a chip under their claim (a setup and a check already do):
#: the notes lead, the proof is a tap away.
FOLDED = (NOTE_KIND, HELPER, ERRATUM_KIND)
#: The page whose ``#legend`` says what the marks on a note page mean.
LEGEND_PAGE = "verification.md"
#: The projects read, by root, settings and config date (one at a time).
_PROJECTS: dict[tuple[str, tuple[tuple[str, Any], ...], int], Project] = {}
#: The page index of each docs folder, with the page files' dates it was built from.
_INDEXES: dict[str, tuple[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, list[str]]]] = {}
#: The anchors of each post's headings, with the pages' texts they come from.
_SECTIONS: dict[tuple[str, str | None], tuple[tuple[tuple[str, int], ...], dict[str, str]]] = {}
#: Marks an insert that replaces the line it stands before.
_DROP = "\x00drop"


def _build_error(message: str) -> Exception:
    """The error a builder reports without a traceback (MkDocs' PluginError where present)."""
    try:
        from mkdocs.exceptions import PluginError
    except ImportError:  # pragma: no cover - another builder
        return SiteError(message)
    return PluginError(message)


class SiteError(InputError):
    """A page or record the extension cannot render (names the file and line)."""


def _normalised(text: str) -> str:
    text = text.removeprefix("\ufeff")  # a builder may hand a page's byte-order mark on
    return re.sub(r"(?m)^[ \t]+$", "", text.expandtabs(4)).strip()


def new_is_replace(new: list[str]) -> bool:
    """Whether an insert replaces the line it stands before."""
    return bool(new) and new[-1] == _DROP


class NotesitePreprocessor(Preprocessor):
    """Adds bylines, anchors, outputs, badges, lists and totals to a page's Markdown."""

    def __init__(self, md: Markdown, project: Project, links: PostLinks) -> None:
        """Render the pages of ``project``; tell ``links`` which page it is."""
        super().__init__(md)
        self.project = project
        self.links = links

    def run(self, lines: list[str]) -> list[str]:
        """Add what the site shows to the page these lines are."""
        try:
            return self._run(lines)
        except (PageError, RecordError, matrix.ResultsError) as error:
            raise _build_error(str(error)) from None

    def _find(self, lines: list[str]) -> tuple[Page, int] | None:
        """The page these lines are the body of, and the offset of its lines in the file.

        Known by the page's path, as the builder names it (:meth:`_page_path`): two pages may
        hold the same text. The lines must still be that page's body (a builder may run the
        extension on other Markdown of the page, a docstring say): otherwise nothing is
        added. Without a path (plain ``markdown.Markdown``), the page whose text the lines
        are, if exactly one page of the nav has that text; otherwise none.
        """
        text = _normalised("\n".join(lines))
        if not text:
            return None
        src_uri = self._page_path()
        if src_uri is not None:
            if not (self.project.docs_dir / src_uri).is_file():
                return None
            page = self.project.page(src_uri)
            if _normalised("\n".join(page.lines[page.body_start :])) != text:
                return None
        else:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            found = self._index().get(digest)
            if found is None or len(found) > 1:
                return None  # no page, or several with this text: which one is unknown
            page = self.project.page(found[0])
        body = page.lines[page.body_start :]
        first_here = next(i for i, line in enumerate(lines) if line.strip())
        first_there = next(i for i, line in enumerate(body) if line.strip())
        return page, page.body_start + first_there - first_here

    def _page_path(self) -> str | None:
        """The path (under the docs folder) of the page being converted, as the builder knows it.

        MkDocs registers its ``relpath`` tree processor, which holds the page's file, before
        it converts the page; Zensical registers its rendering context, which holds the page.
        None where neither is there (plain ``markdown.Markdown``).
        """
        treeprocessors = self.md.treeprocessors
        if "relpath" in treeprocessors:
            file = getattr(treeprocessors["relpath"], "file", None)
            src_uri = getattr(file, "src_uri", None)
            if isinstance(src_uri, str):
                return src_uri
        for processor in self.md.preprocessors:
            if type(processor).__name__ == "ContextPreprocessor":
                path = getattr(getattr(processor, "page", None), "path", None)
                if isinstance(path, str) and path:
                    return self._under_docs(path)
        return None

    def _under_docs(self, path: str) -> str | None:
        """A page's path as a builder gives it, relative to the docs folder (None: not there)."""
        candidate = Path(path)
        if candidate.is_absolute():
            return self.project.src_uri(candidate)
        posix = candidate.as_posix()
        if (self.project.docs_dir / posix).is_file():
            return posix
        docs = self.project.docs_dir.name + "/"
        if posix.startswith(docs) and (self.project.docs_dir / posix[len(docs) :]).is_file():
            return posix[len(docs) :]
        return self.project.src_uri(self.project.root / posix)

    def _index(self) -> dict[str, list[str]]:
        """The pages of the nav by the hash of their normalised text.

        Built once for the project, and again only when a page file changes (``mkdocs
        serve``): a builder makes a converter per page, so the index outlives them.
        """
        stamps = []
        for src_uri in self.project.nav:
            try:
                stat = (self.project.docs_dir / src_uri).stat()
            except OSError:
                continue
            stamps.append((src_uri, stat.st_mtime_ns, stat.st_size))
        key = (str(self.project.docs_dir), tuple(stamps))
        cached = _INDEXES.get(key[0])
        if cached is not None and cached[0] == key:
            return cached[1]
        index: dict[str, list[str]] = {}
        for src_uri, _, _ in stamps:
            page = self.project.page(src_uri)
            text = _normalised("\n".join(page.lines[page.body_start :]))
            if text:
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                index.setdefault(digest, []).append(src_uri)
        _INDEXES[key[0]] = (key, index)
        return index

    def _run(self, lines: list[str]) -> list[str]:
        found = self._find(lines)
        inserts: list[tuple[int, list[str]]] = []  # (index to insert before, lines)
        if found is not None:
            page, offset = found
            inserts = self._page_inserts(page, offset)
        # From the bottom up; at one place, a replaced line first, then what goes before it.
        for at, new in sorted(
            inserts, key=lambda pair: (pair[0], new_is_replace(pair[1])), reverse=True
        ):
            if new[-1] == _DROP:  # replaces the line at `at`
                lines[at : at + 1] = new[:-1]
            else:
                lines[at:at] = new
        self.links.page = found[0] if found is not None else None
        if found is not None:
            lines = self._post_pages(found[0], lines)
        return self._markers(lines, found[0] if found is not None else None)

    def _post_pages(self, page: Page, lines: list[str]) -> list[str]:
        """An index page's ``<!-- ptnotes:pages -->``: its post's byline and pages, in nav order."""
        if not any(line.strip() == PAGES_MARKER for line in lines):
            return lines
        found = page.meta.get("post")
        post: dict[str, Any] = found if isinstance(found, dict) else {}
        source = post_source(page)
        here = posixpath.dirname(page.src_uri)
        listed = [
            f"- [{link_words(other.title)}]({posixpath.relpath(other.src_uri, here)})"
            for other in self.project.notes()
            if source is not None and post_source(other) == source
        ]
        date = markdown_text(str(post.get("date") or "").split(" ")[0])
        about = [f"*{markdown_text(str(post['subtitle']))}*"] if post.get("subtitle") else []
        about += [f"written {date}"] if date else []
        shown = [" · ".join(about), "", *listed] if about else listed
        out: list[str] = []
        for line in lines:
            out.extend(shown if line.strip() == PAGES_MARKER else [line])
        return out

    def _stash(self, html: str) -> str:
        return str(self.md.htmlStash.store(html))

    def _page_inserts(self, page: Page, offset: int) -> list[tuple[int, list[str]]]:
        inserts: list[tuple[int, list[str]]] = []
        lines = page.lines

        def after(line: int, new: list[str]) -> None:
            inserts.append((line + 1 - offset, new))

        post = page.meta.get("post")
        if page.is_note and isinstance(post, dict):
            h1 = next((line for line, level in page.headings if level == 1), None)
            if h1 is not None:
                line = site.byline(post, self._progress(page))
                after(h1, ["", *self._actions(page, line), ""])
            author = site.as_written_html(page, self.project)
            inserts.append((len(lines) - offset, ["", self._stash(author), ""]))
        firsts = {a.start: lines[a.start] for a in page.additions if page.is_note}
        for claim in page.claims:
            for check in claim.checks:
                if check.cuda:
                    firsts[check.line - 1] = self._retitle(lines, check, page)
        for addition in page.additions:
            if addition.start in firsts:
                new = _as_chip(firsts[addition.start], addition.kind)
                if new != lines[addition.start]:
                    # Replace the box's first line: an insert before it, the old one dropped.
                    inserts.append((addition.start - offset, [new, _DROP]))
        errata = {e.line - 1: e for e in page.errata}
        for addition in page.additions:
            erratum = errata.get(addition.start)
            diffs = [f for f in addition.fences if f.lang == "diff"]
            if erratum is None or len(diffs) != 1:
                continue
            # The diff shows as wrapped words, the changes marked, not as a clipped source line.
            fence = diffs[0]
            shown = site.word_diff(erratum.original, erratum.corrected)
            indent = " " * fence.indent
            inserts.append((fence.start - offset, [indent + self._stash(shown), _DROP]))
            inserts += [(line - offset, [_DROP]) for line in range(fence.start + 1, fence.end)]
        for marker in page.markers:
            # The not-a-claim markers are for the gate and the Verification page, not the reader.
            inserts += [(line - offset, [_DROP]) for line in range(marker.start, marker.end)]
        for claim in page.claims:
            boxes: list[Check | Note] = [*claim.checks, *claim.notes]
            targets = [(box.anchor_line - 1, box.slug) for box in boxes]
            if claim.erratum is not None:
                targets.append((claim.erratum.anchor_line - 1, claim.erratum.slug))
            for at, slug in targets:
                indent = " " * (len(lines[at]) - len(lines[at].lstrip(" ")))
                after(at, [f"{indent}{{: #{slug} }}"])
        if page.blocks:
            entries = site.block_entries(page, self.project)
            among = list(matrix.results(self.project))
            for block, entry in zip(page.blocks, entries, strict=True):
                held = matrix.holding(self.project, [f"{page.src_uri}#{block.key}"])
                releases = matrix.describe(held, among) if among else ""
                shown = site.proof(entry, cuda=block.cuda, releases=releases)
                indent = " " * block.fence.indent
                after(block.fence.end - 1, ["", indent + self._stash(shown), ""])
        return inserts

    def _progress(self, page: Page) -> str:
        """How far the page's post is verified ("" for a verified post or none)."""
        if is_verified(self.project, page):
            return ""
        source = post_source(page)
        pages = [p for p in self.project.notes() if post_source(p) == source]
        return progress_line(progress(self.project, p) for p in pages or [page])

    def _actions(self, page: Page, byline: str) -> list[str]:
        """The page's byline, then its actions: its notebook, Colab, source, "As written"."""
        notebook = notebook_path(page.src_uri)
        docs = self.project.docs_dir.relative_to(self.project.root).as_posix()
        links = [
            f"[Download notebook]({posixpath.relpath(notebook, posixpath.dirname(page.src_uri))})"
            f'{{ download="{posixpath.basename(notebook)}" }}'
        ]
        colab = self.project.colab_url(f"{docs}/{notebook}")
        if colab:
            links.append(f"[Open in Colab]({colab})")
        source = self.project.source_url(f"{docs}/{page.src_uri}")
        if source:
            links.append(f"[View source]({source})")
        if (self.project.docs_dir / LEGEND_PAGE).is_file():  # one legend, for every page
            legend = posixpath.relpath(LEGEND_PAGE, posixpath.dirname(page.src_uri))
            links.append(f"[What the marks mean]({legend}#legend)")
        switch = self._stash(site.AS_WRITTEN_SWITCH)
        return [self._stash(byline), "", " · ".join([*links, switch]), "{: .ptn-actions }"]

    def _retitle(self, lines: list[str], check: Check, page: Page) -> str:
        """A CUDA check's first line, for what it is: not yet run, or where a CUDA run ran it."""
        at = check.line - 1
        verified = site.cuda_verification(check, page, self.project)
        line = lines[at]
        indent = line[: len(line) - len(line.lstrip(" "))]
        marker = line.strip().split()[0]
        if verified is None:
            return f'{indent}{marker} {site.CUDA_PENDING} "{site.CUDA_PENDING_TITLE} {check.claim}"'
        return f'{indent}{marker} success "Checked on CUDA ({verified}): {check.claim}"'

    def _markers(self, lines: list[str], page: Page | None) -> list[str]:
        here = page.src_uri if page is not None else "index.md"
        replacements = {
            site.POSTS_MARKER: lambda: site.posts_list(self.project, here),
            site.ERRATA_MARKER: lambda: site.errata_table(self.project.notes()),
            site.VERIFICATION_MARKER: lambda: site.verification_table(
                self.project.notes(), self.project
            ),
            site.SUMMARY_MARKER: lambda: site.totals_table(site.totals(self.project)),
        }
        out: list[str] = []
        for line in lines:
            make = replacements.get(line.strip())
            out.extend(make().splitlines() if make else [line])
        return out


class FoldNotes(Treeprocessor):
    """A claim's precise notes go inside its check: one chip, "Checked · Precisely".

    On the page the notes stand right after the check (the model's rule); on the site, each
    folds into that check, after its own text, so the blocks keep the page's order.
    """

    def run(self, root: Element) -> None:
        """Move each precise note into the check before it."""
        for parent in root.iter():
            children = list(parent)
            check: Element | None = None
            for child in children:
                classes = child.get("class", "").split()
                if child.tag != "details":
                    check = None
                    continue
                if "success" in classes or "cuda-pending" in classes:
                    check = child  # the check right before the notes: the page's order stays
                elif "info" in classes and check is not None:
                    parent.remove(child)
                    check.append(child)
                    summary = check.find("summary")
                    if summary is not None and summary.find("span[@class='ptn-also']") is None:
                        also = Element("span", {"class": "ptn-also"})
                        also.text = " · Precisely"
                        summary.append(also)
                else:
                    check = None
        self._gather_helpers(root)

    @staticmethod
    def _gather_helpers(root: Element) -> None:
        """One "In ptnotes" chip per section, at its end, holding each pointer of the section.

        A section runs from a top-level heading to the next one of its level or higher.
        """
        parents = {child: parent for parent in root.iter() for child in parent}
        top = list(root)
        starts = [k for k, e in enumerate(top) if e.tag in ("h1", "h2")] or [0]
        bounds = [*starts, len(top)] if starts[0] == 0 else [0, *starts, len(top)]
        for first, end in itertools.pairwise(bounds):
            tips = [
                tip
                for element in top[first:end]
                for tip in element.iter("details")
                if "tip" in tip.get("class", "").split()
            ]
            if len(tips) < 2 and not (tips and parents[tips[0]] is not root):
                continue
            keep = tips[0]
            for tip in tips[1:]:
                for child in [c for c in tip if c.tag != "summary"]:
                    tip.remove(child)
                    keep.append(child)
                parents[tip].remove(tip)
            parents[keep].remove(keep)
            following = top[end] if end < len(top) else None  # the next section's heading
            at = list(root).index(following) if following is not None else len(root)
            root.insert(at, keep)
            parents[keep] = root


BOX_LINE = re.compile(
    r'^(?P<indent>\s*)(?P<marker>!!!|\?\?\?\+?) (?P<type>[\w-]+) "(?P<title>.*)"\s*$'
)


def _as_chip(line: str, kind: str) -> str:
    """A box's first line as the site shows it: folded, its title a label and the rest.

    A precise note, a helper pointer and an erratum fold away (``!!!`` becomes ``???``) like
    a check or a setup: closed, each box is a chip under the text it stands for. Its title's
    label ("Checked", "Precisely", "Erratum", up to the first colon) is all a closed chip
    shows; the rest (the claim again) shows when it opens, and screen readers read it whole.
    """
    match = BOX_LINE.match(line)
    if match is None:
        return line
    marker = "???" if match["marker"] == "!!!" and kind in FOLDED else match["marker"]
    title = match["title"]
    label, colon, rest = title.partition(": ")
    if kind == ERRATUM_KIND and colon and rest:  # the mark of a correction, where it stands
        title = f"Corrected<span class='ptn-rest'> (erratum): {rest}</span>"
    elif colon and rest:
        title = f"{label}<span class='ptn-rest'>: {rest}</span>"
    elif kind == CPU_LESSON:
        title = f"On a CPU<span class='ptn-rest'>: {title}</span>"
    elif kind == SETUP and " " in title:
        label, _, rest = title.partition(" ")
        title = f"{label}<span class='ptn-rest'> {rest}</span>"
    return f'{match["indent"]}{marker} {match["type"]} ptn-chip "{title}"'


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
    """

    def __init__(self, md: Markdown, project: Project) -> None:
        """The links of ``project``'s post pages."""
        super().__init__(md)
        self.project = project
        self.page: Page | None = None

    def run(self, root: Element) -> None:
        """Mend the links of the page, if it is a page of a post."""
        page = self.page
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
        for post in site.site_posts(self.project):
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
        (:func:`notesite.site.post_page`); a ``#section`` leads to the section's page. Without
        the post on the site, the link leads to the post on the author's blog when the project
        names the blog (``blog_url``): its Jekyll permalink. Else None.
        """
        path, _, anchor = href.partition("#")
        name = posixpath.basename(path.split("?")[0])
        found = site.post_page(self.project, name)
        if found is not None:
            target = found
            if anchor:
                target = self._anchor_page(found, unquote(anchor))
            link, _, at = target.partition("#")
            return posixpath.relpath(link, here or ".") + (f"#{at}" if at else "")
        blog = site.blog_permalink(self.project.blog_url, name)
        if blog is None:
            return None
        return blog + (f"#{anchor}" if anchor else "")

    def _anchor_page(self, start: str, anchor: str) -> str:
        """The page of the post starting at ``start`` that holds the heading ``anchor``.

        ``start#anchor`` when a heading of one of the post's pages has that anchor, else the
        post's first page alone (an anchor of the blog's that no heading here has).
        """
        from markdown.extensions.toc import slugify, slugify_unicode

        post = next((p for p in site.site_posts(self.project) if p.pages[0] == start), None)
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
                raise _build_error(str(error)) from None
        return _PROJECTS[key]

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the preprocessor."""
        project = self.project()
        if project is not None:
            links = PostLinks(md, project)
            md.preprocessors.register(
                NotesitePreprocessor(md, project, links), "notesite", PRIORITY
            )
            # After the headings get their ids (toc, 5), before MkDocs checks the links (0).
            md.treeprocessors.register(links, "notesite-links", 1)
            md.treeprocessors.register(FoldNotes(md), "notesite-fold-notes", 2)
        # A citation's number before its link ("[1] [Author (2017)](url)") is text, as blog
        # engines show it; before the reference links (170) read it as "[1][Author (2017)]".
        md.inlinePatterns.register(CitationNumber(CITATION_NUMBER, md), "notesite-citation", 175)
        # Before MkDocs reads the title (1) and the links (0): no unsafe link, script or handler.
        md.treeprocessors.register(SafeHtml(md), "notesite-safe-html", 1.5)
        md.treeprocessors.register(SafeTitle(md), "notesite-safe-title", 0.9)
        # Once the raw HTML (each highlighted block) is back in the page (30): the code in
        # fewer bytes, in the same colours (notesite.highlight).
        md.postprocessors.register(CompactCode(md), "notesite-compact-code", 25)


class CompactCode(Postprocessor):
    """Each highlighted block's tokens as few spans as its colours need (:mod:`.highlight`)."""

    def run(self, text: str) -> str:
        """The page's HTML, its highlighted blocks compacted, As written's shared."""
        return share_with_page(compact(text))


#: A bracketed number followed by a space and a link: a citation's number, as in
#: ``[1] [Vaswani et al. (2017)](https://arxiv.org/abs/1706.03762)``.
CITATION_NUMBER = r"\[(\d{1,4})\](?=[ \t]+\[[^\]]*\]\()"


class CitationNumber(InlineProcessor):
    """``[1]`` before a link, shown as the text it is.

    Python-Markdown would otherwise read ``[1] [words]`` as a reference link named by the
    words (and autorefs warn of a target they cannot find).
    """

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        """The number, bracketed, as text."""
        return AtomicString(m.group(0)), m.start(0), m.end(0)


def makeExtension(**kwargs: Any) -> NotesiteExtension:
    """Python-Markdown's entry point for ``notesite``."""
    return NotesiteExtension(**kwargs)
