"""The parity gate: the Python blocks each page shows are the blocks pytest runs from it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import markdown
import pytest

from notesite.parity import collected, compare_site
from notesite.project import Project, markdown_settings, read_config

ROOT = Path(__file__).resolve().parents[2]


def collect(pytester: pytest.Pytester, root: Path, *paths: Path) -> dict[Path, list[str]]:
    """The own code of each block pytest collects from ``paths``, by file."""
    items, _ = pytester.inline_genitems(
        "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(root), "-p", "no:randomly",
        *map(str, paths),
    )  # fmt: skip
    return collected(items)


# --- planted faults, each on a page rendered with the project's Markdown settings ---


def small_site(tmp_path: Path, page: str, **changes: Any) -> Project:
    """A one-page project, its page rendered by the project's extensions (with changes)."""
    names, configs = markdown_settings(read_config(ROOT), {"pymdownx.snippets", "notesite"})
    for name, options in changes.items():
        if name not in names:
            names.append(name)
        configs[name] = options
    (tmp_path / "docs").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: planted\n", encoding="utf-8")
    html = markdown.Markdown(extensions=names, extension_configs=configs).convert(page)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(f"<article>{html}</article>", encoding="utf-8")
    return Project.at(tmp_path)


SETUP_AND_SNIPPET = """# Page

??? example "Setup for the next snippet"
    ```python
    x = 1
    ```

```python continuation
print(x)
```
"""


def check(pytester: pytest.Pytester, project: Project) -> Sequence[str]:
    collected = collect(pytester, project.root, project.docs_dir)
    return [m.describe() for m in compare_site(project, project.root / "site", collected)]


def test_a_small_site_with_the_project_settings_passes(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    assert check(pytester, small_site(tmp_path, SETUP_AND_SNIPPET)) == []


def test_fence_options_without_relaxed_headers_are_caught(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    project = small_site(
        tmp_path, SETUP_AND_SNIPPET, **{"pymdownx.superfences": {"relaxed_headers": False}}
    )
    (problem,) = check(pytester, project)
    assert "Python blocks: model 2, pytest 2, site 1" in problem


def test_a_block_in_a_tab_the_site_does_not_render_is_caught(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    page = '# Page\n\n=== "Tab"\n\n    ```python\n    x = 1\n    ```\n'
    (problem,) = check(pytester, small_site(tmp_path, page))
    assert "Python blocks: model 1, pytest 1, site 0" in problem
    tabbed = small_site(tmp_path / "tabbed", page, **{"pymdownx.tabbed": {"alternate_style": True}})
    assert check(pytester, tabbed) == []


def test_a_notest_block_is_caught(pytester: pytest.Pytester, tmp_path: Path) -> None:
    page = "# Page\n\n```python notest\nraise RuntimeError\n```\n"
    (problem,) = check(pytester, small_site(tmp_path, page))
    assert "Python blocks: model 0, pytest 0, site 1" in problem


def test_a_block_changed_between_page_and_test_is_caught(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    project = small_site(tmp_path, SETUP_AND_SNIPPET)
    html = project.root / "site" / "index.html"
    html.write_text(html.read_text(encoding="utf-8").replace("print", "len"), encoding="utf-8")
    (problem,) = check(pytester, project)
    assert "first difference at block 2" in problem


def test_every_spelling_of_python_is_counted_once(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    spellings = ["python", "py", "python3", "Python", "PY"]
    page = "# Page\n\n" + "".join(
        f"```{lang}\nx = {k}\n```\n\n" for k, lang in enumerate(spellings)
    )
    assert check(pytester, small_site(tmp_path, page)) == []


def test_a_block_shown_as_python_that_nothing_runs_is_caught(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    # Pygments highlights both as Python (a console session): shown, never run.
    page = "# Page\n\n```py3\nx = 1\n```\n\n```python-console\n>>> 1 + 1\n3\n```\n"
    (problem,) = check(pytester, small_site(tmp_path, page))
    assert "Python blocks: model 0, pytest 0, site 2" in problem


def test_a_console_session_is_shown_and_run_as_a_doctest(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    page = "# Page\n\n```pycon\n>>> 1 + 1\n2\n```\n\n```python\nx = 1\n```\n"
    site = small_site(tmp_path, page)
    assert check(pytester, site) == []
    # What pytest runs of a page: its blocks and its console sessions (the content gate's sum).
    (model,) = site.pages()
    runs = collect(pytester, site.root, site.docs_dir)
    assert [len(codes) for codes in runs.values()] == [len(model.blocks) + len(model.doctests)]
    assert len(model.doctests) == 1
    notest = "# Page\n\n```pycon notest\n>>> 1 + 1\n3\n```\n"
    (problem,) = check(pytester, small_site(tmp_path / "notest", notest))
    assert "Python blocks: model 0, pytest 0, site 1" in problem


def test_a_line_of_spaces_in_a_block_is_the_empty_line_the_site_shows(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    # Real posts have them (trailing spaces of an editor): Python-Markdown empties such a line.
    page = "# Page\n\n```python\nx = 1  \n  \n\t\nprint(x)\n```\n"
    assert check(pytester, small_site(tmp_path, page)) == []
    # A changed line is still a difference.
    project = small_site(tmp_path / "changed", page)
    html = project.root / "site" / "index.html"
    html.write_text(html.read_text(encoding="utf-8").replace("print", "len"), encoding="utf-8")
    (problem,) = check(pytester, project)
    assert "first difference at block 1" in problem


def test_a_block_only_a_notebook_runs_is_shown_and_not_counted(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    # A post installs a package with a magic: the site shows it, its notebook runs it.
    page = "# Page\n\n```python\n%pip install einops\nimport einops\n```\n\n```python\nx = 1\n```\n"
    assert check(pytester, small_site(tmp_path, page)) == []
