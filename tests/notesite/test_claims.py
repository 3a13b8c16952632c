"""Every claim of the notes has its check on the page, and the Verification page lists them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from bs4 import BeautifulSoup

from notesite.claims import (
    CHECKED_ON_CPU,
    CHECKED_ON_CUDA,
    ERRATUM,
    PRECISE_NOTE,
    Claim,
    NotePage,
    anchor_boxes,
    page_claims,
    page_title,
    verification_table,
)
from notesite.fidelity import note_pages, rebuild_page
from notesite.pages import PageError, page_errata
from notesite.parity import collected_blocks
from notesite.testing import copy_project, mkdocs_build, pytest_run_page
from verification_hooks import VERIFICATION_MARKER

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
NOTE_PAGES = note_pages(ROOT / "mkdocs.yml")
SUCCESS_BOX = re.compile(r'^ *\?\?\?\+? success "', re.M)
INFO_BOX = re.compile(r'^ *(?:!!!|\?\?\?\+?) info "', re.M)


def read(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def repo_pages() -> list[NotePage]:
    return [NotePage(page, page_title(read(page), page), read(page)) for page in NOTE_PAGES]


def box(title: str, body: str, kind: str = "success", marker: str = "???") -> str:
    indented = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
    return f'{marker} {kind} "{title}"\n{indented}'


CHECK_BODY = "Two and two make four:\n\n```python\nassert 2 + 2 == 4\n```\n"


def claims_of(markdown: str) -> list[Claim]:
    return page_claims(markdown, "page.md")


# --- the note pages ---


@pytest.mark.parametrize("page", NOTE_PAGES)
def test_the_parser_finds_every_check_and_note_of_a_page(page: str) -> None:
    text = read(page)
    claims = page_claims(text, page)
    assert sum(len(claim.checks) for claim in claims) == len(SUCCESS_BOX.findall(text)) > 0
    assert sum(len(claim.notes) for claim in claims) == len(INFO_BOX.findall(text))
    assert [c.erratum for c in claims if c.erratum is not None] == page_errata(text, page)


def test_every_check_is_a_python_fence_and_only_cuda_checks_need_cuda() -> None:
    for page in NOTE_PAGES:
        for claim in page_claims(read(page), page):
            for check in claim.checks:
                below = read(page).splitlines()[check.paragraph_end :]
                opening = next(line for line in below if line.strip().startswith("```"))
                options = opening.strip()[3:].split()
                assert options[0] == "python", (page, check.line)
                assert ("fixture:cuda" in options) == check.cuda, (page, check.line)
                assert "continuation" not in options, (page, check.line)


@pytest.mark.slow
def test_pytest_runs_every_check_of_the_notes() -> None:
    paths = [DOCS / page for page in NOTE_PAGES]
    collected = collected_blocks(paths, ROOT)
    for page, path in zip(NOTE_PAGES, paths, strict=True):
        codes = [block.code for block in collected[path.resolve()]]
        for claim in page_claims(read(page), page):
            for check in claim.checks:
                assert check.code.rstrip("\n") in codes, f"{page}:{check.line} is not collected"


def test_the_verification_table_lists_every_claim_and_every_check() -> None:
    pages = repo_pages()
    table = verification_table(pages)
    rows = [line for line in table.splitlines() if line.startswith("| [")]
    claims = [claim for page in pages for claim in page_claims(page.text, page.src_uri)]
    assert len(rows) == len(claims)
    checks = sum(len(SUCCESS_BOX.findall(page.text)) for page in pages)
    assert sum(row.count(CHECKED_ON_CPU) + row.count(CHECKED_ON_CUDA) for row in rows) == checks
    errata = sum(len(page_errata(page.text, page.src_uri)) for page in pages)
    assert sum(row.endswith(f"| {ERRATUM} |") for row in rows) == errata
    for page in pages:
        for claim in page_claims(page.text, page.src_uri):
            assert f"]({page.src_uri}#{claim.anchor})" in table
    assert table.startswith(f"{len(claims)} claims on {len(pages)} pages: ")


def test_the_verification_page_is_generated_and_linked() -> None:
    assert VERIFICATION_MARKER in read("verification.md")
    assert "](verification.md)" in read("index.md")
    assert "tools/verification_hooks.py" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_checks_do_not_touch_the_notes_words() -> None:
    for page in NOTE_PAGES:
        rebuilt = "\n".join(rebuild_page(read(page), page))
        assert "Checked" not in rebuilt
        assert "Precisely" not in rebuilt


# --- the conventions, on planted pages ---


def test_a_check_without_a_python_block_is_an_error() -> None:
    page = "# Page\n\nA claim.\n\n" + box("Checked: a claim", "Trust me.\n")
    with pytest.raises(PageError, match=r"page.md:5: expected the check to hold exactly one"):
        claims_of(page)


@pytest.mark.parametrize(
    ("title", "body", "error"),
    [
        pytest.param(
            "Checked: two blocks",
            CHECK_BODY + "\n```python\nassert True\n```\n",
            "exactly one ```python fence, got ['python', 'python']",
            id="two-blocks",
        ),
        pytest.param(
            "Checked: text",
            "Read this:\n\n```text\n4\n```\n",
            "exactly one ```python fence, got ['text']",
            id="not-python",
        ),
        pytest.param(
            "Checked: no sentence",
            "```python\nassert True\n```\n",
            "expected the check to open with a sentence",
            id="no-sentence",
        ),
        pytest.param(
            "Proven: a claim", CHECK_BODY, 'expected a check title "Checked: …"', id="title"
        ),
        pytest.param(
            "Checked on CUDA: a claim",
            CHECK_BODY,
            "expected ```python fixture:cuda under the title",
            id="cuda-title-cpu-block",
        ),
        pytest.param(
            "Checked: a claim",
            CHECK_BODY.replace("```python", "```python fixture:cuda"),
            "expected ```python without fixture:cuda",
            id="cpu-title-cuda-block",
        ),
        pytest.param(
            "Checked: a claim",
            CHECK_BODY.replace("```python", "```python continuation"),
            "expected the check to stand alone",
            id="continuation",
        ),
        pytest.param(
            "Checked: a claim",
            CHECK_BODY.replace("```python\n", "```python\nimport torch\n\n\n"),
            "expected no two blank lines in a row",
            id="two-blank-lines",
        ),
    ],
)
def test_a_check_that_breaks_the_conventions_is_an_error(title: str, body: str, error: str) -> None:
    with pytest.raises(PageError, match=re.escape(error)):
        claims_of("# Page\n\n" + box(title, body))


def test_a_precise_note_stands_right_after_a_check() -> None:
    note = box("Precisely: it is 4", "Exactly four.\n", kind="info", marker="!!!")
    assert len(claims_of(box("Checked: a claim", CHECK_BODY) + "\n" + note)[0].notes) == 1
    with pytest.raises(PageError, match=r"page.md:3: expected the precise note right after"):
        claims_of("# Page\n\n" + note)
    with pytest.raises(PageError, match="right after the check"):
        claims_of(box("Checked: a claim", CHECK_BODY) + "\nAuthor's text.\n\n" + note)
    with pytest.raises(PageError, match='expected a precise note titled "Precisely: …"'):
        claims_of(box("Checked: a claim", CHECK_BODY) + "\n" + note.replace("Precisely", "Note"))


def test_a_cpu_and_a_cuda_check_of_one_claim_make_one_row() -> None:
    cuda_body = CHECK_BODY.replace("```python", "```python fixture:cuda")
    page = box("Checked: a claim", CHECK_BODY) + "\n" + box("Checked on CUDA: a claim", cuda_body)
    (claim,) = page_claims(page, "page.md")
    assert claim.statuses == [CHECKED_ON_CPU, CHECKED_ON_CUDA]
    assert [check.slug for check in claim.checks] == ["check-a-claim", "check-cuda-a-claim"]
    note = box("Precisely: more", "Said precisely.\n", kind="info", marker="!!!")
    (claim,) = page_claims(page + "\n" + note, "page.md")
    assert claim.statuses == [CHECKED_ON_CPU, CHECKED_ON_CUDA, PRECISE_NOTE]


def test_two_checks_with_one_title_are_an_error() -> None:
    twice = box("Checked: a claim", CHECK_BODY) + "\n" + box("Checked: a claim", CHECK_BODY)
    with pytest.raises(PageError, match="got the anchor #check-a-claim of the box on line 1"):
        claims_of(twice)


def test_each_check_gets_its_anchor_on_its_opening_sentence() -> None:
    check = box("Checked: four", "Two and two\nmake four:\n\n```python\nassert 2 + 2 == 4\n```\n")
    page = "- A claim.\n\n" + "".join(f"    {line}\n" for line in check.splitlines())
    anchored = anchor_boxes(page, "page.md").splitlines()
    assert anchored[4:6] == ["        make four:", "        {: #check-four }"]
    assert anchored[:4] == page.splitlines()[:4]
    assert anchored[6:] == page.splitlines()[5:]


def test_long_titles_give_short_anchors() -> None:
    title = "Checked: " + " ".join(["word"] * 30)
    (claim,) = page_claims(box(title, CHECK_BODY), "page.md")
    assert claim.anchor.startswith("check-word-word")
    assert len(claim.anchor) <= 56


# --- a check runs, and a check of a false claim fails ---

PLANTED = (
    "# Planted\n\n- `torch.arange(0, 3)` stops before the end.\n\n"
    + "".join(
        f"    {line}\n" if line else "\n"
        for line in box(
            "Checked: `torch.arange(0, 3)` stops before the end",
            "It gives 0, 1 and 2:\n\n```python\nimport torch\n\n"
            "assert torch.arange(0, 3).tolist() == [0, 1, 2]\n```\n",
        ).splitlines()
    )
    + "\n- `torch.arange(0, 3)` includes the end.\n\n"
    + "".join(
        f"    {line}\n" if line else "\n"
        for line in box(
            "Checked: `torch.arange(0, 3)` includes the end",
            "It would give 0 to 3:\n\n```python\nimport torch\n\n"
            "assert torch.arange(0, 3).tolist() == [0, 1, 2, 3]\n```\n",
        ).splitlines()
    )
)


@pytest.mark.slow
def test_a_check_of_a_false_claim_fails_when_run(tmp_path: Path) -> None:
    page = tmp_path / "planted.md"
    page.write_text(PLANTED, encoding="utf-8")
    assert len(page_claims(PLANTED, "planted.md")) == 2
    done = pytest_run_page(str(page))
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 passed" in done.stdout
    assert f'File "{page}", line 22' in done.stdout
    assert "AssertionError" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.is_available(), reason="shows the CPU-only behaviour")
def test_a_cuda_check_skips_with_its_reason_on_cpu(tmp_path: Path) -> None:
    page = tmp_path / "cuda.md"
    body = "On a GPU:\n\n```python fixture:cuda\nimport torch\n\ntorch.ones(1).to('cuda')\n```\n"
    page.write_text("# CUDA\n\n" + box("Checked on CUDA: a claim", body), encoding="utf-8")
    done = pytest_run_page(str(page))
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
    assert "needs a CUDA GPU" in done.stdout


# --- the built site ---


@pytest.mark.slow
def test_the_built_verification_page_links_every_claim_to_its_box(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = mkdocs_build(ROOT, site)
    assert done.returncode == 0, done.stderr
    soup = BeautifulSoup((site / "verification" / "index.html").read_text("utf-8"), "html.parser")
    rows = soup.select("article table tbody tr")
    claims = [claim for page in repo_pages() for claim in page_claims(page.text, page.src_uri)]
    assert len(rows) == len(claims)
    pages: dict[str, BeautifulSoup] = {}
    for row, claim in zip(rows, claims, strict=True):
        href = row.find("a")["href"]
        path, anchor = href.split("#")
        if path not in pages:
            target = site / "verification" / path / "index.html"
            pages[path] = BeautifulSoup(target.read_text("utf-8"), "html.parser")
        element = pages[path].find(id=anchor)
        assert element is not None, href
        assert element.find_parent(["details", "div"], class_=["success", "erratum"]) is not None
        assert row.find_all("td")[2].get_text() == " · ".join(claim.statuses)


@pytest.mark.slow
def test_a_check_without_code_fails_the_build_naming_its_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    misc = project / "docs" / "notes" / "misc.md"
    text = misc.read_text(encoding="utf-8")
    misc.write_text(
        text.replace("# Misc\n", "# Misc\n\n" + box("Checked: nothing", "Trust me.\n"), 1)
    )
    done = mkdocs_build(project, project / "site")
    assert done.returncode == 1
    assert "notes/misc.md:12: expected the check to hold exactly one ```python" in done.stderr
