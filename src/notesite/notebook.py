"""A Jupyter notebook per note page, generated from the page model (nbformat 4).

The notebook is the page a reader can run: the page's prose as Markdown cells (the notes
verbatim), each of the site's additions as a Markdown cell marked as the site's, and every
Python block of the page as a code cell, in page order, with its recorded output. The checks
stay inline, as optional cells tagged ``check``; a cell that needs a CUDA GPU is tagged
``cuda``, preceded by a one-line note, and starts with ``%%needs_cuda`` (a cell magic that a
visible cell at the top defines): where no CUDA GPU is present it says so and runs nothing, so
that "Run all" on a CPU-only runtime (Colab's default) goes to the end. The first cell installs
what Colab lacks, on Colab only.

Notebooks live in the repository (Colab opens them from there), under the docs folder (the
builders publish them with the site), and are kept current like the records: the tests fail on
a stale one, and ``pytest docs/ --update-outputs`` writes them anew.
"""

from __future__ import annotations

import hashlib
import html
import json
import textwrap
from typing import Any

from notesite import outputs as _outputs
from notesite.files import write_whole
from notesite.model import (
    CHECK_KIND,
    CPU_LESSON,
    ERRATUM_KIND,
    HELPER,
    NOTE_KIND,
    SETUP,
    Addition,
    Block,
    Page,
    PageError,
)
from notesite.project import Project
from notesite.safety import clean_markdown, markdown_text

#: The folder of the notebooks, under the docs folder.
NOTEBOOKS = "notebooks"
#: What Colab lacks of the notes' imports, installed by the first cell there.
COLAB_PACKAGES = ("torchsummary",)
#: The tags of the install cell (it installs only on Colab) and of the CUDA cells.
COLAB_TAG = "colab"
CUDA_TAG = "cuda"
#: The cell magic that runs a CUDA cell where a CUDA GPU is present, and else says so.
CUDA_MAGIC = "%%needs_cuda"
#: What a CUDA cell prints where no CUDA GPU is present.
CUDA_SKIPPED = "skipped: this cell needs a CUDA GPU (on Colab: Runtime → Change runtime type)"
#: The cell, set up before the notes' cells, that defines :data:`CUDA_MAGIC`.
CUDA_SETUP = f'''# Added by the site: a cell that starts with {CUDA_MAGIC} runs only where a
# CUDA GPU is present; elsewhere it says so, and "Run all" goes on to the end.
from IPython.core.magic import register_cell_magic


@register_cell_magic
def needs_cuda(line, cell):
    import torch

    if not torch.cuda.is_available():
        print("{CUDA_SKIPPED}")
        return
    get_ipython().run_cell(cell).raise_error()'''
CHECK_TAG = "check"
#: The tag of a cell that only IPython runs (a magic, a shell command): no test runs it.
NOTEBOOK_ONLY_TAG = "notebook-only"
#: How each addition is announced in its Markdown cell.
LABELS = {
    SETUP: "Setup (added by the site)",
    CPU_LESSON: "The same lesson on a CPU-only machine (added by the site)",
    ERRATUM_KIND: "Erratum (added by the site)",
    CHECK_KIND: "Check, optional (added by the site)",
    NOTE_KIND: "Precise note (added by the site)",
    HELPER: "In ptnotes (added by the site)",
}
CUDA_NOTE = (
    "*The next cell needs a CUDA GPU* (on Colab: Runtime → Change runtime type → a GPU); "
    "without one it says so and runs nothing, and the other cells still run."
)


def notebook_path(src_uri: str) -> str:
    """A note page's notebook, relative to the docs folder (``notebooks/<page>.ipynb``)."""
    return f"{NOTEBOOKS}/{src_uri.removeprefix('notes/').removesuffix('.md')}.ipynb"


def _cell_id(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:12]


def _markdown(text: str, *, key: str) -> dict[str, Any]:
    return {
        "cell_type": "markdown",
        "id": _cell_id("md", key, text),
        "metadata": {},
        "source": text.strip("\n"),
    }


def _code(block: Block, entry: _outputs.Entry | None, tags: list[str]) -> dict[str, Any]:
    cell_outputs: list[dict[str, Any]] = []
    if entry is not None and entry.stdout:
        cell_outputs.append({"name": "stdout", "output_type": "stream", "text": entry.stdout})
    if entry is not None and entry.result is not None:
        cell_outputs.append(
            {
                "data": {"text/plain": entry.result},
                "execution_count": None,
                "metadata": {},
                "output_type": "execute_result",
            }
        )
    source = block.code.rstrip("\n")
    if block.cuda:
        source = f"{CUDA_MAGIC}\n{source}"
        if entry is not None and entry.stdout is None and entry.result is None:
            cell_outputs = [
                {"name": "stdout", "output_type": "stream", "text": CUDA_SKIPPED + "\n"}
            ]
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": _cell_id("code", block.key),
        "metadata": {"tags": tags, "ptnotes": {"block": block.number, "key": block.key}},
        "outputs": cell_outputs,
        "source": source,
    }


#: Jupyter's tag of a cell that may raise: "Run all" and nbclient go on past its error.
MAY_RAISE_TAG = "raises-exception"


def verdict_note(entry: _outputs.Entry) -> str:
    """The quoted cell before a block that did not run: what its run gave, and why.

    The detail (an error, names) is shown as code, so nothing in it is read as Markdown.
    """
    outcome = entry.outcome()
    detail = outcome.detail.replace("`", "'")
    shown = f" (`` {detail} ``)" if detail else ""
    return (
        f"> *Added by the site:* this cell may not run as written: **{outcome.verdict.value}**"
        f"{shown}. {outcome.verdict.explanation}"
    )


