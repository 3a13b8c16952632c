"""A series of posts on one site: posts known by their file names, pages known by their paths.

Each test copies the sync's fixture project (one post, ``basics.md``, split by sections) and
brings in small posts of the shapes a real series has: two posts of one title, two posts
ending in the same section, a post without a ``##`` section, a block that does not parse.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ORIGINAL, Fixture
from markdown.treeprocessors import Treeprocessor

from notesite.fidelity import post_pages
from notesite.model import parse_error, parse_page
from notesite.project import Project, markdown_settings, read_config
from notesite.sync import DOES_NOT_PARSE, Outcome, SyncError
from notesite.sync.identity import original_of


def write_post(fixture: Fixture, name: str, text: str) -> Path:
    post = fixture.scratch / name
    post.write_text(text, encoding="utf-8")
    return post


def add(fixture: Fixture, name: str, text: str, **options: Any) -> Outcome:
    """Bring a post in with ``sync --new`` (its blocks not run unless asked)."""
    return fixture.sync(write_post(fixture, name, text), new_post=True, **options)


def nav_notes(fixture: Fixture) -> list[Any]:
    config = yaml.safe_load((fixture.root / "mkdocs.yml").read_text(encoding="utf-8"))
    notes: list[Any] = config["nav"][0]["Notes"]
    return notes


ROOT = Path(__file__).resolve().parents[3]
NMT = "---\ntitle: Deep Learning - Neural Machine Translation\ndate: {date}\n---\n\n{body}"


# --- 2. a post is known by its original's file name ----------------------------------------


def test_two_posts_of_one_title_come_in_and_sync_each_on_its_own(fixture: Fixture) -> None:
    """As the blog has them: one title, file names that differ by their date only."""
    first = add(fixture, "2022-04-04-nmt.markdown", NMT.format(date="2022-04-04", body="One.\n"))
    second = add(fixture, "2022-04-07-nmt.markdown", NMT.format(date="2022-04-07", body="Two.\n"))
    assert first.written
    assert second.written
    fixture.gate()
    notes = nav_notes(fixture)
    assert {"Deep Learning - Neural Machine Translation (2022-04-04)": "notes/nmt.md"} in notes
    assert {
        "Deep Learning - Neural Machine Translation (2022-04-07)": "notes/nmt-2022-04-07.md"
    } in notes
    originals = sorted(p.name for p in (fixture.root / "notes-original").iterdir())
    assert originals == ["2022-04-04-nmt.markdown", "2022-04-07-nmt.markdown", ORIGINAL]
    # Each is its own post: a re-sync changes nothing; an edit lands on its own page only.
    edited = write_post(
        fixture, "2022-04-07-nmt.markdown", NMT.format(date="2022-04-07", body="Two, edited.\n")
    )
    before = fixture.page("nmt.md")
    assert fixture.sync(fixture.scratch / "2022-04-04-nmt.markdown").written == []
    assert "notes/nmt-2022-04-07.md" in " ".join(fixture.sync(edited).written)
    assert "Two, edited." in fixture.page("nmt-2022-04-07.md")
    assert fixture.page("nmt.md") == before
    fixture.gate()
    assert [p.src_uri for p in post_pages(fixture.project, "2022-04-07-nmt.markdown")] == [
        "notes/nmt-2022-04-07.md"
    ]


def test_a_version_under_the_blog_s_file_name_finds_its_original_by_title_and_date(
    fixture: Fixture,
) -> None:
    """The seed's case: the original is ``basics.md``, the blog's file another name."""
    blog = fixture.version(lambda text: text, "2023-05-01-tensor-basics.markdown")
    before = fixture.tree()
    assert fixture.sync(blog).written == []
    assert fixture.tree() == before
    changed = fixture.version(
        lambda text: text.replace("- A module made of layers", "- A module made of many layers"),
        "2023-05-01-tensor-basics.markdown",
    )
    outcome = fixture.sync(changed)
    assert "notes-original/basics.md" in outcome.written  # the original keeps its name
    assert not (fixture.root / "notes-original" / changed.name).exists()
    assert "many layers" in fixture.page("modules.md")
    fixture.gate()


def test_a_version_that_two_originals_match_by_title_and_date_is_refused(
    fixture: Fixture,
) -> None:
    text = NMT.format(date="2022-04-04", body="One.\n")
    add(fixture, "a.md", text)
    add(fixture, "b.md", text)
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        fixture.sync(write_post(fixture, "2022-04-04-nmt.markdown", text))
    message = str(caught.value)
    assert message.startswith("2022-04-04-nmt.markdown: expected one post of the site with its")
    assert "notes-original/a.md, notes-original/b.md" in message
    assert fixture.tree() == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "misc.md",
            "misc.md: expected pages of their own, got docs/notes/misc of an existing page: "
            "docs/notes/misc.md (the page 'Misc')",
            id="a-post-named-like-a-page",
        ),
        pytest.param(
            "2020-02-02-misc.markdown",
            "2020-02-02-misc.markdown: expected pages of their own, got docs/notes/misc of an "
            "existing page: docs/notes/misc.md (the page 'Misc')",
            id="a-blog-file-whose-slug-is-a-page",
        ),
        pytest.param(
            "modules.md",
            "modules.md: expected pages of their own, got docs/notes/modules of an existing "
            "page: docs/notes/modules.md (the page 'Modules')",
            id="an-undated-file-whose-slug-is-a-post-s-page",
        ),
    ],
)
def test_a_new_post_never_takes_a_page_s_place(fixture: Fixture, name: str, expected: str) -> None:
    misc = fixture.root / "docs" / "notes" / "misc.md"
    misc.write_text("# Misc\n\nThe site's own page.\n", encoding="utf-8")
    config = fixture.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      - notes/modules.md\n", "      - notes/modules.md\n      - notes/misc.md\n"
        ),
        encoding="utf-8",
    )
    before = fixture.tree()
    with pytest.raises(SyncError) as caught:
        add(fixture, name, "---\ntitle: Misc\n---\n\n## Misc\n\nWords.\n")
    assert str(caught.value).startswith(expected)
    assert fixture.tree() == before


# --- 4. a post is one page by default; a setting splits it ---------------------------------


def test_a_post_is_one_page_with_its_sections_as_headings(fixture: Fixture) -> None:
    text = (
        "---\ntitle: Kettles\nsubtitle: Small things\ndate: 2021-03-04\n---\n\n"
        "About kettles.\n\n## Water\n\nIt boils.\n\n### Hot\n\nVery.\n\n## Lids\n\nA lid.\n"
    )
    add(fixture, "2021-03-04-kettles.markdown", text)
    fixture.gate()
    page = fixture.project.page("notes/kettles.md")
    assert page.whole_post
    assert page.title == "Kettles"
    assert page.meta["post"]["source"] == "2021-03-04-kettles.markdown"
    assert page.text.endswith(
        "---\n\n# Kettles\n\n<!-- ptnotes:post -->\n\nAbout kettles.\n\n## Water\n\nIt boils."
        "\n\n### Hot\n\nVery.\n\n## Lids\n\nA lid.\n"
    )
    assert {"Kettles (2021-03-04)": "notes/kettles.md"} in nav_notes(fixture)
    assert (fixture.root / "docs" / "notebooks" / "kettles.ipynb").is_file()
    # An edit lands on the page, and the same version again changes nothing.
    edited = write_post(
        fixture, "2021-03-04-kettles.markdown", text.replace("A lid.", "A lid.\n\nA spout.")
    )
    assert fixture.sync(edited).written
    assert "A lid.\n\nA spout.\n" in fixture.page("kettles.md")
    fixture.gate()
    assert fixture.sync(edited).written == []


def test_a_post_without_a_section_is_one_page_whatever_its_setting(fixture: Fixture) -> None:
    add(fixture, "short.md", "---\ntitle: Short\npages: sections\n---\n\nOnly a paragraph.\n")
    fixture.gate()
    assert fixture.project.note_pages[-1] == "notes/short.md"
    assert fixture.page("short.md").endswith("<!-- ptnotes:post -->\n\nOnly a paragraph.\n")


@pytest.mark.parametrize("where", ["front-matter", "project"])
def test_a_setting_splits_a_post_into_a_page_per_section(fixture: Fixture, where: str) -> None:
    front = "pages: sections\n" if where == "front-matter" else ""
    if where == "project":
        fixture.split("kettles.md")
    add(fixture, "kettles.md", f"---\ntitle: K\n{front}---\n\nIntro.\n\n## A\n\na\n\n## B\n\nb\n")
    fixture.gate()
    assert fixture.project.note_pages[-2:] == ["notes/kettles/a.md", "notes/kettles/b.md"]
    assert "notes/kettles/index.md" in fixture.project.nav
    assert fixture.page("kettles/a.md").endswith("\n# A\n\na\n")


def test_a_version_that_changes_the_post_s_paging_is_refused(fixture: Fixture) -> None:
    add(fixture, "kettles.md", "---\ntitle: K\n---\n\n## A\n\na\n")
    before = fixture.tree()
    post = write_post(fixture, "kettles.md", "---\ntitle: K\npages: sections\n---\n\n## A\n\na\n")
    with pytest.raises(SyncError, match=r"^kettles.md: expected the paging of its pages \(pages: "):
        fixture.sync(post)
    assert fixture.tree() == before


# --- 3. a block that does not parse is a verdict ------------------------------------------

#: The shapes of real posts' blocks: a line indented by a tab among lines indented by spaces,
#: and pseudo-code with ``...``.
UNPARSED = (
    "---\ntitle: Inference\n---\n\nA model at inference:\n\n"
    "```python\nmodel.eval()\nwith torch.no_grad():\n\tout = model(x)\n        print(out)\n```\n\n"
    "The loop, roughly:\n\n```python\nfor batch in loader:\n    ...\n  predict(batch)\n```\n"
)


def test_a_block_that_does_not_parse_comes_in_with_its_verdict(fixture: Fixture) -> None:
    outcome = add(fixture, "inference.md", UNPARSED, run_blocks=True, timeout=10)
    fixture.gate()
    assert [(run.result, run.detail) for run in outcome.runs] == [
        (DOES_NOT_PARSE, "TabError at line 4; pytest skips it"),
        (DOES_NOT_PARSE, "IndentationError at line 3; pytest skips it"),
    ]
    page = fixture.project.page("notes/inference.md")
    assert [block.parse_error for block in page.blocks] == [
        "does not parse: TabError at line 4",
        "does not parse: IndentationError at line 3",
    ]
    assert (fixture.root / "docs" / "notebooks" / "inference.ipynb").is_file()
    assert fixture.sync(fixture.scratch / "inference.md").written == []


@pytest.mark.slow
def test_pytest_docs_skips_a_block_that_does_not_parse_and_records_why(fixture: Fixture) -> None:
    add(fixture, "inference.md", UNPARSED)
    shutil.copy(ROOT / "pyproject.toml", fixture.root / "pyproject.toml")  # the plugin's settings
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "docs/notes/inference.md", "--update-outputs"),
            *("-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-n", "0", "-rs"),
        ],
        cwd=fixture.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert "2 skipped" in done.stdout, done.stdout
    assert "does not parse: TabError at line 4" in done.stdout
    record = (fixture.root / "outputs" / "notes" / "inference.md.txt").read_text(encoding="utf-8")
    assert "verdict: does not parse: TabError at line 4\n" in record
    assert "verdict: does not parse: IndentationError at line 3\n" in record


def test_the_model_says_why_a_block_does_not_parse() -> None:
    assert parse_error("x = 1\n") is None
    assert parse_error("%matplotlib inline\nimport math\n") is None  # IPython's
    assert parse_error("if x:\n\ty = 1\n        z = 2\n") == "does not parse: TabError at line 3"
    page = parse_page("```python\nif x:\n\ty = 1\n        z = 2\n```\n", "notes/x.md")
    assert page.blocks[0].parse_error == "does not parse: TabError at line 3"


# --- 1. the extension knows its page by its path ------------------------------------------

REFERENCES = (
    "---\ntitle: Post {n}\ndate: 2022-01-0{n}\npages: sections\n---\n\n## Words\n\nText {n}.\n\n"
    "## References\n\n- [The book](https://example.org/book)\n"
)


class _PageFile(Treeprocessor):
    """Stands for MkDocs' ``relpath`` tree processor, which holds the page's file."""

    def __init__(self, md: markdown.Markdown, src_uri: str) -> None:
        super().__init__(md)
        self.file = type("File", (), {"src_uri": src_uri})()

    def run(self, root: Any) -> None:
        return None


def two_references(fixture: Fixture) -> None:
    for n in (1, 2):
        add(fixture, f"post-{n}.md", REFERENCES.format(n=n))


def converter(
    root: Path, register: Callable[[markdown.Markdown], None] | None = None
) -> markdown.Markdown:
    names, configs = markdown_settings(read_config(root))
    configs.setdefault("notesite", {})["root"] = str(root)
    md = markdown.Markdown(extensions=names, extension_configs=configs)
    if register is not None:
        register(md)
    return md


def body_of(root: Path, src_uri: str) -> str:
    text = (root / "docs" / src_uri).read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1].lstrip("\n")  # as MkDocs hands it over


def byline(html: str) -> str:
    found = BeautifulSoup(html, "html.parser").select_one("p.post-byline")
    return found.get_text() if found is not None else ""


def test_two_pages_of_the_same_text_each_get_their_own_byline(fixture: Fixture) -> None:
    two_references(fixture)
    pages = ["notes/post-1/references.md", "notes/post-2/references.md"]
    assert body_of(fixture.root, pages[0]) == body_of(fixture.root, pages[1])
    for n, src in enumerate(pages, 1):
        md = converter(
            fixture.root,
            lambda md, src=src: md.treeprocessors.register(_PageFile(md, src), "relpath", 0),
        )
        assert f"From the post Post {n}" in byline(md.convert(body_of(fixture.root, src)))


def test_under_zensical_the_page_is_known_by_its_rendering_context(fixture: Fixture) -> None:
    context = pytest.importorskip(
        "zensical.extensions.context", reason="Zensical is an optional builder"
    )
    two_references(fixture)
    src = "notes/post-2/references.md"
    page = context.Page(url="notes/post-2/references/", path=src)

    def register(md: markdown.Markdown) -> None:
        context.ContextExtension(page=page, config={}).extendMarkdown(md)

    html = converter(fixture.root, register).convert(body_of(fixture.root, src))
    assert "From the post Post 2" in byline(html)


def test_without_a_path_a_text_of_two_pages_is_left_alone(fixture: Fixture) -> None:
    two_references(fixture)
    src = "notes/post-1/references.md"
    html = converter(fixture.root).convert(body_of(fixture.root, src))
    assert byline(html) == ""
    assert "The book" in html  # rendered, as plain Markdown
    # A page's text that is its own is still found without a path.
    own = converter(fixture.root).convert(body_of(fixture.root, "notes/post-1/words.md"))
    assert "From the post Post 1" in byline(own)


def test_other_markdown_of_a_page_is_not_taken_for_the_page(fixture: Fixture) -> None:
    """A builder may convert other Markdown (a docstring) with the page's path set."""
    two_references(fixture)
    src = "notes/post-1/references.md"
    md = converter(
        fixture.root, lambda md: md.treeprocessors.register(_PageFile(md, src), "relpath", 0)
    )
    assert byline(md.convert("Some other text.\n")) == ""


