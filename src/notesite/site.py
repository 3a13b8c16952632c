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
    post_tags,
    slugify,
)
from notesite.progress import by_post, is_verified, progress, progress_line
from notesite.project import Project
from notesite.safety import markdown_text
from notesite.verdicts import Verdict

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
    if entry.verdict is not None:
        # A block of a post not yet verified that did not run: no green chip, no output.
        outcome = entry.outcome()
        tried = "; ".join(f"{device}: {text}" for device, text in sorted(entry.tried.items()))
        detail = outcome.verdict.explanation + (f" ({outcome.detail})" if outcome.detail else "")
        label = outcome.verdict.value[0].upper() + outcome.verdict.value[1:]
        state = _state("fail" if outcome.verdict is Verdict.FAILS else "skip", label, detail)
        note = _state("pending", "Not verified", f"Tried {tried}") if tried else ""
        return f'<span class="ptn-badges">{state}{note}</span>'
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
    if entry is None or entry.verdict is not None or not entry.shown():
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


def byline(post: dict[str, Any], progress: str = "") -> str:
    """The line under a note page's title: the post it comes from and its date.

    The subtitle and the date are each left out when the post has none. ``progress`` says,
    for a post not yet verified, how far it is (:func:`notesite.progress.progress_line`).
    """
    title = html.escape(str(post.get("title", "")))
    subtitle = html.escape(str(post.get("subtitle") or ""))
    date = html.escape(str(post.get("date") or "").split(" ")[0])
    about = f" ({subtitle})" if subtitle else ""
    written = f', written <time datetime="{date}">{date}</time>' if date else ""
    shown = (
        f' <span class="ptn-progress">Not yet verified: {html.escape(progress)}.</span>'
        if progress
        else ""
    )
    return f'<p class="post-byline">From the post <em>{title}</em>{about}{written}.{shown}</p>'


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


#: A post's file name as Jekyll names it: ``YYYY-MM-DD-slug.markdown`` (or ``.md``…).
POST_FILE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})-(?P<slug>[^/]+?)"
    r"\.(?:markdown|md|mdown|mkdn|mkd|html?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SitePost:
    """A post of the site: its original's file name, front matter and pages (nav order).

    ``pages[0]`` is where the post starts: its index page when it has one.
    """

    name: str
    meta: dict[str, Any]
    pages: tuple[str, ...]

    @property
    def title(self) -> str:
        """The post's title."""
        return str(self.meta.get("title", ""))

    @property
    def date(self) -> str:
        """The post's date, ``YYYY-MM-DD`` ("" when it has none)."""
        found = re.match(r"\d{4}-\d{2}-\d{2}", str(self.meta.get("date") or ""))
        if found:
            return found[0]
        named = POST_FILE.match(self.name)
        return f"{named['year']}-{named['month']}-{named['day']}" if named else ""

    @property
    def key(self) -> tuple[str, str]:
        """The post's date and slug, as a link to its file names it (:func:`post_key`)."""
        named = POST_FILE.match(self.name)
        slug = named["slug"] if named else re.sub(r"\.(markdown|md)$", "", self.name)
        return self.date, slug.lower()


def post_key(name: str) -> tuple[str, str] | None:
    """The date and slug (lower case) a post's file name gives, None if it names no post.

    >>> post_key("../2022/2022-03-15-deep-learning-rnn3-lstm.markdown")
    ('2022-03-15', 'deep-learning-rnn3-lstm')
    >>> post_key("image.png") is None
    True
    """
    found = POST_FILE.match(posixpath.basename(name))
    if found is None:
        return None
    return f"{found['year']}-{found['month']}-{found['day']}", found["slug"].lower()


def _source(page: Page) -> str | None:
    """The file name of the original a page names (front matter ``post: source:``)."""
    post = page.meta.get("post")
    if isinstance(post, dict) and post.get("source"):
        return posixpath.basename(str(post["source"]))
    return None


#: The posts of each project, with the files' dates they were read from.
_POSTS: dict[str, tuple[tuple[Any, ...], list[SitePost]]] = {}


def site_posts(project: Project) -> list[SitePost]:
    """Every post of the originals folder that has pages on the site, in nav order.

    A post's pages are those whose front matter names its original (``post: source:``),
    else, where no page names a source, those whose ``post: title:`` is its title. Read
    again only when an original or a page changes (a build asks once per page).
    """
    from notesite.fidelity import originals
    from notesite.model import post_meta, read_markdown

    names = originals(project)
    stamps: list[tuple[str, int, int]] = []
    for folder, files in ((project.originals_dir, names), (project.docs_dir, project.nav)):
        for name in files:
            try:
                stat = (folder / name).stat()
            except OSError:
                continue
            stamps.append((name, stat.st_mtime_ns, stat.st_size))
    key = tuple(stamps)
    cached = _POSTS.get(str(project.root))
    if cached is not None and cached[0] == key:
        return cached[1]
    notes = [
        project.page(src)
        for src in project.nav
        if src.startswith("notes/") and src.endswith(".md") and (project.docs_dir / src).is_file()
    ]
    by_source: dict[str, list[str]] = {}
    by_title: dict[str, list[str]] = {}
    for page in notes:
        post = page.meta.get("post")
        if not isinstance(post, dict):
            continue
        source = _source(page)
        if source is not None:
            by_source.setdefault(source, []).append(page.src_uri)
        elif "title" in post:
            by_title.setdefault(str(post["title"]), []).append(page.src_uri)
    found: list[SitePost] = []
    for name in names:
        where = f"{project.originals_dir.name}/{name}"
        original = parse_page(
            read_markdown(project.originals_dir / name, where), where, note=False, page=False
        )
        meta, _ = post_meta(original, name)
        pages = by_source.get(name) or by_title.get(str(meta["title"])) or []
        if pages:
            indexes = [src for src in pages if src.endswith("index.md")]
            ordered = [*indexes[:1], *(src for src in pages if src not in indexes[:1])]
            found.append(SitePost(name, meta, tuple(ordered)))
    nav = list(project.nav)
    found.sort(key=lambda post: nav.index(post.pages[0]))
    _POSTS[str(project.root)] = (key, found)
    return found


