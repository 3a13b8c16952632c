"""The claims of the notes and their checks, read from the boxes of the note pages.

Under each claim of the notes, its page holds a collapsed check box: a sentence saying how
the claim is checked, then one self-contained ``python`` fence that asserts it::

    ??? success "Checked: `torch.range` is deprecated"
        Calling it emits a warning that says so:

        ```python
        ...
        ```

* ``Checked: …`` runs on every machine. ``Checked on CUDA: …`` holds a ``python fixture:cuda``
  fence: it runs on a CUDA GPU and is skipped, with its reason, elsewhere. A CPU check and a
  CUDA check with the same claim text on a page check two parts of one claim.
* ``!!! info "Precisely: …"`` right after a check is a precise note on that check's claim
  (the claim is imprecise, or holds for some shapes or versions only).
* Each erratum (:mod:`notesite.pages`) is a claim of its own: a correction of the notes.

:func:`page_claims` reads them, :func:`anchor_boxes` gives each check and note an anchor for
the site, and :func:`verification_table` lists every claim with its status.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from notesite.pages import (
    FENCE_OPEN,
    Addition,
    Erratum,
    PageError,
    find_additions,
    parse_erratum,
    split_front_matter,
)

CPU_PREFIX = "Checked:"
CUDA_PREFIX = "Checked on CUDA:"
NOTE_PREFIX = "Precisely:"
#: The fence option that runs a block with the ``cuda`` fixture (skipped without a GPU).
CUDA_OPTION = "fixture:cuda"

CHECKED_ON_CPU = "checked on CPU"
CHECKED_ON_CUDA = "checked on CUDA"
PRECISE_NOTE = "precise note"
ERRATUM = "erratum"


#: The longest anchor slug, in characters; a longer one is cut at a word boundary.
SLUG_LENGTH = 50


def slugify(text: str) -> str:
    """The anchor form of a title: lower case, other characters turned into ``-``, kept short."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return slug


@dataclass(frozen=True)
class Check:
    """One check box: the claim it checks, its code, and whether it needs CUDA.

    ``line`` is the box's line in the page (1-based); ``paragraph_end`` the line of the last
    line of its opening sentence, which carries the box's anchor on the site.
    """

    page: str
    line: int
    claim: str
    cuda: bool
    code: str
    paragraph_end: int

    @property
    def slug(self) -> str:
        """The anchor id of this check on its page."""
        return ("check-cuda-" if self.cuda else "check-") + slugify(self.claim)


@dataclass(frozen=True)
class Note:
    """A precise note (``info`` box, "Precisely: …") beside a check."""

    page: str
    line: int
    title: str
    paragraph_end: int

    @property
    def slug(self) -> str:
        """The anchor id of this note on its page."""
        return "precisely-" + slugify(self.title[len(NOTE_PREFIX) :])


@dataclass
class Claim:
    """A claim of the notes: its checks and precise notes, or the erratum that corrects it."""

    page: str
    line: int
    text: str
    checks: list[Check] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    erratum: Erratum | None = None

    @property
    def anchor(self) -> str:
        """The anchor of the claim's first box on its page."""
        if self.erratum is not None:
            return self.erratum.slug
        return self.checks[0].slug

    @property
    def statuses(self) -> list[str]:
        """``checked on CPU``, ``checked on CUDA``, ``precise note`` or ``erratum``, as they apply.

        ``checked on CUDA`` says that a check of the claim runs on a CUDA GPU, not that it
        ran on one.
        """
        if self.erratum is not None:
            return [ERRATUM]
        found = []
        if any(not check.cuda for check in self.checks):
            found.append(CHECKED_ON_CPU)
        if any(check.cuda for check in self.checks):
            found.append(CHECKED_ON_CUDA)
        if self.notes:
            found.append(PRECISE_NOTE)
        return found


def _opening_paragraph(addition: Addition, where: str, what: str) -> int:
    """The index (in the page's lines) of the last line of the box's opening sentence."""
    last = None
    for i, line in enumerate(addition.body):
        if not line.strip():
            if last is not None:
                break
            continue
        if FENCE_OPEN.match(line):
            break
        last = i
    if last is None:
        raise PageError(f"{where}: expected the {what} to open with a sentence, before any code")
    return addition.start + 1 + last


def _fences(body: list[str]) -> list[tuple[str, list[str]]]:
    """The fences of a box body: their info string and their lines."""
    fences: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for line in body:
        if fence is None:
            opened = FENCE_OPEN.match(line)
            if opened:
                fence = opened["fence"]
                fences.append((opened["info"].strip(), []))
        elif line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
            fence = None
        else:
            fences[-1][1].append(line)
    return fences


