"""The site's boxes as a page shows them: a chip, a CUDA check retitled, a diff in words.

A box's first line is rewritten in the page's Markdown before it is read, from the box the
model read (:class:`notesite.model.Addition`): folded into a chip (:func:`as_chip`), a CUDA
check titled for where a recorded CUDA run verified it (:func:`cuda_check_title`); an
erratum's diff shows as words (:func:`word_diff`).
"""

from __future__ import annotations

import html

from notesite import outputs as _outputs
from notesite.model import CPU_LESSON, ERRATUM_KIND, HELPER, NOTE_KIND, SETUP, Addition, Check, Page
from notesite.project import Project
from notesite.render.blocks import CUDA_NOT_YET_RUN

#: The boxes that fold away into a chip under their claim (a setup and a check already do):
#: the notes lead, the proof is a tap away.
FOLDED = (NOTE_KIND, HELPER, ERRATUM_KIND)
#: The title of a CUDA check that no recorded CUDA run has verified, before its claim.
CUDA_PENDING_TITLE = "CUDA not yet run:"
#: Its admonition type (its own colour and icon on the site).
CUDA_PENDING = "cuda-pending"
#: Its status on the Verification page.
CUDA_WRITTEN = CUDA_NOT_YET_RUN


def cuda_verification(check: Check, page: Page, project: Project) -> str | None:
    """Where a recorded CUDA run verified a CUDA check: "GPU · torch … · date", or None."""
    block = next((b for b in page.blocks if b.line == check.block_line), None)
    if block is None:
        return None
    entries = {e.key: e for e in _outputs.load(project.record_path(page.src_uri), project.root)}
    entry = entries.get(block.key)
    return entry.verified.get("cuda") if entry is not None else None


def cuda_check_title(check: Check, page: Page, project: Project) -> tuple[str, str]:
    """A CUDA check's type and title, for what it is: not yet run, or where a CUDA run ran it."""
    verified = cuda_verification(check, page, project)
    if verified is None:
        return CUDA_PENDING, f"{CUDA_PENDING_TITLE} {check.claim}"
    return "success", f"Checked on CUDA ({verified}): {check.claim}"


def as_chip(box: Addition, admonition: str, title: str) -> str:
    """A box's first line as the site shows it: folded, its title a label and the rest.

    A precise note, a helper pointer and an erratum fold away (``!!!`` becomes ``???``) like
    a check or a setup: closed, each box is a chip under the text it stands for. Its title's
    label ("Checked", "Precisely", "Erratum", up to the first colon) is all a closed chip
    shows; the rest (the claim again) shows when it opens, and screen readers read it whole.
    The box's type and title are given: its own, or a CUDA check's (:func:`cuda_check_title`).
    """
    kind = box.kind
    marker = "???" if box.marker == "!!!" and kind in FOLDED else box.marker
    label, colon, rest = title.partition(": ")
    if kind == ERRATUM_KIND and colon and rest:  # the mark of a correction, where it stands
        title = f"Corrected<span class='ptn-rest'> (erratum): {rest}</span>"
    elif colon and rest:
        title = f"{label}<span class='ptn-rest'>: {rest}</span>"
    elif kind == CPU_LESSON:
        title = f"On a CPU<span class='ptn-rest'>: {title}</span>"
    elif kind == SETUP and " " in title:
        label, _, rest = title.partition(" ")
        title = f"{label}<span class='ptn-rest'> {rest}</span>"
    return f'{" " * box.indent}{marker} {admonition} ptn-chip "{title}"'


def word_diff(original: list[str], corrected: list[str]) -> str:
    """An erratum's original and correction as wrapped text, the changed words marked.

    Words (whitespace-separated, as Markdown source) the correction removes are ``<del>``,
    words it adds ``<ins>``; each change also says so in words for screen readers.
    """
    import difflib

    before = " ".join(" ".join(original).split()).split(" ")
    after = " ".join(" ".join(corrected).split()).split(" ")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(before[i1:i2])))
            continue
        if i2 > i1:
            removed = html.escape(" ".join(before[i1:i2]))
            out.append(f'<del><span class="ptn-sr">removed: </span>{removed}</del>')
        if j2 > j1:
            added = html.escape(" ".join(after[j1:j2]))
            out.append(f'<ins><span class="ptn-sr">added: </span>{added}</ins>')
    return (
        '<p class="ptn-word-diff"><span class="ptn-diff-label">The notes, corrected:</span> '
        + " ".join(out)
        + "</p>"
    )
