"""Fixtures shared by the whole suite: the project, one strict build of the site per session.

The site is built once (``mkdocs build --strict``, never ``-q``: it hides the warnings) and
shared by the parity gate, the Zensical comparison and the browser tests. ``pytester`` runs
pytest in-process on scratch pages, as pytest-markdown-docs' own tests do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from notesite.project import Project

pytest_plugins = ["pytester"]
#: Versions of the post that the sync tests read; not pages of the site.
collect_ignore_glob = ["tests/notesite/posts/*"]

ROOT = Path(__file__).resolve().parent
#: What a strict build of the site reads.
PROJECT_FILES = ["mkdocs.yml", "CONTRIBUTING.md", "README.md"]
PROJECT_DIRS = ["docs", "src", "overrides", "outputs", "notes-original"]


def run_mkdocs(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site``."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


#: Packages that must not be imported twice in one process: torch registers its operator
#: libraries on import, and a second import of a module that registers one fails.
IMPORTED_ONCE = ("torch", "torchgen", "functorch", "numpy", "sympy", "kornia", "torchinfo")


@pytest.fixture(scope="session", autouse=True)
def _pytester_keeps_torch() -> Iterator[None]:
    """Keep torch's modules across ``pytester``'s in-process runs.

    ``pytester`` forgets the modules an in-process run imported; a torch module that a page's
    block imported first would then be imported again by a later test, and fail.
    """
    from _pytest import pytester as pytester_module

    original = pytester_module.SysModulesSnapshot

    class KeepTorch(original):  # type: ignore[misc, valid-type]
        def __init__(self, preserve: Callable[[str], bool] | None = None) -> None:
            def keep(name: str) -> bool:
                return name.split(".")[0] in IMPORTED_ONCE or bool(preserve and preserve(name))

            super().__init__(preserve=keep)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pytester_module, "SysModulesSnapshot", KeepTorch)
        yield


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def project() -> Project:
    """The repository's site project (its pages in nav order)."""
    return Project.at(ROOT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per test run with ``mkdocs build --strict``.

    With pytest-xdist, the workers share one build (the first one builds, under a lock).
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    site = base / "built-site"
    with FileLock(f"{site}.lock"):
        if not (site / "index.html").is_file():
            done = run_mkdocs(ROOT, site)
            if done.returncode != 0:
                pytest.fail(f"mkdocs build --strict failed:\n{done.stderr}", pytrace=False)
    return site


@pytest.fixture
def mkdocs_build() -> Callable[[Path, Path], subprocess.CompletedProcess[str]]:
    """Builds a project strictly: ``mkdocs_build(project, site)``."""
    return run_mkdocs


def copy_project(dest: Path) -> Path:
    """Copy what the gates and a strict build read into ``dest`` (made here)."""
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.fixture(scope="session")
def project_copier() -> Callable[[Path], Path]:
    """:func:`copy_project`, for fixtures of a wider scope than ``project_copy``."""
    return copy_project


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of what the gates and a strict build read, to plant faults in."""
    return copy_project(tmp_path / "project")