@pytest.mark.slow
def test_two_posts_ending_in_the_same_section_build_strictly(
    fixture: Fixture, mkdocs_build: Callable[[Path, Path], Any]
) -> None:
    two_references(fixture)
    done = mkdocs_build(fixture.root, fixture.root / "site")
    assert done.returncode == 0, done.stderr
    for n in (1, 2):
        html = (fixture.root / "site" / f"notes/post-{n}/references/index.html").read_text()
        assert f"From the post <em>Post {n}</em>" in html


def test_the_seed_s_post_synced_under_its_blog_file_name_changes_nothing(
    project_copy: Path,
) -> None:
    """The seed's original is ``pytorch-basics.md``; the blog's file has another name."""
    from notesite.project import Project
    from notesite.sync import sync

    blog = project_copy / "2022-01-28-deep-learning-pytorch-basics.markdown"
    shutil.copy(project_copy / "notes-original" / "pytorch-basics.md", blog)
    project = Project.at(project_copy)
    assert project.paging("pytorch-basics.md") == "sections"
    assert len(post_pages(project, "pytorch-basics.md")) == 5
    outcome = sync(project, blog, run_blocks=False)
    assert outcome.written == []
    assert outcome.removed == []


def test_a_paging_the_site_does_not_know_is_refused_naming_it(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    from notesite.__main__ import main

    post = write_post(fixture, "k.md", "---\ntitle: K\npages: chapters\n---\n\nText.\n\n## A\n")
    before = fixture.tree()
    with pytest.raises(SyncError, match=r"^k.md: expected front matter pages: one or sections, "):
        fixture.sync(post, new_post=True)
    config = fixture.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("{pages: sections,", "{pages: 3,"), "utf-8"
    )
    assert main(["sync", str(post), "--new", "--root", str(fixture.root)]) == 2
    err = capsys.readouterr().err
    assert "mkdocs.yml: expected posts: basics.md: pages: one or sections, got {'pages': 3," in err
    config.write_text(config.read_text(encoding="utf-8").replace("{pages: 3,", "{pages: sections,"))
    assert fixture.tree() == before


