"""The content's own cost: every block `pytest docs/` runs, run bare, in one process.

Imports torch as the test runner does (``notesite.outputs.import_torch``) and numpy, then runs
each Python block of the site's pages (with the blocks it continues, in a fresh namespace,
seeded, its output discarded), with no pytest and no check of its output: what any runner of
these pages must pay. CUDA blocks are left out where CUDA is
not available, as `pytest docs/` skips them. The benchmarks time this script in a fresh
process as the floor the machinery adds to; it exits non-zero if a block fails.

Run from the repository root (or give the project's root): ``python benchmarks/bare_blocks.py``.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from notesite.outputs import import_torch
from notesite.project import Project


def run_blocks(root: Path) -> int:
    """Run every block of the project at ``root`` that pytest would run here; how many ran."""
    import_torch()  # the collector paused during the import, its objects frozen after
    import numpy  # noqa: F401  (the floor imports what pytest docs/ imports)
    import torch

    project = Project.at(root)
    cuda = torch.cuda.is_available()
    ran = 0
    for path in sorted(project.docs_dir.rglob("*.md")):
        page = project.page(path.relative_to(project.docs_dir).as_posix())
        for block in page.blocks:
            if block.cuda and not cuda:
                continue
            namespace: dict[str, object] = {"__name__": "__main__"}
            if block.cuda:
                namespace["cuda"] = torch.device("cuda")
            torch.manual_seed(0)
            chain = [page.blocks[k - 1].code for k in block.continues] + [block.code]
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile("\n".join(chain), f"{page.src_uri}:{block.line}", "exec"), namespace)
            ran += 1
    return ran


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    print(f"{run_blocks(root)} blocks ran")
