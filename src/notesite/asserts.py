"""A failing bare ``assert`` in a block says what it compared, as pytest says it in a test.

:func:`notesite.execution.run_cell` runs a block whose bare ``assert`` failed again with
pytest's assertion rewriting; :func:`explain_comparisons` gives a process that has no pytest
session (a page's own) pytest's comparison text, at its defaults.
"""

from __future__ import annotations

from typing import Any

__all__ = ["explain_comparisons"]


def explain_comparisons() -> None:
    """A failing ``assert a == b`` says how they differ, as pytest says it in a test.

    pytest sets its comparison hook around each test. A process with no pytest session (a
    page's own process) has none: it gets pytest's comparison at its defaults (a private
    API: where it does not take these arguments, the assertion shows its operands only).
    """
    import inspect

    from _pytest.assertion import util

    if util._reprcompare is not None:  # a test's, as pytest set it
        return
    defaults: dict[str, Any] = {
        "verbose": 0,
        "highlighter": getattr(util, "dummy_highlighter", None),
        "assertion_text_diff_style": "ndiff",
    }
    try:
        wanted = inspect.signature(util.assertrepr_compare).parameters
    except (TypeError, ValueError):  # pragma: no cover - another pytest
        return
    if any(p.default is p.empty and p.kind is p.KEYWORD_ONLY and n not in defaults
           for n, p in wanted.items()):  # fmt: skip
        return  # pragma: no cover - another pytest
    options: dict[str, Any] = {name: value for name, value in defaults.items() if name in wanted}
    compare: Any = util.assertrepr_compare

    def explain(op: str, left: object, right: object) -> str | None:
        try:
            lines = list(compare(op, left, right, **options) or [])
        except Exception:
            return None
        if not lines:
            return None
        return "\n~".join(line.replace("\n", "\\n") for line in lines).replace("%", "%%")

    util._reprcompare = explain
