"""The pytest plugin behind ``--release-results`` (:mod:`notesite.matrix.plugin`)."""

from __future__ import annotations

import json

import pytest


def test_the_plugin_writes_one_result_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_some="""
        import pytest

        def test_passes():
            pass

        def test_fails():
            raise ValueError("the last line")

        @pytest.mark.skip(reason="needs a CUDA GPU")
        def test_skips():
            pass
        """
    )
    target = pytester.path / "results" / "2.13.0.json"
    outcome = pytester.runpytest_inprocess(f"--release-results={target}", "-p", "no:randomly")
    outcome.assert_outcomes(passed=1, failed=1, skipped=1)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {"torch", "build", "python", "platform", "date", "packages"} <= set(data)
    assert data["results"] == {
        "test_some.py::test_passes": {"outcome": "passed", "detail": ""},
        "test_some.py::test_fails": {"outcome": "failed", "detail": "ValueError: the last line"},
        "test_some.py::test_skips": {"outcome": "skipped", "detail": "needs a CUDA GPU"},
    }