# --- the one rule that finds a post's original (notesite.sync.identity) --------------------

BASICS = "---\ntitle: Tensor Basics\ndate: '2023-05-01 10:00'\n---\n\n## A\n\nWords.\n"


def originals(tmp_path: Path, posts: dict[str, str]) -> Project:
    """A project whose originals folder holds ``posts`` (file name -> text)."""
    (tmp_path / "mkdocs.yml").write_text("site_name: s\n", encoding="utf-8")
    (tmp_path / "notes-original").mkdir()
    for name, text in posts.items():
        (tmp_path / "notes-original" / name).write_text(text, encoding="utf-8")
    return Project.at(tmp_path)


@pytest.mark.parametrize("new", [False, True])
def test_a_post_is_its_original_by_name_then_by_text_then_by_title_and_day(
    tmp_path: Path, new: bool
) -> None:
    project = originals(tmp_path, {"basics.md": BASICS, "other.md": "# Other\n\nText.\n"})
    edited = BASICS.replace("Words.", "Other words.")
    assert original_of(project, "basics.md", edited, new=new) == "basics.md"
    assert original_of(project, "copy.md", "# Other\n\nText.\n", new=new) == "other.md"
    blog = "2023-05-01-tensor-basics.markdown"  # the blog's name: its date is the post's
    assert original_of(project, blog, edited.replace("10:00", "11:30"), new=new) == "basics.md"


