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
