"""A fence's info string, read once (:mod:`notesite.model.options`): every reader's options."""

from __future__ import annotations

import pytest

from notesite.execution import TIMEOUT
from notesite.model import PageError, fence_options, is_site_option, parse_options, parse_page


def test_the_site_s_options_are_read_into_one_record() -> None:
    options = parse_options("python continuation fixture:cuda fixture:tmp_path timeout=120")
    assert options.lang == "python"
    assert (options.continuation, options.cuda, options.notest) == (True, True, False)
    assert options.fixtures == ("cuda", "tmp_path")
    assert options.time_limit(TIMEOUT) == 120.0
    assert parse_options("python").time_limit(TIMEOUT) == TIMEOUT
    assert parse_options("python retry:2 runner:mine notest").notest
    assert (parse_options("python retry:2 runner:mine").retry, "mine") == (2, "mine")


def test_the_brace_form_reads_as_the_plain_one() -> None:
    assert parse_options("{.python continuation fixture:cuda}") == parse_options(
        "python continuation fixture:cuda"
    )


def test_the_author_s_options_are_kept_and_never_read_as_the_site_s() -> None:
    options = parse_options('python title="a b.py" {linenos=true} timeout=5')
    assert options.author == ('title="a b.py"', "{linenos=true}")
    assert options.timeout == 5.0
    assert fence_options('Python title="a b.py"') == ["Python", 'title="a b.py"']
    assert [is_site_option(w) for w in ("notest", "retry:1", 'title="x"', "linenos=1")] == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("python continuaton", "expected a fence option of the site (continuation, notest, "),
        ("py fixtures:cuda", "or the author's (key=value), got 'fixtures:cuda'"),
        ("pycon timeout=soon", "expected timeout=N (N seconds, a number), got 'timeout=soon'"),
        ("python timeout=5 timeout=6", "expected one timeout option, got a second: 'timeout=6'"),
        ("python fixture:", "expected fixture:NAME (a Python name), got 'fixture:'"),
        ("python retry:x", "expected retry:N (a whole number of retries), got 'retry:x'"),
    ],
)
def test_an_unknown_or_malformed_option_fails_the_page_naming_its_line(
    info: str, expected: str
) -> None:
    text = f"# Page\n\nSome words.\n\n```{info}\nx = 1\n```\n"
    with pytest.raises(PageError) as raised:
        parse_page(text, "notes/page.md")
    message = str(raised.value)
    assert message.startswith("notes/page.md:5: expected ")
    assert expected in message
    assert "\n" not in message


def test_another_language_s_words_are_the_author_s() -> None:
    """Only code the tests run is held to the site's options; a shell block's words are kept."""
    page = parse_page("# Page\n\n```bash session\nls\n```\n", "notes/page.md")
    assert page.fences[0].options.author == ("session",)
    with pytest.raises(PageError, match="expected timeout=N"):
        parse_page("# Page\n\n```bash timeout=x\nls\n```\n", "notes/page.md")
