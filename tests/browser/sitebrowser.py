"""Helpers of the browser tests: the site's pages, its server, a context's traffic.

The fixtures that use them live in ``conftest.py`` next to this module.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from notesite import outputs
from notesite.fidelity import post_pages
from notesite.model import PAGES_MARKER, Check
from notesite.model import nav_pages as _nav_pages
from notesite.parity import DIRECTIVE
from notesite.project import Project
from notesite.render.lists import ERRATA_MARKER, VERIFICATION_MARKER

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ARTIFACTS = ROOT / ".artifacts" / "browser"
CHROMIUM = Path(os.environ.get("PTNOTES_CHROMIUM", "/usr/bin/chromium"))
HOST = "127.0.0.1"
#: Debian's Chromium, headless and offline. The last flag keeps Chromium itself, not only
#: the pages, from resolving any host but 127.0.0.1 (without it, it still calls Google).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}",
]
TIMEOUT_MS = 15_000
#: A note page's article height with every box closed, and the same section "As written"
#: (the author's text, with the post's byline and tags and the page's actions, which both
#: views show; not the banner saying which view this is). Leaves the page as it was.
HEIGHTS = """() => {
  const article = document.querySelector('article.md-content__inner');
  for (const d of article.querySelectorAll('details[open]')) d.open = false;
  const height = article.getBoundingClientRect().height;
  const author = article.querySelector('.ptn-as-written');
  const banner = author.querySelector('.ptn-as-written-banner');
  const wasOn = article.classList.contains('ptn-as-written-on');
  author.hidden = false;
  banner.hidden = true;
  article.classList.add('ptn-as-written-on');
  const written = article.getBoundingClientRect().height;
  article.classList.toggle('ptn-as-written-on', wasOn);
  banner.hidden = false;
  author.hidden = !wasOn;
  return [height, written];
}"""

#: The most the site's additions may add to a note page, every box closed: its height over
#: that of its section "As written" (``HEIGHTS``).
READING_AT_MOST = 1.35


def reading_problems(ratios: dict[str, float], device: str) -> list[str]:
    """A line for each page over :data:`READING_AT_MOST`, saying what to do about it.

    Args:
        ratios: Each page's height with every box closed over its height as written.
        device: Where it was measured (desktop, phone).
    """
    return [
        f"{src}: on a {device}, with every box closed the page is {ratio:.2f} times as tall as "
        f"its section as written, expected at most {READING_AT_MOST}: the site's additions "
        "(chips, badges, outputs) outweigh the author's text; fold an output or a note into "
        "its check, or give a short section's additions less room (docs/stylesheets/extra.css)"
        "; `python benchmarks/bench_reading.py` measures every page"
        for src, ratio in ratios.items()
        if ratio > READING_AT_MOST
    ]


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml whatever ``!!python/…`` or ``!ENV`` tags it may hold."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.load(  # a SafeLoader that drops unknown tags
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags
    )
    return config


def page_url(src: str) -> str:
    """The URL path, relative to the site root, of the page built from ``docs/<src>``."""
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def markdown_pages(section: str = "") -> list[str]:
    """The Markdown files under ``docs/<section>``, relative to docs/."""
    return sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / section).rglob("*.md"))


def site_pages() -> list[str]:
    """Every page of the site (each Markdown file under docs/), as its URL path."""
    return [page_url(src) for src in markdown_pages()]


def nav_pages() -> list[str]:
    """The Markdown files that ``nav`` in mkdocs.yml lists, in order."""
    return _nav_pages(mkdocs_config().get("nav", []))


def base_path() -> str:
    """The path the site is served under: that of ``site_url`` (``/ptnotes/``)."""
    path = urlsplit(str(mkdocs_config().get("site_url") or "/")).path or "/"
    return path if path.endswith("/") else path + "/"


#: The seed post, in the originals folder: its pages are the ones whose layout the tests
#: hold to limits (a contributor's post is measured by ``benchmarks/bench_reading.py``).
SEED_POST = "pytorch-basics.md"


def seed_pages(project: Project) -> list[str]:
    """The note pages of the seed post (:data:`SEED_POST`), in nav order."""
    pages = [page.src_uri for page in post_pages(project, SEED_POST)]  # by its file name
    assert pages, f"no note page of the seed post {SEED_POST} in the nav"
    return pages


def covering_pages(project: Project, pages: list[str]) -> list[str]:
    """The fewest of ``pages``, in order, that hold every kind of box and addition they hold.

    A page is taken when it holds a kind of addition (check, setup, erratum, note, …) or of
    collapsed box (``??? example``, ``??? success``, …) that the pages taken before it lack:
    a test of what each kind does in the browser tries every kind, on fewer pages.
    """

    def kinds(src: str) -> set[str]:
        additions = project.page(src).additions
        return {f"addition {a.kind}" for a in additions} | {
            f"box {a.admonition}" for a in additions if a.collapsible
        }

    taken: list[str] = []
    seen: set[str] = set()
    for src in pages:
        if new := kinds(src) - seen:
            taken.append(src)
            seen |= new
    return taken or pages[:1]


#: The GPU of the CUDA run that ``fake_cuda_run`` records.
FAKE_GPU = "Fake GPU · torch 9.9.0 · 2026-01-01"


def cuda_checks(project: Project, src: str) -> list[Check]:
    """The checks of ``docs/<src>`` that run on CUDA."""
    page = project.page(src)
    return [check for claim in page.claims for check in claim.checks if check.cuda]


def fake_cuda_run(project: Project) -> None:
    """Record a CUDA run on :data:`FAKE_GPU` of the block of the first CUDA check only."""
    src = next(src for src in project.note_pages if cuda_checks(project, src))
    check = cuda_checks(project, src)[0]
    block = next(b for b in project.page(src).blocks if b.line == check.block_line)
    record = project.record_path(src)
    entries = outputs.load(record)
    for entry in entries:
        if entry.key == block.key:
            entry.verified["cuda"] = FAKE_GPU
    record.write_text(outputs.dump(entries, f"docs/{src}"), encoding="utf-8")


def page_kinds(project: Project) -> dict[str, str]:
    """One page of each kind, by its role in the nav: ``{kind: src}``.

    The home page (the nav's first); the note page: the shortest page of the seed post that
    shows every look of box the seed's pages show (each kind of admonition, a CUDA check); the
    first post index (a page with the list of its post's pages), the first API page (one with a
    ``:::`` directive), and the pages that hold the list of claims (Verification) and of
    errata (Errata).
    """
    pages = project.pages()

    def looks(src: str) -> set[str]:
        page = project.page(src)
        cuda = (
            {"cuda check"} if any(c.cuda for claim in page.claims for c in claim.checks) else set()
        )
        return {a.admonition for a in page.additions} | cuda

    seed = seed_pages(project)
    every_look = set().union(*map(looks, seed))
    whole = [src for src in seed if looks(src) == every_look]
    note = min(whole, key=lambda src: len(project.page(src).lines)) if whole else seed[0]

    def first(kind: str, holds: Callable[[Any], bool]) -> str:
        found = next((page.src_uri for page in pages if holds(page)), None)
        assert found is not None, f"expected a page of kind {kind!r} in the nav, got none"
        return found

    return {
        "home": project.nav[0],
        "note": note,
        "post index": first("post index", lambda page: PAGES_MARKER in page.text),
        "api": first("api", lambda page: DIRECTIVE.search(page.text) is not None),
        "verification": first("verification", lambda page: VERIFICATION_MARKER in page.text),
        "errata": first("errata", lambda page: ERRATA_MARKER in page.text),
    }


@dataclass
class Site:
    """The built site, served on 127.0.0.1."""

    root: Path
    url: str  # http://127.0.0.1:PORT/ptnotes/

    def __call__(self, path: str = "") -> str:
        return self.url + path


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under ``prefix``, and 404.html for what is not there, as Pages does."""

    prefix = "/"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        path = urlsplit(self.path).path
        if not path.startswith(self.prefix):
            return self._not_found()
        self.path = "/" + path[len(self.prefix) :]
        local = Path(self.translate_path(self.path))
        if not (local.is_file() or (local / "index.html").is_file()):
            return self._not_found()
        return super().send_head()

    def _not_found(self) -> None:
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve(built: Path) -> Iterator[Site]:
    """Serve a built site on http://127.0.0.1:PORT/<path of site_url> while in the block."""
    handler = type("Handler", (SiteHandler,), {"prefix": base_path()})
    server = http.server.ThreadingHTTPServer(
        (HOST, 0), functools.partial(handler, directory=str(built))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(built, f"http://{HOST}:{server.server_port}{base_path()}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def local(url: str) -> bool:
    """Whether a request stays on the site's host (or never leaves the browser)."""
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname == HOST


@dataclass
class Traffic:
    """What a browser context did: every request, and everything that went wrong."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)

    def clear(self) -> None:
        """Forget what was seen so far: the next page's traffic is checked on its own."""
        for seen in (
            self.requests,
            self.console_errors,
            self.page_errors,
            self.failed,
            self.bad_status,
        ):
            seen.clear()

    def hosts(self) -> set[str]:
        return {urlsplit(url).hostname or url for url in self.requests}

    def problems(self, *, allow_status: tuple[str, ...] = ()) -> list[str]:
        """Each console error, page error, failed request, HTTP error and foreign request."""
        found = [f"console error: {text}" for text in self.console_errors]
        found += [f"page error: {text}" for text in self.page_errors]
        # A request the browser cancels because the page moved on (net::ERR_ABORTED) is no
        # failure of the site; any other failed request is.
        found += [f"failed request: {text}" for text in self.failed if "ERR_ABORTED" not in text]
        found += [f"HTTP error: {text}" for text in self.bad_status if text not in allow_status]
        found += [f"request to another host: {url}" for url in self.requests if not local(url)]
        return found


@dataclass
class Browsing:
    """A browser context of one test, and its traffic."""

    context: BrowserContext
    traffic: Traffic

    def new_page(self) -> Page:
        return self.context.new_page()


@dataclass(eq=False)
class Lent:
    """A browser context kept for the session, lent to one test at a time.

    Its listeners report to the test that holds it: ``traffic`` and ``pages`` are that test's.
    ``keeper`` is a blank tab that the context keeps between tests, through which its storage
    and cache are cleared.
    """

    context: BrowserContext
    keeper: Page
    traffic: Traffic = field(default_factory=Traffic)
    pages: list[Page] = field(default_factory=list)
    origins: set[str] = field(default_factory=set)


def options_key(options: dict[str, Any]) -> str:
    """The options of a context, as a key of the contexts kept for the session."""
    return json.dumps(options, sort_keys=True, default=str)


def open_lent(browser: Browser, request_log: list[str], options: dict[str, Any]) -> Lent:
    """A new context of ``browser`` with ``options`` (``init_script``: a script run in every
    page it loads), its listeners reporting to whichever test holds it (``Lent.traffic``,
    ``Lent.pages``), every request logged in ``request_log``."""
    init_script = options.pop("init_script", None)
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    if init_script is not None:
        context.add_init_script(init_script)
    pooled = Lent(context, context.new_page())

    def on_request(req: Any) -> None:
        pooled.traffic.requests.append(req.url)
        parts = urlsplit(req.url)
        if parts.scheme in {"http", "https"}:
            pooled.origins.add(f"{parts.scheme}://{parts.netloc}")
        request_log.append(f"{parts.hostname}\t{req.method} {req.url}")

    def on_response(resp: Any) -> None:
        if resp.status >= 400:
            pooled.traffic.bad_status.append(f"{resp.status} {resp.url}")

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            pooled.traffic.console_errors.append(f"{msg.text} ({msg.location.get('url')})")

    context.on("request", on_request)
    context.on("response", on_response)
    context.on(
        "requestfailed", lambda req: pooled.traffic.failed.append(f"{req.url}: {req.failure}")
    )
    context.on("console", on_console)
    context.on("weberror", lambda err: pooled.traffic.page_errors.append(str(err.error)))
    context.on("page", lambda new_page: pooled.pages.append(new_page))
    return pooled


def clear_lent(pooled: Lent) -> None:
    """Leave the context as a new one is: no tab of the test's, no cookie, no storage of any
    origin its pages loaded, no permission granted, nothing in its HTTP cache."""
    for open_page in pooled.pages:
        if not open_page.is_closed():
            open_page.close()
    pooled.context.clear_cookies()
    pooled.context.clear_permissions()
    cdp = pooled.context.new_cdp_session(pooled.keeper)
    try:
        for origin in sorted(pooled.origins):
            cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        cdp.send("Network.clearBrowserCache")
    finally:
        cdp.detach()
    pooled.origins.clear()


def artifact_name(text: str) -> str:
    """``text`` (a test id, a page's key) as a file name in the artifacts."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


def screenshot(page: Page, name: str) -> str:
    """A full-page screenshot of ``page`` as it is now, as ``ARTIFACTS/<name>.png``.

    Returns a line to report: the file and the page's URL, or why there is no screenshot (a
    screenshot must not hide the failure it documents).
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{artifact_name(name)}.png"
    try:
        page.screenshot(path=str(path), full_page=True, timeout=TIMEOUT_MS)
    except Exception as error:
        return f"no screenshot of {page.url}: {error}"
    return f"{path.relative_to(ROOT)}  ({page.url})"


@functools.cache
def edit_base() -> str:
    """Where the edit links point, up to the page's path: ``repo_url`` and ``edit_uri``."""
    config = mkdocs_config()
    return str(config["repo_url"]).rstrip("/") + "/" + str(config["edit_uri"]).strip("/")


def shows_its_page(page: Page, src: str) -> list[str]:
    """What is wrong with the page loaded from ``docs/<src>``: it must show its title and a
    visible link to edit its Markdown."""
    found = [] if page.locator("article h1").first.is_visible() else ["no visible title (h1)"]
    link = page.locator("article a.md-content__button[rel=edit]")
    expected = f"{edit_base()}/{src}"
    if (href := link.get_attribute("href")) != expected:
        found.append(f"edit link to {href}, not {expected}")
    if not link.is_visible():
        found.append("the edit link is not visible")
    return found


def traffic_problems(traffic: Traffic) -> list[str]:
    """What went wrong in a page's traffic: every error, and any request to another host."""
    found = traffic.problems()
    if traffic.hosts() != {HOST}:
        found.append(f"requests to hosts {sorted(traffic.hosts())}, not only {HOST}")
    return found


def goto(page: Page, url: str, *, idle: bool = False) -> None:
    """Open ``url`` and wait until Material's scripts have set the page up."""
    page.goto(url, wait_until="networkidle" if idle else "load")
    set_up(page)


def set_up(page: Page) -> None:
    """Wait until Material's scripts have set the page up, and a11y.js has done its pass.

    Set up includes the colour scheme: with no choice of the reader's stored, the page is
    served in the first palette and Material's palette switches it to the system's scheme
    (showing the toggle's label) once its scripts run.
    """
    page.wait_for_function(
        "() => typeof window.document$ !== 'undefined'"
        " && document.documentElement.dataset.ptnFocusable === 'done'"
        " && document.querySelector('[data-md-component=palette] label:not([hidden])') !== null"
        " && !document.body.hasAttribute('data-md-color-switching')"
    )


def click_nav_link(page: Page, url: str) -> None:
    """Click the visible link to ``url`` in the site's navigation, and wait for the page.

    The navigation: the sidebar of the current tab, or the tabs (Notes, Reference, About).
    """
    found = page.evaluate(
        """url => {
            document.querySelectorAll('[data-ptnotes-target]')
              .forEach(a => a.removeAttribute('data-ptnotes-target'));
            const links = [
              ...document.querySelectorAll('.md-nav--primary a.md-nav__link'),
              ...document.querySelectorAll('.md-tabs a.md-tabs__link'),
            ];
            const link = links.find(a => a.href === url && a.offsetParent !== null);
            if (link) link.setAttribute('data-ptnotes-target', '');
            return Boolean(link);
        }""",
        url,
    )
    assert found, f"no visible link to {url} in the navigation of {page.url}"
    page.locator("[data-ptnotes-target]").click()
    page.wait_for_url(url)
