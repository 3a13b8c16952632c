"""The extension's wiring: listed in mkdocs.yml, its project found from the working folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitepages import ROOT, converter

from notesite.project import read_config


def test_the_project_lists_the_extension_and_no_hooks() -> None:
    config = read_config(ROOT)
    assert "hooks" not in config
    assert any(isinstance(e, dict) and "notesite" in e for e in config["markdown_extensions"])


def test_the_root_is_found_from_the_working_folder(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notesite.extension import NotesiteExtension

    monkeypatch.chdir(scratch / "docs" / "notes")
    project = NotesiteExtension().project()
    assert project is not None
    assert project.root == scratch.resolve()


def test_double_dollars_in_a_sentence_are_inline_math_as_kramdown_reads_them() -> None:
    md = converter()
    html = md.convert("Inline $$a*b*c$$ and $$x_1$$ here, $y$ too.\n\n$$ z = 1$$\n")
    soup = BeautifulSoup(html, "html.parser")
    assert [span.get_text() for span in soup.select("p span.arithmatex")] == [
        "\\(a*b*c\\)",
        "\\(x_1\\)",
        "\\(y\\)",
    ]
    assert "$" not in soup.p.get_text()  # no stray dollar around the math
    display = soup.select_one("div.arithmatex")
    assert display is not None
    assert display.get_text() == "\\[ z = 1\\]"


def test_the_as_written_view_reads_double_dollars_as_the_page_does() -> None:
    import markdown

    from notesite.render.as_written import AuthorsView

    md = markdown.Markdown(
        extensions=["pymdownx.arithmatex", AuthorsView()],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    soup = BeautifulSoup(md.convert("Inline $$a*b$$ here."), "html.parser")
    assert [span.get_text() for span in soup.select("span.arithmatex")] == ["\\(a*b\\)"]
    assert "$" not in soup.get_text()
