"""The pytest plugin of notesite (entry point ``pytest11``); inert until ``--notesite``.

Installed with the package, it only adds its options to every pytest run. A project turns
it on with ``--notesite`` (in ``addopts``, next to pytest-markdown-docs' ``--markdown-docs``);
then :class:`notesite.runner.plugin.NotesitePlugin` runs for the session (see
:mod:`notesite.runner`).
"""

from __future__ import annotations

import math
import os
import shlex
from collections.abc import Generator

import pytest


def _gib(text: str) -> float:
    """``--memory-limit``'s value: a positive number of GiB, or 0 for none."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise pytest.UsageError(
            f"expected --memory-limit to be a number of GiB (0: no limit), got {text!r}"
        )
    return value


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Add notesite's options (``--notesite``, ``--update-outputs``, ``--memory-limit``, …).

    pytest calls this as it registers the plugin, before it loads the plugins after it: a
    run that surely runs pages here starts the pages' warm server now
    (:func:`_surely_runs_pages`), so that its import of torch overlaps theirs.
    """
    group = parser.getgroup("notesite")
    group.addoption(
        "--notesite",
        action="store_true",
        help="run the site's pages with notesite: shared parser, fresh torch state per test, "
        "cuda/device fixtures, recorded outputs",
    )
    group.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the recorded outputs (with --notesite)",
    )
    group.addoption(
        "--release-results",
        default=None,
        metavar="PATH",
        help="write one result per test (passed, failed with its error's last line, skipped "
        "with its reason) and the release it ran on to PATH, as JSON: the claim x release "
        "matrix (python -m notesite matrix)",
    )
    group.addoption(
        "--record-provenance",
        action="store_true",
        help="record where the blocks that passed were verified: device, torch, date "
        "(with --notesite)",
    )
    group.addoption(
        "--memory-limit",
        type=_gib,
        default=None,
        metavar="GIB",
        help="the most memory a page's process may take, in GiB (0: no limit; default: half "
        "of the machine's); a block that allocates past it fails naming the limit",
    )
    if _surely_runs_pages(parser, pluginmanager):
        from notesite.server import warm_up

        warm_up()


#: pytest-xdist's options that may hand the tests to workers, read before xdist adds them.
DISTRIBUTING = ("-n", "--numprocesses", "--dist", "-d", "--tx")


def _surely_runs_pages(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> bool:
    """Whether this run surely runs pages in this process, read as the plugin is registered.

    The command line as pytest reads it (``addopts`` of the ini file, ``PYTEST_ADDOPTS``,
    then the arguments): ``--notesite``, and neither ``--collect-only`` nor an option of
    pytest-xdist's that may make this process its controller, nor ``--help`` or ``--version``.
    Where it cannot tell yet (an xdist worker, the arguments not readable), False:
    :func:`pytest_load_initial_conftests` decides, once every plugin has added its options.
    """
    config = pluginmanager.get_plugin("pytestconfig")
    if config is None or "PYTEST_XDIST_WORKER" in os.environ:
        return False
    try:
        args = [
            *config.getini("addopts"),
            *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")),
            *map(str, config.invocation_params.args),
        ]
        known, unknown = parser.parse_known_and_unknown_args(args)
    except (AttributeError, ValueError, pytest.UsageError):
        return False
    if not getattr(known, "notesite", False):
        return False
    if any(getattr(known, name, False) for name in ("collectonly", "help", "version")):
        return False
    if getattr(known, "numprocesses", None) or getattr(known, "tx", None):
        return False
    if getattr(known, "dist", "no") != "no":
        return False
    return not any(
        arg.split("=", 1)[0] in DISTRIBUTING or (arg.startswith("-n") and arg[2:3] != "-")
        for arg in unknown
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    """Start the pages' warm server as soon as pytest has read ``--notesite``.

    Before the conftest files, the other plugins' configuration and the collection: the
    server's import of torch is what a run of pages waits for first, and it begins here,
    while this process goes on starting. Before pytest's capture starts, too (this wrapper
    runs outside its), so the server writes to the terminal's stderr, not to a capture file.
    pytest-xdist's controller runs no page and starts none (its workers start their own), nor
    does ``--collect-only``.
    """
    options = early_config.known_args_namespace
    controller = getattr(options, "numprocesses", None) and "PYTEST_XDIST_WORKER" not in os.environ
    runs = not (controller or getattr(options, "collectonly", False))
    if getattr(options, "notesite", False) and runs:
        from notesite.server import warm_up

        warm_up()
    return (yield)


def pytest_configure(config: pytest.Config) -> None:
    """Turn the plugin on for this session when ``--notesite`` is given."""
    if config.getoption("notesite"):
        from notesite.runner.plugin import NotesitePlugin

        config.pluginmanager.register(NotesitePlugin(config), "notesite-session")
    if config.getoption("release_results"):
        from notesite.matrix.plugin import ResultsPlugin

        config.pluginmanager.register(ResultsPlugin(config), "notesite-release-results")
