"""Posts as authors write them: each comes in whole with ``sync --new``, and a re-sync is nothing.

``posts/`` holds one small post per kind of fault that real notes posts showed (its front
matter's comment says what went wrong); :data:`EXPECTED` says what each must do now. Every
post also passes the same three checks: the sync writes it, the fidelity gate holds (every
word of the post is on the pages), and syncing the same post again writes nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import Fixture

from notesite.model import parse_page
from notesite.render.lists import posts_list
from notesite.sync import FAILS, NEEDS_PACKAGE, NEEDS_SETUP, PASSES, Outcome, SyncError
from notesite.sync.paging import section_titles

POSTS = Path(__file__).parent / "posts"
Check = Callable[[Fixture, Outcome], None]


def page_of(fixture: Fixture, folder: str, name: str) -> str:
    return fixture.page(f"{folder}/{name}")


def one_page(fixture: Fixture, name: str) -> str:
    """The page of a post on one page (the default): ``notes/<its file name's slug>.md``."""
    return fixture.page(f"{name}.md")


def body(text: str) -> str:
    """A page's text after its front matter."""
    return text.split("\n---\n", 1)[1]


def verdicts(outcome: Outcome) -> list[tuple[str, str]]:
    return [(run.result, run.detail) for run in outcome.runs]


def augmented(fixture: Fixture, outcome: Outcome) -> None:
    assert verdicts(outcome) == [(NEEDS_SETUP, "undefined: total, step")]


def blockquote(fixture: Fixture, outcome: Outcome) -> None:
    text = one_page(fixture, "blockquote-blank-line-dropped")
    assert "> The first quoted paragraph.\n>\n> The second quoted paragraph.\n" in text


def failing(fixture: Fixture, outcome: Outcome) -> None:
    ((result, detail),) = verdicts(outcome)
    assert result == FAILS
    assert detail.startswith("ZeroDivisionError: division by zero")


def spaced_fence(fixture: Fixture, outcome: Outcome) -> None:
    text = one_page(fixture, "fence-info-with-space")
    assert "``` python\ntotal = 1 + 2\n" in text
    assert verdicts(outcome) == [(PASSES, "")]


def definitions(fixture: Fixture, outcome: Outcome) -> None:
    text = one_page(fixture, "footnote-and-link-definitions-dropped")
    assert text.endswith(
        "says so.\n\n[^1]: https://example.org/flour\n[guide]: https://example.org/baking\n"
    )


def h1_heading(fixture: Fixture, outcome: Outcome) -> None:
    text = page_of(fixture, "h1-heading-after-first-section-lost", "first-part.md")
    assert body(text) == "\n# First part\n\nSome words.\n\n# Second part\n\nMore words.\n"


def indented_closing(fixture: Fixture, outcome: Outcome) -> None:
    page = fixture.project.page("notes/indented-closing-fence-mangles-page.md")
    assert [block.code for block in page.blocks] == ["a = 1\n", "# a short comment\nb = 2\n"]
    assert "Second step." in [unit.text for unit in page.units]
    assert verdicts(outcome) == [(PASSES, ""), (PASSES, "")]


def intro(fixture: Fixture, outcome: Outcome) -> None:
    index = fixture.project.page("notes/intro-before-first-section-refused/index.md")
    start, end = index.author_span
    assert [line for line in index.lines[start:end] if line.strip()] == [
        "These notes collect a few things about bicycles."
    ]
    assert "collect" not in page_of(fixture, "intro-before-first-section-refused", "wheels.md")


def liquid(fixture: Fixture, outcome: Outcome) -> None:
    page = fixture.project.page("notes/liquid-highlight-block-not-run.md")
    (block,) = page.blocks
    assert block.code == "class Box:\n    def __init__(self, size):\n        self.size = size\n"
    assert verdicts(outcome) == [(PASSES, "")]
    original = (fixture.root / "notes-original" / "liquid-highlight-block-not-run.md").read_text()
    assert "{% highlight python %}" in original  # the post is kept as its author wrote it


def math(fixture: Fixture, outcome: Outcome) -> None:
    text = one_page(fixture, "math-shown-as-raw-tex")
    assert "$$\np = a*b*c\n$$\n\nand inline $x_1 + y_1$ too.\n" in text


