"""Recorded outputs: the record format, and the outputs that the notes announce."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notesite import outputs
from notesite.model import block_keys

ROOT = Path(__file__).resolve().parents[2]


def chained_source(page: object, number: int) -> str:
    """A block's code after the code of the blocks it continues from (as pytest runs it)."""
    blocks = page.blocks  # type: ignore[attr-defined]
    block = blocks[number - 1]
    return "\n".join(blocks[n - 1].code for n in (*block.continues, number))


# --- the records in the repository ---


def test_a_wrong_expected_output_comment_is_caught() -> None:
    from notesite.model import parse_page

    src_uri = "notes/page.md"
    text = (
        "# Page\n\n```python\nimport torch\n\nx = torch.tensor([1, 2])\n"
        "# See\n# tensor([2, 5])\nprint(x * 2)\n```\n"
    )
    page = parse_page(text, src_uri)
    source = next(chained_source(page, b.number) for b in page.blocks if "# See" in b.code)
    shown = outputs.statement_outputs(source, src_uri)
    wrong = [
        (line, expected)
        for line, expected in outputs.see_comments(source)
        if " ".join(shown[line].split()) != " ".join(expected.split())
    ]
    assert wrong == [(6, " tensor([2, 5])")]  # line 6 of the block shows tensor([2, 4])


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


@given(
    stdout=st.one_of(st.none(), st.text()),
    result=st.one_of(st.none(), st.text()),
)
def test_a_record_holds_exactly_what_was_printed(stdout: str | None, result: str | None) -> None:
    """Any output (trailing spaces, carriage returns, tabs, no final newline, any Unicode)."""
    entry = outputs.Entry("0123456789ab", 1, 3, stdout, result, {"cpu": "torch 9 · 2026-01-01"})
    (back,) = outputs.parse(outputs.dump([entry], "docs/page.md"), "page.md.txt")
    assert (back.stdout, back.result) == (stdout, result)
    assert back.shown() == entry.shown()


def test_an_output_that_a_text_file_would_change_is_written_as_json() -> None:
    entry = outputs.Entry("0123456789ab", 1, 3, "epoch 1 \nok\ntail\r", None)
    text = outputs.dump([entry], "docs/page.md")
    assert '|"epoch 1 "\n| ok\n|"tail\\r"\n\\ no newline at end\n' in text
    with pytest.raises(outputs.RecordError, match=r"page.md.txt:4 \(block 1\): expected a JSON"):
        outputs.parse(text.replace('|"epoch 1 "', '|"epoch 1 '), "page.md.txt")


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
    assert outputs.normalise(text, ROOT) == "<object at 0x…> in <repo>/docs"


def test_repeated_code_gets_numbered_keys() -> None:
    keys = block_keys(["print(1)", "print(2)", "print(1)\n"])
    assert keys[0] != keys[1]
    assert keys[2] == keys[0] + "#2"


@pytest.mark.parametrize("collecting", [True, False], ids=["collector-on", "collector-off"])
def test_import_torch_freezes_what_exists_and_leaves_the_collector_as_it_was(
    collecting: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        made = [[k] for k in range(100)]  # objects the collector tracks, made before the call
        frozen = gc.get_freeze_count()
        outputs.import_torch()
        assert gc.isenabled() is collecting
        assert gc.get_freeze_count() >= frozen + len(made)
        # A failed import still gives the collector back as it was.
        monkeypatch.setitem(sys.modules, "torch", None)
        with pytest.raises(ImportError):
            outputs.import_torch()
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
