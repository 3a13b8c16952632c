"""The releases the matrix runs (:mod:`notesite.matrix.releases`)."""

from __future__ import annotations

from notesite import matrix


def test_admitted_releases_are_the_newest_patch_of_each_minor_from_the_bound() -> None:
    versions = ["2.3.1", "2.4.0", "2.4.1", "2.5.0", "2.10.0", "2.9.1", "2.10.1", "3.0.0"]
    assert matrix.admitted(versions, "2.4") == ["2.4.1", "2.5.0", "2.9.1", "2.10.1", "3.0.0"]
    assert matrix.admitted(versions, "2.10.1") == ["2.10.1", "3.0.0"]
