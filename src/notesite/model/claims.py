"""Claims: each unit of the notes' prose, what accounts for it, and its status."""

from __future__ import annotations

from dataclasses import dataclass, field

from notesite.model.boxes import Check, Erratum, Note, read_check, read_note
from notesite.model.fences import Addition
from notesite.model.units import CODE, PROSE, Attached, Marker, Unit
from notesite.model.vocabulary import CHECK_KIND, ERRATUM_KIND, NOTE_KIND, PageError

CHECKED_ON_CPU = "checked on CPU"
CHECKED_ON_CUDA = "checked on CUDA"
PRECISE_NOTE = "precise note"
ERRATUM = "erratum"

#: The status of a claim: exactly one of these.
CHECKED = "checked"
CORRECTED = "corrected by an erratum"
NOT_A_CLAIM = "not a claim"
UNCHECKED = "not yet checked"
STATUSES = (CHECKED, CORRECTED, NOT_A_CLAIM, UNCHECKED)


@dataclass
class Claim:
    """A unit of the notes' prose (a claim), or a snippet with boxes, and what accounts for it.

    Its :attr:`status` is exactly one of :data:`STATUSES`: ``checked`` (a check under it, or
    under the snippet it introduces), ``corrected by an erratum``, ``not a claim`` (a marker
    with its reason) or ``not yet checked``.
    """

    page: str
    line: int
    text: str
    unit: Unit
    checks: list[Check] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    erratum: Erratum | None = None
    not_a_claim: str | None = None
    #: The line (1-based) of the snippet whose boxes account for this prose, if any.
    via_snippet: int | None = None

    @property
    def snippet(self) -> bool:
        """Whether this is a snippet (a code unit) rather than the prose."""
        return self.unit.kind == CODE

    @property
    def words(self) -> str:
        """Its words as the author wrote them, each link as its words (:attr:`Unit.words`)."""
        return self.unit.words

    @property
    def status(self) -> str:
        """The one status of the claim."""
        if self.checks:
            return CHECKED
        if self.erratum is not None:
            return CORRECTED
        if self.not_a_claim is not None:
            return NOT_A_CLAIM
        return UNCHECKED

    @property
    def anchor(self) -> str | None:
        """The anchor of the claim's first box on its page (None without a box)."""
        if self.checks:
            return self.checks[0].slug
        if self.erratum is not None:
            return self.erratum.slug
        return None

    @property
    def statuses(self) -> list[str]:
        """``checked on CPU``, ``checked on CUDA``, ``precise note`` or ``erratum``, as they apply.

        ``checked on CUDA`` says that a check of the claim runs on a CUDA GPU, not that it
        ran on one.
        """
        found = []
        if any(not check.cuda for check in self.checks):
            found.append(CHECKED_ON_CPU)
        if any(check.cuda for check in self.checks):
            found.append(CHECKED_ON_CUDA)
        if self.notes:
            found.append(PRECISE_NOTE)
        if self.erratum is not None:
            found.append(ERRATUM)
        return found


