"""A CUDA check shows whether a CUDA run verified it: on its page and in the Verification list."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from sitepages import render

from notesite import outputs
from notesite.project import Project

CONVERSIONS = "notes/data-type-conversions.md"


def cuda_boxes(soup: BeautifulSoup) -> tuple[list[str], list[str]]:
    """The titles of the pending CUDA checks, and of the verified ones."""
    pending = [d.summary.get_text() for d in soup.select("details.cuda-pending")]
    verified = [
        d.summary.get_text()
        for d in soup.select("details.success")
        if d.summary.get_text().startswith("Checked on CUDA (")
    ]
    return pending, verified


def test_a_cuda_check_no_cuda_run_verified_looks_pending(project: Project, scratch: Path) -> None:
    pending, verified = cuda_boxes(render(CONVERSIONS, scratch))
    cuda_checks = [c for claim in project.page(CONVERSIONS).claims for c in claim.checks if c.cuda]
    assert len(pending) == len(cuda_checks) > 0
    assert verified == []
    assert all(title.startswith("CUDA not yet run: ") for title in pending)
    table = render("verification.md", scratch).get_text()
    assert "CUDA not yet run" in table


def test_a_cuda_check_a_cuda_run_verified_shows_the_gpu(project: Project, scratch: Path) -> None:
    """A faked CUDA record in a scratch copy: the check shows as checked, with the GPU."""
    page = project.page(CONVERSIONS)
    check = next(c for claim in page.claims for c in claim.checks if c.cuda)
    block = next(b for b in page.blocks if b.line == check.block_line)
    record = scratch / "outputs" / f"{CONVERSIONS}.txt"
    entries = outputs.load(record)
    for entry in entries:
        if entry.key == block.key:
            entry.verified["cuda"] = "Fake GPU · torch 9.9.0 · 2026-01-01"
    record.write_text(outputs.dump(entries, f"docs/{CONVERSIONS}"), encoding="utf-8")
    pending, verified = cuda_boxes(render(CONVERSIONS, scratch))
    shown_claim = check.claim.replace("`", "")  # the title's code spans, as text
    assert verified == [f"Checked on CUDA (Fake GPU · torch 9.9.0 · 2026-01-01): {shown_claim}"]
    assert len(pending) == len([c for cl in page.claims for c in cl.checks if c.cuda]) - 1
    table = render("verification.md", scratch).get_text()
    assert "checked on CUDA (Fake GPU · torch 9.9.0 · 2026-01-01)" in table
