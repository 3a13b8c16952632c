"""The series benchmark runs end to end on a small fixture project and prints its table."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_series.py"
FIXTURE = ROOT / "tests" / "notesite" / "sync" / "project"
pytestmark = pytest.mark.slow

POST = """---
title: {title}
date: '2022-03-0{day} 10:00'
---

## Part {day}

Words of part {day}, and a [link](./2022-03-01-one.markdown).
"""


def test_the_benchmark_prints_both_sites_side_by_side(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    posts = tmp_path / "posts"
    posts.mkdir()
    for day, title in [(1, "One"), (2, "Two")]:
        text = POST.format(title=title, day=day)
        (posts / f"2022-03-0{day}-{title.lower()}.markdown").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(posts), "--project", str(project),
         "--pytest-limit", "60", "--twice", "--record"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {
        cells[0]: cells[1:]
        for line in done.stdout.splitlines()
        if line.startswith("| ")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    # Each post twice (--twice): also as a post of the next day.
    assert rows["posts whole (every word on its pages)"] == ["1/1", "5/5"]
    assert rows["note pages"] == ["3", "7"]  # a post is one page
    assert rows["posts the sync refused"] == ["-", "0"]
    assert float(rows["HTML KB per note page, max"][1]) > 0
    assert rows["note pages over 100 KB"] == ["0", "0"]
    assert rows["the largest note page"][1].startswith("notes/")
    assert rows["build warnings"] == ["0", "0"]
    assert "pytest docs/ s" in rows
    assert rows["of which no run proved (must be 0)"] == ["0", "0"]
    (page,) = [key for key in rows if key.startswith("one page (") and "navigation" in key]
    today, series = map(float, rows[page])
    assert series <= today + 0.2, "the nav of a page grew with the posts of other months"
    assert rows["pytest docs/ --update-outputs outcome"][1].endswith(("passed", "s"))
