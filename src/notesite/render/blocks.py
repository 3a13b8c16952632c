"""What the site shows under a Python block: its states (chips), then its recorded output.

Computed from the block's record (:mod:`notesite.outputs`) and the release matrix; the build
never executes a snippet.
"""

from __future__ import annotations

import html
import logging
import re

from notesite import outputs as _outputs
from notesite.model import Page
from notesite.project import Project
from notesite.verdicts import Verdict

#: Where the extension's warnings go (MkDocs counts them, and fails a strict build on one).
LOG = logging.getLogger("mkdocs.plugins.notesite")


def _short_torch(text: str) -> str:
    match = re.search(r"torch (\d+\.\d+)", text)
    return f"torch {match[1]}" if match else text


#: The states a block's run can be in: one vocabulary, the legend's (docs/verification.md).
CPU_VERIFIED = "CPU verified"
CUDA_VERIFIED = "CUDA verified"
CUDA_NOT_YET_RUN = "CUDA not yet run"
SKIPPED = "skipped"
NOT_YET_RUN = "not yet run"
#: Outputs of at most this many lines are shown whole; longer ones in a box that scrolls.
OUTPUT_LINES = 15


def _state(kind: str, text: str, detail: str) -> str:
    """One state: a chip that opens on a click or tap to say where and when."""
    return (
        f'<details class="ptn-state ptn-state--{kind}"><summary>{html.escape(text)}</summary>'
        f"<span>{html.escape(detail)}</span></details>"
    )


def badges(entry: _outputs.Entry | None, cuda: bool = False) -> str:
    """The states of one block, from its record: where it was verified (:data:`CPU_VERIFIED`…).

    A block that needs a CUDA GPU (``cuda``) says whether a CUDA run verified it; a block
    that needs none says nothing of CUDA. A block without a record (a preview before
    ``--update-outputs``) is "not yet run".
    """
    if entry is None:
        states = [
            _state(
                "pending", "Not yet run", "No run has recorded this block yet: make update-outputs"
            )
        ]
        return f'<span class="ptn-badges">{"".join(states)}</span>'
    if entry.verdict is not None:
        # A block of a post not yet verified that did not run: no green chip, no output.
        outcome = entry.outcome()
        tried = "; ".join(f"{device}: {text}" for device, text in sorted(entry.tried.items()))
        detail = outcome.verdict.explanation + (f" ({outcome.detail})" if outcome.detail else "")
        label = outcome.verdict.value[0].upper() + outcome.verdict.value[1:]
        state = _state("fail" if outcome.verdict is Verdict.FAILS else "skip", label, detail)
        note = _state("pending", "Not verified", f"Tried {tried}") if tried else ""
        return f'<span class="ptn-badges">{state}{note}</span>'
    states = []
    if "cpu" in entry.verified:
        cpu = entry.verified["cpu"]
        states.append(_state("ok", f"✓ {CPU_VERIFIED} · {_short_torch(cpu)}", f"Ran on CPU: {cpu}"))
    elif "cpu" in entry.skipped:
        reason = entry.skipped["cpu"]
        states.append(_state("skip", f"CPU: {SKIPPED}", f"Skipped on CPU: {reason}"))
    if "cuda" in entry.verified:
        where = entry.verified["cuda"]
        gpu = where.split(" · ")[0]
        states.append(_state("ok", f"✓ {CUDA_VERIFIED} · {gpu}", f"Ran on CUDA: {where}"))
    elif cuda:
        states.append(
            _state(
                "cuda-pending",
                CUDA_NOT_YET_RUN,
                "This block needs a CUDA GPU; no recorded CUDA run has run it yet",
            )
        )
    return f'<span class="ptn-badges">{"".join(states)}</span>'


def output_box(entry: _outputs.Entry | None) -> str:
    """A block's recorded output, open; one longer than :data:`OUTPUT_LINES` lines scrolls."""
    if entry is None or entry.verdict is not None or not entry.shown():
        return ""
    shown = entry.shown().rstrip("\n")
    # Each line its own span: a line that wraps keeps a hanging indent.
    text = "".join(
        f'<span class="ptn-line">{html.escape(line)}\n</span>' for line in shown.split("\n")
    )
    lines = shown.count("\n") + 1
    long = " ptn-output--long" if lines > OUTPUT_LINES else ""
    more = (
        f'<button type="button" class="ptn-show-all md-button">Show all {lines} lines</button>'
        if long
        else ""
    )
    # A box that scrolls takes the keyboard's focus, so it scrolls without a mouse too.
    focus = f' tabindex="0" role="region" aria-label="Output of block {entry.block}"'
    return (
        f'<details class="ptn-output{long}" open><summary>Output</summary>'
        f'<pre class="ptn-console"{focus if long else ""}><code>{text}</code></pre>{more}'
        "</details>"
    )


def proof(entry: _outputs.Entry | None, cuda: bool = False, releases: str = "") -> str:
    """What the site shows under a block: its states on one line, then its output.

    ``releases`` says on which PyTorch releases the block holds (the release matrix): where
    it holds on every release tried, the CPU chip says so (``✓ CPU verified · torch 2.4 to
    2.15``); otherwise a chip of its own says where it holds and what differs.
    """
    states = badges(entry, cuda)
    if releases:
        everywhere = releases.startswith("holds on torch ") and ";" not in releases
        marked = f"✓ {CPU_VERIFIED} · torch "
        if everywhere and entry is not None and "cpu" in entry.verified and marked in states:
            span = releases.removeprefix("holds on torch ")
            cpu = entry.verified["cpu"]
            states = states.replace(
                f"{marked}{_short_torch(cpu).removeprefix('torch ')}</summary>",
                f"{marked}{span}</summary>",
                1,
            ).replace(
                f"Ran on CPU: {html.escape(cpu)}",
                html.escape(f"Ran on CPU: {cpu}; the release matrix: {releases}"),
                1,
            )
        elif not (releases.startswith("skipped on ") and ";" not in releases):
            # (Skipped on every release, as on this machine: the CPU chip says so already.)
            # A failure leads, in the failure's colour; the chip opens to each release's error.
            label = releases.split(";")[0].split(" (")[0]
            kind = "fail" if releases.startswith("fails on ") else "pending"
            chip = _state(kind, label, f"The release matrix: {releases}")
            states = states.removesuffix("</span>") + chip + "</span>"
    return f'<div class="ptn-proof">{states}{output_box(entry)}</div>'


def block_entries(page: Page, project: Project) -> list[_outputs.Entry | None]:
    """The record of each Python block of a page, in block order (None: not yet run).

    A block without a record, or a record without a block, is logged as a warning (under
    ``mkdocs.plugins.notesite``): a preview build shows the page, with "not yet run" under such
    a block, and a strict build fails on the warning.
    """
    record = project.record_path(page.src_uri)
    entries = _outputs.load(record, project.root)
    by_key = {entry.key: entry for entry in entries}
    keys = [block.key for block in page.blocks]
    missing = [block.number for block in page.blocks if block.key not in by_key]
    if missing:
        LOG.warning(
            "%s: expected a recorded output for block(s) %s, got none: shown as not yet run; "
            "record it with `make update-outputs` (pytest docs/ --update-outputs)",
            page.src_uri,
            missing,
        )
    stale = [entry for entry in entries if entry.key not in keys]
    if stale:
        listed = ", ".join(f"block {e.block} (code {e.key})" for e in stale)
        LOG.warning(
            "%s: the record holds %s that no longer exist on the page: "
            "record it anew with `make update-outputs` (pytest docs/ --update-outputs)",
            page.src_uri,
            listed,
        )
    return [by_key.get(key) for key in keys]
