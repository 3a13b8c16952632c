"""The sync: a new version of the post carried onto the pages, with versions of our own."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from notesite import outputs
from notesite.__main__ import main
from notesite.fidelity import check_project, post_pages
from notesite.model import UNCHECKED, parse_page
from notesite.project import Project
from notesite.sync import (
    FAILS,
    NEEDS_CUDA,
    NEEDS_SETUP,
    PASSES,
    TIMED_OUT,
    Outcome,
    SyncError,
    sync,
    undefined_names,
)

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = ROOT / "notes-original" / "pytorch-basics.md"
V2 = Path(__file__).parent / "posts" / "pytorch-basics-v2.md"
TITLE = "Deep Learning - PyTorch Basics"


def tree(root: Path) -> dict[str, str]:
    """Every file the sync may touch, by path, with the hash of its bytes."""
    found = {}
    for folder in ("docs", "outputs", "notes-original"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    found["mkdocs.yml"] = hashlib.sha256((root / "mkdocs.yml").read_bytes()).hexdigest()
    return found


def version(tmp_path: Path, change: Callable[[str], str], name: str = "post.md") -> Path:
    """A version of the original with one change of our own."""
    path = tmp_path / name
    path.write_text(change(ORIGINAL.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def replacing(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert text.count(old) == 1, f"the version needs {old!r} once in the original"
        return text.replace(old, new)

    return change


def gate(root: Path) -> None:
    report = check_project(Project.at(root))
    assert report.ok, report.diff


def page_text(root: Path, src: str) -> str:
    return (root / "docs" / src).read_text(encoding="utf-8")


def unchecked(root: Path) -> list[str]:
    project = Project.at(root)
    return [
        f"{p.src_uri}:{c.line}: {c.text}"
        for p in project.notes()
        for c in p.claims
        if c.status == UNCHECKED
    ]


# --- no change ---


def test_a_sync_of_the_original_onto_itself_changes_nothing(project_copy: Path) -> None:
    before = tree(project_copy)
    outcome = sync(Project.at(project_copy), ORIGINAL)
    assert tree(project_copy) == before
    assert outcome.written == []
    assert outcome.removed == []
    assert "0 added, 0 changed, 0 moved, 0 removed" in outcome.report


# --- one change at a time ---


def test_an_added_bullet_under_an_existing_one(project_copy: Path, tmp_path: Path) -> None:
    new = "  - `torch.linspace(0, 1, 5)` gives five points, both ends included\n"
    anchor = (
        "  - Note, we are using the function `torch.tensor()`, not the class `torch.Tensor()`\n"
    )
    post = version(tmp_path, replacing(anchor, anchor + new))
    outcome = sync(Project.at(project_copy), post, run_blocks=False)
    gate(project_copy)
    text = page_text(project_copy, "notes/data-type-conversions.md")
    # Under the existing sub-bullet (after its check), at the site's indent for a sub-bullet.
    lines = text.splitlines()
    at = lines.index("    - `torch.linspace(0, 1, 5)` gives five points, both ends included")
    assert lines[at - 1] == ""
    assert "torch.tensor()` is a function" in "\n".join(lines[at - 25 : at])
    assert unchecked(project_copy) == [
        f"notes/data-type-conversions.md:{at + 1}: - `torch.linspace(0, 1, 5)` gives five points, "
        "both ends included"
    ]
    assert f"- line {at + 1}, prose: `` - `torch.linspace(0, 1, 5)`" in outcome.report


def test_an_added_subsection_with_a_block(project_copy: Path, tmp_path: Path) -> None:
    section = (
        "### Concatenating\n\n```python\nimport torch\n"
        "print(torch.cat([torch.ones(1)] * 2))\n```\n\n"
    )
    post = version(tmp_path, replacing("### Broadcasting\n", section + "### Broadcasting\n"))
    outcome = sync(Project.at(project_copy), post)
    gate(project_copy)
    text = page_text(project_copy, "notes/common-operations.md")
    assert "\n## Concatenating\n\n```python\nimport torch\n" in text
    assert text.index("## Concatenating") < text.index("## Broadcasting")
    (run,) = outcome.runs
    assert (run.result, run.page) == (PASSES, "notes/common-operations.md")
    # The new block has no record yet: a run with --update-outputs records it.
    record = outputs.load(Project.at(project_copy).record_path("notes/common-operations.md"))
    page = Project.at(project_copy).page("notes/common-operations.md")
    assert {b.key for b in page.blocks} - {e.key for e in record} == {page.blocks[-3].key}


def test_a_block_indented_under_a_list_item(project_copy: Path, tmp_path: Path) -> None:
    block = "    ```python\n    n = sum(p.numel() for p in model.parameters())\n    ```\n"
    item = f"- Counting parameters:\n\n{block}\n"
    post = version(tmp_path, replacing("## Advanced Topics", item + "## Advanced Topics"))
    outcome = sync(Project.at(project_copy), post)
    gate(project_copy)
    text = page_text(project_copy, "notes/misc.md")
    assert text.endswith(f"- Counting parameters:\n\n{block}")
    (run,) = outcome.runs
    assert (run.result, run.detail) == (NEEDS_SETUP, "undefined: model")


def test_a_rewritten_sentence_keeps_its_check(project_copy: Path, tmp_path: Path) -> None:
    old = "- There's no difference between `tensor.size()` and `tensor.shape`"
    new = "- There's no real difference between `tensor.size()` and the attribute `tensor.shape`"
    outcome = sync(Project.at(project_copy), version(tmp_path, replacing(old, new)))
    gate(project_copy)
    text = page_text(project_copy, "notes/common-operations.md")
    assert old not in text
    assert (
        new + '\n\n    ??? success "Checked: `tensor.size()` and `tensor.shape` are the same"'
        in text
    )
    assert unchecked(project_copy) == []
    assert "**Changed**" in outcome.report
    assert "no real difference" in outcome.report


def test_a_removed_bullet_takes_its_erratum_and_checks(project_copy: Path, tmp_path: Path) -> None:
    bullet = (
        "- `torch.var(unbiased=False)` this is to calculate [biased variance]"
        "(../2017/2017-06-03-stats-basic-recap.markdown). It's useful in batch norm calculation.\n"
    )
    outcome = sync(Project.at(project_copy), version(tmp_path, replacing(bullet, "")))
    gate(project_copy)
    text = page_text(project_copy, "notes/common-operations.md")
    assert "torch.var" not in text
    assert "biased variance" not in text
    removed = [(f.kind, f.title) for f in outcome.flags]
    assert ("erratum", "Erratum: the link to biased variance") in removed
    assert ("check", "Checked: `torch.var(unbiased=False)` is the biased variance") in removed
    assert ("check", "Checked: batch norm normalises with the biased variance") in removed
    record = Project.at(project_copy).record_path("notes/common-operations.md").read_text()
    page = Project.at(project_copy).page("notes/common-operations.md")
    assert [e.key for e in outputs.parse(record, "r")] == [b.key for b in page.blocks]


def test_a_removed_block_takes_its_setup_and_check(project_copy: Path, tmp_path: Path) -> None:
    caption = "- Checking for unique values:\n\n```python\nprint(torch.unique(target))\n```\n\n"
    outcome = sync(Project.at(project_copy), version(tmp_path, replacing(caption, "")))
    gate(project_copy)
    text = page_text(project_copy, "notes/common-operations.md")
    assert "torch.unique" not in text
    assert (
        'setup "Setup for the next snippet": removed with the text it annotates' in outcome.report
    )
    assert "- was line 249, code: ` print(torch.unique(target)) `" in outcome.report


def test_a_new_section_becomes_a_page_in_the_nav(project_copy: Path, tmp_path: Path) -> None:
    section = "\n## Saving\n\n- `torch.save` writes a tensor to a file\n"
    post = version(tmp_path, lambda text: text.rstrip("\n") + "\n" + section)
    sync(Project.at(project_copy), post, run_blocks=False)
    gate(project_copy)
    project = Project.at(project_copy)
    assert project.note_pages[-1] == "notes/saving.md"
    text = page_text(project_copy, "notes/saving.md")
    assert text.startswith("---\npost:\n  title: Deep Learning - PyTorch Basics\n")
    assert text.endswith("---\n\n# Saving\n\n- `torch.save` writes a tensor to a file\n")


def test_two_sections_swapped_move_their_pages(project_copy: Path, tmp_path: Path) -> None:
    def swap(text: str) -> str:
        i, j = text.index("## Misc"), text.index("## Advanced Topics")
        return text[:i] + text[j:].rstrip("\n") + "\n\n" + text[i:j].rstrip("\n") + "\n"

    before = {
        src: page_text(project_copy, src) for src in ("notes/misc.md", "notes/advanced-topics.md")
    }
    outcome = sync(Project.at(project_copy), version(tmp_path, swap), run_blocks=False)
    gate(project_copy)
    assert Project.at(project_copy).note_pages[-2:] == ["notes/advanced-topics.md", "notes/misc.md"]
    assert {src: page_text(project_copy, src) for src in before} == before  # pages unchanged
    assert "the page moved in the nav" in outcome.report


def test_a_changed_front_matter_reaches_every_page(project_copy: Path, tmp_path: Path) -> None:
    post = version(tmp_path, replacing("date: '2022-01-28 13:19'", "date: '2022-03-01 08:00'"))
    sync(Project.at(project_copy), post, run_blocks=False)
    gate(project_copy)
    for src in ("notes/index.md", "notes/misc.md"):
        assert "  date: '2022-03-01 08:00'\n" in page_text(project_copy, src)


def test_an_erratum_whose_line_changed_is_flagged(project_copy: Path, tmp_path: Path) -> None:
    old = "  - `model = print(model)  # Your model definition`"
    new = "  - `model = print(model)  # prints the model`"
    outcome = sync(
        Project.at(project_copy), version(tmp_path, replacing(old, new)), run_blocks=False
    )
    gate(project_copy)
    text = page_text(project_copy, "notes/misc.md")
    assert "    - `model = print(model)  # prints the model`" in text
    assert "Erratum: `model = print(model)` loses the model" not in text
    assert "flagged for review: the line it corrects changed" in outcome.report
    # The claim lost its erratum, so its check alone accounts for it: still checked.
    assert unchecked(project_copy) == []


# --- the realistic version: every kind of change at once ---


@pytest.fixture(scope="session")
def synced(
    once: Callable[[str, Callable[[Path], tuple[Path, Outcome]]], tuple[Path, Outcome]],
    project_copier: Callable[[Path], Path],
) -> tuple[Path, Outcome]:
    """A copy of the project synced to the realistic version, once per run (tests read it)."""

    def make(folder: Path) -> tuple[Path, Outcome]:
        dest = project_copier(folder / "project")
        return dest, sync(Project.at(dest), V2)

    return once("synced-v2", make)


@pytest.mark.slow  # runs with the long tests: it syncs the copy the other tests read
def test_the_realistic_version_passes_the_fidelity_gate(synced: tuple[Path, Outcome]) -> None:
    root, _ = synced
    gate(root)
    assert (root / "notes-original" / "pytorch-basics.md").read_bytes() == V2.read_bytes()


def test_the_realistic_version_runs_each_new_block(synced: tuple[Path, Outcome]) -> None:
    _, outcome = synced
    results = sorted((r.page, r.result) for r in outcome.runs)
    assert results == [
        ("notes/common-operations.md", FAILS),
        ("notes/common-operations.md", PASSES),
        ("notes/data-type-conversions.md", NEEDS_CUDA),
        ("notes/misc.md", NEEDS_SETUP),
        ("notes/neural-network-model-components.md", PASSES),
        ("notes/saving-and-loading.md", PASSES),
    ]
    failing = next(r for r in outcome.runs if r.result == FAILS)
    assert failing.detail.startswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied")
    assert failing.detail.endswith(f"(page line {failing.line + 2})")


def test_the_realistic_version_lists_what_waits_for_a_check(synced: tuple[Path, Outcome]) -> None:
    root, outcome = synced
    assert len(outcome.unchecked) == len(unchecked(root)) == 6
    for line in outcome.unchecked:
        assert line.split(":", 2)[2].strip() in outcome.report


def test_the_realistic_version_keeps_the_unchanged_records(synced: tuple[Path, Outcome]) -> None:
    root, _ = synced
    project = Project.at(root)
    for page in post_pages(project, TITLE):
        old = outputs.load(ROOT / "outputs" / f"{page.src_uri}.txt")
        new = outputs.load(project.record_path(page.src_uri))
        kept = {e.key for e in old} & {b.key for b in page.blocks}
        assert {e.key for e in new} == kept, page.src_uri


def test_the_realistic_version_report_is_markdown_per_page(synced: tuple[Path, Outcome]) -> None:
    _, outcome = synced
    report = outcome.report
    assert report.startswith("# Sync of *Deep Learning - PyTorch Basics*\n")
    for heading in (
        "## `docs/notes/data-type-conversions.md`",
        "## `docs/notes/common-operations.md`",
        "## `docs/notes/saving-and-loading.md`",
    ):
        assert heading in report
    assert "| Line | Block | Result |" in report
    assert "needs a CUDA GPU: AssertionError: Torch not compiled with CUDA enabled" in report


# --- bad input: a clear error, and nothing changes ---


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            "Just some notes.\n\n## A section\n",
            "post.md:1: expected a post: front matter (--- title: … ---) and ## sections, got no "
            "front matter",
            id="no-front-matter",
        ),
        pytest.param(
            "---\ntitle: Deep Learning - PyTorch Basics\n---\n\nOnly a paragraph.\n",
            "post.md:5: expected the post's text to start with a ## section (one page each), got "
            "'Only a paragraph.' before the first one",
            id="no-section",
        ),
        pytest.param(
            "---\ntitle: Another Post\n---\n\n## Section\n\nText.\n",
            "post.md: expected the title of a post on the site ('Deep Learning - PyTorch Basics' "
            "(pytorch-basics.md)), got 'Another Post'. To add it as another post, run "
            "`python -m notesite sync --new post.md`",
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
    project_copy: Path, tmp_path: Path, text: str, error: str
) -> None:
    post = tmp_path / "post.md"
    post.write_text(text, encoding="utf-8")
    before = tree(project_copy)
    with pytest.raises(SyncError) as caught:
        sync(Project.at(project_copy), post)
    assert str(caught.value).startswith(error)
    assert tree(project_copy) == before


def test_an_unreadable_path_changes_nothing(project_copy: Path, tmp_path: Path) -> None:
    before = tree(project_copy)
    for path in (tmp_path / "missing.md", tmp_path):
        with pytest.raises(SyncError, match="expected a readable Markdown file, got"):
            sync(Project.at(project_copy), path)
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SyncError, match=r"binary\.md: expected a readable Markdown file"):
        sync(Project.at(project_copy), binary)
    assert tree(project_copy) == before


def test_a_page_edited_away_from_the_original_stops_the_sync(project_copy: Path) -> None:
    page = project_copy / "docs" / "notes" / "misc.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("- Printing full tensors", "- Printing tensors"),
        encoding="utf-8",
    )
    before = tree(project_copy)
    with pytest.raises(SyncError) as caught:
        sync(Project.at(project_copy), V2)
    message = str(caught.value)
    assert message.startswith("docs/notes/misc.md:12: expected line ")
    assert "('- Printing full tensors'), got '- Printing tensors'" in message
    assert "the sync cannot place the changes" in message
    assert tree(project_copy) == before


def test_a_nav_the_sync_cannot_edit_stops_it(project_copy: Path, tmp_path: Path) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "      - notes/misc.md\n", "      - notes/misc.md\n      - Again: errata.md\n"
        ),
        encoding="utf-8",
    )
    section = "\n## Saving\n\n- `torch.save` writes a tensor to a file\n"
    post = version(tmp_path, lambda t: t.rstrip("\n") + "\n" + section)
    before = tree(project_copy)
    with pytest.raises(SyncError, match=r"mkdocs\.yml: expected the post.s pages"):
        sync(Project.at(project_copy), post, run_blocks=False)
    assert tree(project_copy) == before


# --- the blocks' runs ---


def test_a_block_that_never_ends_is_reported_as_timed_out(
    project_copy: Path, tmp_path: Path
) -> None:
    loop = "- A loop:\n\n```python\nwhile True:\n    pass\n```\n\n"
    post = version(tmp_path, replacing("## Advanced Topics", loop + "## Advanced Topics"))
    outcome = sync(Project.at(project_copy), post, timeout=1)
    (run,) = outcome.runs
    assert (run.result, run.detail) == (TIMED_OUT, "after 1 s")
    assert "timed out: after 1 s" in outcome.report


def test_undefined_names_are_the_names_read_and_never_bound() -> None:
    code = "import torch\nx = torch.ones(2)\ndef f(a):\n    return a + b\nprint(model(x), f(1))\n"
    assert undefined_names(code) == ["b", "model"]


# --- several posts ---


def test_a_new_post_gets_its_original_pages_and_nav(project_copy: Path, tmp_path: Path) -> None:
    post = tmp_path / "numpy-notes.md"
    post.write_text(
        "---\ntitle: NumPy Notes\nsubtitle: Arrays\ndate: '2023-05-01'\ntags:\n  - Python\n---\n\n"
        "## Arrays\n\n- `np.zeros(3)` is three zeros\n\n```python\nimport numpy as np\n"
        "print(np.zeros(3))\n```\n\n## Shapes\n\n- `a.shape` is a tuple\n",
        encoding="utf-8",
    )
    outcome = sync(Project.at(project_copy), post, new_post=True)
    project = Project.at(project_copy)
    assert (project_copy / "notes-original" / "numpy-notes.md").read_bytes() == post.read_bytes()
    assert project.note_pages[-2:] == ["notes/numpy-notes/arrays.md", "notes/numpy-notes/shapes.md"]
    assert "notes/numpy-notes/index.md" in project.nav
    gate(project_copy)  # fidelity holds for both posts
    assert [r.result for r in outcome.runs] == [PASSES]
    assert unchecked(project_copy) == [
        "notes/numpy-notes/arrays.md:12: - `np.zeros(3)` is three zeros",
        "notes/numpy-notes/shapes.md:12: - `a.shape` is a tuple",
    ]
    with pytest.raises(SyncError, match="without --new to update it"):
        sync(project, post, new_post=True)
    # The first post still syncs on its own.
    assert sync(project, ORIGINAL).written == []


def test_a_page_of_no_post_fails_the_fidelity_gate(project_copy: Path) -> None:
    page = project_copy / "docs" / "notes" / "misc.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "title: Deep Learning", "title: Shallow Learning", 1
        ),
        encoding="utf-8",
    )
    report = check_project(Project.at(project_copy))
    assert not report.ok
    assert (
        "notes/misc.md: expected its front matter to name a post of notes-original/" in report.diff
    )


# --- the command ---


def test_the_command_prints_and_writes_the_report(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", str(ORIGINAL), "--root", str(project_copy)]) == 0
    out = capsys.readouterr().out
    report = (project_copy / "sync-report.md").read_text(encoding="utf-8")
    assert out.startswith(report)
    assert "Written: 0 files; removed: 0." in out


def test_the_command_refuses_bad_input_with_status_2(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = tmp_path / "post.md"
    post.write_text("no front matter\n", encoding="utf-8")
    assert main(["sync", str(post), "--root", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert "error: post.md:1: expected a post" in err
    assert "Nothing was written." in err
    assert main(["sync", str(post), "--root", str(project_copy), "--timeout", "0"]) == 2
    assert not (project_copy / "sync-report.md").exists()


def test_the_parsed_pages_after_a_sync_still_read(synced: tuple[Path, Outcome]) -> None:
    root, _ = synced
    project = Project.at(root)
    for src in project.note_pages:
        parse_page(page_text(root, src), src)  # raises PageError if a page broke
