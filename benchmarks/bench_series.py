"""The site with a whole series of posts in it, beside today's site.

Copies the project (its files under git, ``git ls-files``) into two scratch folders. Into one
it brings every post of DIR with the sync command (``python -m notesite sync DIR/... --new
--timeout 5``); the other stays as today's site. Then, for each, it measures and prints one
table:

- posts whole: the posts of the site whose every word is on its pages (the fidelity gate,
  post by post), of the posts it should hold;
- pages: the note pages (a post's index included);
- blocks by verdict (from the sync's table: each new block run alone);
- claims by status (checked, corrected, not a claim, not yet checked);
- sync seconds per post (mean and max);
- sync seconds in all;
- with ``--record``, ``pytest docs/ --update-outputs`` seconds (each block's verdict
  recorded, as ``make update-outputs`` does) and its outcome;
- ``mkdocs build --strict`` seconds, in all and per page, and its warnings;
- HTML KB per note page (max and median), as built, before compression, the most of it
  that the navigation takes, and the pages over 100 KB (the largest named); and one page of
  today's site in both (its HTML and navigation KB must not grow with the posts);
- ``pytest docs/`` seconds (and its outcome; stopped after ``--pytest-limit`` seconds), with
  ``--workers N`` pytest-xdist workers;
- the posts ``status --json`` shows verified, and of those the ones that no run proved (a
  block that does not run, a claim not checked): honest, it is 0.

Run from the repository root: ``python benchmarks/bench_series.py DIR`` (or ``make
bench-series DIR=...``). ``--project`` measures another project than this repository;
``--twice`` brings each post in twice, the second time as a post of the next day (its file
name's and front matter's date) with its title ending in "(again)", for a site of twice as
many posts.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from notesite.sync.series import expand

ROOT = Path(__file__).resolve().parents[1]
#: The columns of the sync's table that count blocks by verdict.
VERDICT_COLUMNS = 7


@dataclass
class Measure:
    """What one site measures."""

    name: str
    posts: int = 0
    whole: int = 0
    pages: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    claims: Counter[str] = field(default_factory=Counter)
    sync_seconds: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    build_seconds: float = 0.0
    build_pages: int = 0
    build_warnings: int = 0
    html_kb: list[float] = field(default_factory=list)
    largest: str = ""
    nav_kb: list[float] = field(default_factory=list)
    pytest_seconds: float = 0.0
    pytest_outcome: str = ""
    sync_total: float = 0.0
    record_seconds: float = 0.0
    record_outcome: str = ""
    page: str = ""
    page_kb: float = 0.0
    page_nav_kb: float = 0.0
    shown_verified: int = 0
    verified_unproved: list[str] = field(default_factory=list)


def copy_project(source: Path, dest: Path) -> None:
    """Copy the project's files: those git tracks, else (not a repository) the whole tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=source, capture_output=True, text=True, check=False
    )
    if listed.returncode == 0 and listed.stdout:
        for name in listed.stdout.split("\0"):
            if name and (source / name).is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, dest / name)
    else:
        ignore = shutil.ignore_patterns("site", "__pycache__", ".venv", "sync-report.md")
        shutil.copytree(source, dest, ignore=ignore, dirs_exist_ok=True)


