"""The releases the matrix runs: torch's versions on PyPI, and an environment (``uv``) for each.

An environment takes 3 to 7 GB (the index's Linux wheels are CUDA builds, which run on the
CPU); :func:`run_release` removes it after its run unless asked to keep it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from notesite.matrix.results import FAILED, PASSED, SKIPPED, load, results_path, version_key
from notesite.project import Project

#: What each run covers: the site's pages and the helper package's tests.
TEST_PATHS = ("docs", "tests/ptnotes")
#: Where the environments live, under the project root (git-ignored).
ENVIRONMENTS = ".matrix"


def index_versions() -> list[str]:
    """Torch's final releases on the package index (PyPI's JSON API)."""
    import urllib.request

    with urllib.request.urlopen("https://pypi.org/pypi/torch/json", timeout=60) as answer:
        releases = json.load(answer)["releases"]
    return sorted(
        (v for v, files in releases.items() if files and re.fullmatch(r"\d+\.\d+\.\d+", v)),
        key=version_key,
    )


def admitted(versions: Sequence[str], bound: str) -> list[str]:
    """The newest patch of each minor release from ``bound`` up, oldest first.

    >>> admitted(["2.3.1", "2.4.0", "2.4.1", "2.5.0", "2.10.0"], "2.4")
    ['2.4.1', '2.5.0', '2.10.0']
    """
    newest: dict[tuple[int, ...], str] = {}
    for version in sorted(versions, key=version_key):
        if version_key(version)[:2] >= version_key(bound)[:2]:
            newest[version_key(version)[:2]] = version
    return [newest[minor] for minor in sorted(newest)]


@dataclass
class Run:
    """A release's run: its version, counts of each outcome, seconds, and what went wrong."""

    version: str
    counts: dict[str, int]
    seconds: float
    note: str = ""


def _environment(root: Path, version: str, uv: str) -> Path:
    """An environment with torch ``version`` and the project (created when not there)."""
    folder = root / ENVIRONMENTS / f"torch-{version}"
    python = folder / "bin" / "python"
    if python.is_file():
        return folder
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(folder)], check=True)
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(python), f"torch=={version}",
         "-e", f"{root}[test]"],
        check=True, cwd=root,
    )  # fmt: skip
    return folder


def run_release(project: Project, version: str, *, keep: bool, uv: str, workers: int) -> Run:
    """Run the blocks and the helper tests on ``version``; write its results.

    The run is ``pytest`` with ``--release-results`` (:mod:`notesite.matrix.plugin`) in the
    release's own environment.
    """
    start = time.perf_counter()
    root = project.root
    folder = _environment(root, version, uv)
    target = results_path(project, version)
    try:
        subprocess.run(
            [str(folder / "bin" / "python"), "-m", "pytest", *TEST_PATHS, "-q", "-p",
             "no:randomly", "-n", str(workers), "--release-results", str(target)],
            cwd=root, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    if not target.is_file():
        return Run(version, {}, time.perf_counter() - start, "no results (pytest did not start)")
    data = load(target)
    counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
    for entry in data["results"].values():
        counts[entry["outcome"]] += 1
    return Run(version, counts, time.perf_counter() - start)
