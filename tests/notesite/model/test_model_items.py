"""What the model reads of list items and inline links: a unit's marker, a link's place."""

from __future__ import annotations

from notesite.model import inline_links, item_lines, parse_page


def test_a_unit_knows_the_list_item_that_opens_on_its_first_line() -> None:
    page = parse_page(
        "- first\n"
        "- - nested at once\n"
        "\n"
        "10)  wide\n"
        "\n"
        "- > quoted in an item\n"
        "\n"
        "> - an item in a quote\n"
        "\n"
        "-\n"
        "  after an empty marker\n"
        "\n"
        "- item\n"
        "\n"
        "  its second paragraph\n"
        "\n"
        "        - indented code, not an item\n"
        "\n"
        "-\u00a0not an item\n",
        "post.md",
        note=False,
        page=False,
    )
    items = {page.lines[unit.start].strip(): unit.item for unit in page.units}
    assert items == {
        "- first": "- ",
        "- - nested at once": "- ",
        "10)  wide": "10)  ",
        "- > quoted in an item": "- ",
        "> - an item in a quote": "",
        "-": "",  # an empty item's marker: a line no token accounts for
        "after an empty marker": "",
        "- item": "- ",
        "its second paragraph": "",
        "- indented code, not an item": "",
        "-\u00a0not an item": "",
    }


def test_item_lines_read_lines_as_the_page_does() -> None:
    # An indented block of "- " lines is a list when the page writes it at the margin.
    assert item_lines(["    - a", "    - b", "      more of b", "    1. c"]) == {
        0: "- ",
        1: "- ",
        3: "1. ",
    }
    # "2." cannot interrupt a paragraph: it is the paragraph's words, not an item.
    assert item_lines(["some words", "2. more words"]) == {}
    assert item_lines([]) == {}


def test_inline_links_say_where_each_address_opens() -> None:
    text = (
        "- a [x](https://x.org) and\n"
        "  ![i](javascript:alert(1))\n"
        "\n"
        "> [q](j&#x61;vascript:b)  \n"
        "\n"
        "## [h](#h) ##\n"
        "\n"
        "`[c](javascript:c)` and [r][ref]\n"
        "\n"
        "[ref]: javascript:r\n"
    )
    links = inline_links(text)
    assert [(text[link.bracket - 1 : link.bracket + 3], link.href) for link in links] == [
        ("x](h", "https://x.org"),
        ("i](j", "javascript:alert(1)"),
        ("q](j", "javascript:b"),
        ("h](#", "#h"),
    ]
