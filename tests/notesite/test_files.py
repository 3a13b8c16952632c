"""Every write whole, or none: one file, a sync's set of files, one sync at a time.

The sync is killed (SIGKILL) at spread-out moments and made to fail at each of its renames;
after the next sync's first step (:func:`finish_interrupted`) the project's files are all as
before or all as after, never a mix.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from notesite import files
from notesite.files import JOURNAL, STAGED, Transaction, recover, write_whole
from notesite.notebook import notebook_path, write_notebooks
from notesite.outputs import Entry, dump, load
from notesite.project import Project
from notesite.sync import sync
from notesite.sync.command import finish_interrupted

FIXTURE = Path(__file__).parent / "sync" / "project"
POST = """---
title: Autograd Notes
---

## Gradients

- `loss.backward()` fills `.grad`

## Leaves

- a tensor made by the user is a leaf
"""
#: What the sync writes beside the project's files: its report.
REPORT = "sync-report.md"


def tree(root: Path) -> dict[str, str]:
    """Every file of the project but the report, by path, with the hash of its bytes."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != REPORT
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (tmp_path / "autograd.md").write_text(POST, encoding="utf-8")
    return root


def after_state(tmp_path: Path, project: Path) -> dict[str, str]:
    """The project's files after a whole sync of the post (on a copy)."""
    done = tmp_path / "done"
    shutil.copytree(project, done)
    sync(Project.at(done), tmp_path / "autograd.md", new_post=True, run_blocks=False)
    return tree(done)


def test_write_whole_replaces_keeps_the_mode_and_escapes_a_lone_surrogate(tmp_path: Path) -> None:
    target = tmp_path / "misc.ipynb"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_whole(target, "out: \ud800\n")
    assert target.read_bytes() == b"out: \\ud800\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["misc.ipynb"]


def test_a_failed_write_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "record.txt"
    target.write_text("before\n", encoding="utf-8")

    def no_room(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", no_room)
    with pytest.raises(OSError, match="No space left"):
        write_whole(target, "after\n")
    assert target.read_text(encoding="utf-8") == "before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["record.txt"]


def test_a_lone_surrogate_in_an_output_leaves_whole_notebooks_and_records(project: Path) -> None:
    """``print('\\ud800')`` once left misc.ipynb at 0 bytes, which the strict build published."""
    proj = Project.at(project)
    src = proj.note_pages[0]
    record = proj.record_path(src)
    entries = load(record, project)
    entries[0] = Entry(entries[0].key, entries[0].block, entries[0].line, "bad \ud800 text\n")
    write_whole(record, dump(entries, f"docs/{src}"))
    assert load(record, project)[0].stdout is not None
    write_notebooks(proj)
    notebook = project / "docs" / notebook_path(src)
    assert notebook.stat().st_size > 0
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert any("bad" in "".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


@pytest.mark.parametrize("crash_at", [0, 1, 2, 3])
def test_a_sync_that_fails_at_any_rename_is_finished_by_the_next(
    tmp_path: Path, project: Path, crash_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(project)
    after = after_state(tmp_path, project)
    real = os.replace
    calls = {"n": 0}

    def crash(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith(JOURNAL):  # the journal itself goes through
            real(src, dst)
            return
        if calls["n"] == crash_at:
            raise KeyboardInterrupt  # as a kill would stop it: no clean-up runs
        calls["n"] += 1
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        sync(Project.at(project), tmp_path / "autograd.md", new_post=True, run_blocks=False)
    monkeypatch.setattr(files.os, "replace", real)
    assert (project / JOURNAL).is_file()
    assert finish_interrupted(project)
    assert tree(project) == after
    assert tree(project) != before


def test_staged_files_without_a_journal_are_dropped(project: Path) -> None:
    before = tree(project)
    transaction = Transaction(project)
    transaction.write(project / "mkdocs.yml", "nav: []\n")
    assert any(name.endswith(STAGED) for name in os.listdir(project))
    assert recover(project)
    assert tree(project) == before


@pytest.mark.slow  # syncs a project in a subprocess
def test_a_killed_sync_leaves_the_project_as_before_or_as_after(
    tmp_path: Path, project: Path
) -> None:
    before = tree(project)
    after = after_state(tmp_path, project)
    command = [sys.executable, "-m", "notesite", "sync", "--new", str(tmp_path / "autograd.md")]
    start = time.perf_counter()
    subprocess.run([*command, "--root", str(tmp_path / "done")], capture_output=True, check=False)
    whole = time.perf_counter() - start  # a sync of an unchanged post: about as long
    seen = set()
    # Spread over the sync, at a few seeded random moments, and once after it has ended
    # (None: the kill waits for the sync's own end, not for a guess at it).
    spread = [whole * k / 5 for k in range(1, 6)]
    delays = spread + [whole * r for r in random.Random(28).sample([0.1 * k for k in range(12)], 4)]
    for n, delay in enumerate([*delays, None]):
        copy = tmp_path / f"kill-{n}"
        shutil.copytree(project, copy)
        child = subprocess.Popen(
            [*command, "--root", str(copy)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if delay is None:
            assert child.wait() == 0
        else:
            time.sleep(delay)
        child.send_signal(signal.SIGKILL)  # after wait(): Popen sends nothing to a reaped child
        child.wait()
        finish_interrupted(copy)
        state = tree(copy)
        assert state in (before, after), sorted(set(state.items()) ^ set(after.items()))
        seen.add("before" if state == before else "after")
    assert "after" in seen  # the last kill comes after the sync's end


def test_two_new_posts_at_once_both_land(tmp_path: Path, project: Path) -> None:
    """Two ``--new`` syncs at once once dropped a nav section (3 of 16 runs)."""
    other = tmp_path / "numpy.md"
    other.write_text(POST.replace("Autograd Notes", "NumPy Notes"), encoding="utf-8")
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "notesite", "sync", "--new", str(post), "--root", str(project)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for post in (tmp_path / "autograd.md", other)
    ]
    for child in children:
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
    nav = Project.at(project).nav
    assert "notes/autograd.md" in nav  # each post: one page, one entry of the notes
    assert "notes/numpy.md" in nav
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count("\n      - 'Autograd Notes") == 1
    assert config.count("\n      - 'NumPy Notes") == 1
