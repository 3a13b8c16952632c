"""How much `pytest docs/` costs over its floors; and the strict build.

Runs each command a few times in a fresh process, on the same machine in one run, the
commands taken in turns (one run of each a round), and prints the median wall times and their
ratios to two floors: importing torch and numpy (`python -c "import torch, numpy"`), and the
content's own cost, every block run bare in one process with no pytest (``bare_blocks.py``).
The second ratio is what the machinery (pytest, pytest-markdown-docs, the records, the gates)
adds to running the pages' code. It also times the import as the runner makes it (the
collector paused, then frozen: ``FROZEN_FLOOR``), which the content floor starts from too.
Run from the repository root: ``python benchmarks/bench_docs.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import FROZEN_FLOOR, IMPORT_FLOOR, wall_time

ROOT = Path(__file__).resolve().parents[1]
BARE = Path(__file__).with_name("bare_blocks.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median)")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as site:
        commands = {
            "import torch, numpy (floor)": [python, *IMPORT_FLOOR],
            "the same, frozen (runner's import)": [python, *FROZEN_FLOOR],
            "the blocks bare (content floor)": [python, str(BARE)],
            "pytest docs/": [python, "-m", "pytest", "docs/", "-q", "-p", "no:cacheprovider"],
            "mkdocs build --strict": [python, "-m", "mkdocs", "build", "--strict", "-d", site],
        }
        for command in commands.values():
            wall_time(command, ROOT)  # warm the file cache
        # Taken in turns, one run of each command a round: a change of the machine's load
        # (a shared machine) falls on every command alike, and their ratios hold.
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                times[name].append(wall_time(command, ROOT))
        medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["import torch, numpy (floor)"]
    content = medians["the blocks bare (content floor)"]
    frozen = medians["the same, frozen (runner's import)"]
    print(f"{'command':<36} {'median s':>9} {'x import':>9} {'x frozen':>9} {'x content':>10}")
    for name, seconds in medians.items():
        print(
            f"{name:<36} {seconds:>9.2f} {seconds / floor:>9.2f} {seconds / frozen:>9.2f} "
            f"{seconds / content:>10.2f}"
        )
    docs = medians["pytest docs/"]
    print(
        f"\npytest docs/ / the blocks bare = {docs / content:.2f} (target <= 1.15); "
        f"/ import floor = {docs / floor:.2f}; / frozen import = {docs / frozen:.2f}; "
        f"the blocks bare / import floor = {content / floor:.2f}"
    )
    print("The engine's own cost per block: python benchmarks/engine_cost.py")
    print("A page's process, per page and per block: python benchmarks/page_cost.py")


if __name__ == "__main__":
    main()
