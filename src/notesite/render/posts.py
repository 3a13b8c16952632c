"""A post of the site: which original it is, its pages, and where a link to it leads.

A post is known by its original's file name (date and slug, as its Jekyll blog names it),
never by its title: :func:`site_posts` lists the posts the site holds, :func:`post_page`
finds one from a link's file name, :func:`blog_permalink` where its blog keeps it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from notesite.model import Page, parse_page
from notesite.project import Project

#: A post's file name as Jekyll names it: ``YYYY-MM-DD-slug.markdown`` (or ``.md``…).
POST_FILE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})-(?P<slug>[^/]+?)"
    r"\.(?:markdown|md|mdown|mkdn|mkd|html?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SitePost:
    """A post of the site: its original's file name, front matter and pages (nav order).

    ``pages[0]`` is where the post starts: its index page when it has one.
    """

    name: str
    meta: dict[str, Any]
    pages: tuple[str, ...]

    @property
    def title(self) -> str:
        """The post's title."""
        return str(self.meta.get("title", ""))

    @property
    def date(self) -> str:
        """The post's date, ``YYYY-MM-DD`` ("" when it has none)."""
        found = re.match(r"\d{4}-\d{2}-\d{2}", str(self.meta.get("date") or ""))
        if found:
            return found[0]
        named = POST_FILE.match(self.name)
        return f"{named['year']}-{named['month']}-{named['day']}" if named else ""

    @property
    def key(self) -> tuple[str, str]:
        """The post's date and slug, as a link to its file names it (:func:`post_key`)."""
        named = POST_FILE.match(self.name)
        slug = named["slug"] if named else re.sub(r"\.(markdown|md)$", "", self.name)
        return self.date, slug.lower()


def post_key(name: str) -> tuple[str, str] | None:
    """The date and slug (lower case) a post's file name gives, None if it names no post.

    >>> post_key("../2022/2022-03-15-deep-learning-rnn3-lstm.markdown")
    ('2022-03-15', 'deep-learning-rnn3-lstm')
    >>> post_key("image.png") is None
    True
    """
    found = POST_FILE.match(posixpath.basename(name))
    if found is None:
        return None
    return f"{found['year']}-{found['month']}-{found['day']}", found["slug"].lower()


def _source(page: Page) -> str | None:
    """The file name of the original a page names (front matter ``post: source:``)."""
    post = page.meta.get("post")
    if isinstance(post, dict) and post.get("source"):
        return posixpath.basename(str(post["source"]))
    return None


#: The posts of each project, with the files' dates they were read from.
_POSTS: dict[str, tuple[tuple[Any, ...], list[SitePost]]] = {}


def site_posts(project: Project) -> list[SitePost]:
    """Every post of the originals folder that has pages on the site, in nav order.

    A post's pages are those whose front matter names its original (``post: source:``),
    else, where no page names a source, those whose ``post: title:`` is its title. Read
    again only when an original or a page changes (a build asks once per page).
    """
    from notesite.fidelity import originals
    from notesite.model import post_meta, read_markdown

    names = originals(project)
    stamps: list[tuple[str, int, int]] = []
    for folder, files in ((project.originals_dir, names), (project.docs_dir, project.nav)):
        for name in files:
            try:
                stat = (folder / name).stat()
            except OSError:
                continue
            stamps.append((name, stat.st_mtime_ns, stat.st_size))
    key = tuple(stamps)
    cached = _POSTS.get(str(project.root))
    if cached is not None and cached[0] == key:
        return cached[1]
    notes = [
        project.page(src)
        for src in project.nav
        if src.startswith("notes/") and src.endswith(".md") and (project.docs_dir / src).is_file()
    ]
    by_source: dict[str, list[str]] = {}
    by_title: dict[str, list[str]] = {}
    for page in notes:
        post = page.meta.get("post")
        if not isinstance(post, dict):
            continue
        source = _source(page)
        if source is not None:
            by_source.setdefault(source, []).append(page.src_uri)
        elif "title" in post:
            by_title.setdefault(str(post["title"]), []).append(page.src_uri)
    found: list[SitePost] = []
    for name in names:
        where = f"{project.originals_dir.name}/{name}"
        original = parse_page(
            read_markdown(project.originals_dir / name, where), where, note=False, page=False
        )
        meta, _ = post_meta(original, name)
        pages = by_source.get(name) or by_title.get(str(meta["title"])) or []
        if pages:
            indexes = [src for src in pages if src.endswith("index.md")]
            ordered = [*indexes[:1], *(src for src in pages if src not in indexes[:1])]
            found.append(SitePost(name, meta, tuple(ordered)))
    nav = list(project.nav)
    found.sort(key=lambda post: nav.index(post.pages[0]))
    _POSTS[str(project.root)] = (key, found)
    return found


def post_page(project: Project, name: str) -> str | None:
    """The page (its path under the docs folder) of the post whose file name is ``name``.

    A link of a post to another post names the other's file as its blog keeps it
    (``../2022/2022-03-15-deep-learning-rnn3-lstm.markdown``): the post of this site whose
    original has the same date and slug is that post (the date from the original's file
    name, else from its front matter). None when the site does not hold it.
    """
    wanted = post_key(name)
    if wanted is None:
        return None
    for post in site_posts(project):
        if post.key == wanted:
            return post.pages[0]
    return None


def blog_permalink(blog_url: str, name: str) -> str | None:
    """The address of a post on its Jekyll blog, from its file name (None: not a post's).

    Jekyll's default permalink (``date``): ``/YYYY/MM/DD/slug.html``.

    >>> blog_permalink("https://example.github.io/", "2022-03-15-rnn3-lstm.markdown")
    'https://example.github.io/2022/03/15/rnn3-lstm.html'
    """
    found = POST_FILE.match(posixpath.basename(name))
    if not blog_url or found is None:
        return None
    return (
        f"{blog_url.rstrip('/')}/{found['year']}/{found['month']}/{found['day']}/"
        f"{found['slug']}.html"
    )
