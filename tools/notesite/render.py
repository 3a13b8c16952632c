"""Build-time rendering of recorded outputs, verification badges and the site's totals.

The build never executes a snippet: it reads the records that ``pytest docs/`` wrote
(:mod:`notesite.outputs`). The parity gate guarantees that the highlighted Python blocks of
a page are the blocks pytest ran, so the i-th block on the page is matched with its record
by its code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from notesite import outputs as _outputs
from notesite.claims import page_claims
from notesite.markdown import python_blocks
from notesite.pages import find_additions

PYTHON_BLOCK = re.compile(
    r'<div class="language-python highlight">.*?<code>(?P<code>.*?)</code></pre></div>', re.DOTALL
)
TAG = re.compile(r"<[^>]+>")


class RenderError(ValueError):
    """The records do not match the page (a missing or stale record)."""


def block_code(code_html: str) -> str:
    """The plain code of a highlighted block."""
    return html.unescape(TAG.sub("", code_html)).rstrip("\n")


def _short_torch(text: str) -> str:
    match = re.search(r"torch (\d+\.\d+)", text)
    return f"torch {match[1]}" if match else text


def badges(entry: _outputs.Entry | None) -> str:
    """The badges of one block: where it was verified, from its record."""
    if entry is None:
        return ""
    spans = []
    if "cpu" in entry.verified:
        cpu = entry.verified["cpu"]
        spans.append(("ok", f"✓ CPU · {_short_torch(cpu)}", f"Executed on CPU: {cpu}"))
    elif "cpu" in entry.skipped:
        reason = entry.skipped["cpu"]
        spans.append(("skip", f"CPU: skipped ({reason})", f"Skipped on CPU: {reason}"))
    if "cuda" in entry.verified:
        cuda = entry.verified["cuda"]
        gpu = cuda.split(" · ")[0]
        spans.append(("ok", f"✓ CUDA ({gpu})", f"Executed on CUDA: {cuda}"))
    else:
        spans.append(("pending", "CUDA: not yet verified", "No CUDA run has verified this block"))
    inner = " ".join(
        f'<span class="ptn-badge ptn-badge--{kind}" title="{html.escape(title)}">'
        f"{html.escape(text)}</span>"
        for kind, text, title in spans
    )
    return f'<p class="ptn-badges">{inner}</p>'


def output_box(entry: _outputs.Entry | None) -> str:
    """A collapsed "Output" box for a block that prints or ends with a value."""
    if entry is None or not entry.shown():
        return ""
    text = html.escape(entry.shown().rstrip("\n"))
    return (
        '<details class="ptn-output"><summary>Output</summary>'
        f'<pre class="ptn-console"><code>{text}</code></pre></details>'
    )


def render_page(page_html: str, entries: list[_outputs.Entry], page: str) -> str:
    """Insert each block's output and badges right under it.

    Args:
        page_html: The page's rendered content.
        entries: The page's records.
        page: The page's name, for error messages.

    Returns:
        The content with outputs and badges.

    Raises:
        RenderError: If a block has no record, or a record has no block.
    """
    blocks = list(PYTHON_BLOCK.finditer(page_html))
    keys = _outputs.block_keys([block_code(b["code"]) for b in blocks])
    by_key = {entry.key: entry for entry in entries}
    missing = [i + 1 for i, key in enumerate(keys) if key not in by_key]
    stale = [entry for entry in entries if entry.key not in keys]
    if missing:
        raise RenderError(
            f"{page}: expected a recorded output for block(s) {missing}, got none: "
            "run `pytest docs/ --update-outputs`"
        )
    if stale:
        listed = ", ".join(f"block {e.block} (code {e.key})" for e in stale)
        raise RenderError(
            f"{page}: the record holds {listed} that no longer exist on the page: "
            "run `pytest docs/ --update-outputs`"
        )
    out = []
    last = 0
    for block, key in zip(blocks, keys, strict=True):
        entry = by_key[key]
        out += [page_html[last : block.end()], output_box(entry), badges(entry)]
        last = block.end()
    out.append(page_html[last:])
    return "".join(out)


@dataclass(frozen=True)
class Totals:
    """The site's totals, from the pages and the records."""

    blocks: int
    executed_cpu: int
    skipped_cpu: int
    verified_cuda: int
    claims: int
    claims_checked: int
    errata: int


def totals(docs_dir: Path, root: Path) -> Totals:
    """Count the Python blocks of every page and what their records say."""
    blocks = executed = skipped = cuda = claims = checked = errata = 0
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        name = page.relative_to(docs_dir).as_posix()
        for addition in find_additions(text.splitlines(), name):
            errata += addition.kind == "erratum"
        if name.startswith("notes/"):
            for claim in page_claims(text, name):
                claims += claim.erratum is None
                checked += bool(claim.checks)
        codes = [code for _, code in python_blocks(text, page)]
        if not codes:
            continue
        blocks += len(codes)
        record = _outputs.record_path(page, docs_dir, root)
        by_key = {e.key: e for e in _outputs.load(record)}
        for key in _outputs.block_keys(codes):
            entry = by_key.get(key)
            if entry is None:
                continue
            executed += "cpu" in entry.verified
            skipped += "cpu" in entry.skipped
            cuda += "cuda" in entry.verified
    return Totals(blocks, executed, skipped, cuda, claims, checked, errata)


def totals_table(t: Totals) -> str:
    """The totals as a Markdown table for the home page."""
    rows = [
        ("Python blocks on the site", t.blocks),
        ("executed on CPU, output recorded", t.executed_cpu),
        ("skipped on CPU (need a CUDA GPU)", t.skipped_cpu),
        ("verified on CUDA", t.verified_cuda),
        ("claims of the notes", t.claims),
        ("claims checked by an executed block", t.claims_checked),
        ("errata", t.errata),
    ]
    body = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return f"| What | Count |\n| --- | ---: |\n{body}\n"
