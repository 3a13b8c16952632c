"""What the site shows beside the pages: badges, outputs, the lists and the totals."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from notesite import outputs, site
from notesite.model import CHECKED, NOT_A_CLAIM, code_hash, parse_page
from notesite.project import Project

ROOT = Path(__file__).resolve().parents[2]


def test_badges_say_where_a_block_was_verified() -> None:
    entry = outputs.Entry(code_hash("print(1)"), 1, 1, "1\n", None, {"cpu": "torch 2.13.0 · x"})
    assert "✓ CPU verified · torch 2.13" in site.badges(entry)
    assert "Ran on CPU: torch 2.13.0 · x" in site.badges(entry)  # opens on a tap
    assert "CUDA" not in site.badges(entry)  # a block that needs no GPU says nothing of CUDA
    shown = BeautifulSoup(site.output_box(entry), "html.parser").select_one("pre code")
    assert shown is not None
    assert shown.get_text() == "1\n"  # what the block printed, in the box's code
    assert '<details class="ptn-output" open>' in site.output_box(entry)
    assert site.output_box(outputs.Entry("k", 1, 1)) == ""


def test_a_cuda_verification_shows_the_gpu() -> None:
    entry = outputs.Entry(
        "k",
        1,
        1,
        None,
        None,
        {"cuda": "NVIDIA H100 · torch 2.13.0 · 2026-11-26"},
        {"cpu": "needs a CUDA GPU"},
    )
    badges = site.badges(entry)
    assert "✓ CUDA verified · NVIDIA H100" in badges
    assert "CPU: skipped" in badges
    assert "Skipped on CPU: needs a CUDA GPU" in badges
    assert "not yet run" not in badges


def scratch(tmp_path: Path, page: str, record: str | None) -> Project:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: s\nnav:\n  - page.md\n", encoding="utf-8")
    if record is not None:
        (tmp_path / "outputs").mkdir()
        (tmp_path / "outputs" / "page.md.txt").write_text(record, encoding="utf-8")
    return Project.at(tmp_path)


def test_a_block_without_record_is_shown_as_not_yet_run_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = scratch(tmp_path, "# P\n\n```python\nprint(1)\n```\n", None)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.notesite"):
        assert site.block_entries(project.page("page.md"), project) == [None]
    assert "page.md: expected a recorded output for block(s) [1], got none" in caplog.text
    assert "Not yet run" in site.badges(None)


def test_a_record_for_a_block_that_no_longer_exists_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    entries = [
        outputs.Entry(code_hash("print(1)"), 1, 3, "1\n"),
        outputs.Entry(code_hash("print(2)"), 2, 5, "2\n"),
    ]
    record = outputs.dump(entries, "docs/page.md")
    project = scratch(tmp_path, "# P\n\n```python\nprint(1)\n```\n", record)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.notesite"):
        (entry,) = site.block_entries(project.page("page.md"), project)
    assert entry is not None
    assert entry.stdout == "1\n"
    assert re.search(r"block 2 \(code [0-9a-f]{12}\) that no longer", caplog.text)


def test_the_errata_list_follows_nav_order_and_quotes_the_original(project: Project) -> None:
    table = site.errata_table(project.notes())
    errata = [(p.src_uri, e) for p in project.notes() for e in p.errata]
    rows = [line for line in table.splitlines() if line.startswith("| [")]
    assert len(rows) == len(errata) > 0
    for row, (src_uri, erratum) in zip(rows, errata, strict=True):
        assert f"]({src_uri}#{erratum.slug})" in row
        assert erratum.original[0].strip()[:20] in row
    assert site.errata_table([]).startswith("No erratum")


def test_the_verification_list_has_an_item_per_claim_grouped_by_page(project: Project) -> None:
    pages = project.notes()
    listed = site.verification_table(pages, project)
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
        assert " · ".join(site.claim_statuses(claim, page, project)) in item
        if claim.status == NOT_A_CLAIM:
            assert f"): not a claim: {claim.not_a_claim}" in item
        if any(check.cuda for check in claim.checks):
            assert site.CUDA_WRITTEN in item or "checked on CUDA (" in item
        if any(not check.cuda for check in claim.checks):  # the release matrix's word
            assert re.search(r" · (holds on torch|fails on|not yet verified on) ", item), item
    prose = [c for _, c in claims if not c.snippet]
    checked = sum(c.status == CHECKED for c in prose)
    assert listed.startswith(f"{len(prose)} claims of the notes on {len(pages)} pages: {checked} ")


def test_an_unchecked_claim_is_shown_as_such(project: Project) -> None:
    page = parse_page("# Page\n\n- A claim of the notes.\n", "notes/page.md")
    listed = site.verification_table([page], project)
    assert "0 checked, 0 corrected by an erratum, 0 not a claim, 1 not yet checked" in listed
    assert "- [A claim of the notes.](notes/page.md) (line 3): **not yet checked**" in listed


def test_the_totals_count_the_model_and_the_records(tmp_path: Path) -> None:
    entries = [
        outputs.Entry(code_hash("print(1)"), 1, 3, "1\n", verified={"cpu": "torch 2 · d"}),
        outputs.Entry(code_hash("x = 2"), 2, 7, skipped={"cpu": "needs a CUDA GPU"}),
    ]
    page = "# P\n\n```python\nprint(1)\n```\n\n```python fixture:cuda\nx = 2\n```\n"
    project = scratch(tmp_path, page, outputs.dump(entries, "docs/page.md"))
    totals = site.totals(project)
    assert (totals.blocks, totals.executed_cpu, totals.skipped_cpu, totals.verified_cuda) == (
        2,
        1,
        1,
        0,
    )
    table = site.totals_table(totals)
    assert "| Python blocks on the site | 2 |" in table


def test_the_byline_names_the_post(project: Project) -> None:
    src = project.note_pages[0]
    post = parse_page(project.page(src).text, src).meta["post"]
    line = site.byline(post)
    assert f"<em>{post['title']}</em>" in line
    date = str(post["date"]).split(" ")[0]
    assert f'<time datetime="{date}">{date}</time>' in line


def test_a_cuda_block_no_cuda_run_verified_says_so_apart() -> None:
    entry = outputs.Entry("k", 1, 1, skipped={"cpu": "needs a CUDA GPU"})
    assert "CUDA not yet run" in site.badges(entry, cuda=True)
    assert "ptn-state--cuda-pending" in site.badges(entry, cuda=True)
    assert "CUDA not yet run" not in site.badges(entry, cuda=False)
    entry.verified["cuda"] = "Fake GPU · torch 9.9.0 · 2026-01-01"
    assert "✓ CUDA verified · Fake GPU" in site.badges(entry, cuda=True)


def test_a_long_output_scrolls_until_show_all() -> None:
    short = outputs.Entry("k", 1, 1, "\n".join(map(str, range(site.OUTPUT_LINES))) + "\n")
    long = outputs.Entry("k", 1, 1, "\n".join(map(str, range(site.OUTPUT_LINES + 1))) + "\n")
    assert "ptn-output--long" not in site.output_box(short)
    assert "Show all" not in site.output_box(short)
    assert "ptn-output--long" in site.output_box(long)
    assert f"Show all {site.OUTPUT_LINES + 1} lines" in site.output_box(long)
