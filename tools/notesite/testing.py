"""Helpers for the tests that run pytest or MkDocs on a scratch page or project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pytest_run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run pytest in a subprocess with the project's configuration.

    Args:
        *args: pytest's arguments: paths, ``-p notesite.pytest_plugin`` for a scratch page
            outside the repository (the root conftest does not reach it), orders, options.

    Returns:
        The finished process, its output captured as text.
    """
    command = [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider"]
    command += ["-c", "pyproject.toml", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def pytest_run_page(*args: str) -> subprocess.CompletedProcess[str]:
    """Run pytest in file order on a scratch page, with the project's pytest plugin."""
    return pytest_run("-p", "no:randomly", "-p", "notesite.pytest_plugin", *args)


def mkdocs_build(
    project: Path, site: Path, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Build a project with ``mkdocs build --strict`` (never ``-q``: it hides the warnings).

    Args:
        project: The folder to build from.
        site: Where to write the site.
        config: The configuration file (default: ``project / "mkdocs.yml"``).

    Returns:
        The finished process, its output captured as text.
    """
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    if config is not None:
        command += ["-f", str(config)]
    return subprocess.run(
        command,
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_project(dest: Path) -> Path:
    """Copy what a strict build of the site reads into ``dest`` (created), and return it."""
    dest.mkdir(parents=True)
    for name in ["mkdocs.yml", "CONTRIBUTING.md", "README.md"]:
        shutil.copy(ROOT / name, dest / name)
    for name in ["docs", "tools", "src", "overrides", "outputs"]:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest
