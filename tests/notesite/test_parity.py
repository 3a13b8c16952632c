"""The parity gate: the Python blocks shown on each page are the blocks pytest runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from notesite.parity import collected_blocks, compare_site, rendered_blocks
from notesite.testing import mkdocs_build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def check_build(project: Path, site: Path) -> None:
    done = mkdocs_build(project, site)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    check_build(ROOT, site)
    return site


def test_every_page_shows_exactly_the_blocks_pytest_runs(built_site: Path) -> None:
    mismatches = compare_site(ROOT / "docs", built_site, ROOT / "src", ROOT)
    assert not mismatches, "\n".join(m.describe() for m in mismatches)


def test_the_notes_blocks_are_all_shown_and_collected(built_site: Path) -> None:
    notes = sorted((ROOT / "docs" / "notes").glob("*.md"))
    collected = collected_blocks(notes, ROOT)
    shown = {
        page.name: rendered_blocks(built_site / "notes" / page.stem / "index.html")
        for page in notes
        if page.stem != "index"
    }
    # The 12 blocks of the notes, plus the site's setup and CPU-variant blocks.
    assert sum(len(blocks) for blocks in shown.values()) == sum(len(b) for b in collected.values())
    every_code = "\n".join(block.code for blocks in collected.values() for block in blocks)
    for first_line in [
        "torch_tensor = torch.from_numpy(np_array)",
        "predicted_test = torch.where(outputs_test > 0.4, 1, 0).bool() ",
        "layers = [nn.Conv2d(3, 16, kernel_size=3), nn.Conv2d(16, 16, kernel_size=3)]",
        "softmax_layer = nn.Softmax(dim=1)",
        "probs = torch.nn.functional.softmax(model_preds, dim=1)",
        "reshaped_tensor = tensor_b.reshape(tensor_a.shape)",
        "print(torch.unique(target))",
        "torch.set_printoptions(profile=\"full\")  # Set print options to 'full'",
        "summary(model, input_size=(channels, height, width))",
        "class MyDummy(torch.nn.Module):",
        "class MyModule(torch.nn.Module):",
        "self.register_buffer('running_mean', torch.zeros(num_features))",
    ]:
        assert first_line in every_code


# --- planted faults, each in a small site built with the project's Markdown settings ---


def small_site(tmp_path: Path, pages: dict[str, str], **markdown_changes: Any) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = []
    for ext in config["markdown_extensions"]:
        name = ext if isinstance(ext, str) else next(iter(ext))
        if name == "pymdownx.snippets":
            continue
        if name in markdown_changes:
            ext = {name: markdown_changes.pop(name)}
        extensions.append(ext)
    extensions += [{name: options} for name, options in markdown_changes.items()]
    small = {
        "site_name": "planted",
        "theme": {"name": "material"},
        "markdown_extensions": extensions,
        "docs_dir": "docs",
    }
    (tmp_path / "docs").mkdir()
    for name, text in pages.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(small), encoding="utf-8")
    check_build(tmp_path, tmp_path / "site")
    return tmp_path


SETUP_AND_SNIPPET = """# Page

??? example "Setup for the next snippet"
    ```python
    x = 1
    ```

```python continuation
print(x)
```
"""


def check(tmp: Path) -> list[str]:
    return [m.describe() for m in compare_site(tmp / "docs", tmp / "site", tmp / "src", ROOT)]


def test_small_site_with_the_project_settings_passes(tmp_path: Path) -> None:
    tmp = small_site(tmp_path, {"index.md": SETUP_AND_SNIPPET})
    assert check(tmp) == []


def test_fence_options_without_relaxed_headers_are_caught(tmp_path: Path) -> None:
    tmp = small_site(
        tmp_path,
        {"index.md": SETUP_AND_SNIPPET},
        **{"pymdownx.superfences": {"relaxed_headers": False}},
    )
    problems = check(tmp)
    assert len(problems) == 1
    assert "the site shows 1 Python block(s), pytest runs 2" in problems[0]


def test_a_block_in_a_content_tab_that_pytest_cannot_see_is_caught(tmp_path: Path) -> None:
    page = '# Page\n\n=== "Tab"\n\n    ```python\n    x = 1\n    ```\n'
    tmp = small_site(tmp_path, {"index.md": page}, **{"pymdownx.tabbed": {"alternate_style": True}})
    problems = check(tmp)
    assert len(problems) == 1
    assert "the site shows 1 Python block(s), pytest runs 0" in problems[0]


def test_a_notest_block_is_caught(tmp_path: Path) -> None:
    page = "# Page\n\n```python notest\nraise RuntimeError\n```\n"
    tmp = small_site(tmp_path, {"index.md": page})
    assert "the site shows 1 Python block(s), pytest runs 0" in check(tmp)[0]


def test_a_block_changed_between_page_and_test_is_caught(tmp_path: Path) -> None:
    tmp = small_site(tmp_path, {"index.md": SETUP_AND_SNIPPET})
    html = tmp / "site" / "index.html"
    html.write_text(html.read_text(encoding="utf-8").replace("print", "len"), encoding="utf-8")
    problems = check(tmp)
    assert "first difference at block 2" in problems[0]
