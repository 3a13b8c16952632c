"""The matrix's pytest plugin: one result per test of a release's run (``--release-results``).

The only part of the matrix that imports pytest; :mod:`notesite.pytest_plugin` loads it when
the option is given, and the build never does.
"""

from __future__ import annotations

import datetime
import json
import platform
import re
import time
from pathlib import Path
from typing import Any

import pytest

from notesite import model
from notesite.files import write_whole
from notesite.matrix.results import FAILED, PASSED, SKIPPED
from notesite.project import Project, find_root

#: The packages whose versions a result records (the release under test and what it pulls).
RECORDED = ("torch", "numpy", "kornia", "torchinfo", "torchsummary", "pytest")


def block_of(item: pytest.Item, project: Project) -> str | None:
    """``page#key`` of the block a test runs (None for a test that is not a page's block)."""
    src_uri = project.src_uri(Path(item.path))
    if src_uri is None or not src_uri.endswith(".md"):
        return None
    match = re.search(r"\[line:(\d+)\]", item.name)
    if match is None:
        return None
    line = int(match[1])
    try:
        page = project.page(src_uri)
    except model.PageError:
        return None
    for block in page.blocks:
        if block.line == line:
            return f"{src_uri}#{block.key}"
    for fence in page.doctests:
        if fence.start + 1 == line:
            return f"{src_uri}#{model.code_hash(fence.code)}"
    return None


def _detail(report: pytest.TestReport) -> str:
    """What a failure or skip says, in one line: the skip's reason, the error's last line."""
    if report.skipped:
        longrepr = report.longrepr
        if isinstance(longrepr, tuple):
            return str(longrepr[2]).removeprefix("Skipped: ")
        return str(longrepr)
    lines = [line for line in str(report.longrepr).splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^E?\s*\w*(Error|Exception|Warning)\b", line)]
    last = (errors or lines or [""])[-1]
    return last.removeprefix("E").strip()[:300]


def release_info() -> dict[str, Any]:
    """The release and machine a run is on: torch, its build, Python, platform, date."""
    from importlib.metadata import PackageNotFoundError, version

    import torch

    packages = {}
    for name in RECORDED:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            continue
    cuda = getattr(torch.version, "cuda", None)
    return {
        "torch": str(torch.__version__).split("+")[0],
        "build": f"CUDA {cuda}" if cuda else "CPU",
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "date": datetime.date.today().isoformat(),
        "packages": packages,
    }


class ResultsPlugin:
    """Collects one result per test; the controller writes them (``--release-results``)."""

    def __init__(self, config: pytest.Config) -> None:
        """Results for ``config``'s session."""
        self.config = config
        self.path = Path(str(config.getoption("release_results")))
        self.results: dict[str, dict[str, str]] = {}
        self.started = time.perf_counter()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        """Tag a block's report with its page and key (it travels to xdist's controller)."""
        report = yield
        if call.when == "setup":
            root = find_root(Path(str(item.config.rootpath)))
            if root is not None:
                block = block_of(item, Project.at(root))
                if block is not None:
                    report.user_properties.append(("ptnotes_block", block))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the report's outcome: a failure or skip in any phase, else a pass."""
        entry = self.results.setdefault(report.nodeid, {"outcome": PASSED, "detail": ""})
        for name, value in report.user_properties:
            if name == "ptnotes_block":
                entry["block"] = str(value)
        if report.failed and entry["outcome"] != FAILED:
            entry.update(outcome=FAILED, detail=_detail(report))
        elif report.skipped and entry["outcome"] == PASSED:
            entry.update(outcome=SKIPPED, detail=_detail(report))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the results (on xdist's controller, or a run without workers)."""
        if hasattr(self.config, "workerinput"):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = release_info()
        data["seconds"] = round(time.perf_counter() - self.started, 1)
        data["results"] = dict(sorted(self.results.items()))
        write_whole(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
