"""Writing pages, nav, records and the original: what a plan turns into on disk."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date as Date
from typing import Any

import yaml

from notesite import outputs as _outputs
from notesite.fidelity import (
    post_source,
)
from notesite.model import (
    Page,
    parse_page,
    post_tags,
    slugify,
)
from notesite.project import CONFIG, Project
from notesite.sync.nav import place_in_notes, post_date
from notesite.sync.post import Post, SyncError

NAV_ENTRY = re.compile(r"^(?P<indent>\s*)-\s+(?:(?P<title>.+?):\s+)?(?P<path>\S+\.md)\s*$")


#: A width no line of YAML reaches: a value is dumped on one line.
ONE_LINE = 2**30


def front_matter_lines(meta: dict[str, Any], post: Post, source: str) -> list[str]:
    """A page's front matter: the post's source (its original), title, subtitle, date, tags."""

    def scalar(value: Any) -> str:
        """``value`` as YAML on one line (never wrapped: a title may be 5,000 characters)."""
        if (
            isinstance(value, str)
            and value.isprintable()
            and (value[:1].isdigit() or ": " in value or "#" in value)
        ):
            return "'" + value.replace("'", "''") + "'"
        for style in (None, '"'):  # double quotes write a line break as \n
            dumped = yaml.safe_dump(
                value, default_flow_style=True, default_style=style, width=ONE_LINE,
                allow_unicode=True,
            )  # fmt: skip
            text = str(dumped).strip().removesuffix("...").strip()
            if "\n" not in text:
                break
        return text

    out = ["---"]
    rest = {k: v for k, v in meta.items() if k not in ("post", "tags")}
    for key, value in rest.items():
        out.append(f"{key}: {scalar(value)}")
    out.append("post:")
    out.append(f"  source: {scalar(source)}")
    for key in ("title", "subtitle", "date"):
        if key in post.meta:
            out.append(f"  {key}: {scalar(post.meta[key])}")
    tags = post_tags(post.meta)
    if tags:  # a list, as the site's tags plugin reads it (a post may write one as a string)
        out.append("tags:")
        out += [f"  - {scalar(tag)}" for tag in tags]
    return [*out, "---", ""]


def post_meta_changed(old: Post, new: Post) -> bool:
    """Whether the new version changes the title, subtitle, date or tags."""
    keys = ("title", "subtitle", "date", "tags")
    return any(str(old.meta.get(k)) != str(new.meta.get(k)) for k in keys)


def section_page(project: Project, folder: str, heading: str, taken: set[str]) -> str:
    """A free page for a section (its heading's slug), not the post's index."""
    stem = slugify(heading) or "section"
    src = f"{folder}/{stem}.md"
    k = 2
    # A section titled "Index" must not take the post's index page.
    while src in taken or (project.docs_dir / src).exists() or src == f"{folder}/index.md":
        src = f"{folder}/{stem}-{k}.md"
        k += 1
    return src


def index_pages(project: Project, source: str, new: Post) -> dict[str, str]:
    """The post's index pages (in the nav) with the new version's front matter."""
    texts = {}
    nav_all = set(project.nav)
    for index in project.pages():
        if not index.is_note and post_source(index) == source and index.src_uri in nav_all:
            body_lines = index.lines[index.body_start :]
            while body_lines and not body_lines[0].strip():
                body_lines = body_lines[1:]
            text = "\n".join([*front_matter_lines(index.meta, new, source), *body_lines])
            texts[index.src_uri] = text.rstrip("\n") + "\n"
    return texts


def new_records(
    project: Project, pages: list[Page], texts: dict[str, str], removed: list[str]
) -> dict[str, str | None]:
    """The records of the pages that change: unchanged blocks keep theirs, wherever they went."""
    kept: dict[str, _outputs.Entry] = {}
    for page in pages:
        for entry in _outputs.load(project.record_path(page.src_uri), project.root):
            kept.setdefault(entry.key, entry)
    records: dict[str, str | None] = {}
    for src, text in texts.items():
        page = parse_page(text, src)
        path = project.record_path(src)
        entries = [
            replace(kept[b.key], block=b.number, line=b.line) for b in page.blocks if b.key in kept
        ]
        name = (project.docs_dir / src).relative_to(project.root).as_posix()
        new_text = _outputs.dump(entries, name) if page.blocks else None
        old_text = path.read_text(encoding="utf-8") if path.is_file() else None
        if new_text != old_text:
            records[src] = new_text
    for src in removed:
        if project.record_path(src).is_file():
            records[src] = None
    return records


def rewrite_nav(config: str, old: list[str], new: list[str]) -> str:
    """mkdocs.yml with the post's nav entries ``old`` replaced by ``new``, in order.

    Raises:
        SyncError: If the post's pages are not consecutive ``- path.md`` entries of the nav.
    """
    lines = config.splitlines(keepends=True)
    found = [(i, m) for i, line in enumerate(lines) if (m := NAV_ENTRY.match(line.rstrip("\n")))]
    at = [(i, m) for i, m in found if m["path"] in old]
    spots = [i for i, _ in at]
    if len(at) != len(old) or spots != list(range(spots[0], spots[0] + len(spots))):
        raise SyncError(
            f"{CONFIG}: expected the post's pages {old} as consecutive entries of the nav "
            "(- notes/….md), got them elsewhere; the sync cannot place the new pages"
        )
    indent = at[0][1]["indent"]
    titles = {m["path"]: m["title"] for _, m in at if m["title"]}
    fresh = [f"{indent}- {titles[p] + ': ' if p in titles else ''}{p}\n" for p in new]
    lines[spots[0] : spots[-1] + 1] = fresh
    return "".join(lines)


def add_nav(config: str, title: str, pages: list[str], day: Date | None = None) -> str:
    """mkdocs.yml with a nav section for a new post, under its year and month (:mod:`.nav`).

    Raises:
        SyncError: If the nav has no ``notes/`` entry to put it with.
    """
    block = [f"- {nav_title(title)}:\n"] + [f"    - {p}\n" for p in pages]
    return place_in_notes(config, block, day)


def nav_label(post: Post) -> str:
    """A post's title in the nav: its title and date, so two posts of one title differ.

    The date is the one the nav orders the post by (:func:`post_date`: its front matter's,
    else its file name's), as ``YYYY-MM-DD`` whatever its form (``2021-03-04T10:00:00Z``).
    """
    day = post_date(post)
    return f"{post.title} ({day.isoformat()})" if day is not None else post.title


def add_nav_entry(config: str, label: str, page: str, day: Date | None = None) -> str:
    """mkdocs.yml with a nav entry ``label: page`` (a post on one page), under its year and month.

    Raises:
        SyncError: If the nav has no ``notes/`` entry to put it with.
    """
    return place_in_notes(config, [f"- {nav_title(label)}: {page}\n"], day)


def retitle_nav_entry(config: str, page: str, label: str) -> str | None:
    """mkdocs.yml with the nav entry of ``page`` titled ``label`` (None: no such entry)."""
    lines = config.splitlines(keepends=True)
    for i, line in enumerate(lines):
        match = NAV_ENTRY.match(line.rstrip("\n"))
        if match is not None and match["path"] == page:
            lines[i] = f"{match['indent']}- {nav_title(label)}: {page}\n"
            return "".join(lines)
    return None


#: The most characters of a post's title that its nav entry shows.
NAV_TITLE_LIMIT = 160


def nav_title(title: str) -> str:
    """A nav section's title as YAML reads it back: quoted, each character as itself (🚀).

    The theme puts a nav title into its HTML as it is, and into a page's ``<title>``
    through ``striptags`` (which turns ``&lt;`` back into ``<``): angle brackets become
    single angle quotation marks (U+2039, U+203A) and ``&`` is escaped, so that it shows
    as the post wrote it and runs nothing. A title of over :data:`NAV_TITLE_LIMIT`
    characters is cut there (ending in "…"): YAML reads no key of over 1024 characters, and
    a nav shows a title on one or two lines; the page's own heading keeps it whole.

    >>> nav_title("a" * 5000) == "'" + "a" * (NAV_TITLE_LIMIT - 1) + "…'"
    True
    """
    if len(title) > NAV_TITLE_LIMIT:
        title = title[: NAV_TITLE_LIMIT - 1].rstrip() + "\u2026"
    title = html.escape(title, quote=False).replace("&lt;", "\u2039").replace("&gt;", "\u203a")
    if title.isprintable():  # single-quoted: every character as itself, ' doubled
        return "'" + title.replace("'", "''") + "'"
    dumped = yaml.safe_dump(title, allow_unicode=True, default_style='"', width=10_000)
    return str(dumped).strip().removesuffix("...").strip()


def rename_nav_section(config: str, old: str, new: str) -> str | None:
    """mkdocs.yml with the nav section titled ``old`` titled ``new`` (None: no such section)."""
    lines = config.splitlines(keepends=True)
    for i, line in enumerate(lines):
        match = re.match(r"^(?P<indent>\s*)- (?P<title>.+):\s*$", line.rstrip("\n"))
        if match is None:
            continue
        try:
            title = yaml.safe_load(match["title"])
        except yaml.YAMLError:
            continue
        if isinstance(title, str) and (
            html.unescape(title) == old or match["title"] == nav_title(old)
        ):
            lines[i] = f"{match['indent']}- {nav_title(new)}:\n"
            return "".join(lines)
    return None
