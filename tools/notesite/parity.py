"""The parity gate: the Python blocks a page shows are the blocks pytest runs from it.

:func:`collected_blocks` asks pytest (in a subprocess, with the project's configuration)
which Python blocks it collects; :func:`rendered_blocks` reads the highlighted Python blocks
(``div.language-python``, from ``pymdownx.highlight``'s ``pygments_lang_class``;
mkdocstrings' signatures, ``div.doc-signature``, are not examples) of a built
page; :func:`compare_site` matches them page by page. A note page must show exactly its
collected blocks, in order; an API page (``::: ptnotes.mod``) must show exactly the
docstring examples collected from ``src/ptnotes/mod.py``, in any order.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from notesite.collect_dump import ENV

DIRECTIVE = re.compile(r"^::: +(?P<module>[\w.]+)\s*$", re.M)


@dataclass(frozen=True)
class Block:
    """A Python block: where it comes from and its code (trailing newlines dropped)."""

    origin: str
    code: str


def collected_blocks(paths: list[Path], root: Path) -> dict[Path, list[Block]]:
    """Ask pytest which Python blocks it collects from ``paths``.

    Args:
        paths: Markdown files, Python files or folders to collect.
        root: The repository root (its ``pyproject.toml`` configures pytest).

    Returns:
        The blocks of each file, in file order.

    Raises:
        RuntimeError: If collection fails.
    """
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "collected.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "notesite.collect_dump",
            "-p",
            "notesite.pytest_plugin",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(root),
            "-c",
            str(root / "pyproject.toml"),
            *map(str, paths),
        ]
        done = subprocess.run(
            command, cwd=root, env={**os.environ, ENV: str(dump)}, capture_output=True, text=True
        )
        if done.returncode not in (0, 5) or not dump.exists():  # 5: no test collected
            raise RuntimeError(f"pytest collection failed:\n{done.stdout}\n{done.stderr}")
        entries = json.loads(dump.read_text(encoding="utf-8"))
    found: dict[Path, list[Block]] = {}
    for entry in entries:
        path = Path(entry["path"])
        found.setdefault(path, []).append(Block(entry["nodeid"], entry["code"].rstrip("\n")))
    return found


def rendered_blocks(html_file: Path) -> list[Block]:
    """The highlighted Python blocks of a built page's content, in page order."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.md-content__inner") or soup
    blocks = []
    for div in article.select("div.language-python.highlight:not(.doc-signature)"):
        code = div.find("code")
        text = code.get_text() if code else div.get_text()
        blocks.append(Block(f"{html_file.name}", text.rstrip("\n")))
    return blocks


def page_html(site_dir: Path, src_uri: str) -> Path:
    """The HTML file MkDocs builds from ``src_uri`` (``use_directory_urls: true``)."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return site_dir / (stem + ".html")
    return site_dir / stem / "index.html"


@dataclass(frozen=True)
class Mismatch:
    """A page whose shown blocks differ from the blocks pytest runs from it."""

    page: str
    shown: list[Block]
    run: list[Block]

    def describe(self) -> str:
        """A readable account: the counts and the first differing block."""
        lines = [
            f"{self.page}: the site shows {len(self.shown)} Python block(s), "
            f"pytest runs {len(self.run)}"
        ]
        for i in range(max(len(self.shown), len(self.run))):
            shown = self.shown[i].code if i < len(self.shown) else "<none>"
            run = self.run[i].code if i < len(self.run) else "<none>"
            if shown != run:
                origin = self.run[i].origin if i < len(self.run) else "<not collected>"
                lines += [
                    f"  first difference at block {i + 1} ({origin}):",
                    f"    shown: {shown[:200]!r}",
                    f"    run:   {run[:200]!r}",
                ]
                break
        return "\n".join(lines)


def compare_site(docs_dir: Path, site_dir: Path, src_dir: Path, root: Path) -> list[Mismatch]:
    """Compare every page of a built site with what pytest collects.

    Args:
        docs_dir: The Markdown sources.
        site_dir: The built site.
        src_dir: The folder of the ``ptnotes`` package sources (for ``:::`` directives).
        root: The repository root.

    Returns:
        One mismatch per page that differs; empty when the gate passes.
    """
    pages = sorted(docs_dir.rglob("*.md"))
    modules: dict[Path, list[Path]] = {}
    for page in pages:
        for match in DIRECTIVE.finditer(page.read_text(encoding="utf-8")):
            parts = match["module"].split(".")
            module_file = src_dir.joinpath(*parts).with_suffix(".py")
            if not module_file.exists():
                module_file = src_dir.joinpath(*parts, "__init__.py")
            modules.setdefault(page, []).append(module_file)
    module_files = sorted({m for files in modules.values() for m in files})
    collected = collected_blocks([*pages, *module_files], root)
    mismatches = []
    for page in pages:
        src_uri = page.relative_to(docs_dir).as_posix()
        shown = rendered_blocks(page_html(site_dir, src_uri))
        run = list(collected.get(page.resolve(), []))
        ordered = page not in modules
        for module_file in modules.get(page, []):
            run += collected.get(module_file.resolve(), [])
        same = (
            [b.code for b in shown] == [b.code for b in run]
            if ordered
            else Counter(b.code for b in shown) == Counter(b.code for b in run)
        )
        if not same:
            mismatches.append(Mismatch(src_uri, shown, run))
    return mismatches