def missing_package(fixture: Fixture, outcome: Outcome) -> None:
    ((result, detail),) = verdicts(outcome)
    assert (result, detail.split(" ")[0]) == (NEEDS_PACKAGE, "some_absent_package")


def no_subtitle(fixture: Fixture, outcome: Outcome) -> None:
    page = fixture.project.page("notes/missing-subtitle-crashes-fidelity-gate.md")
    assert {k: str(v) for k, v in page.meta["post"].items()} == {
        "source": "missing-subtitle-crashes-fidelity-gate.md",
        "title": "Gardening notes",
        "date": "2021-03-04",
    }
    assert "subtitle:" not in one_page(fixture, "missing-subtitle-crashes-fidelity-gate")


def sessions(fixture: Fixture, outcome: Outcome) -> None:
    page = fixture.project.page("notes/repl-session-and-pycon-blocks.md")
    assert len(page.doctests) == 2
    assert [block.code for block in page.blocks] == ["k = 7 - 1\nprint(k)\n"]
    assert verdicts(outcome) == [
        (PASSES, "console session"),
        (PASSES, "console session"),
        (PASSES, ""),
    ]


def second_post(fixture: Fixture, outcome: Outcome) -> None:
    project = fixture.project
    assert project.note_pages[-1] == "notes/second-post-breaks-nav-order-test/water.md"
    listed = posts_list(project, "notes/index.md")
    assert listed.splitlines() == [
        "**2023**",
        "{: .ptn-year }",
        "",
        "- 2023-05-01 · [Tensor Basics](index.md) · PyTorch",
        "",
        "**2021**",
        "{: .ptn-year }",
        "",
        "- 2021-03-04 · [Kettle notes](second-post-breaks-nav-order-test/index.md)",
    ]


def tight_list(fixture: Fixture, outcome: Outcome) -> None:
    text = one_page(fixture, "tight-list-becomes-loose")
    assert body(text).endswith("## Fruit\n\n- apples\n- pears\n- plums\n")


def toml(fixture: Fixture, outcome: Outcome) -> None:
    text = one_page(fixture, "toml-front-matter-unclear-error")
    assert text.startswith(
        "---\npost:\n  source: toml-front-matter-unclear-error.md\n  title: Lamp notes\n"
        "  date: 2021-03-04\n---\n"
    )


def warning(fixture: Fixture, outcome: Outcome) -> None:
    ((result, detail),) = verdicts(outcome)
    assert (result, detail.split(" (page")[0]) == (FAILS, "UserWarning: a gentle notice")


#: The posts that the project splits into a page per ``##`` section (the others: one page).
SPLIT = {
    "h1-heading-after-first-section-lost",
    "intro-before-first-section-refused",
    "second-post-breaks-nav-order-test",
}

#: What each post of ``posts/`` must do now, by its file name.
EXPECTED: dict[str, Check] = {
    "augmented-assignment-name-missing-from-hint": augmented,
    "blockquote-blank-line-dropped": blockquote,
    "failing-block-aborts-every-build": failing,
    "fence-info-with-space": spaced_fence,
    "footnote-and-link-definitions-dropped": definitions,
    "h1-heading-after-first-section-lost": h1_heading,
    "indented-closing-fence-mangles-page": indented_closing,
    "intro-before-first-section-refused": intro,
    "liquid-highlight-block-not-run": liquid,
    "math-shown-as-raw-tex": math,
    "missing-package-judged-as-wrong-code": missing_package,
    "missing-subtitle-crashes-fidelity-gate": no_subtitle,
    "repl-session-and-pycon-blocks": sessions,
    "second-post-breaks-nav-order-test": second_post,
    "tight-list-becomes-loose": tight_list,
    "toml-front-matter-unclear-error": toml,
    "warning-passes-in-report-fails-in-pytest": warning,
}


