"""What the committed results lack (``python -m notesite matrix --check``, run by CI).

No network: this reads the committed results files (:mod:`notesite.matrix.results`) and the
site's pages as they are now.
"""

from __future__ import annotations

from typing import Any

from notesite import model
from notesite.matrix.results import (
    FAILED,
    RELEASE,
    RELEASES,
    covered,
    lower_bound,
    results,
    version_key,
)
from notesite.progress import is_verified
from notesite.project import Project


def current_blocks(project: Project) -> dict[str, str]:
    """What results must cover: each block and console session of the site's pages now.

    By the name results give it (``page#key``), with where it is (``docs/page.md:12 (block 3)``).
    """
    found: dict[str, str] = {}
    for src in project.nav:
        if not (project.docs_dir / src).is_file():
            continue
        page = project.page(src)
        for block in page.blocks:
            found[f"{src}#{block.key}"] = f"docs/{src}:{block.line} (block {block.number})"
        for fence in page.doctests:
            found[f"{src}#{model.code_hash(fence.code)}"] = (
                f"docs/{src}:{fence.start + 1} (session)"
            )
    return found


def must_hold(project: Project) -> set[str]:
    """The blocks whose results every release must have: the checks of verified posts.

    By the name results give them (``page#key``); a page of no post counts as verified.
    """
    found: set[str] = set()
    for page in project.notes():
        if not is_verified(project, page):
            continue
        lines = {check.block_line for claim in page.claims for check in claim.checks}
        found |= {f"{page.src_uri}#{b.key}" for b in page.blocks if b.line in lines}
    return found


def _lacking(found: dict[str, dict[str, Any]], blocks: dict[str, str]) -> dict[str, list[str]]:
    """Each block without a result on some release: the releases it lacks."""
    lacking: dict[str, list[str]] = {}
    for version, data in found.items():
        for block in set(blocks) - covered(data):
            lacking.setdefault(block, []).append(version)
    return lacking


def check(project: Project) -> list[str]:
    """What the committed results lack: an admitted minor release, or a current block.

    The admitted minors run from the project's lower bound (``torch>=X``) to the newest
    release that has results; each must have a results file, and each file a result for
    every block of the site as its code is now (a block whose code changed is not covered).
    No result file at all is a problem too.

    Raises:
        ResultsError: If a results file cannot be read, or ``pyproject.toml`` has no bound.
    """
    folder = f"{project.outputs_dir.name}/{RELEASES}"
    bound_text = lower_bound(project.root)
    bound = version_key(bound_text)[:2]
    problems = []
    here = project.outputs_dir / RELEASES
    for path in sorted(here.glob("*")) if here.is_dir() else []:
        if path.suffix != ".json" or not RELEASE.fullmatch(path.stem):
            problems.append(
                f"{folder}/{path.name}: expected only results named by their release "
                "(2.4.1.json), got this file: remove it"
            )
        elif version_key(path.stem)[:2] < bound:
            problems.append(
                f"{folder}/{path.name}: expected results of the releases the project admits "
                f"(torch>={bound_text}), got an older one: remove it"
            )
    found = results(project)
    if not found:
        return [
            *problems,
            f"{folder}/: expected the release matrix's results, got none: run make matrix",
        ]
    newest = max(version_key(v)[:2] for v in found)
    have = {version_key(v)[:2] for v in found}
    major = bound[0]
    for minor in range(bound[1], newest[1] + 1) if newest[0] == major else []:
        if (major, minor) not in have:
            problems.append(
                f"{folder}/: expected results for torch {major}.{minor} (the project admits "
                f"torch>={'.'.join(map(str, bound))}), got none: run make matrix"
            )
    blocks = current_blocks(project)
    strict = must_hold(project)
    lacking = _lacking(found, blocks)
    for block in sorted(lacking, key=lambda b: blocks[b]):
        if block not in strict or len(lacking[block]) == len(found):
            # Not yet verified on those releases, or a check new since the matrix ran (no
            # release has it): listed by gaps(), not a failure; the workflow fills it in.
            continue
        problems.append(
            f"{folder}/: expected a result for {blocks[block]} (a check of a verified post) "
            f"as its code is now on every release that has one, got none on "
            f"{', '.join(lacking[block])}: run make matrix"
        )
    for version, data in found.items():
        for entry in data["results"].values():
            if entry.get("block") in blocks and entry.get("outcome") == FAILED:
                problems.append(
                    f"{folder}/{version}.json: expected {blocks[entry['block']]} to hold, got "
                    f"failed: {entry.get('detail') or 'no detail'}"
                )
    return problems


def gaps(project: Project) -> list[str]:
    """The blocks not yet verified on some release: listed by ``--check``, never failing.

    A new post's blocks, a changed block, or a check of a verified post new since the matrix
    last ran (no release has its result), until the matrix workflow runs them.
    """
    found = results(project)
    blocks = current_blocks(project)
    strict = must_hold(project)
    lacking = _lacking(found, blocks)
    return [
        f"{blocks[block]}: not yet verified on "
        + ("any release" if len(lacking[block]) == len(found) else ", ".join(lacking[block]))
        for block in sorted(lacking, key=lambda b: blocks[b])
        if block not in strict or len(lacking[block]) == len(found)
    ]
