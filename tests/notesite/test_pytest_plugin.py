"""The pytest plugin, in-process with ``pytester`` (as pytest-markdown-docs tests its own)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from notesite import isolation, outputs
from notesite.runner import plugin, provenance

ADDOPTS = "--markdown-docs --markdown-docs-syntax=superfences -p no:randomly -p no:cacheprovider"
CPU_ONLY = pytest.mark.skipif(torch.cuda.is_available(), reason="shows the CPU-only behaviour")


def setup(pytester: pytest.Pytester, notesite: bool = True) -> None:
    pytester.makeini(f"[pytest]\naddopts = {ADDOPTS}{' --notesite' * notesite}\n")
    pytester.makefile(".yml", mkdocs="site_name: scratch\n")
    pytester.mkdir("docs")


def page(pytester: pytest.Pytester, text: str, name: str = "page.md") -> Path:
    path = pytester.path / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- inert until enabled ---


def test_without_notesite_the_plugin_adds_nothing(pytester: pytest.Pytester) -> None:
    setup(pytester, notesite=False)
    page(pytester, "# P\n\n```python fixture:cuda\nprint(1)\n```\n\n```python\nprint(2)\n```\n")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*fixture 'cuda' not found*"])
    assert not (pytester.path / "outputs").exists()


# --- what a contributor sees ---


def test_a_broken_snippet_names_its_page_and_line(pytester: pytest.Pytester) -> None:
    setup(pytester)
    path = page(
        pytester, "# Broken\n\nSome text.\n\n```python\nx = 1\ny = x + undefined_name\n```\n"
    )
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f'*File "{path}", line 7*', "*NameError: name 'undefined_name' is not defined*"]
    )


def test_a_broken_snippet_in_a_setup_box_names_its_line(pytester: pytest.Pytester) -> None:
    setup(pytester)
    path = page(pytester, '# Broken\n\n??? example "Setup"\n    ```python\n    1 / 0\n    ```\n')
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f'*File "{path}", line 5*', "*ZeroDivisionError*"])


def test_a_check_of_a_false_claim_fails_at_its_line(pytester: pytest.Pytester) -> None:
    setup(pytester)
    check = (
        '- A claim.\n\n    ??? success "Checked: `torch.arange(0, 3)` includes the end"\n'
        "        It would give 0 to 3:\n\n        ```python\n        import torch\n\n"
        "        assert torch.arange(0, 3).tolist() == [0, 1, 2, 3]\n        ```\n"
    )
    path = page(pytester, "# Planted\n\n" + check, "notes/planted.md")
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1, passed=1)  # the check fails; its claim is accounted for
    result.stdout.fnmatch_lines([f'*File "{path}", line 11*', "*AssertionError*"])


# --- the claims gate ---


def test_the_claims_gate_names_each_claim_not_yet_checked(pytester: pytest.Pytester) -> None:
    setup(pytester)
    text = (
        "# Planted\n\nA paragraph that claims something.\n\n- An item.\n\n"
        "    <!-- not a claim: an instruction -->\n\n- Another item.\n"
    )
    page(pytester, text, "notes/planted.md")
    page(pytester, "# Index\n\nNot a note page: no gate.\n", "notes/index.md")
    result = pytester.runpytest_inprocess("-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/notes/planted.md::claims FAILED*",
            "*expected every claim of notes/planted.md to be checked, corrected by an erratum "
            "or marked `<!-- not a claim: reason -->`, got 2 not yet checked:",
            "notes/planted.md:3: not yet checked: A paragraph that claims something.",
            "notes/planted.md:9: not yet checked: - Another item.",
        ]
    )


def test_a_removed_check_no_longer_passes_unnoticed(pytester: pytest.Pytester) -> None:
    setup(pytester)
    check = (
        '- A claim.\n\n    ??? success "Checked: two and two make four"\n'
        "        They do:\n\n        ```python\n        assert 2 + 2 == 4\n        ```\n"
    )
    path = page(pytester, "# Planted\n\n" + check, "notes/planted.md")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=2)
    path.write_text("# Planted\n\n- A claim.\n", encoding="utf-8")
    result = pytester.runpytest_inprocess("--update-outputs")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["notes/planted.md:3: not yet checked: - A claim."])


@CPU_ONLY
def test_a_cuda_block_skips_with_its_reason_on_cpu(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(
        pytester, "# CUDA\n\n```python fixture:cuda\nimport torch\ntorch.ones(1).to('cuda')\n```\n"
    )
    result = pytester.runpytest_inprocess("-rs", "--update-outputs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs a CUDA GPU*"])


# --- recorded outputs ---


def test_a_changed_output_fails_with_a_diff_until_updated(pytester: pytest.Pytester) -> None:
    setup(pytester)
    path = page(pytester, "# Page\n\n```python\nprint(40 + 2)\n```\n")
    record = pytester.path / "outputs" / "page.md.txt"

    first = pytester.runpytest_inprocess()
    first.assert_outcomes(failed=1)
    first.stdout.fnmatch_lines(["*expected a recorded output for block 1 of page.md*"])

    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    assert "| 42\n" in record.read_text()
    pytester.runpytest_inprocess().assert_outcomes(passed=1)

    path.write_text(path.read_text().replace("40 + 2", "40 + 3"))
    changed = pytester.runpytest_inprocess()
    changed.assert_outcomes(failed=1)
    changed.stdout.fnmatch_lines(["*-42*", "*+43*"])

    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1)
    pytester.runpytest_inprocess().assert_outcomes(passed=1)
    assert "| 43\n" in record.read_text()


def test_a_docstring_example_must_not_print(pytester: pytest.Pytester) -> None:
    setup(pytester)
    pytester.makepyfile(
        mod='def f():\n    """Add.\n\n    ```python\n    print(1)\n    ```\n    """\n'
    )
    result = pytester.runpytest_inprocess("mod.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*expected a docstring example to print nothing*"])


@CPU_ONLY
def test_a_cpu_run_never_records_a_cuda_verification(pytester: pytest.Pytester) -> None:
    setup(pytester)
    page(pytester, "# Page\n\n```python\nprint(1)\n```\n\n```python fixture:cuda\nprint(2)\n```\n")
    pytester.runpytest_inprocess("--update-outputs").assert_outcomes(passed=1, skipped=1)
    pytester.runpytest_inprocess("--record-provenance").assert_outcomes(passed=1, skipped=1)
    text = (pytester.path / "outputs" / "page.md.txt").read_text()
    assert "verified cpu: torch" in text
    assert "skipped cpu: needs a CUDA GPU" in text
    assert "cuda:" not in text.replace("skipped cpu: needs a CUDA GPU", "")


FAKE_CUDA = """
import pytest
import torch


