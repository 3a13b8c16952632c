"""The page model: one parse of each page, read by every gate, page and count."""

from __future__ import annotations

import re

import pytest

from notesite.model import (
    CHECKED,
    CHECKED_ON_CPU,
    CHECKED_ON_CUDA,
    CORRECTED,
    NOT_A_CLAIM,
    PRECISE_NOTE,
    SETUP,
    UNCHECKED,
    Claim,
    PageError,
    parse_page,
    parser,
)


def box(title: str, body: str, kind: str = "success", marker: str = "???") -> str:
    indented = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
    return f'{marker} {kind} "{title}"\n{indented}'


CHECK_BODY = "Two and two make four:\n\n```python\nassert 2 + 2 == 4\n```\n"


def claims_of(markdown: str) -> list[Claim]:
    return parse_page(markdown, "notes/page.md").claims


def test_the_parser_parses_each_text_once() -> None:
    text = "# Page\n\n- A claim.\n\n" + box("Checked: it holds", CHECK_BODY)
    assert parser().parse(text) is parser().parse(text)


def test_each_block_knows_its_chain_and_device() -> None:
    text = (
        '# Page\n\n??? example "Setup for the next snippet"\n    ```python\n    x = 1\n    ```\n\n'
        "```python continuation fixture:cuda\nprint(x)\n```\n\n```python\ny = 2\n```\n"
    )
    page = parse_page(text, "page.md")
    setup, lesson, alone = page.blocks
    assert (lesson.cuda, lesson.continues, lesson.addition) == (True, (1,), None)
    assert (setup.addition, setup.cuda) == (SETUP, False)
    assert (alone.continues, alone.cuda) == ((), False)


# --- planted pages ---


def test_fences_in_admonitions_and_tabs_are_blocks() -> None:
    text = (
        '# Page\n\n??? example "Setup"\n    ```python\n    x = 1\n    ```\n\n'
        '=== "Tab"\n\n    ```python continuation\n    print(x)\n    ```\n'
    )
    page = parse_page(text, "page.md")
    assert [(b.line, b.code, b.continues) for b in page.blocks] == [
        (4, "x = 1\n", ()),
        (10, "print(x)\n", (1,)),
    ]


def test_an_admonition_of_an_unknown_kind_on_a_note_page_is_an_error() -> None:
    with pytest.raises(PageError, match=r"notes/page.md:3: expected an admonition of one of"):
        parse_page('# Page\n\n!!! warning "Careful"\n    Text.\n', "notes/page.md")
    assert parse_page('# Page\n\n!!! warning "Careful"\n    Text.\n', "guide.md").additions


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(PageError, match="expected the front matter to be a mapping, got"):
        parse_page("---\n- a list\n---\n\n# Page\n", "notes/page.md")


def test_a_check_without_a_python_block_is_an_error() -> None:
    page = "# Page\n\nA claim.\n\n" + box("Checked: a claim", "Trust me.\n")
    with pytest.raises(PageError, match=r"page.md:5: expected the check to hold exactly one"):
        claims_of(page)


@pytest.mark.parametrize(
    ("title", "body", "error"),
    [
        pytest.param(
            "Checked: two blocks",
            CHECK_BODY + "\n```python\nassert True\n```\n",
            "exactly one ```python fence, got ['python', 'python']",
            id="two-blocks",
        ),
        pytest.param(
            "Checked: text",
            "Read this:\n\n```text\n4\n```\n",
            "exactly one ```python fence, got ['text']",
            id="not-python",
        ),
        pytest.param(
            "Checked: no sentence",
            "```python\nassert True\n```\n",
            "expected the check to open with a sentence",
            id="no-sentence",
        ),
        pytest.param(
            "Proven: a claim", CHECK_BODY, 'expected a check title "Checked: …"', id="title"
        ),
        pytest.param(
            "Checked on CUDA: a claim",
            CHECK_BODY,
            "expected ```python fixture:cuda under the title",
            id="cuda-title-cpu-block",
        ),
        pytest.param(
            "Checked: a claim",
            CHECK_BODY.replace("```python", "```python fixture:cuda"),
            "expected ```python without fixture:cuda",
            id="cpu-title-cuda-block",
        ),
        pytest.param(
            "Checked: a claim",
            CHECK_BODY.replace("```python", "```python continuation"),
            "expected the check to stand alone",
            id="continuation",
        ),
        pytest.param(
            "Checked: a claim",
            CHECK_BODY.replace("```python\n", "```python\nimport torch\n\n\n"),
            "expected no two blank lines in a row",
            id="two-blank-lines",
        ),
    ],
)
def test_a_check_that_breaks_the_conventions_is_an_error(title: str, body: str, error: str) -> None:
    with pytest.raises(PageError, match=re.escape(error)):
        claims_of("# Page\n\n" + box(title, body))


