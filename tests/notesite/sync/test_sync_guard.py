"""Hostile input to the sync's command line: one clear line, exit 2, nothing written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Fixture

from notesite.__main__ import main
from notesite.sync.guard import MAX_POST_BYTES

Replace = Callable[[str, str], Callable[[str], str]]


def run(fixture: Fixture, *args: str) -> int:
    return main(["sync", *args, "--root", str(fixture.root)])


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "soon"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_refused(
    fixture: Fixture, replace: Replace, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    post = fixture.version(replace("- `tensor.numel()`", "- `numel()`"))
    before = fixture.tree()
    assert run(fixture, str(post), "--new", f"--timeout={value}") == 2
    err = capsys.readouterr().err
    assert f"argument --timeout: expected a positive finite number of seconds, got '{value}'" in err
    assert "Traceback" not in err
    assert fixture.tree() == before


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("docs/notes/modules.md", "got a file in the docs folder (docs/)"),
        ("docs/new-page.md", "got a file in the docs folder (docs/)"),
        ("outputs/notes/modules.md.txt", "got a file in the outputs folder (outputs/)"),
        ("notes-original/basics.md", "got a file in the originals folder (notes-original/)"),
        ("docs/notebooks/modules.ipynb", "got a file in the docs folder (docs/)"),
        ("mkdocs.yml", "expected --report outside the project's files, got mkdocs.yml"),
        ("/dev/full", "expected --report to be a regular file, got a device or folder"),
        ("docs", "expected --report to be a regular file, got a device or folder"),
    ],
)
def test_a_report_that_would_overwrite_the_project_or_cannot_be_written_is_refused_first(
    fixture: Fixture,
    replace: Replace,
    capsys: pytest.CaptureFixture[str],
    report: str,
    expected: str,
) -> None:
    post = fixture.version(replace("- `tensor.numel()`", "- `numel()`"))
    before = fixture.tree()
    target = report if report.startswith("/") else str(fixture.root / report)
    assert run(fixture, str(post), "--report", target) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Nothing was written." in err
    assert fixture.tree() == before


def test_a_broken_mkdocs_yml_is_one_line(
    fixture: Fixture, replace: Replace, capsys: pytest.CaptureFixture[str]
) -> None:
    post = fixture.version(replace("- `tensor.numel()`", "- `numel()`"))
    (fixture.root / "mkdocs.yml").write_text("nav: [\n  - a: b: c\n", encoding="utf-8")
    before = fixture.tree()
    assert run(fixture, str(post)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(f"error: {fixture.root / 'mkdocs.yml'}:2: expected YAML, got ")
    assert len(err) == 2  # the error, then "Nothing was written."
    assert fixture.tree() == before


@pytest.mark.parametrize("key", ["originals_dir", "outputs_dir", "docs_dir"])
def test_a_folder_outside_the_project_is_refused(
    fixture: Fixture, replace: Replace, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    config = fixture.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(rf"{key}: .*", f"{key}: ../orig", text), encoding="utf-8")
    post = fixture.version(replace("- `tensor.numel()`", "- `numel()`"))
    before = fixture.tree()
    assert run(fixture, str(post)) == 2
    err = capsys.readouterr().err
    assert f"expected {key} to be a folder inside the project" in err
    assert "got '../orig'" in err
    assert fixture.tree() == before
    assert not (fixture.root.parent / "orig").exists()


def test_a_post_that_is_not_a_regular_file_or_too_large_is_refused(
    fixture: Fixture, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = fixture.tree()
    assert run(fixture, "/dev/zero") == 2
    assert "/dev/zero: expected a readable Markdown file, got a device or pipe" in (
        capsys.readouterr().err
    )
    huge = tmp_path / "huge.md"
    huge.write_text("---\ntitle: Huge\n---\n\n## S\n\n" + "- a\n" * (MAX_POST_BYTES // 4))
    assert run(fixture, str(huge), "--new") == 2
    err = capsys.readouterr().err
    assert f"expected a post of at most {MAX_POST_BYTES:,} bytes" in err
    assert fixture.tree() == before
