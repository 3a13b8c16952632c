"""How much `pytest docs/` costs over its floor, importing torch; and the strict build.

Runs each command a few times in a fresh process, on the same machine in one run, and prints
the median wall times and the ratio of `pytest docs/` to `python -c "import torch, numpy"`
(target: at most 1.5). Run from the repository root: ``python benchmarks/bench_docs.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import wall_time

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median)")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as site:
        commands = {
            "import torch, numpy (floor)": [python, "-c", "import torch, numpy"],
            "pytest docs/": [python, "-m", "pytest", "docs/", "-q", "-p", "no:cacheprovider"],
            "mkdocs build --strict": [python, "-m", "mkdocs", "build", "--strict", "-d", site],
        }
        medians = {}
        for name, command in commands.items():
            wall_time(command, ROOT)  # warm the file cache
            medians[name] = statistics.median(wall_time(command, ROOT) for _ in range(args.repeat))
    floor = medians["import torch, numpy (floor)"]
    print(f"{'command':<30} {'median s':>9} {'x floor':>8}")
    for name, seconds in medians.items():
        print(f"{name:<30} {seconds:>9.2f} {seconds / floor:>8.2f}")
    ratio = medians["pytest docs/"] / floor
    verdict = "meets" if ratio <= 1.5 else "misses"
    print(f"\npytest docs/ / import floor = {ratio:.2f} ({verdict} the target of 1.5)")


if __name__ == "__main__":
    main()
