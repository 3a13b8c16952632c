"""Where a block runs (:mod:`notesite.runner.processes`): a block of no page runs here."""

from __future__ import annotations

from pathlib import Path

import pytest

from notesite.kernel import Request
from notesite.runner.processes import BlockProcesses


def request(code: str, tmp_path: Path) -> Request:
    """A block of no page (a docstring example), with nothing before it."""
    return Request(code, "", str(tmp_path / "example.py"), {}, None, 10.0, "example.py:1")


def test_a_block_of_no_page_runs_in_this_process(tmp_path: Path) -> None:
    processes = BlockProcesses()
    try:
        assert processes.execute(None, None, request("print(6 * 7)\n6 * 7\n", tmp_path)) == (
            "42\n",
            "42",
        )
    finally:
        processes.close()


def test_an_error_raised_here_has_no_frames_of_a_page_s_process(tmp_path: Path) -> None:
    processes = BlockProcesses()
    with pytest.raises(ZeroDivisionError) as raised:
        processes.execute(None, None, request("1 / 0\n", tmp_path))
    assert processes.frames(raised.value) is None


def test_the_network_guard_puts_back_what_it_replaced() -> None:
    import socket

    from notesite.runner.probes import refused_network

    before = socket.socket, socket.getaddrinfo, socket.gethostbyname
    with refused_network():
        with pytest.raises(RuntimeError, match=r"A test tried to use socket\.getaddrinfo"):
            socket.getaddrinfo("localhost", 80)
        with pytest.raises(RuntimeError, match=r"A test tried to use socket\.socket"):
            socket.socket(socket.AF_INET)
        with pytest.raises(RuntimeError, match=r"A test tried to use socket\.gethostbyname"):
            socket.gethostbyname("localhost")
        socket.socket(socket.AF_UNIX).close()  # Unix sockets stay allowed
    assert (socket.socket, socket.getaddrinfo, socket.gethostbyname) == before
