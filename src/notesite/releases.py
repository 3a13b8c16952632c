"""The shape of a release's results (``outputs/releases/<version>.json``), checked on reading.

Each test's entry is a mapping with an ``outcome`` of ``passed``, ``failed`` or ``skipped``,
a text ``detail``, and, for a block's test, a text ``block``. Anything else (an outcome
``"exploded"`` or ``3``, a detail that is a number) is an error naming the file and the test:
an unknown outcome once counted as a pass.
"""

from __future__ import annotations

from typing import Any

#: The outcomes a test of a release can have.
OUTCOMES = ("passed", "failed", "skipped")


def check_results(results: dict[str, Any], where: str) -> None:
    """Check each test's entry of a release's results.

    Args:
        results: The file's ``results``: test id -> its entry.
        where: The file, as messages name it.

    Raises:
        notesite.matrix.ResultsError: At the first entry of the wrong shape, naming it.
    """
    from notesite.matrix import ResultsError

    for test, entry in results.items():
        if not isinstance(entry, dict):
            raise ResultsError(
                f"{where}: expected each test's result to be a mapping, got "
                f"{type(entry).__name__} for {test}"
            )
        outcome = entry.get("outcome")
        if not isinstance(outcome, str) or outcome not in OUTCOMES:
            raise ResultsError(
                f"{where}: expected the outcome of {test} to be one of {', '.join(OUTCOMES)}, "
                f"got {outcome!r}"
            )
        for key in ("detail", "block"):
            if key in entry and not isinstance(entry[key], str):
                raise ResultsError(
                    f"{where}: expected the {key} of {test} to be text, got "
                    f"{type(entry[key]).__name__} {entry[key]!r}"
                )
