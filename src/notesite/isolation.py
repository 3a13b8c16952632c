"""Every global setting a block can change, put back before the next block runs.

A block must start as it would in a fresh interpreter, whatever ran before it. The pytest
plugin takes a :class:`Baseline` when the session starts (torch imported) and calls
:meth:`Baseline.restore` before and after every test. What it restores, enumerated:

* torch: default device and dtype, print options, grad mode, anomaly detection,
  deterministic algorithms, flushing denormals, autocast, the number of threads, the
  float32 matmul precision, the seed of every generator (a fresh interpreter's);
* NumPy (when imported): print options, floating-point error settings, the global
  generator's state;
* torch's global module hooks (``register_module_forward_hook`` and the like);
* Python: the ``random`` module's state, the ``decimal`` context, the recursion limit, the
  largest integer string (``sys.set_int_max_str_digits``), the garbage collector switched
  on, the working directory, the file mode mask (``os.umask``), the sockets' default
  timeout, :data:`sys.argv`, the names a block added to or replaced in :mod:`builtins`,
  the environment variables (pytest's own ``PYTEST_…`` left to it), :data:`sys.path`, the
  modules a block added to :data:`sys.modules` from outside the installed packages (its
  own, or a file it wrote) and those it replaced or removed there, and :mod:`logging`'s
  configuration (``logging.basicConfig`` in one block does not keep the next one's from
  configuring, nor its handlers printing).

The warnings filters are pytest's to restore: it runs each test inside its own
:func:`warnings.catch_warnings`, with the project's ``filterwarnings`` applied.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import gc
import logging
import os
import random
import socket
import sys
import sysconfig
from collections.abc import Iterator
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
    #: torch's backend switches (``torch.backends.cudnn.benchmark``…), by name.
    torch_flags: dict[str, bool] = field(default_factory=dict)
    numpy: dict[str, Any] = field(default_factory=dict)
    roots: tuple[str, ...] = field(default_factory=_installed_roots)
    #: What pytest keeps for itself in its own process (None there: see :meth:`take`).
    argv: list[str] | None = field(default_factory=lambda: list(sys.argv))
    umask: int = field(default_factory=lambda: _umask())
    socket_timeout: float | None = field(default_factory=socket.getdefaulttimeout)
    int_digits: int | None = field(
        default_factory=lambda: getattr(sys, "get_int_max_str_digits", lambda: None)()
    )
    builtins: dict[str, Any] | None = field(default_factory=lambda: dict(vars(builtins)))
    #: The module each name of :data:`sys.modules` held: one a block replaced or removed
    #: (``sys.modules["json"] = fake``) is put back.
    module_objects: dict[str, Any] = field(default_factory=lambda: dict(sys.modules))
    logging: dict[str, Any] | None = field(default_factory=lambda: _logging_state())

    @classmethod
    def take(cls, *, pytest_process: bool = False) -> Baseline:
        """The state now (call it where it is a fresh interpreter's).

        torch's state is taken only where torch is imported: a run of pages, whose blocks
        run in processes of their own, need not import it here (see :meth:`restore`).

        Args:
            pytest_process: Taken in pytest's own process, whose logging (its capture's
                handlers, set around each test), builtins and arguments are pytest's: they
                are left to it. A page's process restores them too.
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
        if pytest_process:
            baseline.argv = baseline.builtins = baseline.logging = None
        baseline._take_torch()
        baseline._take_numpy()
        return baseline

    def _take_torch(self) -> None:
        torch = sys.modules.get("torch")
        if torch is not None and self.threads is None:
            self.threads = torch.get_num_threads()
            self.matmul_precision = torch.get_float32_matmul_precision()
            self.torch_flags = {name: getattr(*_flag(torch, name)) for name in TORCH_FLAGS}

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
            for name, switch in self.torch_flags.items():
                owner, attribute = _flag(torch, name)
                if getattr(owner, attribute) != switch:
                    setattr(owner, attribute, switch)
        if sys.getrecursionlimit() != self.recursion_limit:
            sys.setrecursionlimit(self.recursion_limit)
        if not gc.isenabled():
            gc.enable()
        self._restore_process()
        if self.logging is not None:
            _restore_logging(self.logging)
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
        modules = sys.modules
        for name, module in self.module_objects.items():
            if modules.get(name) is not module:
                modules[name] = module
        if len(modules) != len(self.modules) or modules.keys() != self.modules:
            self._forget_added_modules()
        random.setstate(self.random_state)  # type: ignore[arg-type]
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            if not self.numpy:
                self._take_numpy()  # imported after the baseline: its state now is fresh
            numpy.set_printoptions(**self.numpy["print"])
            numpy.seterr(**self.numpy["err"])
            numpy.random.set_state(self.numpy["random"])

    def _restore_process(self) -> None:
        """The settings of Python's and the process's own that a block may change."""
        if self.argv is not None and sys.argv != self.argv:
            sys.argv[:] = self.argv
        if _umask() != self.umask:
            os.umask(self.umask)
        if socket.getdefaulttimeout() != self.socket_timeout:
            socket.setdefaulttimeout(self.socket_timeout)
        if self.int_digits is not None and sys.get_int_max_str_digits() != self.int_digits:
            sys.set_int_max_str_digits(self.int_digits)
        names = vars(builtins)
        if self.builtins is not None and names != self.builtins:
            for name in names.keys() - self.builtins.keys():
                del names[name]
            names.update(self.builtins)

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
        self.module_objects = dict(sys.modules)


