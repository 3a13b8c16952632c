"""A page's process has a memory limit: a block past it fails naming it, and the page goes on."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite import memory, outputs
from notesite.kernel import Request
from notesite.server import PageProcess

#: Blocks that ask for far more than the 2 GiB the tests give a page's process (8 GiB each).
GREEDY = {
    "bytearray": "data = bytearray(8 * 2**30)",
    "torch": "import torch\n\nbig = torch.empty(2**31)",
    "numpy": "import numpy\n\nbig = numpy.ones(2**30)",
}


@pytest.mark.parametrize("kind", sorted(GREEDY))
def test_a_block_over_the_memory_limit_fails_naming_it(
    two_pages: Callable[[str], Path], pytester: pytest.Pytester, kind: str
) -> None:
    root = two_pages(GREEDY[kind])
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
    two_pages: Callable[[str], Path], pytester: pytest.Pytester, given: str
) -> None:
    two_pages("print('never')")
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
