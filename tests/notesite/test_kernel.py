"""A page runs in its own process: what a block does to it ends or poisons that page only.

Each test plants a hostile block on one page of a fixture project beside a plain page, and
runs ``pytest docs/`` in-process (``pytester``): the hostile page fails naming its block,
the other page runs and keeps its record, the run ends, and its exit status is not 0.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from notesite import memory, outputs, server
from notesite.kernel import PageProcessError, Request
from notesite.server import PageProcess
from notesite.verdicts import Verdict

ADDOPTS = "--markdown-docs --markdown-docs-syntax=superfences -p no:randomly -p no:cacheprovider"
PLAIN = "# Plain\n\n```python\nprint('plain')\n```\n\n```python\nprint(len('abc'))\n```\n"


def project(pytester: pytest.Pytester, hostile: str) -> Path:
    pytester.makeini(f"[pytest]\naddopts = {ADDOPTS} --notesite\n")
    pytester.makefile(".yml", mkdocs="site_name: scratch\n")
    docs = pytester.path / "docs"
    docs.mkdir()
    # "a" runs first, so that the plain page runs after the hostile one.
    (docs / "a-hostile.md").write_text(
        f"# Hostile\n\n```python\n{hostile}\n```\n\n```python\nprint('after')\n```\n",
        encoding="utf-8",
    )
    (docs / "b-plain.md").write_text(PLAIN, encoding="utf-8")
    return pytester.path


HOSTILE = {
    "exit": "import os\n\nos._exit(0)",
    "fork": "import os\nimport time\n\nif os.fork() == 0:\n    time.sleep(600)",
    "thread": "import threading\nimport time\n\n"
    "threading.Thread(target=time.sleep, args=(600,)).start()",
    "sigint": "import signal\n\nprevious = signal.signal(signal.SIGINT, signal.SIG_IGN)",
    "builtins": "import builtins\n\nbuiltins.print = lambda *a, **k: None",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_block_poisons_only_its_own_page(pytester: pytest.Pytester, kind: str) -> None:
    root = project(pytester, HOSTILE[kind])
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
        # Its own page's next block still runs (a patched print prints nothing: as in a
        # notebook's kernel, a page's blocks share their process).
        assert hostile[1].stdout == (None if kind == "builtins" else "after\n")


TAKEN = {
    "exit": "import pytest\n\npytest.exit('bye', returncode=0)",
    "skip": "import pytest\n\npytest.skip('not today')",
    "skiptest": "import unittest\n\nraise unittest.SkipTest('not today')",
    "xfail": "import pytest\n\npytest.xfail('not today')",
    "interrupt": "raise KeyboardInterrupt",
}


@pytest.mark.parametrize("kind", sorted(TAKEN))
def test_a_block_cannot_skip_itself_or_end_the_run(pytester: pytest.Pytester, kind: str) -> None:
    root = project(pytester, TAKEN[kind])
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
    pytester: pytest.Pytester, session: str, said: str
) -> None:
    root = project(pytester, "print('before')")
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
    pytester: pytest.Pytester,
) -> None:
    root = project(pytester, HOSTILE["builtins"])
    pytester.runpytest_inprocess("docs", "--update-outputs")
    result = pytester.runpytest_inprocess("docs")
    result.assert_outcomes(passed=4)
    assert outputs.load(root / "outputs" / "b-plain.md.txt")[0].stdout == "plain\n"


def test_a_block_that_escapes_its_time_limit_is_stopped(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "GRACE", 1.0)  # the parent's wait past the limit, shortened
    escape = (
        "import signal\nimport time\n\nsignal.setitimer(signal.ITIMER_REAL, 0)\n"
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(600)"
    )
    project(pytester, escape)
    (pytester.path / "docs" / "a-hostile.md").write_text(
        f"# Hostile\n\n```python timeout=1\n{escape}\n```\n", encoding="utf-8"
    )
    started = time.monotonic()
    result = pytester.runpytest_inprocess("docs", "--update-outputs")
    assert time.monotonic() - started < 20
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(["*did not answer within * s in block 1*"])


def test_what_a_block_writes_stays_out_of_the_project(pytester: pytest.Pytester) -> None:
    root = project(pytester, "import torch\n\ntorch.save({'a': 1}, 'model.pth')\nprint('saved')")
    result = pytester.runpytest_inprocess("docs", "--update-outputs")
    result.assert_outcomes(passed=4)
    assert not list(root.rglob("model.pth"))


def test_a_page_process_kills_what_its_blocks_started() -> None:
    page = PageProcess("docs/page.md")
    code = (
        "\nimport os\nimport time\n\npid = os.fork()\nif pid == 0:\n    time.sleep(600)\nprint(pid)"
    )
    reply = page.run(Request(code, "", "page.md", {}, None, 10, "page.md:1"), "block 1")
    child = int(reply.stdout)
    os.kill(child, 0)  # alive while the page runs
    page.close()
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("expected the page's forked child to be stopped with the page")
    page.ended = "closed"
    with pytest.raises(PageProcessError, match="not run"):
        page.run(Request("\nprint(1)", "", "page.md", {}, None, 10, "page.md:1"), "block 2")


def test_what_a_block_s_subprocess_prints_cannot_pass_for_a_page_s_process() -> None:
    # Its output goes to the terminal, not into the server's answers (a process id each).
    page = PageProcess("docs/a.md")
    try:
        code = "\nimport os\n\nos.system('echo 999999999')\nprint('done')"
        reply = page.run(Request(code, "", "a.md", {}, None, 10, "a.md:1"), "block 1")
        assert reply.stdout == "done\n"
        other = PageProcess("docs/b.md")
        try:
            code = "\nimport os\n\nprint(os.getpid())"
            reply = other.run(Request(code, "", "b.md", {}, None, 10, "b.md:1"), "block 1")
            assert int(reply.stdout) == other.pid
        finally:
            other.close()
    finally:
        page.close()


def forked_ahead(server: int) -> list[int]:
    """The server's children that are no page's yet: not the leaders of their own group."""
    ahead = []
    for pid in children(server):
        with contextlib.suppress(ProcessLookupError):
            if os.getpgid(pid) != pid:
                ahead.append(pid)
    return ahead


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_a_page_s_process_forked_ahead_and_killed_is_replaced() -> None:
    PageProcess("docs/a.md").close()  # the server runs, its next page's process forked
    process = server._SHARED._process
    assert process is not None
    for _ in range(100):  # forked right after the server answered
        ahead = forked_ahead(process.pid)
        if ahead:
            break
        time.sleep(0.02)
    assert ahead, "expected the next page's process forked ahead"
    for pid in ahead:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    page = PageProcess("docs/b.md")
    try:
        reply = page.run(Request("\nprint(1)", "", "b.md", {}, None, 10, "b.md:1"), "block 1")
        assert reply.stdout == "1\n"
        assert page.pid not in ahead
    finally:
        page.close()


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


# --- memory ---

#: Blocks that ask for far more than the 2 GiB the tests give a page's process (8 GiB each).
GREEDY = {
    "bytearray": "data = bytearray(8 * 2**30)",
    "torch": "import torch\n\nbig = torch.empty(2**31)",
    "numpy": "import numpy\n\nbig = numpy.ones(2**30)",
}


@pytest.mark.parametrize("kind", sorted(GREEDY))
def test_a_block_over_the_memory_limit_fails_naming_it(
    pytester: pytest.Pytester, kind: str
) -> None:
    root = project(pytester, GREEDY[kind])
    result = pytester.runpytest_inprocess("docs", "--update-outputs", "--memory-limit=2")
    # The greedy block fails; its page's next block and the other page run.
    result.assert_outcomes(failed=1, passed=3)
    result.stdout.fnmatch_lines(
        ["*a-hostile.md:3: expected the block to stay within 2 GiB of memory*, got *Error*"]
    )
    hostile = outputs.load(root / "outputs" / "a-hostile.md.txt")
    assert [entry.stdout for entry in hostile] == ["after\n"]
    plain = outputs.load(root / "outputs" / "b-plain.md.txt")
    assert [entry.stdout for entry in plain] == ["plain\n", "3\n"]


def test_a_block_cannot_raise_its_own_memory_limit() -> None:
    page = PageProcess("docs/page.md", memory=2 * 2**30)
    try:
        code = (
            "\nimport resource\n\ntry:\n    resource.setrlimit(resource.RLIMIT_DATA, (-1, -1))\n"
            "except ValueError:\n    print('refused')\n"
            "print(resource.getrlimit(resource.RLIMIT_DATA)[1] == 2 * 2**30)"
        )
        reply = page.run(Request(code, "", "page.md", {}, None, 10, "page.md:1"), "block 1")
        assert reply.stdout == "refused\nTrue\n"
    finally:
        page.close()


@pytest.mark.parametrize("given", ["-1", "nan", "lots"])
def test_a_bad_memory_limit_is_one_line_naming_the_option(
    pytester: pytest.Pytester, given: str
) -> None:
    project(pytester, "print('never')")
    result = pytester.runpytest_inprocess("docs", f"--memory-limit={given}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"*expected --memory-limit to be a number of GiB (0: no limit), got '{given}'*"]
    )


def test_the_default_memory_limit_is_half_the_machine_s() -> None:
    limit = memory.default_memory_limit()
    assert limit is not None
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert limit == total // 2


def test_a_run_of_pages_starts_the_server_first_and_imports_torch_only_there(
    pytester: pytest.Pytester,
) -> None:
    project(pytester, "print('a page')")
    # The conftest is imported after the server started; it reports at the session's end.
    pytester.makeconftest(
        "import sys\n\nfrom notesite import server\n\n"
        "STARTED = server._SHARED._process is not None\n\n\n"
        "def pytest_sessionfinish(session):\n"
        "    print(f'server started before the conftest: {STARTED}')\n"
        "    print(f'torch in the test process: {\"torch\" in sys.modules}')\n"
    )
    result = pytester.runpytest_subprocess("docs", "--update-outputs", "-s")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        ["*server started before the conftest: True*", "*torch in the test process: False*"]
    )
