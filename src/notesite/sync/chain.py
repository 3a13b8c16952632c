"""A post runs as its reader runs it: a block that uses what earlier blocks define continues them.

A reader who runs a post top to bottom (Jupyter's "Run all") runs each block after the ones
above it. The sync writes that on the page, visibly, as a contributor would: a block whose
names are all bound by earlier blocks of its page gets the fence option ``continuation``
(pytest-markdown-docs then runs it after the block before it), and so does every block
between it and the first block it needs, so that the chain reaches that block. A block
between that does not parse is passed over (it defines nothing, as in a notebook, whose "Run
all" goes on past a cell that raises). Nothing is hidden: a reader sees ``continuation`` on
the fence, and the page's notebook runs in order.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from notesite.model import CONTINUATION, Page
from notesite.verdicts import undefined_names

__all__ = ["bound_names", "chained", "with_continuations"]


def bound_names(code: str) -> set[str]:
    """The names a block binds: assignments, imports, functions, classes, loop targets.

    Empty for code that does not parse.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return names


def chained(codes: Sequence[str], already: Sequence[bool] = ()) -> list[bool]:
    """Which blocks continue the one before them, for a page whose blocks are ``codes``.

    Args:
        codes: The code of each block, in page order.
        already: Whether each block continues already (its fence says so).

    Returns:
        One flag per block: True when it reads names that only earlier blocks bind (then
        it, and each block back to the first that binds one of them, continue), or when it
        did already.
    """
    flags = [bool(already[k]) if k < len(already) else False for k in range(len(codes))]
    binds = [bound_names(code) for code in codes]
    for k, code in enumerate(codes):
        needed = undefined_names(code)
        if not needed or flags[k]:
            continue
        earlier = set().union(*binds[:k]) if k else set()
        if not set(needed) <= earlier:
            continue  # something it needs is bound nowhere above: a setup box is the fix
        first = min(j for j in range(k) if binds[j] & set(needed))
        # A block between that does not parse is in the chain too, or the chain would break
        # at it; it runs nothing (the model leaves it out of `Block.continues`).
        for j in range(first + 1, k + 1):
            flags[j] = True
    return flags


def with_continuations(text: str, page: Page) -> str:
    """A page's text with ``continuation`` on each author's block that needs its chain.

    Only the fence's opening line changes (`````python`` → `````python continuation``); a
    block of the site's own (a setup box, a check) is left as it is.
    """
    blocks = [b for b in page.blocks if b.addition is None]
    flags = chained([b.code for b in blocks], [b.options.continuation for b in blocks])
    lines = text.split("\n")
    for block, flag in zip(blocks, flags, strict=True):
        if not flag or block.options.continuation:
            continue
        opening = lines[block.fence.start]
        lines[block.fence.start] = opening.rstrip() + f" {CONTINUATION}"
    return "\n".join(lines)
