"""Notebook-only blocks: code that only IPython runs (magics, shell commands), and syntax errors."""

from __future__ import annotations


def notebook_only(code: str) -> str | None:
    """The first line of a block that only IPython runs (a magic, a shell command), or None.

    Such a block is not Python (it does not parse), and IPython's own transformation of a
    cell turns it into Python that calls ``get_ipython()``: ``%matplotlib inline``,
    ``!pip install …``, ``files = !ls``, ``%%time``.
    """
    import ast

    try:
        ast.parse(code)
        return None
    except SyntaxError:
        pass
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        transformed = TransformerManager().transform_cell(code)  # type: ignore[no-untyped-call]
        ast.parse(transformed)
    except (SyntaxError, ValueError, IndexError, TypeError):
        # IPython's transformation itself raises on some code that is no Python (mixed
        # tabs and spaces: IndentationError): then it is not IPython's either.
        return None
    if "get_ipython()" not in transformed:
        return None
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    return next((line for line in lines if line.startswith(("%", "!"))), None) or next(
        (line for line in lines if "!" in line), lines[0]
    )


def parse_error(code: str) -> str | None:
    """Why a Python block's code does not parse, as its verdict says it; None if it parses.

    A block that IPython runs (:func:`notebook_only`) parses. Otherwise the verdict names
    the error and its line in the block (1-based): ``does not parse: IndentationError at
    line 3`` (mixed tabs and spaces, say, or pseudo-code).
    """
    import ast

    try:
        ast.parse(code)
        return None
    except SyntaxError as error:
        if notebook_only(code) is not None:
            return None
        return f"does not parse: {type(error).__name__} at line {error.lineno or 1}"
    except ValueError as error:  # a NUL byte
        return f"does not parse: {type(error).__name__}: {error}"