def test_every_post_has_its_expectation() -> None:
    assert sorted(path.stem for path in POSTS.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_post_comes_in_whole_and_resyncs_to_nothing(fixture: Fixture, name: str) -> None:
    # The project's warnings policy, as the site's own pyproject.toml sets it.
    (fixture.root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n', encoding="utf-8"
    )
    if name in SPLIT:
        fixture.split(f"{name}.md")
    post = Path(shutil.copy(POSTS / f"{name}.md", fixture.scratch / f"{name}.md"))
    outcome = fixture.sync(post, new_post=True, run_blocks=True, timeout=60)
    assert outcome.written
    fixture.gate()
    for src in fixture.project.nav:
        parse_page((fixture.root / "docs" / src).read_text(encoding="utf-8"), src)
    assert fixture.sync(post).written == []
    EXPECTED[name](fixture, outcome)


#: A README-style post as people write them: no front matter (its title is its first
#: heading), an introduction with a table of contents, CRLF line ends, a setext heading, an
#: ordered list whose items hold fences without a blank line, a table, raw HTML, a quote
#: holding a list, a tab-indented code block, a ``~~~`` fence, a Hugo highlight shortcode,
#: a list indented by two spaces, a console session in a python fence, a notebook magic
#: and a fence without a language.
README = """# PyTorch cheat sheet

My notes from the course, written as I went.
They are rough.

Table of contents:
* [Tensors](#tensors)
* [Autograd](#autograd)

## Tensors

Setext heading below
--------------------

1. Make a tensor:
   ```python
   import torch
   x = torch.ones(2, 3)
   ```
2. Check its shape:

   ```python
   print(tuple(torch.ones(2, 3).shape))
   ```

| op | result |
|----|--------|
| `x.sum()` | 6 |

<div class="note">Raw HTML block</div>

> A quote with a list:
> - one
> - two

\tTabbed indented code line

~~~python
y = 2 * 3
~~~

{{< highlight python "linenos=table" >}}
z = 4 + 1
{{< /highlight >}}

## Autograd

- first level
  - second level with `code`
    - third level
- back to first

```python
>>> 6 * 7
42
```

```python
%matplotlib inline
import math
```

```
plain block without a language
```

Final words.
"""


@pytest.mark.slow  # syncs a post and runs its blocks
def test_a_readme_style_post_comes_in_whole(fixture: Fixture) -> None:
    post = fixture.scratch / "cheat-sheet.md"
    post.write_text(README, encoding="utf-8", newline="\r\n")
    fixture.split("cheat-sheet.md")
    outcome = fixture.sync(post, new_post=True, run_blocks=True, timeout=60)
    fixture.gate()
    assert fixture.sync(post).written == []
    assert (fixture.root / "notes-original" / "cheat-sheet.md").read_bytes() == post.read_bytes()
    folder = "cheat-sheet"
    index = page_of(fixture, folder, "index.md")
    # Its own first heading is the index page's title: the site adds none.
    assert body(index).startswith("\n<!-- ptnotes:intro -->\n\n# PyTorch cheat sheet\n\nMy notes")
    assert index.count("# PyTorch cheat sheet") == 1
    tensors = page_of(fixture, folder, "tensors.md")
    assert "Setext heading below\n--------------------\n" in tensors
    assert "1. Make a tensor:\n\n    ```python\n    import torch\n" in tensors
    assert "> A quote with a list:\n> - one\n> - two\n" in tensors
    assert "\n\tTabbed indented code line\n" in tensors
    assert "```python\nz = 4 + 1\n```" in tensors
    autograd = page_of(fixture, folder, "autograd.md")
    assert (
        "- first level\n    - second level with `code`\n        - third level\n- back" in autograd
    )
    # The block that uses the torch an earlier block imported continues it (Run all): the
    # page says so on its fence, and it runs.
    assert verdicts(outcome) == [
        (PASSES, ""),
        (PASSES, ""),
        (PASSES, ""),
        (PASSES, ""),
        (PASSES, "console session"),
        (
            "notebook only",
            "%matplotlib inline runs in the page's notebook; pytest skips it",
        ),
    ]
    assert "- Title: *PyTorch cheat sheet*, from its first # heading (line 1): no title" in (
        outcome.report
    )


# Found by a review that tried to break the import with posts people write.


def new_post(fixture: Fixture, text: str, name: str = "post.md", **options: object) -> Outcome:
    post = fixture.scratch / name
    post.write_text(text, encoding="utf-8")
    options.setdefault("run_blocks", False)
    return fixture.sync(post, new_post=True, **options)


def test_a_title_in_any_script_reaches_the_nav_as_itself(fixture: Fixture) -> None:
    new_post(fixture, "---\ntitle: \"Rockets 🚀 'n' 张量\"\ntags: pytorch\n---\n\n## A\n\nx\n")
    fixture.gate()
    config = (fixture.root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- 'Rockets 🚀 ''n'' 张量': notes/post.md\n" in config
    nav = yaml.safe_load(config)["nav"]
    assert {"Rockets 🚀 'n' 张量": "notes/post.md"} in nav[0]["Notes"]
    assert "\ntags:\n  - pytorch\n---\n" in one_page(fixture, "post")


def test_the_author_s_fence_options_and_quoted_fences_are_kept(fixture: Fixture) -> None:
    outcome = new_post(
        fixture,
        "---\ntitle: T\n---\n\n## A\n\n```python {linenos=true}\nprint(1)\n```\n\n"
        '```Python title="x.py"\nprint(2)\n```\n\n> Quoted:\n> ```python\n> print(3)\n> ```\n\n'
        "    import torch\n    print(torch.ones(2))\n",
        run_blocks=True,
    )
    fixture.gate()
    text = one_page(fixture, "post")
    assert '```python {linenos=true}\nprint(1)\n```\n\n```Python title="x.py"\nprint(2)' in text
    assert verdicts(outcome) == [(PASSES, ""), (PASSES, ""), (PASSES, "")]
    assert "- line 26: ` import torch print(torch.ones(2)) ` reads as Python, but no test" in (
        outcome.report
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            "---\ntitle: T\n---\n\n## A\n\n```python\nprint(1)\n",
            "post.md:7: expected the fence opened here to be closed (``` on a line of its own), "
            "got none before the end of the post",
            id="unclosed-fence",
        ),
        pytest.param(
            "---\ntitle: T\n---\n\n## A\n\n{% highlight python %}\nprint(1)\n\n## B\n",
            "post.md:7: expected the fence opened here to be closed",
            id="unclosed-highlight",
        ),
        pytest.param(
            "---\ndate: 2021-01-01\ntitle: [Deep, Learning]\n---\n\n## A\n",
            "post.md:3: expected the title as text, got a list: ['Deep', 'Learning'] (quote it:",
            id="title-a-list",
        ),
        pytest.param(
            "---\ndate: 2021-01-01\ntitle: A: B: C\n---\n\n## A\n",
            "post.md:3: expected a post, got front matter that is not YAML: mapping values are "
            "not allowed here",
            id="front-matter-not-yaml",
        ),
    ],
)
def test_a_post_the_site_cannot_hold_is_refused_at_its_line(
    fixture: Fixture, text: str, error: str
) -> None:
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        new_post(fixture, text)
    assert str(caught.value).startswith(error)
    assert "\n" not in str(caught.value)
    assert fixture.tree() == before


