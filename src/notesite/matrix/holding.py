"""What the release matrix says of a block, in the pages' words: ``holds on torch 2.4 to 2.6``.

The only part of the matrix the pages show (the Verification page, a block's badges); it
reads the results store (:mod:`notesite.matrix.results`) and runs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from notesite.matrix.results import FAILED, SKIPPED, results
from notesite.project import Project


@dataclass(frozen=True)
class Holding:
    """Where a block holds: the releases it passed, failed (with why) and skipped on.

    A release whose results do not hold the block's current code is ``unverified``.
    """

    passed: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]
    skipped: tuple[tuple[str, str], ...]
    unverified: tuple[str, ...]

    @property
    def releases(self) -> int:
        """How many releases it was tried on."""
        return len(self.passed) + len(self.failed) + len(self.skipped) + len(self.unverified)


def _by_block(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A release's results by block (made once per results read)."""
    found = data.get("_by_block")
    if found is None:
        found = {e["block"]: e for e in data["results"].values() if "block" in e}
        data["_by_block"] = found
    return found


def holding(project: Project, blocks: Sequence[str]) -> Holding:
    """Where blocks (``page#key``) all hold, release by release (a claim's checks)."""
    passed, failed, skipped, unverified = [], [], [], []
    for version, data in results(project).items():
        entries = _by_block(data)
        found = [entries.get(block) for block in blocks]
        if any(entry is None for entry in found):
            unverified.append(version)
        elif bad := [e for e in found if e is not None and e["outcome"] == FAILED]:
            failed.append((version, bad[0]["detail"]))
        elif skip := [e for e in found if e is not None and e["outcome"] == SKIPPED]:
            skipped.append((version, skip[0]["detail"]))
        else:
            passed.append(version)
    return Holding(tuple(passed), tuple(failed), tuple(skipped), tuple(unverified))


def spans(versions: Sequence[str], among: Sequence[str]) -> str:
    """Versions as ranges of consecutive releases of ``among``: ``2.4 to 2.6, 2.9``.

    >>> spans(["2.4.1", "2.5.1", "2.6.0", "2.9.1"], ["2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.9.1"])
    '2.4 to 2.6, 2.9'
    """
    order = {v: k for k, v in enumerate(among)}
    runs: list[list[str]] = []
    for version in sorted(versions, key=lambda v: order[v]):
        if runs and order[version] == order[runs[-1][-1]] + 1:
            runs[-1].append(version)
        else:
            runs.append([version])
    minor = [".".join(v.split(".")[:2]) for v in (r[0] for r in runs)]
    last = [".".join(r[-1].split(".")[:2]) for r in runs]
    return ", ".join(a if a == b else f"{a} to {b}" for a, b in zip(minor, last, strict=True))


def describe(held: Holding, among: Sequence[str]) -> str:
    """Where a block holds, in words: ``holds on torch 2.4 to 2.15``, and what differs."""
    if not held.releases:
        return ""
    words = []
    if held.failed:  # first: what a reader on those releases must know
        errors: dict[str, list[str]] = {}
        for version, detail in held.failed:
            errors.setdefault(detail, []).append(version)
        why = ", ".join(f"{spans(v, among)}: {detail}" for detail, v in errors.items())
        words.append(f"fails on torch {spans([v for v, _ in held.failed], among)} ({why})")
    if held.passed:
        words.append(f"holds on torch {spans(held.passed, among)}")
    if held.skipped:
        words.append(f"skipped on {spans([v for v, _ in held.skipped], among)}")
    if held.unverified:
        words.append(f"not yet verified on {spans(held.unverified, among)}")
    return "; ".join(words)
