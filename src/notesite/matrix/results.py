"""The release matrix's results store: ``outputs/releases/<version>.json``, read and checked.

Each file holds one release's run: per test (``results``), an entry with an ``outcome`` of
``passed``, ``failed`` or ``skipped``, a text ``detail``, and, for a block's test, a text
``block`` (``page#key``, the key being the hash of the block's code). Anything else (an
outcome ``"exploded"`` or ``3``, a detail that is a number) is an error naming the file and
the test: an unknown outcome once counted as a pass. Each file is read once per change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from notesite.errors import InputError
from notesite.project import Project

#: The results' folder, under the outputs folder.
RELEASES = "releases"
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
#: The outcomes a test of a release can have.
OUTCOMES = (PASSED, FAILED, SKIPPED)
#: A release's version, as its results file is named.
RELEASE = re.compile(r"\d+\.\d+\.\d+")

#: Each results file read, with the date it was read at.
_LOADED: dict[Path, tuple[float, dict[str, Any]]] = {}


class ResultsError(InputError):
    """A results file the matrix cannot read; the message names it and what was expected."""


def version_key(version: str) -> tuple[int, ...]:
    """A version's numbers, to order releases by (``2.10.0`` after ``2.9.1``).

    >>> version_key("2.10.1"), version_key("2.4")
    ((2, 10, 1), (2, 4))
    """
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def lower_bound(root: Path) -> str:
    """The lowest torch release the project admits (``torch>=X`` in ``pyproject.toml``).

    Raises:
        ResultsError: If ``pyproject.toml`` has no ``torch>=X``.
    """
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"torch\s*>=\s*([\d.]+)', text)
    if match is None:
        raise ResultsError(
            'pyproject.toml: expected the requirement "torch>=X" (the oldest release the '
            "project admits), got none"
        )
    return match[1]


def results_path(project: Project, version: str) -> Path:
    """Where a release's results go: ``outputs/releases/<version>.json``."""
    return project.outputs_dir / RELEASES / f"{version}.json"


def check_results(results: dict[str, Any], where: str) -> None:
    """Check each test's entry of a release's results.

    Args:
        results: The file's ``results``: test id -> its entry.
        where: The file, as messages name it.

    Raises:
        ResultsError: At the first entry of the wrong shape, naming it.
    """
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


def load(path: Path) -> dict[str, Any]:
    """A release's results (its file, read).

    Raises:
        ResultsError: If it is not JSON with ``results``, a mapping of test to outcome.
    """
    where = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ResultsError(f"{where}: expected the release matrix's JSON, got {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise ResultsError(
            f"{where}: expected a mapping with 'results' (each test's outcome), got "
            f"{type(data.get('results') if isinstance(data, dict) else data).__name__}"
        )
    check_results(data["results"], where)
    return data


def covered(data: dict[str, Any]) -> set[str]:
    """The blocks a release's results cover."""
    return {entry["block"] for entry in data["results"].values() if "block" in entry}


def result_files(project: Project) -> list[Path]:
    """The results files named as a release (``2.4.1.json``), oldest release first."""
    folder = project.outputs_dir / RELEASES
    paths = folder.glob("*.json") if folder.is_dir() else []
    return sorted(
        (p for p in paths if RELEASE.fullmatch(p.stem)), key=lambda p: version_key(p.stem)
    )


def results(project: Project) -> dict[str, dict[str, Any]]:
    """The results of each release the project admits, by version, oldest first.

    Read once per file. A release below the project's lower bound is left out: its results
    say nothing of what the project promises.

    Raises:
        ResultsError: If a file cannot be read as results (naming it).
    """
    try:
        bound = version_key(lower_bound(project.root))[:2]
    except (OSError, ValueError):
        bound = (0, 0)
    found: dict[str, dict[str, Any]] = {}
    for path in result_files(project):
        if version_key(path.stem)[:2] < bound:
            continue
        stamp = path.stat().st_mtime
        cached = _LOADED.get(path)
        if cached is None or cached[0] != stamp:
            cached = (stamp, load(path))
            _LOADED[path] = cached
        found[path.stem] = cached[1]
    return found
