"""The live pages pass in another order than the files': no block depends on a page before it.

The suite itself runs ``docs/`` in file order (it is one of ``testpaths``); this gate runs it
reversed and shuffled. That a planted leak between blocks is caught, and what the order
options do, is tested on fixture pages in ``tests/notesite/test_pytest_plugin.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # pytest docs/ in-process, each time
@pytest.mark.parametrize(
    "order",
    [
        pytest.param(["-p", "no:randomly", "--reverse"], id="reversed"),
        pytest.param(["--randomly-seed=1"], id="shuffled"),
    ],
)
def test_the_docs_pass_in_another_order(pytester: pytest.Pytester, order: list[str]) -> None:
    result = pytester.runpytest_inprocess(
        "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(ROOT / "docs"), *order
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == outcomes.get("errors", 0) == 0, result.stdout.str()
    assert outcomes["passed"] > 50
