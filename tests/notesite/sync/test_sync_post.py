"""Writing a post's units: list items and boxes as the model read them."""

from __future__ import annotations

from notesite.sync.post import read_post, render_units, shifted_lines


def test_a_box_nearer_the_margin_moves_with_its_body() -> None:
    lines = ["  !!! note", "      body", "  after"]
    # Line 0 opens a box: it goes to the margin with its body, which keeps its place in it.
    assert shifted_lines(lines, -4, boxes={0}) == ["!!! note", "    body", "after"]
    # The same words that open no box (code, say): each line stops at the margin on its own.
    assert shifted_lines(lines, -4) == ["!!! note", "  body", "after"]


def test_list_items_are_written_from_their_markers() -> None:
    post = read_post(
        "---\ntitle: T\n---\n\n## S\n\n- one\n- two\n  wraps\n\n10) ten\n\nwords\n", "p.md"
    )
    assert [unit.item for unit in post.units] == ["", "- ", "- ", "10) ", ""]
    # A tight list stays tight; an item's second line is indented past its marker.
    assert render_units(post.units[1:]) == [
        "- one",
        "- two",
        "  wraps",
        "",
        "10) ten",
        "",
        "words",
    ]
