"""Running each new or changed block alone, in its own process, for the report."""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from notesite import outputs as _outputs
from notesite.bounded import run_child
from notesite.model import (
    CUDA_OPTION,
    Fence,
    Page,
    notebook_only,
    parse_page,
)
from notesite.project import Project
from notesite.sync.merge import Plan
from notesite.verdicts import Verdict, undefined_names

TIMEOUT = 60.0
#: What the parent waits past a block's own time limit (the interpreter's start).
GRACE = 30.0


# The verdicts of the report: the site's one vocabulary (notesite.verdicts), and the sync's
# own time limit.
PASSES = Verdict.RUNS.value
NEEDS_SETUP = Verdict.NEEDS_SETUP.value
NEEDS_CUDA = Verdict.NEEDS_GPU.value
NEEDS_PACKAGE = Verdict.NEEDS_PACKAGE.value
FAILS = Verdict.FAILS.value
TIMED_OUT = "timed out"
NOTEBOOK_ONLY = Verdict.NOTEBOOK_ONLY.value
DOES_NOT_PARSE = Verdict.DOES_NOT_PARSE.value
#: Every verdict of a run for the report, in the order its tables give them.
VERDICTS = (
    PASSES, NEEDS_SETUP, NEEDS_PACKAGE, NEEDS_CUDA, NOTEBOOK_ONLY, DOES_NOT_PARSE, FAILS, TIMED_OUT,
)  # fmt: skip


@dataclass
class BlockRun:
    """What running one new or changed block gave."""

    page: str
    line: int
    code: str
    result: str
    detail: str = ""
    seconds: float = 0.0


def run_block(
    page: Page,
    number: int,
    timeout: float = TIMEOUT,
    cuda: bool | None = None,
    warnings: Sequence[str] = (),
) -> BlockRun:
    """Run one block of a page in its own process (with the blocks it continues).

    ``warnings`` are ``-W`` options (:func:`warning_options`): the policy of ``pytest docs/``.
    """
    block = page.blocks[number - 1]
    setup = "\n".join(page.blocks[k - 1].code for k in block.continues)
    code = "\n" * block.line + block.code
    path = f"docs/{page.src_uri}"
    start = time.perf_counter()
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    shown = block.code.strip().splitlines()[0] if block.code.strip() else ""
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as folder:
        # The code goes on stdin, never in argv; the output is read as it comes, capped. The
        # block's own time limit is kept in the child; the parent waits a grace longer (the
        # interpreter's start), then kills it and all it started.
        done = run_child(
            [sys.executable, *warnings, "-m", "notesite.execution", "--stdin"],
            json.dumps([setup, code, path, token, timeout]), cwd=folder, env=env,
            timeout=timeout + GRACE,
        )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.timed_out or "BlockTimeout: " in done.stderr:
        return BlockRun(page.src_uri, block.line, shown, TIMED_OUT, f"after {timeout:g} s", seconds)
    if done.returncode == 0 and done.stdout.endswith(token):
        return BlockRun(page.src_uri, block.line, shown, PASSES, "", seconds)
    err = done.stderr.strip().splitlines()
    last = err[-1] if err else f"exit status {done.returncode}"
    if done.returncode == 0:  # it ended before its end: an exit, say
        return BlockRun(
            page.src_uri, block.line, shown, FAILS,
            f"its process ended before the block did ({last}): a block cannot exit", seconds,
        )  # fmt: skip
    lines = re.findall(rf'File "{re.escape(path)}", line (\d+)', done.stderr)
    where = f" (page line {lines[-1]})" if lines else ""
    if missing := re.match(r"ModuleNotFoundError: No module named '(?P<name>[\w.]+)'", last):
        module = missing["name"].split(".")[0]
        return BlockRun(
            page.src_uri, block.line, shown, NEEDS_PACKAGE,
            f"{module} (add the package that provides it to the `test` extra in "
            "pyproject.toml, then install it again)",
            seconds,
        )  # fmt: skip
    if last.startswith("NameError"):
        names = undefined_names(setup + "\n" + block.code) or re.findall(r"'(\w+)'", last)[:1]
        return BlockRun(
            page.src_uri, block.line, shown, NEEDS_SETUP, "undefined: " + ", ".join(names), seconds
        )
    if block.cuda or re.search(r"CUDA|NVIDIA|cuda", last):
        if cuda is None:
            cuda = _cuda_available()
        if not cuda:
            hint = "" if block.cuda else f" (mark its fence ```python {CUDA_OPTION})"
            return BlockRun(page.src_uri, block.line, shown, NEEDS_CUDA, last + hint, seconds)
    return BlockRun(page.src_uri, block.line, shown, FAILS, last + where, seconds)


