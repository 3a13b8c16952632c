"""A series in one command: several posts, folders and globs, one table, one report."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import Fixture

from notesite.__main__ import main
from notesite.sync.series import expand

POST = """---
title: {title}
date: '2022-03-{day:02d} 10:00'
tags: {tags}
---

## Part {day}

Words of part {day}.

```python
print({day})
```
"""


def write_posts(fixture: Fixture, suffix: str = ".markdown") -> Path:
    """A folder of three posts: two new ones, and one the site refuses (tags it cannot show)."""
    folder = fixture.scratch / "_posts"
    folder.mkdir()
    posts = [
        (1, "First notes", "[Notes]"),
        (2, "Second notes", "[Notes]"),
        (3, "Third", "[{a: 1}]"),
    ]
    for day, title, tags in posts:
        name = f"2022-03-{day:02d}-deep-learning-{day}{suffix}"
        (folder / name).write_text(POST.format(title=title, day=day, tags=tags), encoding="utf-8")
    (folder / "notes.txt").write_text("not a post", encoding="utf-8")
    (folder / "README.md").write_text("# The posts of the blog\n", encoding="utf-8")
    return folder


def run(fixture: Fixture, *args: str) -> int:
    return main(["sync", *args, "--root", str(fixture.root), "--timeout", "20"])


def rows(out: str) -> dict[str, list[str]]:
    """The table's rows by post: its cells."""
    found = {}
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| `"):
            found[cells[0].strip("`")] = cells[1:]
    return found


