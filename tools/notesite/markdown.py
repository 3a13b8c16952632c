"""The one Markdown parser that pytest-markdown-docs uses to find the site's Python blocks."""

from __future__ import annotations

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