def parse_check(addition: Addition, page: str) -> Check:
    """Read a ``success`` box.

    Args:
        addition: The box, of kind ``success``.
        page: The page's name, for error messages.

    Returns:
        The check.

    Raises:
        PageError: If the title is not "Checked: …" or "Checked on CUDA: …", if the box does
            not open with a sentence, or if it does not hold exactly one ``python`` fence,
            with ``fixture:cuda`` exactly when the title says CUDA, without ``continuation``
            (a check stands alone) and without two blank lines in a row.
    """
    where = f"{page}:{addition.start + 1}"
    title = addition.title
    if title.startswith(CUDA_PREFIX):
        cuda, claim = True, title[len(CUDA_PREFIX) :].strip()
    elif title.startswith(CPU_PREFIX):
        cuda, claim = False, title[len(CPU_PREFIX) :].strip()
    else:
        raise PageError(
            f'{where}: expected a check title "{CPU_PREFIX} …" or "{CUDA_PREFIX} …", got {title!r}'
        )
    if not claim:
        raise PageError(f"{where}: expected the check's title to state the claim it checks")
    paragraph_end = _opening_paragraph(addition, where, "check")
    fences = _fences(addition.body)
    if len(fences) != 1 or not fences[0][0].split() or fences[0][0].split()[0] != "python":
        got = [info or "<no language>" for info, _ in fences] or "none"
        raise PageError(
            f"{where}: expected the check to hold exactly one ```python fence, got {got}"
        )
    info, code = fences[0]
    options = info.split()[1:]
    if "continuation" in options:
        raise PageError(f"{where}: expected the check to stand alone, without `continuation`")
    if any(not a.strip() and not b.strip() for a, b in itertools.pairwise(code)):
        raise PageError(
            f"{where}: expected no two blank lines in a row in the check's code (inside a box, "
            "the site would show them as one, and the page would differ from what pytest runs)"
        )
    if cuda != (CUDA_OPTION in options):
        expected = f"```python {CUDA_OPTION}" if cuda else "```python without fixture:cuda"
        raise PageError(f"{where}: expected {expected} under the title {title!r}, got ```{info}")
    return Check(page, addition.start + 1, claim, cuda, "\n".join(code), paragraph_end + 1)


def parse_note(addition: Addition, page: str) -> Note:
    """Read an ``info`` box ("Precisely: …").

    Args:
        addition: The box, of kind ``info``.
        page: The page's name, for error messages.

    Returns:
        The note.

    Raises:
        PageError: If the title does not start with "Precisely:" or the box does not open with
            a sentence.
    """
    where = f"{page}:{addition.start + 1}"
    if not addition.title.startswith(NOTE_PREFIX) or not addition.title[len(NOTE_PREFIX) :].strip():
        raise PageError(
            f'{where}: expected a precise note titled "{NOTE_PREFIX} …", got {addition.title!r}'
        )
    paragraph_end = _opening_paragraph(addition, where, "precise note")
    return Note(page, addition.start + 1, addition.title, paragraph_end + 1)


def _adjacent(lines: list[str], before: Addition, after: Addition) -> bool:
    return all(not line.strip() for line in lines[before.end : after.start])


def claims_of_lines(lines: list[str], page: str) -> list[Claim]:
    """The claims of a page body, in page order (see :func:`page_claims`)."""
    claims: list[Claim] = []
    by_text: dict[str, Claim] = {}
    previous: Addition | None = None
    previous_claim: Claim | None = None
    slugs: dict[str, int] = {}

    def register(slug: str, line: int) -> None:
        if slug in slugs:
            raise PageError(
                f"{page}:{line}: expected a title of its own, got the anchor #{slug} "
                f"of the box on line {slugs[slug]} again"
            )
        slugs[slug] = line

    for addition in find_additions(lines, page):
        claim: Claim | None = None
        if addition.kind == "success":
            check = parse_check(addition, page)
            register(check.slug, check.line)
            claim = by_text.get(check.claim)
            if claim is None:
                claim = Claim(page, check.line, check.claim)
                by_text[check.claim] = claim
                claims.append(claim)
            claim.checks.append(check)
        elif addition.kind == "info":
            note = parse_note(addition, page)
            register(note.slug, note.line)
            if (
                previous is None
                or previous_claim is None
                or not _adjacent(lines, previous, addition)
            ):
                raise PageError(
                    f"{page}:{note.line}: expected the precise note right after the check "
                    "of its claim"
                )
            claim = previous_claim
            claim.notes.append(note)
        elif addition.kind == "erratum":
            erratum = parse_erratum(addition, page)
            claims.append(Claim(page, addition.start + 1, erratum.title, erratum=erratum))
        previous, previous_claim = addition, claim
    return claims


