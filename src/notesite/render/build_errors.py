"""How the renderer stops a build: one line naming the file and line, never a traceback."""

from __future__ import annotations

from notesite.errors import InputError


class SiteError(InputError):
    """A page or record the extension cannot render (names the file and line)."""


def build_error(message: str) -> Exception:
    """The error a builder reports without a traceback (MkDocs' PluginError where present)."""
    try:
        from mkdocs.exceptions import PluginError
    except ImportError:  # pragma: no cover - another builder
        return SiteError(message)
    return PluginError(message)
