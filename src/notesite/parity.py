"""The parity gate: the Python blocks a page shows are the blocks pytest runs from it.

Three readings of each page must agree:

* the page model's Python blocks (:mod:`notesite.model`);
* the blocks pytest-markdown-docs collected (their own code: the code of the blocks they
  continue from left out), passed in by the caller from a real collection;
* the highlighted Python blocks of the built page (``div.language-python``, ``-py``,
  ``-python3``, ``-py3``, ``-pycon`` and ``-python-console``, in any case, from
  ``pymdownx.highlight``'s ``pygments_lang_class``;
  mkdocstrings' signatures, ``div.doc-signature``, are not examples).

A console session (```` ```pycon ````) counts as a Python block: the plugin runs it as a
doctest.

A page must show exactly its blocks, in order; an API page (``::: ptnotes.mod``) must show
exactly the docstring examples collected from the module's file, in any order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from notesite.model import DOCTEST_LANGS, PYTHON_LANGS, Page, notebook_only
from notesite.project import Project

DIRECTIVE = re.compile(r"^::: +(?P<module>[\w.]+)\s*$", re.M)
#: The blocks the site shows as Python, whatever their spelling (``pycon``: a doctest), in
#: lower case: ``Python`` is shown as ``python`` is. ``py3`` and ``python-console`` are
#: Pygments' names of Python and of a console session too: shown highlighted as Python,
#: they must be run (the gate names such a block when nothing runs it).
SHOWN_AS_PYTHON = frozenset((*PYTHON_LANGS, *DOCTEST_LANGS, "py3", "python-console"))


def shown_as_python(classes: Sequence[str]) -> bool:
    """Whether a highlighted block's classes say the site shows it as Python (any case)."""
    return any(
        name.lower().removeprefix("language-") in SHOWN_AS_PYTHON
        for name in classes
        if name.lower().startswith("language-")
    )


def own_code(source: str, start_line: int) -> str:
    """The own code of a collected block (pytest-markdown-docs prefixes what it continues)."""
    return "\n".join(source.split("\n")[start_line:]).rstrip("\n")


def rendered_blocks(html_file: Path) -> list[str]:
    """The highlighted Python blocks of a built page's content, in page order."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    blocks = []
    for author in article.select(".ptn-as-written"):  # the author's section, not run as is
        author.decompose()
    for div in article.select("div.highlight:not(.doc-signature)"):
        if not shown_as_python(div.get("class") or []):
            continue
        code = div.find("code")
        text = code.get_text() if code else div.get_text()
        blocks.append(text.rstrip("\n"))
    return blocks


def page_html(site_dir: Path, src_uri: str) -> Path:
    """The HTML file a builder writes for ``src_uri`` (directory URLs)."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return site_dir / (stem + ".html")
    return site_dir / stem / "index.html"


def api_modules(page: Page, src_dir: Path) -> list[Path]:
    """The module files whose docstrings an API page renders (``::: pkg.mod`` lines)."""
    files = []
    for match in DIRECTIVE.finditer(page.text):
        parts = match["module"].split(".")
        module_file = src_dir.joinpath(*parts).with_suffix(".py")
        if not module_file.exists():
            module_file = src_dir.joinpath(*parts, "__init__.py")
        files.append(module_file.resolve())
    return files


@dataclass(frozen=True)
class Mismatch:
    """A page whose readings of its Python blocks differ."""

    page: str
    readings: dict[str, list[str]]

    def describe(self) -> str:
        """A readable account: the counts and the first differing block."""
        counts = ", ".join(f"{name} {len(codes)}" for name, codes in self.readings.items())
        lines = [f"{self.page}: Python blocks: {counts}"]
        names = list(self.readings)
        longest = max(len(codes) for codes in self.readings.values())
        for i in range(longest):
            at = {n: self.readings[n][i] if i < len(self.readings[n]) else "<none>" for n in names}
            if len(set(at.values())) > 1:
                lines.append(f"  first difference at block {i + 1}:")
                lines += [f"    {name}: {code[:200]!r}" for name, code in at.items()]
                break
        return "\n".join(lines)


#: A line of spaces and tabs only: Python-Markdown empties it before a fence is parsed.
BLANK_LINE = re.compile(r"^[ \t]+$", re.M)


def compare_page(readings: Mapping[str, Sequence[str]], ordered: bool) -> bool:
    """Whether the readings of a page's blocks agree (as lists, or as multisets)."""
    # Blank lines around a block's code are not shown (the highlighter drops them), and a
    # line of spaces only is shown empty (Python-Markdown empties such lines before parsing).
    values = [
        [BLANK_LINE.sub("", code).strip("\n") for code in codes] for codes in readings.values()
    ]
    if ordered:
        return all(v == values[0] for v in values)
    return all(Counter(v) == Counter(values[0]) for v in values)


def compare_site(
    project: Project,
    site_dir: Path,
    collected: Mapping[Path, Sequence[str]],
    src_dir: Path | None = None,
) -> list[Mismatch]:
    """Compare every page of a built site with its model and with what pytest collected.

    Args:
        project: The project (its pages in nav order).
        site_dir: The built site.
        collected: The own code of the blocks pytest collected, by resolved file path (pages
            and module files).
        src_dir: The folder of the packages that ``:::`` directives name (default
            ``root / "src"``).

    Returns:
        One mismatch per page that differs; empty when the gate passes.
    """
    src = src_dir or project.root / "src"
    mismatches = []
    for page in project.pages():
        path = (project.docs_dir / page.src_uri).resolve()
        # A block with a notebook magic or a shell command is shown, and run by the page's
        # notebook only (its verdict says so): neither the model's blocks nor pytest's.
        shown = [
            code
            for code in rendered_blocks(page_html(site_dir, page.src_uri))
            if notebook_only(code) is None
        ]
        modules = api_modules(page, src)
        run = list(collected.get(path, []))
        shown_blocks = [(b.fence.start, b.code) for b in page.blocks]
        shown_blocks += [(fence.start, fence.code) for fence in page.doctests]
        model = [code.rstrip("\n") for _, code in sorted(shown_blocks)]
        for module in modules:
            run += collected.get(module, [])
        readings = {"model": model, "pytest": run, "site": shown}
        if modules:  # the docstring examples are the module's, not the page's
            readings = {"pytest": run, "site": shown}
        if not compare_page(readings, ordered=not modules):
            mismatches.append(Mismatch(page.src_uri, readings))
    return mismatches


def collected(items: Sequence[Any]) -> dict[Path, list[str]]:
    """The own code of each Markdown block among pytest's collected ``items``, by file.

    In line order per file: what :func:`compare_site` takes as ``collected``.
    """
    found: dict[Path, list[tuple[int, str]]] = {}
    for item in items:
        definition = getattr(item, "test_definition", None)
        if definition is not None:
            path = Path(definition.source_path).resolve()
            code = own_code(definition.source, definition.start_line)
            found.setdefault(path, []).append((definition.start_line, code))
    return {path: [code for _, code in sorted(codes)] for path, codes in found.items()}