def run(command: list[str], cwd: Path, limit: float | None = None) -> tuple[float, int, str]:
    """Seconds, exit status and output (stdout then stderr) of a command; status -1: stopped."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=limit
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, -1, ""
    return time.perf_counter() - start, done.returncode, done.stdout + done.stderr


def bring_in(measure: Measure, root: Path, posts: list[Path]) -> None:
    """Sync every post into the project at ``root`` with the command; read its table."""
    command = [sys.executable, "-m", "notesite", "sync", *map(str, posts)]
    command += ["--new", "--timeout", "5", "--root", str(root)]
    measure.sync_total, status, output = run(command, root)
    report = (root / "sync-report.md").read_text(encoding="utf-8") if status in (0, 2) else ""
    if not report:
        sys.exit(f"the sync did not write its report (exit {status}):\n{output[-3000:]}")
    header: list[str] = []
    for line in report.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| Post |"):
            header = cells
        elif line.startswith("| `") and header:
            verdicts = cells[3 : 3 + VERDICT_COLUMNS]
            for name, count in zip(header[3 : 3 + VERDICT_COLUMNS], verdicts, strict=True):
                measure.verdicts[name] += int(count)
            measure.sync_seconds.append(float(cells[-1]))
            if cells[1] == "failed":
                measure.refused.append(cells[0].strip("`"))
        elif line.startswith("## Not taken"):
            break


def measure_site(
    measure: Measure,
    root: Path,
    expected_posts: int,
    pytest_limit: float,
    workers: int = 0,
    record: bool = False,
    page: str = "",
) -> None:
    """The gate, pages, claims, build, status and ``pytest docs/`` of the project at ``root``."""
    code = (
        "import json, sys\n"
        "from collections import Counter\n"
        "from notesite.fidelity import check_project, originals\n"
        "from notesite.project import Project\n"
        "p = Project.at(__import__('pathlib').Path(sys.argv[1]))\n"
        "whole = sum(check_project(p, name).ok for name in originals(p))\n"
        "claims = Counter(c.status for page in p.notes() for c in page.claims)\n"
        "pages = [s for s in p.nav if s.startswith('notes/')]\n"
        "print(json.dumps({'whole': whole, 'claims': claims, 'pages': pages}))\n"
    )
    _, status, output = run([sys.executable, "-c", code, str(root)], root)
    if status != 0:
        sys.exit(f"reading the project at {root} failed:\n{output[-3000:]}")
    import json

    read = json.loads(output.strip().splitlines()[-1])
    measure.posts = expected_posts
    measure.whole = read["whole"]
    measure.claims.update(read["claims"])
    pages: list[str] = read["pages"]
    measure.pages = len(pages)
    if record:  # what make update-outputs does: each block's verdict recorded
        command = [sys.executable, "-m", "pytest", "docs/", "--update-outputs", "-q"]
        command += ["-p", "no:cacheprovider", "-p", "no:randomly", "-n", "0"]
        measure.record_seconds, status, output = run(command, root, pytest_limit)
        measure.record_outcome = _last_line(output, status, pytest_limit)
    site = root / "site"
    seconds, status, output = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], root
    )
    measure.build_seconds = seconds
    measure.build_warnings = len(re.findall(r"^WARNING", output, re.MULTILINE))
    if status != 0:
        measure.build_warnings += 1
        print(f"{measure.name}: mkdocs build failed:\n{output[-2000:]}", file=sys.stderr)
    measure.build_pages = sum(1 for _ in site.rglob("*.html")) if site.is_dir() else 0
    measure.page = page or next((p for p in pages if not p.endswith("index.md")), "")
    for src in pages:
        stem = src.removesuffix(".md")
        built = site / (stem.removesuffix("index") if stem.endswith("index") else stem + "/")
        html = built / "index.html"
        if html.is_file():
            measure.html_kb.append(html.stat().st_size / 1024)
            if measure.html_kb[-1] == max(measure.html_kb):
                measure.largest = src
            measure.nav_kb.append(_nav_kb(html))
            if src == measure.page:
                measure.page_kb, measure.page_nav_kb = measure.html_kb[-1], measure.nav_kb[-1]
    read_status(measure, root)
    command = [sys.executable, "-m", "pytest", "docs/", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "no:randomly", "-n", str(workers)]
    seconds, status, output = run(command, root, pytest_limit)
    measure.pytest_seconds = seconds
    measure.pytest_outcome = _last_line(output, status, pytest_limit)


def _last_line(output: str, status: int, limit: float) -> str:
    """The summary line of pytest (or that it was stopped at ``limit``)."""
    if status == -1:
        return f"stopped after {limit:g} s"
    last = output.strip().splitlines()[-1] if output.strip() else f"exit {status}"
    return last.strip("= ")


#: The verdicts of a block that a verified post may show: it ran (or only a GPU can run it).
PROVED = frozenset({"runs", "needs a CUDA GPU"})


def read_status(measure: Measure, root: Path) -> None:
    """The posts ``status --json`` shows verified, and those of them no run proved.

    A post shown verified is proved when each of its blocks has a recorded verdict that
    ran (:data:`PROVED`) and no claim of it is still to check.
    """
    import json

    command = [sys.executable, "-m", "notesite", "status", "--json", "--root", str(root)]
    _, status, output = run(command, root)
    if status != 0:
        sys.exit(f"status failed on {root}:\n{output[-3000:]}")
    for post in json.loads(output[: output.rindex("]") + 1]):
        if not post["verified"]:
            continue
        measure.shown_verified += 1
        unproved = set(post["blocks"]) - PROVED or "not yet checked" in post["claims"]
        if unproved:
            measure.verified_unproved.append(post["post"])


def _nav_kb(html: Path) -> float:
    """KB of a built page's site navigation (the primary sidebar, which holds the nav)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    nav = soup.select_one("nav.md-nav--primary")
    return len(str(nav).encode("utf-8")) / 1024 if nav is not None else 0.0


