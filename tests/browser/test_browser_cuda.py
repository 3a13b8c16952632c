"""A CUDA check looks like what it is: not yet run on a GPU, or checked there (with the GPU)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from playwright.sync_api import Page
from sitebrowser import Browsing, Site, goto, page_url, serve

from notesite import outputs
from notesite.model import Check
from notesite.project import Project

pytestmark = pytest.mark.browser

CONVERSIONS = "notes/data-type-conversions.md"
FAKE_GPU = "Fake GPU · torch 9.9.0 · 2026-01-01"


def cuda_checks(project: Project) -> list[Check]:
    page = project.page(CONVERSIONS)
    return [check for claim in page.claims for check in claim.checks if check.cuda]


def boxes(page: Page, selector: str) -> list[dict[str, str]]:
    """Each box's title, border style and icon, as the reader's browser shows them."""
    found: list[dict[str, str]] = page.locator(selector).evaluate_all(
        """boxes => boxes.map(box => ({
            title: box.querySelector('summary').textContent,
            border: getComputedStyle(box).borderLeftStyle,
            icon: getComputedStyle(box.querySelector('summary'), '::before').maskImage,
        }))"""
    )
    return found


def test_a_cuda_check_no_run_verified_looks_pending(
    browse: Callable[..., Browsing], site: Site, project: Project
) -> None:
    page = browse(color_scheme="light").new_page()
    goto(page, site(page_url(CONVERSIONS)))
    pending = boxes(page, "article details.cuda-pending")
    checked = boxes(page, "article details.success")
    assert len(pending) == len(cuda_checks(project)) > 0
    assert all(box["title"].startswith("CUDA not yet run:") for box in pending)
    assert not any(box["title"].startswith("Checked on CUDA") for box in checked)
    assert {box["border"] for box in pending} == {"dashed"}
    assert {box["icon"] for box in pending}.isdisjoint({box["icon"] for box in checked})


def test_a_cuda_check_a_cuda_run_verified_shows_its_gpu(
    browse: Callable[..., Browsing],
    project_copy: Path,
    mkdocs_build: Callable[[Path, Path], CompletedProcess[str]],
) -> None:
    """A faked CUDA record in a scratch copy of the project, built and served."""
    scratch = Project.at(project_copy)
    check = cuda_checks(scratch)[0]
    block = next(b for b in scratch.page(CONVERSIONS).blocks if b.line == check.block_line)
    record = scratch.record_path(CONVERSIONS)
    entries = outputs.load(record)
    for entry in entries:
        if entry.key == block.key:
            entry.verified["cuda"] = FAKE_GPU
    record.write_text(outputs.dump(entries, f"docs/{CONVERSIONS}"), encoding="utf-8")
    built = project_copy / "site"
    done = mkdocs_build(project_copy, built)
    assert done.returncode == 0, done.stderr
    with serve(built) as site:
        page = browse(color_scheme="light").new_page()
        goto(page, site(page_url(CONVERSIONS)))
        verified = [
            box
            for box in boxes(page, "article details.success")
            if box["title"].startswith("Checked on CUDA")
        ]
        pending = boxes(page, "article details.cuda-pending")
    assert [box["title"].split(":")[0] for box in verified] == [f"Checked on CUDA ({FAKE_GPU})"]
    assert verified[0]["border"] == "solid"
    assert len(pending) == len(cuda_checks(scratch)) - 1
