"""The section as its author wrote it: a highlight tag shown as the author's."""

from __future__ import annotations

from pathlib import Path

from sitepages import add_post, render


def test_as_written_shows_a_highlight_tag_as_its_author_wrote_it(scratch: Path) -> None:
    """The page writes a Liquid highlight block as a fence; As written names the author's tag."""
    add_post(
        scratch,
        "---\ntitle: Box notes\n---\n\n## Boxes\n\nA small class:\n\n"
        "{% highlight python linenos %}\nclass Box:\n    size = 2\n{% endhighlight %}\n",
    )
    page = (scratch / "docs" / "notes" / "post.md").read_text(encoding="utf-8")
    assert "```python\nclass Box:\n    size = 2\n```" in page  # the page: a fence, run
    written = render("notes/post.md", scratch).select_one("section.ptn-as-written")
    assert written is not None
    assert "{% highlight python linenos %}" in written.get_text()
    assert "class Box:" in written.get_text()
