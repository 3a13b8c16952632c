"""The plan of an update: a new version of a post already on the site, merged into its pages."""

from __future__ import annotations

import difflib

from notesite.fidelity import (
    normalised_lines,
    post_index,
    post_pages,
    rebuild_page,
)
from notesite.model import (
    CODE,
    HEADING,
    HELPER,
    PROSE,
    PageError,
)
from notesite.model.fences import indent_of
from notesite.project import CONFIG, Project
from notesite.sync.chunk import chunk_lines, refine
from notesite.sync.compare import (
    ADDED,
    CHANGED,
    MOVED,
    REMOVED,
    SAME,
    Comparison,
    compare_posts,
)
from notesite.sync.identity import original_of
from notesite.sync.nav import move_to_its_month, post_date
from notesite.sync.new_post import plan_new_post
from notesite.sync.paging import (
    check_same_paging,
    has_own_title,
    intro_lines,
    read_original,
    whole_header,
    with_intro,
)
from notesite.sync.place import (
    Placement,
    caption_line,
    place,
    python_without_language,
    split_margin_helper,
    trimmed_lines,
    unit_difference,
)
from notesite.sync.plan import Event, Flag, Plan
from notesite.sync.post import (
    Post,
    SyncError,
    read_post,
    render_unit,
    section_title,
    unit_words,
)
from notesite.sync.verify import OWNED_KINDS, verify
from notesite.sync.write import (
    front_matter_lines,
    index_pages,
    nav_label,
    new_records,
    post_meta_changed,
    rename_nav_section,
    retitle_nav_entry,
    rewrite_nav,
    section_page,
)


def _margin_pointers(
    placement: Placement, comparison: Comparison
) -> tuple[dict[int, list[str]], dict[tuple[str, int], int]]:
    """The helper pointers at the margin that stay when the text above them goes.

    A helper pointer at the margin points to the section's lesson: when the text above it
    goes, it stays, under the section's previous text that is kept. Returns the lines carried
    under each kept unit, and for each such box (page, line) the unit it now follows.
    """
    removed = set(comparison.removed)
    carried: dict[int, list[str]] = {}
    kept_boxes: dict[tuple[str, int], int] = {}
    for o in comparison.removed:
        placed = placement.placed[o]
        above = [
            (p.start, k)
            for k, p in placement.placed.items()
            if k not in removed and p.page is placed.page and p.start < placed.start
        ]
        keeper = max(above)[1] if above else None
        for addition in placed.page.additions:
            inside = placed.chunk_start <= addition.start < placed.chunk_end
            if keeper is None or not inside or addition.kind != HELPER or addition.indent:
                continue
            carried.setdefault(keeper, []).extend(
                ["", *placed.page.lines[addition.start : addition.end]]
            )
            kept_boxes[(placed.page.src_uri, addition.start)] = keeper
    return carried, kept_boxes


def _removed_units(
    placement: Placement,
    comparison: Comparison,
    kept_boxes: dict[tuple[str, int], int],
    events: dict[str, list[Event]],
) -> list[Flag]:
    """Note each removed unit on its page, and flag each box under it: removed, or kept."""
    flags: list[Flag] = []
    for o in comparison.removed:
        placed = placement.placed[o]
        unit = placed.unit
        src = placed.page.src_uri
        events.setdefault(src, []).append(
            Event(REMOVED, unit.kind, unit_words(unit), 0, f"was line {placed.start + 1}")
        )
        for addition in placed.page.additions:
            if not placed.chunk_start <= addition.start < placed.chunk_end:
                continue
            keeper = kept_boxes.get((src, addition.start))
            if keeper is not None:
                what = (
                    "kept: the text above it was removed, so it now follows the text of "
                    f"old line {placement.placed[keeper].start + 1}"
                )
            else:
                what = "removed with the text it annotates"
            flags.append(Flag(src, addition.kind, addition.title, what))
        flags += [
            Flag(src, "not-a-claim marker", marker.reason, "removed with the text it annotates")
            for marker in placed.page.markers
            if placed.chunk_start <= marker.start < placed.chunk_end
        ]
    return flags


