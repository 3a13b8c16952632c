"""The site's boxes gathered in the rendered page (a treeprocessor, :class:`FoldNotes`).

Each precise note folds into the check before it; each section's helper pointers into one
chip at the section's end.
"""

from __future__ import annotations

import itertools
from xml.etree.ElementTree import Element

from markdown.treeprocessors import Treeprocessor


class FoldNotes(Treeprocessor):
    """A claim's precise notes go inside its check: one chip, "Checked · Precisely".

    On the page the notes stand right after the check (the model's rule); on the site, each
    folds into that check, after its own text, so the blocks keep the page's order.
    """

    def run(self, root: Element) -> None:
        """Move each precise note into the check before it."""
        for parent in root.iter():
            children = list(parent)
            check: Element | None = None
            for child in children:
                classes = child.get("class", "").split()
                if child.tag != "details":
                    check = None
                    continue
                if "success" in classes or "cuda-pending" in classes:
                    check = child  # the check right before the notes: the page's order stays
                elif "info" in classes and check is not None:
                    parent.remove(child)
                    check.append(child)
                    summary = check.find("summary")
                    if summary is not None and summary.find("span[@class='ptn-also']") is None:
                        also = Element("span", {"class": "ptn-also"})
                        also.text = " · Precisely"
                        summary.append(also)
                else:
                    check = None
        self._gather_helpers(root)

    @staticmethod
    def _gather_helpers(root: Element) -> None:
        """One "In ptnotes" chip per section, at its end, holding each pointer of the section.

        A section runs from a top-level heading to the next one of its level or higher. The
        chip goes to the section's end even where it stands alone: an author's words added
        after it in a new version of the post come before it.
        """
        parents = {child: parent for parent in root.iter() for child in parent}
        top = list(root)
        starts = [k for k, e in enumerate(top) if e.tag in ("h1", "h2")] or [0]
        bounds = [*starts, len(top)] if starts[0] == 0 else [0, *starts, len(top)]
        for first, end in itertools.pairwise(bounds):
            tips = [
                tip
                for element in top[first:end]
                for tip in element.iter("details")
                if "tip" in tip.get("class", "").split()
            ]
            if not tips:
                continue
            keep = tips[0]
            for tip in tips[1:]:
                for child in [c for c in tip if c.tag != "summary"]:
                    tip.remove(child)
                    keep.append(child)
                parents[tip].remove(tip)
            parents[keep].remove(keep)
            following = top[end] if end < len(top) else None  # the next section's heading
            at = list(root).index(following) if following is not None else len(root)
            root.insert(at, keep)
            parents[keep] = root
