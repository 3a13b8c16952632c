"""A post runs as its reader runs it: the blocks a block needs are chained to it, visibly."""

from __future__ import annotations

import pytest
from conftest import Fixture

from notesite.model import parse_page
from notesite.sync.chain import bound_names, chained, with_continuations


def test_a_block_that_uses_an_earlier_block_continues_back_to_it() -> None:
    codes = [
        "import torch\nx = torch.ones(2)",  # binds torch, x
        "print('unrelated')",
        "print(x.sum())",  # needs x: chains back to block 1, through block 2
        "print(model)",  # needs a name bound nowhere: a setup box, not a chain
        "for i in range(2):\n\tif i:\n        print(i)",  # does not parse: left alone
    ]
    assert chained(codes) == [False, True, True, False, False]


def test_a_chain_passes_over_a_block_that_does_not_parse() -> None:
    codes = ["x = 1", "Gradients:\ndW: [[-1.9]]", "print(x)"]  # an output pasted as a block
    assert chained(codes) == [False, True, True]


def test_a_block_that_continues_already_stays_so() -> None:
    assert chained(["a = 1", "print(2)"], [False, True]) == [False, True]


def test_bound_names_are_assignments_imports_functions_and_loop_targets() -> None:
    code = (
        "import torch.nn as nn\nfrom os import path\ndef f(): pass\nfor i in []: pass\na, b = 1, 2"
    )
    assert bound_names(code) == {"nn", "path", "f", "i", "a", "b"}
    assert bound_names("print(") == set()


def test_the_page_says_continuation_on_the_fences_that_need_it() -> None:
    text = (
        "# Post\n\n```python\nimport torch\n\nx = torch.ones(2)\n```\n\nWords.\n\n"
        "```python\nprint(x)\n```\n"
    )
    page = parse_page(text, "notes/post.md")
    marked = with_continuations(text, page)
    assert "```python continuation\nprint(x)" in marked
    assert marked.count("continuation") == 1
    assert parse_page(marked, "notes/post.md").blocks[1].continues == (1,)


@pytest.mark.slow  # syncs a post and runs its blocks
def test_a_new_post_s_blocks_run_as_its_reader_runs_them(fixture: Fixture) -> None:
    post = fixture.scratch / "2022-05-01-chain.md"
    post.write_text(
        "---\ntitle: Chain\ndate: 2022-05-01\n---\n\n## Part\n\n```python\nimport math\n\n"
        "x = [1.0, 2.0]\n```\n\nThen:\n\n```python\nprint(math.fsum(x))\n```\n\n"
        "It prints:\n\n```python\nGradients:\ndW: [[-1.9]]\n```\n\n"
        "```python\nprint(x * 2)\n```\n\n"
        "```python\nprint(model)\n```\n",
        encoding="utf-8",
    )
    outcome = fixture.sync(post, new_post=True, run_blocks=True, timeout=60)
    page = fixture.project.page("notes/chain.md")
    # The chain passes over the pasted output, which does not parse: Run all goes past it.
    assert [block.continues for block in page.blocks] == [(), (1,), (1, 2), (1, 2), ()]
    assert [run.result for run in outcome.runs] == [
        "runs", "runs", "does not parse", "runs", "needs setup",
    ]  # fmt: skip
    fixture.gate()  # the words are the author's: only the fence's option was added


def test_the_report_ends_with_the_status_of_the_post_it_touched(fixture: Fixture) -> None:
    post = fixture.scratch / "2022-05-02-status.md"
    post.write_text(
        "---\ntitle: Status\ndate: 2022-05-02\n---\n\n## Part\n\nA claim.\n\n"
        "```python\nprint(1)\n```\n",
        encoding="utf-8",
    )
    outcome = fixture.sync(post, new_post=True, run_blocks=False)
    tail = outcome.report.split("## Status of the post", 1)[1]
    assert "Status" in tail
    assert "1 not yet run" in tail
    assert "claims to check on docs/notes/status.md" in tail