def claims_of(
    additions: list[Addition],
    errata: list[Erratum],
    attached: list[Attached],
    markers: list[Marker],
    lines: list[str],
    page: str,
) -> list[Claim]:
    """Each prose unit of the page as a claim, and each snippet with boxes under it.

    A box (or a not-a-claim marker) belongs to the author's unit above it; a setup box to
    the snippet below it, so it accounts for nothing. Prose with nothing under it that
    introduces a snippet (the next unit, nested in its list item, or at the margin after a
    paragraph at the margin: :func:`_introduces`) is accounted for by the snippet's boxes.
    """
    slugs: dict[str, int] = {}
    errata_at = {erratum.line - 1: erratum for erratum in errata}
    units = [region.unit for region in attached]
    claims = {unit.start: Claim(page, unit.start + 1, unit.text, unit) for unit in units}
    starts = [unit.start for unit in units]

    def register(slug: str, line: int) -> None:
        if slug in slugs:
            raise PageError(
                f"{page}:{line}: expected a title of its own, got the anchor #{slug} "
                f"of the box on line {slugs[slug]} again"
            )
        slugs[slug] = line

    def owner(start: int, what: str) -> Claim:
        region = next((r for r in attached if r.start <= start < r.end), None)
        if region is None or region.unit.kind not in (PROSE, CODE):
            raise PageError(
                f"{page}:{start + 1}: expected the {what} under a list item, paragraph or "
                "snippet of the notes, got it "
                + (f"under a heading (line {region.unit.start + 1})" if region else "first")
            )
        return claims[region.unit.start]

    previous: Addition | None = None
    previous_check: Claim | None = None
    for addition in additions:
        claim: Claim | None = None
        if addition.kind == CHECK_KIND:
            check = read_check(addition, page, lines)
            register(check.slug, check.line)
            claim = owner(addition.start, "check")
            claim.checks.append(check)
        elif addition.kind == NOTE_KIND:
            note = read_note(addition, page)
            register(note.slug, note.line)
            adjacent = previous is not None and all(
                not line.strip() for line in lines[previous.end : addition.start]
            )
            if previous_check is None or not adjacent:
                raise PageError(
                    f"{page}:{note.line}: expected the precise note right after the check "
                    "of its claim"
                )
            claim = previous_check
            claim.notes.append(note)
        elif addition.kind == ERRATUM_KIND:
            erratum = errata_at[addition.start]
            claim = owner(addition.start, "erratum")
            corrected = " ".join(" ".join(erratum.corrected).split())
            if corrected not in claim.unit.text:
                raise PageError(
                    f"{page}:{erratum.line}: expected the erratum right under the text it "
                    f"corrects, got it under line {claim.line}, which does not hold its '+' lines"
                )
            if claim.erratum is not None:
                raise PageError(
                    f"{page}:{erratum.line}: expected one erratum per unit of the notes, got a "
                    f"second one under line {claim.line}"
                )
            claim.erratum = erratum
        previous, previous_check = (
            addition,
            claim
            if addition.kind == CHECK_KIND
            else (previous_check if addition.kind == NOTE_KIND else None),
        )
    for marker in markers:
        claim = owner(marker.start, "not-a-claim marker")
        if not marker.reason:
            raise PageError(
                f"{page}:{marker.start + 1}: expected a reason in the marker "
                "(<!-- not a claim: an instruction -->), got none"
            )
        if claim.snippet or claim.checks or claim.erratum is not None:
            raise PageError(
                f"{page}:{marker.start + 1}: expected a not-a-claim marker under prose without "
                f"a check or erratum, got it under line {claim.line}, which has one"
            )
        claim.not_a_claim = marker.reason
    found: list[Claim] = []
    taken: set[int] = set()
    for index, start in enumerate(starts):
        claim = claims[start]
        if claim.unit.kind == PROSE:
            following = claims[starts[index + 1]] if index + 1 < len(starts) else None
            if (
                claim.status == UNCHECKED
                and following is not None
                and following.snippet
                and following.status in (CHECKED, CORRECTED)
                and _introduces(claim.unit, following.unit)
            ):
                claim.checks, claim.notes = following.checks, following.notes
                claim.erratum = following.erratum
                claim.via_snippet = following.line
                taken.add(following.line)
            found.append(claim)
        elif claim.snippet and claim.status != UNCHECKED:
            found.append(claim)
    return [claim for claim in found if claim.line not in taken]


def _introduces(prose: Unit, snippet: Unit) -> bool:
    """Whether prose is the caption of the snippet right after it.

    A list item's caption holds its snippet (the snippet is nested in the item); a paragraph
    at the margin captions the snippet at the margin after it.
    """
    if prose.level == 0:
        return snippet.level == 0
    return snippet.level >= prose.level