def post_page(project: Project, name: str) -> str | None:
    """The page (its path under the docs folder) of the post whose file name is ``name``.

    A link of a post to another post names the other's file as its blog keeps it
    (``../2022/2022-03-15-deep-learning-rnn3-lstm.markdown``): the post of this site whose
    original has the same date and slug is that post (the date from the original's file
    name, else from its front matter). None when the site does not hold it.
    """
    wanted = post_key(name)
    if wanted is None:
        return None
    for post in site_posts(project):
        if post.key == wanted:
            return post.pages[0]
    return None


def blog_permalink(blog_url: str, name: str) -> str | None:
    """The address of a post on its Jekyll blog, from its file name (None: not a post's).

    Jekyll's default permalink (``date``): ``/YYYY/MM/DD/slug.html``.

    >>> blog_permalink("https://example.github.io/", "2022-03-15-rnn3-lstm.markdown")
    'https://example.github.io/2022/03/15/rnn3-lstm.html'
    """
    found = POST_FILE.match(posixpath.basename(name))
    if not blog_url or found is None:
        return None
    return (
        f"{blog_url.rstrip('/')}/{found['year']}/{found['month']}/{found['day']}/"
        f"{found['slug']}.html"
    )


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
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
#: The longest claim text shown in the Verification list, in characters.
CLAIM_TEXT = 110


def claim_text(claim: Claim) -> str:
    """A claim as the Verification list shows it: its words (links as text), kept short."""
    if claim.snippet:
        code = " ".join((claim.unit.code or "").split())
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
    groups = by_post(pages)
    several = len(groups) > 1
    strict = {id(page): is_verified(project, page) for page in pages}
    for group in groups:
        first = group[0]
        if several:
            # A series: each post under its own heading, with how far it is verified.
            meta = first.meta.get("post")
            post: dict[str, Any] = meta if isinstance(meta, dict) else {}
            title = _markdown_text(str(post.get("title") or first.title))
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
        title = _markdown_text(page.title)
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
                *([_markdown_text(held)] if held else []),
            ]
            words = claim_text(claim).replace("[", "\\[").replace("]", "\\]")
            lines.append(
                f"- [{words}]({page.src_uri}{anchor}) (line {claim.line}): " + " · ".join(details)
            )
        if waiting:
            lines.append(f"- {waiting} claims not yet checked (a post not yet verified)")
    return lines


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
    #: The posts on the site, and those verified (:func:`notesite.progress.is_verified`).
    posts: int = 0
    verified_posts: int = 0
    #: Blocks by recorded verdict other than "runs" (``needs setup`` …), in vocabulary order.
    verdicts: tuple[tuple[str, int], ...] = ()


def totals(project: Project) -> Totals:
    """Count the Python blocks of every page, what their records say, and the claims."""
    blocks = executed = skipped = cuda = errata = 0
    verdicts: dict[str, int] = {}
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
            if entry.verdict is not None:
                kind = entry.outcome().verdict.value
                verdicts[kind] = verdicts.get(kind, 0) + 1
                continue
            executed += "cpu" in entry.verified
            skipped += "cpu" in entry.skipped
            cuda += "cuda" in entry.verified
    groups = by_post(project.notes())
    verified = sum(is_verified(project, group[0]) for group in groups)
    kinds = [v.value for v in Verdict if v not in (Verdict.RUNS, Verdict.NEEDS_GPU)]
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
        len(groups),
        verified,
        tuple((kind, verdicts[kind]) for kind in kinds if verdicts.get(kind)),
    )


def totals_table(t: Totals) -> str:
    """The totals as a Markdown table for the home page."""
    rows = [
        ("posts on the site", t.posts),
        ("posts verified: every claim with a status, every block run", t.verified_posts),
        ("Python blocks on the site", t.blocks),
        ("executed on CPU, output recorded", t.executed_cpu),
        ("skipped on CPU (need a CUDA GPU)", t.skipped_cpu),
        ("verified on CUDA", t.verified_cuda),
        *((f"not run: {kind} (a post not yet verified)", n) for kind, n in t.verdicts),
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
