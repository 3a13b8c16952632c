"""The site's boxes that say something: errata, checks and precise notes."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from notesite.model.fences import Addition
from notesite.model.options import CONTINUATION, CUDA_OPTION
from notesite.model.vocabulary import (
    CPU_PREFIX,
    CUDA_PREFIX,
    NOTE_PREFIX,
    SLUG_LENGTH,
    PageError,
)


@dataclass(frozen=True)
class Erratum:
    """One erratum: the original lines, their correction, and where the box stands."""

    page: str
    line: int
    title: str
    original: list[str]
    corrected: list[str]
    explanation: str
    anchor_line: int

    @property
    def slug(self) -> str:
        """The anchor id of this erratum on its page."""
        text = re.sub(r"^erratum:?\s*", "", self.title, flags=re.IGNORECASE)
        return "erratum-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

    @property
    def short_title(self) -> str:
        """The title without its "Erratum:" prefix."""
        return re.sub(r"^erratum:?\s*", "", self.title, flags=re.IGNORECASE)


def slugify(text: str) -> str:
    """The anchor form of a title: lower case, other characters turned into ``-``, kept short."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return slug


@dataclass(frozen=True)
class Check:
    """One check box: the claim it checks, its code, and whether it needs CUDA.

    ``line`` is the box's line (1-based); ``anchor_line`` the line (1-based) of the last
    line of its opening sentence, which carries the box's anchor on the site; ``block_line``
    the :attr:`Block.line` of its code.
    """

    page: str
    line: int
    claim: str
    cuda: bool
    code: str
    anchor_line: int
    block_line: int = 0

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
    anchor_line: int

    @property
    def slug(self) -> str:
        """The anchor id of this note on its page."""
        return "precisely-" + slugify(self.title[len(NOTE_PREFIX) :])


def read_erratum(addition: Addition, page: str, lines: list[str]) -> Erratum:
    """An erratum box read: the original lines and their correction.

    Raises:
        PageError: If the box breaks the conventions of an erratum.
    """
    where = f"{page}:{addition.start + 1}"
    if not addition.title.lower().startswith("erratum"):
        raise PageError(f'{where}: expected an erratum title "Erratum: …", got {addition.title!r}')
    diffs = [fence for fence in addition.fences if fence.lang == "diff"]
    if len(diffs) != 1:
        raise PageError(
            f"{where}: expected the erratum to hold a ```diff fence with the original "
            "('-' lines) and the correction ('+' lines)"
        )
    original: list[str] = []
    corrected: list[str] = []
    for line in diffs[0].code.splitlines():
        if line.startswith("-"):
            original.append(line[1:])
        elif line.startswith("+"):
            corrected.append(line[1:])
        elif line.strip():
            raise PageError(
                f"{where}: expected only '-' and '+' lines in the erratum's diff, got {line!r}"
            )
    if not original or not corrected:
        raise PageError(
            f"{where}: expected the erratum to hold a ```diff fence with the original "
            "('-' lines) and the correction ('+' lines)"
        )
    after = [p for p in addition.paragraphs if p[0] > diffs[0].start] or addition.paragraphs
    if not after:
        raise PageError(f"{where}: expected the erratum to say why")
    explanation = " ".join(
        " ".join(lines[i].strip() for i in range(first, last + 1))
        for first, last in addition.paragraphs
    )
    return Erratum(
        page,
        addition.start + 1,
        addition.title,
        original,
        corrected,
        " ".join(explanation.split()),
        after[0][1] + 1,
    )


def _opening(addition: Addition, where: str, what: str) -> int:
    """The line (1-based) of the last line of the box's opening sentence."""
    first_fence = addition.fences[0].start if addition.fences else addition.end
    if not addition.paragraphs or addition.paragraphs[0][0] > first_fence:
        raise PageError(f"{where}: expected the {what} to open with a sentence, before any code")
    return addition.paragraphs[0][1] + 1


def read_check(addition: Addition, page: str, lines: list[str]) -> Check:
    """A check box read: its claim, code and whether it runs on CUDA.

    Raises:
        PageError: If the box breaks the conventions of a check.
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
    anchor_line = _opening(addition, where, "check")
    fences = addition.fences
    if len(fences) != 1 or fences[0].lang != "python":
        got = [fence.info.strip() or "<no language>" for fence in fences] or "none"
        raise PageError(
            f"{where}: expected the check to hold exactly one ```python fence, got {got}"
        )
    fence = fences[0]
    if fence.options.continuation:
        raise PageError(f"{where}: expected the check to stand alone, without `{CONTINUATION}`")
    code = fence.code.splitlines()
    closing = lines[fence.end - 1].strip() if fence.end - 1 > fence.start else ""
    closed = bool(closing) and set(closing) <= {"`", "~"} and len(closing) >= 3
    if not closed or any(not a.strip() and not b.strip() for a, b in itertools.pairwise(code)):
        raise PageError(
            f"{where}: expected no two blank lines in a row in the check's code (inside a box, "
            "the site would show them as one, and the page would differ from what pytest runs)"
        )
    if cuda != fence.options.cuda:
        expected = f"```python {CUDA_OPTION}" if cuda else f"```python without {CUDA_OPTION}"
        raise PageError(
            f"{where}: expected {expected} under the title {title!r}, got ```{fence.info.strip()}"
        )
    return Check(page, addition.start + 1, claim, cuda, fence.code, anchor_line, fence.start + 1)


def read_note(addition: Addition, page: str) -> Note:
    """A precise note box read.

    Raises:
        PageError: If the box breaks the conventions of a precise note.
    """
    where = f"{page}:{addition.start + 1}"
    if not addition.title.startswith(NOTE_PREFIX) or not addition.title[len(NOTE_PREFIX) :].strip():
        raise PageError(
            f'{where}: expected a precise note titled "{NOTE_PREFIX} …", got {addition.title!r}'
        )
    return Note(page, addition.start + 1, addition.title, _opening(addition, where, "precise note"))
