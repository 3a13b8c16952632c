"""One base for every error notesite raises: a caller catches :class:`NotesiteError`.

Each message names the file and line where it can, and says what was expected and what was
found ("expected …, got …"). Two kinds under the base:

* :class:`InputError` (also a :class:`ValueError`): input notesite cannot take, a page, a
  record, a post, a configuration or a results file; nothing was written.
* :class:`GateFailure` (also an :class:`AssertionError`, so pytest reports it as a failed
  check): a page, a block or a claim that does not hold what its record or the rules say.
"""

from __future__ import annotations

__all__ = ["GateFailure", "InputError", "NotesiteError"]


class NotesiteError(Exception):
    """Any error of notesite's own (not a block's: a block's error is the block's result)."""


class InputError(NotesiteError, ValueError):
    """Input notesite cannot take: the message names the file, the line and what it expected."""


class GateFailure(NotesiteError, AssertionError):
    """A page, block or claim that does not hold: the message names it and what differs."""