def page_claims(text: str, page: str) -> list[Claim]:
    """The claims of a note page, in page order.

    Args:
        text: The page's text, front matter included (it holds no box).
        page: The page's name (its path under ``docs/``).

    Returns:
        The claims; line numbers count from the top of the text.

    Raises:
        PageError: If a check, a precise note or an erratum breaks the conventions.
    """
    return claims_of_lines(text.splitlines(), page)


def anchor_boxes(markdown: str, page: str) -> str:
    """Give each check and precise note of a page body its anchor (an ``attr_list`` id).

    The id goes on the sentence that opens the box, so it is part of the Markdown tree (and
    MkDocs validates links to it).

    Args:
        markdown: The page body, without front matter.
        page: The page's name, for error messages.

    Returns:
        The body with a ``{: #slug }`` line after each box's opening sentence (after an
        erratum's explanation).
    """
    lines = markdown.splitlines()
    additions = {addition.start: addition for addition in find_additions(lines, page)}
    for claim in claims_of_lines(lines, page):
        boxes: list[Check | Note] = [*claim.checks, *claim.notes]
        targets = [(box.paragraph_end - 1, box.slug) for box in boxes]
        if claim.erratum is not None:
            box = additions[claim.erratum.line - 1]
            targets.append((_explanation_end(lines, box, page), claim.erratum.slug))
        for at, slug in targets:
            indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
            lines[at] += f"\n{indent}{{: #{slug} }}"
    return "\n".join(lines) + "\n"


def _explanation_end(lines: list[str], erratum: Addition, page: str) -> int:
    """The index of the last line of the paragraph that says why, after the erratum's diff."""
    in_fence = False
    last = None
    for i in range(erratum.start + 1, erratum.end):
        stripped = lines[i].strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and stripped:
            last = i
        elif not in_fence and last is not None:
            break
    if last is None:
        raise PageError(f"{page}:{erratum.start + 1}: expected the erratum to say why")
    return last


@dataclass(frozen=True)
class NotePage:
    """A note page for the verification list: its path under ``docs/``, title and text."""

    src_uri: str
    title: str
    text: str


def page_title(text: str, default: str) -> str:
    """The first ``# `` heading of a page, or ``default``."""
    _, body = split_front_matter(text)
    match = re.search(r"^# +(.+?)\s*$", body, flags=re.M)
    return match[1] if match else default


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


def claim_rows(pages: Iterable[NotePage]) -> list[tuple[NotePage, Claim]]:
    """Every claim of the pages, with its page, in page order."""
    return [(page, claim) for page in pages for claim in page_claims(page.text, page.src_uri)]


def verification_table(pages: Sequence[NotePage]) -> str:
    """The Markdown list of every claim of the note pages, its page, status and link.

    Args:
        pages: The note pages, in navigation order; links are relative to the docs root.

    Returns:
        A summary sentence and a table with one row per claim.
    """
    rows = claim_rows(pages)
    if not rows:
        return "No claim is checked yet.\n"
    counts = {
        status: sum(status in claim.statuses for _, claim in rows)
        for status in (CHECKED_ON_CPU, CHECKED_ON_CUDA, PRECISE_NOTE, ERRATUM)
    }
    summary = (
        f"{len(rows)} claims on {len(pages)} pages: {counts[CHECKED_ON_CPU]} checked on CPU, "
        f"{counts[CHECKED_ON_CUDA]} checked on CUDA, {counts[PRECISE_NOTE]} with a precise "
        f"note, {counts[ERRATUM]} corrected by an erratum."
    )
    lines = [summary, "", "| Claim | Page | Status |", "| --- | --- | --- |"]
    for page, claim in rows:
        text = re.sub(r"^erratum:?\s*", "", claim.text, flags=re.IGNORECASE)
        lines.append(
            f"| [{_cell(text)}]({page.src_uri}#{claim.anchor}) | [{_cell(page.title)}]"
            f"({page.src_uri}) | {' · '.join(claim.statuses)} |"
        )
    return "\n".join(lines) + "\n"
