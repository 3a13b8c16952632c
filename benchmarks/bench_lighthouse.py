"""Lighthouse scores and first-load weight of the built site, in Debian's Chromium.

Builds the site with ``mkdocs build --strict``, serves it on 127.0.0.1 under the path of
``site_url`` with gzip (as GitHub Pages serves it), and runs Lighthouse (pinned in
``benchmarks/lighthouse/package-lock.json``) over three pages: the home page, the longest
note page and the largest API page. Prints, per page, the four category scores (Lighthouse's
default run: a mobile device on a throttled network) and the bytes the first load of the
page transferred, gzipped, leaving out the search index (which Material fetches once, for
the search box, and the browser then caches).

Targets: Performance >= 98, Accessibility 100, Best Practices 100, SEO >= 95; at most
100 KB transferred for a note page. Run from the repository root, once::

    (cd benchmarks/lighthouse && npm ci)
    python benchmarks/bench_lighthouse.py

Chromium runs headless with a host-resolver rule that maps every host but 127.0.0.1 to "not
found", so the run is offline. ``CHROME_PATH`` picks the browser (default
``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE_DIR = ROOT / "benchmarks" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
HOST = "127.0.0.1"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f'--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE {HOST}"',
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 95}
NOTE_PAGE_BUDGET = 100 * 1024
SEARCH_INDEX = "search/search_index.json"
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".inv"}


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml whatever ``!!python/…`` or ``!ENV`` tags it may hold."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def base_path() -> str:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)
    path = urlsplit(str(config.get("site_url") or "/")).path or "/"
    return path if path.endswith("/") else path + "/"


class GzipSiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under ``prefix``, text gzipped, 404.html for what is not there."""

    prefix = "/"
    #: The size of the body last sent for each path (see :func:`first_load`).
    sent: dict[str, int] = {}  # noqa: RUF012 - shared by the server's threads on purpose

    def log_message(self, format: str, *args: Any) -> None:
        """Keep quiet."""

    def send_head(self) -> Any:
        """Answer GET and HEAD: the file, gzipped where it is text."""
        path = urlsplit(self.path).path
        if not path.startswith(self.prefix):
            return self._send(404, Path(self.directory) / "404.html")
        local = Path(self.translate_path("/" + path[len(self.prefix) :]))
        if local.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            local = local / "index.html"
        if not local.is_file():
            return self._send(404, Path(self.directory) / "404.html")
        return self._send(200, local)

    def _send(self, status: int, file: Path) -> io.BytesIO:
        body = file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(file)))
        if file.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=9, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        self.sent[urlsplit(self.path).path] = len(body)
        return io.BytesIO(body)


def build(site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"mkdocs build --strict failed:\n{done.stderr}")


def largest(site: Path, section: str) -> str:
    """The page of ``section`` (``notes``, ``api``) with the most HTML, as its URL path."""
    pages = [p for p in (site / section).glob("*/index.html")]
    if not pages:
        sys.exit(f"no pages under {section}/ in the built site")
    page = max(pages, key=lambda p: p.stat().st_size)
    return page.parent.relative_to(site).as_posix() + "/"


