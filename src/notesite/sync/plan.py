"""What a sync plans: the files it writes, the events of its report and what it flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from notesite.model import (
    Page,
)
from notesite.sync.post import (
    Post,
)


@dataclass
class Flag:
    """An addition of the site that the sync removed or flagged, and why."""

    page: str
    kind: str
    title: str
    what: str


@dataclass
class Event:
    """One change on a page, for the report (a code unit's text is its first line of code)."""

    what: str  # ADDED, CHANGED, MOVED, REMOVED
    kind: str
    text: str
    line: int = 0  # on the new page (1-based); 0 for a removed unit
    before: str = ""  # a changed unit's old text, a moved unit's old page


@dataclass
class Plan:
    """Everything a sync will write, computed before anything is written."""

    post: Post
    old: Post | None
    pages: dict[str, str]  # src_uri -> new text (only the pages that change or are new)
    removed_pages: list[str]
    nav: list[str]  # the post's pages, in order
    config_text: str | None  # the new mkdocs.yml, when the nav changes
    records: dict[str, str | None]  # src_uri -> new record text (None: delete)
    events: dict[str, list[Event]] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    original_path: Path | None = None
    #: The checks, precise notes and errata that stay under a unit whose text changed.
    reverify: list[Flag] = field(default_factory=list)
    #: New blocks without a language that read as Python: shown as text, never run.
    unrun: list[Event] = field(default_factory=list)
    #: The post's index page as it stands (it holds the introduction), if it has one.
    index: Page | None = None
