"""Blocks run as a reader runs them (Python, Jupyter), isolated, in time, recorded exactly.

Each test runs a scratch page in-process with ``pytester``; the pages are the inputs of the
kinds of fault that public bug reports of this project's dependencies showed.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from notesite import outputs
from notesite.execution import BlockTimeout, run_cell

ADDOPTS = "--markdown-docs --markdown-docs-syntax=superfences -p no:randomly -p no:cacheprovider"


def setup(pytester: pytest.Pytester) -> None:
    pytester.makeini(f"[pytest]\naddopts = {ADDOPTS} --notesite\nfilterwarnings = error\n")
    pytester.makefile(".yml", mkdocs="site_name: scratch\n")
    pytester.mkdir("docs")


def page(pytester: pytest.Pytester, *blocks: str, name: str = "page.md") -> Path:
    path = pytester.path / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Page\n\n" + "".join(f"```python\n{block.strip()}\n```\n\n" for block in blocks)
    path.write_text(text, encoding="utf-8")
    return path


def record(pytester: pytest.Pytester, name: str = "page.md") -> list[outputs.Entry]:
    return outputs.load(pytester.path / "outputs" / f"{name}.txt")


# --- the reader's Python ---


def test_a_block_runs_as_main(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, 'print("name is", __name__)\nif __name__ == "__main__":\n    print("script")')
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    assert record(pytester)[0].stdout == "name is __main__\nscript\n"


def test_a_class_the_block_defines_pickles(pytester: pytest.Pytester) -> None:
    setup(pytester)
    block = """
import io
import pickle

import torch
import torch.nn as nn

class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

buffer = io.BytesIO()
torch.save(Tiny(), buffer)
restored = pickle.loads(pickle.dumps(Tiny()))
print("saved", buffer.tell() > 0, type(restored).__name__)
"""
    page(pytester, block)
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    assert record(pytester)[0].stdout == "saved True Tiny\n"
    assert sys.modules["__main__"].__name__ == "__main__"  # the real one is back
    assert not hasattr(sys.modules["__main__"], "Tiny")


def test_a_trailing_semicolon_shows_nothing_as_in_jupyter(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, "x = 3\nx + 1;", "x = 3\nx + 1  # shown", "x = 3\nx + 1;  # not shown")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=3)
    assert [e.result for e in record(pytester)] == [None, "4", None]


def test_the_last_value_is_shown_as_jupyter_shows_it(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, "type(3)", '{"pear", "apple", "fig"}', "list(range(30))", "3 + 4")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=4)
    assert [e.result for e in record(pytester)] == [
        "int",  # not <class 'int'>
        "{'apple', 'fig', 'pear'}",  # sorted: the same in every interpreter
        "[" + ",\n ".join(map(str, range(30))) + "]",  # over 79 characters: one a line
        "7",
    ]
    pytester.runpytest_inprocess().assert_outcomes(passed=4)


def test_display_shows_each_object_as_jupyter_does(pytester: pytest.Pytester) -> None:
    # display() needs no import in a notebook: a builtin of its kernel.
    setup(pytester)
    page(pytester, 'print("a")\ndisplay(type(3), {"b", "a"})\nprint("c")')
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    assert [e.stdout for e in record(pytester)] == ["a\nint\n{'a', 'b'}\nc\n"]
    import builtins

    assert run_cell("display(3)", "", "page.md", {}) == ("3\n", None)
    assert not hasattr(builtins, "display")  # only while a block runs


SUBPROCESS = """
import subprocess
import sys

print("a")
subprocess.run([sys.executable, "-c", "print('b')"], check=True)
print("c", end="")
"""


def test_what_a_subprocess_prints_is_the_block_s_output_in_its_place(
    pytester: pytest.Pytester,
) -> None:
    # As python and Jupyter show it: written to the descriptor 1, not through sys.stdout.
    assert run_cell(SUBPROCESS, "", "page.md", {}) == ("a\nb\nc", None)
    setup(pytester)
    page(pytester, SUBPROCESS)
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    assert [e.stdout for e in record(pytester)] == ["a\nb\nc"]


def test_a_block_that_reads_input_fails_at_once_saying_why(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, 'name = input("name? ")\nprint(name)', "import sys\nsys.stdin.read()")
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*EOFError: expected a block to read no input*nobody to type*"])
    before = sys.stdin
    with pytest.raises(EOFError, match="nobody to type"):
        run_cell("input()", "", "page.md", {})
    assert sys.stdin is before  # put back


def test_top_level_await_runs_as_in_jupyter(pytester: pytest.Pytester) -> None:
    setup(pytester)
    block = """
