"""The structure of a note page: front matter, the site's additions, and its errata.

A note page holds the author's text word for word. Everything the site adds is an
admonition (``!!!``/``???``) of one of the kinds in :data:`ADDITION_KINDS`; nothing else is
an addition. An ``erratum`` admonition holds a ``diff`` fence whose ``-`` lines are the
author's original and whose ``+`` lines are the correction shown on the page above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

#: Admonition kinds that mark the site's own additions, and what each is for.
ADDITION_KINDS: dict[str, str] = {
    "example": "setup for the next snippet, or the same lesson on CPU",
    "erratum": "a correction of the notes, quoting the original",
    "tip": "a pointer to the ptnotes helper of the lesson",
    "success": "an executed check of a claim of the notes",
    "info": "a precise note beside a check",
}

ADMONITION = re.compile(
    r"^(?P<indent> *)(?P<marker>!!!|\?\?\?\+?) +(?P<kind>[\w-]+)(?: +\"(?P<title>[^\"]*)\")?\s*$"
)
FENCE_OPEN = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n", re.DOTALL)


class PageError(ValueError):
    """A note page breaks the conventions of the site (names the file and line)."""


@dataclass(frozen=True)
class Erratum:
    """One erratum: the original lines, their correction, and where the box stands."""

    page: str
    line: int
    title: str
    original: list[str]
    corrected: list[str]
    explanation: str

    @property
    def slug(self) -> str:
        """The anchor id of this erratum on its page."""
        text = re.sub(r"^erratum:?\s*", "", self.title, flags=re.IGNORECASE)
        text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        return f"erratum-{text}"


@dataclass(frozen=True)
class Addition:
    """An admonition added by the site: lines ``start`` to ``end`` (0-based, end exclusive)."""

    kind: str
    title: str
    start: int
    end: int
    indent: int
    body: list[str] = field(repr=False)


def split_front_matter(text: str, page: str = "<page>") -> tuple[dict[str, Any], str]:
    """Split a page into its YAML front matter and its Markdown body.

    Args:
        text: The page's text.
        page: The page's name, for error messages.

    Returns:
        The front matter (empty if there is none) and the body.

    Raises:
        PageError: If the front matter is not a YAML mapping.
    """
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = yaml.safe_load(match["yaml"]) or {}
    if not isinstance(meta, dict):
        raise PageError(f"{page}: expected the front matter to be a mapping, got {meta!r}")
    return meta, text[match.end() :]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def find_additions(lines: list[str], page: str = "<page>") -> list[Addition]:
    """Find the site's admonitions in a page's lines (outside code fences).

    Args:
        lines: The page body, one string per line.
        page: The page's name, for error messages.

    Returns:
        The additions, in page order (a nested admonition is part of its parent).

    Raises:
        PageError: If an admonition's kind is not one of :data:`ADDITION_KINDS`.
    """
    additions: list[Addition] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence is not None:
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
            i += 1
            continue
        opened = FENCE_OPEN.match(line)
        if opened:
            fence = opened["fence"]
            i += 1
            continue
        match = ADMONITION.match(line)
        if not match:
            i += 1
            continue
        kind = match["kind"]
        if kind not in ADDITION_KINDS:
            raise PageError(
                f"{page}:{i + 1}: expected an admonition of one of the kinds "
                f"{sorted(ADDITION_KINDS)} (the site's additions), got {kind!r}"
            )
        indent = len(match["indent"])
        end = i + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
            end += 1
        while end > i + 1 and not lines[end - 1].strip():
            end -= 1
        body = [ln[indent + 4 :] if ln.strip() else "" for ln in lines[i + 1 : end]]
        additions.append(Addition(kind, match["title"] or "", i, end, indent, body))
        i = end
    return additions


def parse_erratum(addition: Addition, page: str) -> Erratum:
    """Read an ``erratum`` admonition.

    Args:
        addition: The admonition, of kind ``erratum``.
        page: The page's name, for error messages.

    Returns:
        The erratum.

    Raises:
        PageError: If the title does not start with "Erratum" or the box has no ``diff``
            fence with at least one ``-`` line and one ``+`` line.
    """
    where = f"{page}:{addition.start + 1}"
    if not addition.title.lower().startswith("erratum"):
        raise PageError(f'{where}: expected an erratum title "Erratum: …", got {addition.title!r}')
    original: list[str] = []
    corrected: list[str] = []
    explanation: list[str] = []
    in_diff = False
    seen_diff = False
    for line in addition.body:
        stripped = line.strip()
        if not in_diff and stripped.startswith("```") and stripped[3:].strip() == "diff":
            in_diff = seen_diff = True
            continue
        if in_diff:
            if stripped.startswith("```"):
                in_diff = False
            elif line.startswith("-"):
                original.append(line[1:])
            elif line.startswith("+"):
                corrected.append(line[1:])
            elif stripped:
                raise PageError(
                    f"{where}: expected only '-' and '+' lines in the erratum's diff, got {line!r}"
                )
            continue
        explanation.append(line)
    if not seen_diff or not original or not corrected:
        raise PageError(
            f"{where}: expected the erratum to hold a ```diff fence with the original "
            "('-' lines) and the correction ('+' lines)"
        )
    text = " ".join(" ".join(explanation).split())
    return Erratum(page, addition.start + 1, addition.title, original, corrected, text)


def page_errata(text: str, page: str) -> list[Erratum]:
    """All errata of a page, in page order.

    Args:
        text: The page's text, front matter included (it holds no admonition).
        page: The page's name (its path under ``docs/``).

    Returns:
        The errata; line numbers count from the top of the file.
    """
    return [
        parse_erratum(addition, page)
        for addition in find_additions(text.splitlines(), page)
        if addition.kind == "erratum"
    ]


def nav_pages(nav: object) -> list[str]:
    """The Markdown files an MkDocs ``nav`` lists, in its order."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    found: list[str] = []
    items = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else []
    for item in items:
        found += nav_pages(item)
    return found


def nav_note_pages(nav: object) -> list[str]:
    """The note pages (``notes/…``, index excluded) of an MkDocs ``nav``, in its order."""
    return [p for p in nav_pages(nav) if p.startswith("notes/") and not p.endswith("index.md")]