def _kb(values: list[float], how: str) -> str:
    if not values:
        return "-"
    return f"{(max(values) if how == 'max' else statistics.median(values)):.0f}"


#: The most HTML a note page may have, before compression (100 KB).
PAGE_LIMIT_KB = 100


def _over(measure: Measure) -> str:
    return str(sum(1 for kb in measure.html_kb if kb > PAGE_LIMIT_KB))


def retitled(text: str) -> str:
    r"""A post's text with ``(again)`` at the end of its front matter's title, if it has one.

    >>> print(retitled("---\ntitle: 'Basics'\n---\n"), end="")
    ---
    title: 'Basics (again)'
    ---
    """
    return re.sub(r"^(title:[ \t]*)(['\"]?)(.*?)\2[ \t]*$", r"\g<1>\g<2>\g<3> (again)\g<2>",
                  text, count=1, flags=re.MULTILINE)  # fmt: skip


def twice(posts: list[Path], folder: Path) -> list[Path]:
    """Each post, and a copy of it as a post of the next day, in ``folder``.

    The copy's file name and front matter (``date:``) carry the next day, where they have a
    date, and its title ends in ``(again)`` (:func:`retitled`); a post without a date is
    copied under the name ``<stem>-again``.
    """
    out = []
    for post in posts:
        text = post.read_text(encoding="utf-8")
        dated = re.match(r"^(\d{4}-\d{2}-\d{2})-(.*)$", post.name)
        if dated is not None:
            day = date.fromisoformat(dated[1])
            after = (day + timedelta(days=1)).isoformat()
            name = f"{after}-{dated[2]}"
            text = re.sub(r"^(date:\s*['\"]?)\d{4}-\d{2}-\d{2}", rf"\g<1>{after}", text,
                          count=1, flags=re.MULTILINE)  # fmt: skip
        else:
            name = f"{post.stem}-again{post.suffix}"
        text = retitled(text)
        shutil.copy2(post, folder / post.name)
        (folder / name).write_text(text, encoding="utf-8")
        out += [folder / post.name, folder / name]
    return sorted(out)