def test_a_folder_comes_in_post_after_post_with_one_table(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_posts(fixture)
    assert run(fixture, str(folder), "--new") == 2  # one post not taken
    out, err = capsys.readouterr()
    table = rows(out)
    assert list(table) == [
        "2022-03-01-deep-learning-1.markdown",
        "2022-03-02-deep-learning-2.markdown",
        "2022-03-03-deep-learning-3.markdown",
    ]
    # Status, pages, the verdicts (passes first), claims waiting, seconds.
    assert table["2022-03-01-deep-learning-1.markdown"][:4] == ["synced", "1", "1", "0"]  # one page
    assert table["2022-03-01-deep-learning-1.markdown"][-2] == "1"
    assert table["2022-03-03-deep-learning-3.markdown"][:2] == ["failed", "0"]
    assert "2022-03-03-deep-learning-3.markdown:4: expected tags as a list of words" in err
    report = (fixture.root / "sync-report.md").read_text(encoding="utf-8")
    assert report.startswith("# Sync of 3 posts\n")
    assert "## Not taken" in report
    assert "## Sync of *First notes*" in report
    assert "## Sync of *Second notes*" in report
    fixture.gate()  # both posts in, every word


def test_a_second_run_does_work_only_for_the_posts_that_changed(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_posts(fixture, ".md")  # the originals keep the posts' file names
    (folder / "2022-03-03-deep-learning-3.md").unlink()
    pattern = str(folder / "*deep-learning*")
    assert run(fixture, pattern, "--new") == 0
    capsys.readouterr()
    before = {k: v for k, v in fixture.tree().items() if k != "sync-report.md"}
    assert run(fixture, pattern, "--new") == 0
    assert [cells[0] for cells in rows(capsys.readouterr().out).values()] == ["unchanged"] * 2
    assert {k: v for k, v in fixture.tree().items() if k != "sync-report.md"} == before
    # The author edits one post: with --new it is an update, the other stays as it is.
    edited = folder / "2022-03-02-deep-learning-2.md"
    edited.write_text(edited.read_text().replace("Words of part 2.", "Words of part two."))
    assert run(fixture, pattern, "--new") == 0
    statuses = [cells[0] for cells in rows(capsys.readouterr().out).values()]
    assert statuses == ["unchanged", "updated"]
    fixture.gate()


def test_paths_folders_and_globs_name_each_post_once(fixture: Fixture) -> None:
    folder = write_posts(fixture)
    first = folder / "2022-03-01-deep-learning-1.markdown"
    found = expand([str(first), str(folder / "*-2.markdown"), str(folder), "missing.md"])
    assert [p.name for p in found] == [
        "2022-03-01-deep-learning-1.markdown",
        "2022-03-02-deep-learning-2.markdown",
        "2022-03-03-deep-learning-3.markdown",
        "missing.md",
    ]


def test_one_post_keeps_the_one_post_output(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    post = fixture.version(lambda text: text)
    assert run(fixture, str(post)) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Sync of *Tensor Basics*")
    assert "| Post | Status |" not in out


def test_make_sync_takes_a_glob(fixture: Fixture) -> None:
    """``make sync POST='glob' NEW=1`` hands the posts to the command (a dry run of make)."""
    folder = write_posts(fixture)
    makefile = Path(__file__).resolve().parents[3] / "Makefile"
    done = subprocess.run(
        ["make", "-n", "-f", str(makefile), "sync", f"POST={folder}/*-[12].markdown", "NEW=1",
         "VENV=" + str(fixture.scratch / "venv")],
        cwd=makefile.parent, capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if "-m notesite sync" in x)
    assert line.endswith(f"-m notesite sync {folder}/*-[12].markdown --new")
    shell = subprocess.run(
        ["bash", "-c", f"printf '%s\\n' {line.split('sync ', 1)[1]}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert [Path(p).name for p in shell.stdout.split()] == [
        "2022-03-01-deep-learning-1.markdown",
        "2022-03-02-deep-learning-2.markdown",
        "--new",
    ]


def test_the_site_s_own_post_under_its_blog_name_is_that_post_not_a_new_one(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    original = (fixture.root / "notes-original" / "basics.md").read_text(encoding="utf-8")
    folder = fixture.scratch / "_posts"
    folder.mkdir()
    blog = folder / "2023-05-01-tensor-basics.markdown"  # the same post, the blog's file name
    blog.write_text(original, encoding="utf-8")
    assert run(fixture, str(folder), "--new") == 0
    assert [cells[0] for cells in rows(capsys.readouterr().out).values()] == ["unchanged"]
    blog.write_text(original.replace("Tensors", "Tensors, edited", 1), encoding="utf-8")
    assert run(fixture, str(folder), "--new") == 0
    assert [cells[0] for cells in rows(capsys.readouterr().out).values()] == ["updated"]
    # A post that only copies its front matter (another date in its file name) is its own.
    blog.unlink()
    (folder / "2023-05-09-copied.markdown").write_text(original, encoding="utf-8")
    copied = original.replace("Tensors", "Other words", 1)
    (folder / "2023-05-09-copied.markdown").write_text(copied, encoding="utf-8")
    assert run(fixture, str(folder), "--new") == 0
    assert [cells[0] for cells in rows(capsys.readouterr().out).values()] == ["synced"]


def test_one_post_with_new_that_the_site_keeps_under_another_name_is_synced(
    fixture: Fixture,
) -> None:
    original = (fixture.root / "notes-original" / "basics.md").read_text(encoding="utf-8")
    blog = fixture.scratch / "2023-05-01-tensor-basics.markdown"
    blog.write_text(original, encoding="utf-8")
    before = fixture.tree()
    assert run(fixture, str(blog), "--new") == 0
    after = {k: v for k, v in fixture.tree().items() if k != "sync-report.md"}
    assert after == {k: v for k, v in before.items() if k != "sync-report.md"}


def test_the_table_counts_every_verdict_a_block_can_have(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = fixture.scratch / "_posts"
    folder.mkdir()
    (folder / "2022-03-04-tabs.md").write_text(
        "---\ntitle: Tabs\ndate: 2022-03-04\n---\n\n## Part\n\n"
        "```python\nfor i in range(2):\n\tif i:\n        print(i)\n```\n",
        encoding="utf-8",
    )
    assert run(fixture, str(folder), "--new") == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("| Post"))
    cells = [cell.strip() for cell in header.strip("|").split("|")]
    (row,) = rows(out).values()
    assert row[cells.index("Does not parse") - 1] == "1"
