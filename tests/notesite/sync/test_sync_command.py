"""The sync as a contributor runs it: the command, new posts, round trips, replays, bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from conftest import ORIGINAL, Fixture

from notesite.__main__ import main
from notesite.fidelity import rebuild_page
from notesite.model import CHECKED, parse_page
from notesite.sync import SyncError

Replace = Callable[[str, str], Callable[[str], str]]

OTHER_POST = """---
title: Autograd Notes
---

## Gradients

- `loss.backward()` fills `.grad`
"""


def test_the_command_writes_its_report_and_exits_0(
    fixture: Fixture, replace: Replace, capsys: pytest.CaptureFixture[str]
) -> None:
    post = fixture.version(replace("- `tensor.numel()`", "- `tensor.numel()` (or `len`)"))
    status = main(["sync", str(post), "--root", str(fixture.root)])
    out = capsys.readouterr().out
    assert status == 0
    assert (fixture.root / "sync-report.md").read_text(encoding="utf-8") in out
    assert "- Units: 0 added, 1 changed, 0 moved, 0 removed." in out


def test_the_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["sync", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "``" not in out
        assert ":mod:" not in out
        assert "usage: python -m notesite" in out


def test_a_new_post_gets_its_own_pages(fixture: Fixture) -> None:
    post = fixture.scratch / "autograd.md"
    post.write_text(OTHER_POST, encoding="utf-8")
    outcome = fixture.sync(post, new_post=True)
    fixture.gate()
    project = fixture.project
    assert project.note_pages == [
        "notes/creating-tensors.md",
        "notes/modules.md",
        "notes/autograd.md",
    ]
    assert (fixture.root / "notes-original" / "autograd.md").read_text() == OTHER_POST
    assert (fixture.root / "notes-original" / ORIGINAL).is_file()
    assert "(a new post)" in outcome.report


@pytest.mark.parametrize(
    ("name", "title", "expected"),
    [
        pytest.param(
            ORIGINAL,
            "Autograd Notes",
            "basics.md: expected a file name that no post of the site has, got "
            "notes-original/basics.md, the original of 'Tensor Basics'",
            id="file-name",
        ),
        pytest.param(
            "modules.md",
            "Misc",
            "modules.md: expected pages of their own, got docs/notes/modules of an existing "
            "page: docs/notes/modules.md (the page 'Modules'); the new post would replace it",
            id="page",
        ),
        pytest.param(
            "tensor-basics.md",
            "Tensor basics!",
            "tensor-basics.md: expected pages of their own, got docs/notes/tensor-basics of an "
            "existing page: docs/notes/tensor-basics/",
            id="page-folder",
        ),
    ],
)
def test_new_never_overwrites_another_post(
    fixture: Fixture, name: str, title: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (fixture.root / "docs" / "notes" / "tensor-basics").mkdir()
    post = fixture.scratch / name
    post.write_text(OTHER_POST.replace("Autograd Notes", title), encoding="utf-8")
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        fixture.sync(post, new_post=True)
    assert str(caught.value).startswith(expected)
    assert fixture.tree() == before
    assert main(["sync", str(post), "--new", "--root", str(fixture.root)]) == 2
    assert expected in capsys.readouterr().err
    assert fixture.tree() == before


def author_lines(fixture: Fixture) -> list[str]:
    """The author's lines of the pages, in order, as the fidelity gate rebuilds them."""
    return [line.strip() for page in fixture.project.notes() for line in rebuild_page(page)]


def test_a_round_trip_gives_back_the_original(fixture: Fixture, replace: Replace) -> None:
    """Version B, then the original A again: A's words on the pages, B's removals listed."""
    original = fixture.scratch / "original.md"
    original.write_text(fixture.original, encoding="utf-8")
    expected = [line.strip() for line in fixture.original.split("---\n", 2)[2].splitlines()]

    def b_version(text: str) -> str:
        text = text.replace("- `tensor.numel()` counts the elements\n", "- counting: `numel`\n")
        text = text.replace("    - is not a parameter.\n", "\n- Is NOT a parameter.\n")
        return text.replace("### From Python\n", "### From Python lists\n")

    first = fixture.sync(fixture.version(b_version, "b.md"))
    assert '- check "Checked: `numel()` counts the elements": removed' in first.report
    second = fixture.sync(original)
    fixture.gate()
    assert [line for line in author_lines(fixture) if line] == [line for line in expected if line]
    # What B removed stays removed; what B kept comes back with its boxes.
    assert "Checked: `numel()` counts the elements" not in fixture.page("creating-tensors.md")
    assert "Checked: a buffer is not a parameter" in fixture.page("modules.md")
    assert "- Additions removed or flagged: 0." in second.report


