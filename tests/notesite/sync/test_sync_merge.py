"""The three-way merge, one kind of change at a time: base / current / other -> pages, report.

Base is the fixture's original (``project/notes-original/basics.md``), current its pages,
other the original with one change of the kinds real revisions make. Each test checks the
pages the merge wrote, the report, and that the fidelity gate still holds.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import Fixture

from notesite.model import CHECKED, CORRECTED, UNCHECKED
from notesite.sync import SyncError

Change = Callable[[str], str]
Replace = Callable[[str, str], Change]


def between(text: str, first: str, last: str) -> str:
    """The part of ``text`` from ``first`` up to ``last`` (both there, in that order)."""
    start = text.index(first)
    return text[start : text.index(last, start)]


def claim(fixture: Fixture, page: str, words: str) -> str:
    """The status of the claim of ``page`` whose text holds ``words``."""
    (found,) = [c for c in fixture.project.page(page).claims if words in c.text]
    return found.status


def test_a_sync_of_the_original_changes_nothing(fixture: Fixture) -> None:
    before = fixture.tree()
    outcome = fixture.sync(fixture.version(lambda text: text))
    assert fixture.tree() == before
    assert outcome.written == []
    assert "0 added, 0 changed, 0 moved, 0 removed" in outcome.report


def test_notes_added_as_bullets_and_sub_bullets(fixture: Fixture, replace: Replace) -> None:
    anchor = "  - `torch.as_tensor` may share it\n"
    added = "  - `torch.from_numpy` shares memory\n\n- `torch.empty(2)` leaves values unset\n"
    outcome = fixture.sync(fixture.version(replace(anchor, anchor + added)))
    fixture.gate()
    lines = fixture.page("creating-tensors.md").splitlines()
    # The sub-bullet after its sibling's marker, the bullet after the sub-bullets.
    sub = lines.index("    - `torch.from_numpy` shares memory")
    top = lines.index("- `torch.empty(2)` leaves values unset")
    assert "<!-- not a claim: a pointer" in lines[sub - 2]
    assert sub < top
    assert top < lines.index("- `torch.zeros(2, 3)` makes a 2 by 3 tensor of zeros")
    assert sorted(fixture.unchecked()) == [
        "notes/creating-tensors.md: - `torch.empty(2)` leaves values unset",
        "notes/creating-tensors.md: - `torch.from_numpy` shares memory",
    ]
    assert "- Units: 2 added, 0 changed, 0 moved, 0 removed." in outcome.report
    assert f"- line {sub + 1}, prose: `` - `torch.from_numpy` shares memory ``" in outcome.report


def test_a_new_subsection_with_a_block_that_needs_names(fixture: Fixture, replace: Replace) -> None:
    section = "### Loading Data\n\n```python\nloader = DataLoader(dataset, batch_size=4)\n```\n\n"
    outcome = fixture.sync(
        fixture.version(replace("## Modules\n", section + "## Modules\n")), run_blocks=True
    )
    fixture.gate()
    text = fixture.page("creating-tensors.md")
    assert text.endswith(
        "## Loading Data\n\n```python\nloader = DataLoader(dataset, batch_size=4)\n```\n"
    )
    (run,) = outcome.runs
    assert (run.page, run.result) == ("notes/creating-tensors.md", "needs setup")
    assert run.detail == "undefined: DataLoader, dataset"
    assert "| needs setup: undefined: DataLoader, dataset |" in outcome.report


def test_a_bullet_promoted_to_a_heading_that_owns_its_block(
    fixture: Fixture, replace: Replace
) -> None:
    outcome = fixture.sync(
        fixture.version(replace("- A module made of layers\n", "### A module made of layers\n"))
    )
    fixture.gate()
    text = fixture.page("modules.md")
    # The block, its setup and its check go to the margin with it, under the heading.
    block = between(text, "## A module made of layers\n", "- `nn.Sequential()`")
    assert '\n??? example "Setup for the next snippet"\n    ```python\n' in block
    assert "\n```python continuation\nlayers = [nn.Linear(2, 2)]\n" in block
    assert '\n??? success "Checked: the layers make one model"\n' in block
    # The items the page made of the indented block stay list items, each with its check.
    assert (
        '- `nn.Sequential()` runs its modules in order.\n\n    ??? success "Checked: '
        '`nn.Sequential` runs its modules in order"\n'
    ) in text
    assert claim(fixture, "notes/modules.md", "only holds them") == CHECKED
    assert "**Removed**\n\n- was line 13, prose: ` - A module made of layers `" in outcome.report
    assert "Additions removed or flagged: 0." in outcome.report


def test_a_block_with_a_see_comment_keeps_its_check_to_re_verify(
    fixture: Fixture, replace: Replace
) -> None:
    outcome = fixture.sync(
        fixture.version(replace("print(x.sum())\n", "print(x.sum())\n# see tensor(3.)\n"))
    )
    fixture.gate()
    text = fixture.page("creating-tensors.md")
    # The site's fence options stay; the check stays under the block.
    assert (
        "```python continuation\nx = torch.ones(3)\nprint(x.sum())\n# see tensor(3.)\n```" in text
    )
    assert claim(fixture, "notes/creating-tensors.md", "x = torch.ones(3)") == CHECKED
    assert "line 48, code: ` (nothing) ` → ` # see tensor(3.) `" in outcome.report
    assert "**To re-verify**" in outcome.report
    assert '- check "Checked: the sum of three ones is 3": under the changed code' in outcome.report


def test_a_fence_with_no_language_is_shown_and_not_run(fixture: Fixture, replace: Replace) -> None:
    anchor = "- `tensor.numel()` counts the elements\n"
    fence = "\n```\ndef count(t):\n    return t.numel()\n```\n"
    outcome = fixture.sync(fixture.version(replace(anchor, anchor + fence)), run_blocks=True)
    fixture.gate()
    page = fixture.project.page("notes/creating-tensors.md")
    (shown,) = [f for f in page.fences if "def count" in f.code]
    assert shown.lang == ""
    assert all("def count" not in b.code for b in page.blocks)
    assert outcome.runs == []
    assert "**Not run** (no language the tests run: name it `python`" in outcome.report
    assert "` def count(t): … ` reads as Python, but no test runs it" in outcome.report


def test_an_indented_list_rewritten_as_bullets_keeps_each_check(
    fixture: Fixture, replace: Replace
) -> None:
    old = "A buffer:\n    - is not a parameter.\n    - is saved in the state dict.\n"
    new = (
        "A buffer:\n\n- Is NOT a parameter.\n- is saved in the state dict.\n"
        "- moves with `model.to()`.\n"
    )
    outcome = fixture.sync(fixture.version(replace(old, new)))
    fixture.gate()
    text = fixture.page("modules.md")
    assert '- Is NOT a parameter.\n\n    ??? success "Checked: a buffer is not a parameter"' in text
    assert text.index("is saved in the state dict.") < text.index("moves with `model.to()`")
    assert claim(fixture, "notes/modules.md", "saved in the state dict") == CHECKED
    assert claim(fixture, "notes/modules.md", "Is NOT a parameter") == CHECKED
    assert fixture.unchecked() == ["notes/modules.md: - moves with `model.to()`."]
    assert "- line 68, prose: ` - is not a parameter. ` → ` - Is NOT a parameter. `" in (
        outcome.report
    )


def test_lines_replaced_by_advice_with_a_link(fixture: Fixture, replace: Replace) -> None:
    advice = (
        "- Prefer `tensor.shape`, [see the docs](https://pytorch.org/docs/stable/tensors.html)\n"
    )
    outcome = fixture.sync(
        fixture.version(replace("- `tensor.numel()` counts the elements\n", advice))
    )
    fixture.gate()
    text = fixture.page("creating-tensors.md")
    assert "numel()` counts the elements" not in text
    assert advice.strip() in text
    # The check and note of the removed line go, listed; the lesson's pointer stays.
    for line in (
        '- check "Checked: `numel()` counts the elements": removed with the text it annotates',
        '- precise note "Precisely: `numel()` counts every element, of every dimension": '
        "removed with the text it annotates",
    ):
        assert line in outcome.report
    # The lesson's pointer stays, under the section's text above the removed line.
    assert text.index('!!! tip "In ptnotes"') < text.index(advice.strip())
    assert '- helper pointer "In ptnotes": kept: the text above it was removed' in outcome.report
    assert "- Claims not yet checked: 1." in outcome.report


def test_a_bullet_turned_into_sub_bullets_each_with_its_block(
    fixture: Fixture, replace: Replace
) -> None:
    new = (
        "- Counting\n  - `tensor.numel()` counts the elements\n\n"
        "    ```python\n    print(torch.ones(2, 3).numel())\n    ```\n\n"
        "  - `len(tensor)` counts the rows\n\n"
        "    ```python\n    print(len(torch.ones(2, 3)))\n    ```\n\n"
        "  - `tensor.size(0)` is the same\n\n"
        "    ```python\n    print(torch.ones(2, 3).size(0))\n    ```\n"
    )
    outcome = fixture.sync(
        fixture.version(replace("- `tensor.numel()` counts the elements\n", new))
    )
    fixture.gate()
    page = fixture.project.page("notes/creating-tensors.md")
    # The old bullet, now a sub-bullet, keeps its check and note; each block is run.
    assert claim(fixture, "notes/creating-tensors.md", "numel()` counts the") == CHECKED
    assert {b.code for b in page.blocks} >= {
        "print(torch.ones(2, 3).numel())\n",
        "print(len(torch.ones(2, 3)))\n",
        "print(torch.ones(2, 3).size(0))\n",
    }
    # The pointer to the lesson waits after the nested units, at the margin.
    assert page.text.endswith('\n!!! tip "In ptnotes"\n    A helper of the lesson.\n')
    assert "Additions removed or flagged: 0." in outcome.report


def test_zero_width_spaces_in_the_authors_words_are_kept(
    fixture: Fixture, replace: Replace
) -> None:
    old = "- `torch.tensor([1, 2])` copies its data\n"
    new = "- `torch.tensor([1, 2])` copies\u200b its\u200b data\n"
    outcome = fixture.sync(fixture.version(replace(old, new)))
    fixture.gate()
    assert new.strip() in fixture.page("creating-tensors.md")
    assert claim(fixture, "notes/creating-tensors.md", "copies\u200b its") == CHECKED
    assert '- check "Checked: `torch.tensor` copies its data": under the changed' in (
        outcome.report
    )


def test_a_check_never_moves_to_other_text(fixture: Fixture) -> None:
    """A bullet removed from one page and another added to another are not one unit."""
    cuda = "- `tensor.numel()` counts the elements\n\n```python\nt = torch.ones(2).cuda()\n```\n\n"

    def change(text: str) -> str:
        text = text.replace("- `tensor.numel()` counts the elements\n", "")
        return text.replace("- A module made of layers\n", cuda + "- A module made of layers\n")

    outcome = fixture.sync(fixture.version(change))
    fixture.gate()
    assert claim(fixture, "notes/modules.md", "numel()` counts the") == UNCHECKED
    assert "Checked: `numel()`" not in fixture.page("modules.md")
    assert "Checked: `numel()`" not in fixture.page("creating-tensors.md")
    assert "- Units: 2 added, 0 changed, 0 moved, 1 removed." in outcome.report
    assert "- Claims not yet checked: 1." in outcome.report
    assert "- Additions removed or flagged: 3." in outcome.report
    assert "**Moved**" not in outcome.report


def test_an_erratum_whose_original_changed_is_flagged(fixture: Fixture, replace: Replace) -> None:
    outcome = fixture.sync(fixture.version(replace("makes a 3 by 2 tensor", "makes 3 by 2 zeros")))
    fixture.gate()
    text = fixture.page("creating-tensors.md")
    assert "Erratum" not in text
    assert "- `torch.zeros(2, 3)` makes 3 by 2 zeros" in text
    assert '- erratum "Erratum: the shape is 2 by 3": flagged for review' in outcome.report
    assert claim(fixture, "notes/creating-tensors.md", "makes 3 by 2 zeros") != CORRECTED


def test_an_erratum_whose_original_stays_still_corrects(fixture: Fixture, replace: Replace) -> None:
    anchor = "- `tensor.numel()` counts the elements\n"
    fixture.sync(fixture.version(replace(anchor, anchor + "- `tensor.dim()` counts axes\n")))
    fixture.gate()
    assert claim(fixture, "notes/creating-tensors.md", "2 by 3 tensor") == CORRECTED


def test_a_box_the_merge_would_misplace_stops_it(
    fixture: Fixture, replace: Replace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge's own check: were a new item put above a box, nothing is written."""
    from notesite.sync import chunk

    monkeypatch.setattr(chunk, "_starts_block", lambda lines, at: False)
    old = "A buffer:\n    - is not a parameter.\n    - is saved in the state dict.\n"
    new = old + "    - moves with the module.\n"
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        fixture.sync(fixture.version(replace(old, new)))
    message = str(caught.value)
    assert message.startswith("conflict: docs/notes/modules.md:")
    assert 'the box "Checked: a buffer is saved in the state dict" stood under' in message
    assert "the sync cannot place it" in message
    assert fixture.tree() == before


