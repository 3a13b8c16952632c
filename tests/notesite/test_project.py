"""Nothing kept by hand: the pages, the API pages and the nav follow the package and the notes."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import ptnotes
from notesite.fidelity import post_pages, post_source
from notesite.model import PAGES_MARKER
from notesite.parity import DIRECTIVE
from notesite.project import Project, find_root

ROOT = Path(__file__).resolve().parents[2]


def test_each_public_module_has_exactly_one_api_page_in_the_nav(project: Project) -> None:
    modules = {
        f"ptnotes.{m.name}"
        for m in pkgutil.iter_modules(ptnotes.__path__)
        if not m.name.startswith("_")
    }
    documented: dict[str, list[str]] = {}
    for src_uri in project.nav:
        for match in DIRECTIVE.finditer(project.page(src_uri).text):
            documented.setdefault(match["module"], []).append(src_uri)
    assert set(documented) == modules
    assert all(len(pages) == 1 for pages in documented.values()), documented
    on_disk = {p.relative_to(project.docs_dir).as_posix() for p in project.docs_dir.rglob("*.md")}
    assert {page for pages in documented.values() for page in pages} <= on_disk


def test_the_root_is_the_folder_of_mkdocs_yml(tmp_path: Path) -> None:
    assert find_root(ROOT / "docs" / "notes") == ROOT
    inner = tmp_path / "outer" / "site"
    (inner / "docs" / "notes").mkdir(parents=True)
    (tmp_path / "outer" / "mkdocs.yml").write_text("site_name: outer\n", encoding="utf-8")
    assert find_root(inner / "docs" / "notes") == tmp_path / "outer"  # the nearest one up
    (inner / "mkdocs.yml").write_text("site_name: inner\n", encoding="utf-8")
    assert find_root(inner / "docs" / "notes") == inner
    assert find_root(inner) == inner


def test_the_note_pages_are_the_nav_s_pages_under_notes(project: Project) -> None:
    assert project.note_pages
    assert all(page.startswith("notes/") for page in project.note_pages)
    assert PAGES_MARKER in project.page("notes/index.md").text  # the list is derived


def test_each_post_s_index_lists_its_pages_in_nav_order(built_site: Path, project: Project) -> None:
    indexes = [
        page for page in project.pages() if page.src_uri.startswith("notes/") and not page.is_note
    ]
    assert indexes
    for index in indexes:
        folder = Path(index.src_uri).parent
        listed = (built_site / folder / "index.html").read_text(encoding="utf-8")
        pages = [
            p
            for p in post_pages(project, post_source(index) or "")
            if Path(p.src_uri).parent == folder
        ]
        assert pages, index.src_uri
        spots = [listed.find(f'href="{Path(page.src_uri).stem}/"') for page in pages]
        assert -1 not in spots, (index.src_uri, spots)
        assert spots == sorted(spots)
        assert "<!-- ptnotes:pages -->" not in listed