def test_revisions_replayed_one_after_the_other(fixture: Fixture, replace: Replace) -> None:
    """Each revision onto the result of the last, as the author would publish them."""
    revisions = [
        replace(
            "  - `torch.as_tensor` may share it\n",
            "  - `torch.as_tensor` may share it\n  - `torch.asarray` too\n",
        ),
        lambda t: t.replace("- A module made of layers\n", "### A module made of layers\n"),
        lambda t: t.replace("### A module made of layers\n", "### Modules of layers\n"),
        lambda t: t.replace("print(x.sum())\n", "print(x.sum())  # see tensor(3.)\n"),
        lambda t: t + "\n## Saving\n\n- `torch.save(model.state_dict(), path)`\n",
        lambda t: t.replace("\n## Saving\n\n- `torch.save(model.state_dict(), path)`\n", ""),
    ]
    for k, change in enumerate(revisions):
        post = fixture.version(change, f"rev{k}.md")
        fixture.sync(post)
        fixture.gate()
        assert fixture.original == post.read_text(encoding="utf-8")
    text = fixture.page("modules.md")
    assert "## Modules of layers\n" in text
    assert "`torch.asarray` too" in fixture.page("creating-tensors.md")
    assert fixture.project.note_pages == ["notes/creating-tensors.md", "notes/modules.md"]
    statuses = [c.status for p in fixture.project.notes() for c in p.claims]
    assert statuses.count(CHECKED) == 8


def test_a_page_the_sync_cannot_read_stops_it_with_its_place(
    fixture: Fixture, replace: Replace
) -> None:
    page = fixture.root / "docs" / "notes" / "modules.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            '??? success "Checked: the layers make one model"', '??? success "the layers"'
        ),
        encoding="utf-8",
    )
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        fixture.sync(fixture.version(replace("- A module", "- One module")))
    assert str(caught.value).startswith(
        'docs/notes/modules.md:25: expected a check title "Checked: …"'
    )
    assert fixture.tree() == before


def test_a_page_edited_away_from_the_original_stops_the_sync(
    fixture: Fixture, replace: Replace
) -> None:
    page = fixture.root / "docs" / "notes" / "modules.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("- A module made of layers", "- A module"),
        encoding="utf-8",
    )
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        fixture.sync(fixture.version(replace("- `tensor.numel()`", "- `numel()`")))
    message = str(caught.value)
    assert message.startswith("docs/notes/modules.md:13: expected line ")
    assert "('- A module made of layers'), got '- A module'" in message
    assert fixture.tree() == before


def test_every_page_written_parses(fixture: Fixture, replace: Replace) -> None:
    outcome = fixture.sync(fixture.version(replace("A buffer:\n", "A buffer, in short:\n")))
    for name in outcome.written:
        if name.endswith(".md") and name.startswith("docs/"):
            parse_page((fixture.root / name).read_text(encoding="utf-8"), name[5:])
    assert "docs/notes/modules.md" in outcome.written


@pytest.mark.slow  # runs pytest on the fixture project in a subprocess
def test_a_new_block_that_does_not_run_fails_pytest_docs_at_its_line(
    fixture: Fixture, replace: Replace
) -> None:
    block = "- Loading:\n\n```python\nloader = DataLoader(dataset)\n```\n\n"
    fixture.sync(fixture.version(replace("## Modules\n", block + "## Modules\n")))
    page = fixture.project.page("notes/creating-tensors.md")
    line = next(b.line for b in page.blocks if "DataLoader" in b.code)
    number = next(b.number for b in page.blocks if "DataLoader" in b.code)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", os.devnull, "--rootdir", ".", "docs/",
         "--markdown-docs", "--markdown-docs-syntax=superfences", "--notesite",
         "-p", "no:randomly", "-p", "no:cacheprovider", "-q"],
        cwd=fixture.root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout
    failed = [ln for ln in done.stdout.splitlines() if ln.startswith("FAILED")]
    assert f"FAILED docs/notes/creating-tensors.md::[CodeFence#{number}][line:{line}]" in "\n".join(
        failed
    )
    assert "NameError: name 'DataLoader' is not defined" in done.stdout
    # The claims gate names the new bullet, which no check accounts for yet.
    assert any("creating-tensors.md::claims" in ln for ln in failed)
    assert len(failed) == 2


def test_a_report_that_cannot_be_written_stops_before_anything_is(
    fixture: Fixture, replace: Replace, capsys: pytest.CaptureFixture[str]
) -> None:
    post = fixture.version(replace("- `tensor.numel()`", "- `numel()`"))
    before = fixture.tree()
    report = fixture.scratch / "missing" / "report.md"
    assert main(["sync", str(post), "--root", str(fixture.root), "--report", str(report)]) == 2
    assert "expected --report in an existing folder" in capsys.readouterr().err
    assert fixture.tree() == before


def test_an_unreadable_original_is_named_by_its_own_path(fixture: Fixture) -> None:
    """A page error is named under docs/; an original's error once was too."""
    original = fixture.root / "notes-original" / "basics.md"
    post = fixture.version(lambda text: text.replace("## ", "## Now ", 1))
    original.write_bytes(b"# Basics\n\n\xff\xfe not UTF-8\n")
    with pytest.raises(SyncError) as caught:
        fixture.sync(post)
    assert str(caught.value).startswith("notes-original/basics.md")
