"""The plan of a new post: its slug, its pages (one, or one per section) and its nav entry."""

from __future__ import annotations

import re
from pathlib import Path

from notesite.fidelity import (
    POST_SUFFIXES,
    post_source,
)
from notesite.model import (
    PAGES_MARKER,
    PageError,
    parse_page,
    slugify,
)
from notesite.project import CONFIG, ONE_PAGE, Project, ProjectError
from notesite.safety import markdown_text
from notesite.sync.compare import (
    ADDED,
)
from notesite.sync.nav import post_date
from notesite.sync.paging import intro_lines, read_original, whole_header
from notesite.sync.place import python_without_language
from notesite.sync.plan import Event, Plan
from notesite.sync.post import (
    Post,
    SyncError,
    read_post,
    render_unit,
    render_units,
    section_title,
    tight,
    unit_words,
)
from notesite.sync.verify import verify_text
from notesite.sync.write import (
    add_nav,
    add_nav_entry,
    front_matter_lines,
    nav_label,
    section_page,
)


def post_slug(name: str) -> str:
    """The slug of a post's pages: its file name's, without a Jekyll ``YYYY-MM-DD-`` date."""
    stem = Path(name).name
    for suffix in POST_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return slugify(re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem)) or "post"


def _slug_of_new(project: Project, source: str) -> str:
    """The slug of a new post's pages: :func:`post_slug`, or with its date if another post's.

    Two posts of a blog may differ only by their date (``2022-04-04-nmt.markdown`` and
    ``2022-04-07-nmt.markdown``): the second one's slug is ``nmt-2022-04-07``. A page of
    the site's own (no post's) is never moved aside: :func:`_clash` refuses it.
    """
    slug = post_slug(source)
    dated = re.match(r"^(\d{4}-\d{2}-\d{2})-", Path(source).name)
    if dated is None:
        return slug
    for src in project.nav:
        if src == f"notes/{slug}.md" or src.startswith(f"notes/{slug}/"):
            page = project.page(src) if (project.docs_dir / src).is_file() else None
            if page is not None and post_source(page) not in (None, source):
                return f"{slug}-{dated[1]}"
    return slug


def _clash(project: Project, new: Post, source: str, slug: str) -> None:
    """Refuse a new post whose original, page, folder or URL another page or post has.

    Raises:
        SyncError: Naming the new post and what it would replace.
    """
    folder = project.originals_dir.name
    original = project.originals_dir / source
    if original.exists():
        other = read_original(project, source)
        raise SyncError(
            f"{new.name}: expected a file name that no post of the site has, got "
            f"{folder}/{source}, the original of {other.title!r}; rename the new post's file "
            "and run the sync again (or, to update that post, run the sync without --new)"
        )
    # notes/<slug>.md and notes/<slug>/index.md have one URL, notes/<slug>/.
    taken = [f"notes/{slug}.md", f"notes/{slug}/"]
    nav = set(project.nav)
    for target in taken:
        on_disk = project.docs_dir / target
        held = [src for src in nav if src == target or src.startswith(target)]
        if on_disk.exists() or held:
            what = held[0] if held else target
            held_page = project.page(what) if what.endswith(".md") and what in nav else None
            whose = f" (the page {held_page.title!r})" if held_page is not None else ""
            raise SyncError(
                f"{new.name}: expected pages of their own, got docs/notes/{slug} of an "
                f"existing page: docs/{what}{whose}; the new post would replace it. Rename "
                "the new post's file and run the sync again"
            )


def plan_new_post(project: Project, new: Post) -> Plan:
    """The plan of a new post: its page (or folder of pages), nav entry and original.

    Raises:
        SyncError: If its original's file name, its page, folder or URL is another's.
    """
    source = Path(new.name).name
    if Path(source).suffix not in POST_SUFFIXES:
        source = f"{slugify(new.title) or 'post'}.md"
    slug = _slug_of_new(project, source)
    _clash(project, new, source, slug)
    try:
        paging = project.paging(source, new.meta)
    except ProjectError as error:
        raise SyncError(str(error)) from None
    if paging == ONE_PAGE or new.whole:
        return _plan_new_page(project, read_post(new.text, new.name, whole=True), source, slug)
    return _plan_new_sections(project, new, source, slug)


