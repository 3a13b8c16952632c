"""The Markdown extension: what MkDocs and Zensical both show, from the model and records."""

from __future__ import annotations

import logging
import posixpath
import shutil
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

from notesite import outputs
from notesite.notebook import notebook_path
from notesite.project import Project, markdown_settings, read_config

ROOT = Path(__file__).resolve().parents[2]


def converter(root: Path = ROOT) -> markdown.Markdown:
    """A Markdown converter with the project's extensions, as a builder sets it up."""
    names, configs = markdown_settings(read_config(root))
    configs.setdefault("notesite", {})["root"] = str(root)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def render(src_uri: str, root: Path = ROOT) -> BeautifulSoup:
    text = (root / "docs" / src_uri).read_text(encoding="utf-8")
    body, _ = get_data(text)  # as MkDocs hands it over: front matter stripped
    return BeautifulSoup(converter(root).convert(body), "html.parser")


def test_the_project_lists_the_extension_and_no_hooks() -> None:
    config = read_config(ROOT)
    assert "hooks" not in config
    assert any(isinstance(e, dict) and "notesite" in e for e in config["markdown_extensions"])


def test_a_note_page_gets_its_byline_anchors_outputs_and_badges(
    project: Project, note_page: str
) -> None:
    src_uri = note_page
    page = project.page(src_uri)
    soup = render(src_uri)
    assert soup.select_one("h1 + p.post-byline") is not None
    codes = soup.select("div.language-python:not(.ptn-as-written *)")
    badges = soup.select(".ptn-badges")
    assert len(codes) == len(badges) == len(page.blocks)
    for code, badge in zip(codes, badges, strict=True):
        following = code.find_next(class_="ptn-badges")
        assert following is badge, "each block's badges come right after it"
    for claim in page.claims:
        for slug in [c.slug for c in claim.checks] + [n.slug for n in claim.notes]:
            anchored = soup.find(id=slug)
            assert anchored is not None, slug
            assert anchored.find_parent(
                ["details", "div"], class_=["success", "info", "cuda-pending"]
            )
        if claim.erratum is not None:
            assert soup.find(id=claim.erratum.slug) is not None


def test_the_markers_become_the_lists_and_the_totals(project: Project) -> None:
    errata = render("errata.md")
    assert len(errata.select("table tbody tr")) == sum(len(p.errata) for p in project.notes())
    verification = render("verification.md")
    rows = verification.select("h3.ptn-claims-page + ul > li")
    assert len(rows) == sum(len(p.claims) for p in project.notes())
    home = render("index.md")
    cells = {
        row.find_all("td")[0].get_text(): row.find_all("td")[1].get_text()
        for row in home.select("table tbody tr")
    }
    assert cells["Python blocks on the site"] == str(sum(len(p.blocks) for p in project.pages()))
    assert "<!-- ptnotes" not in str(home) + str(errata) + str(verification)


def test_text_that_is_no_page_is_left_alone() -> None:
    html = converter().convert("An example:\n\n```python\nx = 1\n```\n")
    assert "ptn-badges" not in html
    assert "language-python" in html


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    for name in ["docs", "outputs"]:
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def test_a_hand_edited_record_stops_the_build_naming_file_line_and_block(scratch: Path) -> None:
    record = scratch / "outputs" / "notes" / "misc.md.txt"
    record.write_text(record.read_text().replace("stdout:", "stdout?", 1), encoding="utf-8")
    with pytest.raises(PluginError, match=r"outputs/notes/misc.md.txt:\d+ \(block 2\): expected"):
        render("notes/misc.md", scratch)