@pytest.fixture
def cuda():
    return torch.device("cpu")
"""


def test_a_cuda_only_block_gets_its_output_from_the_cuda_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup(pytester)
    page(pytester, "# Page\n\n```python fixture:cuda\nprint('on the GPU')\n```\n")
    record = pytester.path / "outputs" / "page.md.txt"
    if not torch.cuda.is_available():
        pytester.runpytest_inprocess("--update-outputs").assert_outcomes(skipped=1)
        assert "skipped cpu: needs a CUDA GPU" in record.read_text()
        assert "on the GPU" not in record.read_text()

    (pytester.path / "docs" / "conftest.py").write_text(FAKE_CUDA)  # a run where it runs
    with monkeypatch.context() as patched:
        patched.setattr(
            provenance, "where", lambda: ("cuda", "Fake GPU · torch 9.9.0 · 2026-01-01")
        )
        pytester.runpytest_inprocess("--record-provenance").assert_outcomes(passed=1)
    (pytester.path / "docs" / "conftest.py").unlink()
    text = record.read_text()
    assert "verified cuda: Fake GPU · torch 9.9.0 · 2026-01-01" in text
    assert "| on the GPU" in text

    if not torch.cuda.is_available():
        # Later CPU runs skip it, and even an update keeps the CUDA output and verification.
        pytester.runpytest_inprocess().assert_outcomes(skipped=1)
        pytester.runpytest_inprocess("--update-outputs").assert_outcomes(skipped=1)
        entry = outputs.load(record)[0]
        assert entry.stdout == "on the GPU\n"
        assert entry.verified == {"cuda": "Fake GPU · torch 9.9.0 · 2026-01-01"}


# --- no state leaks from one block to the next ---

LEAKY_THEN_CHECKING = """# Two blocks

```python
import torch

torch.set_printoptions(profile="full")
torch.set_default_dtype(torch.float64)
torch.set_grad_enabled(False)
torch.manual_seed(1)
```

