"""What the site shows that the pages do not hold: outputs, badges, bylines, lists, totals.

Everything here is computed from the page model (:mod:`notesite.model`) and the records
(:mod:`notesite.outputs`); the build never executes a snippet. The Markdown extension
(:mod:`notesite.extension`) puts it on the pages, in MkDocs and Zensical alike.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from notesite import outputs as _outputs
from notesite.model import (
    CHECKED,
    CHECKED_ON_CUDA,
    CORRECTED,
    NOT_A_CLAIM,
    STATUSES,
    UNCHECKED,
    Check,
    Claim,
    Page,
    parse_page,
    slugify,
)
from notesite.project import Project
from notesite.safety import link_words, markdown_text

#: Where the extension's warnings go (MkDocs counts them, and fails a strict build on one).
LOG = logging.getLogger("mkdocs.plugins.notesite")

ERRATA_MARKER = "<!-- ptnotes:errata -->"
SUMMARY_MARKER = "<!-- ptnotes:summary -->"
VERIFICATION_MARKER = "<!-- ptnotes:verification -->"
#: On the home page and the notes' index: every post of the site (see :func:`posts_list`).
POSTS_MARKER = "<!-- ptnotes:posts -->"


def _short_torch(text: str) -> str:
    match = re.search(r"torch (\d+\.\d+)", text)
    return f"torch {match[1]}" if match else text


#: The states a block's run can be in: one vocabulary, the legend's (docs/verification.md).
CPU_VERIFIED = "CPU verified"
CUDA_VERIFIED = "CUDA verified"
CUDA_NOT_YET_RUN = "CUDA not yet run"
SKIPPED = "skipped"
NOT_YET_RUN = "not yet run"
#: Outputs of at most this many lines are shown whole; longer ones in a box that scrolls.
OUTPUT_LINES = 15


def _state(kind: str, text: str, detail: str) -> str:
    """One state: a chip that opens on a click or tap to say where and when."""
    return (
        f'<details class="ptn-state ptn-state--{kind}"><summary>{html.escape(text)}</summary>'
        f"<span>{html.escape(detail)}</span></details>"
    )


def badges(entry: _outputs.Entry | None, cuda: bool = False) -> str:
    """The states of one block, from its record: where it was verified (:data:`CPU_VERIFIED`…).

    A block that needs a CUDA GPU (``cuda``) says whether a CUDA run verified it; a block
    that needs none says nothing of CUDA. A block without a record (a preview before
    ``--update-outputs``) is "not yet run".
    """
    if entry is None:
        states = [
            _state(
                "pending", "Not yet run", "No run has recorded this block yet: make update-outputs"
            )
        ]
        return f'<span class="ptn-badges">{"".join(states)}</span>'
    states = []
    if "cpu" in entry.verified:
        cpu = entry.verified["cpu"]
        states.append(_state("ok", f"✓ {CPU_VERIFIED} · {_short_torch(cpu)}", f"Ran on CPU: {cpu}"))
    elif "cpu" in entry.skipped:
        reason = entry.skipped["cpu"]
        states.append(_state("skip", f"CPU: {SKIPPED}", f"Skipped on CPU: {reason}"))
    if "cuda" in entry.verified:
        where = entry.verified["cuda"]
        gpu = where.split(" · ")[0]
        states.append(_state("ok", f"✓ {CUDA_VERIFIED} · {gpu}", f"Ran on CUDA: {where}"))
    elif cuda:
        states.append(
            _state(
                "cuda-pending",
                CUDA_NOT_YET_RUN,
                "This block needs a CUDA GPU; no recorded CUDA run has run it yet",
            )
        )
    return f'<span class="ptn-badges">{"".join(states)}</span>'


def output_box(entry: _outputs.Entry | None) -> str:
    """A block's recorded output, open; one longer than :data:`OUTPUT_LINES` lines scrolls."""
    if entry is None or not entry.shown():
        return ""
    shown = entry.shown().rstrip("\n")
    # Each line its own span: a line that wraps keeps a hanging indent.
    text = "".join(
        f'<span class="ptn-line">{html.escape(line)}\n</span>' for line in shown.split("\n")
    )
    lines = shown.count("\n") + 1
    long = " ptn-output--long" if lines > OUTPUT_LINES else ""
    more = (
        f'<button type="button" class="ptn-show-all md-button">Show all {lines} lines</button>'
        if long
        else ""
    )
    # A box that scrolls takes the keyboard's focus, so it scrolls without a mouse too.
    focus = f' tabindex="0" role="region" aria-label="Output of block {entry.block}"'
    return (
        f'<details class="ptn-output{long}" open><summary>Output</summary>'
        f'<pre class="ptn-console"{focus if long else ""}><code>{text}</code></pre>{more}'
        "</details>"
    )


