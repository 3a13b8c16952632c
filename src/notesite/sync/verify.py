"""The merge's own check, before anything is written.

The pages rebuild the new version, and every box stays under its own unit.
"""

from __future__ import annotations

import re

from notesite.fidelity import (
    check_metadata,
    normalise,
    rebuild_page,
    rebuild_with_origins,
)
from notesite.model import (
    CHECK_KIND,
    ERRATUM_KIND,
    NOTE_KIND,
    Page,
    PageError,
    is_note_page,
    parse_page,
)
from notesite.sync.compare import (
    SIMILAR,
    Comparison,
    similarity,
)
from notesite.sync.place import Placement
from notesite.sync.plan import Plan
from notesite.sync.post import (
    SyncError,
)

#: The boxes that stand for the unit above them: each must stay under its own unit.
OWNED_KINDS = (CHECK_KIND, NOTE_KIND, ERRATUM_KIND)


def verify(plan: Plan, pages: list[Page], placement: Placement, comparison: Comparison) -> None:
    """Check a plan before anything is written: every conflict stops the sync here.

    * every page the plan writes parses (its checks, notes and errata keep the site's rules);
    * the pages, less the site's additions, are the new version (the fidelity gate);
    * every check, precise note and erratum that stays stands under the new version of the
      unit it stood under (a box moves only with its own unit).

    Raises:
        SyncError: Naming the page and line, and the line of the new version, of the first
            conflict.
    """
    new = plan.post
    parsed = verify_text(plan, {page.src_uri: page for page in pages})
    current = {page.src_uri: page for page in pages}
    # Each box that stays under the new version of its own unit.
    owner: dict[tuple[str, str], int] = {}  # (page, box title) -> the original unit's key
    for key, placed in placement.placed.items():
        for addition in placed.page.additions:
            if (
                addition.kind in OWNED_KINDS
                and placed.chunk_start <= addition.start < placed.chunk_end
            ):
                owner[(placed.page.src_uri, addition.title)] = key
    before = {src: _box_owners(page) for src, page in current.items()}
    image = {o: n for n, (o, _) in comparison.units.items()}
    for src, page in parsed.items():
        for title, (line, words) in _box_owners(page).items():
            owned = owner.get((src, title))
            if owned is None:
                continue
            n = image.get(owned, -1)
            was = placement.placed[owned]
            old_words = before[was.page.src_uri][title][1]
            # The same text, edited, or joined into a longer one (every word of it kept).
            joined = set(re.findall(r"\w+", old_words)) <= set(re.findall(r"\w+", words))
            same = joined or similarity(words, old_words) >= SIMILAR
            if n < 0 or words not in new.units[n].text or not same:
                raise SyncError(
                    f'conflict: docs/{src}:{line + 1}: the box "{title}" stood under '
                    f"docs/{was.page.src_uri}:{was.start + 1} ({_short(old_words)!r}); the "
                    f"merge put it under {_short(words)!r}, which is not that text's new "
                    "version; the sync cannot place it"
                )


def verify_text(plan: Plan, current: dict[str, Page]) -> dict[str, Page]:
    """The text part of :func:`verify`; the pages the plan writes, parsed.

    Every page the plan writes parses; the post's pages (its index page's introduction,
    then its sections), less the site's additions, are the new version, line for line
    (whitespace-normalised): the fidelity gate, before anything is written.

    Raises:
        SyncError: Naming the first line of the new version that the pages do not hold.
    """
    new = plan.post
    parsed: dict[str, Page] = {}
    for src, text in plan.pages.items():
        try:
            parsed[src] = parse_page(text, src)
        except PageError as error:
            raise SyncError(f"conflict: docs/{error} (in the page the merge made)") from None
    ordered = [parsed.get(src) or current[src] for src in plan.nav if is_note_page(src)]
    if plan.index is not None:
        ordered.insert(0, parsed.get(plan.index.src_uri) or plan.index)
    assert plan.original_path is not None
    for page in ordered:
        for problem in check_metadata(new.meta, page.meta, page.src_uri, plan.original_path.name):
            raise SyncError(f"conflict: docs/{problem} (in the page the merge made)")
    try:
        rebuilt = [(page, line) for page in ordered for line in rebuild_page(page)]
    except PageError as error:
        raise SyncError(f"conflict: docs/{error} (in the page the merge made)") from None
    theirs = [(i, normalise(t)) for i, t in enumerate(new.lines) if i >= new.body_start]
    theirs = [(i, t) for i, t in theirs if t]
    ours = [(page, normalise(t)) for page, t in rebuilt if t.strip()]
    for k, (i, text) in enumerate(theirs):
        got = ours[k][1] if k < len(ours) else "the end of the pages"
        if got != text:
            where = f"docs/{ours[k][0].src_uri}" if k < len(ours) else "the pages"
            raise SyncError(
                f"conflict: {new.name}:{i + 1}: expected the merged pages to hold this line "
                f"({text!r}), got {got!r} in {where}; the sync cannot place this change"
            )
    if len(ours) > len(theirs):
        raise SyncError(
            f"conflict: docs/{ours[len(theirs)][0].src_uri}: expected no more of the "
            f"author's text, got {ours[len(theirs)][1]!r}; the sync cannot place this change"
        )
    return parsed


def _box_owners(page: Page) -> dict[str, tuple[int, str]]:
    """Each check, precise note and erratum of a page: its line, and its unit's author text."""
    lines, origins = rebuild_with_origins(page)
    found: dict[str, tuple[int, str]] = {}
    for region in page.attached:
        unit = region.unit
        words = " ".join(
            " ".join(line.split())
            for line, origin in zip(lines, origins, strict=True)
            if unit.start <= origin < unit.end and line.strip()
        )
        for addition in region.additions:
            if addition.kind in OWNED_KINDS:
                found[addition.title] = (addition.start, words)
    return found


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
