"""pytest plugin shared by the whole suite (loaded from the root ``conftest.py``).

* Parses the site's Markdown with :func:`notesite.markdown.pytest_parser`.
* Starts every test, Markdown blocks included, from the state of a fresh interpreter
  (print options, default dtype, grad mode, RNG seeds) and restores it afterwards, so no
  block leaks state into the next one whatever the order.
* Provides the ``cuda`` fixture (``python fixture:cuda`` fences) and the ``device``
  fixture that parametrizes a test over the devices present.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
import torch
from markdown_it import MarkdownIt

from notesite import markdown as _markdown

# torch's import leaves some million objects for the garbage collector to walk on every full
# collection (pytest runs two at the end of a session, 0.2 s); none of them is garbage.
gc.freeze()

NEEDS_CUDA = "needs a CUDA GPU"
#: The seed of torch's default generators in a fresh interpreter.
TORCH_DEFAULT_SEED = 67280421310721


@pytest.hookimpl(tryfirst=True)
def pytest_markdown_docs_markdown_it() -> MarkdownIt:
    """Parse Markdown like the site does (fences inside admonitions included)."""
    return _markdown.pytest_parser()


def reset_torch_state() -> None:
    """Put torch's global state back to that of a fresh interpreter."""
    torch.set_printoptions(profile="default")  # type: ignore[no-untyped-call]
    torch.set_default_dtype(torch.float32)
    torch.set_grad_enabled(True)
    if torch.is_anomaly_enabled():
        torch.autograd.set_detect_anomaly(False)
    if torch.are_deterministic_algorithms_enabled():  # the setter imports torch._inductor
        torch.use_deterministic_algorithms(False)
    # torch.manual_seed() would do, but it records a traceback for CUDA's lazy seeding on
    # every call (3 ms); seed each generator directly instead.
    torch.default_generator.manual_seed(TORCH_DEFAULT_SEED)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(TORCH_DEFAULT_SEED)


@pytest.fixture(autouse=True)
def _fresh_torch_state() -> Iterator[None]:
    reset_torch_state()
    yield
    reset_torch_state()


@pytest.fixture
def cuda() -> torch.device:
    """The CUDA device; skips the test (or Markdown block) where none is present."""
    if not torch.cuda.is_available():
        pytest.skip(NEEDS_CUDA)
    return torch.device("cuda")


DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param(
        "cuda",
        id="cuda",
        marks=[
            pytest.mark.cuda,
            pytest.mark.skipif(not torch.cuda.is_available(), reason=NEEDS_CUDA),
        ],
    ),
]


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> torch.device:
    """Each device present: CPU always, CUDA where available (else skipped with reason)."""
    return torch.device(request.param)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Drop Hypothesis' reporting plugin from a run that collected no Hypothesis test.

    Its terminal summary imports all of Hypothesis (about 0.8 s), which would otherwise be
    the largest cost of ``pytest docs/`` after importing torch.
    """
    plugin = session.config.pluginmanager.get_plugin("hypothesispytest")
    if plugin is None:
        return
    if not any(
        getattr(getattr(item, "obj", None), "is_hypothesis_test", False) for item in session.items
    ):
        session.config.pluginmanager.unregister(plugin)


pytest_plugins = ["notesite.recording"]
