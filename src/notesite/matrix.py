"""The claim x release matrix: every block and test of the project on each PyTorch release.

``python -m notesite matrix`` takes each minor release of PyTorch that the project admits
(``torch>=X`` in ``pyproject.toml``, up to the newest on the package index; the newest patch
of each), makes an isolated environment with it (``uv``), and runs ``pytest docs/`` and the
``ptnotes`` tests there with ``--release-results``: one result per test (passed, failed with
its error's last line, skipped with its reason), and, for a block of a page, the block's key
(the hash of its code), so that a result older than the block's code counts as not verified.

Results go to ``outputs/releases/<version>.json``. One release at a time; a table as it goes;
a release whose results cover every current block is not run again (``--force`` runs it).
An environment takes 3 to 7 GB (the index's Linux wheels are CUDA builds, which run on the CPU):
it is removed after its run unless ``--keep``.
"""

from __future__ import annotations

import datetime
import json
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from notesite import model
from notesite.errors import InputError
from notesite.project import Project

#: The results' folder, under the outputs folder.
RELEASES = "releases"
#: What each run covers: the site's pages and the helper package's tests.
TEST_PATHS = ("docs", "tests/ptnotes")
#: Where the environments live, under the project root (git-ignored).
ENVIRONMENTS = ".matrix"
#: The packages whose versions a result records (the release under test and what it pulls).
RECORDED = ("torch", "numpy", "kornia", "torchinfo", "torchsummary", "pytest")

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
#: A release's version, as its results file is named.
RELEASE = re.compile(r"\d+\.\d+\.\d+")


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
    if report.skipped:
        longrepr = report.longrepr
        if isinstance(longrepr, tuple):
            return str(longrepr[2]).removeprefix("Skipped: ")
        return str(longrepr)
    lines = [line for line in str(report.longrepr).splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^E?\s*\w*(Error|Exception|Warning)\b", line)]
    last = (errors or lines or [""])[-1]
    return last.removeprefix("E").strip()[:300]


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
            from notesite.project import find_root

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
        from notesite.files import write_whole

        write_whole(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")


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


# --- the releases --------------------------------------------------------------------------


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def lower_bound(root: Path) -> str:
    """The lowest torch release the project admits (``torch>=X`` in ``pyproject.toml``)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"torch\s*>=\s*([\d.]+)', text)
    if match is None:
        raise ResultsError(
            'pyproject.toml: expected the requirement "torch>=X" (the oldest release the '
            "project admits), got none"
        )
    return match[1]


def index_versions() -> list[str]:
    """Torch's final releases on the package index (PyPI's JSON API)."""
    import urllib.request

    with urllib.request.urlopen("https://pypi.org/pypi/torch/json", timeout=60) as answer:
        releases = json.load(answer)["releases"]
    return sorted(
        (v for v, files in releases.items() if files and re.fullmatch(r"\d+\.\d+\.\d+", v)),
        key=_key,
    )


def admitted(versions: Sequence[str], bound: str) -> list[str]:
    """The newest patch of each minor release from ``bound`` up, oldest first.

    >>> admitted(["2.3.1", "2.4.0", "2.4.1", "2.5.0", "2.10.0"], "2.4")
    ['2.4.1', '2.5.0', '2.10.0']
    """
    newest: dict[tuple[int, ...], str] = {}
    for version in sorted(versions, key=_key):
        if _key(version)[:2] >= _key(bound)[:2]:
            newest[_key(version)[:2]] = version
    return [newest[minor] for minor in sorted(newest)]


def results_path(project: Project, version: str) -> Path:
    """Where a release's results go: ``outputs/releases/<version>.json``."""
    return project.outputs_dir / RELEASES / f"{version}.json"


def current_blocks(project: Project) -> dict[str, str]:
    """What results must cover: each block and console session of the site's pages now.

    By the name results give it (``page#key``), with where it is (``docs/page.md:12 (block 3)``).
    """
    found: dict[str, str] = {}
    for src in project.nav:
        if not (project.docs_dir / src).is_file():
            continue
        page = project.page(src)
        for block in page.blocks:
            found[f"{src}#{block.key}"] = f"docs/{src}:{block.line} (block {block.number})"
        for fence in page.doctests:
            found[f"{src}#{model.code_hash(fence.code)}"] = (
                f"docs/{src}:{fence.start + 1} (session)"
            )
    return found


class ResultsError(InputError):
    """A results file the matrix cannot read; the message names it and what was expected."""


def load(path: Path) -> dict[str, Any]:
    """A release's results (its file, read).

    Raises:
        ResultsError: If it is not JSON with ``results``, a mapping of test to outcome.
    """
    where = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ResultsError(f"{where}: expected the release matrix's JSON, got {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise ResultsError(
            f"{where}: expected a mapping with 'results' (each test's outcome), got "
            f"{type(data.get('results') if isinstance(data, dict) else data).__name__}"
        )
    from notesite.releases import check_results

    check_results(data["results"], where)
    return data


def covered(data: dict[str, Any]) -> set[str]:
    """The blocks a release's results cover."""
    return {entry["block"] for entry in data["results"].values() if "block" in entry}


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
    """Run the blocks and the helper tests on ``version``; write its results."""
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


# --- what the results say, for the pages ---------------------------------------------------


_LOADED: dict[Path, tuple[float, dict[str, Any]]] = {}


def _result_files(project: Project) -> list[Path]:
    """The results files named as a release (``2.4.1.json``), oldest release first."""
    folder = project.outputs_dir / RELEASES
    paths = folder.glob("*.json") if folder.is_dir() else []
    return sorted((p for p in paths if RELEASE.fullmatch(p.stem)), key=lambda p: _key(p.stem))


def results(project: Project) -> dict[str, dict[str, Any]]:
    """The results of each release the project admits, by version, oldest first.

    Read once per file. A release below the project's lower bound is left out: its results
    say nothing of what the project promises.

    Raises:
        ResultsError: If a file cannot be read as results (naming it).
    """
    try:
        bound = _key(lower_bound(project.root))[:2]
    except (OSError, ValueError):
        bound = (0, 0)
    found: dict[str, dict[str, Any]] = {}
    for path in _result_files(project):
        if _key(path.stem)[:2] < bound:
            continue
        stamp = path.stat().st_mtime
        cached = _LOADED.get(path)
        if cached is None or cached[0] != stamp:
            cached = (stamp, load(path))
            _LOADED[path] = cached
        found[path.stem] = cached[1]
    return found


def _by_block(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A release's results by block (made once per results read)."""
    found = data.get("_by_block")
    if found is None:
        found = {e["block"]: e for e in data["results"].values() if "block" in e}
        data["_by_block"] = found
    return found


@dataclass(frozen=True)
class Holding:
    """Where a block holds: the releases it passed, failed (with why) and skipped on.

    A release whose results do not hold the block's current code is ``unverified``.
    """

    passed: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]
    skipped: tuple[tuple[str, str], ...]
    unverified: tuple[str, ...]

    @property
    def releases(self) -> int:
        """How many releases it was tried on."""
        return len(self.passed) + len(self.failed) + len(self.skipped) + len(self.unverified)


def holding(project: Project, blocks: Sequence[str]) -> Holding:
    """Where blocks (``page#key``) all hold, release by release (a claim's checks)."""
    passed, failed, skipped, unverified = [], [], [], []
    for version, data in results(project).items():
        entries = _by_block(data)
        found = [entries.get(block) for block in blocks]
        if any(entry is None for entry in found):
            unverified.append(version)
        elif bad := [e for e in found if e is not None and e["outcome"] == FAILED]:
            failed.append((version, bad[0]["detail"]))
        elif skip := [e for e in found if e is not None and e["outcome"] == SKIPPED]:
            skipped.append((version, skip[0]["detail"]))
        else:
            passed.append(version)
    return Holding(tuple(passed), tuple(failed), tuple(skipped), tuple(unverified))


def spans(versions: Sequence[str], among: Sequence[str]) -> str:
    """Versions as ranges of consecutive releases of ``among``: ``2.4 to 2.6, 2.9``.

    >>> spans(["2.4.1", "2.5.1", "2.6.0", "2.9.1"], ["2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.9.1"])
    '2.4 to 2.6, 2.9'
    """
    order = {v: k for k, v in enumerate(among)}
    runs: list[list[str]] = []
    for version in sorted(versions, key=lambda v: order[v]):
        if runs and order[version] == order[runs[-1][-1]] + 1:
            runs[-1].append(version)
        else:
            runs.append([version])
    minor = [".".join(v.split(".")[:2]) for v in (r[0] for r in runs)]
    last = [".".join(r[-1].split(".")[:2]) for r in runs]
    return ", ".join(a if a == b else f"{a} to {b}" for a, b in zip(minor, last, strict=True))


def describe(held: Holding, among: Sequence[str]) -> str:
    """Where a block holds, in words: ``holds on torch 2.4 to 2.15``, and what differs."""
    if not held.releases:
        return ""
    words = []
    if held.failed:  # first: what a reader on those releases must know
        errors: dict[str, list[str]] = {}
        for version, detail in held.failed:
            errors.setdefault(detail, []).append(version)
        why = ", ".join(f"{spans(v, among)}: {detail}" for detail, v in errors.items())
        words.append(f"fails on torch {spans([v for v, _ in held.failed], among)} ({why})")
    if held.passed:
        words.append(f"holds on torch {spans(held.passed, among)}")
    if held.skipped:
        words.append(f"skipped on {spans([v for v, _ in held.skipped], among)}")
    if held.unverified:
        words.append(f"not yet verified on {spans(held.unverified, among)}")
    return "; ".join(words)


def check(project: Project) -> list[str]:
    """What the committed results lack: an admitted minor release, or a current block.

    The admitted minors run from the project's lower bound (``torch>=X``) to the newest
    release that has results; each must have a results file, and each file a result for
    every block of the site as its code is now (a block whose code changed is not covered).
    No result file at all is a problem too. No network: this reads the committed files.
    """
    folder = f"{project.outputs_dir.name}/{RELEASES}"
    bound_text = lower_bound(project.root)
    bound = _key(bound_text)[:2]
    problems = []
    here = project.outputs_dir / RELEASES
    for path in sorted(here.glob("*")) if here.is_dir() else []:
        if path.suffix != ".json" or not RELEASE.fullmatch(path.stem):
            problems.append(
                f"{folder}/{path.name}: expected only results named by their release "
                "(2.4.1.json), got this file: remove it"
            )
        elif _key(path.stem)[:2] < bound:
            problems.append(
                f"{folder}/{path.name}: expected results of the releases the project admits "
                f"(torch>={bound_text}), got an older one: remove it"
            )
    found = results(project)
    if not found:
        return [
            *problems,
            f"{folder}/: expected the release matrix's results, got none: run make matrix",
        ]
    newest = max(_key(v)[:2] for v in found)
    have = {_key(v)[:2] for v in found}
    major = bound[0]
    for minor in range(bound[1], newest[1] + 1) if newest[0] == major else []:
        if (major, minor) not in have:
            problems.append(
                f"{folder}/: expected results for torch {major}.{minor} (the project admits "
                f"torch>={'.'.join(map(str, bound))}), got none: run make matrix"
            )
    blocks = current_blocks(project)
    strict = must_hold(project)
    lacking = _lacking(found, blocks)
    for block in sorted(lacking, key=lambda b: blocks[b]):
        if block not in strict:
            continue  # not yet verified on those releases: listed by gaps(), not a failure
        releases = lacking[block]
        which = "every release" if len(releases) == len(found) else ", ".join(releases)
        problems.append(
            f"{folder}/: expected a result for {blocks[block]} (a check of a verified post) "
            f"as its code is now, got none on {which}: run make matrix"
        )
    for version, data in found.items():
        for entry in data["results"].values():
            if entry.get("block") in blocks and entry.get("outcome") == FAILED:
                problems.append(
                    f"{folder}/{version}.json: expected {blocks[entry['block']]} to hold, got "
                    f"failed: {entry.get('detail') or 'no detail'}"
                )
    return problems


def _lacking(found: dict[str, dict[str, Any]], blocks: dict[str, str]) -> dict[str, list[str]]:
    lacking: dict[str, list[str]] = {}
    for version, data in found.items():
        for block in set(blocks) - covered(data):
            lacking.setdefault(block, []).append(version)
    return lacking


def must_hold(project: Project) -> set[str]:
    """The blocks whose results every release must have: the checks of verified posts.

    By the name results give them (``page#key``); a page of no post counts as verified.
    """
    from notesite.progress import is_verified

    found: set[str] = set()
    for page in project.notes():
        if not is_verified(project, page):
            continue
        lines = {check.block_line for claim in page.claims for check in claim.checks}
        found |= {f"{page.src_uri}#{b.key}" for b in page.blocks if b.line in lines}
    return found


def gaps(project: Project) -> list[str]:
    """The blocks not yet verified on some release: listed by ``--check``, never failing.

    A new post's blocks, or a changed block, until the matrix workflow runs them.
    """
    found = results(project)
    blocks = current_blocks(project)
    strict = must_hold(project)
    lacking = _lacking(found, blocks)
    return [
        f"{blocks[block]}: not yet verified on "
        + ("any release" if len(lacking[block]) == len(found) else ", ".join(lacking[block]))
        for block in sorted(lacking, key=lambda b: blocks[b])
        if block not in strict
    ]


def main(argv: Sequence[str]) -> int:
    """``python -m notesite matrix``: run each admitted release; print a table as it goes."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m notesite matrix", description=__doc__)
    parser.add_argument("--releases", help="comma-separated versions (default: every admitted)")
    parser.add_argument("--keep", action="store_true", help="keep each environment after its run")
    parser.add_argument("--force", action="store_true", help="run releases that are current")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (2)")
    parser.add_argument("--root", type=Path, default=None, help="the project")
    parser.add_argument(
        "--check",
        action="store_true",
        help="run nothing: check that the committed results cover every admitted minor "
        "release and every block as it is now (exit status 1 naming what is missing)",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="run nothing: print the admitted releases as a JSON list (for a CI job matrix)",
    )
    args = parser.parse_args(argv)
    from notesite.project import find_root

    root = args.root or find_root()
    if root is None:
        print("error: expected a project with mkdocs.yml, got none", file=sys.stderr)
        return 2
    project = Project.at(root)
    if args.list:
        try:
            print(json.dumps(admitted(index_versions(), lower_bound(root))))
        except (ResultsError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.check:
        try:
            problems = check(project)
        except ResultsError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        for problem in problems:
            print(problem, file=sys.stderr)
        waiting = gaps(project)
        if waiting:
            print(f"{len(waiting)} blocks not yet verified on every release (not a failure):")
            print("\n".join(f"  {gap}" for gap in waiting))
        if not problems:
            print(f"the release matrix covers torch {', '.join(results(project))}")
        return 1 if problems else 0
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).is_file():
        print("error: expected uv (pip install uv), got none", file=sys.stderr)
        return 2
    try:
        if args.releases:
            versions = [v.strip() for v in args.releases.split(",") if v.strip()]
        else:
            versions = admitted(index_versions(), lower_bound(root))
    except (ResultsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    blocks = current_blocks(project)
    print("| torch | passed | failed | skipped | minutes | note |")
    print("| --- | ---: | ---: | ---: | ---: | --- |", flush=True)
    for version in versions:
        path = results_path(project, version)
        if path.is_file() and not args.force and set(blocks) <= covered(load(path)):
            print(f"| {version} | | | | | current: not run again |", flush=True)
            continue
        run = run_release(project, version, keep=args.keep, uv=uv, workers=args.workers)
        c = run.counts
        print(
            f"| {version} | {c.get(PASSED, '')} | {c.get(FAILED, '')} | {c.get(SKIPPED, '')} "
            f"| {run.seconds / 60:.1f} | {run.note} |",
            flush=True,
        )
    return 0