def _dedent(lines: list[str]) -> str:
    return textwrap.dedent("\n".join(lines))


def _addition_cells(
    addition: Addition, page: Page, blocks: dict[int, Block], entries: dict[str, Any]
) -> list[dict[str, Any]]:
    """An addition: its label and text as a Markdown cell, its Python blocks as code cells."""
    cells: list[dict[str, Any]] = []
    text: list[str] = [f"> **{LABELS.get(addition.kind, 'Added by the site')}**"]
    if addition.title:
        text.append(f"> *{addition.title}*")
    text.append(">")
    i = addition.start + 1
    while i < addition.end:
        block = blocks.get(i)
        if block is not None:
            said = clean_markdown("\n".join(text)).rstrip("> \n")
            cells.append(_markdown(said, key=f"{addition.start}:{i}"))
            text = []
            tags = [CHECK_TAG] if addition.kind == CHECK_KIND else []
            if block.cuda:
                cells.append(_markdown(CUDA_NOTE, key=f"cuda:{block.key}"))
                tags.append(CUDA_TAG)
            cells.append(_code(block, entries.get(block.key), tags))
            i = block.fence.end
            continue
        line = page.lines[i][addition.indent + 4 :] if page.lines[i].strip() else ""
        text.append(f"> {line}".rstrip())
        i += 1
    if [line for line in text if line.strip("> ")]:
        cells.append(_markdown(clean_markdown("\n".join(text)), key=f"{addition.start}:end"))
    return cells


def build_notebook(page: Page, project: Project) -> dict[str, Any]:
    """The notebook of a note page (nbformat 4.5, as a JSON-ready mapping)."""
    entries = {e.key: e for e in _outputs.load(project.record_path(page.src_uri), project.root)}
    blocks = {block.fence.start: block for block in page.blocks}
    notebook_fences = {fence.start: fence for fence in page.notebook_only}
    additions = {addition.start: addition for addition in page.additions}
    meta_post = page.meta.get("post")
    post: dict[str, Any] = meta_post if isinstance(meta_post, dict) else {}
    intro = (
        f"*From the post **{markdown_text(str(post.get('title', '')))}**, written "
        f"{markdown_text(str(post.get('date', '')).split(' ')[0])}: the section "
        f"**{html.escape(page.title, quote=False)}**, word for "
        "word. What the site adds is set apart in quoted cells marked *added by the site*; "
        "the checks are optional cells tagged `check`, inline under the claims they check; "
        "a cell that needs a CUDA GPU is tagged `cuda`.*"
    )
    install = " ".join(COLAB_PACKAGES)
    cells: list[dict[str, Any]] = [
        _markdown(intro, key="intro"),
        {
            "cell_type": "code",
            "execution_count": None,
            "id": _cell_id("install", install),
            "metadata": {"tags": [COLAB_TAG]},
            "outputs": [],
            "source": "# On Colab: install what it lacks (elsewhere this cell does nothing).\n"
            "import sys\n\n"
            'if "google.colab" in sys.modules:\n'
            f"    %pip install --quiet {install}",
        },
    ]
    if any(block.cuda for block in page.blocks):
        cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": _cell_id("setup", CUDA_SETUP),
                "metadata": {"tags": [CUDA_TAG]},
                "outputs": [],
                "source": CUDA_SETUP,
            }
        )
    prose: list[str] = []

    def flush() -> None:
        if any(line.strip() for line in prose):
            cells.append(_markdown(clean_markdown(_dedent(prose)), key=f"prose:{len(cells)}"))
        prose.clear()

    i = page.body_start
    while i < len(page.lines):
        addition = additions.get(i)
        if addition is not None:
            flush()
            cells += _addition_cells(addition, page, blocks, entries)
            i = addition.end
            continue
        fence = notebook_fences.get(i)
        if fence is not None:  # IPython's own lines: the notebook is where they run
            flush()
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": _cell_id("notebook-only", str(i), fence.code),
                    "metadata": {"tags": [NOTEBOOK_ONLY_TAG]},
                    "outputs": [],
                    "source": fence.code.rstrip("\n"),
                }
            )
            i = fence.end
            continue
        block = blocks.get(i)
        if block is not None:
            flush()
            if block.cuda:
                cells.append(_markdown(CUDA_NOTE, key=f"cuda:{block.key}"))
            entry = entries.get(block.key)
            if entry is not None and entry.verdict is not None:
                cells.append(_markdown(verdict_note(entry), key=f"verdict:{block.key}"))
            tags = [CUDA_TAG] if block.cuda else []
            if entry is not None and entry.verdict is not None:
                tags.append(MAY_RAISE_TAG)  # Jupyter's own: Run all goes on past it
            cells.append(_code(block, entry, tags))
            i = block.fence.end
            continue
        prose.append(page.lines[i])
        i += 1
    flush()
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "ptnotes": {"page": page.src_uri},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(notebook: dict[str, Any]) -> str:
    """A notebook as its file holds it (stable: sorted keys, one space indent)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_notebooks(project: Project) -> list[str]:
    """Write the notebook of every note page; return the paths written (under docs)."""
    written = []
    for src_uri in project.note_pages:
        try:
            page = project.page(src_uri)
        except PageError:
            continue  # a page that cannot be read keeps its notebook; the tests name it
        path = notebook_path(page.src_uri)
        target = project.docs_dir / path
        text = dumps(build_notebook(page, project))
        if not target.exists() or target.read_bytes() != text.encode("utf-8", "backslashreplace"):
            write_whole(target, text)  # whole or not at all; a lone surrogate escaped
            written.append(path)
    return written
