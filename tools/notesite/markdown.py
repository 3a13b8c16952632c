"""The one Markdown parser that pytest-markdown-docs uses to find the site's Python blocks."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin


def pytest_parser() -> MarkdownIt:
    """Return the CommonMark parser that sees fences inside admonitions.

    Material renders a fence inside ``!!!``/``???`` admonitions as code, so the tests must
    see it too. Content tabs (``===``) are not added on purpose: no page uses them, and the
    parity gate fails if one appears.

    Returns:
        A ``MarkdownIt`` parser with the admonition and front-matter plugins.
    """
    return MarkdownIt("commonmark").use(admon_plugin).use(front_matter_plugin)


def python_blocks(text: str, path: Path) -> list[tuple[int, str]]:
    """The Python blocks pytest-markdown-docs collects from a page, as the tests see them.

    Args:
        text: The page's Markdown.
        path: The page's path (for the definitions pytest builds).

    Returns:
        ``(start line, own code)`` of each block in page order; the own code leaves out the
        code of the blocks it continues from.
    """
    from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

    tests = extract_fence_tests(
        pytest_parser(),
        text,
        start_line_offset=0,
        source_path=path,
        fence_syntax=FenceSyntax.superfences,
    )
    return [(t.start_line, "\n".join(t.source.split("\n")[t.start_line :])) for t in tests]
