"""The cost of a page's own process: what ``pytest docs/`` pays per page for its isolation.

Starts the warm server of page processes (:mod:`notesite.server`), then, for ``--pages``
pages in turn, opens a page's process, runs a small block twice in it (a tensor made and
printed, as the notes' blocks do), and closes it, with a pause between pages as the blocks of
a page give the server (the next page's process is forked ahead meanwhile). Prints the median
of each step beside the same block run in this process by the same engine
(:meth:`notesite.kernel.Request.run`): the process model's cost per page is the opening, the
first block's extra and the closing; its cost per block, a block's round trip's extra.

Run from the repository root: ``python benchmarks/page_cost.py [--pages 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings

from notesite.kernel import Request
from notesite.outputs import import_torch
from notesite.server import PageProcess, warm_up

BLOCK = "\nimport torch\n\nx = torch.tensor([[1, 2], [3, 4]])\nprint(x.sum(dim=0), x.dtype)\n"


def request() -> Request:
    """The block as the runner sends it (its warnings filters included)."""
    sent = Request(BLOCK, "", "page.md", {}, None, 60.0, "page.md:2", explain_asserts=True)
    sent.filters = list(warnings.filters)
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20, help="pages opened in turn (median)")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between pages")
    args = parser.parse_args()
    warm_up()
    PageProcess("warm-up.md").close()  # waits for the server's import of torch
    steps: dict[str, list[float]] = {"open": [], "first block": [], "block": [], "close": []}
    for number in range(args.pages):
        time.sleep(args.pause)
        start = time.perf_counter()
        page = PageProcess(f"page-{number}.md")
        opened = time.perf_counter()
        page.run(request(), "block 1")
        first = time.perf_counter()
        page.run(request(), "block 2")
        second = time.perf_counter()
        page.close()
        closed = time.perf_counter()
        for name, seconds in zip(
            steps, (opened - start, first - opened, second - first, closed - second), strict=True
        ):
            steps[name].append(seconds)
    import_torch()
    here = []
    for _ in range(args.pages):
        start = time.perf_counter()
        Request(BLOCK, "", "page.md", {}, None, 60.0, "page.md", explain_asserts=True).run()
        here.append(time.perf_counter() - start)
    medians = {name: statistics.median(values) * 1e3 for name, values in steps.items()}
    bare = statistics.median(here) * 1e3
    print(f"{args.pages} pages, median ms")
    for name, value in medians.items():
        print(f"{name:<24} {value:>8.2f}")
    print(f"{'the block here':<24} {bare:>8.2f}")
    per_page = medians["open"] + medians["first block"] - medians["block"] + medians["close"]
    print(
        f"\nper page: {per_page:.2f} ms (opening, first block's extra, closing); "
        f"per block: {medians['block'] - bare:.2f} ms (a round trip's extra)"
    )


if __name__ == "__main__":
    sys.exit(main())
