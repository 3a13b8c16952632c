"""pytest plugin: write the Python blocks that pytest-markdown-docs collected, as JSON.

Used by the parity gate: ``python -m pytest --collect-only -p notesite.collect_dump``
with the environment variable ``NOTESITE_COLLECT_DUMP`` naming the output file. Each entry
holds the block's file, its first line and its own code (without the code of the blocks it
continues from).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ENV = "NOTESITE_COLLECT_DUMP"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Write the collected Markdown blocks to the file named by ``NOTESITE_COLLECT_DUMP``."""
    target = os.environ.get(ENV)
    if not target:
        return
    blocks = []
    for item in session.items:
        definition = getattr(item, "test_definition", None)
        if definition is None:
            continue
        own_code = "\n".join(definition.source.split("\n")[definition.start_line :])
        blocks.append(
            {
                "path": str(Path(definition.source_path).resolve()),
                "line": definition.start_line,
                "nodeid": item.nodeid,
                "code": own_code,
            }
        )
    Path(target).write_text(json.dumps(blocks, indent=1), encoding="utf-8")
