"""The fixtures of the renderer's tests: a scratch copy of the project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitepages import ROOT


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    for name in ["docs", "outputs"]:
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path
