"""The page's highlighted code in fewer bytes, in the same colours (a postprocessor).

The compaction is :mod:`notesite.highlight`'s; this runs it once the raw HTML is back.
"""

from __future__ import annotations

from markdown.postprocessors import Postprocessor

from notesite.highlight import compact, share_with_page


class CompactCode(Postprocessor):
    """Each highlighted block's tokens in as few spans as its colours need (see the module)."""

    def run(self, text: str) -> str:
        """The page's HTML, its highlighted blocks compacted, As written's shared."""
        return share_with_page(compact(text))
