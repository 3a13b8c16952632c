"""The matrix package's promises: the build never imports pytest, and one public surface."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notesite import matrix, outputs
from notesite.model import parse_page

#: The modules of the package whose names ``notesite.matrix`` re-exports (all but the plugin).
MODULES = ["command", "coverage", "holding", "releases", "results"]

PAGE = (
    "# Page\n\n- A claim.\n\n"
    '    ??? success "Checked: it holds"\n        One and one:\n\n'
    "        ```python\n        assert 1 + 1 == 2\n        ```\n"
)
CONFIG = """\
site_name: s
nav:
  - notes/page.md
  - verification.md
markdown_extensions:
  - admonition
  - attr_list
  - pymdownx.details
  - pymdownx.superfences:
      relaxed_headers: true
  - notesite
"""
#: Builds the project strictly, in this interpreter, then prints the modules it imported.
BUILD = """\
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config("mkdocs.yml", strict=True, site_dir="site"))
print(json.dumps(sorted(sys.modules)))
"""


def fixture_project(root: Path) -> None:
    """A note page of one check, its record, a Verification page and a release's results."""
    (root / "docs" / "notes").mkdir(parents=True)
    (root / "docs" / "notes" / "page.md").write_text(PAGE, encoding="utf-8")
    (root / "docs" / "verification.md").write_text(
        "# Verification\n\n<!-- ptnotes:verification -->\n", encoding="utf-8"
    )
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[project]\ndependencies = ["torch>=2.4"]\n', encoding="utf-8"
    )
    block = parse_page(PAGE, "notes/page.md").blocks[0]
    record = outputs.Entry(block.key, block.number, block.line, verified={"cpu": "torch 2.4.1"})
    (root / "outputs" / "notes").mkdir(parents=True)
    (root / "outputs" / "notes" / "page.md.txt").write_text(
        outputs.dump([record], "docs/notes/page.md"), encoding="utf-8"
    )
    (root / "outputs" / matrix.RELEASES).mkdir()
    result = {"block": f"notes/page.md#{block.key}", "outcome": "passed", "detail": ""}
    (root / "outputs" / matrix.RELEASES / "2.4.1.json").write_text(
        json.dumps({"torch": "2.4.1", "results": {"docs/notes/page.md::[line:9]": result}}),
        encoding="utf-8",
    )


@pytest.mark.slow
def test_the_strict_build_never_imports_pytest(tmp_path: Path) -> None:
    """The build reads the matrix's results (a page says where a check holds), not pytest."""
    fixture_project(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", BUILD],
        cwd=tmp_path, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    imported = json.loads(done.stdout.splitlines()[-1])
    assert "notesite.matrix.holding" in imported  # the build did read the matrix
    html = (tmp_path / "site" / "verification" / "index.html").read_text(encoding="utf-8")
    assert "holds on torch 2.4" in html
    assert [m for m in imported if m.split(".")[0] in ("pytest", "_pytest")] == []


def test_the_package_re_exports_each_public_name_but_the_plugin_s() -> None:
    """Every function and class of its modules but the plugin's, and nothing else."""
    modules = [importlib.import_module(f"notesite.matrix.{name}") for name in MODULES]
    defined = {
        name
        for module in modules
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
    }
    assert defined <= set(matrix.__all__)
    for name in matrix.__all__:
        assert any(getattr(module, name, None) is getattr(matrix, name) for module in modules)
    plugin = importlib.import_module("notesite.matrix.plugin")
    assert not set(matrix.__all__) & {"ResultsPlugin", "block_of", "release_info"}
    assert plugin.ResultsPlugin.__module__ == "notesite.matrix.plugin"
