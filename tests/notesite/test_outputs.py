"""Recorded outputs: compared on every run, rewritten on demand, shown on the site."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import torch
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

from notesite import outputs, render
from notesite.markdown import pytest_parser, python_blocks
from notesite.testing import pytest_run_page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def md_pages() -> list[Path]:
    return [
        p for p in sorted(DOCS.rglob("*.md")) if python_blocks(p.read_text(encoding="utf-8"), p)
    ]


# --- the records in the repository ---


@pytest.mark.parametrize("page", md_pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_block_has_a_record_and_every_record_a_block(page: Path) -> None:
    codes = [code for _, code in python_blocks(page.read_text(encoding="utf-8"), page)]
    entries = outputs.load(outputs.record_path(page, DOCS, ROOT))
    assert [e.key for e in entries] == outputs.block_keys(codes), (
        "records out of date: run `pytest docs/ --update-outputs`"
    )
    for entry in entries:
        assert entry.verified.get("cpu") or entry.skipped.get("cpu"), entry


def test_the_notes_expected_output_comments_are_right() -> None:
    checked = 0
    for page in md_pages():
        for test in extract_fence_tests(
            pytest_parser(),
            page.read_text(encoding="utf-8"),
            0,
            page,
            fence_syntax=FenceSyntax.superfences,
        ):
            announced = outputs.see_comments(test.source)
            if not announced:
                continue
            shown = outputs.statement_outputs(test.source, str(page))
            for line, expected in announced:
                assert " ".join(shown[line].split()) == " ".join(expected.split()), (page, line)
                checked += 1
    assert checked == 2  # the two "# See" comments of the focal-loss note


def test_a_wrong_expected_output_comment_is_caught() -> None:
    page = DOCS / "notes" / "neural-network-model-components.md"
    text = page.read_text(encoding="utf-8").replace(
        "# tensor([[[[0.4502, 0.5498, 0.3775]]]])", "# tensor([[[[0.4502, 0.5498, 0.3776]]]])"
    )
    source = next(
        t.source
        for t in extract_fence_tests(
            pytest_parser(), text, 0, page, fence_syntax=FenceSyntax.superfences
        )
        if "# See" in t.source
    )
    shown = outputs.statement_outputs(source, str(page))
    wrong = [
        (line, expected)
        for line, expected in outputs.see_comments(source)
        if " ".join(shown[line].split()) != " ".join(expected.split())
    ]
    assert wrong == [(wrong[0][0], " tensor([[[[0.4502, 0.5498, 0.3776]]]])")]


# --- the record format ---

RECORD = """# Recorded outputs of docs/page.md. Regenerate: pytest docs/ --update-outputs
@@ block 1 · code 0123456789ab · line 3
verified cpu: torch 2.13.0 · 2026-11-26
verified cuda: NVIDIA H100 · torch 2.13.0 · 2026-11-26
stdout:
| tensor([1, 2])
|
|   indented
result:
| 3
@@ block 2 · code 0123456789ab#2 · line 9
skipped cpu: needs a CUDA GPU
"""


def test_the_record_format_round_trips() -> None:
    entries = outputs.parse(RECORD, "page.md.txt")
    assert entries[0].stdout == "tensor([1, 2])\n\n  indented\n"
    assert entries[0].result == "3"
    assert entries[0].verified["cuda"].startswith("NVIDIA H100")
    assert entries[1].skipped == {"cpu": "needs a CUDA GPU"}
    assert outputs.dump(entries, "docs/page.md") == RECORD


def test_a_hand_edited_record_names_the_file_line_and_block() -> None:
    broken = RECORD.replace("| tensor([1, 2])", "tensor([1, 2])")
    with pytest.raises(outputs.RecordError, match=r"page.md.txt:6 \(block 1\): expected 'verified"):
        outputs.parse(broken, "page.md.txt")


def test_a_record_without_an_entry_header_is_an_error() -> None:
    with pytest.raises(outputs.RecordError, match=r"page.md.txt:1: expected '@@ block N"):
        outputs.parse("stdout:\n| 1\n", "page.md.txt")


def test_a_duplicated_entry_is_an_error() -> None:
    twice = RECORD.replace("0123456789ab#2", "0123456789ab")
    with pytest.raises(outputs.RecordError, match="expected each block once"):
        outputs.parse(twice, "page.md.txt")


def test_machine_specific_text_is_normalised() -> None:
    text = f"<object at 0x7f3a2b1c4d50> in {ROOT}/docs"
    assert outputs.normalise(text) == "<object at 0x…> in <repo>/docs"


# --- rendering on the site ---

BLOCK = '<div class="language-python highlight"><pre><span></span><code>{}</code></pre></div>'


def test_outputs_and_badges_go_under_their_block() -> None:
    page = "<p>a</p>" + BLOCK.format("print(1)") + "<p>b</p>"
    entry = outputs.Entry(
        outputs.code_hash("print(1)"), 1, 1, "1\n", None, {"cpu": "torch 2.13.0 · 2026-11-26"}
    )
    html = render.render_page(page, [entry], "page.md")
    assert html.index("</code></pre></div>") < html.index("ptn-output") < html.index("<p>b</p>")
    assert "✓ CPU · torch 2.13" in html
    assert "CUDA: not yet verified" in html


def test_a_cuda_verification_shows_the_gpu() -> None:
    entry = outputs.Entry(
        "k",
        1,
        1,
        None,
        None,
        {"cuda": "NVIDIA H100 · torch 2.13.0 · 2026-11-26"},
        {"cpu": "needs a CUDA GPU"},
    )
    badges = render.badges(entry)
    assert "✓ CUDA (NVIDIA H100)" in badges
    assert "CPU: skipped (needs a CUDA GPU)" in badges
    assert "not yet verified" not in badges


def test_a_block_without_record_fails_the_build() -> None:
    with pytest.raises(
        render.RenderError, match=r"page.md: expected a recorded output for block\(s\) \[1\]"
    ):
        render.render_page(BLOCK.format("print(1)"), [], "page.md")


def test_a_record_for_a_block_that_no_longer_exists_fails_the_build() -> None:
    entry = outputs.Entry(outputs.code_hash("print(1)"), 1, 1, "1\n")
    gone = outputs.Entry(outputs.code_hash("print(2)"), 2, 5, "2\n")
    with pytest.raises(
        render.RenderError, match=r"block 2 \(code [0-9a-f]{12}\) that no longer exist"
    ):
        render.render_page(BLOCK.format("print(1)"), [entry, gone], "page.md")


# --- the whole cycle, in a scratch project ---


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return pytest_run_page("--outputs-root", str(project), str(project / "docs"), *args)


@pytest.mark.slow
def test_a_changed_output_fails_with_a_diff_until_updated(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_text("# Page\n\n```python\nprint(40 + 2)\n```\n")

    first = run(tmp_path)
    assert first.returncode == 1
    assert "expected a recorded output for block 1 of page.md" in first.stdout

    assert run(tmp_path, "--update-outputs").returncode == 0
    record = tmp_path / "outputs" / "page.md.txt"
    assert "| 42\n" in record.read_text()
    assert run(tmp_path).returncode == 0

    page.write_text(page.read_text().replace("40 + 2", "40 + 3"))
    changed = run(tmp_path)
    assert changed.returncode == 1
    assert "-42\n+43" in changed.stdout

    assert run(tmp_path, "--update-outputs").returncode == 0
    assert run(tmp_path).returncode == 0
    assert "| 43\n" in record.read_text()


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.is_available(), reason="shows the CPU-only behaviour")
def test_a_cpu_run_never_records_a_cuda_verification(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_text("# Page\n\n```python\nprint(1)\n```\n\n```python fixture:cuda\nprint(2)\n```\n")
    assert run(tmp_path, "--update-outputs").returncode == 0
    assert run(tmp_path, "--record-provenance").returncode == 0
    text = (tmp_path / "outputs" / "page.md.txt").read_text()
    assert "verified cpu: torch" in text
    assert "skipped cpu: needs a CUDA GPU" in text
    assert "cuda:" not in text.replace("skipped cpu: needs a CUDA GPU", "")


FAKE_CUDA = """
import pytest
import torch

