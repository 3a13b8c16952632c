"""The project: where its pages, records and originals are, and its pages in nav order.

The project root is the folder that holds ``mkdocs.yml``; it is found one way only,
:func:`find_root`. The settings are those of the ``notesite`` entry under
``markdown_extensions:`` in ``mkdocs.yml`` (the same entry both builders pass to the
extension), so the pytest plugin and the build read one configuration.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from notesite.errors import InputError
from notesite.model import Page, PageError, is_note_page, nav_pages, parse_page, read_markdown

CONFIG = "mkdocs.yml"
EXTENSION = "notesite"
DEFAULTS = {"docs_dir": "docs", "outputs_dir": "outputs", "originals_dir": "notes-original"}


class ProjectError(InputError):
    """A setting of the project that cannot be read (the message names it)."""


#: A post's paging: on one page (the default), or a page per ``##`` section.
ONE_PAGE = "one"
SECTIONS = "sections"
PAGINGS = (ONE_PAGE, SECTIONS)


@dataclass(frozen=True)
class PostSettings:
    """The settings of one post (``posts: {<original file name>: {pages: sections}}``).

    Attributes:
        pages: ``one`` (the post on one page) or ``sections`` (a page per ``##`` section);
            None where the project does not say (the post's front matter, else ``one``).
        verified: Whether the post is held strictly (see :mod:`notesite.progress`); None
            where the project does not say (the post's front matter, else not verified).
    """

    pages: str | None = None
    verified: bool | None = None


def post_settings(value: Any, where: str = CONFIG) -> dict[str, PostSettings]:
    """The ``posts`` setting of the extension, read and checked.

    Raises:
        ProjectError: If it is not a mapping of file names to settings with a known ``pages``.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProjectError(
            f"{where}: expected notesite's posts: to map post file names to settings, got {value!r}"
        )
    found: dict[str, PostSettings] = {}
    for name, settings in value.items():
        settings = settings or {}
        pages = settings.get("pages") if isinstance(settings, dict) else settings
        if not isinstance(settings, dict) or (pages is not None and pages not in PAGINGS):
            raise ProjectError(
                f"{where}: expected posts: {name}: pages: one or sections, got {settings!r}"
            )
        verified = settings.get("verified")
        unknown = set(settings) - {"pages", "verified"}
        if (verified is not None and not isinstance(verified, bool)) or unknown:
            raise ProjectError(
                f"{where}: expected posts: {name}: with pages: one|sections and verified: "
                f"true|false, got {settings!r}"
            )
        found[str(name)] = PostSettings(pages, verified)
    return found


class _Loader(yaml.SafeLoader):
    """A YAML loader that reads MkDocs' tags (``!ENV``, ``!!python/name:…``) as plain values."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_Loader.add_multi_constructor("", _any_tag)
_Loader.add_multi_constructor("!", _any_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def find_root(start: Path | None = None) -> Path | None:
    """The project root: the nearest folder, from ``start`` (default: cwd) up, with mkdocs.yml."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / CONFIG).is_file():
            return folder
    return None


class ConfigError(InputError):
    """A ``mkdocs.yml`` the site cannot use (names the file and line)."""


def read_config(root: Path) -> dict[str, Any]:
    """The project's ``mkdocs.yml``, as data.

    Raises:
        ConfigError: If it is not YAML.
    """
    return config_data((root / CONFIG).read_text(encoding="utf-8"), root / CONFIG)


def config_data(text: str, path: Path) -> dict[str, Any]:
    """The text of a ``mkdocs.yml`` (at ``path``, for messages), as data.

    Raises:
        ConfigError: If it is not YAML.
    """
    try:
        loaded = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{path}{line}: expected YAML, got text that is not: {problem}") from None
    return loaded if isinstance(loaded, dict) else {}


def _inside(root: Path, key: str, value: object) -> Path:
    """A configured folder, which must be inside the project root.

    Raises:
        ConfigError: If it is outside (``originals_dir: ../orig``): the site writes there.
    """
    folder = (root / str(value)).resolve()
    if not folder.is_relative_to(root):
        raise ConfigError(
            f"{root / CONFIG}: expected {key} to be a folder inside the project {root}, "
            f"got {value!r}, which is {folder}"
        )
    return root / str(value)


def extension_settings(config: dict[str, Any]) -> dict[str, Any] | None:
    """The settings of the ``notesite`` Markdown extension in a config (None if not listed)."""
    for entry in config.get("markdown_extensions") or []:
        if entry == EXTENSION:
            return {}
        if isinstance(entry, dict) and EXTENSION in entry:
            return dict(entry[EXTENSION] or {})
    return None


def markdown_settings(
    config: dict[str, Any], leave_out: set[str] | frozenset[str] = frozenset()
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions a config lists, and their settings, as ``Markdown()`` takes them.

    Args:
        config: The project's ``mkdocs.yml``, as data.
        leave_out: Extensions to leave out.

    Returns:
        The extensions' names, in order, and the settings of those that have some.
    """
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for entry in config.get("markdown_extensions") or []:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name in leave_out:
            continue
        names.append(name)
        if isinstance(entry, dict) and entry[name]:
            configs[name] = dict(entry[name])
    return names, configs


@dataclass(frozen=True)
class Project:
    """A site's folders, and its pages in navigation order."""

    root: Path
    docs_dir: Path
    outputs_dir: Path
    originals_dir: Path
    nav: tuple[str, ...]
    repo_url: str = ""
    edit_uri: str = ""
    #: The author's blog (the extension's ``blog_url``): where a post the site does not
    #: hold is read, at its Jekyll permalink ("" when the project names none).
    blog_url: str = ""
    #: Each post's settings, by its original's file name (``posts:`` of the extension).
    posts: tuple[tuple[str, PostSettings], ...] = ()

    @classmethod
    def at(cls, root: Path, settings: dict[str, Any] | None = None) -> Project:
        """The project whose ``mkdocs.yml`` is in ``root`` (settings: the extension's).

        Raises:
            ConfigError: If ``mkdocs.yml`` is not YAML, or names a folder outside ``root``.
        """
        root = root.resolve()
        config = read_config(root) if (root / CONFIG).is_file() else {}
        chosen = {**DEFAULTS, **(extension_settings(config) or {}), **(settings or {})}
        docs = _inside(root, "docs_dir", chosen["docs_dir"])
        outputs = _inside(root, "outputs_dir", chosen["outputs_dir"])
        originals = _inside(root, "originals_dir", chosen["originals_dir"])
        nav = nav_pages(config.get("nav")) if config.get("nav") else _all_pages(docs)
        return cls(
            root,
            docs,
            outputs,
            originals,
            tuple(nav),
            str(config.get("repo_url") or "").rstrip("/"),
            str(config.get("edit_uri") or ""),
            str(chosen.get("blog_url") or ""),
            tuple(sorted(post_settings(chosen.get("posts")).items())),
        )

    def paging(self, source: str, meta: dict[str, Any] | None = None) -> str:
        """How the post whose original is ``source`` is paged: ``one`` or ``sections``.

        The project's setting first (``posts: {<source>: {pages: …}}``), then the post's
        front matter (``pages: sections``), else one page.

        Raises:
            ProjectError: If the post's front matter names another paging.
        """
        chosen = dict(self.posts).get(source, PostSettings()).pages
        if chosen is not None:
            return chosen
        own = (meta or {}).get("pages")
        if own is None:
            return ONE_PAGE
        if own not in PAGINGS:
            raise ProjectError(
                f"{source}: expected front matter pages: one or sections, got {own!r}"
            )
        return str(own)

    def source_url(self, path: str) -> str | None:
        """The address of a file of the repository on its host (None without ``repo_url``).

        The branch is the one ``edit_uri`` names (``edit/<branch>/docs/``), else ``main``.
        """
        if not self.repo_url:
            return None
        parts = [part for part in self.edit_uri.split("/") if part]
        branch = parts[1] if len(parts) > 1 and parts[0] in {"edit", "blob"} else "main"
        return f"{self.repo_url}/blob/{branch}/{path}"

    def colab_url(self, path: str) -> str | None:
        """The address at which Colab opens a notebook of a GitHub repository (or None)."""
        source = self.source_url(path)
        if source is None or not source.startswith("https://github.com/"):
            return None
        return "https://colab.research.google.com/github/" + source.removeprefix(
            "https://github.com/"
        )

    @property
    def note_pages(self) -> list[str]:
        """The note pages (``notes/…``, index pages excluded), in nav order."""
        return [page for page in self.nav if is_note_page(page)]

    def page(self, src_uri: str) -> Page:
        """The model of a page under the docs folder (parsed once per content)."""
        return load_page(self.docs_dir / src_uri, src_uri)

    def pages(self) -> list[Page]:
        """Every page in nav order."""
        return [self.page(src) for src in self.nav if (self.docs_dir / src).is_file()]

    def notes(self) -> list[Page]:
        """The note pages' models, in nav order."""
        return [self.page(src) for src in self.note_pages]

    @functools.cached_property
    def _docs_resolved(self) -> Path:
        return self.docs_dir.resolve()

    def src_uri(self, path: Path) -> str | None:
        """The path of a file under the docs folder (None if it is not under it)."""
        path = path.resolve()
        if not path.is_relative_to(self._docs_resolved):
            return None
        return path.relative_to(self._docs_resolved).as_posix()

    def record_path(self, src_uri: str) -> Path:
        """The record file of a page (``outputs/<page>.txt``)."""
        return self.outputs_dir / f"{src_uri}.txt"


def _all_pages(docs: Path) -> list[str]:
    return (
        sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else []
    )


_PAGES: dict[tuple[str, str], tuple[int, int, Page]] = {}


def load_page(path: Path, src_uri: str) -> Page:
    """The model of the page file at ``path``; parsed again only when the file changes."""
    try:
        stat = path.stat()
    except OSError as error:
        got = error.strerror or error
        raise PageError(f"{src_uri}: expected a readable page, got {got}") from None
    key = (str(path.resolve()), src_uri)
    cached = _PAGES.get(key)
    if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    page = parse_page(read_markdown(path, src_uri), src_uri)
    _PAGES[key] = (stat.st_mtime_ns, stat.st_size, page)
    return page
