"""A block whose output varies from run to run: when to look, what it is called, what to do.

The recording runner runs a block twice before it records it (:mod:`notesite.runner.probes`):
with its generators seeded otherwise, or the clock set ahead, and in another interpreter
where its output may show strings in the order of their hashes (:func:`hashed`). A block
that prints otherwise gets the verdict "varies" (:func:`varies_outcome`) and a message that
names the cause and what to do (:func:`varies_message`).
"""

from __future__ import annotations

import ast

from notesite import model
from notesite import outputs as _outputs
from notesite.runner.probes import CLOCK_SHIFT
from notesite.verdicts import Outcome, Verdict

__all__ = ["hashed", "recorded_varies", "shift", "varies_message", "varies_outcome"]


#: Calls whose result may come in the order of its strings' hashes (or be a hash).
_HASHED_CALLS = frozenset(
    {"set", "frozenset", "hash", "union", "intersection", "difference", "symmetric_difference"}
)


def hashed(code: str, stdout: str, result: str | None) -> bool:
    """Whether a block may show strings in the order of their hashes, salted per interpreter.

    Its code makes a set (``{...}``, a set comprehension, ``set()``, ``frozenset()``, a set
    operation) or a hash (``hash()``), or its output shows a set: only then is a second
    interpreter needed to see whether it prints alike.
    """
    if any(mark in stdout + (result or "") for mark in ("set(", "frozenset(", "{'", '{"')):
        return True
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Set | ast.SetComp):
            return True
        if isinstance(node, ast.Call):
            function = node.func
            name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
            if name in _HASHED_CALLS:
                return True
    return False


def varies_message(block: model.Block, name: str, cause: list[str] | None = None) -> str:
    """Why a block prints something else on every run, and what to do: the cause named."""
    expected = f"expected block {block.number} of {name} to print the same on every run, got "
    if cause == ["date"]:
        return (
            f"{expected}another output with the clock set {shift()} ahead: it prints the date "
            "or time (datetime.date.today(), datetime.datetime.now(), time.time(), "
            "time.strftime()), and would fail once the day is over. Print something that does "
            "not change (a duration rounded, a fixed date), then record it"
        )
    if cause == ["interpreter"]:
        return (
            f"{expected}another output in another Python process: it prints what each "
            "interpreter orders its own way (the order of a set of strings or of a dict built "
            "from one: string hashes are salted per process; hash(), id()). Print it sorted "
            "(sorted(...)) or print something that does not change, then record it"
        )
    if cause == ["clock"]:
        return (
            f"{expected}another output on a second run with the same seeds: it prints something "
            "that changes between runs (a clock, a date, a process id, an address, random "
            "numbers the operating system seeds: numpy.random.default_rng(), torch.seed()). "
            "Print something that does not change (a duration rounded, a shape, a comparison, "
            "numbers from a seeded generator), then record it"
        )
    return (
        f"{expected}another output when its random generators were seeded otherwise: it prints "
        "unseeded random numbers. Seed it (torch.manual_seed(0), random.seed(0), "
        "numpy.random.seed(0)) or print something that does not change, then record it"
    )


def varies_outcome(cause: list[str]) -> Outcome:
    """The verdict of a block that varies, its detail naming the cause."""
    if cause == ["date"]:
        detail = f"prints the date or time: another output with the clock set {shift()} ahead"
    elif cause == ["interpreter"]:
        detail = "prints what each interpreter orders its own way (a set of strings, hash())"
    elif cause == ["clock"]:
        detail = "prints something that changes between runs (a clock, a process id)"
    else:
        detail = "another output when its random generators are seeded otherwise"
    return Outcome(Verdict.VARIES, detail)


def recorded_varies(entry: _outputs.Entry) -> bool:
    """Whether a record holds the verdict that its block varies, whatever the cause."""
    try:
        return Outcome.parse(entry.verdict or "").verdict is Verdict.VARIES
    except ValueError:
        return False


def shift() -> str:
    """:data:`CLOCK_SHIFT` in words: ``397 days and 5:31:07``."""
    hours, rest = divmod(CLOCK_SHIFT.seconds, 3600)
    return f"{CLOCK_SHIFT.days} days and {hours}:{rest // 60:02d}:{rest % 60:02d}"
