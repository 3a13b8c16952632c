"""What a cell shows: its last value as IPython's text, and IPython's ``;`` rule."""

from __future__ import annotations

import pytest

from notesite.shown import quiet, shown


class _Plain:
    pass


def _function(x: int) -> int:
    return x


@pytest.mark.parametrize(
    "value",
    [
        3, 2.5, "a\nb", b"x", True, int, _Plain, _Plain(), _function, print, len, ValueError("x"),
        {"b": 1, "a": 2}, {"pear", "apple"}, frozenset({"b", "a"}), list(range(40)),
        tuple(range(40)), {k: [k] * 20 for k in range(3)}, range(3), {}.keys(),
        __import__("collections").Counter("abca"), __import__("re").compile("a"),
        __import__("collections").deque(range(40)), __import__("datetime").timedelta(1),
    ],
    ids=lambda value: type(value).__name__,  # the same in every worker: no address
)  # fmt: skip
def test_shown_is_ipython_s_text(value: object) -> None:
    from IPython.core.formatters import PlainTextFormatter

    assert shown(value) == PlainTextFormatter()(value)


def test_shown_leaves_a_tensor_to_its_repr_without_ipython() -> None:
    import torch

    tensor = torch.arange(3)
    assert shown(tensor) == repr(tensor)
    assert shown(torch.nn.Linear(2, 1)).startswith("Linear(")


@pytest.mark.parametrize(
    ("code", "silent"),
    [
        ("x;", True),
        ("x", False),
        ("x;  # comment", True),
        ("f(a,\n  b);", True),
        ("s = 'a;'", False),
        ("x  # ;", False),
        ("x;\n# done", True),
        ("x;  # c\n  # more", True),
        ("if x:\n    y;", False),
        ("a = [1,\n2];\n\n", True),
    ],
)
def test_quiet_is_ipython_s_rule(code: str, silent: bool) -> None:
    from IPython.core.displayhook import DisplayHook

    assert quiet(code) is silent
    assert bool(DisplayHook.semicolon_at_end_of_expression(code)) is silent
