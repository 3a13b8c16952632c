"""No block leaks global state into the next: the docs pass in any order."""

from __future__ import annotations

from pathlib import Path

import pytest

from notesite.testing import pytest_run

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

LEAKY_THEN_CHECKING = """# Two blocks

```python
import torch

torch.set_printoptions(profile="full")
torch.set_default_dtype(torch.float64)
torch.set_grad_enabled(False)
torch.manual_seed(1)
```

```python
import torch
from torch._tensor_str import PRINT_OPTS

assert PRINT_OPTS.threshold == 1000, "print options leaked"
assert torch.get_default_dtype() == torch.float32, "default dtype leaked"
assert torch.is_grad_enabled(), "grad mode leaked"
assert torch.initial_seed() == 67280421310721, "seed leaked"
```
"""


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(["-p", "no:randomly"], id="file-order"),
        pytest.param(["-p", "no:randomly", "--reverse"], id="reversed"),
        pytest.param(["--randomly-seed=1"], id="random-1"),
        pytest.param(["--randomly-seed=2"], id="random-2"),
        pytest.param(["--randomly-seed=3"], id="random-3"),
    ],
)
def test_the_docs_pass_in_any_order(order: list[str]) -> None:
    done = pytest_run("docs/", *order)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout


@pytest.mark.parametrize("reverse", [False, True], ids=["file-order", "reversed"])
def test_the_fixture_stops_a_planted_leak(tmp_path: Path, reverse: bool) -> None:
    page = tmp_path / "leaky.md"
    page.write_text(LEAKY_THEN_CHECKING, encoding="utf-8")
    extra = ["--reverse"] if reverse else []
    done = pytest_run(str(page), "-p", "no:randomly", "-p", "notesite.pytest_plugin", *extra)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout


def test_without_the_fixture_the_planted_leak_fails(tmp_path: Path) -> None:
    page = tmp_path / "leaky.md"
    page.write_text(LEAKY_THEN_CHECKING, encoding="utf-8")
    done = pytest_run(str(page), "-p", "no:randomly", "--noconftest")
    assert done.returncode == 1, done.stdout[-3000:]
    assert "print options leaked" in done.stdout