def test_a_precise_note_stands_right_after_a_check() -> None:
    note = box("Precisely: it is 4", "Exactly four.\n", kind="info", marker="!!!")
    claim = "A claim.\n\n"
    assert len(claims_of(claim + box("Checked: a claim", CHECK_BODY) + "\n" + note)[0].notes) == 1
    with pytest.raises(PageError, match=r"page.md:3: expected the precise note right after"):
        claims_of("# Page\n\n" + note)
    with pytest.raises(PageError, match="right after the check"):
        claims_of(claim + box("Checked: a claim", CHECK_BODY) + "\nAuthor's text.\n\n" + note)
    with pytest.raises(PageError, match='expected a precise note titled "Precisely: …"'):
        claims_of(
            claim + box("Checked: a claim", CHECK_BODY) + "\n" + note.replace("Precisely", "Note")
        )


def test_a_cpu_and_a_cuda_check_of_one_claim_make_one_claim() -> None:
    cuda_body = CHECK_BODY.replace("```python", "```python fixture:cuda")
    page = (
        "A claim.\n\n"
        + box("Checked: a claim", CHECK_BODY)
        + "\n"
        + box("Checked on CUDA: a claim", cuda_body)
    )
    (claim,) = claims_of(page)
    assert claim.statuses == [CHECKED_ON_CPU, CHECKED_ON_CUDA]
    assert [check.slug for check in claim.checks] == ["check-a-claim", "check-cuda-a-claim"]
    note = box("Precisely: more", "Said precisely.\n", kind="info", marker="!!!")
    (claim,) = claims_of(page + "\n" + note)
    assert claim.statuses == [CHECKED_ON_CPU, CHECKED_ON_CUDA, PRECISE_NOTE]


def test_two_checks_with_one_title_are_an_error() -> None:
    twice = box("Checked: a claim", CHECK_BODY) + "\n" + box("Checked: a claim", CHECK_BODY)
    with pytest.raises(PageError, match="got the anchor #check-a-claim of the box on line 3"):
        claims_of("A claim.\n\n" + twice)
    with pytest.raises(PageError, match="expected the check under a list item, paragraph or"):
        claims_of(twice)


def test_a_check_is_anchored_on_the_end_of_its_opening_sentence() -> None:
    check = box("Checked: four", "Two and two\nmake four:\n\n```python\nassert 2 + 2 == 4\n```\n")
    page = "- A claim.\n\n" + "".join(f"    {line}\n" for line in check.splitlines())
    (claim,) = claims_of(page)
    assert page.splitlines()[claim.checks[0].anchor_line - 1] == "        make four:"


def test_long_titles_give_short_anchors() -> None:
    title = "Checked: " + " ".join(["word"] * 30)
    (claim,) = claims_of("A claim.\n\n" + box(title, CHECK_BODY))
    assert claim.anchor.startswith("check-word-word")
    assert len(claim.anchor) <= 56


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param(
            "No diff here.\n", "expected the erratum to hold a ```diff fence", id="no-diff"
        ),
        pytest.param(
            "```diff\n-old\n```\n\nWhy.\n", "the original ('-' lines) and the correction", id="no-+"
        ),
        pytest.param(
            "```diff\n-old\nnew\n```\n\nWhy.\n", "expected only '-' and '+' lines", id="bare-line"
        ),
    ],
)
def test_an_erratum_that_breaks_the_conventions_is_an_error(body: str, error: str) -> None:
    with pytest.raises(PageError, match=re.escape(error)):
        claims_of("# Page\n\nnew\n\n" + box("Erratum: old", body, kind="erratum", marker="!!!"))
    with pytest.raises(PageError, match='expected an erratum title "Erratum: …"'):
        claims_of(box("Fix: old", "```diff\n-a\n+b\n```\n\nWhy.\n", kind="erratum", marker="!!!"))


# --- every unit of the prose is a claim, with one status ---


def test_a_snippet_outside_a_list_item_does_not_check_the_item() -> None:
    """A list item is the caption of the snippet nested in it only, so new text put between
    a caption and its snippet never takes the snippet's checks."""
    snippet = "```python\nx = 1\n```\n\n" + box(
        "Checked: x is 1", "It is:\n\n```python\nx = 1\nassert x == 1\n```\n"
    )
    item = claims_of("# T\n\n- Run this:\n\n" + snippet)
    assert [(c.text, c.status) for c in item] == [
        ("- Run this:", UNCHECKED),
        ("```python x = 1 ```", CHECKED),
    ]
    paragraph = claims_of("# T\n\nRun this:\n\n" + snippet)
    assert [(c.text, c.status) for c in paragraph] == [("Run this:", CHECKED)]


