"""How far each post is verified, and what to do next: ``python -m notesite status``.

Read from the pages and their records only (nothing runs): per post, its claims by status
and its blocks by verdict (:mod:`notesite.verdicts`), and the next things an author can do
(the blocks that need the same setup, the pages with claims to check, the blocks to record).
``--json`` prints the same for tools.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from notesite import model
from notesite.progress import NOT_YET_RUN, block_verdicts, by_post, is_verified
from notesite.project import CONFIG, Project, find_root
from notesite.verdicts import Verdict

__all__ = ["PostStatus", "main", "post_statuses", "status_table"]


@dataclass
class PostStatus:
    """One post: its pages, claims by status, blocks by verdict and the next steps."""

    post: str
    date: str
    #: Marked verified (:func:`notesite.progress.is_verified`) and proved by its records:
    #: every block runs (or needs a CUDA GPU) and no claim is waiting for a check.
    verified: bool
    pages: list[str]
    claims: dict[str, int]
    blocks: dict[str, int]
    next: list[str] = field(default_factory=list)
    #: Marked verified (in ``mkdocs.yml`` or its original's front matter), proved or not.
    marked: bool = False


#: The verdicts of a verified post's blocks: it ran, or only a CUDA GPU can run it.
PROVED = frozenset({Verdict.RUNS.value, Verdict.NEEDS_GPU.value})


def _next_steps(project: Project, pages: list[model.Page], verified: bool) -> list[str]:
    steps: list[str] = []
    setups: dict[str, list[str]] = {}
    unrecorded: list[str] = []
    failing: list[str] = []
    for page in pages:
        record = project.record_path(page.src_uri)
        entries = {}
        if record.is_file():
            from notesite import outputs

            try:
                entries = {e.key: e for e in outputs.load(record)}
            except outputs.RecordError as error:
                steps.append(f"fix the record: {error}")
        for block in page.blocks:
            where = f"docs/{page.src_uri}:{block.line}"
            entry = entries.get(block.key)
            if entry is None:
                unrecorded.append(where)
                continue
            outcome = entry.outcome()
            if outcome.verdict is Verdict.NEEDS_SETUP:
                setups.setdefault(outcome.detail, []).append(where)
            elif outcome.verdict is Verdict.FAILS:
                failing.append(f"{where} ({outcome.detail})")
    for names, places in sorted(setups.items(), key=lambda item: -len(item[1])):
        count = f"{len(places)} blocks need" if len(places) > 1 else "1 block needs"
        steps.append(
            f"{count} the same setup ({names}): a setup box before {places[0]}, or "
            f"`continuation` where an earlier block defines it; at {', '.join(places)}"
        )
    if failing:
        steps.append("fails as written (a candidate for an erratum): " + "; ".join(failing[:3]))
    if unrecorded:
        steps.append(
            f"record {len(unrecorded)} block(s) with `make update-outputs`: {unrecorded[0]}"
            + (f" and {len(unrecorded) - 1} more" if len(unrecorded) > 1 else "")
        )
    for page in pages:
        waiting = [c for c in page.claims if c.status == model.UNCHECKED]
        if waiting:
            steps.append(
                f"{len(waiting)} claims to check on docs/{page.src_uri}, the first at line "
                f"{waiting[0].line}"
            )
    if not verified and not steps:
        steps.append("every claim has a status and every block runs: mark the post verified")
    return steps


def post_statuses(project: Project) -> list[PostStatus]:
    """The status of each post of the site (its note pages grouped by post), in nav order."""
    found = []
    for pages in by_post(project.notes()):
        first = pages[0]
        post = first.meta.get("post")
        post = post if isinstance(post, dict) else {}
        marked = is_verified(project, first)
        claims = Counter(c.status for p in pages for c in p.claims if not c.snippet)
        blocks = Counter(v for p in pages for v in block_verdicts(project, p))
        unproved = sum(n for v, n in blocks.items() if v not in PROVED)
        verified = marked and not unproved and not claims[model.UNCHECKED]
        steps = _next_steps(project, pages, marked)
        if marked and not verified:
            steps.insert(
                0,
                f"marked verified, not yet proved: {unproved} block(s) that do not run and "
                f"{claims[model.UNCHECKED]} claim(s) not yet checked; `pytest docs/` and the "
                "strict build fail until every block runs and every claim has a status",
            )
        found.append(
            PostStatus(
                str(post.get("title") or first.title),
                str(post.get("date") or "").split(" ")[0],
                verified,
                [f"docs/{p.src_uri}" for p in pages],
                {status: claims[status] for status in model.STATUSES if claims[status]},
                {v: blocks[v] for v in [*(k.value for k in Verdict), NOT_YET_RUN] if blocks[v]},
                steps,
                marked,
            )
        )
    return found


def _cell(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in counts.items()) or "none"


def status_table(statuses: Sequence[PostStatus]) -> str:
    """The statuses as text: one table of the posts, then each post's next steps."""
    rows = [("post", "date", "verified", "claims", "blocks")]
    for s in statuses:
        rows.append(
            (s.post, s.date, "yes" if s.verified else "no", _cell(s.claims), _cell(s.blocks))
        )
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    for s in statuses:
        if s.next:
            dated = f" ({s.date})" if s.date else ""
            lines += ["", f"{s.post}{dated}, next:"]
            lines += [f"  - {step}" for step in s.next[:5]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m notesite status [--json] [--root DIR]``: print each post's status."""
    parser = argparse.ArgumentParser(
        prog="python -m notesite status",
        description="How far each post is verified: claims by status, blocks by verdict, "
        "and what to do next. Reads the pages and records; runs nothing.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for tools")
    parser.add_argument("--root", type=Path, default=None, help=f"the project (with {CONFIG})")
    args = parser.parse_args(argv)
    root = args.root or find_root()
    if root is None or not (root / CONFIG).is_file():
        print(f"error: expected a project with {CONFIG}, got none around {Path.cwd()}")
        return 2
    try:
        statuses = post_statuses(Project.at(root))
    except model.PageError as error:
        print(f"error: {error}")
        return 2
    if args.json:
        print(json.dumps([asdict(s) for s in statuses], indent=2, ensure_ascii=False))
    else:
        print(status_table(statuses), end="")
    return 0
