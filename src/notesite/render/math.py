"""Inline math between double dollars, as kramdown (Jekyll's Markdown) reads it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
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


def read_double_dollars(md: Markdown) -> None:
    """Have ``md`` read inline ``$$…$$`` (:class:`DoubleDollarMath`) where it typesets math.

    A converter without ``pymdownx.arithmatex`` (which reads ``$…$`` inline, at 189.9) is
    left as it is; one with it reads ``$$…$$`` first.
    """
    if "arithmatex-inline" in md.inlinePatterns:
        md.inlinePatterns.register(
            DoubleDollarMath(DOUBLE_DOLLAR_INLINE, md), "notesite-double-dollar", 190
        )
