"""A notebook per note page: built from the page model, and written anew when stale.

The live site's notebooks (current, and running to the records' outputs) are checked in
``tests/content/test_notebooks.py``.
"""

from __future__ import annotations

from pathlib import Path

from notesite.notebook import build_notebook, dumps, notebook_path, write_notebooks
from notesite.project import Project


def test_a_stale_notebook_is_written_anew(tmp_path: Path, project_copy: Path) -> None:
    project = Project.at(project_copy)
    target = project.docs_dir / notebook_path(project.note_pages[0])
    target.write_text("{}", encoding="utf-8")
    written = write_notebooks(project)
    assert written == [notebook_path(project.note_pages[0])]
    assert target.read_text(encoding="utf-8") == dumps(
        build_notebook(project.page(project.note_pages[0]), project)
    )


def test_a_notebook_only_block_is_a_cell_of_its_own(tmp_path: Path) -> None:
    """A block with a magic or a shell command is IPython's: its notebook has it as a cell."""
    from notesite.notebook import NOTEBOOK_ONLY_TAG

    (tmp_path / "docs" / "notes").mkdir(parents=True)
    text = (
        "---\npost:\n  title: T\n---\n\n# Plots\n\nPlots show inline:\n\n"
        "```python\n%matplotlib inline\nimport math\n```\n\nAnd installs:\n\n"
        "```python\n!pip install torchinfo\n```\n"
    )
    (tmp_path / "docs" / "notes" / "plots.md").write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: s\nnav:\n  - notes/plots.md\n", "utf-8")
    project = Project.at(tmp_path)
    page = project.page("notes/plots.md")
    assert page.blocks == []  # pytest does not run them as Python
    cells = build_notebook(page, project)["cells"]
    code = [c for c in cells if NOTEBOOK_ONLY_TAG in c["metadata"].get("tags", [])]
    sources = [c["source"] for c in code]
    assert sources == ["%matplotlib inline\nimport math", "!pip install torchinfo"]
    prose = "".join(c["source"] for c in cells if c["cell_type"] == "markdown")
    assert "Plots show inline:" in prose
    assert "%matplotlib" not in prose