def plan_sync(project: Project, new: Post, *, new_post: bool = False) -> Plan:
    """Compute every file a sync writes (nothing is written here).

    Raises:
        SyncError: If the post matches no original (or, with ``new_post``, one already),
            or its pages cannot be placed.
    """
    # With --new the post is its own: a clash of names or pages is refused when its pages
    # are planned.
    name = None if new_post else original_of(project, new.name, new.text)
    if name is None:
        return plan_new_post(project, new)
    try:
        pages = post_pages(project, name)
    except PageError as error:
        raise SyncError(
            f"docs/{error}; the sync reads every page before it changes any: mend the page"
        ) from None
    if not pages:
        raise SyncError(
            f"{project.originals_dir.name}/{name}: expected note pages whose front matter "
            f"names the post (post: source: {name}), got none; the sync cannot place the changes"
        )
    # The post keeps the paging its pages have: one page (a whole post), or one per section.
    whole = len(pages) == 1 and pages[0].whole_post
    check_same_paging(project, name, new, whole)
    old = read_original(project, name, whole=whole)
    new = read_post(new.text, new.name, whole=whole)
    placement = place(old, pages)
    comparison = compare_posts(old, new)
    flags: list[Flag] = []
    reverify: list[Flag] = []
    unrun: list[Event] = []
    events: dict[str, list[Event]] = {}
    by_old_section = {
        old.units[s[0]].section: placement.placed[s[0]].page.src_uri for s in old.sections
    }
    folder = pages[0].src_uri.rsplit("/", 1)[0]
    taken = {p.src_uri for p in pages}
    nav: list[str] = []
    texts: dict[str, str] = {}
    meta_changed = post_meta_changed(old, new)
    refine(new, comparison, placement)
    image = {n: o for n, (o, _) in comparison.units.items()}  # new unit -> its original
    carried, kept_boxes = _margin_pointers(placement, comparison)
    order = [comparison.sections[j] for j in sorted(comparison.sections)]
    in_place = {
        order[block.b + k]
        for block in difflib.SequenceMatcher(None, sorted(order), order).get_matching_blocks()
        for k in range(block.size)
    }
    for j, section in enumerate(new.sections):
        i = comparison.sections.get(j)
        if i is not None:
            src = by_old_section[i]
            page = next(p for p in pages if p.src_uri == src)
            header = placement.headers[src]
            if whole and (meta_changed or has_own_title(new) != has_own_title(old)):
                header = whole_header(page.meta, new, name)
            elif meta_changed:
                header = front_matter_lines(page.meta, new, name)
        else:
            src = section_page(project, folder, section_title(new, section), taken)
            taken.add(src)
            header = front_matter_lines({}, new, name)
        nav.append(src)
        body: list[str] = []
        page_events = events.setdefault(src, [])
        pending: list[str] = []  # helper pointers at the margin, after the nested units
        for n in section:
            unit = new.units[n]
            found = comparison.units.get(n)
            if found is None:
                lines = render_unit(unit, section=not whole)
            else:
                o, how = found
                placed = placement.placed[o]
                context = [k for k in section[: section.index(n)] if new.units[k].kind != CODE]
                nest = (
                    bool(context)
                    and new.units[context[-1]].kind == PROSE
                    and new.units[context[-1]].level > 0
                    and caption_line(placement, placed) == image.get(context[-1])
                )
                author = placement.author_lines[placed.page.src_uri]
                lines = chunk_lines(placed, unit, how, author, flags, nest)
            if pending and indent_of(next(line for line in [*lines, "x"] if line.strip())) == 0:
                body = [*trimmed_lines(body), *pending]
                pending = []
            if body and body[-1].strip() and (found is None or found[1] != SAME):
                body.append("")
            at = len(header) + len(body) + 1
            if found is None:
                body += [*lines, ""]
                page_events.append(Event(ADDED, unit.kind, unit_words(unit), at))
                if python_without_language(unit):
                    unrun.append(Event(ADDED, unit.kind, unit_words(unit), at, src))
                continue
            own = placed.start - placed.chunk_start
            if how == CHANGED:
                before, after = unit_difference(placed.unit, unit)
                page_events.append(Event(CHANGED, unit.kind, after, at + own, before))
                reverify += [
                    Flag(src, a.kind, a.title, f"under the changed {unit.kind} of line {at + own}")
                    for a in placed.page.additions
                    if a.kind in OWNED_KINDS
                    and placed.chunk_start <= a.start < placed.chunk_end
                    and a.title not in {f.title for f in flags if f.page == src}
                ]
            moved = how == MOVED or placed.page.src_uri != src
            if moved and unit.kind != HEADING:
                page_events.append(
                    Event(
                        MOVED, unit.kind, unit_words(unit), at + own, f"docs/{placed.page.src_uri}"
                    )
                )
            lines, floating = split_margin_helper(lines, placed)
            pending += floating
            body += lines
            if o in carried:
                body = [*trimmed_lines(body), *carried[o], ""]
        if pending:
            body = [*trimmed_lines(body), *pending]
        if i is not None and i not in in_place:
            page_events.append(
                Event(MOVED, "section", new.units[section[0]].heading_text, len(header) + 1,
                      f"nav place {i + 1} (now {j + 1})")
            )  # fmt: skip
        while body and not body[-1].strip():
            body.pop()
        text = "\n".join([*header, *body]) + "\n"
        if i is not None and text.rstrip("\n") == page.text.rstrip("\n"):
            text = page.text
        if i is None or text != page.text:
            texts[src] = text
    flags += _removed_units(placement, comparison, kept_boxes, events)
    if meta_changed:  # the post's index pages carry its front matter too
        texts.update(index_pages(project, name, new))
    index = post_index(project, name)
    held = normalised_lines(rebuild_page(index) if index else [])
    if held != normalised_lines(old.lines[old.body_start : old.sections_start]):
        where = f"docs/{index.src_uri}" if index else "the post's index page"
        raise SyncError(
            f"{where}: expected it to hold the introduction of {old.name} (its text before "
            f"the first ## section), got {held[:3]!r}; the sync cannot place the changes. "
            "Make the page hold the original again (the fidelity gate: "
            ".venv/bin/pytest tests/notesite/test_fidelity.py)"
        )
    if normalised_lines(intro_lines(old)) != normalised_lines(intro_lines(new)):
        if index is None:
            raise SyncError(
                f"conflict: {new.name}:{new.intro[0].start + 1 if new.intro else 1}: expected "
                f"an index page of the post (notes/…/index.md, post: title: {old.title}) to "
                "hold its introduction, got none; add one with <!-- ptnotes:pages --> on it"
            )
        before = texts.get(index.src_uri, index.text)
        texts[index.src_uri] = with_intro(before, intro_lines(new))
        page_events = events.setdefault(index.src_uri, [])
        page_events += [Event(ADDED, u.kind, unit_words(u), u.start + 1) for u in new.intro]
    removed_pages = [p.src_uri for p in pages if p.src_uri not in nav]
    old_nav = [p.src_uri for p in pages]
    config_text = None
    if nav != old_nav:
        config_text = rewrite_nav((project.root / CONFIG).read_text(encoding="utf-8"), old_nav, nav)
    if nav_label(new) != nav_label(old):  # the post's nav section or entry follows
        config = config_text or (project.root / CONFIG).read_text(encoding="utf-8")
        if whole:
            config_text = retitle_nav_entry(config, nav[0], nav_label(new)) or config_text
        else:
            renamed = rename_nav_section(config, nav_label(old), nav_label(new))
            renamed = renamed or rename_nav_section(config, old.title, nav_label(new))
            config_text = renamed or config_text
    # A post whose date changed goes to its new year and month.
    config = config_text or (project.root / CONFIG).read_text(encoding="utf-8")
    config_text = move_to_its_month(config, nav[0], post_date(new), post_date(old)) or config_text
    plan = Plan(new, old, texts, removed_pages, nav, config_text, {}, events, flags)
    plan.original_path = project.originals_dir / name
    plan.reverify, plan.unrun = reverify, unrun
    plan.index = index
    verify(plan, pages, placement, comparison)
    plan.records = new_records(project, pages, texts, removed_pages)
    return plan