def test_new_text_between_a_caption_and_its_snippet_takes_no_check(
    fixture: Fixture, replace: Replace
) -> None:
    anchor = "- A module made of layers\n"
    outcome = fixture.sync(fixture.version(replace(anchor, anchor + "- Any tensor prints\n")))
    fixture.gate()
    # The snippet, no longer right under its caption, leaves the list: neither item is
    # counted as checked by its boxes, and the report says both wait for a check.
    assert sorted(fixture.unchecked()) == [
        "notes/modules.md: - A module made of layers",
        "notes/modules.md: - Any tensor prints",
    ]
    assert "\n```python continuation\nlayers = [nn.Linear(2, 2)]\n" in fixture.page("modules.md")
    assert "- Claims not yet checked: 2." in outcome.report


@pytest.mark.parametrize(
    ("opening", "expected"),
    [("~~~python", "~~~python continuation"), ("```py", "```py continuation")],
)
def test_a_fence_rewritten_keeps_the_site_s_options(
    fixture: Fixture, replace: Replace, opening: str, expected: str
) -> None:
    block = "```python\nx = torch.ones(3)\nprint(x.sum())\n```"
    new = block.replace("```python", opening).replace("\n```", "\n" + opening[:3])
    fixture.sync(fixture.version(replace(block, new)))
    fixture.gate()
    text = fixture.page("creating-tensors.md")
    assert f"\n{expected}\nx = torch.ones(3)\n" in text
    assert claim(fixture, "notes/creating-tensors.md", "x = torch.ones(3)") == CHECKED


