"""What the results say of a block, in the pages' words (:mod:`notesite.matrix.holding`)."""

from __future__ import annotations

from collections.abc import Callable

from notesite import matrix
from notesite.model import code_hash
from notesite.project import Project

#: The scratch page's two blocks, an outcome that passes, and the ``write`` fixture's type.
ONE, TWO = "print(1)\n", "print(2)\n"
PASS = ("passed", "")
Write = Callable[[Project, str, dict[str, tuple[str, str]]], None]


def test_a_block_holds_where_it_passed_and_says_what_differs(
    scratch: Project, write: Write
) -> None:
    write(scratch, "2.4.1", {ONE: ("failed", "RuntimeError: boom"), TWO: PASS})
    write(scratch, "2.5.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.6.0", {ONE: PASS, TWO: ("skipped", "needs a CUDA GPU")})
    write(scratch, "2.7.1", {TWO: PASS})  # ONE's code is not the one that ran: not verified
    write(scratch, "2.10.0", {ONE: PASS, TWO: PASS})
    among = list(matrix.results(scratch))
    assert among == ["2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.10.0"]  # by version, not by name
    one = matrix.holding(scratch, [f"notes/page.md#{code_hash(ONE)}"])
    assert matrix.describe(one, among) == (
        "fails on torch 2.4 (2.4: RuntimeError: boom); holds on torch 2.5 to 2.6, 2.10; "
        "not yet verified on 2.7"
    )
    two = matrix.holding(scratch, [f"notes/page.md#{code_hash(TWO)}"])
    assert matrix.describe(two, among) == ("holds on torch 2.4 to 2.5, 2.7 to 2.10; skipped on 2.6")
    both = matrix.holding(scratch, [f"notes/page.md#{code_hash(c)}" for c in (ONE, TWO)])
    assert both.passed == ("2.5.1", "2.10.0")


def test_the_wording_leads_with_a_failure_and_gives_each_release_s_error(
    scratch: Project, write: Write
) -> None:
    write(scratch, "2.4.1", {ONE: PASS, TWO: PASS})
    write(scratch, "2.5.1", {ONE: ("failed", "TypeError: a"), TWO: PASS})
    write(scratch, "2.6.0", {ONE: ("failed", "RuntimeError: b"), TWO: PASS})
    among = list(matrix.results(scratch))
    one = matrix.holding(scratch, [f"notes/page.md#{code_hash(ONE)}"])
    assert matrix.describe(one, among) == (
        "fails on torch 2.5 to 2.6 (2.5: TypeError: a, 2.6: RuntimeError: b); holds on torch 2.4"
    )


def test_a_block_no_release_ran_is_described_by_nothing(scratch: Project) -> None:
    held = matrix.holding(scratch, [f"notes/page.md#{code_hash(ONE)}"])
    assert held.releases == 0
    assert matrix.describe(held, []) == ""
