"""What running a block gives: one vocabulary for records, chips, notebooks, reports and pytest.

A block's *verdict* is recorded by ``pytest docs/ --update-outputs`` beside its output
(:mod:`notesite.outputs`), and every later run compares with it: a block passes when it
gives its recorded verdict again, and fails, naming both, when anything differs. The words
are the reader's: the site's chips, the legend on the Verification page, the notebooks'
cells, the sync's report and pytest's skip reasons all say them the same way.

A verdict is written ``<kind>: <detail>`` (``needs setup: model, optimizer``); ``runs`` has
no detail. Only a post that is not yet *verified* may record a verdict other than
:attr:`Verdict.RUNS` (or :attr:`Verdict.NEEDS_GPU` on a machine without one): a verified
post's blocks must run, as they always had to.
"""

from __future__ import annotations

import ast
import builtins
import enum
import re
import traceback
from dataclasses import dataclass

from notesite.errors import InputError

__all__ = ["NetworkRefused", "Outcome", "Verdict", "VerdictError", "classify", "undefined_names"]


class Verdict(enum.Enum):
    """The kinds of verdict, in the reader's words (the value is what the record says)."""

    RUNS = "runs"
    NEEDS_SETUP = "needs setup"
    NEEDS_PACKAGE = "needs a package"
    NEEDS_GPU = "needs a CUDA GPU"
    NEEDS_NETWORK = "needs the network or a data set"
    DOES_NOT_PARSE = "does not parse"
    FAILS = "fails"
    VARIES = "varies from run to run"
    NOTEBOOK_ONLY = "notebook only"

    @property
    def explanation(self) -> str:
        """One sentence for a reader: what the verdict means for the block on the page."""
        return _EXPLANATIONS[self]


_EXPLANATIONS = {
    Verdict.RUNS: "The block ran and printed what is shown under it.",
    Verdict.NEEDS_SETUP: "The block reads names that nothing on its page defines; "
    "it does not run on its own yet.",
    Verdict.NEEDS_PACKAGE: "The block imports a package this project does not install.",
    Verdict.NEEDS_GPU: "The block needs a CUDA GPU; a machine without one skips it.",
    Verdict.NEEDS_NETWORK: "The block reaches for the network (a download, a data set); "
    "the test run refuses network access, so it is not run here.",
    Verdict.DOES_NOT_PARSE: "The block is not valid Python as written (pseudo-code, mixed "
    "tabs and spaces); it is shown as the author wrote it.",
    Verdict.FAILS: "The block raises an error when run as written: a candidate for an erratum.",
    Verdict.VARIES: "The block prints something else on every run (random numbers that are "
    "not seeded, the date or the time); its output is not recorded.",
    Verdict.NOTEBOOK_ONLY: "The block is IPython's (a magic or a shell command): it runs in "
    "the page's notebook only.",
}


class VerdictError(InputError):
    """A recorded verdict that is not one of :class:`Verdict`'s kinds."""


class NetworkRefused(OSError):
    """Raised in a block that opens a network connection while the tests run."""


@dataclass(frozen=True)
class Outcome:
    """A verdict and its detail (the names, the package, the error)."""

    verdict: Verdict
    detail: str = ""

    def __str__(self) -> str:
        """As a record and a message say it: ``needs setup: model``."""
        return f"{self.verdict.value}: {self.detail}" if self.detail else self.verdict.value

    @property
    def runs(self) -> bool:
        """Whether the block ran."""
        return self.verdict is Verdict.RUNS

    @classmethod
    def parse(cls, text: str, where: str = "") -> Outcome:
        """Read a verdict as :meth:`__str__` writes it.

        Raises:
            VerdictError: If it does not start with a kind of :class:`Verdict`.
        """
        for verdict in Verdict:
            if text == verdict.value:
                return cls(verdict)
            if text.startswith(verdict.value + ": "):
                return cls(verdict, text[len(verdict.value) + 2 :])
        kinds = ", ".join(repr(v.value) for v in Verdict)
        raise VerdictError(f"{where}expected a verdict starting with one of {kinds}, got {text!r}")


