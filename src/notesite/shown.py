"""What a cell shows: its last value as Jupyter shows it, ``display()``, and the ``;`` rule.

:func:`notesite.execution.run_cell` shows a block's bare last expression with :func:`shown`
(IPython's ``text/plain``), unless the cell ends with ``;`` (:func:`quiet`), and gives the
block the builtin a notebook's kernel adds (:func:`display`, :func:`notebook_builtins`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

__all__ = ["display", "notebook_builtins", "quiet", "shown"]


def display(*objects: Any, **options: Any) -> None:
    """Jupyter's ``display()``, a builtin in a notebook: each object as the notebook shows it.

    In a block, each object's text (:func:`shown`, its ``text/plain``) is printed, a line
    each, in its place in the block's output. The notebook's other options (``display_id``,
    ``clear``) change nothing here.
    """
    for value in objects:
        print(shown(value))


@contextlib.contextmanager
def notebook_builtins() -> Iterator[None]:
    """The names a notebook's kernel adds to the builtins (``display``), while a block runs.

    A block that calls ``display(x)`` runs as in Jupyter, where it needs no import; the
    name is taken away after it (every block starts as in a fresh interpreter).
    """
    import builtins

    if hasattr(builtins, "display"):  # someone's own: left as it is
        yield
        return
    builtins.display = display  # type: ignore[attr-defined]
    try:
        yield
    finally:
        with contextlib.suppress(AttributeError):
            del builtins.display  # type: ignore[attr-defined]


def quiet(code: str) -> bool:
    """Whether a cell ends with ``;``, which silences its last value (IPython's rule).

    :meth:`IPython.core.displayhook.DisplayHook.semicolon_at_end_of_expression`, written
    out here with the standard library's tokenizer: importing IPython costs a page's
    process about 90 ms, and the tests compare the two on the rule's cases.
    """
    if ";" not in code:
        return False  # the cheap answer
    import tokenize

    skipped = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    for token in reversed(tokens):
        if token.type in skipped:
            continue
        return token.type == tokenize.OP and token.string == ";"
    return False


#: Types whose value IPython shows as its ``repr`` (no printer of its own, no line breaks).
_AS_REPR = (int, float, complex, bool, str, bytes)
#: The classes outside :mod:`builtins` that IPython's pretty printer shows its own way (its
#: ``_type_pprinters`` and ``_deferred_type_pprinters``), named without importing IPython.
_PRINTED = {
    ("re", "Pattern"),
    ("types", "SimpleNamespace"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("os", "_Environ"),
    ("collections", "deque"),
    ("collections", "UserList"),
}
#: The ``__repr__`` of a class that has none of its own.
_OBJECT_REPR: Any = object.__repr__


def shown(value: Any) -> str:
    """What Jupyter shows for a cell's value: its ``text/plain``, as IPython formats it.

    IPython's pretty printer, not ``repr``: a class shows as ``torch.Tensor`` (not ``<class
    'torch.Tensor'>``), a set sorted, a list or dict over 79 characters one item a line, a
    function with its signature, an object without a ``__repr__`` of its own without the word
    "object". IPython is imported only for a value it may show otherwise than ``repr`` (one
    of a built-in class or of a class it prints its own way: importing it costs a page's
    process about 0.15 s); a tensor, an array or a module is its ``repr``. Without IPython,
    the ``repr``.
    """
    kind = type(value)
    if kind in _AS_REPR or (
        kind.__repr__ is not _OBJECT_REPR
        and not hasattr(kind, "_repr_pretty_")
        and not any(
            (c.__module__, c.__qualname__) in _PRINTED or c.__module__ == "builtins"
            for c in kind.__mro__[:-1]  # object: every class's
        )
    ):
        return repr(value)
    try:
        from IPython.core.formatters import PlainTextFormatter
    except ImportError:  # pragma: no cover - IPython comes with the test extra
        return repr(value)
    with contextlib.redirect_stderr(io.StringIO()):  # a broken printer's report
        text = PlainTextFormatter()(value)
    return text if isinstance(text, str) else repr(value)