def _plan_new_page(project: Project, new: Post, source: str, slug: str) -> Plan:
    """The plan of a new post on one page: ``notes/<slug>.md``, one nav entry."""
    src = f"notes/{slug}.md"
    header = whole_header({}, new, source)
    units = new.units
    events: dict[str, list[Event]] = {src: []}
    unrun: list[Event] = []
    at = len(header) + 1
    for k, unit in enumerate(units):
        at += k > 0 and not tight(units[k - 1], unit)
        events[src].append(Event(ADDED, unit.kind, unit_words(unit), at))
        if python_without_language(unit):
            unrun.append(Event(ADDED, unit.kind, unit_words(unit), at, src))
        at += len(render_unit(unit, section=False))
    texts = _chained({src: "\n".join([*header, *render_units(units, section=False)]) + "\n"})
    config = (project.root / CONFIG).read_text(encoding="utf-8")
    config_text = add_nav_entry(config, nav_label(new), src, post_date(new))
    plan = Plan(new, None, texts, [], [src], config_text, {}, events, [])
    plan.original_path = project.originals_dir / source
    plan.unrun = unrun
    verify_text(plan, {})
    return plan


def _chained(texts: dict[str, str]) -> dict[str, str]:
    """New pages with ``continuation`` on each block that needs the blocks above it.

    A reader runs a post top to bottom; the page says so where a block relies on it
    (:mod:`notesite.sync.chain`), so that ``pytest docs/`` runs it as the reader does.
    """
    from notesite.sync.chain import with_continuations

    chained = {}
    for src, text in texts.items():
        try:
            page = parse_page(text, src)
        except PageError as error:
            raise SyncError(f"conflict: docs/{error} (in the page the sync made)") from None
        chained[src] = with_continuations(text, page)
    return chained


def _plan_new_sections(project: Project, new: Post, source: str, slug: str) -> Plan:
    """The plan of a new post split by its sections: its own folder of pages, nav section."""
    folder = f"notes/{slug}"
    texts: dict[str, str] = {}
    events: dict[str, list[Event]] = {}
    unrun: list[Event] = []
    index = f"{folder}/index.md"
    header = front_matter_lines({}, new, source)
    opening = new.intro[0] if new.intro else None
    own_title = opening is not None and opening.heading_level == 1
    title = [] if own_title else [f"# {markdown_text(new.title)}", ""]
    texts[index] = "\n".join([*header, *title, *intro_lines(new), PAGES_MARKER]) + "\n"
    nav = [index]
    taken: set[str] = set()
    for section in new.sections:
        src = section_page(project, folder, section_title(new, section), taken)
        taken.add(src)
        nav.append(src)
        page_events = events.setdefault(src, [])
        units = [new.units[n] for n in section]
        body = render_units(units)
        at = len(header) + 1
        for k, unit in enumerate(units):
            at += k > 0 and not tight(units[k - 1], unit)
            page_events.append(Event(ADDED, unit.kind, unit_words(unit), at))
            if python_without_language(unit):
                unrun.append(Event(ADDED, unit.kind, unit_words(unit), at, src))
            at += len(render_unit(unit))
        texts[src] = "\n".join([*header, *body]) + "\n"
    texts = _chained(texts)
    config = (project.root / CONFIG).read_text(encoding="utf-8")
    config_text = add_nav(config, nav_label(new), nav, post_date(new))
    plan = Plan(new, None, texts, [], nav, config_text, {}, events, [])
    plan.original_path = project.originals_dir / source
    plan.unrun = unrun
    plan.index = parse_page(texts[index], index)
    verify_text(plan, {})
    return plan
