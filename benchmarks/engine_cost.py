"""The engine's own cost per block: `notesite.execution` against a bare ``exec``, in-process.

Runs every block of the site that runs here (CUDA blocks left out without a GPU) once to warm
up, then ``--repeat`` times each way, and prints the median per block: the bare ``exec`` of
the block's code (with the blocks it continues), the engine's run of it (a ``__main__``
module, IPython's ``;`` rule, the time limit, the output captured and normalised) and the
restore of every global setting that follows each test (:mod:`notesite.isolation`).

Run from the repository root: ``python benchmarks/engine_cost.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

from notesite.isolation import Baseline
from notesite.kernel import Request
from notesite.outputs import import_torch
from notesite.project import Project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (median)")
    parser.add_argument("root", nargs="?", type=Path, default=Path.cwd())
    args = parser.parse_args()
    import_torch()
    import torch

    project = Project.at(args.root)
    cuda = torch.cuda.is_available()
    jobs = []
    for path in sorted(project.docs_dir.rglob("*.md")):
        page = project.page(path.relative_to(project.docs_dir).as_posix())
        for block in page.blocks:
            if block.cuda and not cuda:
                continue
            prefix = "\n".join(page.blocks[k - 1].code for k in block.continues)
            own = "\n" * block.line + block.code
            namespace = {"cuda": torch.device("cuda")} if block.cuda else {}
            jobs.append((prefix, own, str(path), namespace))
    baseline = Baseline.take()

    def bare() -> None:
        for prefix, own, name, namespace in jobs:
            scope = {"__name__": "__main__", **namespace}
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(prefix + own, name, "exec"), scope)
            baseline.restore()

    def engine() -> None:
        for prefix, own, name, namespace in jobs:
            Request(own, prefix, name, namespace, project.root, 60.0, name).run()
            baseline.restore()

    def restore_only() -> None:
        for _ in jobs:
            baseline.restore()

    timings: dict[str, list[float]] = {"bare exec": [], "engine": [], "restore": []}
    for run, name in ((bare, "bare exec"), (engine, "engine"), (restore_only, "restore")):
        run()  # warm up: imports, caches
        for _ in range(args.repeat):
            start = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - start) / len(jobs))
    medians = {name: statistics.median(values) * 1e3 for name, values in timings.items()}
    print(f"{len(jobs)} blocks, median of {args.repeat} passes, per block:")
    print(f"{'run':<24} {'ms per block':>13}")
    for name, value in medians.items():
        print(f"{name:<24} {value:>13.3f}")
    own = medians["engine"] - medians["bare exec"]
    print(f"\nthe engine's own cost: {own:.3f} ms per block ({own * len(jobs):.1f} ms a run)")


if __name__ == "__main__":
    sys.exit(main())
