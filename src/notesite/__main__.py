"""The command line of notesite: ``python -m notesite sync PATH...`` (see :mod:`notesite.sync`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from notesite.files import project_lock, write_whole
from notesite.model import PageError
from notesite.project import CONFIG, ConfigError, Project, ProjectError, find_root
from notesite.sync import TIMEOUT, SyncError, sync
from notesite.sync.guard import check_report, positive_seconds
from notesite.sync.series import (
    FAILED,
    expand,
    is_series,
    kept_already,
    series_report,
    sync_series,
    table,
)

#: Where the report is written, from the project root, unless ``--report`` says otherwise.
REPORT = "sync-report.md"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status (2 for input the sync cannot take)."""
    parser = argparse.ArgumentParser(
        prog="python -m notesite",
        description="The notes site's own commands.",
        epilog="Exit status: 0 when the sync wrote its report, 2 when it could not take the "
        "post or place a change (then nothing was written), or one post of several.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser(
        "sync",
        help="carry a new version of a post onto its pages (or add a post with --new)",
        description="Merge a new version of a post into its pages, three ways: the original "
        "in the originals folder is the base, the pages are the current version. Each unit "
        "of the notes (heading, paragraph, list item, block) that changed is carried onto "
        "its page with the site's boxes under it; a removed unit's boxes go, and the report "
        "lists them. Nothing is written when a change cannot be placed. Then each new or "
        "changed Python block runs alone, and the report says what to do next.",
    )
    command.add_argument(
        "path",
        nargs="+",
        help="the new version of the post (Markdown); or several posts, folders and globs "
        "('dir/*deep-learning*'), synced one after the other with one table at the end",
    )
    command.add_argument(
        "--new",
        action="store_true",
        help="add it as another post (of several: each whose original is not there yet; "
        "the others are synced as updates)",
    )
    command.add_argument(
        "--report", type=Path, default=None, help=f"where to write the report (default: {REPORT})"
    )
    command.add_argument(
        "--timeout",
        type=positive_seconds,
        default=TIMEOUT,
        help=f"seconds each new or changed block may run (default: {TIMEOUT:g})",
    )
    command.add_argument(
        "--root", type=Path, default=None, help=f"the project (default: the folder of {CONFIG})"
    )
    commands.add_parser(
        "matrix",
        help="run every block and helper test on each admitted PyTorch release",
        add_help=False,
    )
    commands.add_parser(
        "status",
        help="how far each post is verified, and what to do next (--json for tools)",
        add_help=False,
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["status"]:
        from notesite.status import main as status

        return status(argv[1:])
    if argv[:1] == ["matrix"]:
        from notesite.matrix import main as matrix

        return matrix(argv[1:])
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # a bad argument: argparse said which, in one line
        if exit.code in (0, None):
            raise
        return 2
    root = args.root or find_root()
    if root is None or not (root / CONFIG).is_file():
        print(f"error: expected a project with {CONFIG}, got none around {Path.cwd()}")
        return 2
    target = args.report or root / REPORT
    if is_series(args.path):
        return _series(root, args, target)
    path = Path(args.path[0])
    with project_lock(root):  # the report too: one command at a time changes the project
        try:
            project = Project.at(root)
            check_report(project, target)
            # --new of a post the site keeps under another name (the seed under its blog
            # file name, say) is a sync of that post, as in a series: never a second copy.
            new_post = args.new and not kept_already(project, path)
            outcome = sync(project, path, new_post=new_post, timeout=args.timeout)
        except (SyncError, ConfigError, ProjectError, PageError) as error:
            print(f"error: {error}\nNothing was written.", file=sys.stderr)
            return 2
        try:
            write_whole(target, outcome.report)
        except OSError as error:
            print(outcome.report)
            print(f"error: {target}: expected to write the report, got {error}", file=sys.stderr)
            return 2
    print(outcome.report)
    print(f"Written: {len(outcome.written)} files; removed: {len(outcome.removed)}.")
    print(f"The report is in {target}.")
    return 0


def _series(root: Path, args: argparse.Namespace, target: Path) -> int:
    """Sync several posts, with a progress bar; print the table; 2 if one was not taken."""
    from tqdm import tqdm

    posts = expand(args.path)
    bar = tqdm(total=len(posts), unit="post", file=sys.stderr, disable=None, dynamic_ncols=True)

    def progress(items: Iterable[Path]) -> Iterator[Path]:
        for item in items:
            bar.set_postfix_str(item.name)
            yield item
            bar.update()
        bar.close()

    with project_lock(root):  # one command at a time changes the project
        try:
            check_report(Project.at(root), target)
        except (SyncError, ConfigError, ProjectError) as error:
            bar.close()
            print(f"error: {error}\nNothing was written.", file=sys.stderr)
            return 2
        results = sync_series(
            root, posts, new_post=args.new, timeout=args.timeout, progress=progress
        )
        write_whole(target, series_report(results))
    print(table(results))
    failed = [r for r in results if r.status == FAILED]
    for r in failed:
        print(f"not taken: {r.reason}", file=sys.stderr)
    print(f"The report is in {target}.")
    return 2 if failed else 0


if __name__ == "__main__":  # pragma: no cover - run as python -m notesite
    raise SystemExit(main())