def test_a_single_tag_is_a_list_of_one(fixture: Fixture, replace: Replace) -> None:
    """``tags: PyTorch`` (Jekyll allows it) is one tag; the site's tags plugin needs a list."""
    fixture.sync(fixture.version(replace("tags:\n    - PyTorch\n", "tags: PyTorch\n")))
    fixture.gate()
    assert "\ntags:\n  - PyTorch\n---\n" in fixture.page("modules.md")


def test_two_items_joined_keep_both_checks(fixture: Fixture, replace: Replace) -> None:
    old = "    - is not a parameter.\n    - is saved in the state dict.\n"
    joined = "    - is not a parameter, and is saved in the state dict.\n"
    outcome = fixture.sync(fixture.version(replace(old, joined)))
    fixture.gate()
    text = fixture.page("modules.md")
    item = between(text, "- is not a parameter, and", "??? example")
    assert 'Checked: a buffer is not a parameter"' in item
    assert 'Checked: a buffer is saved in the state dict"' in item
    assert "- Additions removed or flagged: 0." in outcome.report


def test_a_removed_not_a_claim_marker_is_listed(fixture: Fixture, replace: Replace) -> None:
    outcome = fixture.sync(fixture.version(replace("  - `torch.as_tensor` may share it\n", "")))
    fixture.gate()
    assert (
        '- not-a-claim marker "a pointer to another function, checked in its own docs": '
        "removed with the text it annotates"
    ) in outcome.report
