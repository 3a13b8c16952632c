"""How a post is paged and headed: its original, its introduction, the whole post's header."""

from __future__ import annotations

from typing import Any

from notesite.model import (
    INTRO_MARKER,
    PAGES_MARKER,
    POST_MARKER,
    PageError,
    read_markdown,
)
from notesite.project import CONFIG, ONE_PAGE, SECTIONS, Project, ProjectError
from notesite.safety import markdown_text
from notesite.sync.post import (
    Post,
    SyncError,
    read_post,
    render_units,
)
from notesite.sync.write import (
    front_matter_lines,
)


def read_original(project: Project, name: str, *, whole: bool = False) -> Post:
    """The original of a post (``originals/<name>``), read into units.

    Raises:
        SyncError: If the original cannot be read (named by its own path, not a page's).
    """
    where = f"{project.originals_dir.name}/{name}"
    try:
        text = read_markdown(project.originals_dir / name, where)
    except PageError as error:
        raise SyncError(str(error)) from None
    return read_post(text, where, whole=whole)


def intro_lines(post: Post) -> list[str]:
    """The introduction as the index page writes it, between its two markers."""
    if not post.intro:
        return []
    return [INTRO_MARKER, "", *render_units(post.intro, section=False), ""]


def with_intro(text: str, intro: list[str]) -> str:
    """An index page's text with its introduction (and marker) replaced by ``intro``."""
    lines = text.splitlines()
    marks = [k for k, line in enumerate(lines) if line.strip() == INTRO_MARKER]
    ends = [k for k, line in enumerate(lines) if line.strip() == PAGES_MARKER]
    if marks:
        start = marks[0]
        end = next((k for k in ends if k > start), len(lines))
    else:
        start = end = ends[0] if ends else len(lines)
        if not intro:
            return text
    if not ends and start == len(lines) and lines and lines[-1].strip():
        intro = ["", *intro]
    out = [*lines[:start], *intro, *lines[end:]]
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def check_same_paging(project: Project, name: str, new: Post, whole: bool) -> None:
    """Refuse a version whose paging setting is not the one its pages have.

    ``new`` is read by its sections: without one (:attr:`Post.whole`), it is one page
    whatever the setting.

    Raises:
        SyncError: Naming the setting and the pages' paging.
    """
    try:
        wanted = project.paging(name, new.meta)
    except ProjectError as error:
        raise SyncError(str(error)) from None
    has = ONE_PAGE if whole else SECTIONS
    if wanted != has and not (whole and new.whole):
        raise SyncError(
            f"{new.name}: expected the paging of its pages (pages: {has}), got pages: "
            f"{wanted} (the post's front matter or posts: in {CONFIG}); the sync keeps a "
            "post's paging: set it back, or remove the post's pages and add it again (--new)"
        )


def has_own_title(post: Post) -> bool:
    """Whether a whole post opens with its own ``#`` heading (then the site adds none)."""
    return bool(post.units) and post.units[0].heading_level == 1


def whole_header(meta: dict[str, Any], post: Post, source: str) -> list[str]:
    """The lines of a whole post's page above the post: front matter, title, marker."""
    title = [] if has_own_title(post) else [f"# {markdown_text(post.title)}", ""]
    return [*front_matter_lines(meta, post, source), *title, POST_MARKER, ""]


def section_titles(project: Project, name: str) -> tuple[list[str], list[str]]:
    """A post's ``##`` sections' headings, and the section headings its pages show, in order.

    The words of each heading as Markdown (an ATX heading's without its ``#``): the post's
    sections are opened by its ``##`` ATX headings (a setext heading opens none); its pages
    show each as the title of its page (a post split by its sections) or as a ``##`` ATX
    heading of its one page. The two lists are equal when the pages follow the post.
    """
    from notesite.fidelity import post_pages
    from notesite.model import atx_heading

    post = read_original(project, name)
    sections = [
        post.units[section[0]].heading_text
        for section in post.sections
        if post.units[section[0]].heading_level == 2
    ]
    pages = post_pages(project, name)
    shown: list[str] = []
    # A post without a `##` section is one page, whatever its paging says.
    split = not post.whole and project.paging(name, post.meta) == SECTIONS
    for page in pages:
        for k, (line, _level) in enumerate(page.headings):
            atx = atx_heading(page.lines[line])
            if atx is not None and (k == 0 if split else atx[0] == 2):
                shown.append(atx[1])
    return sections, shown
