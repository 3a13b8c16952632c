"""Recorded outputs of the site's Python blocks, and where each block was verified.

Each Markdown page with Python blocks has a record file, ``outputs/<page>.txt`` (for
``docs/notes/misc.md``: ``outputs/notes/misc.md.txt``), written by
``pytest docs/ --update-outputs`` and compared with every run. The format is plain text, one
entry per block, in page order::

    @@ block 2 · code 77aa0b12c3d4 · line 22
    verified cpu: torch 2.13.0 · 2026-11-26
    verified cuda: NVIDIA H100 80GB HBM3 · torch 2.13.0 · 2026-11-26
    stdout:
    | tensor([1, 2])
    result:
    | 3

A block is identified by the hash of its own code (``code``, with ``#k`` for the k-th block
of the same code on the page); ``block`` and ``line`` are for the reader. ``stdout`` is what
the block printed; ``result`` is the repr of a bare last expression, as a notebook shows it.
``skipped cpu: …`` records a block that cannot run on a CPU-only machine.
``verdict: …`` records what running a block of a post not yet verified gave, when it did
not run (``verdict: needs setup: model``; :mod:`notesite.verdicts`), and ``tried cpu: …``
where and when that was found. A block that runs has no ``verdict`` line.

A record holds exactly the characters printed. Each output line is ``| `` and the line; a
line that would not survive a text file as it is (trailing whitespace, a carriage return,
another control character or line separator) is written ``|"`` and the line as a JSON
string instead; output that does not end with a newline ends with the line
:data:`NO_NEWLINE`.
"""

from __future__ import annotations

import ast
import gc
import json
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from notesite.errors import InputError
from notesite.verdicts import Outcome, Verdict, VerdictError

HEADER = "# Recorded outputs of {page}. Regenerate: pytest docs/ --update-outputs\n"
ENTRY = re.compile(
    r"^@@ block (?P<block>\d+) · code (?P<key>[0-9a-f]{12}(?:#\d+)?) · line (?P<line>\d+)$"
)
VERIFIED = re.compile(r"^verified (?P<device>cpu|cuda): (?P<text>.+)$")
SKIPPED = re.compile(r"^skipped (?P<device>cpu|cuda): (?P<text>.+)$")
TRIED = re.compile(r"^tried (?P<device>cpu|cuda): (?P<text>.+)$")
VERDICT = re.compile(r"^verdict: (?P<text>.+)$")
#: The line of a record whose output is normalised where runs showed it to vary.
NORMALISED = "normalised: addresses and temporary paths vary from run to run"


class RecordError(InputError):
    """A record file that cannot be read (names the file, line and block)."""


@dataclass
class Entry:
    """The record of one block."""

    key: str
    block: int
    line: int
    stdout: str | None = None
    result: str | None = None
    verified: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    #: What running the block gave when it did not run (None: it runs); see
    #: :mod:`notesite.verdicts`.
    verdict: str | None = None
    #: Where and when that verdict was found, by device.
    tried: dict[str, str] = field(default_factory=dict)
    #: Whether its output is recorded normalised (:func:`normalise`): its runs printed
    #: addresses or temporary paths that vary, and nothing else that did.
    normalised: bool = False

    def outcome(self) -> Outcome:
        """The recorded verdict (:attr:`Verdict.RUNS` without a ``verdict`` line)."""
        return Outcome.parse(self.verdict) if self.verdict else Outcome(Verdict.RUNS)

    def shown(self) -> str:
        """The text a reader sees as the block's output (empty when it shows nothing)."""
        parts = [self.stdout or ""]
        if self.result is not None:
            parts.append(self.result + "\n")
        return "".join(parts)


def normalise(text: str, root: Path | None = None) -> str:
    """Output as it reads on any machine: addresses and temporary paths written alike.

    A page's scratch folder, the working directory of its blocks, is written
    ``<tmp>/notesite-page-…``.

    Applied only to a block whose runs showed them to vary (its record says ``normalised``);
    see :func:`machine_free` for what every output gets.
    """
    text = re.sub(r"0x[0-9a-fA-F]{6,}", "0x…", machine_free(text, root))
    text = text.replace(tempfile.gettempdir(), "<tmp>")
    # A page's scratch working directory (notesite.server.PageProcess): a name of its own
    # each run, where a block's relative paths lead.
    return _SCRATCH.sub(r"\g<1>…", text)


#: The name of a page's scratch folder, made by ``tempfile.mkdtemp(prefix=...)``.
_SCRATCH = re.compile(r"(notesite-page-)[a-z0-9_]{8}\b")


def machine_free(text: str, root: Path | None = None) -> str:
    """The project's own path written ``<repo>``: the one thing every output has normalised."""
    return text.replace(str(root), "<repo>") if root is not None else text