def test_a_section_titled_index_keeps_the_index_page_for_the_introduction(
    fixture: Fixture,
) -> None:
    fixture.split("post.md")
    new_post(fixture, "---\ntitle: T\n---\n\nIntro.\n\n## Index\n\nText.\n")
    fixture.gate()
    assert fixture.project.note_pages[-1] == "notes/post/index-2.md"
    assert "Intro." in page_of(fixture, "post", "index.md")


def test_a_post_whose_title_changed_is_the_same_post(fixture: Fixture) -> None:
    post = fixture.scratch / "post.md"
    post.write_text("---\ntitle: Edit me\n---\n\n## A\n\nText.\n", encoding="utf-8")
    fixture.sync(post, new_post=True)
    post.write_text("---\ntitle: Edited title\n---\n\n## A\n\nText.\n", encoding="utf-8")
    outcome = fixture.sync(post)
    fixture.gate()
    assert "notes/post.md" in fixture.project.note_pages  # the page stays where it is
    text = one_page(fixture, "post")
    assert "  title: Edited title\n" in text
    assert "\n# Edited title\n" in text
    assert "- 'Edited title': notes/post.md\n" in (fixture.root / "mkdocs.yml").read_text(
        encoding="utf-8"
    )
    assert "mkdocs.yml" in outcome.written
    assert fixture.sync(post).written == []


# Found by a review that tried variants of the cases' kinds (posts/), as authors write them.