def proof(entry: _outputs.Entry | None, cuda: bool = False, releases: str = "") -> str:
    """What the site shows under a block: its states on one line, then its output.

    ``releases`` says on which PyTorch releases the block holds (the release matrix): where
    it holds on every release tried, the CPU chip says so (``✓ CPU verified · torch 2.4 to
    2.15``); otherwise a chip of its own says where it holds and what differs.
    """
    states = badges(entry, cuda)
    if releases:
        everywhere = releases.startswith("holds on torch ") and ";" not in releases
        marked = f"✓ {CPU_VERIFIED} · torch "
        if everywhere and entry is not None and "cpu" in entry.verified and marked in states:
            span = releases.removeprefix("holds on torch ")
            cpu = entry.verified["cpu"]
            states = states.replace(
                f"{marked}{_short_torch(cpu).removeprefix('torch ')}</summary>",
                f"{marked}{span}</summary>",
                1,
            ).replace(
                f"Ran on CPU: {html.escape(cpu)}",
                html.escape(f"Ran on CPU: {cpu}; the release matrix: {releases}"),
                1,
            )
        elif not (releases.startswith("skipped on ") and ";" not in releases):
            # (Skipped on every release, as on this machine: the CPU chip says so already.)
            # A failure leads, in the failure's colour; the chip opens to each release's error.
            label = releases.split(";")[0].split(" (")[0]
            kind = "fail" if releases.startswith("fails on ") else "pending"
            chip = _state(kind, label, f"The release matrix: {releases}")
            states = states.removesuffix("</span>") + chip + "</span>"
    return f'<div class="ptn-proof">{states}{output_box(entry)}</div>'


def word_diff(original: list[str], corrected: list[str]) -> str:
    """An erratum's original and correction as wrapped text, the changed words marked.

    Words (whitespace-separated, as Markdown source) the correction removes are ``<del>``,
    words it adds ``<ins>``; each change also says so in words for screen readers.
    """
    import difflib

    before = " ".join(" ".join(original).split()).split(" ")
    after = " ".join(" ".join(corrected).split()).split(" ")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(before[i1:i2])))
            continue
        if i2 > i1:
            removed = html.escape(" ".join(before[i1:i2]))
            out.append(f'<del><span class="ptn-sr">removed: </span>{removed}</del>')
        if j2 > j1:
            added = html.escape(" ".join(after[j1:j2]))
            out.append(f'<ins><span class="ptn-sr">added: </span>{added}</ins>')
    return (
        '<p class="ptn-word-diff"><span class="ptn-diff-label">The notes, corrected:</span> '
        + " ".join(out)
        + "</p>"
    )


def block_entries(page: Page, project: Project) -> list[_outputs.Entry | None]:
    """The record of each Python block of a page, in block order (None: not yet run).

    A block without a record, or a record without a block, is logged as a warning (under
    ``mkdocs.plugins.notesite``): a preview build shows the page, with "not yet run" under such
    a block, and a strict build fails on the warning.
    """
    record = project.record_path(page.src_uri)
    entries = _outputs.load(record, project.root)
    by_key = {entry.key: entry for entry in entries}
    keys = [block.key for block in page.blocks]
    missing = [block.number for block in page.blocks if block.key not in by_key]
    if missing:
        LOG.warning(
            "%s: expected a recorded output for block(s) %s, got none: shown as not yet run; "
            "record it with `make update-outputs` (pytest docs/ --update-outputs)",
            page.src_uri,
            missing,
        )
    stale = [entry for entry in entries if entry.key not in keys]
    if stale:
        listed = ", ".join(f"block {e.block} (code {e.key})" for e in stale)
        LOG.warning(
            "%s: the record holds %s that no longer exist on the page: "
            "record it anew with `make update-outputs` (pytest docs/ --update-outputs)",
            page.src_uri,
            listed,
        )
    return [by_key.get(key) for key in keys]


#: The title of a CUDA check that no recorded CUDA run has verified, before its claim.
CUDA_PENDING_TITLE = "CUDA not yet run:"
#: Its admonition type (its own colour and icon on the site).
CUDA_PENDING = "cuda-pending"
#: Its status on the Verification page.
CUDA_WRITTEN = CUDA_NOT_YET_RUN


