"""A unit's words, read by the model: its links and images as their words, markers left out."""

from __future__ import annotations

from notesite.model import parse_page


def test_a_claim_s_words_are_its_markdown_with_each_link_as_its_words() -> None:
    page = parse_page(
        "# Page\n\n"
        "1. A [rel *x*](../a.md#s), a [ref][r] and ![the plot](p.png)\n"
        "   in `[code](kept)`, [a [b] c](x_(y)) and [![icon](i.png)](k).\n\n"
        "> Quoted [words](q.md).\n\n"
        "[r]: https://r.org\n",
        "notes/page.md",
    )
    words = [claim.words for claim in page.claims]
    assert words == [
        "A rel *x*, a ref and the plot in `[code](kept)`, a [b] c and icon.",
        "Quoted words.",
    ]
    assert page.claims[0].text.startswith("1. A [rel *x*](../a.md#s)")  # the text, as written