#: torch's backend switches a block may set, as ``module.attribute`` under ``torch.backends``.
TORCH_FLAGS = (
    "cudnn.enabled",
    "cudnn.benchmark",
    "cudnn.deterministic",
    "cudnn.allow_tf32",
    "cuda.matmul.allow_tf32",
    "cuda.matmul.allow_fp16_reduced_precision_reduction",
    "cuda.matmul.allow_bf16_reduced_precision_reduction",
)


def _flag(torch: Any, name: str) -> tuple[Any, str]:
    """The object that holds one of :data:`TORCH_FLAGS`, and the attribute's name."""
    owner = torch.backends
    *path, attribute = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, attribute


def _umask() -> int:
    """The process's file mode mask (read by setting it, then put back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _logging_state() -> dict[str, Any]:
    """:mod:`logging`'s configuration: each logger's level, handlers, filters and switches."""
    loggers = [logging.root, *logging.Logger.manager.loggerDict.values()]
    return {
        "disable": logging.root.manager.disable,
        "loggers": {
            id(logger): (logger, logger.level, list(logger.handlers), list(logger.filters),
                         logger.propagate, logger.disabled)
            for logger in loggers
            if isinstance(logger, logging.Logger)
        },
    }  # fmt: skip


def _restore_logging(state: dict[str, Any]) -> None:
    """Put :mod:`logging` back as :func:`_logging_state` saw it.

    A logger made since (a block's own, ``logging.getLogger(__name__)``) loses what a block
    gave it: its handlers (but a library's ``NullHandler``), its level and filters; it is
    then part of the state to go back to.
    """
    saved = state["loggers"]
    if logging.root.manager.disable != state["disable"]:
        logging.disable(state["disable"])
    for logger in [logging.root, *logging.Logger.manager.loggerDict.values()]:
        if not isinstance(logger, logging.Logger):
            continue  # a placeholder
        if id(logger) in saved:
            _, level, handlers, filters, propagate, disabled = saved[id(logger)]
        else:
            handlers = [h for h in logger.handlers if isinstance(h, logging.NullHandler)]
            level, filters, propagate, disabled = logging.NOTSET, [], True, False
            saved[id(logger)] = (logger, level, handlers, filters, propagate, disabled)
        if logger.handlers != handlers:
            for handler in logger.handlers:
                if handler not in handlers:
                    handler.close()
            logger.handlers[:] = handlers
        if logger.level != level:
            logger.setLevel(level)
        if logger.filters != filters:
            logger.filters[:] = filters
        logger.propagate, logger.disabled = propagate, disabled


def _reset_module_hooks(torch: Any) -> None:
    """Clear torch's global module hooks (``register_module_forward_hook`` and the like)."""
    module = torch.nn.modules.module
    for name, value in vars(module).items():
        if name.startswith("_global_") and isinstance(value, dict) and value:
            value.clear()
    if getattr(module, "_global_is_full_backward_hook", None) is not None:
        module._global_is_full_backward_hook = None


def reset_torch_state() -> None:
    """Put torch's global state back to that of a fresh interpreter."""
    import torch

    torch.set_printoptions(profile="default")  # type: ignore[no-untyped-call]
    torch.set_default_dtype(torch.float32)
    if torch.get_default_device().type != "cpu":
        torch.set_default_device(None)
    torch.set_grad_enabled(True)
    torch.set_flush_denormal(False)
    _reset_module_hooks(torch)
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


_MISSING = object()


def assigned_attributes(tree: ast.AST) -> list[tuple[str, tuple[str, ...]]]:
    """The attributes code sets or deletes on what it imports, as (module, attribute path).

    ``import math; math.pi = 3`` gives ``("math", ("pi",))``; ``import torch;
    torch.Tensor.double = f`` gives ``("torch", ("Tensor", "double"))``; ``from torch import
    nn; nn.functional.relu = f`` gives ``("torch", ("nn", "functional", "relu"))``.
    """
    imported: dict[str, tuple[str, tuple[str, ...]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root, *rest = alias.name.split(".")
                if alias.asname:
                    imported[alias.asname] = (root, tuple(rest))
                else:
                    imported[root] = (root, ())
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            root, *rest = node.module.split(".")
            for alias in node.names:
                imported[alias.asname or alias.name] = (root, (*rest, alias.name))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            path: list[str] = []
            while isinstance(target, ast.Attribute):
                path.insert(0, target.attr)
                target = target.value
            if path and isinstance(target, ast.Name) and target.id in imported:
                root, within = imported[target.id]
                found.append((root, (*within, *path)))
    return found


@contextlib.contextmanager
def attributes_put_back(*codes: str) -> Iterator[None]:
    """What code sets on a module or class it imports is put back after it (``math.pi = 3``).

    Only what the code assigns or deletes by name (:func:`assigned_attributes`) on a module
    loaded before it runs (an installed module stays loaded from block to block): the next
    block finds it as a fresh interpreter has it. ``setattr`` and a patch made inside a
    function are not seen.
    """
    saved: list[tuple[Any, str, Any]] = []
    for code in codes:
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            continue
        for root, path in assigned_attributes(tree):
            holder: Any = sys.modules.get(root)
            for name in path[:-1]:
                holder = getattr(holder, name, None)
            try:
                own = vars(holder)
            except TypeError:  # None (not loaded), or no __dict__
                continue
            saved.append((holder, path[-1], own.get(path[-1], _MISSING)))
    try:
        yield
    finally:
        for holder, name, value in reversed(saved):
            if vars(holder).get(name, _MISSING) is value:
                continue
            with contextlib.suppress(Exception):
                if value is _MISSING:
                    delattr(holder, name)
                else:
                    setattr(holder, name, value)
