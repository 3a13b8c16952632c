"""A citation's number before its link, shown as text (an inline processor)."""

from __future__ import annotations

import re

from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

#: A bracketed number followed by a space and a link: a citation's number, as in
#: ``[1] [Vaswani et al. (2017)](https://arxiv.org/abs/1706.03762)``.
CITATION_NUMBER = r"\[(\d{1,4})\](?=[ \t]+\[[^\]]*\]\()"


class CitationNumber(InlineProcessor):
    """``[1]`` before a link, shown as the text it is.

    Python-Markdown would otherwise read ``[1] [words]`` as a reference link named by the
    words (and autorefs warn of a target they cannot find).
    """

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        """The number, bracketed, as text."""
        return AtomicString(m.group(0)), m.start(0), m.end(0)
