"""The matrix's command, ``python -m notesite matrix``: each admitted release run in turn.

It takes each minor release of PyTorch that the project admits
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

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from notesite.matrix.coverage import check, current_blocks, gaps
from notesite.matrix.releases import admitted, index_versions, run_release
from notesite.matrix.results import (
    FAILED,
    PASSED,
    SKIPPED,
    ResultsError,
    covered,
    load,
    lower_bound,
    results,
    results_path,
)
from notesite.project import Project, find_root


def _parser() -> argparse.ArgumentParser:
    """The command's options."""
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
    return parser


def _check(project: Project) -> int:
    """``--check``: what the committed results lack, on stderr; 1 if anything."""
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


def main(argv: Sequence[str]) -> int:
    """``python -m notesite matrix``: run each admitted release; print a table as it goes."""
    args = _parser().parse_args(argv)
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
        return _check(project)
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