def test_a_section_heading_is_read_as_commonmark_reads_it(fixture: Fixture) -> None:
    # A tab after the ##, a closing ##, an indent: each opens a section; a setext heading not.
    fixture.split("post.md")
    text = (
        "---\ntitle: T\n---\n\n## First ##\n\nOne.\n\n##\tTabbed\n\nTwo.\n\n"
        "   ## Indented\n\nThree.\n\nSetext, not a section\n---\n\nFour.\n"
    )
    new_post(fixture, text)
    fixture.gate()
    assert fixture.project.note_pages[-3:] == [
        "notes/post/first.md",
        "notes/post/tabbed.md",
        "notes/post/indented.md",
    ]
    assert body(page_of(fixture, "post", "first.md")) == "\n# First ##\n\nOne.\n"
    assert body(page_of(fixture, "post", "tabbed.md")) == "\n# Tabbed\n\nTwo.\n"
    assert "Setext, not a section\n---\n\nFour.\n" in page_of(fixture, "post", "indented.md")
    assert fixture.sync(fixture.scratch / "post.md").written == []
    # A section without a title has no title for its page: refused at its line.
    (fixture.scratch / "post.md").write_text(text + "\n##\n\nFive.\n", encoding="utf-8")
    with pytest.raises(SyncError, match=r"post\.md:22: expected a ## heading with words"):
        fixture.sync(fixture.scratch / "post.md")


@pytest.mark.parametrize("split", [False, True], ids=["one-page", "split"])
def test_a_changed_heading_keeps_how_the_author_wrote_it(fixture: Fixture, split: bool) -> None:
    if split:
        fixture.split("post.md")
    new_post(
        fixture, "---\ntitle: T\n---\n\n## A\n\nOne.\n\nSub head\n--------\n\n### B ###\n\nTwo.\n"
    )
    post = fixture.scratch / "post.md"
    post.write_text(
        "---\ntitle: T\n---\n\n## A\n\nOne.\n\nSub heading\n--------\n\n###\tC ###\n\nTwo.\n",
        encoding="utf-8",
    )
    outcome = fixture.sync(post)
    fixture.gate()
    text = page_of(fixture, "post", "a.md") if split else one_page(fixture, "post")
    level = "## " if split else "###\t"
    assert text.endswith(f"One.\n\nSub heading\n--------\n\n{level}C ###\n\nTwo.\n")
    assert outcome.written
    assert fixture.sync(fixture.scratch / "post.md").written == []


@pytest.mark.parametrize("split", [False, True], ids=["one-page", "split"])
def test_the_pages_show_the_post_s_sections_not_its_setext_headings(
    fixture: Fixture, split: bool
) -> None:
    if split:
        fixture.split("post.md")
    new_post(
        fixture,
        "---\ntitle: T\n---\n\n## First ##\n\nOne.\n\nA setext heading\n---\n\nTwo.\n\n"
        "##\tSecond\n\nThree.\n",
    )
    assert section_titles(fixture.project, "post.md") == (["First", "Second"],) * 2


def test_a_list_indented_with_tabs_comes_in_with_its_fence_in_spaces(fixture: Fixture) -> None:
    text = (
        "---\ntitle: T\n---\n\n## A\n\n-\tItem with code:\n\n\t```python\n\tdef f():\n"
        "\t\treturn 1\n\tprint(f())\n\t```\n\n-\tItem two\n\t-\tNested\n"
    )
    outcome = new_post(fixture, text, run_blocks=True)
    fixture.gate()
    page = one_page(fixture, "post")
    # The fence's indent in spaces, the tab that indents the Python inside kept.
    assert "-\tItem with code:\n\n    ```python\n    def f():\n    \treturn 1\n" in page
    assert verdicts(outcome) == [(PASSES, "")]
    assert fixture.sync(fixture.scratch / "post.md").written == []
    changed = text.replace("return 1", "return 2")
    (fixture.scratch / "post.md").write_text(changed, encoding="utf-8")
    fixture.sync(fixture.scratch / "post.md")
    fixture.gate()
    assert "    def f():\n    \treturn 2\n    print(f())\n    ```\n" in one_page(fixture, "post")