def cuda_verification(check: Check, page: Page, project: Project) -> str | None:
    """Where a recorded CUDA run verified a CUDA check: "GPU · torch … · date", or None."""
    block = next((b for b in page.blocks if b.line == check.block_line), None)
    if block is None:
        return None
    entries = {e.key: e for e in _outputs.load(project.record_path(page.src_uri), project.root)}
    entry = entries.get(block.key)
    return entry.verified.get("cuda") if entry is not None else None


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


def byline(post: dict[str, Any]) -> str:
    """The line under a note page's title: the post it comes from and its date.

    The subtitle and the date are each left out when the post has none.
    """
    title = html.escape(str(post.get("title", "")))
    subtitle = html.escape(str(post.get("subtitle") or ""))
    date = html.escape(str(post.get("date") or "").split(" ")[0])
    about = f" ({subtitle})" if subtitle else ""
    written = f', written <time datetime="{date}">{date}</time>' if date else ""
    return f'<p class="post-byline">From the post <em>{title}</em>{about}{written}.</p>'


def posts_list(project: Project, here: str) -> str:
    """The Markdown list of every post of the site, linked from the page ``here``.

    One item per post of the originals folder, in the nav order of their pages: its title
    (a link to its index page, else its first page), subtitle, date and number of pages,
    then its topics (each page, linked).
    """
    from notesite.fidelity import originals, post_index, post_pages
    from notesite.model import parse_page, post_meta, read_markdown

    folder = posixpath.dirname(here)
    items: list[tuple[int, str]] = []
    nav = list(project.nav)
    for name in originals(project):
        where = f"{project.originals_dir.name}/{name}"
        original = parse_page(
            read_markdown(project.originals_dir / name, where), where, note=False, page=False
        )
        meta, _ = post_meta(original, name)
        title = str(meta["title"])
        words = markdown_text(title)
        pages = post_pages(project, title)
        index = post_index(project, title)
        target = index or (pages[0] if pages else None)
        if target is None:
            continue
        link = posixpath.relpath(target.src_uri, folder or ".")
        about = [f"*{markdown_text(str(meta['subtitle']))}*"] if meta.get("subtitle") else []
        if meta.get("date"):
            about.append(f"written {markdown_text(str(meta['date']).split(' ')[0])}")
        about.append(f"{len(pages)} page{'s' if len(pages) != 1 else ''}")
        # Its topics: the pages, each a link, as the reader meets them in the nav.
        topics = ", ".join(
            f"[{link_words(page.title)}]({posixpath.relpath(page.src_uri, folder or '.')})"
            for page in pages
        )
        entry = f"- [{words}]({link}): {', '.join(about)}" + (f"<br>{topics}" if topics else "")
        items.append((nav.index(target.src_uri), entry))
    return "\n".join(item for _, item in sorted(items)) + "\n"


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


LIST_MARKER = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
FENCE_OPENING = re.compile(r"^(?:`{3,}|~{3,})\S*(?:\s+(?:continuation|fixture:\S+))*\s*")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
#: The longest claim text shown in the Verification list, in characters.
CLAIM_TEXT = 110


def claim_text(claim: Claim) -> str:
    """A claim as the Verification list shows it: its words (links as text), kept short."""
    if claim.snippet:
        code = FENCE_OPENING.sub("", claim.unit.text).rstrip("`~ ")
        return f"Snippet: `{_short(code.split(' #')[0], 60).replace('`', '')}`"
    text = LINK.sub(r"\1", LIST_MARKER.sub("", claim.text))
    text = _short(text, CLAIM_TEXT)
    return text + "`" if text.count("`") % 2 else text


def _short(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _markdown_text(text: str) -> str:
    """Text (an error's last line, say) as Markdown shows it literally: nothing it marks up."""
    escaped = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]{}|#+!~])", r"\\\1", escaped)


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
    for page in pages:
        if not page.claims:
            continue
        anchor = "claims-" + slugify(page.src_uri.removesuffix(".md").replace("/", "-"))
        lines += ["", f"### [{page.title}]({page.src_uri}) {{: #{anchor} .ptn-claims-page }}", ""]
        for claim in page.claims:
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
                *([_markdown_text(held)] if held else []),
            ]
            words = claim_text(claim).replace("[", "\\[").replace("]", "\\]")
            lines.append(
                f"- [{words}]({page.src_uri}{anchor}) (line {claim.line}): " + " · ".join(details)
            )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Totals:
    """The site's totals, from the pages and the records."""

    blocks: int
    executed_cpu: int
    skipped_cpu: int
    verified_cuda: int
    claims: int
    claims_checked: int
    claims_corrected: int
    not_claims: int
    claims_unchecked: int
    errata: int


