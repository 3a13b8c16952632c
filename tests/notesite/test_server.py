"""The warm server forks each page's process; a page's handle stops all its process started."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite import server
from notesite.kernel import PageProcessError, Request
from notesite.server import PageProcess


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
    # Its output is the block's (as python and Jupyter show it), never in the server's
    # answers (a process id each).
    page = PageProcess("docs/a.md")
    try:
        code = "\nimport os\n\nos.system('echo 999999999')\nprint('done')"
        reply = page.run(Request(code, "", "a.md", {}, None, 10, "a.md:1"), "block 1")
        assert reply.stdout == "999999999\ndone\n"
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


def test_a_run_of_pages_starts_the_server_first_and_imports_torch_only_there(
    two_pages: Callable[[str], Path],
    pytester: pytest.Pytester,
) -> None:
    two_pages("print('a page')")
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
