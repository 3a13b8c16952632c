"""pytest side of the recorded outputs (:mod:`notesite.outputs`), loaded by the plugin.

* Every Markdown block runs like a notebook cell (its stdout and the repr of a bare last
  expression are captured) and is compared with its record; a difference fails with a diff,
  a block without a record fails until recorded.
* ``--update-outputs`` rewrites the records of the pages that ran, with where each block
  was verified (CPU, or CUDA with the GPU's name; torch version; date).
* ``--record-provenance`` only adds where the blocks that passed were verified (the CUDA
  check script uses it); a CPU-only run never writes a CUDA verification.
* Docstring examples must not print: the API pages do not show output.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import torch
from pytest_markdown_docs._runners import DefaultRunner, register_runner
from pytest_markdown_docs.definitions import FenceTestDefinition

from notesite import markdown as _markdown
from notesite import outputs as _outputs


class OutputMismatch(AssertionError):
    """A block printed something else than its record."""


@dataclass
class Page:
    """The blocks of one Markdown page and what this run learned about them."""

    path: Path
    record: Path
    keys: dict[int, tuple[str, int]]  # start line -> (key, block number)
    entries: dict[str, _outputs.Entry]
    new: dict[str, _outputs.Entry] = field(default_factory=dict)


class State:
    """Session-wide state of the recording (set up in ``pytest_configure``)."""

    update = False
    provenance = False
    root: Path = _outputs.ROOT
    pages: dict[Path, Page] = {}  # noqa: RUF012 - reset per session in configure()

    @classmethod
    def configure(cls, config: pytest.Config) -> None:
        """Read the options of this session and forget the pages of the last one."""
        cls.update = bool(config.getoption("update_outputs"))
        cls.provenance = bool(config.getoption("record_provenance")) or cls.update
        root = config.getoption("outputs_root")
        cls.root = Path(root).resolve() if root else Path(str(config.rootpath)).resolve()
        cls.pages = {}

    @classmethod
    def page(cls, path: Path) -> Page | None:
        """The blocks and records of a Markdown page under ``docs/``; None for anything else."""
        path = path.resolve()
        docs = cls.root / "docs"
        if path.suffix != ".md" or not path.is_relative_to(docs):
            return None
        if path not in cls.pages:
            blocks = _markdown.python_blocks(path.read_text(encoding="utf-8"), path)
            keys = _outputs.block_keys([code for _, code in blocks])
            record = _outputs.record_path(path, docs, cls.root)
            entries = {e.key: e for e in _outputs.load(record)}
            by_line = {
                line: (key, i + 1)
                for i, ((line, _), key) in enumerate(zip(blocks, keys, strict=True))
            }
            cls.pages[path] = Page(path, record, by_line, entries)
        return cls.pages[path]


def _where() -> tuple[str, str]:
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    if torch.cuda.is_available():
        return "cuda", f"{torch.cuda.get_device_name()} · torch {torch.__version__} · {today}"
    return "cpu", f"torch {torch.__version__} · {today}"


def _shown_path(path: Path) -> str:
    return path.relative_to(State.root).as_posix() if path.is_relative_to(State.root) else str(path)


def _diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), got.splitlines(), "recorded output", "this run", lineterm=""
    )
    return "\n".join(lines)


@register_runner(default=True)
class RecordingRunner(DefaultRunner):
    """The default runner of pytest-markdown-docs, capturing and checking output."""

    def runtest(self, test: FenceTestDefinition, args: dict[str, Any], **_: Any) -> None:
        """Run a block, then compare its output with the record (or keep it to write)."""
        lines = test.source.split("\n")
        prefix = "\n".join(lines[: test.start_line])
        own = "\n" * test.start_line + "\n".join(lines[test.start_line :])
        filename = str(test.source_path)
        stdout, result = _outputs.run_block(own, prefix, filename, args)
        page = State.page(Path(test.source_path))
        if page is None:
            if Path(test.source_path).suffix == ".py" and stdout:
                raise OutputMismatch(
                    "expected a docstring example to print nothing (the API pages do not "
                    f"show output; assert instead), got:\n{stdout}"
                )
            return
        if test.start_line not in page.keys:
            raise OutputMismatch(
                f"{page.path.name} changed while the tests ran (no block starts at line "
                f"{test.start_line} any more): run them again"
            )
        key, block = page.keys[test.start_line]
        entry = _outputs.Entry(key, block, test.start_line, stdout or None, result)
        page.new[key] = entry
        if State.update:
            return
        recorded = page.entries.get(key)
        update = "if the change is right, run `pytest docs/ --update-outputs`"
        if recorded is None:
            # The block is new or its code changed: compare with the record at its place.
            current = {k for k, _ in page.keys.values()}
            previous = next(
                (e for e in page.entries.values() if e.block == block and e.key not in current),
                None,
            )
            if previous is None:
                raise OutputMismatch(
                    f"expected a recorded output for block {block} of {page.path.name} in "
                    f"{_shown_path(page.record)}, got none: record it with "
                    "`pytest docs/ --update-outputs`"
                )
            diff = _diff(previous.shown(), entry.shown()) or "(the output is unchanged)"
            raise OutputMismatch(
                f"block {block} of {page.path.name} changed since its output was recorded in "
                f"{_shown_path(page.record)}; {update}\n{diff}"
            )
        if recorded.skipped and not recorded.verified:
            # Recorded where it could only be skipped (a CUDA block on a CPU-only machine):
            # there is no output to compare with yet; this run's is recorded with the
            # provenance (see pytest_sessionfinish).
            return
        if recorded.shown() != entry.shown():
            raise OutputMismatch(
                f"block {block} of {page.path.name} printed something else than its record "
                f"({_shown_path(page.record)}); {update}\n" + _diff(recorded.shown(), entry.shown())
            )


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-outputs``, ``--record-provenance`` and ``--outputs-root``."""
    group = parser.getgroup("ptnotes outputs")
    group.addoption("--update-outputs", action="store_true", help="rewrite recorded outputs")
    group.addoption(
        "--record-provenance",
        action="store_true",
        help="record where the blocks that passed were verified (device, torch, date)",
    )
    group.addoption(
        "--outputs-root", default=None, help="folder holding docs/ and outputs/ (default: rootdir)"
    )


