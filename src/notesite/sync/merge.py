"""The three-way merge: the original (base), the pages (current) and the new version (other).

The merge is a few modules of one job each; this one names what the rest of the sync uses:

* :mod:`notesite.sync.place`: the original placed on the pages, unit by unit;
* :mod:`notesite.sync.chunk`: each edit carried onto its unit's chunk of page lines;
* :mod:`notesite.sync.update`: the plan of an update (:func:`plan_sync`);
* :mod:`notesite.sync.new_post`: the plan of a new post;
* :mod:`notesite.sync.paging`: the original, the introduction and the header of a post;
* :mod:`notesite.sync.verify`: the merge's own check before anything is written;
* :mod:`notesite.sync.plan`: what a sync plans (:class:`Plan`, :class:`Event`, :class:`Flag`).
"""

from __future__ import annotations

from notesite.sync.chunk import refine
from notesite.sync.new_post import post_slug
from notesite.sync.place import Placed, Placement, place
from notesite.sync.plan import Event, Flag, Plan
from notesite.sync.update import plan_sync
from notesite.sync.verify import verify

__all__ = [
    "Event",
    "Flag",
    "Placed",
    "Placement",
    "Plan",
    "place",
    "plan_sync",
    "post_slug",
    "refine",
    "verify",
]