import asyncio

async def double(x):
    await asyncio.sleep(0)
    return 2 * x

print(await double(21))
await double(1)
"""
    page(pytester, block)
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    (entry,) = record(pytester)
    assert (entry.stdout, entry.result) == ("42\n", "2")


def test_await_in_the_last_expression_only_and_no_loop_left_behind(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    first = (
        "import asyncio\n\nasync def f():\n    return 7\n\nt = asyncio.create_task(f())\nawait t"
    )
    after = "import asyncio\n\nprint(type(asyncio.get_event_loop_policy()).__name__)"
    page(pytester, first, after)
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)
    assert record(pytester)[0].result == "7"


def test_top_level_await_runs_inside_a_running_loop_too() -> None:
    import asyncio

    code = "import asyncio\n\nawait asyncio.sleep(0)\nprint('slept')\n21 * 2"

    async def host() -> tuple[str, str | None]:  # a test runner that is itself async
        return run_cell(code, "", "page.md", {})

    # In a thread of its own: this one may hold a running loop already (a browser test's).
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, host()).result() == ("slept\n", "42")


# --- time limits ---


def test_a_block_past_its_time_limit_fails_and_the_run_goes_on(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    path = pytester.path / "docs" / "page.md"
    path.write_text(
        "# Loop\n\n```python timeout=0.5\nwhile True:\n    pass\n```\n\n"
        "```python\nprint('after')\n```\n",
        encoding="utf-8",
    )
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*BlockTimeout: docs/page.md:3: expected the block to end within 0.5 s, got it "
            "still running; make it end, or give it more time with the fence option timeout=N*"
        ]
    )


def test_a_block_that_catches_its_time_limit_still_fails() -> None:
    code = (
        "import time\nwhile True:\n    try:\n        time.sleep(30)\n"
        "    except BaseException:\n        print('ate')\n        break\n"
    )
    with pytest.raises(BlockTimeout, match=r"page\.md:3: expected the block to end within"):
        run_cell(code, "", "page.md", {}, timeout=0.2, where="page.md:3")


def test_an_outer_time_limit_is_put_back() -> None:
    import signal

    from notesite.execution import time_limit

    with time_limit(5, "outer"):
        with time_limit(0.2, "inner"):
            pass
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 4 < left <= 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_time_limit_cannot_be_caught_by_the_block() -> None:
    code = "try:\n    while True:\n        pass\nexcept Exception:\n    print('caught')\n"
    with pytest.raises(BlockTimeout, match=r"page\.md:3: expected the block to end within 0\.2 s"):
        run_cell(code, "", "page.md", {}, timeout=0.2, where="page.md:3")


# --- isolation: each block starts as in a fresh interpreter ---

SETTINGS = {
    "default device": (
        'torch.set_default_device("meta")',
        "print(torch.zeros(2))",
        "tensor([0., 0.])",
    ),
    "default dtype": (
        "torch.set_default_dtype(torch.float64)",
        "print(torch.zeros(1).dtype)",
        "torch.float32",
    ),
    "torch print options": (
        "torch.set_printoptions(precision=1)",
        "print(torch.tensor([1/3]))",
        "tensor([0.3333])",
    ),
    "grad mode": ("torch.set_grad_enabled(False)", "print(torch.is_grad_enabled())", "True"),
    "deterministic": (
        "torch.use_deterministic_algorithms(True)",
        "print(torch.are_deterministic_algorithms_enabled())",
        "False",
    ),
    "numpy print options": (
        "numpy.set_printoptions(precision=1)",
        "print(numpy.array([1/3]))",
        "[0.33333333]",
    ),
    "numpy errors": ('numpy.seterr(all="raise")', "print(numpy.geterr()['divide'])", "warn"),
    "environment": (
        'os.environ["NOTESITE_PROBE"] = "1"',
        "print('NOTESITE_PROBE' in os.environ)",
        "False",
    ),
    "working directory": (
        'os.makedirs("elsewhere", exist_ok=True); os.chdir("elsewhere")',
        "print(os.path.basename(os.getcwd()) != 'elsewhere')",
        "True",
    ),
    "sys.path": ('sys.path.insert(0, "/nowhere")', "print('/nowhere' in sys.path)", "False"),
    "sys.modules": (
        'sys.modules["probe_module"] = type(sys)("probe_module")',
        "print('probe_module' in sys.modules)",
        "False",
    ),
    "a module replaced in sys.modules": (
        'sys.modules["json"] = type(sys)("json")',
        "import json\nprint(json.dumps([1]))",
        "[1]",
    ),
    "a module's attribute": ("math.pi = 3", "print(math.pi)", "3.141592653589793"),
    "a class's attribute": (
        "torch.Tensor.double_it = lambda self: self * 2",
        "print(hasattr(torch.Tensor, 'double_it'))",
        "False",
    ),
    "a submodule's function": (
        "from torch import nn\nnn.functional.relu = abs",
        "print(torch.nn.functional.relu(torch.tensor([-1.0])))",
        "tensor([0.])",
    ),
    "a module removed from sys.modules": (
        'import math\ndel sys.modules["math"]',
        "print('math' in sys.modules)",
        "True",
    ),
    "flush denormal": (
        "torch.set_flush_denormal(True)",
        "print(torch.tensor([1e-40]))",
        "tensor([9.9999e-41])",
    ),
    "matmul precision": (
        'torch.set_float32_matmul_precision("medium")',
        "print(torch.get_float32_matmul_precision())",
        "highest",
    ),
    "autocast": (
        'torch.autocast("cpu").__enter__()',
        'print(torch.is_autocast_enabled("cpu"))',
        "False",
    ),
    "decimal context": (
        "import decimal; decimal.getcontext().prec = 3",
        "import decimal; print(decimal.Decimal(1) / 3)",
        "0.3333333333333333333333333333",
    ),
    "garbage collector": ("import gc; gc.disable()", "import gc; print(gc.isenabled())", "True"),
    "recursion limit": (
        "sys.setrecursionlimit(50000)",
        "print(sys.getrecursionlimit() < 50000)",
        "True",
    ),
    "warnings filters": (
        'warnings.simplefilter("ignore")',
        "warnings.warn('still an error')",
        None,
    ),
    # logging.basicConfig does nothing where the root logger has a handler already.
    "logging": (
        "import logging; logging.basicConfig(level=logging.WARNING)",
        "import logging\nlogging.basicConfig(stream=sys.stdout, level=logging.INFO)\n"
        "logging.info('two')",
        "INFO:root:two",
    ),
    "a logger's handler": (
        "import logging\nlogging.getLogger('probe').addHandler(logging.StreamHandler(sys.stdout))",
        "import logging\nprint(len(logging.getLogger('probe').handlers))",
        "0",
    ),
    "global module hooks": (
        "torch.nn.modules.module.register_module_forward_hook(lambda *a: print('hooked'))",
        "print(torch.nn.Identity()(torch.ones(1)))",
        "tensor([1.])",
    ),
    "cudnn switches": (
        "torch.backends.cudnn.deterministic = True",
        "print(torch.backends.cudnn.deterministic)",
        "False",
    ),
    "builtins": (
        "import builtins; builtins.DEBUG = True",
        "import builtins; print(hasattr(builtins, 'DEBUG'))",
        "False",
    ),
    "sys.argv": ('sys.argv[:] = ["train.py", "--lr", "0.1"]', "print('--lr' in sys.argv)", "False"),
    "int digits": ("sys.set_int_max_str_digits(1000)", "print(len(str(10**2000)))", "2001"),
    "umask": ("os.umask(0o077)", "m = os.umask(0); os.umask(m); print(m != 0o077)", "True"),
    "socket timeout": (
        "import socket; socket.setdefaulttimeout(3)",
        "import socket; print(socket.getdefaulttimeout())",
        "None",
    ),
}


#: The imports of every block of the settings' page.
IMPORTS = "import math, os, random, sys, warnings\n\nimport numpy\nimport torch\n"


def test_a_global_setting_does_not_reach_the_next_block(pytester: pytest.Pytester) -> None:
    # One page: each setting's change, then a block that reads it (one run for them all).
    setup(pytester)
    shown = {name: case for name, case in SETTINGS.items() if case[2] is not None}
    page(
        pytester, *[IMPORTS + code for change, read, _ in shown.values() for code in (change, read)]
    )
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(passed=2 * len(shown))
    entries = record(pytester)
    read = {name: entries[2 * k + 1].stdout for k, name in enumerate(shown)}
    assert read == {name: fresh + "\n" for name, (_, _, fresh) in shown.items()}
    assert os.getcwd() == str(pytester.path)


def test_the_warnings_filters_do_not_reach_the_next_block(pytester: pytest.Pytester) -> None:
    # pytest's own filters come back, so the warning is an error again.
    setup(pytester)
    change, read, _ = SETTINGS["warnings filters"]
    page(pytester, IMPORTS + change, IMPORTS + read)
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*UserWarning: still an error*"])


def test_a_thread_an_earlier_block_left_running_prints_into_no_later_record(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    # The thread prints once the second block has begun (it made the file "go").
    start = (
        "import os\nimport threading\nimport time\n\ndef later():\n"
        "    while not os.path.exists('go'):\n        time.sleep(0.01)\n"
        "    print('from the thread')\n\nthreading.Thread(target=later, daemon=True).start()"
    )
    page(pytester, start, "import time\nopen('go', 'w').close()\ntime.sleep(0.3)\nprint('second')")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)
    assert [e.stdout for e in record(pytester)] == [None, "second\n"]


@pytest.mark.parametrize(
    "seed", ["random.seed(3)", "numpy.random.seed(3)", "torch.manual_seed(3); torch.rand(2)"]
)
def test_the_random_generators_are_restored(seed: str) -> None:
    import random

    import numpy
    import torch

    from notesite.isolation import Baseline

    def states() -> tuple[object, list[int], int, list[int]]:
        return (
            random.getstate(),
            numpy.random.get_state()[1].tolist(),  # noqa: NPY002
            torch.initial_seed(),
            torch.get_rng_state().tolist(),
        )

    baseline = Baseline.take()
    before = states()
    exec(seed, {"random": random, "numpy": numpy, "torch": torch})
    assert states() != before
    baseline.restore()
    assert states() == before


# --- exact records and no data lost ---


def test_a_record_holds_a_trailing_space_and_the_next_run_passes(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    page(pytester, 'print("epoch 1 ")', 'print("tab\\t", end="")')
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)
    assert [e.stdout for e in record(pytester)] == ["epoch 1 \n", "tab\t"]
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


def test_an_unchanged_record_is_not_rewritten(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, "print(1)", "print(2)")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)
    path = pytester.path / "outputs" / "page.md.txt"
    dated = path.read_text(encoding="utf-8").replace("2026", "2001").replace("2027", "2001")
    path.write_text(dated, encoding="utf-8")
    before = path.stat().st_mtime_ns
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)
    assert path.read_text(encoding="utf-8") == dated  # same output, same torch: same date
    assert path.stat().st_mtime_ns == before


@pytest.mark.slow  # two pytest-xdist workers in subprocesses
def test_under_xdist_a_page_runs_whole_on_one_worker_and_keeps_every_block(
    pytester: pytest.Pytester,
) -> None:
    # As a notebook's cells in one kernel: xdist's default (--dist load) would split them.
    setup(pytester)
    worker = "import os\n\nprint({}, os.environ['PYTEST_XDIST_WORKER'])"
    page(pytester, *[worker.format(k) for k in range(6)])
    result = pytester.runpytest_subprocess("--update-outputs", "-n", "2")
    result.assert_outcomes(passed=6)
    printed = [entry.stdout.split() for entry in record(pytester)]
    assert [int(k) for k, _ in printed] == list(range(6))
    assert len({name for _, name in printed}) == 1, printed


def test_an_unclosed_fence_fails_and_deletes_no_record(pytester: pytest.Pytester) -> None:
    setup(pytester)
    blocks = ['print("first")', 'print("second")', 'print("third")']
    path = page(pytester, *blocks, name="notes/page.md")  # a note page: it has a notebook
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=4)  # + claims
    record_path = pytester.path / "outputs" / "notes" / "page.md.txt"
    notebook = pytester.path / "docs" / "notebooks" / "page.ipynb"
    kept, cells = record_path.read_text(encoding="utf-8"), notebook.read_text(encoding="utf-8")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.remove("```")  # the first block's closing fence
    path.write_text("\n".join(lines), encoding="utf-8")
    result = pytester.runpytest_inprocess("--update-outputs")
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "*notes/page.md:3: expected the fence opened here to be closed (``` on a line of "
            "its own), got another fence opening on line 6 inside it*"
        ]
    )
    assert record_path.read_text(encoding="utf-8") == kept
    assert notebook.read_text(encoding="utf-8") == cells


# --- console sessions ---


def test_a_console_session_runs_as_a_doctest_at_its_lines(pytester: pytest.Pytester) -> None:
    setup(pytester)
    path = pytester.path / "docs" / "page.md"
    path.write_text(
        "# Page\n\n```pycon\n>>> import torch\n>>> torch.tensor([1, 2]) * 2\ntensor([3, 5])\n```\n"
        "\n```pycon\n>>> 2 + 2\n4\n```\n",
        encoding="utf-8",
    )
    result = pytester.runpytest_inprocess("-v")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/page.md::pycon?line:3? FAILED*",
            f'File "{path}", line 5, in pycon?line:3?',
            "Failed example:",
            "    torch.tensor([1, 2]) * 2",
            "Expected:",
            "    tensor([3, 5])",
            "Got:",
            "    tensor([2, 4])",
        ]
    )


# --- honest advice ---


@pytest.mark.parametrize(
    "block",
    [
        "import random\nprint(random.random())",
        "import torch\nprint(torch.rand(2))",
        "import numpy\nprint(numpy.random.rand())",
    ],
    ids=["python", "torch-unseeded", "numpy"],
)
def test_a_nondeterministic_block_is_told_to_seed_not_to_re_record(
    pytester: pytest.Pytester, block: str
) -> None:
    setup(pytester)
    page(pytester, block, "import torch\ntorch.manual_seed(0)\nprint(torch.rand(2))")
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["*expected block 1 of page.md to print the same on every run*random numbers*Seed it*"]
    )
    assert [e.block for e in record(pytester)] == [2]  # nothing recorded for the first


@pytest.mark.skipif(
    os.environ.get("PYTHONHASHSEED", "random") != "random",
    reason="PYTHONHASHSEED is fixed here: every interpreter orders a set of strings alike",
)
def test_a_block_that_prints_a_set_of_strings_is_told_to_sort_it(
    pytester: pytest.Pytester,
) -> None:
    # Its order is the same in one process, another in the next one (string hashes are
    # salted per interpreter): recorded, it would fail the next run, told to re-record.
    setup(pytester)
    words = ", ".join(repr(f"word{k}") for k in range(20))
    page(pytester, f"print({{{words}}})", f"print(sorted({{{words}}})[:2])")
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["*expected block 1 of page.md to print the same*another Python process*sorted*"]
    )
    result.stdout.no_fnmatch_line("*Seed it*")
    assert [e.block for e in record(pytester)] == [2]  # nothing recorded for the first


@pytest.mark.parametrize(
    ("code", "stdout", "expected"),
    [
        ("words = {'b', 'a'}", "", True),
        ("print({w for w in 'ab'})", "", True),
        ("print(list(set('ab')))", "", True),
        ("print(hash('a'))", "", True),
        ("print(a.union(b))", "", True),
        ("print(sorted(['b', 'a']))", "['a', 'b']\n", False),
        ("print(torch.ones(2))", "tensor([1., 1.])\n", False),
        ("print(x)", "{'a', 'b'}\n", True),  # a set made elsewhere, shown
    ],
)
def test_only_a_block_that_may_order_by_hashes_runs_in_another_interpreter(
    code: str, stdout: str, expected: bool
) -> None:
    from notesite.runner.varies import hashed

    assert hashed(code, stdout, None) is expected


def test_a_path_in_the_block_s_working_directory_is_recorded_alike_on_every_run(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    page(pytester, 'import os\nprint(os.path.abspath("model.pt"))')
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    (entry,) = record(pytester)
    assert entry.normalised
    assert entry.stdout == "<tmp>/notesite-page-…/model.pt\n"
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_a_block_that_prints_the_time_is_told_so_not_to_seed(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, "import time\nprint(time.perf_counter_ns())")
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*changes between runs (a clock, a date*"])
    result.stdout.no_fnmatch_line("*Seed it*")


@pytest.mark.parametrize(
    "block",
    [
        "import datetime\nprint(datetime.date.today())",
        "import time\nprint(time.strftime('%Y-%m-%d'))",
        "from datetime import datetime\nprint(datetime.now().strftime('%A %d %B %Y'))",
    ],
    ids=["date-today", "strftime", "from-import-now"],
)
def test_a_block_that_prints_the_date_is_never_recorded(
    pytester: pytest.Pytester, block: str
) -> None:
    setup(pytester)
    page(pytester, block, "import time\nprint(time.gmtime(0).tm_year)")
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        ["*expected block 1 of page.md to print the same on every run*prints the date or time*"]
    )
    result.stdout.no_fnmatch_line("*Seed it*")
    assert [e.block for e in record(pytester)] == [2]  # nothing recorded for the first


def test_a_block_that_reads_the_clock_without_printing_it_runs(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(
        pytester,
        "import time\n\nstart = time.time()\nprint(round(time.time() - start))",
        "import datetime\nprint(datetime.date.today().year > 2000)",
    )
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)
    assert [e.stdout for e in record(pytester)] == ["0\n", "True\n"]


def test_the_shifted_clock_moves_the_date_and_time_of_day_not_durations() -> None:
    import datetime
    import time

    from notesite.runner.probes import CLOCK_SHIFT, shifted_clock

    today, now, started = datetime.date.today(), time.time(), time.monotonic()
    with shifted_clock():
        shown = (
            datetime.date.today(),
            datetime.datetime.now(),
            time.time(),
            time.strftime("%H:%M"),
            time.ctime(),
            time.asctime(),
        )
        ticking = time.monotonic()
    assert shown[0] >= today + datetime.timedelta(days=CLOCK_SHIFT.days)
    assert shown[1] - datetime.datetime.now() >= CLOCK_SHIFT - datetime.timedelta(minutes=1)
    assert shown[2] - now >= CLOCK_SHIFT.total_seconds()
    assert shown[3] != time.strftime("%H:%M")  # the time of day moves too (5 h 31 min)
    assert shown[4][:10] != time.ctime()[:10]
    assert shown[5][:10] != time.asctime()[:10]
    assert ticking - started < 60  # a duration is what it is
    assert datetime.date.today() - today in (datetime.timedelta(0), datetime.timedelta(1))  # back


def test_a_block_whose_second_run_meets_its_own_side_effect_is_not_nondeterministic(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    page(pytester, 'import os\n\nos.makedirs("checkpoints")\nprint("saved")')
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    assert record(pytester)[0].stdout == "saved\n"


def test_a_seeded_block_whose_record_differs_is_told_to_re_record(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    page(pytester, "import random\nrandom.seed(1)\nprint(random.random())")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    record_path = pytester.path / "outputs" / "page.md.txt"
    text = record_path.read_text(encoding="utf-8")
    record_path.write_text(text.replace("| 0.", "| 1."), encoding="utf-8")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*printed something else than its record*--update-outputs*"])
    assert "nondeterministic" not in result.stdout.str()


# --- failures where they are, saying what they compared ---

DOCSTRINGS = '''"""A module whose docstring examples fail."""


def plain(x: float) -> float:
    """Double a number.

    !!! example
        ```python
        from docmod import plain

        assert plain(3) == 7
        ```
    """
    return 2 * x


def raw(x: float) -> float:
    r"""Double a number (a raw docstring: \\d stays).

    !!! example
        ```python
        from docmod import raw

        assert raw(3) == 8
        ```
    """
    return 2 * x


def again(x: float) -> float:
    r"""The same example again, in another raw docstring.

    !!! example
        ```python
        from docmod import raw

        assert raw(3) == 8
        ```
    """
    return 2 * x


def tabs(text: str) -> list[str]:
    """Split at tabs (the docstring is not raw: its escapes are read).

    !!! example
        ```python
        from docmod import tabs

        assert tabs("a\\\\tb") == ["a", "b"]
        assert tabs("a\\\\tc") == ["a", "b"]
        ```
    """
    return text.split("\\t")
'''


def test_a_docstring_example_fails_at_its_line(pytester: pytest.Pytester) -> None:
    setup(pytester)
    path = pytester.path / "docmod.py"
    path.write_text(DOCSTRINGS, encoding="utf-8")
    result = pytester.runpytest_inprocess("docmod.py")
    result.assert_outcomes(failed=4)
    lines = DOCSTRINGS.split("\n")
    plain_line = lines.index("        assert plain(3) == 7") + 1
    raw_lines = [k + 1 for k, line in enumerate(lines) if line == "        assert raw(3) == 8"]
    tabs_line = lines.index('        assert tabs("a\\\\tc") == ["a", "b"]') + 1
    text = result.stdout.str()
    for line in (plain_line, *raw_lines, tabs_line):
        assert f'File "{path}", line {line}, in <module>' in text, line
        assert f'File "{path}", line {line + 1}, in <module>' not in text, line
    result.stdout.fnmatch_lines_random(
        ["*AssertionError: assert 6 == 7*", "*AssertionError: assert 6 == 8*"]
    )


def test_the_explaining_run_never_hides_the_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = "import os\n\nos.mkdir('outdir')\nx = 1\nassert x == 2\n"
    with pytest.raises(AssertionError) as caught:
        run_cell(code, "", "page.md", {}, explain_asserts=True)
    assert caught.type is AssertionError  # not the FileExistsError of the second run


def test_a_failing_check_says_what_it_compared(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, "import torch\n\nassert torch.arange(3).tolist() == [0, 1, 2, 3]")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*AssertionError: assert ?0, 1, 2? == ?0, 1, 2, 3?", "*Right contains one more item: 3*"]
    )


# --- pages as files: a byte-order mark, another encoding ---


def test_a_broken_record_fails_its_blocks_without_crashing_the_run(
    pytester: pytest.Pytester,
) -> None:
    setup(pytester)
    page(pytester, "print(1)", "print(2)")
    (pytester.path / "outputs").mkdir()
    (pytester.path / "outputs" / "page.md.txt").write_text(
        "@@ block 1 · code zz · line 3\n", encoding="utf-8"
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=2)
    assert "INTERNALERROR" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*outputs/page.md.txt:1: expected '@@ block N*"])


def test_any_character_is_recorded(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, 'print("lone \\ud800 surrogate")')
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    assert record(pytester)[0].stdout == "lone \ud800 surrogate\n"
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_a_console_session_has_a_time_limit(pytester: pytest.Pytester) -> None:
    setup(pytester)
    (pytester.path / "docs" / "page.md").write_text(
        "# P\n\n```pycon timeout=0.5\n>>> import time\n>>> time.sleep(1000)\n```\n",
        encoding="utf-8",
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*page.md:3: expected the block to end within 0.5 s*"])


def test_a_byte_order_mark_changes_nothing(pytester: pytest.Pytester) -> None:
    from notesite.project import Project

    setup(pytester)
    text = (
        "---\npost:\n  title: Probe\n---\n\n# Probe\n\n- A snippet\n\n"
        "    <!-- not a claim: a probe -->\n\n```python\nprint('hello')\n```\n"
    )
    path = pytester.path / "docs" / "notes" / "bom.md"
    path.parent.mkdir(parents=True)
    path.write_text("\ufeff" + text, encoding="utf-8")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)  # block, claims
    (entry,) = record(pytester, "notes/bom.md")
    assert entry.stdout == "hello\n"
    page = Project.at(pytester.path).page("notes/bom.md")
    assert page.meta == {"post": {"title": "Probe"}}
    assert page.text == text


def test_a_page_that_is_not_utf8_is_named_with_its_line(pytester: pytest.Pytester) -> None:
    setup(pytester)
    path = pytester.path / "docs" / "latin.md"
    path.write_bytes("# Notes\n\nCafé notes.\n\n```python\nprint(1)\n```\n".encode("latin-1"))
    result = pytester.runpytest_inprocess()
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        ["*docs/latin.md:3: expected UTF-8 text, got the byte 0xe9 (column 4); save the file*"]
    )
    assert "UnicodeDecodeError" not in result.stdout.str()


def test_a_block_that_raises_a_type_error_runs_once(pytester: pytest.Pytester) -> None:
    setup(pytester)
    marker = pytester.path / "runs.txt"
    page(pytester, f"with open({str(marker)!r}, 'a') as f:\n    f.write('ran ')\nlen(5)")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*TypeError: object of type 'int' has no len()*"])
    assert marker.read_text(encoding="utf-8") == "ran "
