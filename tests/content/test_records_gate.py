"""The records of the live site: one per block, verified or skipped; the notes' announced
outputs (``# See`` comments) are what the blocks print.

The record format, and the check of ``# See`` comments, are tested on their own in
``tests/notesite/test_outputs.py``.
"""

from __future__ import annotations

import re

from notesite import outputs
from notesite.model import Page
from notesite.project import Project

#: A ``# See`` comment line, as the notes write it.
SEE = re.compile(r"^\s*# See\s*$", re.M)


def chained_source(page: Page, number: int) -> str:
    """A block's code after the code of the blocks it continues from (as pytest runs it)."""
    block = page.blocks[number - 1]
    return "\n".join(page.blocks[n - 1].code for n in (*block.continues, number))


def test_every_block_has_a_record_and_every_record_a_block(
    project: Project, page_with_blocks: str
) -> None:
    page = project.page(page_with_blocks)
    entries = outputs.load(project.record_path(page_with_blocks), project.root)
    assert [e.key for e in entries] == [b.key for b in page.blocks], (
        "records out of date: run `pytest docs/ --update-outputs`"
    )
    for entry in entries:
        # Verified or skipped where it could not run; on a post not yet verified, a block
        # may have a verdict instead (where and when it was tried).
        assert entry.verified.get("cpu") or entry.skipped.get("cpu") or entry.tried, entry


def test_the_notes_expected_output_comments_are_right(project: Project) -> None:
    checked = written = 0
    for page in project.pages():
        for block in page.blocks:
            source = chained_source(page, block.number)
            written += len(SEE.findall(source))
            announced = outputs.see_comments(source)
            if not announced:
                continue
            shown = outputs.statement_outputs(source, page.src_uri)
            for line, expected in announced:
                where = (page.src_uri, block.number, line)
                assert " ".join(shown[line].split()) == " ".join(expected.split()), where
                checked += 1
    assert checked == written  # each `# See` comment of the pages was checked