def test_a_page_the_sync_cannot_read_is_a_one_line_error_not_a_traceback(
    fixture: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notesite.model import PageError
    from notesite.sync import command

    def unreadable(*args: object) -> Outcome:
        raise PageError("notes/post.md:19: expected the fence opened here to be closed, got …")

    monkeypatch.setattr(command, "_sync", unreadable)
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        new_post(fixture, "---\ntitle: T\n---\n\n## A\n\nText.\n")
    assert str(caught.value) == (
        "docs/notes/post.md:19: expected the fence opened here to be closed, got …"
    )
    assert fixture.tree() == before


def test_a_post_split_by_sections_that_has_none_shows_no_section(fixture: Fixture) -> None:
    fixture.split("post.md")
    new_post(fixture, "---\ntitle: T\n---\n\nOnly an introduction.\n\n### A small heading\n")
    fixture.gate()
    assert fixture.project.note_pages[-1] == "notes/post.md"
    assert section_titles(fixture.project, "post.md") == ([], [])


def test_a_post_dated_by_its_file_name_or_an_iso_date_keeps_the_nav_in_date_order(
    fixture: Fixture,
) -> None:
    new_post(fixture, "---\ntitle: B\n---\n\n## S\n\nb\n", name="2021-03-05-b.md")
    new_post(fixture, "---\ntitle: C\ndate: '2021-03-04T10:00:00+01:00'\n---\n\n## S\n\nc\n")
    new_post(fixture, "---\ntitle: A\ndate: 2021-03-03\n---\n\n## S\n\na\n", name="a.md")
    nav = yaml.safe_load((fixture.root / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    (year,) = [entry for entry in nav[0]["Notes"] if isinstance(entry, dict) and "2021" in entry]
    assert year["2021"] == [
        {
            "March": [
                {"A (2021-03-03)": "notes/a.md"},
                {"C (2021-03-04)": "notes/post.md"},
                {"B (2021-03-05)": "notes/b.md"},
            ]
        }
    ]


def test_a_session_after_a_comment_runs_and_other_names_of_python_are_reported(
    fixture: Fixture,
) -> None:
    outcome = new_post(
        fixture,
        "---\ntitle: T\n---\n\n## A\n\n```python\n# the sum\n>>> 3 + 3\n6\n```\n\n"
        "```python-repl\n>>> 2 + 2\n4\n```\n\n```py3\nprint(5)\n```\n\n"
        "```python:train.py\nprint(7)\n```\n",
        run_blocks=True,
    )
    fixture.gate()
    assert verdicts(outcome) == [(PASSES, "console session")]
    assert len(fixture.project.page("notes/post.md").doctests) == 1
    assert "- line 19: ` >>> 2 + 2 … ` reads as Python, but no test runs it" in outcome.report
    assert "- line 24: ` print(5) ` reads as Python, but no test runs it" in outcome.report
    assert "- line 28: ` print(7) ` reads as Python, but no test runs it" in outcome.report
    assert outcome.report.count("reads as Python, but no test runs it") == 3
    assert "\nT, next:\n" in outcome.report  # a post without a date: no "()" after its title


def test_a_highlighter_s_bare_word_on_a_fence_is_the_author_s(fixture: Fixture) -> None:
    outcome = new_post(
        fixture,
        "---\ntitle: T\n---\n\n## A\n\n``` python linenos\nprint(6)\n```\n",
        run_blocks=True,
    )
    fixture.gate()
    assert "``` python linenos\nprint(6)\n```\n" in one_page(fixture, "post")
    assert verdicts(outcome) == [(PASSES, "")]
    with pytest.raises(SyncError, match=r"post\.md:7: .*got 'continuaton'"):
        new_post(fixture, "---\ntitle: U\n---\n\n## A\n\n```python continuaton\nx = 1\n```\n")


def test_highlight_tags_in_the_spacing_blog_engines_allow_are_blocks(fixture: Fixture) -> None:
    outcome = new_post(
        fixture,
        '---\ntitle: T\n---\n\n## A\n\n{{< highlight py "linenos=table" >}}\nprint(1)\n'
        "{{< / highlight >}}\n\n{%- highlight python -%}\nprint(2)\n{%- endhighlight -%}\n",
        run_blocks=True,
    )
    fixture.gate()
    assert [block.code for block in fixture.project.page("notes/post.md").blocks] == [
        "print(1)\n",
        "print(2)\n",
    ]
    assert verdicts(outcome) == [(PASSES, ""), (PASSES, "")]
    assert fixture.sync(fixture.scratch / "post.md").written == []
