"""Carry a new version of a post onto its pages: ``python -m notesite sync PATH``.

The post's original (in the originals folder) and the new version are each cut into units
(headings, prose units, code blocks: :class:`notesite.model.Unit`), section by section (the
``##`` headings, one page each). The original's units are placed on the pages through the
fidelity gate's rebuild (:func:`notesite.fidelity.rebuild_with_origins`): each unit owns a
*chunk* of its page, its own lines and the site's additions under it (a setup box belongs
to the snippet below it). The two versions are compared unit by unit (exact matches in
order, then units that moved, then units lightly edited), and the pages are assembled anew
from the chunks, in the new order:

* a unit that did not change keeps its chunk, byte for byte;
* a changed unit is edited in place, line by line, inside its chunk, so the checks and notes
  under it stay; an erratum whose original lines are still there is kept, one whose
  original lines changed is taken off and flagged;
* a new unit is written where the new version puts it, indented for the site;
* a removed unit goes with its chunk, and the additions in it are listed.

Nothing is invented: no check, setup or erratum is written. Everything is computed before
anything is written; a post or page the sync cannot read or place stops it with the place
named (:class:`SyncError`), and nothing changes.

The stages, one module each: :mod:`~notesite.sync.post` (reading a post),
:mod:`~notesite.sync.compare` (the edit script between two versions),
:mod:`~notesite.sync.merge` (the three-way merge onto the pages, and its conflicts),
:mod:`~notesite.sync.write` (pages, nav, records), :mod:`~notesite.sync.run` (each new block
run alone), :mod:`~notesite.sync.report` and :mod:`~notesite.sync.command` (the whole sync).
"""

from notesite.sync.command import Outcome, sync
from notesite.sync.compare import ADDED, CHANGED, MOVED, REMOVED, SAME, Comparison, compare_posts
from notesite.sync.merge import Event, Flag, Plan, plan_sync
from notesite.sync.post import Post, PostUnit, SyncError, read_post
from notesite.sync.report import report
from notesite.sync.run import (
    DOES_NOT_PARSE,
    FAILS,
    NEEDS_CUDA,
    NEEDS_PACKAGE,
    NEEDS_SETUP,
    NOTEBOOK_ONLY,
    PASSES,
    TIMED_OUT,
    TIMEOUT,
    BlockRun,
    run_block,
)
from notesite.verdicts import undefined_names

__all__ = [
    "ADDED",
    "CHANGED",
    "DOES_NOT_PARSE",
    "FAILS",
    "MOVED",
    "NEEDS_CUDA",
    "NEEDS_PACKAGE",
    "NEEDS_SETUP",
    "NOTEBOOK_ONLY",
    "PASSES",
    "REMOVED",
    "SAME",
    "TIMED_OUT",
    "TIMEOUT",
    "BlockRun",
    "Comparison",
    "Event",
    "Flag",
    "Outcome",
    "Plan",
    "Post",
    "PostUnit",
    "SyncError",
    "compare_posts",
    "plan_sync",
    "read_post",
    "report",
    "run_block",
    "sync",
    "undefined_names",
]
