"""Every public helper documents itself by the project's standard and links to its note."""

from __future__ import annotations

import inspect
import re

import pytest

import ptnotes

HELPERS = [name for name in ptnotes.__all__ if name != "__version__"]
NOTE_ANCHORS = {
    "data-type-conversions",
    "common-data-types",
    "convertions-between-an-numpy-array-and-its-torch-tensor",
    "float-to-bool",
    "device-related",
    "neural-network-model-components",
    "common-operations",
    "math-operations",
    "reshaping",
    "broadcasting",
    "misc",
    "advanced-topics",
    "in-a-custom-module-write-code-for-training-mode-and-eval-mode",
    "to-make-variables-learnable-parameters",
    "register-buffers",
}
TENSOR_HELPERS = {
    "to_tensor",
    "to_numpy",
    "count_agreement",
    "conv_bn_relu",
    "focal_loss",
    "FocalLoss",
    "LearnableScale",
    "RunningMean",
}


@pytest.mark.parametrize("name", HELPERS)
def test_links_back_to_its_note(name: str) -> None:
    doc = inspect.getdoc(getattr(ptnotes, name)) or ""
    anchors = set(re.findall(r"\]\[([a-z0-9-]+)\]", doc))
    assert anchors & NOTE_ANCHORS, f"{name} links to no note heading"


@pytest.mark.parametrize("name", HELPERS)
def test_google_sections_and_an_example(name: str) -> None:
    member = getattr(ptnotes, name)
    doc = inspect.getdoc(member) or ""
    takes_arguments = bool(inspect.signature(member).parameters)
    if takes_arguments:
        assert "\nArgs:\n" in doc
        assert "\nRaises:\n" in doc
    if not inspect.isclass(member):
        assert "\nReturns:\n" in doc
    assert "\n!!! example\n    ```python\n" in doc
    if name in TENSOR_HELPERS:
        assert "\nShape:\n" in doc
