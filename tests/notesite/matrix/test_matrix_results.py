"""The results store: each release's file, read and checked (:mod:`notesite.matrix.results`)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite import matrix
from notesite.project import Project

#: The scratch page's two blocks, an outcome that passes, and the ``write`` fixture's type.
ONE, TWO = "print(1)\n", "print(2)\n"
PASS = ("passed", "")
Write = Callable[[Project, str, dict[str, tuple[str, str]]], None]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{bad", "outputs/releases/2.6.0.json: expected the release matrix's JSON, got "),
        ("{}", "outputs/releases/2.6.0.json: expected a mapping with 'results'"),
        (
            '{"results": {"t": {"outcome": "exploded", "detail": ""}}}',
            "outputs/releases/2.6.0.json: expected the outcome of t to be one of passed, "
            "failed, skipped, got 'exploded'",
        ),
        (
            '{"results": {"t": {"outcome": 3, "detail": ""}}}',
            "outputs/releases/2.6.0.json: expected the outcome of t to be one of passed, "
            "failed, skipped, got 3",
        ),
        (
            '{"results": {"t": {"outcome": "passed", "detail": 7}}}',
            "outputs/releases/2.6.0.json: expected the detail of t to be text, got int 7",
        ),
        (
            '{"results": {"t": ["passed"]}}',
            "outputs/releases/2.6.0.json: expected each test's result to be a mapping, got list",
        ),
    ],
)
def test_a_results_file_that_cannot_be_read_is_named(
    scratch: Project,
    write: Write,
    capsys: pytest.CaptureFixture[str],
    content: str,
    expected: str,
) -> None:
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    (scratch.outputs_dir / matrix.RELEASES / "2.6.0.json").write_text(content, encoding="utf-8")
    with pytest.raises(matrix.ResultsError, match="^" + re.escape(expected)):
        matrix.results(scratch)
    assert matrix.main(["--check", "--root", str(scratch.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {expected}")
    assert len(err.strip().splitlines()) == 1


def test_a_file_changed_on_disk_is_read_again(scratch: Project, write: Write) -> None:
    write(scratch, "2.4.1", {ONE: PASS})
    assert len(matrix.covered(matrix.results(scratch)["2.4.1"])) == 1
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    path = matrix.results_path(scratch, "2.4.1")
    later = path.stat().st_mtime_ns + 10**9  # a date other than the first read's
    os.utime(path, ns=(later, later))
    assert len(matrix.covered(matrix.results(scratch)["2.4.1"])) == 2


def test_a_project_without_a_torch_bound_is_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(matrix.ResultsError, match=r'^pyproject\.toml: expected .*"torch>=X"'):
        matrix.lower_bound(tmp_path)