def run_session(
    page: Page, fence: Fence, timeout: float = TIMEOUT, warnings: Sequence[str] = ()
) -> BlockRun:
    """Run a console session of a page as a doctest, in its own process, as pytest does.

    It passes when each ``>>>`` line shows what it gives; otherwise the verdict names the
    first line that differs (or the package or names it needs).
    """
    from notesite import sessions

    path = f"docs/{page.src_uri}"
    shown = next((line.strip() for line in fence.code.splitlines() if line.strip()), "")
    start = time.perf_counter()
    done = sessions.run_session_process(fence.code, path, fence.start + 1, timeout, warnings)
    seconds = time.perf_counter() - start
    line = fence.start + 1
    if done.status == sessions.TIMED_OUT:
        return BlockRun(page.src_uri, line, shown, TIMED_OUT, f"after {timeout:g} s", seconds)
    if done.status == sessions.PASSED:
        return BlockRun(page.src_uri, line, shown, PASSES, "console session", seconds)
    if done.status == sessions.ENDED:
        return BlockRun(page.src_uri, line, shown, FAILS, done.report, seconds)
    report = done.report
    if missing := re.search(r"ModuleNotFoundError: No module named '(?P<name>[\w.]+)'", report):
        module = missing["name"].split(".")[0]
        return BlockRun(page.src_uri, line, shown, NEEDS_PACKAGE, module, seconds)
    if re.search(r"^\s*NameError: name '(\w+)'", report, re.MULTILINE):
        names = re.findall(r"NameError: name '(\w+)'", report)
        return BlockRun(
            page.src_uri, line, shown, NEEDS_SETUP, "undefined: " + ", ".join(names[:3]), seconds
        )
    failed = re.search(
        r"line (?P<line>\d+), in .*\nFailed example:\n(?P<example>(?:    .*\n)+)"
        r"(?P<rest>(?:.*\n?)*)",
        report,
    )
    if failed is None:
        last = report.strip().splitlines()[-1] if report.strip() else "no report"
        return BlockRun(page.src_uri, line, shown, FAILS, last, seconds)
    example = failed["example"].strip().splitlines()[0]
    rest = [r.strip() for r in failed["rest"].splitlines() if r.strip()]
    if rest and rest[0] == "Exception raised:":
        what = next((r for r in reversed(rest) if not r.startswith("*")), "an exception")
    else:
        expected = rest[1] if len(rest) > 1 and rest[0] == "Expected:" else ""
        got = rest[rest.index("Got:") + 1] if "Got:" in rest[:-1] else "nothing"
        what = f"shows {expected!r}, gives {got!r}" if expected else f"shows nothing, gives {got!r}"
    detail = f"page line {failed['line']}: `{example}` {what}"
    return BlockRun(page.src_uri, line, shown, FAILS, detail, seconds)


def warning_options(root: Path | None = None) -> list[str]:
    """``-W`` options for the warnings policy ``pytest docs/`` runs the blocks with.

    Read from the project's ``pyproject.toml`` (``[tool.pytest.ini_options]``
    ``filterwarnings``, the same syntax as ``-W``), so that a block that warns fails in the
    report exactly when it fails under pytest.
    """
    if sys.version_info < (3, 11):  # pragma: no cover - tomllib came with 3.11
        return ["-Werror"]  # this project's policy
    else:
        import tomllib

        try:
            text = ((root or Path.cwd()) / "pyproject.toml").read_text("utf-8")
            loaded = tomllib.loads(text)
        except (OSError, ValueError):
            return []
        filters = loaded.get("tool", {}).get("pytest", {}).get("ini_options", {})
        return [f"-W{entry}" for entry in filters.get("filterwarnings", [])]


def _cuda_available() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except ImportError:  # pragma: no cover - torch is a dependency
        return False


def run_new_blocks(
    plan: Plan, project: Project, timeout: float = TIMEOUT, workers: int = 2
) -> list[BlockRun]:
    """Run each block of the changed pages that has no record (new or changed code)."""
    jobs: list[tuple[Page, int]] = []
    sessions: list[tuple[Page, Fence]] = []
    notebook: list[BlockRun] = []
    for src, text in plan.pages.items():
        page = parse_page(text, src)
        record = plan.records.get(src, "missing")
        if record == "missing":
            path = project.record_path(src)
            record = path.read_text(encoding="utf-8") if path.is_file() else None
        keys = {e.key for e in _outputs.parse(record, src)} if record else set()
        unparsed = {b.number: b.parse_error for b in page.blocks if b.parse_error}
        jobs += [
            (page, b.number) for b in page.blocks if b.key not in keys and b.number not in unparsed
        ]
        notebook += [
            BlockRun(
                page.src_uri,
                b.line,
                b.code.strip().splitlines()[0] if b.code.strip() else "",
                DOES_NOT_PARSE,
                f"{unparsed[b.number].removeprefix(f'{DOES_NOT_PARSE}: ')}; pytest skips it",
            )
            for b in page.blocks
            if b.number in unparsed
        ]
        sessions += [(page, fence) for fence in page.doctests]
        notebook += [
            BlockRun(
                page.src_uri,
                fence.start + 1,
                fence.code.strip().splitlines()[0],
                NOTEBOOK_ONLY,
                f"{notebook_only(fence.code)} runs in the page's notebook; pytest skips it",
            )
            for fence in page.notebook_only
        ]
    if not jobs and not sessions:
        return sorted(notebook, key=lambda run: (list(plan.pages).index(run.page), run.line))
    cuda = _cuda_available()
    policy = warning_options(project.root)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda job: run_block(job[0], job[1], timeout, cuda, policy), jobs))
        runs += pool.map(lambda job: run_session(job[0], job[1], timeout, policy), sessions)
    runs += notebook
    return sorted(runs, key=lambda run: (list(plan.pages).index(run.page), run.line))
