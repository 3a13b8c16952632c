"""Inline math between double dollars, as kramdown (Jekyll's Markdown) reads it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

#: ``$$…$$`` inside a line of text: kramdown's inline math (it has no single-dollar math).
#: On a paragraph of its own it is display math, which the math extension's block reads
#: before any inline pattern runs.
DOUBLE_DOLLAR_INLINE = r"(?<!\\)\$\$(?!\s*\$)((?:\\.|[^\\$])+?)\$\$"


class DoubleDollarMath(InlineProcessor):
    """``$$x_1$$`` in a sentence: inline math, as ``pymdownx.arithmatex`` shows ``$x_1$``.

    The math extension reads only ``$…$`` inline: ``$$x$$`` in a sentence would show a
    stray ``$`` on each side of its math.
    """

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        r"""The math in the math extension's generic inline form (``\(…\)``)."""
        element = etree.Element("span", {"class": "arithmatex"})
        element.text = AtomicString(f"\\({m.group(1).strip()}\\)")
        return element, m.start(0), m.end(0)
