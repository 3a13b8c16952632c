"""Every global setting a block can change, put back before the next block runs.

A block must start as it would in a fresh interpreter, whatever ran before it. The pytest
plugin takes a :class:`Baseline` when the session starts (torch imported) and calls
:meth:`Baseline.restore` before and after every test. What it restores, enumerated:

* torch: default device and dtype, print options, grad mode, anomaly detection,
  deterministic algorithms, flushing denormals, autocast, the number of threads, the
  float32 matmul precision, the seed of every generator (a fresh interpreter's);
* NumPy (when imported): print options, floating-point error settings, the global
  generator's state;
* Python: the ``random`` module's state, the ``decimal`` context, the recursion limit, the
  garbage collector switched on, the working directory, the environment
  variables (pytest's own ``PYTEST_…`` left to it), :data:`sys.path`, and the modules a
  block added to :data:`sys.modules` from outside the installed packages (its own, or a
  file it wrote).

The warnings filters are pytest's to restore: it runs each test inside its own
:func:`warnings.catch_warnings`, with the project's ``filterwarnings`` applied.
"""

from __future__ import annotations

import gc
import os
import random
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The seed of torch's default generators in a fresh interpreter.
TORCH_DEFAULT_SEED = 67280421310721


def _installed_roots() -> tuple[str, ...]:
    """Where installed modules live: the standard library, site-packages, this project's src.

    Each as written and as resolved (a virtual environment may reach them through a link).
    """
    paths = sysconfig.get_paths()
    roots = {paths[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(str(Path(__file__).parents[1]))  # src/ of an editable install
    both = {str(Path(root)) + os.sep for root in roots}
    both |= {str(Path(root).resolve()) + os.sep for root in roots}
    return tuple(sorted(both))


@dataclass
class Baseline:
    """The global state of a fresh interpreter, to go back to."""

    cwd: str
    environ: dict[str, str]
    path: list[str]
    modules: frozenset[str]
    random_state: object
    recursion_limit: int = 1000
    decimal_context: Any = None
    #: torch's number of threads and matmul precision (None: torch was not imported).
    threads: int | None = None
    matmul_precision: str | None = None
    numpy: dict[str, Any] = field(default_factory=dict)
    roots: tuple[str, ...] = field(default_factory=_installed_roots)

    @classmethod
    def take(cls) -> Baseline:
        """The state now (call it where it is a fresh interpreter's).

        torch's state is taken only where torch is imported: a run of pages, whose blocks
        run in processes of their own, need not import it here (see :meth:`restore`).
        """
        import decimal

        baseline = cls(
            os.getcwd(),
            {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            list(sys.path),
            frozenset(sys.modules),
            random.getstate(),
            sys.getrecursionlimit(),
            decimal.getcontext().copy(),
        )
        baseline._take_torch()
        baseline._take_numpy()
        return baseline

    def _take_torch(self) -> None:
        torch = sys.modules.get("torch")
        if torch is not None and self.threads is None:
            self.threads = torch.get_num_threads()
            self.matmul_precision = torch.get_float32_matmul_precision()

    def _take_numpy(self) -> None:
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            self.numpy = {
                "print": numpy.get_printoptions(),
                "err": numpy.geterr(),
                "random": numpy.random.get_state(),
            }

    def restore(self) -> None:
        """Put every setting back as it was when the baseline was taken.

        torch's, where torch is imported: imported after the baseline was taken, its state
        is taken at the first restore (a fresh interpreter's, as NumPy's is).
        """
        import decimal

        torch = sys.modules.get("torch")
        if torch is not None:
            self._take_torch()
            reset_torch_state()
            if torch.get_num_threads() != self.threads:
                torch.set_num_threads(self.threads)
            if torch.get_float32_matmul_precision() != self.matmul_precision:
                torch.set_float32_matmul_precision(self.matmul_precision)
        if sys.getrecursionlimit() != self.recursion_limit:
            sys.setrecursionlimit(self.recursion_limit)
        if not gc.isenabled():
            gc.enable()
        decimal.setcontext(self.decimal_context.copy())
        if os.getcwd() != self.cwd:
            os.chdir(self.cwd)
        # pytest's own variables (PYTEST_CURRENT_TEST names the running test) are its own.
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        if environ != self.environ:
            for key in environ.keys() - self.environ.keys():
                del os.environ[key]
            for key, value in self.environ.items():
                if environ.get(key) != value:
                    os.environ[key] = value
        if sys.path != self.path:
            sys.path[:] = self.path
        if len(sys.modules) != len(self.modules) or sys.modules.keys() != self.modules:
            self._forget_added_modules()
        random.setstate(self.random_state)  # type: ignore[arg-type]
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            if not self.numpy:
                self._take_numpy()  # imported after the baseline: its state now is fresh
            numpy.set_printoptions(**self.numpy["print"])
            numpy.seterr(**self.numpy["err"])
            numpy.random.set_state(self.numpy["random"])

    def _forget_added_modules(self) -> None:
        for name in set(sys.modules) - self.modules:
            module = sys.modules.get(name)
            spec = getattr(module, "__spec__", None)
            origin = getattr(spec, "origin", None) if spec is not None else None
            if origin in ("built-in", "frozen"):
                continue
            location = getattr(module, "__file__", None) or origin
            if location and (
                location.startswith(self.roots)
                or str(Path(location).resolve()).startswith(self.roots)
            ):
                continue  # an installed module: imported once, kept (torch's cannot go)
            del sys.modules[name]
        # The installed modules imported since are kept for good: no need to look again.
        self.modules = frozenset(sys.modules)


def reset_torch_state() -> None:
    """Put torch's global state back to that of a fresh interpreter."""
    import torch

    torch.set_printoptions(profile="default")  # type: ignore[no-untyped-call]
    torch.set_default_dtype(torch.float32)
    if torch.get_default_device().type != "cpu":
        torch.set_default_device(None)
    torch.set_grad_enabled(True)
    torch.set_flush_denormal(False)
    for device in ("cpu", "cuda"):
        if torch.is_autocast_enabled(device):
            torch.set_autocast_enabled(device, False)
    if torch.is_anomaly_enabled():
        torch.autograd.set_detect_anomaly(False)
    if torch.are_deterministic_algorithms_enabled():  # the setter imports torch._inductor
        torch.use_deterministic_algorithms(False)
    # torch.manual_seed() would do, but it records a traceback for CUDA's lazy seeding on
    # every call (3 ms); seed each generator directly instead.
    torch.default_generator.manual_seed(TORCH_DEFAULT_SEED)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(TORCH_DEFAULT_SEED)
