"""The renderer's tests' helpers: the project's converter, a page rendered, a post added.

Imported by the tests of this folder (as ``sitebrowser`` is by the browser tests).
"""

from __future__ import annotations

from pathlib import Path

import markdown
from bs4 import BeautifulSoup
from mkdocs.utils.meta import get_data

from notesite.project import Project, markdown_settings, read_config

ROOT = Path(__file__).resolve().parents[3]


def converter(root: Path = ROOT) -> markdown.Markdown:
    """A Markdown converter with the project's extensions, as a builder sets it up."""
    names, configs = markdown_settings(read_config(root))
    configs.setdefault("notesite", {})["root"] = str(root)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def render(src_uri: str, root: Path = ROOT) -> BeautifulSoup:
    text = (root / "docs" / src_uri).read_text(encoding="utf-8")
    body, _ = get_data(text)  # as MkDocs hands it over: front matter stripped
    return BeautifulSoup(converter(root).convert(body), "html.parser")


def add_post(root: Path, text: str) -> None:
    """Add a post to a copy of the project with ``sync --new`` (its blocks not run)."""
    from notesite.sync import sync

    post = root / "post.md"
    post.write_text(text, encoding="utf-8")
    (root / "notes-original").mkdir(exist_ok=True)
    sync(Project.at(root), post, new_post=True, run_blocks=False)


def one_page(tmp_path: Path, page: str, record: str | None) -> Project:
    """A project of one page, ``docs/page.md``, with ``record`` as its record (if any)."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: s\nnav:\n  - page.md\n", encoding="utf-8")
    if record is not None:
        (tmp_path / "outputs").mkdir()
        (tmp_path / "outputs" / "page.md.txt").write_text(record, encoding="utf-8")
    return Project.at(tmp_path)