def pytest_configure(config: pytest.Config) -> None:
    """Reset the recording state for this session."""
    State.configure(config)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Note a skipped block (e.g. needs a CUDA GPU) and drop a failed one from the update."""
    definition = getattr(item, "test_definition", None)
    if definition is None:
        return
    page = State.page(Path(definition.source_path))
    if page is None or definition.start_line not in page.keys:
        return  # not a page of the site, or it changed while the tests ran
    key, block = page.keys[definition.start_line]
    skipped = call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception)
    if skipped and call.when == "setup":
        device, _ = _where()
        reason = str(getattr(call.excinfo.value, "msg", "")) if call.excinfo else ""
        page.new[key] = _outputs.Entry(key, block, definition.start_line, skipped={device: reason})
    elif call.when == "call" and call.excinfo is not None:
        page.new.pop(key, None)
    elif call.when == "call" and key in page.new and State.provenance:
        device, where = _where()
        page.new[key].verified[device] = where


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the records of the pages that ran, when asked to."""
    if not (State.update or State.provenance):
        return
    for page in State.pages.values():
        if not page.new:
            continue
        old = list(page.entries.values())
        if not State.update:
            # Provenance only: keep the recorded outputs, add where the block passed.
            fresh = {}
            for key, entry in page.new.items():
                kept = page.entries.get(key)
                if kept is not None and kept.skipped and not kept.verified and entry.verified:
                    # First run where the block could run: record its output too.
                    fresh[key] = _outputs.Entry(
                        key,
                        kept.block,
                        kept.line,
                        entry.stdout,
                        entry.result,
                        entry.verified,
                        kept.skipped,
                    )
                elif kept is not None and entry.verified:
                    fresh[key] = _outputs.Entry(
                        key,
                        kept.block,
                        kept.line,
                        kept.stdout,
                        kept.result,
                        {**kept.verified, **entry.verified},
                        kept.skipped,
                    )
            page.new = fresh
        ordered = sorted(page.keys.items())
        current = [(key, block, line) for line, (key, block) in ordered]
        merged = _outputs.merge(old, current, page.new)
        page.record.parent.mkdir(parents=True, exist_ok=True)
        name = page.path.relative_to(State.root).as_posix()
        page.record.write_text(_outputs.dump(merged, name), encoding="utf-8")
