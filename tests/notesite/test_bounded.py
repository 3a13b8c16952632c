"""Bounded: a block's output, a failure's report, the sync's run of a block, code off argv."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from notesite.bounded import MAX_OUTPUT, MAX_REPORT, Capped, cap, cap_middle, run_child
from notesite.kernel import Request
from notesite.model import parse_page
from notesite.sync.run import FAILS, PASSES, TIMED_OUT, run_block

FLOOD = "import os\nwhile True:\n    os.write(1, b'x' * 65536)\n"


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def page(code: str) -> object:
    return parse_page(f"# P\n\n```python\n{code}\n```\n", "notes/p.md")


def test_cap_keeps_the_head_and_says_how_much_was_cut() -> None:
    text = "é" * MAX_OUTPUT  # two bytes each
    kept = cap(text)
    assert kept.endswith(f"… ({2 * MAX_OUTPUT - MAX_OUTPUT} more bytes cut)\n")
    assert len(kept.encode("utf-8")) <= MAX_OUTPUT + 64
    assert cap(kept) == kept  # a cut output stays as it is
    assert cap("short\n") == "short\n"


def test_the_buffer_of_a_block_keeps_at_most_the_cap() -> None:
    buffer = Capped(100)
    for _ in range(10_000):
        buffer.write("y" * 99 + "\n")
    assert len(buffer.getvalue()) == 100
    assert buffer.text().endswith(f"… ({10_000 * 100 - 100} more bytes cut)\n")


def test_a_record_says_how_much_output_was_cut() -> None:
    code = "\n\nfor k in range(100_000):\n    print('line', k)\n"
    stdout, _ = Request(code, "", "docs/notes/p.md", {}, None, None, "p.md:1").run()
    assert len(stdout.encode("utf-8")) <= MAX_OUTPUT + 64
    assert stdout.startswith("line 0\nline 1\n")
    assert stdout.endswith(" more bytes cut)\n")


def test_a_child_that_floods_its_output_is_read_as_it_comes_and_kept_bounded(
    tmp_path: Path,
) -> None:
    before = peak_mib()
    done = run_child(
        [sys.executable, "-c", FLOOD], "", cwd=tmp_path, env=dict(os.environ), timeout=1.5
    )
    assert done.timed_out
    assert len(done.stdout) <= 2 * MAX_OUTPUT + 100
    assert "more bytes cut" in done.stdout
    # About 1 GB went through the pipe in that time; the parent kept what it keeps.
    assert peak_mib() - before < 64


def test_the_sync_s_run_of_a_block_that_prints_forever_ends_bounded() -> None:
    before = peak_mib()
    run = run_block(page("while True:\n    print('x' * 1000)"), 1, timeout=2.0)  # type: ignore[arg-type]
    assert run.result == TIMED_OUT
    assert peak_mib() - before < 64


def test_code_never_travels_through_argv() -> None:
    """A block over 128 KB once ended the sync with E2BIG (its code was an argument)."""
    big = "x = 1\n" + "# " + "a" * 300_000 + "\nprint(x)"
    assert run_block(page(big), 1, timeout=30).result == PASSES  # type: ignore[arg-type]
    failing = run_block(page("raise ValueError('nope')"), 1, timeout=30)  # type: ignore[arg-type]
    assert failing.result == FAILS
    assert failing.detail.startswith("ValueError: nope")


def test_a_deep_failure_report_is_cut_in_its_middle() -> None:
    report = "Traceback\n" + "  frame\n" * 1_000_000 + "RecursionError: maximum depth"
    kept = cap_middle(report)
    assert len(kept) <= MAX_REPORT + 64
    assert kept.startswith("Traceback\n")
    assert kept.endswith("RecursionError: maximum depth")


def test_pytest_docs_cuts_a_deep_failure_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On CI pytest repeats a report given as text whole in its short summary: not this one.
    monkeypatch.setenv("CI", "1")
    pytester.makeini(
        "[pytest]\naddopts = --markdown-docs --markdown-docs-syntax=superfences "
        "-p no:randomly -p no:cacheprovider --notesite\n"
    )
    pytester.makefile(".yml", mkdocs="site_name: scratch\n")
    (pytester.path / "docs").mkdir()
    block = "def deep(n):\n    return deep(n + 1) if n < 10**9 else n\n\ndeep(0)\n"
    (pytester.path / "docs" / "page.md").write_text(f"# P\n\n```python\n{block}```\n", "utf-8")
    result = pytester.runpytest_inprocess("--update-outputs", "--tb=long")
    result.assert_outcomes(failed=1)
    text = "\n".join(result.outlines)
    assert "RecursionError" in text
    assert len(text) < MAX_REPORT + 20_000
    summary = [line for line in result.outlines if line.startswith("FAILED ")]
    assert summary == [
        "FAILED docs/page.md::[CodeFence#1][line:3] - "
        "RecursionError: maximum recursion depth exceeded"
    ]


def test_the_sync_s_run_of_a_block_that_exits_fails() -> None:
    """An exit of status 0 in the middle of a block once passed as if the block had run."""
    run = run_block(page("import os\n\nos._exit(0)\nprint('never')"), 1, timeout=30)  # type: ignore[arg-type]
    assert run.result == FAILS
    assert "a block cannot exit" in run.detail


def test_the_sync_s_time_limit_is_the_block_s_own_not_torch_s_import() -> None:
    """torch is imported before the block's time starts, as in the pages' processes."""
    run = run_block(page("import torch\n\nprint(torch.ones(2).sum())"), 1, timeout=0.5)  # type: ignore[arg-type]
    assert run.result == PASSES, run.detail


def test_a_child_that_kills_its_parent_ends_its_own_parent_only(tmp_path: Path) -> None:
    """``os.kill(os.getppid(), 9)`` in a block once killed the sync that ran it.

    Run in a process of its own: without the fix, it is that process that dies.
    """
    caller = (
        "import os, sys\n"
        "from notesite.bounded import run_child\n"
        "code = 'import os\\nos.kill(os.getppid(), 9)\\nprint(\"after\")'\n"
        "done = run_child([sys.executable, '-c', code], '', cwd='.', env=dict(os.environ),"
        " timeout=60)\n"
        "print(repr((done.returncode, done.stdout.strip())))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", caller], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout.strip()) == (0, "(-9, 'after')"), done.stderr


@pytest.mark.parametrize(
    ("code", "status"),
    [("import sys; sys.exit(3)", 3), ("import os; os.kill(os.getpid(), 11)", -11), ("", 0)],
)
def test_a_child_ends_as_its_code_ended(tmp_path: Path, code: str, status: int) -> None:
    """The child's parent of its own passes on its exit status, and the signal that ended it."""
    done = run_child(
        [sys.executable, "-c", code], "", cwd=tmp_path, env=dict(os.environ), timeout=60
    )
    assert done.returncode == status
