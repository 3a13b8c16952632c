"""Fixtures shared by the whole suite: the project, one strict build of the site per session.

The site is built once (``mkdocs build --strict``, never ``-q``: it hides the warnings) and
shared by the parity gate, the Zensical comparison and the browser tests. ``pytester`` runs
pytest in-process on scratch pages, as pytest-markdown-docs' own tests do.
"""

from __future__ import annotations

import functools
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock, Timeout

from notesite.project import Project

pytest_plugins = ["pytester"]
#: The sync tests' fixture project and posts: their pages are not pages of the site.
collect_ignore_glob = ["tests/notesite/sync/project/*", "tests/notesite/sync/posts/*"]

ROOT = Path(__file__).resolve().parent
#: What a strict build of the site reads.
PROJECT_FILES = ["mkdocs.yml", "CONTRIBUTING.md", "README.md"]
PROJECT_DIRS = ["docs", "src", "overrides", "outputs", "notes-original"]

T = TypeVar("T")


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


#: Fixtures parametrized over the live site's pages, each a src path under docs/ (see
#: ``pytest_generate_tests``): the nav's pages, the note pages, the pages with Python blocks.
LIVE_PAGES: dict[str, Callable[[Project], list[str]]] = {
    "nav_page": lambda project: project.nav,
    "note_page": lambda project: project.note_pages,
    "page_with_blocks": lambda project: [s for s in project.nav if project.page(s).blocks],
}


@functools.cache
def live_pages(name: str) -> tuple[list[str], str | None]:
    """The live pages of ``LIVE_PAGES[name]``, or why the project could not be read."""
    try:
        return LIVE_PAGES[name](Project.at(ROOT)), None
    except Exception as error:  # reported by the test, not as an error of collection
        return [], f"{type(error).__name__}: {error}"


class Unreadable(str):
    """The one parameter of a test over the live pages when the project cannot be read."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize a test that asks for a fixture of ``LIVE_PAGES`` over those pages.

    The project is read here, when the test is collected, not when its module is imported:
    a page that cannot be read fails the tests that need it, naming the error, and leaves the
    rest of the suite to run.
    """
    for name in LIVE_PAGES:
        if name in metafunc.fixturenames:
            pages, error = live_pages(name)
            if error is not None:
                metafunc.parametrize(name, [Unreadable(error)], ids=["unreadable"], indirect=True)
            else:
                metafunc.parametrize(name, pages, indirect=True)


def _live_page(request: pytest.FixtureRequest) -> str:
    if isinstance(request.param, Unreadable):
        pytest.fail(f"expected a readable project, got {request.param}", pytrace=False)
    return str(request.param)


nav_page = pytest.fixture(_live_page, name="nav_page")
note_page = pytest.fixture(_live_page, name="note_page")
page_with_blocks = pytest.fixture(_live_page, name="page_with_blocks")


@pytest.fixture(scope="session")
def once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], T]], T]:
    """Computes something once per test run: ``once(name, make)``.

    ``make(folder)`` gets an empty folder of its own to write in and returns a value that
    pickles. With pytest-xdist, the workers share the folder and the value: the first one
    makes it, under a lock, and the others read it.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's

    def run(name: str, make: Callable[[Path], T]) -> T:
        folder = base / name
        made = base / f"{name}.pickle"
        with FileLock(f"{folder}.lock"):
            if not made.is_file():
                shutil.rmtree(folder, ignore_errors=True)  # what a failed make left
                folder.mkdir()
                made.write_bytes(pickle.dumps(make(folder)))
        value: T = pickle.loads(made.read_bytes())
        return value

    return run


def being_made(base: Path, name: str) -> bool:
    """Whether another process is making ``once(name, …)`` now (it holds the lock)."""
    if (base / f"{name}.pickle").is_file():
        return False
    lock = FileLock(f"{base / name}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


@pytest.fixture(scope="session")
def made_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], bool]:
    """``made_elsewhere(name)``: whether another worker is making ``once(name, …)`` now."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return functools.partial(being_made, base)


@pytest.fixture(scope="session")
def built_site(once: Callable[[str, Callable[[Path], Path]], Path]) -> Path:
    """The site, built once per test run with ``mkdocs build --strict``."""

    def build(folder: Path) -> Path:
        done = run_mkdocs(ROOT, folder / "site")
        if done.returncode != 0:
            pytest.fail(f"mkdocs build --strict failed:\n{done.stderr}", pytrace=False)
        return folder / "site"

    return once("built-site", build)


@pytest.fixture(scope="session")
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


#: Markers of the tests that take seconds each (a browser, a build, a subprocess).
LONG = ("browser", "slow")


#: The folder whose tests one worker takes, all of them (see ``pytest_xdist_make_scheduler``).
BROWSER_TESTS = "tests/browser/"


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``make test`` (``--dist loadgroup``): one worker takes the browser tests, the other the
    rest, one test (or one page of the site, whole) at a time; the first to finish takes what
    is left.

    A browser test keeps about two cores busy (Chromium's processes, its driver and the test),
    another test about one: two browser tests at once want four cores of the two, and two
    other tests at once leave part of the two idle; one of each keeps both busy. The browser
    tests' worker is also the only one to start a Chromium.

    pytest-xdist's own ``loadgroup`` (an ``xdist_group`` mark) groups by a suffix it adds to
    the test's node id, which pytest 9 no longer lets it change; this groups by folder.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    from notesite.runner.scheduling import page_scope

    class BrowserApart(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            # A page whole on one worker, as notesite's own scheduler hands it out.
            return BROWSER_TESTS if nodeid.startswith(BROWSER_TESTS) else page_scope(nodeid)

    return BrowserApart(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long tests first, in the order pytest-randomly shuffled them.

    With ``make test`` (pytest-xdist) each worker takes the next test when it is free: long
    tests first and the many short ones last keeps both workers busy to the end instead of one
    finishing a long test alone. Outside ``tests/browser``, the tests that read the session's
    build of the site come last of their kind: the browser tests' worker builds it first thing,
    and by then it is built, not waited for. A stable sort, on top of the shuffle.
    """

    def order(item: pytest.Item) -> tuple[bool, bool]:
        long = any(item.get_closest_marker(name) for name in LONG)
        reads_site = "built_site" in getattr(item, "fixturenames", ())
        return not long, reads_site and not item.nodeid.startswith(BROWSER_TESTS)

    items.sort(key=order)
