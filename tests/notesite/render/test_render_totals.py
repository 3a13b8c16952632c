"""The site's totals, counted from the model and the records."""

from __future__ import annotations

from pathlib import Path

from sitepages import one_page

from notesite import outputs
from notesite.model import code_hash
from notesite.render import totals as site_totals


def test_the_totals_count_the_model_and_the_records(tmp_path: Path) -> None:
    entries = [
        outputs.Entry(code_hash("print(1)"), 1, 3, "1\n", verified={"cpu": "torch 2 · d"}),
        outputs.Entry(code_hash("x = 2"), 2, 7, skipped={"cpu": "needs a CUDA GPU"}),
    ]
    page = "# P\n\n```python\nprint(1)\n```\n\n```python fixture:cuda\nx = 2\n```\n"
    project = one_page(tmp_path, page, outputs.dump(entries, "docs/page.md"))
    totals = site_totals.totals(project)
    assert (totals.blocks, totals.executed_cpu, totals.skipped_cpu, totals.verified_cuda) == (
        2,
        1,
        1,
        0,
    )
    table = site_totals.totals_table(totals)
    assert "| Python blocks on the site | 2 |" in table
