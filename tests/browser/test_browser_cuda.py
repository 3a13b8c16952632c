"""A CUDA check looks like what it is: not yet run on a GPU, or checked there (with the GPU)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sitebrowser import FAKE_GPU, Browsing, Site, cuda_checks, goto, page_url, serve

from notesite.project import Project

pytestmark = pytest.mark.browser


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
    cuda_page = next(src for src in project.note_pages if cuda_checks(project, src))
    page = browse(color_scheme="light").new_page()
    goto(page, site(page_url(cuda_page)))
    pending = boxes(page, "article details.cuda-pending")
    checked = boxes(page, "article details.success")
    assert len(pending) == len(cuda_checks(project, cuda_page)) > 0
    assert all(box["title"].startswith("CUDA not yet run:") for box in pending)
    assert not any(box["title"].startswith("Checked on CUDA") for box in checked)
    assert {box["border"] for box in pending} == {"dashed"}
    assert {box["icon"] for box in pending}.isdisjoint({box["icon"] for box in checked})


def test_a_cuda_check_a_cuda_run_verified_shows_its_gpu(
    browse: Callable[..., Browsing], posts_site: Path
) -> None:
    """The copy of the project the fixture posts went into holds a faked CUDA record of the
    first CUDA check (``sitebrowser.fake_cuda_run``), built and served."""
    scratch = Project.at(posts_site)
    cuda_page = next(src for src in scratch.note_pages if cuda_checks(scratch, src))
    with serve(posts_site / "site") as site:
        page = browse(color_scheme="light").new_page()
        goto(page, site(page_url(cuda_page)))
        verified = [
            box
            for box in boxes(page, "article details.success")
            if box["title"].startswith("Checked on CUDA")
        ]
        pending = boxes(page, "article details.cuda-pending")
    assert [box["title"].split(":")[0] for box in verified] == [f"Checked on CUDA ({FAKE_GPU})"]
    assert verified[0]["border"] == "solid"
    assert len(pending) == len(cuda_checks(scratch, cuda_page)) - 1
