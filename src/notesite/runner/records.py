"""Writing a page's record, under a lock shared by every process on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from notesite import outputs as _outputs
from notesite.project import Project
from notesite.runner.state import PageRun, State


def project_lock(project: Project) -> Any:
    """A lock on the project's records and notebooks, shared by every process on this machine."""
    import hashlib
    import tempfile

    from filelock import FileLock

    digest = hashlib.sha256(str(project.root.resolve()).encode()).hexdigest()[:16]
    return FileLock(Path(tempfile.gettempdir()) / f"notesite-{digest}.lock")


def write_record(run: PageRun, state: State, project: Project) -> None:
    """Write a page's record: its new outputs merged into what is on disk now."""
    # What is on disk now: another worker may have written the page's record since this one
    # read it.
    run.entries = {e.key: e for e in _outputs.load(run.record, project.root)}
    old = list(run.entries.values())
    if not state.update:
        # Provenance only: keep the recorded outputs, add where the block passed.
        fresh = {}
        for key, entry in run.new.items():
            kept = run.entries.get(key)
            if kept is not None and kept.skipped and not kept.verified and entry.verified:
                # First run where the block could run: record its output too.
                fresh[key] = _outputs.Entry(
                    key,
                    kept.block,
                    kept.line,
                    entry.stdout,
                    entry.result,
                    entry.verified,
                    kept.skipped,
                )
            elif kept is not None and entry.verified:
                fresh[key] = _outputs.Entry(
                    key,
                    kept.block,
                    kept.line,
                    kept.stdout,
                    kept.result,
                    {**kept.verified, **entry.verified},
                    kept.skipped,
                )
        run.new = fresh
    current = [(b.key, b.number, b.line) for b in run.page.blocks]
    merged = _outputs.merge(old, current, run.new)
    name = (project.docs_dir / run.page.src_uri).relative_to(project.root).as_posix()
    text = _outputs.dump(merged, name)
    if run.record.is_file() and run.record.read_text(encoding="utf-8") == text:
        return  # unchanged: not rewritten
    from notesite.files import write_whole

    write_whole(run.record, text)  # whole or not at all; a lone surrogate escaped