def test_an_update_that_matches_no_original_or_two_is_refused_naming_them(
    tmp_path: Path,
) -> None:
    project = originals(tmp_path, {"a.md": BASICS, "b.md": BASICS + "\nMore.\n"})
    with pytest.raises(SyncError, match=r"^post\.md: expected one post of the site with its "):
        original_of(project, "post.md", BASICS.replace("Words.", "New."))
    with pytest.raises(SyncError) as caught:
        original_of(project, "post.md", "---\ntitle: Another\n---\n\nText.\n")
    assert str(caught.value).startswith(
        "post.md: expected the file name of a post on the site, or the title and date of one "
        "('Tensor Basics' (a.md), 'Tensor Basics' (b.md)), got 'post.md' ('Another', no date)"
    )


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("2023-05-09-copied.markdown", id="another-date-in-its-name"),
        pytest.param("copied.md", id="not-a-blog-file-name"),
    ],
)
def test_a_new_post_that_only_copies_another_s_front_matter_is_its_own(
    tmp_path: Path, name: str
) -> None:
    project = originals(tmp_path, {"basics.md": BASICS})
    copied = BASICS.replace("Words.", "Other words.")
    assert original_of(project, name, copied, new=True) is None
    assert original_of(project, name, copied) == "basics.md"  # as an update: by title and day


def test_a_blog_s_own_file_is_known_by_its_name_only_for_a_new_post(tmp_path: Path) -> None:
    project = originals(tmp_path, {"2023-05-01-basics.markdown": BASICS})
    blog = "2023-05-01-tensor-basics.markdown"
    assert original_of(project, blog, BASICS.replace("Words.", "New."), new=True) is None
    assert original_of(project, blog, BASICS, new=True) == "2023-05-01-basics.markdown"
