"""The site's lists: the errata and the claims (the Verification page)."""

from __future__ import annotations

import re

from notesite.model import CHECKED, NOT_A_CLAIM, parse_page
from notesite.progress import by_post
from notesite.project import Project
from notesite.render import boxes, lists


def test_the_errata_list_follows_nav_order_and_quotes_the_original(project: Project) -> None:
    table = lists.errata_table(project.notes())
    errata = [(p.src_uri, e) for p in project.notes() for e in p.errata]
    rows = [line for line in table.splitlines() if line.startswith("| [")]
    assert len(rows) == len(errata) > 0
    for row, (src_uri, erratum) in zip(rows, errata, strict=True):
        assert f"]({src_uri}#{erratum.slug})" in row
        assert erratum.original[0].strip()[:20] in row
    assert lists.errata_table([]).startswith("No erratum")


def test_the_verification_list_has_an_item_per_claim_grouped_by_page(project: Project) -> None:
    # The seed's post, verified: its list as a site of one post shows it (a series groups
    # by post first: tests/notesite/test_progress.py).
    pages = by_post(project.notes())[0]
    listed = lists.verification_table(pages, project)
    items = [line for line in listed.splitlines() if line.startswith("- [")]
    headings = [line for line in listed.splitlines() if line.startswith("### [")]
    claims = [(p, c) for p in pages for c in p.claims]
    assert len(items) == len(claims) > 0
    assert [h.split("](")[0].removeprefix("### [") for h in headings] == [
        p.title for p in pages if p.claims
    ]
    for item, (page, claim) in zip(items, claims, strict=True):
        link = f"]({page.src_uri}#{claim.anchor})" if claim.anchor else f"]({page.src_uri})"
        assert link in item
        assert f" (line {claim.line}): " in item
        assert " · ".join(lists.claim_statuses(claim, page, project)) in item
        if claim.status == NOT_A_CLAIM:
            assert f"): not a claim: {claim.not_a_claim}" in item
        if any(check.cuda for check in claim.checks):
            assert boxes.CUDA_WRITTEN in item or "checked on CUDA (" in item
        if any(not check.cuda for check in claim.checks):  # the release matrix's word
            assert re.search(r" · (holds on torch|fails on|not yet verified on) ", item), item
    prose = [c for _, c in claims if not c.snippet]
    checked = sum(c.status == CHECKED for c in prose)
    assert listed.startswith(f"{len(prose)} claims of the notes on {len(pages)} pages: {checked} ")


def test_an_unchecked_claim_is_shown_as_such(project: Project) -> None:
    page = parse_page("# Page\n\n- A claim of the notes.\n", "notes/page.md")
    listed = lists.verification_table([page], project)
    assert "0 checked, 0 corrected by an erratum, 0 not a claim, 1 not yet checked" in listed
    assert "- [A claim of the notes.](notes/page.md) (line 3): **not yet checked**" in listed
