"""Under pytest-xdist, a page's items go to one worker, as a notebook's cells to one kernel.

A page's blocks run in the page's own process, one per worker (:mod:`notesite.server`): if
pytest-xdist handed a page's blocks to two workers (its default ``--dist load`` does), each
worker would run part of the page in a process of its own, and a block that ends its
process would leave "not run" the later blocks on its worker only. The run would then say
something else with ``-n 2`` than with ``-n 0``. :func:`page_scope` names a page's items
(its blocks, console sessions and claims) by the page, and :func:`make_scheduler` hands
each page whole to one worker; every other test is its own unit, as under ``--dist load``.
"""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["PAGE_SUFFIXES", "WHOLE_PAGE_MODES", "make_scheduler", "page_scope"]

#: The files whose items are a page's (pytest-markdown-docs collects Markdown pages).
PAGE_SUFFIXES = (".md", ".markdown")
#: The ``--dist`` modes that would split a page; the others keep a file whole already
#: (``loadfile``, ``loadscope``), or are a suite's own (``loadgroup``, see the project's
#: ``conftest.py``), or run every test everywhere (``each``).
WHOLE_PAGE_MODES = ("load", "worksteal")


def page_scope(nodeid: str) -> str:
    """The unit of work of a test: its page's path for a page's item, else its own id.

    >>> page_scope("docs/notes/misc.md::[CodeFence#3][line:20]")
    'docs/notes/misc.md'
    >>> page_scope("tests/test_a.py::test_b")
    'tests/test_a.py::test_b'
    """
    path = nodeid.split("::", 1)[0]
    return path if path.endswith(PAGE_SUFFIXES) else nodeid


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's scheduler that keeps each page on one worker (:func:`page_scope`)."""
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class WholePages(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return page_scope(nodeid)

    return WholePages(config, log)