#: What ends an output that does not end with a newline.
NO_NEWLINE = "\\ no newline at end"
#: Characters that a text file or an editor would not keep as they are inside a line.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]|[ \t]$")


def _content(lines: list[str]) -> str:
    """The output that a section's lines (as :func:`_output_lines` writes them) hold."""
    text = ""
    for line in lines:
        if line == NO_NEWLINE:
            return text.removesuffix("\n")
        text += (json.loads(line[1:]) if line.startswith('|"') else line[2:]) + "\n"
    return text


def _output_lines(text: str) -> list[str]:
    """An output as lines of a record, exactly (the inverse of :func:`_content`)."""
    body = text.removesuffix("\n")
    out = [
        '|"' + json.dumps(line)[1:] if _UNSAFE.search(line) else ("| " + line if line else "|")
        for line in body.split("\n")
    ]
    if not text.endswith("\n"):
        out.append(NO_NEWLINE)
    return out


def parse(text: str, path: Path | str) -> list[Entry]:
    """Read a record file.

    Args:
        text: The file's text.
        path: The file's name, for error messages.

    Returns:
        Its entries, in page order.

    Raises:
        RecordError: If a line is not part of the format (names the file, line and block).
    """
    entries: list[Entry] = []
    section: list[str] | None = None
    sections: dict[str, list[str]] = {}

    def close() -> None:
        if entries:
            entry = entries[-1]
            if "stdout" in sections:
                entry.stdout = _content(sections["stdout"])
            if "result" in sections:
                entry.result = _content(sections["result"]).removesuffix("\n")

    for number, line in enumerate(text.removesuffix("\n").split("\n"), start=1):
        where = f"{path}:{number}"
        block = f" (block {entries[-1].block})" if entries else ""
        if line.startswith("# ") and not entries:
            continue
        if match := ENTRY.match(line):
            close()
            entries.append(Entry(match["key"], int(match["block"]), int(match["line"])))
            sections, section = {}, None
        elif not entries:
            raise RecordError(f"{where}: expected '@@ block N · code HASH · line L', got {line!r}")
        elif line in ("stdout:", "result:"):
            section = sections.setdefault(line[:-1], [])
        elif section is not None and (line.startswith(("| ", '|"')) or line in ("|", NO_NEWLINE)):
            if line.startswith('|"'):
                try:
                    json.loads(line[1:])
                except ValueError:
                    raise RecordError(
                        f"{where}{block}: expected a JSON string after '|', got {line[1:]!r}"
                    ) from None
            section.append(line if line != "|" else "| ")
        elif section is None and (match := VERIFIED.match(line)):
            entries[-1].verified[match["device"]] = match["text"]
        elif section is None and (match := SKIPPED.match(line)):
            entries[-1].skipped[match["device"]] = match["text"]
        elif section is None and line == NORMALISED:
            entries[-1].normalised = True
        elif section is None and (match := TRIED.match(line)):
            entries[-1].tried[match["device"]] = match["text"]
        elif section is None and (match := VERDICT.match(line)):
            try:
                Outcome.parse(match["text"])
            except VerdictError as error:
                raise RecordError(f"{where}{block}: {error}") from None
            entries[-1].verdict = match["text"]
        else:
            raise RecordError(
                f"{where}{block}: expected 'verified cpu|cuda: …', 'skipped cpu|cuda: …', "
                "'verdict: …', 'tried cpu|cuda: …', "
                f"'stdout:', 'result:' or an output line starting with '| ', got {line!r}"
            )
    close()
    keys = [entry.key for entry in entries]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RecordError(f"{path}: expected each block once, got {duplicates} more than once")
    return entries


def dump(entries: list[Entry], page: str) -> str:
    """Write entries in the record format (the inverse of :func:`parse`)."""
    out = [HEADER.format(page=page)]
    for entry in entries:
        out.append(f"@@ block {entry.block} · code {entry.key} · line {entry.line}\n")
        if entry.verdict is not None:
            out.append(f"verdict: {entry.verdict}\n")
        out.extend(f"tried {device}: {entry.tried[device]}\n" for device in sorted(entry.tried))
        if entry.normalised:
            out.append(NORMALISED + "\n")
        for device in ("cpu", "cuda"):
            if device in entry.skipped:
                out.append(f"skipped {device}: {entry.skipped[device]}\n")
            if device in entry.verified:
                out.append(f"verified {device}: {entry.verified[device]}\n")
        for name, value in (("stdout", entry.stdout), ("result", entry.result)):
            if value is None:
                continue
            out.append(f"{name}:\n")
            body = value if name == "stdout" else value + "\n"
            out.extend(line + "\n" for line in _output_lines(body))
    return "".join(out)


