"""The benchmarks' one way to time a command: wall time of a fresh process, or exit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def wall_time(command: list[str], cwd: Path) -> float:
    """Seconds ``command`` took in ``cwd``; exits with its output if it failed."""
    start = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{done.stdout[-3000:]}\n{done.stderr}")
    return elapsed


#: The import floor: a fresh ``python -c "import torch, numpy"``, what any run of the pages
#: pays before its first block (about 0.4 s of it is the garbage collector's pass at exit).
IMPORT_FLOOR = ["-c", "import torch, numpy"]
#: The same import as the test runner makes it (``notesite.outputs.import_torch``): the
#: collector paused during the import and its objects frozen after. The runner's own cost is
#: what it adds to this floor.
FROZEN_FLOOR = ["-c", "from notesite.outputs import import_torch; import_torch(); import numpy"]
