"""What a contributor sees when a block fails, and how a CUDA-only block is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from notesite.testing import pytest_run_page

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_a_broken_snippet_names_its_page_and_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text("# Broken\n\nSome text.\n\n```python\nx = 1\ny = x + undefined_name\n```\n")
    done = pytest_run_page(str(page))
    assert done.returncode == 1
    assert f'File "{page}", line 7' in done.stdout
    assert "NameError: name 'undefined_name' is not defined" in done.stdout


def test_a_broken_snippet_in_a_setup_box_names_its_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text('# Broken\n\n??? example "Setup"\n    ```python\n    1 / 0\n    ```\n')
    done = pytest_run_page(str(page))
    assert done.returncode == 1
    assert f'File "{page}", line 5' in done.stdout
    assert "ZeroDivisionError" in done.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="shows the CPU-only behaviour")
def test_a_cuda_block_skips_with_its_reason_on_cpu(tmp_path: Path) -> None:
    page = tmp_path / "cuda.md"
    page.write_text(
        "# CUDA\n\n```python fixture:cuda\nimport torch\ntorch.ones(1).to('cuda')\n```\n"
    )
    done = pytest_run_page(str(page))
    assert done.returncode == 0
    assert "1 skipped" in done.stdout
    assert "needs a CUDA GPU" in done.stdout
