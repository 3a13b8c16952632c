"""The claim x release matrix: every block and test of the project on each PyTorch release.

The package, by job:

* ``results``: the results store (``outputs/releases/<version>.json``), read once per file
  and checked on reading (:class:`ResultsError` names the file and the test);
* ``holding``: what the results say of a block, in the pages' words (:func:`describe`);
* ``coverage``: what the committed results lack (``--check``, run by CI);
* ``releases``: torch's releases on PyPI, and a ``uv`` environment to run each;
* ``command``: ``python -m notesite matrix``;
* ``plugin``: the pytest plugin behind ``--release-results``, one result per test.

This package re-exports every public name but the plugin's: the build imports it, and it
never imports pytest (import :mod:`notesite.matrix.plugin` for the plugin).
"""

from notesite.matrix.command import main
from notesite.matrix.coverage import check, current_blocks, gaps, must_hold
from notesite.matrix.holding import Holding, describe, holding, spans
from notesite.matrix.releases import (
    ENVIRONMENTS,
    TEST_PATHS,
    Run,
    admitted,
    index_versions,
    run_release,
)
from notesite.matrix.results import (
    FAILED,
    OUTCOMES,
    PASSED,
    RELEASE,
    RELEASES,
    SKIPPED,
    ResultsError,
    check_results,
    covered,
    load,
    lower_bound,
    result_files,
    results,
    results_path,
    version_key,
)

__all__ = [
    "ENVIRONMENTS",
    "FAILED",
    "OUTCOMES",
    "PASSED",
    "RELEASE",
    "RELEASES",
    "SKIPPED",
    "TEST_PATHS",
    "Holding",
    "ResultsError",
    "Run",
    "admitted",
    "check",
    "check_results",
    "covered",
    "current_blocks",
    "describe",
    "gaps",
    "holding",
    "index_versions",
    "load",
    "lower_bound",
    "main",
    "must_hold",
    "result_files",
    "results",
    "results_path",
    "run_release",
    "spans",
    "version_key",
]