def test_a_block_not_yet_recorded_previews_with_a_warning(
    scratch: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = scratch / "docs" / "notes" / "misc.md"
    page.write_text(
        page.read_text().replace("print(predicted_test)", "print(predicted_test.sum())"),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.notesite"):
        soup = render("notes/misc.md", scratch)
    assert "notes/misc.md: expected a recorded output for block" in caplog.text
    assert "Not yet run" in soup.get_text()


def test_the_root_is_found_from_the_working_folder(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notesite.extension import NotesiteExtension

    monkeypatch.chdir(scratch / "docs" / "notes")
    project = NotesiteExtension().project()
    assert project is not None
    assert project.root == scratch.resolve()


# --- a CUDA check shows whether a CUDA run verified it ---

CONVERSIONS = "notes/data-type-conversions.md"


def cuda_boxes(soup: BeautifulSoup) -> tuple[list[str], list[str]]:
    """The titles of the pending CUDA checks, and of the verified ones."""
    pending = [d.summary.get_text() for d in soup.select("details.cuda-pending")]
    verified = [
        d.summary.get_text()
        for d in soup.select("details.success")
        if d.summary.get_text().startswith("Checked on CUDA (")
    ]
    return pending, verified


def test_a_cuda_check_no_cuda_run_verified_looks_pending(project: Project, scratch: Path) -> None:
    pending, verified = cuda_boxes(render(CONVERSIONS, scratch))
    cuda_checks = [c for claim in project.page(CONVERSIONS).claims for c in claim.checks if c.cuda]
    assert len(pending) == len(cuda_checks) > 0
    assert verified == []
    assert all(title.startswith("CUDA not yet run: ") for title in pending)
    table = render("verification.md", scratch).get_text()
    assert "CUDA not yet run" in table


def test_a_cuda_check_a_cuda_run_verified_shows_the_gpu(project: Project, scratch: Path) -> None:
    """A faked CUDA record in a scratch copy: the check shows as checked, with the GPU."""
    page = project.page(CONVERSIONS)
    check = next(c for claim in page.claims for c in claim.checks if c.cuda)
    block = next(b for b in page.blocks if b.line == check.block_line)
    record = scratch / "outputs" / f"{CONVERSIONS}.txt"
    entries = outputs.load(record)
    for entry in entries:
        if entry.key == block.key:
            entry.verified["cuda"] = "Fake GPU · torch 9.9.0 · 2026-01-01"
    record.write_text(outputs.dump(entries, f"docs/{CONVERSIONS}"), encoding="utf-8")
    pending, verified = cuda_boxes(render(CONVERSIONS, scratch))
    shown_claim = check.claim.replace("`", "")  # the title's code spans, as text
    assert verified == [f"Checked on CUDA (Fake GPU · torch 9.9.0 · 2026-01-01): {shown_claim}"]
    assert len(pending) == len([c for cl in page.claims for c in cl.checks if c.cuda]) - 1
    table = render("verification.md", scratch).get_text()
    assert "checked on CUDA (Fake GPU · torch 9.9.0 · 2026-01-01)" in table


def test_a_note_page_offers_its_notebook_colab_source_and_the_author_s_section(
    project: Project,
    note_page: str,
) -> None:
    src_uri = note_page
    from notesite.fidelity import rebuild_page

    soup = render(src_uri)
    actions = soup.select_one("h1 + p.post-byline + p.ptn-actions")
    assert actions is not None
    links = {a.get_text(): a["href"] for a in actions.find_all("a")}
    notebook = notebook_path(src_uri)
    assert links["Download notebook"] == posixpath.relpath(notebook, posixpath.dirname(src_uri))
    assert (project.docs_dir / notebook).is_file()
    assert links["Open in Colab"] == (
        f"https://colab.research.google.com/github/ptnotes/ptnotes/blob/main/docs/{notebook}"
    )
    assert links["View source"].endswith(f"/blob/main/docs/{src_uri}")
    assert actions.select_one("button.ptn-as-written-switch[aria-pressed=false]") is not None
    author = soup.select_one("section.ptn-as-written[hidden]")
    assert author is not None
    assert not author.find(id=True), "the author's section adds no anchors"
    words = " ".join(" ".join(rebuild_page(project.page(src_uri))).split())
    shown = " ".join(author.get_text(" ").split())
    for word in ["Checked", "Setup for the next snippet", "Precisely"]:
        assert word not in shown
    assert project.page(src_uri).title in shown
    assert len(shown) > len(words) / 3


def add_post(root: Path, text: str) -> None:
    """Add a post to a copy of the project with ``sync --new`` (its blocks not run)."""
    from notesite.sync import sync

    post = root / "post.md"
    post.write_text(text, encoding="utf-8")
    (root / "notes-original").mkdir(exist_ok=True)
    sync(Project.at(root), post, new_post=True, run_blocks=False)


def test_a_post_s_index_and_links_as_its_author_wrote_them(scratch: Path) -> None:
    """A post without subtitle or date, whose contents link to a section named in Chinese."""
    add_post(
        scratch,
        "---\ntitle: Tensor notes\npages: sections\n---\n\n"
        "Contents: [张量](#张量), [Shapes](#shapes), "
        "[gone](#nowhere).\n\n## 张量\n\nA tensor.\n\n## Shapes\n\nA shape.\n",
    )
    soup = render("notes/post/index.md", scratch)
    assert "written" not in soup.get_text()  # nor "**", nor a subtitle it does not have
    assert "**" not in soup.get_text()
    links = {a.get_text(): a["href"] for a in soup.select("p a")}
    assert links["张量"] == "section.md"  # its page, whose heading has no ASCII anchor
    assert links["Shapes"] == "shapes.md#shapes"
    dead = soup.select_one(".ptn-dead-link")
    assert dead is not None
    assert dead.get_text() == "gone"


def test_two_pages_of_the_same_text_are_left_alone_without_their_path(scratch: Path) -> None:
    """Plain Markdown (no builder names the page) cannot tell two pages of one text apart."""
    notes = scratch / "docs" / "notes"
    shutil.copy(notes / "misc.md", notes / "misc-copy.md")
    config = scratch / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      - notes/misc.md\n", "      - notes/misc.md\n      - notes/misc-copy.md\n"
        ),
        encoding="utf-8",
    )
    assert render("notes/misc.md", scratch).select_one("p.post-byline") is None
    (notes / "misc-copy.md").write_text("# Another page\n\nIts own text.\n", encoding="utf-8")
    assert render("notes/misc.md", scratch).select_one("p.post-byline") is not None


def test_as_written_shows_a_highlight_tag_as_its_author_wrote_it(scratch: Path) -> None:
    """The page writes a Liquid highlight block as a fence; As written names the author's tag."""
    add_post(
        scratch,
        "---\ntitle: Box notes\n---\n\n## Boxes\n\nA small class:\n\n"
        "{% highlight python linenos %}\nclass Box:\n    size = 2\n{% endhighlight %}\n",
    )
    page = (scratch / "docs" / "notes" / "post.md").read_text(encoding="utf-8")
    assert "```python\nclass Box:\n    size = 2\n```" in page  # the page: a fence, run
    written = render("notes/post.md", scratch).select_one("section.ptn-as-written")
    assert written is not None
    assert "{% highlight python linenos %}" in written.get_text()
    assert "class Box:" in written.get_text()


def test_each_section_has_one_in_ptnotes_chip_at_its_end(project: Project, note_page: str) -> None:
    src_uri = note_page
    soup = render(src_uri)
    pointers = sum(1 for a in project.page(src_uri).additions if a.kind == "helper pointer")
    sections: list[list[object]] = [[]]
    for element in soup.find_all(recursive=False):
        if element.name in ("h1", "h2"):
            sections.append([])
        sections[-1].append(element)
    chips = 0
    for section in sections:
        tips = [
            tip
            for element in section
            for tip in ([element] if element.name == "details" else element.find_all("details"))
            if "tip" in (tip.get("class") or [])
        ]
        assert len(tips) <= 1, src_uri
        if tips:
            assert tips[0].parent is soup
            assert [e for e in section if e.name != "section"][-1] is tips[0]
            chips += 1
    assert (chips > 0) == (pointers > 0)
    # Every pointer's paragraphs are in the section's chip.
    paragraphs = sum(
        len(a.paragraphs) for a in project.page(src_uri).additions if a.kind == "helper pointer"
    )
    in_chips = sum(
        len(tip.find_all("p", recursive=False))
        for tip in soup.find_all("details", recursive=False)
        if "tip" in (tip.get("class") or [])
    )
    assert in_chips == paragraphs