from notesite import recording


@pytest.fixture
def cuda():
    return torch.device("cpu")


recording._where = lambda: ("cuda", "Fake GPU · torch 9.9.0 · 2026-01-01")
"""


@pytest.mark.slow
def test_a_cuda_only_block_gets_its_output_from_the_cuda_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text("# Page\n\n```python fixture:cuda\nprint('on the GPU')\n```\n")
    record = tmp_path / "outputs" / "page.md.txt"

    assert run(tmp_path, "--update-outputs").returncode == 0
    assert "skipped cpu: needs a CUDA GPU" in record.read_text()
    assert "on the GPU" not in record.read_text()

    (docs / "conftest.py").write_text(FAKE_CUDA)  # a run where the block can run
    cuda_run = run(tmp_path, "--record-provenance")
    assert cuda_run.returncode == 0, cuda_run.stdout
    (docs / "conftest.py").unlink()
    text = record.read_text()
    assert "verified cuda: Fake GPU · torch 9.9.0 · 2026-01-01" in text
    assert "| on the GPU" in text

    # Later CPU runs skip it, and even an update keeps the CUDA output and verification.
    assert run(tmp_path).returncode == 0
    assert run(tmp_path, "--update-outputs").returncode == 0
    entry = outputs.load(record)[0]
    assert entry.stdout == "on the GPU\n"
    assert entry.verified == {"cuda": "Fake GPU · torch 9.9.0 · 2026-01-01"}
    assert "✓ CUDA (Fake GPU)" in render.badges(entry)