def lighthouse(url: str, out: Path, chrome: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": chrome},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not out.is_file():
        sys.exit(f"lighthouse failed on {url}:\n{done.stdout}\n{done.stderr}")
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median Performance score (Lighthouse varies from run to run)."""
    ranked = sorted(runs, key=lambda report: report["categories"]["performance"]["score"] or 0)
    return ranked[(len(ranked) - 1) // 2]


def transferred(item: dict[str, Any], sent: dict[str, int]) -> int:
    """Bytes a request transferred.

    Chromium reports only the headers of a web worker's script (Material's search worker), so
    the body the server sent for it is added to those.
    """
    size = int(item.get("transferSize") or 0)
    if item.get("sessionTargetType") == "worker":
        size += sent.get(urlsplit(item["url"]).path, 0)
    return size


def first_load(report: dict[str, Any], sent: dict[str, int]) -> tuple[int, int, list[str]]:
    """Bytes transferred without the search index, with it, and any request elsewhere."""
    items = report["audits"]["network-requests"]["details"]["items"]
    total = sum(transferred(item, sent) for item in items)
    index = sum(transferred(item, sent) for item in items if item["url"].endswith(SEARCH_INDEX))
    elsewhere = [
        item["url"]
        for item in items
        if urlsplit(item["url"]).hostname not in {HOST, None}
        and not item["url"].startswith("data:")
    ]
    return total - index, total, elsewhere


def failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """The audits that cost a category points."""
    lost = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
            lost.append(f"{ref['id']} ({audit['score']:.2f})")
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per page; the median is kept")
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not LIGHTHOUSE.is_file():
        sys.exit("Lighthouse is not installed: (cd benchmarks/lighthouse && npm ci)")
    if not shutil.which(chrome) and not Path(chrome).is_file():
        sys.exit(f"no Chromium at {chrome}: apt-get install chromium, or set CHROME_PATH")
    version = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    browser = subprocess.run(
        [chrome, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site)
        prefix = base_path()
        handler = type("Handler", (GzipSiteHandler,), {"prefix": prefix})
        server = http.server.ThreadingHTTPServer(
            (HOST, 0), functools.partial(handler, directory=str(site))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://{HOST}:{server.server_port}{prefix}"
        pages = {
            "home": "",
            "longest note": largest(site, "notes"),
            "largest API page": largest(site, "api"),
        }
        reports = {}
        try:
            for name, path in pages.items():
                runs = []
                for run in range(1, args.runs + 1):
                    out = (args.keep or Path(tmp)) / f"{name.replace(' ', '-')}-{run}.json"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    runs.append(lighthouse(base + path, out, chrome))
                reports[name] = median_run(runs)
        finally:
            server.shutdown()
            server.server_close()

    print(
        f"Lighthouse {version}, {browser}: default settings (mobile, simulated throttling), "
        f"median of {args.runs} runs per page\n"
    )
    header = f"{'page':<46} {'Perf':>5} {'A11y':>5} {'BP':>5} {'SEO':>5} {'KB gz':>7} {'+index':>7}"
    print(header)
    print("-" * len(header))
    missed = []
    for name, report in reports.items():
        scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
        weight, total, elsewhere = first_load(report, GzipSiteHandler.sent)
        label = f"{name} (/{pages[name]})"
        print(
            f"{label:<46} {scores['performance']:>5} {scores['accessibility']:>5} "
            f"{scores['best-practices']:>5} {scores['seo']:>5} {weight / 1024:>7.1f} "
            f"{total / 1024:>7.1f}"
        )
        for category, target in TARGETS.items():
            if scores[category] < target:
                missed.append(
                    f"{name}: {category} {scores[category]} < {target}; lost on "
                    + ", ".join(failing_audits(report, category))
                )
        if name == "longest note" and weight > NOTE_PAGE_BUDGET:
            missed.append(f"{name}: {weight / 1024:.1f} KB > {NOTE_PAGE_BUDGET / 1024:.0f} KB")
        if elsewhere:
            missed.append(f"{name}: requests to other hosts: {elsewhere}")
    cpu = [report["environment"]["benchmarkIndex"] for report in reports.values()]
    print(
        "\nKB gz: bytes transferred on the first load of the page, gzipped, without the search "
        "index; +index: with it.\nLighthouse's CPU benchmark index of this machine: "
        f"{min(cpu):.0f} to {max(cpu):.0f}.\n"
    )
    if missed:
        print("Misses the targets:\n  " + "\n  ".join(missed))
        sys.exit(1)
    print(
        "Meets the targets: Performance >= 98, Accessibility 100, Best Practices 100, "
        "SEO >= 95, a note page <= 100 KB (gzipped, search index excluded)."
    )


if __name__ == "__main__":
    main()
