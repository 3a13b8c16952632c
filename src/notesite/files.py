r"""Every write whole, or none: one file at a time, a set of files at once, one sync at a time.

* :func:`write_whole` writes a file through a temporary file in its folder (flushed to disk,
  then renamed over it): a reader, or a crash, sees the old file or the new one, never part
  of one. Text that cannot be encoded (a lone surrogate printed by a block) is written
  escaped (``\\ud800``), never as a file cut short.
* :class:`Transaction` writes many files so that a crash leaves all of them as before or all
  as after: every new file is staged next to its target first, then a journal
  (:data:`JOURNAL`) names the renames, then they are done; :func:`recover` (which every sync
  runs first, under the lock) finishes a journal a crash left, or drops what was staged
  without one.
* :func:`project_lock` lets one command at a time change a project (a lock on its root
  folder): a second waits for the first.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

#: The journal of a set of writes under way (in the project root; ignored by git).
JOURNAL = ".notesite.journal"
#: How a staged file is named: ``.<name>.<random>`` + this, next to its target.
STAGED = ".notesite-new"


def _encode(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8", errors="backslashreplace")


#: How a file that :func:`write_whole` writes is named until it is renamed.
WRITING = ".notesite-tmp"


def _stage(path: Path, data: str | bytes, suffix: str = STAGED) -> Path:
    """``data`` in a new file next to ``path``, on disk, with ``path``'s mode; its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(_encode(data))
            file.flush()
            os.fsync(file.fileno())
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(name, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def write_whole(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole: a temporary file, then a rename.

    Raises:
        OSError: If it cannot be written; then ``path`` is as it was.
    """
    staged = _stage(path, data, WRITING)
    try:
        os.replace(staged, path)
    except BaseException:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Transaction:
    """Files written and removed all at once (see the module's docs).

    Args:
        root: The project root (where the journal goes).
    """

    def __init__(self, root: Path) -> None:
        """Start an empty set of writes in the project ``root``."""
        self.root = root
        self.staged: list[tuple[Path, Path]] = []
        self.removed: list[Path] = []

    def write(self, path: Path, data: str | bytes) -> None:
        """Stage ``data`` for ``path`` (written on :meth:`commit`)."""
        self.staged.append((_stage(path, data), path))

    def remove(self, path: Path) -> None:
        """Remove ``path`` on :meth:`commit`."""
        self.removed.append(path)

    def abandon(self) -> None:
        """Drop what was staged: nothing is written."""
        for staged, _ in self.staged:
            with contextlib.suppress(OSError):
                staged.unlink()
        self.staged.clear()
        self.removed.clear()

    def commit(self, then: Callable[[], object] | None = None) -> None:
        """Write the journal, then every file, then ``then()``; then drop the journal.

        ``then`` is work that follows from the files (the notebooks, from the pages): a
        crash before it ends is finished by :func:`recover`, which runs it again.
        """
        journal = {
            "renames": [[str(s), str(t)] for s, t in self.staged],
            "removes": [str(p) for p in self.removed],
            "then": then is not None,
        }
        write_whole(self.root / JOURNAL, json.dumps(journal, indent=1) + "\n")  # one rename
        _sync_folder(self.root)
        _apply(self.root, journal, then)


def _apply(root: Path, journal: dict[str, object], then: Callable[[], object] | None) -> None:
    renames = journal.get("renames", [])
    removes = journal.get("removes", [])
    assert isinstance(renames, list)
    assert isinstance(removes, list)
    for staged, target in renames:
        if Path(staged).exists():
            os.replace(staged, target)
    for target in removes:
        Path(target).unlink(missing_ok=True)
    if journal.get("then") and then is not None:
        then()
    (root / JOURNAL).unlink(missing_ok=True)
    _sync_folder(root)


def recover(root: Path, then: Callable[[], object] | None = None) -> bool:
    """Finish the writes a crash left in ``root`` (a journal), or drop staged files (none).

    Returns:
        Whether there was anything to finish or drop.
    """
    journal_path = root / JOURNAL
    found = False
    if journal_path.is_file():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None
        if isinstance(journal, dict):
            _apply(root, journal, then)
            found = True
        else:  # the journal's own write was cut: nothing was renamed yet
            journal_path.unlink()
    for folder, folders, names in os.walk(root):
        folders[:] = [f for f in folders if not f.startswith(".") and f != "site"]
        for name in names:
            if name.endswith((STAGED, WRITING)):
                Path(folder, name).unlink(missing_ok=True)
                found = True
    return found


#: The project roots whose lock this process holds.
_HELD: set[str] = set()


@contextlib.contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's lock meanwhile; wait while another command holds it.

    The lock is the project root folder's own (``flock``): no file is left behind, and the
    system releases it when its holder ends, however it ends.
    """
    key = str(root.resolve())
    if key in _HELD:  # this process holds it already (the command around the sync)
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    _HELD.add(key)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Waiting for another command that is changing {root}…", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        _HELD.discard(key)
        os.close(fd)
