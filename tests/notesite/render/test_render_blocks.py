"""What shows under a block: its states (badges) and its output, from its record."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitepages import one_page

from notesite import outputs
from notesite.model import code_hash
from notesite.render import blocks


def test_badges_say_where_a_block_was_verified() -> None:
    entry = outputs.Entry(code_hash("print(1)"), 1, 1, "1\n", None, {"cpu": "torch 2.13.0 · x"})
    assert "✓ CPU verified · torch 2.13" in blocks.badges(entry)
    assert "Ran on CPU: torch 2.13.0 · x" in blocks.badges(entry)  # opens on a tap
    assert "CUDA" not in blocks.badges(entry)  # a block that needs no GPU says nothing of CUDA
    shown = BeautifulSoup(blocks.output_box(entry), "html.parser").select_one("pre code")
    assert shown is not None
    assert shown.get_text() == "1\n"  # what the block printed, in the box's code
    assert '<details class="ptn-output" open>' in blocks.output_box(entry)
    assert blocks.output_box(outputs.Entry("k", 1, 1)) == ""


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
    badges = blocks.badges(entry)
    assert "✓ CUDA verified · NVIDIA H100" in badges
    assert "CPU: skipped" in badges
    assert "Skipped on CPU: needs a CUDA GPU" in badges
    assert "not yet run" not in badges


def test_a_block_without_record_is_shown_as_not_yet_run_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = one_page(tmp_path, "# P\n\n```python\nprint(1)\n```\n", None)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.notesite"):
        assert blocks.block_entries(project.page("page.md"), project) == [None]
    assert "page.md: expected a recorded output for block(s) [1], got none" in caplog.text
    assert "Not yet run" in blocks.badges(None)


def test_a_record_for_a_block_that_no_longer_exists_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    entries = [
        outputs.Entry(code_hash("print(1)"), 1, 3, "1\n"),
        outputs.Entry(code_hash("print(2)"), 2, 5, "2\n"),
    ]
    record = outputs.dump(entries, "docs/page.md")
    project = one_page(tmp_path, "# P\n\n```python\nprint(1)\n```\n", record)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.notesite"):
        (entry,) = blocks.block_entries(project.page("page.md"), project)
    assert entry is not None
    assert entry.stdout == "1\n"
    assert re.search(r"block 2 \(code [0-9a-f]{12}\) that no longer", caplog.text)


def test_a_cuda_block_no_cuda_run_verified_says_so_apart() -> None:
    entry = outputs.Entry("k", 1, 1, skipped={"cpu": "needs a CUDA GPU"})
    assert "CUDA not yet run" in blocks.badges(entry, cuda=True)
    assert "ptn-state--cuda-pending" in blocks.badges(entry, cuda=True)
    assert "CUDA not yet run" not in blocks.badges(entry, cuda=False)
    entry.verified["cuda"] = "Fake GPU · torch 9.9.0 · 2026-01-01"
    assert "✓ CUDA verified · Fake GPU" in blocks.badges(entry, cuda=True)


def test_a_long_output_scrolls_until_show_all() -> None:
    short = outputs.Entry("k", 1, 1, "\n".join(map(str, range(blocks.OUTPUT_LINES))) + "\n")
    long = outputs.Entry("k", 1, 1, "\n".join(map(str, range(blocks.OUTPUT_LINES + 1))) + "\n")
    assert "ptn-output--long" not in blocks.output_box(short)
    assert "Show all" not in blocks.output_box(short)
    assert "ptn-output--long" in blocks.output_box(long)
    assert f"Show all {blocks.OUTPUT_LINES + 1} lines" in blocks.output_box(long)
