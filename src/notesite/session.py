"""What the pytest plugin (:mod:`notesite.pytest_plugin`) does in a session.

Its parts live in the package :mod:`notesite.runner`, one job a module; this module names
the public ones where they have always been importable.
"""

from __future__ import annotations

from notesite.isolation import TORCH_DEFAULT_SEED, reset_torch_state
from notesite.runner.items import (
    ClaimsGateError,
    ClaimsItem,
    DoctestFailure,
    DoctestItem,
    NotebookOnlyItem,
    PageFile,
    unchecked_claims,
)
from notesite.runner.located import located
from notesite.runner.plugin import DEVICES, NotesitePlugin
from notesite.runner.probes import PERTURBED_SEED, perturbed_generators, refused_network
from notesite.runner.recording import RecordingRunner
from notesite.runner.state import NEEDS_CUDA, PAGE_PROCESSES, STATE, OutputMismatch, PageRun, State

__all__ = [
    "DEVICES",
    "NEEDS_CUDA",
    "PAGE_PROCESSES",
    "PERTURBED_SEED",
    "STATE",
    "TORCH_DEFAULT_SEED",
    "ClaimsGateError",
    "ClaimsItem",
    "DoctestFailure",
    "DoctestItem",
    "NotebookOnlyItem",
    "NotesitePlugin",
    "OutputMismatch",
    "PageFile",
    "PageRun",
    "RecordingRunner",
    "State",
    "located",
    "perturbed_generators",
    "refused_network",
    "reset_torch_state",
    "unchecked_claims",
]
