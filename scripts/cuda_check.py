"""Run the whole test suite on a CUDA machine and print a short table.

Everything that plain `pytest` runs is run (`python -m pytest` from the repository root):
the blocks of the site (`docs/`), the docstring examples (`src/`) and the unit tests
(`tests/`). A JUnit XML report is written for CI. The table gives, per area, how many
tests passed, failed and were skipped (expected failures count as skipped), and how many
of the tests that need CUDA (marked `cuda`, or using the `cuda` fixture) ran or were
skipped.

Exit status: 0 when CUDA is available, nothing failed and no CUDA test was skipped;
1 when a test failed (or pytest could not run); 2 when CUDA is unavailable (unless
`--allow-cpu`, for trying the script out) or a CUDA test was skipped although CUDA is
available.

Run:

    python scripts/cuda_check.py                       # the whole suite
    python scripts/cuda_check.py --allow-cpu -- tests/ptnotes -x  # pytest args after --
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AREAS = {"docs/": "docs pages", "src/": "src docstrings", "tests/": "tests"}
RECORD_ENV = "CUDA_CHECK_RECORD"


# The pytest plugin, loaded into the pytest subprocess with `-p scripts.cuda_check`.

_cuda_tests: set[str] = set()
_outcomes: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Note the tests that need CUDA: marked `cuda`, or using the `cuda` fixture."""
    for item in items:
        if item.get_closest_marker("cuda") or "cuda" in getattr(item, "fixturenames", ()):
            _cuda_tests.add(item.nodeid)


def pytest_runtest_logreport(report: Any) -> None:
    """Keep the outcome of each test, over its setup, call and teardown."""
    if report.failed:
        _outcomes[report.nodeid] = "failed"
    elif report.skipped and _outcomes.get(report.nodeid) != "failed":
        # An xfail ran (and failed as expected; strict xfail makes a pass a failure).
        _outcomes[report.nodeid] = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(report.nodeid, "passed")


def pytest_sessionfinish() -> None:
    """Write the outcomes to the file that the script named."""
    path = os.environ.get(RECORD_ENV)
    if path:
        records = [
            {"nodeid": nodeid, "outcome": outcome, "cuda": nodeid in _cuda_tests}
            for nodeid, outcome in _outcomes.items()
        ]
        Path(path).write_text(json.dumps(records), encoding="utf-8")


# The script.


def area_of(nodeid: str) -> str:
    """The area of a test: docs pages, src docstrings, tests or other."""
    for prefix, area in AREAS.items():
        if nodeid.startswith(prefix):
            return area
    return "other"


def table(records: list[dict[str, Any]]) -> tuple[str, Counter[str]]:
    """The table of outcomes per area, and the totals."""
    rows: dict[str, Counter[str]] = {}
    for record in records:
        row = rows.setdefault(area_of(record["nodeid"]), Counter())
        outcome = record["outcome"]
        row["skipped" if outcome == "xfailed" else outcome] += 1
        if record["cuda"]:
            row["cuda skipped" if outcome == "skipped" else "cuda ran"] += 1
    order = [*AREAS.values(), "other"]
    total: Counter[str] = Counter()
    columns = ["passed", "failed", "skipped", "cuda ran", "cuda skipped"]
    lines = [f"{'area':<16}" + "".join(f"{c:>14}" for c in columns)]
    lines.append("-" * len(lines[0]))
    for area in order:
        if area in rows:
            total.update(rows[area])
            lines.append(f"{area:<16}" + "".join(f"{rows[area][c]:>14}" for c in columns))
    lines.append("-" * len(lines[0]))
    lines.append(f"{'total':<16}" + "".join(f"{total[c]:>14}" for c in columns))
    return "\n".join(lines), total


def describe_device() -> tuple[bool, str]:
    """Whether CUDA is available, and a line naming torch and the GPUs."""
    import torch

    available = torch.cuda.is_available()
    if available:
        names = ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
        device = f"GPU: {names} (CUDA {torch.version.cuda})"
    else:
        device = "GPU: none (CUDA is not available)"
    return available, f"torch {torch.__version__}, {device}"


def main() -> int:
    """Run the suite and print the table; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-cpu", action="store_true", help="run even without CUDA")
    parser.add_argument(
        "--junitxml",
        type=Path,
        default=ROOT / ".artifacts" / "cuda-check.xml",
        help="where to write the JUnit XML report (default: %(default)s)",
    )
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    args = parser.parse_args()

    cuda, description = describe_device()
    print(description, flush=True)
    if not cuda and not args.allow_cpu:
        print("CUDA is not available: nothing to check (use --allow-cpu to run anyway)")
        return 2

    args.junitxml.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "records.json"
        env = {**os.environ, RECORD_ENV: str(record)}
        env.pop("PTNOTES_DEVICE", None)  # the default rule: CUDA where available
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "scripts.cuda_check",
            f"--junitxml={args.junitxml}",
            "-q",
            # On CUDA, the blocks that pass are recorded as verified on this GPU (outputs/).
            *(["--record-provenance"] if cuda else []),
            *args.pytest_args,
        ]
        returncode = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
        records = json.loads(record.read_text(encoding="utf-8")) if record.exists() else []

    text, total = table(records)
    print()
    print(description)
    print(text)
    print(f"JUnit XML: {args.junitxml}")
    if returncode != 0 or total["failed"]:
        print(f"FAILED: pytest exited with {returncode}, {total['failed']} failed")
        return 1
    if cuda and total["cuda skipped"]:
        print(f"FAILED: {total['cuda skipped']} CUDA tests were skipped although CUDA is here")
        return 2
    if not cuda:
        print("CUDA is not available: the CUDA tests were skipped (--allow-cpu)")
        return 0
    write_report(description, text)
    print(f"Wrote {REPORT.relative_to(ROOT)} and the CUDA verifications in outputs/: commit them.")
    return 0


REPORT = ROOT / "outputs" / "cuda-check.md"


def write_report(description: str, text: str) -> None:
    """Keep the table of a passing CUDA run for the site (docs/cuda.md includes it)."""
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    REPORT.write_text(
        f"Last CUDA check: {today}, `make cuda-check` on {description}\n\n```text\n{text}\n```\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
