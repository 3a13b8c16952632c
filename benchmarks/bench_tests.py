"""How long each test folder takes: pytest run on each folder alone, as ``make test`` runs it.

The folders are those of ``testpaths`` in pyproject.toml, ``tests`` split into its folders (and
its loose test files, together). Each runs in a pytest of its own, as ``make test`` runs it
(``-n 2 --dist loadgroup``: one worker takes ``tests/browser``; Python's compile cache on), so
a folder's time includes what it sets up for itself (the strict build of the site, for the
folders whose tests read it). Prints a table: folder, tests (passed, failed, skipped), wall
seconds; and the sum.

Run from the repository root: ``python benchmarks/bench_tests.py [--workers N] [FOLDER ...]``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: pytest's summary line, counted by outcome ("12 passed, 3 skipped in 4.5s").
OUTCOME = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)")
#: ``testpaths`` where pyproject.toml cannot be read (Python 3.10 has no tomllib).
TESTPATHS = ["tests", "docs", "src"]


def testpaths(root: Path) -> list[str]:
    """``testpaths`` of pytest's options in pyproject.toml."""
    if sys.version_info < (3, 11):  # pragma: no cover - tomllib came with 3.11
        return TESTPATHS
    import tomllib

    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["pytest"]["ini_options"]["testpaths"])


def folders(root: Path) -> list[list[str]]:
    """What each run covers: each folder of ``testpaths``, ``tests`` split into its folders."""
    runs: list[list[str]] = []
    for path in testpaths(root):
        if path != "tests":
            runs.append([path])
            continue
        tests = root / path
        runs += [[f"{path}/{d.name}"] for d in sorted(tests.iterdir()) if is_test_folder(d)]
        loose = sorted(f"{path}/{f.name}" for f in tests.glob("test_*.py"))
        if loose:
            runs.append(loose)
    return runs


def is_test_folder(folder: Path) -> bool:
    """A folder with a test module in it or below it."""
    return folder.is_dir() and any(folder.rglob("test_*.py"))


def run(paths: list[str], workers: int) -> tuple[float, dict[str, int], int]:
    """Wall seconds of pytest on ``paths``, its counts by outcome, and its exit status."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths]
    if workers > 0:
        command[3:3] = ["-n", str(workers), "--dist", "loadgroup"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": ""}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    counts: dict[str, int] = {}
    for number, outcome in OUTCOME.findall(summary):
        counts[outcome.rstrip("s") if outcome.startswith("error") else outcome] = int(number)
    return seconds, counts, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", help="only these (default: every test folder)")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (0: none)")
    args = parser.parse_args()
    runs = [[folder] for folder in args.folders] or folders(ROOT)
    print(f"| folder | tests | seconds (-n {args.workers}) |")
    print("| --- | ---: | ---: |")
    total = 0.0
    failed = []
    for paths in runs:
        seconds, counts, status = run(paths, args.workers)
        total += seconds
        name = " ".join(paths) if len(paths) == 1 else f"{Path(paths[0]).parent}/*.py"
        tests = sum(counts.values())
        detail = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
        print(f"| {name} | {tests} ({detail}) | {seconds:.1f} |", flush=True)
        if status not in (0, 5):  # 5: no test collected
            failed.append(f"{name}: pytest exited with {status}")
    print(f"| all, one folder after another | | {total:.1f} |")
    if failed:
        print("\n".join(["", *failed]))
        sys.exit(1)


if __name__ == "__main__":
    main()
