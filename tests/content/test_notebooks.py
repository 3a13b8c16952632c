"""A notebook per note page of the live site: current, valid nbformat 4, every block a cell,
and it runs to the records' outputs.

How a notebook is built and written is tested on fixture projects in
``tests/notesite/test_notebook.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
import torch

from notesite import outputs
from notesite.notebook import (
    CUDA_SKIPPED,
    CUDA_TAG,
    NOTEBOOK_ONLY_TAG,
    build_notebook,
    dumps,
    notebook_path,
)
from notesite.project import Project


def test_the_notebook_is_current_and_valid(project: Project, note_page: str) -> None:
    path = project.docs_dir / notebook_path(note_page)
    expected = dumps(build_notebook(project.page(note_page), project))
    assert path.is_file(), f"no notebook {path}: run `pytest docs/ --update-outputs`"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(project.root)} is stale: run `pytest docs/ --update-outputs`"
    )
    nbformat.validate(nbformat.reads(expected, as_version=4))


def test_every_block_is_a_cell_in_page_order_and_the_prose_is_the_page_s(
    project: Project,
) -> None:
    for page in project.notes():
        notebook = build_notebook(page, project)
        keys = [
            cell["metadata"]["ptnotes"]["key"]
            for cell in notebook["cells"]
            if "ptnotes" in cell["metadata"]
        ]
        assert keys == [block.key for block in page.blocks], page.src_uri
        markdown = "\n".join(c["source"] for c in notebook["cells"] if c["cell_type"] == "markdown")
        assert f"# {page.title}" in markdown
        cuda = [
            c
            for c in notebook["cells"]
            if CUDA_TAG in c["metadata"].get("tags", []) and "ptnotes" in c["metadata"]
        ]
        assert len(cuda) == sum(block.cuda for block in page.blocks)
        assert all(c["source"].startswith("%%needs_cuda\n") for c in cuda)


def as_read(notebook: dict[str, Any]) -> Any:
    """The notebook as a reader opens it: every cell, the outputs cleared."""
    node = nbformat.from_dict(copy.deepcopy(notebook))
    for cell in node.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    return node


def shown(cell: Any, root: Path) -> str:
    """What a code cell showed: what it printed and displayed, then its last value's text."""
    text = ""
    for output in cell.outputs:
        if output.output_type == "error":
            return f"error: {output.ename}: {output.evalue}"
        if output.output_type == "stream":
            text += output.get("text", "")
        elif output.output_type in ("display_data", "execute_result"):
            text += output.data["text/plain"] + "\n"
    return outputs.normalise(text, root)


#: Before each notebook, the shared kernel is made a fresh one: no names, torch's defaults.
FRESH_KERNEL = """%reset -f
from notesite.isolation import reset_torch_state
reset_torch_state()
del reset_torch_state"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One IPython kernel for the module's notebooks (each starts from a reset kernel).

    It runs in a scratch folder, as a page's blocks do: what a cell writes stays out of the
    project.
    """
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path_factory.mktemp("notebook-kernel")))
    try:
        yield manager
    finally:
        manager.shutdown_kernel(now=True)
        manager.context.destroy(linger=0)


@pytest.mark.slow
def test_the_notebook_runs_and_shows_the_recorded_outputs(
    project: Project, note_page: str, kernel: Any
) -> None:
    src_uri = note_page
    from nbclient import NotebookClient

    page = project.page(src_uri)
    notebook = as_read(build_notebook(page, project))
    fresh = nbformat.v4.new_code_cell(FRESH_KERNEL)
    notebook.cells.insert(0, fresh)
    # A notebook-only cell (`%pip install …`, a shell command) is the reader's to run: run
    # here it would change this environment or reach the network. pytest docs/ skips it too.
    client = NotebookClient(
        notebook,
        km=kernel,
        timeout=120,
        allow_errors=False,
        skip_cells_with_tag=NOTEBOOK_ONLY_TAG,
    )
    try:
        client.execute()
    finally:
        if client.kc is not None:  # the kernel is the module's; this client's channels are not
            client.kc.stop_channels()
    records = {e.key: e for e in outputs.load(project.record_path(src_uri), project.root)}
    compared = 0
    cuda = torch.cuda.is_available()
    for cell in notebook.cells:
        meta = cell.metadata.get("ptnotes")
        if meta is None:
            continue
        is_cuda = CUDA_TAG in cell.metadata.get("tags", [])
        record = records[meta["key"]]
        compared += 1
        if record.verdict is not None:
            # Of a post not yet verified, a block that did not run: its cell may raise, and
            # says so (Jupyter's raises-exception tag), as its page does.
            assert "raises-exception" in cell.metadata.get("tags", []), src_uri
            continue
        expected = record.shown() if cuda or not is_cuda else CUDA_SKIPPED + "\n"
        if record.normalised:  # its runs showed addresses or temporary paths that vary
            assert outputs.normalise(shown(cell, project.root)) == expected, src_uri
            continue
        assert shown(cell, project.root) == expected, f"{src_uri}, block {meta['block']}"
    # Every cell ran, top to bottom, the CUDA ones included (they say why they did nothing).
    assert compared == len(page.blocks)  # a page without blocks has no cell to compare
