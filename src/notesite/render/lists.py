"""The site's lists, each in place of its marker: the posts, the errata, the claims.

Markdown computed from every note page in nav order (:mod:`notesite.model`) and the records;
the preprocessor (:mod:`notesite.render.preprocessor`) puts each where its marker stands.
"""

from __future__ import annotations

import html
import posixpath
from typing import Any

from notesite.model import (
    CHECKED_ON_CUDA,
    NOT_A_CLAIM,
    STATUSES,
    UNCHECKED,
    Claim,
    Page,
    post_tags,
    slugify,
)
from notesite.progress import by_post, is_verified, progress, progress_line
from notesite.project import Project
from notesite.render.boxes import CUDA_WRITTEN, cuda_verification
from notesite.render.posts import site_posts
from notesite.safety import markdown_text

ERRATA_MARKER = "<!-- ptnotes:errata -->"
VERIFICATION_MARKER = "<!-- ptnotes:verification -->"
#: On the home page and the notes' index: every post of the site (see :func:`posts_list`).
POSTS_MARKER = "<!-- ptnotes:posts -->"


def posts_list(project: Project, here: str) -> str:
    """The Markdown list of every post of the site, by year, newest first, linked from ``here``.

    A heading per year; under it, one line per post: its date, its title (a link to where
    the post starts on the site) and its tags. Two posts of one title are told apart by
    their dates. Posts without a date come last.
    """
    folder = posixpath.dirname(here)
    posts = sorted(site_posts(project), key=lambda post: post.date, reverse=True)
    out: list[str] = []
    year = None
    for post in posts:
        shown = post.date[:4] or "Undated"
        if shown != year:
            year = shown
            out += [*([""] if out else []), f"**{shown}**", "{: .ptn-year }", ""]
        link = posixpath.relpath(post.pages[0], folder or ".")
        tags = ", ".join(markdown_text(str(tag)) for tag in post_tags(post.meta))
        parts = [f"[{markdown_text(post.title)}]({link})"]
        parts = [post.date, *parts] if post.date else parts
        parts += [tags] if tags else []
        out.append("- " + " · ".join(parts))
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


def errata_table(pages: list[Page]) -> str:
    """The Markdown list of every erratum of the note pages, in nav order."""
    rows = []
    for page in pages:
        for erratum in page.errata:
            original = " ".join(line.strip() for line in erratum.original)
            rows.append(
                f"| [{_cell(erratum.short_title)}]({page.src_uri}#{erratum.slug}) | "
                f"`{page.src_uri}` line {erratum.line} | `` {_cell(original)} `` |"
            )
    if not rows:
        return "No erratum: every snippet of the notes runs as written.\n"
    header = "| Erratum | Where | The original |\n| --- | --- | --- |\n"
    return f"{len(rows)} errata.\n\n{header}" + "\n".join(rows) + "\n"


#: The longest claim text shown in the Verification list, in characters.
CLAIM_TEXT = 110


def claim_text(claim: Claim) -> str:
    """A claim as the Verification list shows it: its words (links as text), kept short."""
    if claim.snippet:
        code = " ".join((claim.unit.code or "").split())
        return f"Snippet: `{_short(code.split(' #')[0], 60).replace('`', '')}`"
    text = _short(claim.words, CLAIM_TEXT)
    return text + "`" if text.count("`") % 2 else text


def claim_statuses(claim: Claim, page: Page, project: Project) -> list[str]:
    """A claim's statuses for the Verification page; a CUDA check says whether it ran."""
    statuses = []
    for status in claim.statuses:
        if status != CHECKED_ON_CUDA:
            statuses.append(status)
            continue
        verified = [
            where
            for check in claim.checks
            if check.cuda and (where := cuda_verification(check, page, project))
        ]
        statuses.append(f"{CHECKED_ON_CUDA} ({verified[0]})" if verified else CUDA_WRITTEN)
    return statuses


