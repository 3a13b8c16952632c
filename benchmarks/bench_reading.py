"""How much the site adds to each note page, as a reader sees it, in Debian's Chromium.

Builds the site with ``mkdocs build --strict``, serves it, and measures each note page on a
desktop (1280x800) and a phone (390x844): the height of the page's article with every box
closed, and the height of the same section "As written" (the author's text alone, with the
post's byline and tags and the page's actions, which both views show). Prints
the ratio per page and device, and what to do about each page over the target (at most 1.35;
the browser tests hold the seed post's pages and the fixture posts to it, and leave every other
page of the live site to this benchmark).

Run from the repository root: ``python benchmarks/bench_reading.py [--site FOLDER]`` (a site
already built with ``mkdocs build``; otherwise it builds one).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from sitebrowser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    HEIGHTS,
    READING_AT_MOST,
    page_url,
    reading_problems,
    serve,
)

from notesite.project import Project  # noqa: E402

DEVICES = {"desktop": (1280, 800), "phone": (390, 844)}
TARGET = READING_AT_MOST


def build(folder: Path) -> Path:
    site = folder / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return site


def measure(site: Path) -> list[tuple[str, str, float, float]]:
    from playwright.sync_api import sync_playwright

    rows = []
    pages = Project.at(ROOT).note_pages
    with serve(site) as served, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for device, (width, height) in DEVICES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for src in pages:
                page.goto(served(page_url(src)), wait_until="load")
                shown, written = page.evaluate(HEIGHTS)
                rows.append((src, device, shown, written))
            context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = args.site or build(Path(folder))
        rows = measure(site)
    print(f"| page | device | boxes closed (px) | as written (px) | ratio (target <= {TARGET}) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for src, device, shown, written in rows:
        print(f"| {src} | {device} | {shown:.0f} | {written:.0f} | {shown / written:.3f} |")
    over = [
        line
        for device in DEVICES
        for line in reading_problems(
            {src: shown / written for src, where, shown, written in rows if where == device},
            device,
        )
    ]
    if over:
        print("\nOver the target (the browser tests hold the seed's pages to it):")
        print("\n".join(f"- {line}" for line in over))


if __name__ == "__main__":
    main()