def totals(project: Project) -> Totals:
    """Count the Python blocks of every page, what their records say, and the claims."""
    blocks = executed = skipped = cuda = errata = 0
    statuses: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for page in project.pages():
        errata += len(page.errata)
        for claim in page.claims:
            if not claim.snippet:
                statuses[claim.status] += 1
        if not page.blocks:
            continue
        blocks += len(page.blocks)
        record = project.record_path(page.src_uri)
        by_key = {e.key: e for e in _outputs.load(record, project.root)}
        for block in page.blocks:
            entry = by_key.get(block.key)
            if entry is None:
                continue
            executed += "cpu" in entry.verified
            skipped += "cpu" in entry.skipped
            cuda += "cuda" in entry.verified
    return Totals(
        blocks,
        executed,
        skipped,
        cuda,
        sum(statuses.values()),
        statuses[CHECKED],
        statuses[CORRECTED],
        statuses[NOT_A_CLAIM],
        statuses[UNCHECKED],
        errata,
    )


def totals_table(t: Totals) -> str:
    """The totals as a Markdown table for the home page."""
    rows = [
        ("Python blocks on the site", t.blocks),
        ("executed on CPU, output recorded", t.executed_cpu),
        ("skipped on CPU (need a CUDA GPU)", t.skipped_cpu),
        ("verified on CUDA", t.verified_cuda),
        ("claims of the notes (list items and paragraphs)", t.claims),
        ("claims checked by an executed block", t.claims_checked),
        ("claims corrected by an erratum and not checked", t.claims_corrected),
        ("units marked as not a claim", t.not_claims),
        ("claims not yet checked", t.claims_unchecked),
        ("errata: corrections of the notes (a corrected claim may also be checked)", t.errata),
    ]
    body = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return f"| What | Count |\n| --- | ---: |\n{body}\n"


#: The switch between the page and the section as its author wrote it (see as-written.js).
AS_WRITTEN_SWITCH = (
    '<button type="button" class="ptn-as-written-switch md-button" aria-pressed="false">'
    "As written</button>"
)
RELATIVE_LINK = re.compile(r'<a href="(?![a-z]+:|#)([^"]*)">(.*?)</a>', re.DOTALL)
RELATIVE_IMAGE = re.compile(r'<img alt="([^"]*)" src="(?![a-z]+:|/)([^"]*)"[^>]*>')
#: The Markdown extensions of the project that the author's section is not rendered with.
NOT_FOR_THE_AUTHOR = {"notesite", "toc", "pymdownx.snippets"}


def _highlight_tags(page: Page, project: Project) -> dict[str, str]:
    """The blog engine's highlight tags of the page's post: the code of each block -> its tag.

    Read through the page model: a post's model has the tag's block as a fence (see
    :func:`notesite.model.as_fences`), whose opening line in the file is the tag.
    """
    from notesite.fidelity import originals
    from notesite.model import HIGHLIGHT_OPEN, post_meta

    title = (page.meta.get("post") or {}).get("title") if isinstance(page.meta, dict) else None
    found: dict[str, str] = {}
    for name in originals(project):
        text = (project.originals_dir / name).read_text(encoding="utf-8")
        original = parse_page(text, name, note=False, page=False)
        if str(post_meta(original, name)[0].get("title")) != str(title):
            continue
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
    body = markdown.Markdown(extensions=names, extension_configs=configs).convert(
        "\n".join(_in_author_form(rebuild_page(page), page, project))
    )
    # A relative link of the post leads to another post of its blog, which the site does not
    # hold: its words are kept, the link (which would lead nowhere here) is not.
    body = RELATIVE_LINK.sub(
        lambda m: (
            f'<span class="ptn-dead-link" title="In the post, a link to {m[1]}, which this site '
            f'does not hold">{m[2]}</span>'
        ),
        body,
    )
    body = RELATIVE_IMAGE.sub(
        lambda m: (
            f'<span class="ptn-dead-link" title="In the post, an image at {m[2]}, which this '
            f'site does not hold">[{m[1] or "image"}]</span>'
        ),
        body,
    )
    # Its own anchors (a footnote's) get a prefix: the page's ids stay unique.
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    body = re.sub(r'\bid="([^"]+)"', r'id="as-written-\1"', body)
    body = re.sub(
        r'\bhref="#([^"]+)"',
        lambda m: f'href="#as-written-{m[1]}"' if m[1] in ids else m[0],
        body,
    )
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
