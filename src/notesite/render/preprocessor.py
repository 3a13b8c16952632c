"""The preprocessor that puts the site's additions into a page's Markdown, before it is read.

On a note page: the byline and actions under the title, each box's first line as a chip, an
anchor on each check, precise note and erratum, an erratum's diff as words, the output and
states under each Python block, and the "As written" section. On any page: the lists and
totals in place of their markers.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.preprocessors import Preprocessor

from notesite import matrix
from notesite.model import Check, Note, Page, PageError, shown_info
from notesite.outputs import RecordError
from notesite.project import Project
from notesite.render.as_written import as_written_html
from notesite.render.blocks import block_entries, proof
from notesite.render.boxes import as_chip, cuda_check_title, word_diff
from notesite.render.build_errors import build_error
from notesite.render.byline import page_head, post_pages
from notesite.render.lists import (
    ERRATA_MARKER,
    POSTS_MARKER,
    VERIFICATION_MARKER,
    errata_table,
    posts_list,
    verification_table,
)
from notesite.render.locate import PageHandOff, find_page
from notesite.render.references import post_footnotes, post_references
from notesite.render.totals import SUMMARY_MARKER, totals, totals_table

#: Marks an insert that replaces the line it stands before.
_DROP = "\x00drop"


def new_is_replace(new: list[str]) -> bool:
    """Whether an insert replaces the line it stands before."""
    return bool(new) and new[-1] == _DROP


class NotesitePreprocessor(Preprocessor):
    """Adds bylines, anchors, outputs, badges, lists and totals to a page's Markdown."""

    def __init__(self, md: Markdown, project: Project, hand_off: PageHandOff) -> None:
        """Render the pages of ``project``; hand each page on through ``hand_off``."""
        super().__init__(md)
        self.project = project
        self.hand_off = hand_off

    def run(self, lines: list[str]) -> list[str]:
        """Add what the site shows to the page these lines are."""
        try:
            return self._run(lines)
        except (PageError, RecordError, matrix.ResultsError) as error:
            raise build_error(str(error)) from None

    def _run(self, lines: list[str]) -> list[str]:
        found = find_page(self.md, self.project, lines)
        self.hand_off.hand_on(found[0] if found is not None else None)
        inserts: list[tuple[int, list[str]]] = []  # (index to insert before, lines)
        if found is not None:
            page, offset = found
            post_references(self.md, self.project, page)
            inserts = self._page_inserts(page, offset)
        # From the bottom up; at one place, a replaced line first, then what goes before it.
        for at, new in sorted(
            inserts, key=lambda pair: (pair[0], new_is_replace(pair[1])), reverse=True
        ):
            if new[-1] == _DROP:  # replaces the line at `at`
                lines[at : at + 1] = new[:-1]
            else:
                lines[at:at] = new
        if found is not None:
            lines += post_footnotes(self.project, found[0])  # cited here, defined elsewhere
            lines = post_pages(self.project, found[0], lines)
        return self._markers(lines, found[0] if found is not None else None)

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
                after(h1, ["", *page_head(self.project, page, post, self._stash), ""])
            author = as_written_html(page, self.project)
            inserts.append((len(lines) - offset, ["", self._stash(author), ""]))
        # Each box's first line as a chip: its type and title, a CUDA check's for what it is.
        titles = {a.start: (a.admonition, a.title) for a in page.additions if page.is_note}
        for claim in page.claims:
            for check in claim.checks:
                if check.cuda:
                    titles[check.line - 1] = cuda_check_title(check, page, self.project)
        for addition in page.additions:
            admonition, title = titles.get(addition.start, ("", ""))
            if title:  # replace the box's first line: an insert before it, the old one dropped
                inserts.append(
                    (addition.start - offset, [as_chip(addition, admonition, title), _DROP])
                )
        errata = {e.line - 1: e for e in page.errata}
        for addition in page.additions:
            erratum = errata.get(addition.start)
            diffs = [f for f in addition.fences if f.lang == "diff"]
            if erratum is None or len(diffs) != 1:
                continue
            # The diff shows as wrapped words, the changes marked, not as a clipped source line.
            fence = diffs[0]
            shown = word_diff(erratum.original, erratum.corrected)
            indent = " " * fence.indent
            inserts.append((fence.start - offset, [indent + self._stash(shown), _DROP]))
            inserts += [(line - offset, [_DROP]) for line in range(fence.start + 1, fence.end)]
        for fence in page.fences:
            # A fence pytest runs is shown in its language, however the author put it.
            opening, info = lines[fence.start], fence.info.strip()
            shown = shown_info(info)
            if shown != info and fence.options.runs and opening.rstrip().endswith(info):
                cut = len(opening.rstrip()) - len(info)
                inserts.append((fence.start - offset, [opening[:cut] + shown, _DROP]))
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
            entries = block_entries(page, self.project)
            among = list(matrix.results(self.project))
            for block, entry in zip(page.blocks, entries, strict=True):
                held = matrix.holding(self.project, [f"{page.src_uri}#{block.key}"])
                releases = matrix.describe(held, among) if among else ""
                shown = proof(entry, cuda=block.cuda, releases=releases)
                indent = " " * block.fence.indent
                after(block.fence.end - 1, ["", indent + self._stash(shown), ""])
        return inserts

    def _markers(self, lines: list[str], page: Page | None) -> list[str]:
        if page is not None and page.is_note:
            return lines  # a post's words: a marker its author wrote stays their comment
        here = page.src_uri if page is not None else "index.md"
        replacements = {
            POSTS_MARKER: lambda: posts_list(self.project, here),
            ERRATA_MARKER: lambda: errata_table(self.project.notes()),
            VERIFICATION_MARKER: lambda: verification_table(self.project.notes(), self.project),
            SUMMARY_MARKER: lambda: totals_table(totals(self.project)),
        }
        out: list[str] = []
        for line in lines:
            make = replacements.get(line.strip())
            out.extend(make().splitlines() if make else [line])
        return out
