"""Browser tests: the built site as readers meet it, in a real Chromium.

The session's one strict build (``built_site`` in tests/conftest.py), served on 127.0.0.1
under the path of ``site_url`` (as GitHub Pages serves it, 404 page included), one headless
Chromium per session driven by Playwright,
fresh browser contexts for each test (a test that goes through many pages takes one tab
through all of them, not a context per page: a context costs time). Chromium runs with a
host-resolver rule that maps every host but 127.0.0.1 to "not found", so neither the pages
nor the browser itself can reach anything else; every request is logged
(``.artifacts/browser/requests.log``) and checked.

A failing test leaves a full-page screenshot of each page it had open in
``.artifacts/browser/`` (git-ignored); a test that goes through many pages also keeps one of
each of the first few failing pages as it was checked (``sitebrowser.screenshot``).

The tests skip, saying why, only where no Chromium is installed: install Debian's
(``apt-get install chromium``) or set ``PTNOTES_CHROMIUM`` to a Chromium binary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import TYPE_CHECKING, Any

import pytest
from fixture_posts import POSTS
from sitebrowser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Browsing,
    Lent,
    Site,
    Traffic,
    clear_lent,
    fake_cuda_run,
    open_lent,
    options_key,
    screenshot,
    serve,
)

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the `test` extra installs it; without it the browser tests skip
    sync_playwright = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

PAGES_KEY = pytest.StashKey[list["Page"]]()


@pytest.fixture(scope="session")
def chromium() -> Path:
    if sync_playwright is None:
        pytest.skip("Playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.is_file():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: apt-get install chromium, or set PTNOTES_CHROMIUM "
            "to a Chromium binary"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def site(
    chromium: Path, made_elsewhere: Callable[[str], bool], request: pytest.FixtureRequest
) -> Iterator[Site]:
    """The built site on http://127.0.0.1:PORT/<path of site_url>, for the session.

    While another worker builds the site, this one builds the fixture posts' site (when the
    run has tests of it) instead of waiting: the two builds overlap.
    """
    if made_elsewhere("built-site") and any(
        "posts_site" in getattr(item, "fixturenames", ()) for item in request.session.items
    ):
        request.getfixturevalue("posts_site")
    built: Path = request.getfixturevalue("built_site")
    with serve(built) as served:
        yield served


@pytest.fixture(scope="session")
def posts_site(
    once: Callable[[str, Callable[[Path], Path]], Path],
    project_copier: Callable[[Path], Path],
    mkdocs_build: Callable[[Path, Path], CompletedProcess[str]],
) -> Path:
    """A copy of the project with each post of ``fixture_posts`` added by ``sync --new`` (its
    blocks not run) and a faked CUDA run of one check (``fake_cuda_run``), built strictly into
    its ``site/`` once per test run. Returns the copy."""

    def build(folder: Path) -> Path:
        from notesite.project import Project
        from notesite.sync import sync

        project = project_copier(folder / "project")
        for name, text in POSTS.items():
            post = folder / name
            post.write_text(text, encoding="utf-8")
            sync(Project.at(project), post, new_post=True, run_blocks=False)
        fake_cuda_run(Project.at(project))
        done = mkdocs_build(project, project / "site")
        if done.returncode != 0:
            pytest.fail(f"mkdocs build --strict of the fixture posts failed:\n{done.stderr}")
        return project

    return once("posts-site", build)


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    assert sync_playwright is not None
    driver: Playwright = sync_playwright().start()
    try:
        instance = driver.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield instance
        finally:
            instance.close()
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def request_log() -> Iterator[list[str]]:
    """Every request of the session (host, method, URL), kept in the artifacts."""
    log: list[str] = []
    yield log
    if log:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "requests.log").write_text("\n".join(log) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def context_pool(browser: Browser, request_log: list[str]) -> Iterator[dict[str, Lent]]:
    """The session's browser contexts, one per set of options: a context costs time to open,
    so tests with the same options take turns with one (``browse`` clears it after each)."""
    pool: dict[str, Lent] = {}
    yield pool
    for pooled in pool.values():
        pooled.context.close()


@pytest.fixture
def browse(
    browser: Browser,
    site: Site,
    request: pytest.FixtureRequest,
    request_log: list[str],
    context_pool: dict[str, Lent],
) -> Iterator[Callable[..., Browsing]]:
    """Lends browser contexts to this test: ``browse(color_scheme="dark")``.

    Each is as a new context is (no tab, cookie, storage, permission or cache left by another
    test), with traffic of this test only. A test that asks twice for the same options gets
    two contexts.
    """
    held: list[Lent] = []
    extra: list[Lent] = []
    pages = request.node.stash.setdefault(PAGES_KEY, [])

    def open_context(**options: Any) -> Browsing:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        key = options_key(options)
        pooled = context_pool.get(key)
        if pooled is None or pooled in held:
            pooled = open_lent(browser, request_log, dict(options))
            if key in context_pool:
                extra.append(pooled)
            else:
                context_pool[key] = pooled
        held.append(pooled)
        pooled.traffic = Traffic()
        pooled.pages = pages
        return Browsing(pooled.context, pooled.traffic)

    yield open_context
    for pooled in held:
        if pooled in extra:
            pooled.context.close()
            continue
        try:
            clear_lent(pooled)
        except Exception:  # a context that cannot be cleared is not lent again
            context_pool.pop(next(k for k, v in context_pool.items() if v is pooled), None)
            pooled.context.close()
            raise
        pooled.pages = []
        pooled.traffic = Traffic()


@pytest.fixture
def page(browse: Callable[..., Browsing]) -> Page:
    """A page in a fresh context with the light colour scheme."""
    return browse(color_scheme="light").new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failure, keep a full-page screenshot of each page the test had open."""
    report: pytest.TestReport = yield
    pages = item.stash.get(PAGES_KEY, [])
    if report.failed and report.when in {"setup", "call"} and pages:
        saved = [
            screenshot(open_page, f"{item.nodeid}-{number}")
            for number, open_page in enumerate(pages, start=1)
            if not open_page.is_closed()
        ]
        report.sections.append(("browser screenshots", "\n".join(saved)))
    return report  # type: ignore[return-value]
