"""Where a block runs: a page's block in the page's own process, anything else here.

The runner keeps a few pages' processes (:data:`~notesite.runner.state.PAGE_PROCESSES`), the
one used longest ago closed first; a block whose start (a fixture's value) cannot travel to
a process runs in the test process. An error raised in a page's process comes back with that
process's frames, for the failure's report.
"""

from __future__ import annotations

import contextlib
import dataclasses
import pickle
import warnings

from notesite import model
from notesite.kernel import PageProcessError, Request, as_block_error
from notesite.runner.probes import perturbed_generators, refused_network, shifted_clock
from notesite.runner.state import PAGE_PROCESSES, PageRun
from notesite.server import PageProcess

#: A frame of an error's traceback: ``(file, line, function, code)``.
Frame = tuple[str, int, str, str]


class BlockProcesses:
    """The pages' processes of a session, and the frames of the errors raised in them."""

    def __init__(self, memory: int | None = None) -> None:
        """No process yet: each starts with its page's first block.

        ``memory``: the most memory, in bytes, a page's process may take (None: no limit).
        """
        self.memory = memory
        #: Each page's process, by page, the one used most recently last.
        self._pages: dict[str, PageProcess] = {}
        #: Each page's process in the other interpreter (:meth:`cold`), the same way.
        self._cold: dict[str, PageProcess] = {}
        #: The frames of the errors raised from a page's process, by the error's id.
        self._frames: dict[int, list[Frame]] = {}

    def frames(self, error: BaseException) -> list[Frame] | None:
        """The frames of an error raised in a page's process (None for one raised here)."""
        return self._frames.get(id(error))

    def execute(
        self, run: PageRun | None, block: model.Block | None, request: Request
    ) -> tuple[str, str | None]:
        """Run a block: a page's in the page's own process, anything else here.

        Returns:
            What it printed, and the repr of its last expression's value (None: none).

        Raises:
            BaseException: The block's error (its verdict as ``outcome``), or a
                :class:`~notesite.kernel.PageProcessError` when the page's process ended.
        """
        if run is None or block is None:
            return here(request)
        pages = self._pages
        page = pages.pop(run.page.src_uri, None)
        if page is None:
            while len(pages) >= PAGE_PROCESSES:  # the page used longest ago goes first
                pages.pop(next(iter(pages))).close()
            page = PageProcess(run.page.src_uri, memory=self.memory)
        pages[run.page.src_uri] = page  # the most recent last
        request.filters = list(warnings.filters)
        try:
            reply = page.run(request, f"block {block.number} (line {block.line})")
        except (pickle.PicklingError, TypeError, AttributeError):
            # What the block starts with (a fixture's value) cannot travel: run it here.
            return here(request)
        error = reply.exception()
        if error is None:
            return reply.stdout, reply.result
        self._frames[id(error)] = reply.frames
        if reply.outcome is not None:
            with contextlib.suppress(AttributeError):
                error.outcome = reply.outcome  # type: ignore[attr-defined]
        raise error

    def cold(
        self, run: PageRun, block: model.Block | None, request: Request
    ) -> tuple[str, str | None] | None:
        """The block run again in a process of another interpreter (None if it fails there).

        That process is its page's in the other interpreter, kept for the page's next blocks
        (a process of its own for each block would pay, block after block, what a first
        block costs).
        """
        request = dataclasses.replace(
            request, explain_asserts=False, filters=list(warnings.filters)
        )
        pages = self._cold
        page = pages.pop(run.page.src_uri, None)
        if page is None:
            while len(pages) >= PAGE_PROCESSES:
                pages.pop(next(iter(pages))).close()
            page = PageProcess(run.page.src_uri, cold=True, memory=self.memory)
        try:
            reply = page.run(request, f"block {block.number if block else '?'}")
        except PageProcessError:  # it ended: the page's next block gets a new one
            page.close()
            return None
        pages[run.page.src_uri] = page
        return None if reply.error is not None else (reply.stdout, reply.result)

    def close(self) -> None:
        """Stop the pages' processes (and every process they started)."""
        while self._pages:
            self._pages.popitem()[1].close()
        while self._cold:
            self._cold.popitem()[1].close()


def here(request: Request) -> tuple[str, str | None]:
    """Run a block in this process (a docstring example, or what cannot travel to a page's)."""
    try:
        with (
            refused_network(),
            perturbed_generators(request.perturbed),
            shifted_clock(request.clock),
        ):
            return request.run()
    except BaseException as error:
        # Ctrl-C here may be the reader's own: it stops the run, as it always does.
        raise as_block_error(error, interrupt=False) from None


def cuda_available() -> bool:
    """Whether this process sees a CUDA GPU (for a block's verdict), torch imported or not.

    :func:`notesite.runner.provenance.cuda_available`: a run of pages does not import torch
    in the test process to ask.
    """
    from notesite.runner.provenance import cuda_available as asked

    return asked()