#: The names a notebook's kernel adds to the builtins, which a block may use as in Jupyter
#: (:func:`notesite.shown.notebook_builtins`).
NOTEBOOK_BUILTINS = ("display",)


def undefined_names(code: str) -> list[str]:
    """The names a block reads and never binds (nor are they builtins), in reading order.

    A name that an augmented assignment (``total += step``) updates is read there, so it
    counts unless a statement before it binds it. Code that does not parse reads nothing.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    bound: set[str] = set(dir(builtins)) | set(NOTEBOOK_BUILTINS)
    first_bound: dict[str, tuple[int, int]] = {}
    read: list[str] = []
    updated: list[tuple[str, tuple[int, int]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load | ast.Del):  # `del model` needs a model
                read.append(node.id)
            else:
                bound.add(node.id)
                at = (node.lineno, node.col_offset)
                first_bound[node.id] = min(first_bound.get(node.id, at), at)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            updated.append((node.target.id, (node.lineno, node.col_offset)))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)  # a `case` pattern's capture
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    for name, at in sorted(updated, key=lambda pair: pair[1]):
        if name in dir(builtins):
            continue
        if first_bound.get(name, at) >= at:  # its first binding is this update itself
            if name not in read:
                read.insert(0, name)
            bound.discard(name)
    return sorted(set(read) - bound, key=read.index)


_CUDA = re.compile(r"CUDA|NVIDIA|cuda")


def _last_line(error: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    last = text.splitlines()[-1] if text else type(error).__name__
    return last if len(last) <= 300 else last[:299] + "…"


def _page_line(error: BaseException, filename: str) -> int | None:
    if isinstance(error, SyntaxError) and error.filename == filename and error.lineno:
        return error.lineno
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    return lines[-1] if lines and lines[-1] is not None else None


def classify(error: BaseException, code: str, filename: str = "", cuda: bool = False) -> Outcome:
    """The verdict of a block that raised ``error``.

    Args:
        error: What the block raised.
        code: The code that ran (the block and the blocks it continues), for the names it
            reads.
        filename: The page's path as the block's code objects carry it, for the line.
        cuda: Whether a CUDA GPU is present (a CUDA error without one needs a GPU).

    Returns:
        :attr:`Verdict.DOES_NOT_PARSE` for a syntax or indentation error,
        :attr:`Verdict.NEEDS_PACKAGE` for a missing module, :attr:`Verdict.NEEDS_NETWORK`
        for a refused connection, :attr:`Verdict.NEEDS_SETUP` for a name nothing binds,
        :attr:`Verdict.NEEDS_GPU` for a CUDA error without a GPU, else
        :attr:`Verdict.FAILS` with the error's last line and the page line.
    """
    line = _page_line(error, filename)
    at = f" at line {line}" if line else ""
    if isinstance(error, SyntaxError):
        return Outcome(Verdict.DOES_NOT_PARSE, f"{type(error).__name__}{at}: {error.msg}")
    if isinstance(error, ModuleNotFoundError) and error.name:
        return Outcome(Verdict.NEEDS_PACKAGE, error.name.split(".")[0])
    if isinstance(error, NetworkRefused) or _from_network(error):
        return Outcome(Verdict.NEEDS_NETWORK, _last_line(error) + at)
    if isinstance(error, NameError) and not isinstance(error, UnboundLocalError):
        missing = getattr(error, "name", None)
        names = undefined_names(code) or ([str(missing)] if missing else [])
        return Outcome(Verdict.NEEDS_SETUP, ", ".join(names) or _last_line(error))
    if not cuda and _CUDA.search(_last_line(error)):
        return Outcome(Verdict.NEEDS_GPU, _last_line(error) + at)
    return Outcome(Verdict.FAILS, _last_line(error) + at)


#: The errors of pytest-socket's guard (not imported: the build reads this module too).
_GUARDS = {"SocketBlockedError", "SocketConnectBlockedError"}


def _from_network(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, NetworkRefused) or type(current).__name__ in _GUARDS:
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
