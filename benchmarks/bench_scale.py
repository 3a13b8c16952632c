"""How `pytest docs/` and the strict build scale with the number of note pages.

Builds scratch copies of the project whose note pages are copied 1x, 4x and 16x (each copy a
page of its own in the nav, with its own record, its text made distinct by a comment), then
times, in fresh processes, `pytest docs/` and `mkdocs build` on each (not strict: the copies
repeat the headings that the API pages link to, which autorefs warns about), and prints per
block and per page costs. Targets: the per-block cost of `pytest docs/` at 16x within 1.2x of
the cost at 1x (no quadratic step), and `pytest docs/` at 1x within 1.1x of the `import torch,
numpy` floor. At 1x it also times the content floor (every block run bare, ``bare_blocks.py``),
which tells what the pages' own code costs apart from the machinery.

Run from the repository root: ``python benchmarks/bench_scale.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

from notesite.project import Project
from timing import FROZEN_FLOOR, IMPORT_FLOOR, wall_time

ROOT = Path(__file__).resolve().parents[1]
BARE = Path(__file__).with_name("bare_blocks.py")
FACTORS = (1, 4, 16)


def scaled_copy(dest: Path, factor: int) -> tuple[int, int]:
    """A copy of the project with every note page ``factor`` times; (blocks, pages)."""
    for name in ["mkdocs.yml", "pyproject.toml", "README.md", "CONTRIBUTING.md"]:
        shutil.copy(ROOT / name, dest / name)
    for name in ["docs", "src", "overrides", "outputs", "notes-original"]:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    project = Project.at(dest)
    config = yaml.safe_load((dest / "mkdocs.yml").read_text(encoding="utf-8"))
    added = []
    for src_uri in project.note_pages:
        for k in range(2, factor + 1):
            copy = src_uri.replace(".md", f"-{k}.md")
            text = (project.docs_dir / src_uri).read_text(encoding="utf-8")
            # Each copy a page of its own: the site refuses two pages of the same text.
            (project.docs_dir / copy).write_text(f"{text}\n<!-- copy {k} -->\n", "utf-8")
            shutil.copy(project.record_path(src_uri), project.record_path(copy))
            added.append(copy)
    for section in config["nav"]:
        if isinstance(section, dict) and "Notes" in section:
            section["Notes"] += added
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    project = Project.at(dest)
    blocks = sum(len(page.blocks) for page in project.pages())
    return blocks, len(project.nav)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median)")
    args = parser.parse_args()
    python = sys.executable
    rows = []
    bare = float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        floors = []
        for floor_args in (IMPORT_FLOOR, FROZEN_FLOOR):
            command = [python, *floor_args]
            wall_time(command, ROOT)
            floors.append(statistics.median(wall_time(command, ROOT) for _ in range(args.repeat)))
        floor, frozen = floors
        for factor in FACTORS:
            dest = Path(tmp) / f"x{factor}"
            dest.mkdir()
            blocks, pages = scaled_copy(dest, factor)
            pytest_cmd = [python, "-m", "pytest", "docs/", "-q", "-p", "no:cacheprovider"]
            # Not --strict: the copies repeat the notes' headings, which the API pages link to.
            build_cmd = [python, "-m", "mkdocs", "build", "-d", str(dest / "site")]
            wall_time(pytest_cmd, dest)  # warm the file cache
            test_s = statistics.median(wall_time(pytest_cmd, dest) for _ in range(args.repeat))
            build_s = statistics.median(wall_time(build_cmd, dest) for _ in range(args.repeat))
            rows.append((factor, pages, blocks, test_s, build_s))
            if factor == 1:
                bare_cmd = [python, str(BARE), str(dest)]
                bare = statistics.median(wall_time(bare_cmd, dest) for _ in range(args.repeat))
    print(
        f"import torch, numpy (floor): {floor:.2f} s; the same, frozen as the runner imports "
        f"it: {frozen:.2f} s\n"
    )
    header = (
        f"{'scale':>5} {'pages':>6} {'blocks':>7} {'pytest docs/ s':>15} {'ms/block':>9} "
        f"{'over floor ms/block':>20} {'build s':>8} {'ms/page':>8}"
    )
    print(header)
    for factor, pages, blocks, test_s, build_s in rows:
        print(
            f"{factor:>4}x {pages:>6} {blocks:>7} {test_s:>15.2f} {1000 * test_s / blocks:>9.1f} "
            f"{1000 * (test_s - floor) / blocks:>20.1f} {build_s:>8.2f} "
            f"{1000 * build_s / pages:>8.1f}"
        )
    base, top = rows[0], rows[-1]
    per_block = ((top[3] - floor) / top[2]) / ((base[3] - floor) / base[2])
    per_page = (top[4] / top[1]) / (base[4] / base[1])
    print(
        f"\nper-block cost of pytest docs/ over the floor, {top[0]}x / 1x: {per_block:.2f} "
        f"(target <= 1.2)\nper-page cost of the build, {top[0]}x / 1x: {per_page:.2f}\n"
        f"pytest docs/ at 1x / import floor: {base[3] / floor:.2f} (target <= 1.1); "
        f"/ frozen import: {base[3] / frozen:.2f}\n"
        f"the blocks bare at 1x / import floor: {bare / floor:.2f}; "
        f"pytest docs/ at 1x / the blocks bare: {base[3] / bare:.2f}"
    )


if __name__ == "__main__":
    main()