def _short(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def verification_table(pages: list[Page], project: Project) -> str:
    """Every claim of the note pages, grouped by page: its status, boxes and releases.

    Args:
        pages: The note pages, in navigation order; links are relative to the docs root.
        project: The project (its records say which CUDA checks a CUDA run verified; its
            release matrix, on which PyTorch releases a claim's checks hold).

    Returns:
        A summary sentence, then per page a heading and one list item per claim (each unit
        of the notes' prose, and each snippet with a box under it), linked to its anchor: a
        list, so that it reads on a phone without scrolling sideways.
    """
    from notesite import matrix

    rows = [(page, claim) for page in pages for claim in page.claims]
    if not rows:
        return "No claim of the notes yet.\n"
    prose = [claim for _, claim in rows if not claim.snippet]
    by_status = {status: sum(c.status == status for c in prose) for status in STATUSES}
    snippets = len(rows) - len(prose)
    summary = (
        f"{len(prose)} claims of the notes on {len(pages)} pages: "
        + ", ".join(f"{count} {status}" for status, count in by_status.items())
        + f"; and {snippets} snippets with a check or an erratum under them."
    )
    among = list(matrix.results(project))
    lines = [summary]
    groups = by_post(pages)
    several = len(groups) > 1
    strict = {id(page): is_verified(project, page) for page in pages}
    for group in groups:
        first = group[0]
        if several:
            # A series: each post under its own heading, with how far it is verified.
            meta = first.meta.get("post")
            post: dict[str, Any] = meta if isinstance(meta, dict) else {}
            title = markdown_text(str(post.get("title") or first.title))
            date = html.escape(str(post.get("date") or "").split(" ")[0])
            anchor = "post-" + slugify(first.src_uri.removesuffix(".md").replace("/", "-"))
            counts = progress_line(progress(project, page) for page in group)
            state = "verified" if strict[id(first)] else f"not yet verified: {counts}"
            dated = f" ({date})" if date else ""
            lines += [
                "",
                f"### [{title}]({first.src_uri}){dated} {{: #{anchor} .ptn-claims-post }}",
                "",
                f"{state.capitalize()}.",
            ]
        for page in group:
            lines += _page_claims(page, project, among, several, strict[id(page)])
    return "\n".join(lines) + "\n"


def _page_claims(
    page: Page, project: Project, among: list[Any], several: bool, strict: bool
) -> list[str]:
    """The claims of one page for :func:`verification_table`.

    Of a post not yet verified: those with a status, and how many wait.
    """
    from notesite import matrix

    lines: list[str] = []
    if page.claims:
        level = "####" if several else "###"
        anchor = "claims-" + slugify(page.src_uri.removesuffix(".md").replace("/", "-"))
        title = markdown_text(page.title)
        lines += ["", f"{level} [{title}]({page.src_uri}) {{: #{anchor} .ptn-claims-page }}", ""]
        waiting = 0
        for claim in page.claims:
            if not strict and claim.status == UNCHECKED:
                waiting += 1
                continue
            checks = [
                f"{page.src_uri}#{block.key}"
                for check in claim.checks
                if not check.cuda
                for block in page.blocks
                if block.line == check.block_line
            ]
            held = matrix.describe(matrix.holding(project, checks), among) if checks else ""
            anchor = f"#{claim.anchor}" if claim.anchor else ""
            status = claim.status
            if status == NOT_A_CLAIM:
                status = f"{NOT_A_CLAIM}: {claim.not_a_claim}"
            elif status == UNCHECKED:
                status = f"**{UNCHECKED}**"
            elif claim.via_snippet is not None:
                status += " (by its snippet's boxes)"
            details = [
                status,
                *claim_statuses(claim, page, project),
                *([markdown_text(held)] if held else []),
            ]
            words = claim_text(claim).replace("[", "\\[").replace("]", "\\]")
            lines.append(
                f"- [{words}]({page.src_uri}{anchor}) (line {claim.line}): " + " · ".join(details)
            )
        if waiting:
            lines.append(f"- {waiting} claims not yet checked (a post not yet verified)")
    return lines
