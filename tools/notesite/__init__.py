"""Tooling of the ptnotes site: Markdown parsing, fidelity and parity gates, build hooks.

This package is not shipped with ``ptnotes``; pytest (``pythonpath``) and the MkDocs hook
(``tools/mkdocs_hooks.py``) put ``tools/`` on the import path.
"""
