"""The site's totals, for the home page: blocks and where they ran, claims, errata, posts.

Counted from the pages (:mod:`notesite.model`) and the records (:mod:`notesite.outputs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from notesite import outputs as _outputs
from notesite.model import CHECKED, CORRECTED, NOT_A_CLAIM, STATUSES, UNCHECKED
from notesite.progress import by_post, is_verified
from notesite.project import Project
from notesite.verdicts import Verdict

#: On the home page: the site's totals (see :func:`totals_table`).
SUMMARY_MARKER = "<!-- ptnotes:summary -->"


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


#: The home page's table: each row says what it counts; the verdicts' rows go at
#: ``{verdicts}`` (:func:`totals_table`).
TABLE = """\
| What | Count |
| --- | ---: |
| posts on the site | {t.posts} |
| posts verified: every claim with a status, every block run | {t.verified_posts} |
| Python blocks on the site | {t.blocks} |
| executed on CPU, output recorded | {t.executed_cpu} |
| skipped on CPU (need a CUDA GPU) | {t.skipped_cpu} |
| verified on CUDA | {t.verified_cuda} |
{verdicts}| claims of the notes (list items and paragraphs) | {t.claims} |
| claims checked by an executed block | {t.claims_checked} |
| claims corrected by an erratum and not checked | {t.claims_corrected} |
| units marked as not a claim | {t.not_claims} |
| claims not yet checked | {t.claims_unchecked} |
| errata: corrections of the notes (a corrected claim may also be checked) | {t.errata} |
"""


def totals_table(t: Totals) -> str:
    """The totals as a Markdown table for the home page (:data:`TABLE`)."""
    verdicts = "".join(
        f"| not run: {kind} (a post not yet verified) | {n} |\n" for kind, n in t.verdicts
    )
    return TABLE.format(t=t, verdicts=verdicts)
