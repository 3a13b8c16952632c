"""One exception base: every error notesite raises is a NotesiteError, of one of two kinds."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import notesite
from notesite.errors import GateFailure, InputError, NotesiteError

#: Errors that are a block's own result, carried from its process (not notesite's errors).
A_BLOCK_S = {"BlockError", "NetworkRefused", "BlockTimeout", "MemoryLimitExceeded"}


def test_every_error_class_of_notesite_has_the_one_base() -> None:
    found = {}
    for info in pkgutil.walk_packages(notesite.__path__, "notesite."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and name not in A_BLOCK_S
            ):
                found[f"{module.__name__}.{name}"] = value
    assert len(found) >= 10
    outside = sorted(name for name, cls in found.items() if not issubclass(cls, NotesiteError))
    assert outside == [], f"errors without the NotesiteError base: {outside}"


def test_the_kinds_keep_what_callers_catch() -> None:
    assert issubclass(InputError, ValueError)
    assert issubclass(GateFailure, AssertionError)
