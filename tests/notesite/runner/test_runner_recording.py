"""The recording runner runs a block after the blocks it continues, as a notebook does."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import extract_fence_tests

from notesite.model import parse_page
from notesite.runner.recording import chain_prefix

PAGE = (
    "# Post\n\n```python\nx = 2\n```\n\nAn output pasted as code:\n\n"
    "```python continuation\nGradients:\ndW: [[-1.9]]\n```\n\n"
    "```python continuation\ny = x * 3\n```\n"
)


def test_a_chain_runs_past_a_block_that_does_not_parse() -> None:
    page = parse_page(PAGE, "notes/post.md")
    assert [block.continues for block in page.blocks] == [(), (1,), (1,)]
    # The test as pytest-markdown-docs makes it: every block of the chain, at its lines.
    *_, last = extract_fence_tests(MarkdownIt("commonmark"), PAGE, 0, Path("docs/notes/post.md"))
    lines = last.source.split("\n")
    prefix = "\n".join(lines[: last.start_line])
    with pytest.raises(SyntaxError):
        compile(prefix, "post.md", "exec")
    kept = chain_prefix(prefix, page, page.blocks[2])
    assert kept.split("\n")[2:5] == ["", "x = 2", ""]  # block 1 stays at its page line
    scope: dict[str, object] = {}
    exec(compile(kept + "\n" + "\n".join(lines[last.start_line :]), "post.md", "exec"), scope)
    assert scope["y"] == 6


def test_a_block_of_an_unbroken_chain_keeps_its_whole_prefix() -> None:
    text = PAGE.replace("Gradients:\ndW: [[-1.9]]", "x += 1")
    page = parse_page(text, "notes/post.md")
    *_, last = extract_fence_tests(MarkdownIt("commonmark"), text, 0, Path("docs/notes/post.md"))
    prefix = "\n".join(last.source.split("\n")[: last.start_line])
    assert chain_prefix(prefix, page, page.blocks[2]) == prefix
    assert "x += 1" in prefix