```python
import torch
from torch._tensor_str import PRINT_OPTS

assert PRINT_OPTS.threshold == 1000, "print options leaked"
assert torch.get_default_dtype() == torch.float32, "default dtype leaked"
assert torch.is_grad_enabled(), "grad mode leaked"
assert torch.initial_seed() != 1, "seed leaked"
```
"""


@pytest.mark.slow  # pytest on a page, in-process
@pytest.mark.parametrize("reverse", [False, True], ids=["file-order", "reversed"])
def test_the_fixture_stops_a_planted_leak(pytester: pytest.Pytester, reverse: bool) -> None:
    setup(pytester)
    page(pytester, LEAKY_THEN_CHECKING)
    extra = ["--reverse"] if reverse else []
    pytester.runpytest_inprocess("--update-outputs", *extra).assert_outcomes(passed=2)


def test_without_the_plugin_the_planted_leak_fails(pytester: pytest.Pytester) -> None:
    setup(pytester, notesite=False)
    page(pytester, LEAKY_THEN_CHECKING)
    try:
        result = pytester.runpytest_inprocess()
    finally:
        isolation.reset_torch_state()  # the planted leak ran in this process
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*print options leaked*"])


@pytest.mark.parametrize(
    ("option", "worker", "controller"),
    [
        ({"dist": "load"}, False, True),  # pytest -n 2: the controller hands out the tests
        ({"dist": "load"}, True, False),  # … and each worker runs them
        ({"dist": "no"}, False, False),  # pytest -n 0, or no -n
        ({}, False, False),  # pytest-xdist not installed
    ],
)
def test_only_xdist_s_controller_skips_importing_torch(
    option: dict[str, str], worker: bool, controller: bool
) -> None:
    config = SimpleNamespace(option=SimpleNamespace(**option))
    if worker:
        config.workerinput = {"workerid": "gw0"}
    assert plugin.hands_out_tests(config) is controller  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "worker", "starts"),
    [
        ({"notesite": True}, False, True),  # pytest docs/
        ({"notesite": False}, False, False),  # a project without --notesite
        ({"notesite": True, "numprocesses": 2}, False, False),  # xdist's controller
        ({"notesite": True, "numprocesses": 2}, True, True),  # … and its workers
        ({"notesite": True, "collectonly": True}, False, False),  # --collect-only runs nothing
    ],
)
def test_the_pages_server_starts_before_the_conftests_only_where_pages_run(
    monkeypatch: pytest.MonkeyPatch, options: dict[str, object], worker: bool, starts: bool
) -> None:
    from notesite import pytest_plugin, server

    started: list[bool] = []
    monkeypatch.setattr(server, "warm_up", lambda: started.append(True))
    if worker:
        monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    else:
        monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    config = SimpleNamespace(known_args_namespace=SimpleNamespace(**options))
    hook = pytest_plugin.pytest_load_initial_conftests(config)  # type: ignore[arg-type]
    next(hook)  # the conftests would load now
    assert started == ([True] if starts else [])
    with pytest.raises(StopIteration):
        hook.send(None)


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["docs"], True),  # pytest docs/
        (["docs", "--co"], False),  # --collect-only runs nothing
        (["docs", "--collect-only"], False),
        (["docs", "-p", "no:xdist", "--version"], False),
    ],
)
def test_the_pages_server_starts_as_the_plugin_registers_where_pages_surely_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, args: list[str], starts: bool
) -> None:
    from notesite import server

    setup(pytester)
    hooks: list[str] = []
    # Which hook starts it: as the plugin registers, before the plugins after it load.
    monkeypatch.setattr(server, "warm_up", lambda: hooks.append(sys._getframe(1).f_code.co_name))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    pytester.runpytest_inprocess(*args)
    assert hooks[:1] == (["pytest_addoption"] if starts else [])


@pytest.mark.parametrize(
    ("known", "unknown", "worker", "starts"),
    [
        ({"notesite": True}, [], False, True),
        ({"notesite": False}, [], False, False),  # a project without --notesite
        ({"notesite": True}, [], True, False),  # an xdist worker: its hook decides
        ({"notesite": True, "collectonly": True}, [], False, False),
        ({"notesite": True, "numprocesses": 2}, [], False, False),  # xdist added -n already
        ({"notesite": True, "dist": "load"}, [], False, False),
        ({"notesite": True}, ["-n"], False, False),  # -n 2, xdist not yet loaded
        ({"notesite": True}, ["-n2"], False, False),
        ({"notesite": True}, ["--numprocesses=auto"], False, False),
        ({"notesite": True}, ["--tx", "--dist=load"], False, False),
        ({"notesite": True}, ["--randomly-seed=1", "--nf"], False, True),  # others' options
    ],
)
def test_the_early_start_waits_for_the_hook_wherever_it_cannot_tell(
    monkeypatch: pytest.MonkeyPatch,
    known: dict[str, object],
    unknown: list[str],
    worker: bool,
    starts: bool,
) -> None:
    from notesite import pytest_plugin

    if worker:
        monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    else:
        monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    config = SimpleNamespace(getini=lambda name: [], invocation_params=SimpleNamespace(args=()))
    parser = SimpleNamespace(
        parse_known_and_unknown_args=lambda args: (SimpleNamespace(**known), unknown)
    )
    manager = SimpleNamespace(get_plugin=lambda name: config)
    assert pytest_plugin._surely_runs_pages(parser, manager) is starts  # type: ignore[arg-type]


def test_cuda_is_asked_of_torch_only_where_a_gpu_driver_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(provenance, "GPU_DRIVER_FILES", ("/nonexistent/nvidiactl",))
    monkeypatch.setattr(provenance.sys, "platform", "linux")
    with monkeypatch.context() as without_torch:
        without_torch.delitem(provenance.sys.modules, "torch")  # not imported in this process
        assert provenance.cuda_available() is False
        assert "torch" not in provenance.sys.modules  # … nor imported to answer
        assert provenance.torch_version() == torch.__version__  # read from its metadata
    # Imported already: torch answers (here, a GPU it pretends to see).
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert provenance.cuda_available() is True
