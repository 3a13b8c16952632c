"""Every public helper documents itself by the project's standard and links to its note."""

from __future__ import annotations

import inspect
import re

import pytest
from markdown.extensions.toc import slugify

import ptnotes
from notesite.project import Project

HELPERS = [name for name in ptnotes.__all__ if name != "__version__"]


@pytest.fixture(scope="module")
def note_anchors(project: Project) -> set[str]:
    """The anchors of the notes' headings, as the site's table of contents makes them."""
    return {
        slugify(page.lines[line].lstrip("#").strip(), "-")
        for page in project.notes()
        for line, _ in page.headings
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
def test_links_back_to_its_note(name: str, note_anchors: set[str]) -> None:
    doc = inspect.getdoc(getattr(ptnotes, name)) or ""
    anchors = set(re.findall(r"\]\[([a-z0-9-]+)\]", doc))
    assert note_anchors, "no heading on the note pages"
    assert anchors & note_anchors, f"{name} links to no note heading"


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
