"""How far a post is verified: which posts are strict, and what their pages have proved.

A post is *verified* when its setting says so: ``verified: true`` in its original's front
matter, or in the project's settings (``posts: {<original file name>: {verified: true}}``
under the ``notesite`` entry of ``mkdocs.yml``; the seed post has it there, so that its
original stays the author's bytes). On a verified post every claim must have a status and
every block must run (or need a GPU the machine lacks), as the gates have always asked. A
post that is not verified is held to what its records say: a block passes when it gives
its recorded verdict again, a claim gate fails only when a claim loses a status it had, and
its pages show their progress ("3 of 12 claims checked · 2 of 5 blocks run").

A page that belongs to no post (no ``post: source:`` in its front matter: the site's own
pages, a contributor's note) is always held strictly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from notesite import model
from notesite import outputs as _outputs
from notesite.fidelity import post_source
from notesite.project import Project
from notesite.verdicts import Verdict

__all__ = ["Progress", "by_post", "is_verified", "progress", "progress_line"]


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in {"true", "yes"})


def is_verified(project: Project, page: model.Page) -> bool:
    """Whether a page is held strictly: it belongs to no post, or to a verified one."""
    source = post_source(page)
    if source is None:
        return True
    setting = dict(project.posts).get(source)
    if setting is not None and setting.verified is not None:
        return setting.verified
    original = project.originals_dir / source
    if original.is_file():
        try:
            meta = model.parse_page(
                model.read_markdown(original, source), source, note=False, page=False
            ).meta
        except model.PageError:
            return False
        return _flag(meta.get("verified"))
    return False


@dataclass(frozen=True)
class Progress:
    """What a page (or a post, or the series) has proved so far."""

    claims: int = 0
    checked: int = 0
    blocks: int = 0
    run: int = 0

    def __add__(self, other: Progress) -> Progress:
        """Two counts together."""
        return Progress(
            self.claims + other.claims,
            self.checked + other.checked,
            self.blocks + other.blocks,
            self.run + other.run,
        )


def progress(project: Project, page: model.Page) -> Progress:
    """The claims of a page with a status, and its blocks whose record says they run."""
    claims = [claim for claim in page.claims if claim.status != model.NOT_A_CLAIM]
    checked = sum(1 for claim in claims if claim.status != model.UNCHECKED)
    try:
        entries = {e.key: e for e in _outputs.load(project.record_path(page.src_uri))}
    except _outputs.RecordError:
        entries = {}
    ran = 0
    for block in page.blocks:
        entry = entries.get(block.key)
        if entry is not None and entry.outcome().verdict is Verdict.RUNS and entry.verified:
            ran += 1
    return Progress(len(claims), checked, len(page.blocks), ran)


def progress_line(counts: Iterable[Progress]) -> str:
    """The byline's words: ``3 of 12 claims checked · 2 of 5 blocks run``."""
    total = sum(counts, Progress())
    return (
        f"{total.checked} of {total.claims} claims checked · {total.run} of {total.blocks} "
        "blocks run"
    )


#: The first line of a claims record (``outputs/<page>.claims.txt``).
CLAIMS_HEADER = (
    "# Claim statuses of {page}, a post not yet verified. Regenerate: pytest docs/ "
    "--update-outputs\n"
)


def claim_key(claim: model.Claim) -> str:
    """A claim's identity across runs: the hash of its words, whitespace-normalised."""
    import hashlib

    return hashlib.sha256(" ".join(claim.text.split()).encode("utf-8")).hexdigest()[:12]


def claims_record_path(project: Project, src_uri: str) -> Any:
    """Where a page's claim statuses are recorded (``outputs/<page>.claims.txt``)."""
    return project.outputs_dir / f"{src_uri}.claims.txt"


def claims_record(page: model.Page) -> str:
    """The statuses a page's claims have now, one line each (those without one left out)."""
    lines = [CLAIMS_HEADER.format(page=f"docs/{page.src_uri}")]
    for claim in page.claims:
        if claim.status != model.UNCHECKED:
            words = " ".join(claim.text.split())
            words = words if len(words) <= 60 else words[:59] + "…"
            lines.append(f"{claim_key(claim)} · {claim.status} · {words}\n")
    return "".join(lines)


def recorded_statuses(text: str, where: str) -> dict[str, tuple[str, str]]:
    """A claims record as ``{key: (status, words)}``.

    Raises:
        model.PageError: If a line is not ``KEY · STATUS · words`` (names file and line).
    """
    found: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(" · ", 2)
        if len(parts) != 3 or len(parts[0]) != 12 or parts[1] not in model.STATUSES:
            raise model.PageError(
                f"{where}:{number}: expected 'KEY · STATUS · words' with a status of "
                f"{list(model.STATUSES)}, got {line!r}"
            )
        found[parts[0]] = (parts[1], parts[2])
    return found


def lost_statuses(page: model.Page, recorded: dict[str, tuple[str, str]]) -> list[str]:
    """The claims that had a status when recorded and have none now (or are gone)."""
    now = {claim_key(claim): claim for claim in page.claims}
    lost = []
    for key, (status, words) in recorded.items():
        claim = now.get(key)
        if claim is None:
            lost.append(f"{page.src_uri}: the claim '{words}' ({status}) is gone or reworded")
        elif claim.status == model.UNCHECKED:
            lost.append(f"{page.src_uri}:{claim.line}: was {status}, now not yet checked: {words}")
    return lost


def post_key(page: model.Page) -> str:
    """What groups a note page with the other pages of its post: its original, else its title.

    A page of no post is a group of its own (its path).
    """
    source = post_source(page)
    if source is not None:
        return source
    post = page.meta.get("post")
    title = post.get("title") if isinstance(post, dict) else None
    return f"title:{title}" if isinstance(title, str) and title else f"page:{page.src_uri}"


def by_post(pages: Iterable[model.Page]) -> list[list[model.Page]]:
    """Pages grouped by post (:func:`post_key`), in the order their first pages come."""
    groups: dict[str, list[model.Page]] = {}
    for page in pages:
        groups.setdefault(post_key(page), []).append(page)
    return list(groups.values())


def block_verdicts(project: Project, page: model.Page) -> list[str]:
    """Each block's verdict as its record says it, in reader's words, in page order.

    ``runs`` for a block that ran; a CUDA block skipped on a CPU-only machine is
    ``needs a CUDA GPU``; a block without a record is ``not yet run``.
    """
    try:
        entries = {e.key: e for e in _outputs.load(project.record_path(page.src_uri))}
    except _outputs.RecordError:
        entries = {}
    found = []
    for block in page.blocks:
        entry = entries.get(block.key)
        if entry is None:
            found.append(NOT_YET_RUN)
        elif entry.verdict is not None:
            found.append(entry.outcome().verdict.value)
        elif entry.verified:
            found.append(Verdict.RUNS.value)
        elif entry.skipped:
            found.append(Verdict.NEEDS_GPU.value)
        else:
            found.append(NOT_YET_RUN)
    return found


#: A block that no run has recorded yet.
NOT_YET_RUN = "not yet run"
