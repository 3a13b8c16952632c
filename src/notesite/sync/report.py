"""The sync's report, in Markdown."""

from __future__ import annotations

import re

from notesite.safety import markdown_text
from notesite.sync.compare import ADDED, CHANGED, MOVED, REMOVED
from notesite.sync.merge import Plan
from notesite.sync.run import VERDICTS, BlockRun


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _quote(text: str) -> str:
    text = _short(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def report(plan: Plan, runs: list[BlockRun], unchecked: list[str], seconds: float) -> str:
    """The sync's report, in Markdown (ready to paste into a pull request)."""
    counts = {what: 0 for what in (ADDED, CHANGED, MOVED, REMOVED)}
    for events in plan.events.values():
        for event in events:
            counts[event.what] += 1
    results = {r: sum(run.result == r for run in runs) for r in VERDICTS}
    titled = [
        f"- Title: *{markdown_text(plan.post.title)}*, from {plan.post.title_from}: "
        "no title in front matter."
    ]
    if not plan.post.title_from:
        titled = []
    out = [
        f"# Sync of *{markdown_text(plan.post.title)}*",
        "",
        f"From `{plan.post.name}` to `{plan.original_path.name if plan.original_path else ''}`"
        f"{' (a new post)' if plan.old is None else ''}, in {seconds:.1f} s.",
        "",
        *titled,
        "- Units: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".",
        f"- Pages written: {len(plan.pages)}; removed: {len(plan.removed_pages)}; "
        f"nav {'changed' if plan.config_text else 'unchanged'}.",
        f"- Blocks run (new or changed Python blocks, console sessions as doctests): {len(runs)} ("
        + ", ".join(f"{n} {r}" for r, n in results.items())
        + ").",
        f"- Claims not yet checked: {len(unchecked)}.",
        f"- Additions removed or flagged: {len(plan.flags)}.",
        f"- Checks, notes and errata to re-verify (their text changed): {len(plan.reverify)}.",
    ]
    pages = list(dict.fromkeys([*plan.nav, *plan.events, *plan.removed_pages]))
    for src in pages:
        events = plan.events.get(src, [])
        page_runs = [r for r in runs if r.page == src]
        page_flags = [f for f in plan.flags if f.page == src]
        page_reverify = [f for f in plan.reverify if f.page == src]
        page_unrun = [e for e in plan.unrun if e.before == src]
        page_claims = [c for c in unchecked if c.startswith(f"docs/{src}:")]
        if not (
            events
            or page_runs
            or page_flags
            or page_reverify
            or page_unrun
            or page_claims
            or src in plan.removed_pages
        ):
            continue
        out += ["", f"## `docs/{src}`" + (" (removed)" if src in plan.removed_pages else "")]
        for what in (ADDED, CHANGED, MOVED, REMOVED):
            chosen = [e for e in events if e.what == what]
            if not chosen:
                continue
            out += ["", f"**{what.capitalize()}**", ""]
            for e in chosen:
                where = f"line {e.line}" if e.line else e.before
                if e.kind == "section":
                    out.append(f"- the page moved in the nav, from {e.before}: {_quote(e.text)}")
                elif what == CHANGED:
                    out.append(f"- {where}, {e.kind}: {_quote(e.before)} → {_quote(e.text)}")
                elif what == MOVED:
                    out.append(f"- {where}, {e.kind}, from `{e.before}`: {_quote(e.text)}")
                else:
                    out.append(f"- {where}, {e.kind}: {_quote(e.text)}")
        if page_runs:
            out += [
                "",
                "**Blocks run** (each alone, in its own process, as `pytest docs/` runs it)",
                "",
            ]
            out += ["| Line | Block | Result |", "| ---: | --- | --- |"]
            for r in page_runs:
                detail = f": {r.detail}" if r.detail else ""
                cell = f"{r.result}{detail}".replace("|", "\\|")
                out.append(f"| {r.line} | {_quote(r.code)} | {cell} |")
        if page_unrun:
            out += [
                "",
                "**Not run** (no language the tests run: name it `python`, or `pycon` for a "
                "console session)",
                "",
            ]
            out += [
                f"- line {e.line}: {_quote(e.text)} reads as Python, but no test runs it"
                for e in page_unrun
            ]
        if page_claims:
            out += ["", "**Claims waiting for a check**", ""]
            out += [f"- {c.removeprefix(f'docs/{src}:')}" for c in page_claims]
        if page_flags:
            out += ["", "**Additions removed or flagged**", ""]
            out += [f'- {f.kind} "{f.title}": {f.what}' for f in page_flags]
        if page_reverify:
            out += [
                "",
                "**To re-verify** (each box stays: does it hold for the new text?)",
                "",
            ]
            out += [f'- {f.kind} "{f.title}": {f.what}' for f in page_reverify]
    out += [
        "",
        "## Next",
        "",
        "1. `make update-outputs` (`.venv/bin/pytest docs/ --update-outputs`) records the new "
        "blocks' outputs; it fails on each "
        "block that does not run, at its page and line.",
        "2. Under each claim waiting for a check, add a check, an erratum, or "
        "`<!-- not a claim: reason -->`; the claims gate (`make test-docs`) names them until then.",
        "3. `make test` runs every gate: fidelity, parity, claims, the site.",
    ]
    return "\n".join(out) + "\n"