def table(today: Measure, series: Measure) -> str:
    """The two sites side by side, in Markdown."""
    verdicts = sorted(set(today.verdicts) | set(series.verdicts))
    claims = sorted(set(today.claims) | set(series.claims))

    def per_post(m: Measure) -> str:
        if not m.sync_seconds:
            return "-"
        return f"{statistics.mean(m.sync_seconds):.1f} (max {max(m.sync_seconds):.1f})"

    def per_page(m: Measure) -> str:
        return f"{m.build_seconds / m.build_pages:.3f}" if m.build_pages else "-"

    rows: list[tuple[str, str, str]] = [
        ("posts whole (every word on its pages)", f"{today.whole}/{today.posts}",
         f"{series.whole}/{series.posts}"),
        ("posts the sync refused", "-", str(len(series.refused))),
        ("note pages", str(today.pages), str(series.pages)),
        *((f"blocks: {v}", str(today.verdicts[v]), str(series.verdicts[v])) for v in verdicts),
        *((f"claims: {c}", str(today.claims[c]), str(series.claims[c])) for c in claims),
        ("sync s per post (mean, max)", per_post(today), per_post(series)),
        ("sync s in all", "-", f"{series.sync_total:.0f}"),
        ("pytest docs/ --update-outputs s", f"{today.record_seconds:.1f}",
         f"{series.record_seconds:.1f}"),
        ("pytest docs/ --update-outputs outcome", today.record_outcome or "-",
         series.record_outcome or "-"),
        ("mkdocs build --strict s", f"{today.build_seconds:.1f}", f"{series.build_seconds:.1f}"),
        ("HTML pages built", str(today.build_pages), str(series.build_pages)),
        ("build s per HTML page", per_page(today), per_page(series)),
        ("build warnings", str(today.build_warnings), str(series.build_warnings)),
        ("HTML KB per note page, max", _kb(today.html_kb, "max"), _kb(series.html_kb, "max")),
        ("HTML KB per note page, median", _kb(today.html_kb, "median"),
         _kb(series.html_kb, "median")),
        ("of which navigation, KB, max", _kb(today.nav_kb, "max"), _kb(series.nav_kb, "max")),
        (f"one page ({today.page}): HTML KB", f"{today.page_kb:.1f}", f"{series.page_kb:.1f}"),
        (f"one page ({today.page}): navigation KB", f"{today.page_nav_kb:.1f}",
         f"{series.page_nav_kb:.1f}"),
        ("note pages over 100 KB", _over(today), _over(series)),
        ("the largest note page", today.largest or "-", series.largest or "-"),
        ("pytest docs/ s", f"{today.pytest_seconds:.1f}", f"{series.pytest_seconds:.1f}"),
        ("pytest docs/ outcome", today.pytest_outcome, series.pytest_outcome),
        ("status: posts shown verified", str(today.shown_verified), str(series.shown_verified)),
        ("of which no run proved (must be 0)", str(len(today.verified_unproved)),
         str(len(series.verified_unproved))),
    ]  # fmt: skip
    out = ["| measure | today's site | with the series |", "| --- | ---: | ---: |"]
    out += [f"| {a} | {b.replace('|', '/')} | {c.replace('|', '/')} |" for a, b, c in rows]
    if series.refused:
        out += ["", "Refused: " + ", ".join(series.refused)]
    for m in (today, series):
        if m.verified_unproved:
            out += ["", f"Shown verified, not proved ({m.name}): " + ", ".join(m.verified_unproved)]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="the folder of posts (.md, .markdown)")
    parser.add_argument("--project", type=Path, default=ROOT, help="the project to copy")
    parser.add_argument(
        "--pytest-limit", type=float, default=600, help="seconds pytest docs/ may run on each"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="pytest-xdist workers of pytest docs/ (-n)"
    )
    parser.add_argument(
        "--record", action="store_true",
        help="record each block's verdict (pytest docs/ --update-outputs) before the build",
    )  # fmt: skip
    parser.add_argument(
        "--twice", action="store_true", help="each post twice: also as a post of the next day"
    )
    args = parser.parse_args(argv)
    if not (args.project / "mkdocs.yml").is_file():
        print(f"error: expected --project with mkdocs.yml, got {args.project}", file=sys.stderr)
        return 2
    if not args.dir.is_dir():
        print(f"error: expected a folder of posts, got {args.dir}", file=sys.stderr)
        return 2
    posts = [p.resolve() for p in expand([str(args.dir)])]
    if not posts:
        print(f"error: expected posts (.md, .markdown) in {args.dir}, got none", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-series-") as tmp:
        if args.twice:
            (Path(tmp) / "posts").mkdir()
            posts = twice(posts, Path(tmp) / "posts")
        today = Measure("today's site")
        series = Measure("with the series")
        for measure in (today, series):
            root = Path(tmp) / ("today" if measure is today else "series")
            root.mkdir()
            copy_project(args.project.resolve(), root)
            before = len(list((root / "notes-original").glob("*")))
            if measure is series:
                bring_in(series, root, posts)
            expected = before + (len(posts) if measure is series else 0)
            measure_site(
                measure, root, expected, args.pytest_limit, args.workers, args.record, today.page
            )
            print(f"measured {measure.name}", file=sys.stderr)
    print(f"{len(posts)} posts of {args.dir.name}/ brought into a copy of the project\n")
    print(table(today, series))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
