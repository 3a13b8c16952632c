"""The extension's wiring: listed in mkdocs.yml, its project found from the working folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitepages import ROOT

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
