"""A page runs in its own process: what a block does to it ends or poisons that page only.

Each test plants a hostile block on one page of a fixture project beside a plain page
(the ``two_pages`` fixture), and runs ``pytest docs/`` in-process (``pytester``): the hostile
page fails naming its block, the other page runs and keeps its record, the run ends, and its
exit status is not 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite import outputs, server
from notesite.kernel import Request
from notesite.server import PageProcess
from notesite.verdicts import Verdict

HOSTILE = {
    "exit": "import os\n\nos._exit(0)",
    "fork": "import os\nimport time\n\nif os.fork() == 0:\n    time.sleep(600)",
    "thread": "import threading\nimport time\n\n"
    "threading.Thread(target=time.sleep, args=(600,)).start()",
    "sigint": "import signal\n\nprevious = signal.signal(signal.SIGINT, signal.SIG_IGN)",
    "builtins": "import builtins\n\nbuiltins.print = lambda *a, **k: None",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_block_poisons_only_its_own_page(
    two_pages: Callable[[str], Path], pytester: pytest.Pytester, kind: str
) -> None:
    root = two_pages(HOSTILE[kind])
    started = time.monotonic()
    result = pytester.runpytest_inprocess("docs", "--update-outputs")
    assert time.monotonic() - started < 60, "the run must end"
    plain = outputs.load(root / "outputs" / "b-plain.md.txt")
    # The plain page ran after it, untouched: both its outputs recorded.
    assert [entry.stdout for entry in plain] == ["plain\n", "3\n"]
    if kind == "exit":
        result.assert_outcomes(failed=2, passed=2)
        result.stdout.fnmatch_lines(["*the page's process ended in block 1 (line 3)*"])
        result.stdout.fnmatch_lines(["*not run: the page's process ended in block 1*"])
        assert result.ret != 0
    else:
        result.assert_outcomes(passed=4)
        hostile = outputs.load(root / "outputs" / "a-hostile.md.txt")
        # Its own page's next block still runs, from a fresh state (a patched print put
        # back: notesite.isolation restores the builtins).
        assert hostile[1].stdout == "after\n"


TAKEN = {
    "exit": "import pytest\n\npytest.exit('bye', returncode=0)",
    "skip": "import pytest\n\npytest.skip('not today')",
    "skiptest": "import unittest\n\nraise unittest.SkipTest('not today')",
    "xfail": "import pytest\n\npytest.xfail('not today')",
    "interrupt": "raise KeyboardInterrupt",
}


@pytest.mark.parametrize("kind", sorted(TAKEN))
def test_a_block_cannot_skip_itself_or_end_the_run(
    two_pages: Callable[[str], Path], pytester: pytest.Pytester, kind: str
) -> None:
    root = two_pages(TAKEN[kind])
    result = pytester.runpytest_inprocess("docs", "--update-outputs")
    result.assert_outcomes(failed=1, passed=3)
    result.stdout.fnmatch_lines(["*a block cannot skip itself or end the run*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    plain = outputs.load(root / "outputs" / "b-plain.md.txt")
    assert [entry.stdout for entry in plain] == ["plain\n", "3\n"]


@pytest.mark.parametrize(
    ("session", "said"),
    [
        (">>> import os\n>>> os._exit(0)", "ended before the session did (exit status 0)"),
        (">>> raise KeyboardInterrupt", "ended before the session did (KeyboardInterrupt)"),
        (">>> import pytest\n>>> pytest.exit('bye', returncode=0)", "*"),  # doctest's report
    ],
    ids=["exit", "interrupt", "pytest-exit"],
)
def test_a_console_session_cannot_end_the_run(
    two_pages: Callable[[str], Path], pytester: pytest.Pytester, session: str, said: str
) -> None:
    root = two_pages("print('before')")
    hostile = pytester.path / "docs" / "a-hostile.md"
    hostile.write_text(hostile.read_text() + f"\n```pycon\n{session}\n```\n", encoding="utf-8")
    result = pytester.runpytest_inprocess("docs", "--update-outputs")
    result.assert_outcomes(failed=1, passed=4)
    result.stdout.fnmatch_lines([f"FAILED docs/a-hostile.md::pycon*{said}*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    plain = outputs.load(root / "outputs" / "b-plain.md.txt")
    assert [entry.stdout for entry in plain] == ["plain\n", "3\n"]


def test_a_synced_console_session_that_exits_fails() -> None:
    from notesite.model import parse_page
    from notesite.sync.run import FAILS, run_session

    page = parse_page("# P\n\n```pycon\n>>> import os\n>>> os._exit(0)\n```\n", "notes/p.md")
    run = run_session(page, page.doctests[0], timeout=30)
    assert (run.result, "a session cannot exit" in run.detail) == (FAILS, True)


def test_builtins_patched_on_one_page_do_not_reach_another_page_s_record(
    two_pages: Callable[[str], Path],
    pytester: pytest.Pytester,
) -> None:
    root = two_pages(HOSTILE["builtins"])
    pytester.runpytest_inprocess("docs", "--update-outputs")
    result = pytester.runpytest_inprocess("docs")
    result.assert_outcomes(passed=4)
    assert outputs.load(root / "outputs" / "b-plain.md.txt")[0].stdout == "plain\n"


def test_a_block_that_escapes_its_time_limit_is_stopped(
    two_pages: Callable[[str], Path], pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "GRACE", 1.0)  # the parent's wait past the limit, shortened
    escape = (
        "import signal\nimport time\n\nsignal.setitimer(signal.ITIMER_REAL, 0)\n"
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(600)"
    )
    two_pages(escape)
    (pytester.path / "docs" / "a-hostile.md").write_text(
        f"# Hostile\n\n```python timeout=1\n{escape}\n```\n", encoding="utf-8"
    )
    started = time.monotonic()
    result = pytester.runpytest_inprocess("docs", "--update-outputs")
    assert time.monotonic() - started < 20
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(["*did not answer within * s in block 1*"])


def test_what_a_block_writes_stays_out_of_the_project(
    two_pages: Callable[[str], Path], pytester: pytest.Pytester
) -> None:
    root = two_pages("import torch\n\ntorch.save({'a': 1}, 'model.pth')\nprint('saved')")
    result = pytester.runpytest_inprocess("docs", "--update-outputs")
    result.assert_outcomes(passed=4)
    assert not list(root.rglob("model.pth"))


def test_a_page_s_process_imports_no_pytest_unless_a_block_needs_it() -> None:
    page = PageProcess("docs/page.md")
    try:
        seen = (
            "\nimport sys\n\n"
            "print([m for m in ('pytest', '_pytest', 'pytest_socket') if m in sys.modules])"
        )
        reply = page.run(Request(seen, "", "page.md", {}, None, 10, "page.md:1"), "block 1")
        assert reply.stdout == "[]\n"
        # The network is still refused, with pytest-socket's error and verdict.
        code = "\nimport socket\n\nsocket.create_connection(('127.0.0.1', 9))"
        reply = page.run(Request(code, "", "page.md", {}, None, 10, "page.md:1"), "block 2")
        assert reply.error_text.startswith("pytest_socket.SocketBlockedError: A test tried to use")
        assert reply.outcome.verdict is Verdict.NEEDS_NETWORK
        unix = (
            "\nimport socket\n\na, b = socket.socketpair()\n"
            "print(a.family.name)\na.close()\nb.close()"
        )
        reply = page.run(Request(unix, "", "page.md", {}, None, 10, "page.md:1"), "block 3")
        assert reply.stdout == "AF_UNIX\n"
    finally:
        page.close()
