"""The preprocessor: what a page gets, the markers' lists, a broken record, a block not recorded."""

from __future__ import annotations

import logging
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from sitepages import ROOT, one_page, render

from notesite.project import Project, markdown_settings, read_config
from notesite.render.lists import verification_table


def test_a_note_page_gets_its_byline_anchors_outputs_and_badges(
    project: Project, note_page: str
) -> None:
    src_uri = note_page
    page = project.page(src_uri)
    soup = render(src_uri)
    assert soup.select_one("h1 + p.post-byline") is not None
    codes = soup.select("div.language-python:not(.ptn-as-written *)")
    badges = soup.select(".ptn-badges")
    assert len(codes) == len(badges) == len(page.blocks)
    for code, badge in zip(codes, badges, strict=True):
        following = code.find_next(class_="ptn-badges")
        assert following is badge, "each block's badges come right after it"
    for claim in page.claims:
        for slug in [c.slug for c in claim.checks] + [n.slug for n in claim.notes]:
            anchored = soup.find(id=slug)
            assert anchored is not None, slug
            assert anchored.find_parent(
                ["details", "div"], class_=["success", "info", "cuda-pending"]
            )
        if claim.erratum is not None:
            assert soup.find(id=claim.erratum.slug) is not None


def test_the_markers_become_the_lists_and_the_totals(project: Project) -> None:
    errata = render("errata.md")
    assert len(errata.select("table tbody tr")) == sum(len(p.errata) for p in project.notes())
    verification = render("verification.md")
    rows = verification.select(".ptn-claims-page + ul > li")
    listed = verification_table(project.notes(), project)
    assert len(rows) == sum(line.startswith("- ") for line in listed.splitlines()) > 0
    home = render("index.md")
    cells = {
        row.find_all("td")[0].get_text(): row.find_all("td")[1].get_text()
        for row in home.select("table tbody tr")
    }
    assert cells["Python blocks on the site"] == str(sum(len(p.blocks) for p in project.pages()))
    assert "<!-- ptnotes" not in str(home) + str(errata) + str(verification)


def test_a_hand_edited_record_stops_the_build_naming_file_line_and_block(scratch: Path) -> None:
    record = scratch / "outputs" / "notes" / "misc.md.txt"
    record.write_text(record.read_text().replace("stdout:", "stdout?", 1), encoding="utf-8")
    with pytest.raises(PluginError, match=r"outputs/notes/misc.md.txt:\d+ \(block 2\): expected"):
        render("notes/misc.md", scratch)


def test_a_block_not_yet_recorded_previews_with_a_warning(
    scratch: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = scratch / "docs" / "notes" / "misc.md"
    page.write_text(
        page.read_text().replace("print(predicted_test)", "print(predicted_test.sum())"),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.notesite"):
        soup = render("notes/misc.md", scratch)
    assert "notes/misc.md: expected a recorded output for block" in caplog.text
    assert "Not yet run" in soup.get_text()


def test_a_block_pytest_runs_is_shown_in_its_language_however_its_fence_writes_it(
    tmp_path: Path,
) -> None:
    # R Markdown's ```{python}: pytest runs it as Python, so the site shows it as Python.
    page = "# P\n\n```{python}\nprint(1)\n```\n\n```{python title=x}\nprint(2)\n```\n"
    page += "\n```{.python}\nprint(3)\n```\n\n```{r}\nprint(4)\n```\n"
    project = one_page(tmp_path, page, None)
    names, configs = markdown_settings(read_config(ROOT))
    configs.setdefault("notesite", {})["root"] = str(project.root)
    html = markdown.Markdown(extensions=names, extension_configs=configs).convert(page)
    soup = BeautifulSoup(html, "html.parser")
    shown = [node.get_text().strip() for node in soup.select(".language-python code")]
    assert shown == ["print(1)", "print(2)", "print(3)"]
    assert len(project.page("page.md").blocks) == 3