def test_every_list_item_and_paragraph_is_a_claim_with_one_status() -> None:
    marker = "<!-- not a claim: an instruction -->"
    page = (
        "# Page\n\nA paragraph.\n\n- An item.\n\n"
        + "".join(f"    {line}\n" for line in box("Checked: an item", CHECK_BODY).splitlines())
        + "    - A sub-item.\n\n"
        + f"        {marker}\n\n"
        + "- Run this:\n\n    ```python\n    x = 1\n    ```\n\n"
        + "".join(
            f"    {line}\n" if line else "\n"
            for line in box(
                "Checked: x is 1", "It is:\n\n```python\nx = 1\nassert x == 1\n```\n"
            ).splitlines()
        )
    )
    claims = claims_of(page)
    assert [(c.text, c.status) for c in claims] == [
        ("A paragraph.", UNCHECKED),
        ("- An item.", CHECKED),
        ("- A sub-item.", NOT_A_CLAIM),
        ("- Run this:", CHECKED),
    ]
    assert claims[2].not_a_claim == "an instruction"
    assert claims[3].via_snippet == 19
    assert claims[3].checks[0].claim == "x is 1"
    assert claims[0].line == 3
    assert claims[0].anchor is None


def test_a_snippet_with_a_box_and_no_prose_above_is_listed_as_a_snippet() -> None:
    page = "# Page\n\n```python\nx = 1\n```\n\n" + box("Checked: x", CHECK_BODY)
    (claim,) = claims_of(page)
    assert claim.snippet
    assert claim.status == CHECKED


def test_an_erratum_corrects_its_claim() -> None:
    erratum = box(
        "Erratum: two and two",
        "```diff\n-- Two and two make five.\n+- Two and two make four.\n```\n\nIt is four.\n",
        kind="erratum",
        marker="!!!",
    )
    page = "- Two and two make four.\n\n" + "".join(
        f"    {line}\n" for line in erratum.splitlines()
    )
    (claim,) = claims_of(page)
    assert claim.status == CORRECTED
    assert claim.statuses == ["erratum"]
    with pytest.raises(PageError, match=r"page.md:5: expected the erratum right under the text"):
        claims_of(page.replace("four.\n\n", "four.\n\n- Another.\n\n", 1))


@pytest.mark.parametrize(
    ("page", "error"),
    [
        pytest.param(
            "A claim.\n\n<!-- not a claim: -->\n", "expected a reason in the marker", id="no-reason"
        ),
        pytest.param(
            "A claim.\n\n" + box("Checked: it", CHECK_BODY) + "\n<!-- not a claim: why -->\n",
            "expected a not-a-claim marker under prose without a check",
            id="checked-and-not-a-claim",
        ),
        pytest.param(
            "# Page\n\n<!-- not a claim: a heading -->\n",
            "expected the not-a-claim marker under a list item, paragraph or snippet of the "
            "notes, got it under a heading (line 1)",
            id="under-a-heading",
        ),
    ],
)
def test_a_misplaced_or_empty_marker_is_an_error(page: str, error: str) -> None:
    with pytest.raises(PageError, match=re.escape(error)):
        claims_of(page)


def test_toml_front_matter_is_read_and_named_when_broken() -> None:
    page = parse_page('+++\ntitle = "T"\n+++\n\n## S\n\nText.\n', "post.md", note=False, page=False)
    assert (page.meta, page.body_start) == ({"title": "T"}, 3)
    assert [u.text for u in page.units] == ["## S", "Text."]
    with pytest.raises(PageError, match=r"post.md:1: expected the TOML front matter closed"):
        parse_page("+++\ntitle = 1\n\n## S\n", "post.md", note=False, page=False)
    with pytest.raises(PageError, match=r"post.md:2: expected TOML front matter, got"):
        parse_page("+++\ntitle = \n+++\n", "post.md", note=False, page=False)
    # The line of the post where TOML found the fault, not the front matter's own.
    broken = '+++\ntitle = "T"\ndate = 2021-03-04\nx = = 1\n+++\n\n## S\n'
    with pytest.raises(PageError) as caught:
        parse_page(broken, "post.md", note=False, page=False)
    assert (
        str(caught.value) == "post.md:4: expected TOML front matter, got Invalid value (column 5)"
    )