def load(path: Path, root: Path | None = None) -> list[Entry]:
    """Read a record file (named from ``root`` in messages); a missing file has no entries."""
    if not path.exists():
        return []
    shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
    return parse(path.read_text(encoding="utf-8"), shown.as_posix())


def merge(
    old: list[Entry], current_keys: list[tuple[str, int, int]], new: dict[str, Entry]
) -> list[Entry]:
    """The entries of a page after a run: new ones win, stale ones go.

    Args:
        old: The entries on file.
        current_keys: ``(key, block number, line)`` of every block now on the page.
        new: The entries this run produced, by key.

    Returns:
        One entry per block now on the page that has one, in page order.
    """
    by_key = {entry.key: entry for entry in old}
    merged = []
    for key, block, line in current_keys:
        entry = new.get(key)
        previous = by_key.get(key)
        if entry is None:
            if previous is not None:
                merged.append(replace(previous, block=block, line=line))
            continue
        if previous is not None and entry.verdict is None and previous.verdict is None:
            if entry.stdout is None and entry.result is None and not entry.verified:
                # Skipped here (e.g. a CUDA block on a CPU-only machine): keep the output
                # that a run where it could run recorded.
                entry = replace(entry, stdout=previous.stdout, result=previous.result)
            # Keep what this run did not redo, e.g. the CUDA verification on a CPU run, and
            # the date of a verification that this run repeated with the same output.
            same = (entry.stdout, entry.result) == (previous.stdout, previous.result)
            redone = {
                device: previous.verified[device]
                if same and _undated(previous.verified.get(device)) == _undated(text)
                else text
                for device, text in entry.verified.items()
            }
            entry = replace(
                entry,
                verified={**previous.verified, **redone},
                skipped={
                    k: v
                    for k, v in {**previous.skipped, **entry.skipped}.items()
                    if k not in entry.verified
                },
            )
        merged.append(replace(entry, block=block, line=line))
    return merged


def _undated(verified: str | None) -> str | None:
    """A verification without its date (``torch 2.13.0 · 2026-11-26`` -> ``torch 2.13.0``)."""
    return re.sub(r" · \d{4}-\d{2}-\d{2}$", "", verified) if verified is not None else None


def import_torch() -> None:
    """Import torch with the garbage collector paused, then freeze what the import made.

    torch's import makes a few hundred thousand long-lived objects and no garbage worth
    collecting. Collection passes over the growing heap cost about a tenth of the import; and
    once frozen, its objects are walked by no later collection, nor by the one at exit (about
    0.4 s of a ``python -c "import torch"``). Both the test runner and the benchmarks' content
    floor import torch this way.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        import torch  # noqa: F401
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def kept(stdout: str, result: str | None, root: Path | None) -> tuple[str, str | None]:
    """What a block's run gave, as its record keeps it: its paths as ``<repo>``, each capped.

    Each is kept up to a cap (the record says how much was cut).

    Args:
        stdout: What the block printed.
        result: The repr of its last expression's value (None: none).
        root: The project root, written ``<repo>``.

    Returns:
        The printed text and the repr, normalised and capped.
    """
    from notesite.bounded import cap

    shown = cap(machine_free(stdout, root))
    return shown, cap(machine_free(result, root)) if result is not None else None


def see_comments(code: str) -> list[tuple[int, str]]:
    """The outputs a block announces in comments: ``# See`` then ``# <expected>`` lines.

    Args:
        code: The block's code.

    Returns:
        ``(line of the statement that shows it, expected text)`` pairs, 1-based lines.
    """
    lines = code.splitlines()
    found = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "# See":
            i += 1
            continue
        j = i + 1
        expected = []
        while j < len(lines) and (lines[j].lstrip().startswith("#") or not lines[j].strip()):
            expected.append(lines[j].lstrip()[1:] if lines[j].strip() else "")
            j += 1
        found.append((j + 1, "\n".join(expected)))
        i = j
    return found


def statement_outputs(code: str, filename: str) -> dict[int, str]:
    """Run code statement by statement; what each top-level statement showed, by line.

    A statement shows what it prints, and a bare expression also the repr of its value
    (as a notebook does).
    """
    import contextlib
    import io

    namespace: dict[str, object] = {}
    shown = {}
    for statement in ast.parse(code, filename).body:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            if isinstance(statement, ast.Expr):
                expression = ast.Expression(statement.value)
                value = eval(compile(expression, filename, "eval"), namespace)
                if value is not None:
                    print(repr(value))
            else:
                module = ast.Module([statement], type_ignores=[])
                exec(compile(module, filename, "exec"), namespace)
        shown[statement.lineno] = buffer.getvalue()
    return shown
