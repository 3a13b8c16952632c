"""The claims of the live site: every claim of the notes is checked, corrected or marked not
a claim; the model reads the pages as pytest-markdown-docs does.

How the model finds claims, boxes and blocks is tested on small pages in
``tests/notesite/test_model.py``.
"""

from __future__ import annotations

from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

from notesite.model import (
    CHECK_KIND,
    CPU_LESSON,
    ERRATUM_KIND,
    HELPER,
    NOTE_KIND,
    SETUP,
    UNCHECKED,
    parser,
)
from notesite.progress import is_verified
from notesite.project import Project


def test_the_model_has_exactly_the_blocks_pytest_markdown_docs_collects(
    project: Project, nav_page: str
) -> None:
    """The same parser, the same rules: the blocks are those pytest-markdown-docs collects."""
    page = project.page(nav_page)
    tests = list(
        extract_fence_tests(
            parser(),
            page.text,
            0,
            project.docs_dir / nav_page,
            fence_syntax=FenceSyntax.superfences,
        )
    )
    assert [(b.line, b.code) for b in page.blocks] == [
        (t.start_line, "\n".join(t.source.split("\n")[t.start_line :])) for t in tests
    ]


#: The opening line of each kind of addition, as CONTRIBUTING's table writes it.
OPENINGS = {
    SETUP: '??? example "Setup',
    CPU_LESSON: '??? example "The same lesson on a CPU',
    ERRATUM_KIND: '!!! erratum "',
    HELPER: '!!! tip "In ptnotes',
    CHECK_KIND: '??? success "Checked',
    NOTE_KIND: '!!! info "Precisely',
}


def test_the_notes_have_their_additions_by_kind(project: Project) -> None:
    """The model finds each addition the pages open, as the kind its opening line says."""
    kinds = [a.kind for page in project.notes() for a in page.additions]
    counts = {kind: kinds.count(kind) for kind in OPENINGS}
    opened = {
        kind: sum(
            line.strip().startswith(opening) for page in project.notes() for line in page.lines
        )
        for kind, opening in OPENINGS.items()
    }
    assert counts == opened
    assert sum(counts.values()) == len(kinds), "an addition of no known kind"
    assert counts[CHECK_KIND] == sum(len(c.checks) for p in project.notes() for c in p.claims)
    assert counts[NOTE_KIND] == sum(len(c.notes) for p in project.notes() for c in p.claims)


def test_the_pages_account_for_every_claim(project: Project) -> None:
    """The verified posts' pages (the seed's): no claim is left not yet checked.

    A post not yet verified shows its progress instead; its claims gate (the ``claims``
    item of ``pytest docs/``) fails only when a claim loses a status it had.
    """
    strict = [page for page in project.notes() if is_verified(project, page)]
    unchecked = [
        f"{page.src_uri}:{claim.line}: {claim.text}"
        for page in strict
        for claim in page.claims
        if claim.status == UNCHECKED
    ]
    assert unchecked == []
    assert sum(not c.snippet for p in strict for c in p.claims) >= 34
