"""More of the sync on the fixture project: pages and nav, records, the blocks' runs, bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ORIGINAL, Fixture

from notesite import outputs
from notesite.__main__ import main
from notesite.fidelity import check_project
from notesite.sync import (
    FAILS,
    NEEDS_CUDA,
    NEEDS_PACKAGE,
    NEEDS_SETUP,
    PASSES,
    TIMED_OUT,
    SyncError,
    undefined_names,
)

Replace = Callable[[str, str], Callable[[str], str]]


def test_a_block_indented_under_a_list_item(fixture: Fixture, replace: Replace) -> None:
    block = "    ```python\n    n = sum(p.numel() for p in model.parameters())\n    ```\n"
    item = f"- Counting parameters:\n\n{block}"
    outcome = fixture.sync(
        fixture.version(lambda text: text + "\n" + item), run_blocks=True, timeout=30
    )
    fixture.gate()
    assert fixture.page("modules.md").endswith(f"- Counting parameters:\n\n{block}")
    (run,) = outcome.runs
    assert (run.result, run.detail) == (NEEDS_SETUP, "undefined: model")


def test_a_removed_bullet_takes_its_erratum_and_its_record_stays_whole(
    fixture: Fixture, replace: Replace
) -> None:
    outcome = fixture.sync(
        fixture.version(replace("- `torch.zeros(2, 3)` makes a 3 by 2 tensor of zeros\n", ""))
    )
    fixture.gate()
    assert "torch.zeros(2, 3)` makes" not in fixture.page("creating-tensors.md")
    assert ("erratum", "Erratum: the shape is 2 by 3") in [(f.kind, f.title) for f in outcome.flags]
    project = fixture.project
    record = outputs.load(project.record_path("notes/creating-tensors.md"))
    assert [e.key for e in record] == [
        b.key for b in project.page("notes/creating-tensors.md").blocks
    ]


def test_a_removed_block_takes_its_setup_and_check(fixture: Fixture, replace: Replace) -> None:
    block = "```python\nm = nn.Module()\n```\n"
    outcome = fixture.sync(fixture.version(replace(block, "")))
    fixture.gate()
    text = fixture.page("modules.md")
    assert "m = nn.Module()" not in text
    assert text.rstrip().endswith('assert list(m.state_dict()) == ["mean"]\n        ```')
    assert 'setup "Setup for the next snippet": removed with the text it annotates' in (
        outcome.report
    )
    assert "- was line 99, code: ` m = nn.Module() `" in outcome.report
    record = outputs.load(fixture.project.record_path("notes/modules.md"))
    assert len(record) == len(fixture.project.page("notes/modules.md").blocks)


def test_a_new_section_becomes_a_page_in_the_nav(fixture: Fixture) -> None:
    section = "\n## Saving\n\n- `torch.save` writes a tensor to a file\n"
    fixture.sync(fixture.version(lambda text: text + section))
    fixture.gate()
    assert fixture.project.note_pages[-1] == "notes/saving.md"
    text = fixture.page("saving.md")
    assert text.startswith("---\npost:\n  source: basics.md\n  title: Tensor Basics\n")
    assert text.endswith("---\n\n# Saving\n\n- `torch.save` writes a tensor to a file\n")
    assert "      - notes/saving.md\n" in (fixture.root / "mkdocs.yml").read_text()


def test_two_sections_swapped_move_their_pages(fixture: Fixture) -> None:
    def swap(text: str) -> str:
        i, j = text.index("## Creating Tensors"), text.index("## Modules")
        return text[:i] + text[j:].rstrip("\n") + "\n\n" + text[i:j].rstrip("\n") + "\n"

    before = {name: fixture.page(name) for name in ("creating-tensors.md", "modules.md")}
    outcome = fixture.sync(fixture.version(swap))
    fixture.gate()
    assert fixture.project.note_pages == ["notes/modules.md", "notes/creating-tensors.md"]
    assert {name: fixture.page(name) for name in before} == before
    assert "the page moved in the nav" in outcome.report


def test_a_changed_front_matter_reaches_every_page(fixture: Fixture, replace: Replace) -> None:
    fixture.sync(fixture.version(replace("date: '2023-05-01 10:00'", "date: '2023-06-01 08:00'")))
    fixture.gate()
    for name in ("index.md", "modules.md", "creating-tensors.md"):
        assert "  date: '2023-06-01 08:00'\n" in fixture.page(name)


@pytest.mark.slow  # syncs a post and runs each new block
def test_each_new_or_changed_block_runs_alone(fixture: Fixture, replace: Replace) -> None:
    blocks = (
        "- Four kinds of block:\n\n"
        "```python\nimport torch\nprint(torch.ones(2).sum())\n```\n\n"
        "```python\nprint(undefined_here)\n```\n\n"
        "```python\nimport torch\ntorch.ones(2, 3) @ torch.ones(2, 3)\n```\n\n"
        "```python\nimport torch\ntorch.ones(2).cuda()\n```\n"
    )
    outcome = fixture.sync(fixture.version(lambda text: text + "\n" + blocks), run_blocks=True)
    results = [(r.line, r.result) for r in outcome.runs]
    page = fixture.project.page("notes/modules.md")
    lines = [b.line for b in page.blocks[-4:]]
    expected_cuda = NEEDS_CUDA if not _has_cuda() else PASSES
    assert results == list(zip(lines, [PASSES, NEEDS_SETUP, FAILS, expected_cuda], strict=True))
    failing = outcome.runs[2]
    assert failing.detail.startswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied")
    assert failing.detail.endswith(f"(page line {failing.line + 2})")
    assert "| Line | Block | Result |" in outcome.report
    # The unchanged blocks keep their records; the new ones wait for --update-outputs.
    record = {e.key for e in outputs.load(fixture.project.record_path("notes/modules.md"))}
    assert record == {b.key for b in page.blocks[:-4]}


def _has_cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def test_a_block_that_never_ends_is_reported_as_timed_out(fixture: Fixture) -> None:
    loop = "\n- A loop:\n\n```python\nwhile True:\n    pass\n```\n"
    outcome = fixture.sync(fixture.version(lambda text: text + loop), run_blocks=True, timeout=1)
    (run,) = outcome.runs
    assert (run.result, run.detail) == (TIMED_OUT, "after 1 s")
    assert "timed out: after 1 s" in outcome.report


def test_undefined_names_are_the_names_read_and_never_bound() -> None:
    code = "import torch\nx = torch.ones(2)\ndef f(a):\n    return a + b\nprint(model(x), f(1))\n"
    assert undefined_names(code) == ["b", "model"]
    # Jupyter's builtins are no setup to write: display(x) needs x only.
    assert undefined_names("display(x)") == ["x"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            "Just some notes.\n\n## A section\n",
            "post.md: expected the file name of a post on the site, or the title and date of one "
            "('Tensor Basics' (basics.md)), got 'post.md' ('post', no date)",
            id="no-front-matter-titled-by-its-file-name",
        ),
        pytest.param(
            "---\ntitle: Tensor Basics\ndate: 2020-01-01\n---\n\n## Creating Tensors\n",
            "post.md: expected the file name of a post on the site, or the title and date of one "
            "('Tensor Basics' (basics.md)), got 'post.md' ('Tensor Basics', 2020-01-01)",
            id="its-title-with-another-date",
        ),
        pytest.param(
            "---\ntitle: Another Post\n---\n\n## Section\n\nText.\n",
            "post.md: expected the file name of a post on the site, or the title and date of one "
            "('Tensor Basics' (basics.md)), got 'post.md' ('Another Post', no date). To add it "
            "as another post, run `make sync POST=post.md NEW=1` (--new)",
            id="other-title",
        ),
        pytest.param(
            "---\n- a\n- list\n---\n\n## Section\n",
            "post.md: expected a post, got a file that cannot be read",
            id="front-matter-not-a-mapping",
        ),
    ],
)
def test_a_file_that_is_not_a_post_of_the_site_changes_nothing(
    fixture: Fixture, text: str, error: str
) -> None:
    post = fixture.scratch / "post.md"
    post.write_text(text, encoding="utf-8")
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        fixture.sync(post)
    assert str(caught.value).startswith(error)
    assert fixture.tree() == before


def test_an_unreadable_path_changes_nothing(fixture: Fixture) -> None:
    before = fixture.tree()
    for path in (fixture.scratch / "missing.md", fixture.scratch):
        with pytest.raises(SyncError, match="expected a readable Markdown file, got"):
            fixture.sync(path)
    binary = fixture.scratch / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00")
    bad_byte = r"binary\.md:1: expected UTF-8 text, got the byte 0xff \(column 1\)"
    with pytest.raises(SyncError, match=bad_byte):
        fixture.sync(binary)
    assert fixture.tree() == before


def test_a_nav_the_sync_cannot_edit_stops_it(fixture: Fixture) -> None:
    config = fixture.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      - notes/creating-tensors.md\n",
            "      - notes/creating-tensors.md\n      - Again: other.md\n",
        ),
        encoding="utf-8",
    )
    section = "\n## Saving\n\n- `torch.save` writes a tensor to a file\n"
    before = fixture.tree()
    with pytest.raises(SyncError, match=r"mkdocs\.yml: expected the post.s pages"):
        fixture.sync(fixture.version(lambda text: text + section))
    assert fixture.tree() == before


def test_a_page_of_no_post_fails_the_fidelity_gate(fixture: Fixture) -> None:
    page = fixture.root / "docs" / "notes" / "modules.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("source: basics.md", "source: other.md", 1),
        encoding="utf-8",
    )
    report = check_project(fixture.project)
    assert not report.ok
    assert "notes/modules.md: expected its front matter to name a post of notes-original/" in (
        report.diff
    )


def test_two_posts_sync_each_on_its_own(fixture: Fixture) -> None:
    post = fixture.scratch / "numpy-notes.md"
    post.write_text(
        "---\ntitle: NumPy Notes\nsubtitle: Arrays\ndate: '2023-05-01'\ntags:\n  - Python\n---\n\n"
        "## Arrays\n\n- `np.zeros(3)` is three zeros\n\n```python\nimport numpy as np\n"
        "print(np.zeros(3))\n```\n\n## Shapes\n\n- `a.shape` is a tuple\n",
        encoding="utf-8",
    )
    outcome = fixture.sync(post, new_post=True, run_blocks=True)
    project = fixture.project
    assert project.note_pages[-1] == "notes/numpy-notes.md"
    fixture.gate()
    assert [r.result for r in outcome.runs] == [PASSES]
    assert fixture.unchecked() == [
        "notes/numpy-notes.md: - `np.zeros(3)` is three zeros",
        "notes/numpy-notes.md: - `a.shape` is a tuple",
    ]
    with pytest.raises(SyncError, match=r"to update that post, run the sync without --new"):
        fixture.sync(post, new_post=True)
    # The first post still syncs on its own, and so does the second.
    original = fixture.root / "notes-original" / ORIGINAL
    assert fixture.sync(original).written == []
    assert fixture.sync(post).written == []


def test_the_command_refuses_bad_input_with_status_2(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    post = fixture.scratch / "post.md"
    post.write_text("no front matter\n", encoding="utf-8")
    assert main(["sync", str(post), "--root", str(fixture.root)]) == 2
    err = capsys.readouterr().err
    assert "error: post.md: expected the file name of a post on the site" in err
    assert "Nothing was written." in err
    assert main(["sync", str(post), "--root", str(fixture.root), "--timeout", "0"]) == 2
    assert not (fixture.root / "sync-report.md").exists()


def test_a_name_updated_before_it_is_bound_needs_setup() -> None:
    assert undefined_names("total += step\n") == ["total", "step"]
    assert undefined_names("total = 0\ntotal += step\n") == ["step"]
    assert undefined_names("for k in range(3):\n    count += k\n") == ["count"]


def test_each_verdict_is_the_one_pytest_docs_gives(fixture: Fixture) -> None:
    (fixture.root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n', encoding="utf-8"
    )
    blocks = (
        "- Three more blocks:\n\n"
        "```python\ntotal += step\n```\n\n"
        "```python\nimport some_absent_package\n\nprint(some_absent_package.__name__)\n```\n\n"
        '```python\nimport warnings\n\nwarnings.warn("a gentle notice")\nprint("done")\n```\n'
    )
    outcome = fixture.sync(fixture.version(lambda text: text + "\n" + blocks), run_blocks=True)
    verdicts = [(r.result, r.detail) for r in outcome.runs]
    assert verdicts[0] == (NEEDS_SETUP, "undefined: total, step")
    assert verdicts[1][0] == NEEDS_PACKAGE
    assert verdicts[1][1].startswith("some_absent_package (add the package that provides it")
    assert verdicts[2][0] == FAILS
    assert verdicts[2][1].startswith("UserWarning: a gentle notice")
    assert "1 needs a package" in outcome.report


def test_a_post_with_toml_front_matter_comes_in_and_resyncs_to_nothing(fixture: Fixture) -> None:
    post = fixture.scratch / "lamp.md"
    post.write_text(
        '+++\n# Hugo writes TOML\ntitle = "Lamp notes"\ndate = 2021-03-04\n+++\n\n'
        "## Light\n\nA lamp gives light.\n",
        encoding="utf-8",
    )
    fixture.sync(post, new_post=True)
    fixture.gate()
    text = fixture.page("lamp.md")
    assert text.startswith(
        "---\npost:\n  source: lamp.md\n  title: Lamp notes\n  date: 2021-03-04\n---\n"
    )
    assert text.endswith(
        "\n# Lamp notes\n\n<!-- ptnotes:post -->\n\n## Light\n\nA lamp gives light.\n"
    )
    assert fixture.sync(post).written == []


def test_a_post_without_subtitle_gets_a_byline_without_one() -> None:
    from notesite.render.byline import byline

    assert byline({"title": "Gardening notes", "date": "2021-03-04"}) == (
        '<p class="post-byline">From the post <em>Gardening notes</em>, written '
        '<time datetime="2021-03-04">2021-03-04</time>.</p>'
    )
    assert "()" not in byline({"title": "Gardening notes"})


def test_a_name_deleted_is_needed_and_a_case_pattern_binds() -> None:
    assert undefined_names("del model\n") == ["model"]
    assert undefined_names("model = 1\ndel model\n") == []
    match = (
        "match cmd:\n    case [a, *rest]:\n        print(a, rest)\n"
        "    case {**others}:\n        pass\n"
    )
    assert undefined_names(match) == ["cmd"]


def test_a_block_that_deletes_what_a_block_above_made_continues_it(fixture: Fixture) -> None:
    post = fixture.scratch / "memory.md"
    post.write_text(
        "---\ntitle: Memory\n---\n\n## Freeing\n\n```python\nmodel = [1, 2]\n```\n\n"
        '```python\ndel model\nprint("freed")\n```\n',
        encoding="utf-8",
    )
    outcome = fixture.sync(post, new_post=True, run_blocks=True, timeout=30)
    fixture.gate()
    assert "```python continuation\ndel model\n" in fixture.page("memory.md")
    assert [run.result for run in outcome.runs] == [PASSES, PASSES]
