"""Zensical, Material for MkDocs' successor, builds this site from the same mkdocs.yml.

Zensical ignores what it does not support without a word, so only a comparison proves parity.
The test builds the site with ``zensical build --strict`` and compares it, page by page, with
the session's ``mkdocs build --strict``: the headings (h1-h3), the code blocks, the API entries
(mkdocstrings' ``doc-heading`` objects), the anchors, permalinks, tags, links (autorefs'
cross-references included) and text of each page's article. The site's verification (outputs,
badges, bylines, box anchors, the Errata and Verification lists, the totals) is a Markdown
extension that both builders run, so it must be there in both, exactly alike.

The only differences allowed are where theme and layout differ, as docs/zensical.md documents,
and each of them must still occur. Any other difference fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "zensical.md"
pytestmark = pytest.mark.slow

#: Zensical puts the skip link's target, ``<a id="__skip">``, inside each page's article.
ZENSICAL_ONLY_ANCHORS = {"__skip"}
#: On the tags index, the heading of each tag has no permalink (the ``¶`` link) in Zensical.
TAG_PERMALINK = re.compile(r"^#tag:")
#: Files (outside the theme's own assets) that only one of the builds writes.
ONLY_MKDOCS_FILES = {
    "assets/_mkdocstrings.css",  # Zensical's stylesheet has mkdocstrings' styles built in
    "search/search_index.json",  # Zensical's search index is search.json
    "sitemap.xml.gz",
    "tags.json",
}
ONLY_ZENSICAL_FILES = {"search.json"}
#: The theme's own assets, named after a content hash: they differ by design.
THEME_ASSET = re.compile(
    r"^assets/(javascripts/(bundle\.|workers/|lunr/|LICENSE)|stylesheets/(main|palette|classic/|modern/))"
)
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "venv", "node_modules", "site", ".artifacts", ".cache", "__pycache__",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
)  # fmt: skip


@dataclass
class Page:
    """What the comparison reads from one page's article."""

    headings: list[tuple[str, str]] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    api: list[str] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    permalinks: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""


def read(html: Path, url: str) -> Page:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    page = Page()
    page.permalinks = [str(a.get("href")) for a in article.select("a.headerlink")]
    for link in article.select("a.headerlink"):
        link.decompose()
    # A page's tags: compared as a list, apart from the text, since the themes place them
    # differently (see docs/zensical.md).
    for tags in article.select("nav.md-tags"):
        page.tags += [tag.get_text(strip=True) for tag in tags.select(".md-tag")]
        tags.decompose()
    page.headings = [
        (h.name, " ".join(h.get_text(" ", strip=True).split()))
        for h in article.find_all(["h1", "h2", "h3"])
    ]
    page.code = [pre.get_text() for pre in article.find_all("pre")]
    page.api = [str(h.get("id")) for h in article.select(".doc-heading")]
    page.anchors = {str(e["id"]) for e in article.find_all(id=True)}
    # Where each link leads, resolved (MkDocs writes `#x` where Zensical writes `./#x`).
    page.links = [
        (urljoin(url, str(a["href"])), " ".join(a.get_text(" ", strip=True).split()))
        for a in article.find_all("a", href=True)
    ]
    page.text = "\n".join(article.get_text("\n", strip=True).splitlines())
    return page


def site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def pages(site: Path) -> dict[str, Page]:
    return {
        rel: read(site / rel, urljoin("https://site.test/", rel.removesuffix("index.html")))
        for rel in sorted(site_files(site))
        if rel.endswith(".html")
    }


@dataclass
class Builds:
    mkdocs: Path
    zensical: Path


def run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def builds(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    zensical = Path(sys.executable).parent / "zensical"
    if not zensical.is_file():
        pytest.fail("zensical is not installed: pip install -e '.[test]'")
    project = tmp_path_factory.mktemp("zensical") / "project"
    shutil.copytree(ROOT, project, ignore=IGNORED)
    # Zensical writes to site_dir (site/ of the copy); it has no option to write elsewhere.
    run([str(zensical), "build", "--strict", "-f", "mkdocs.yml"], project)
    return Builds(built_site, project / "site")


def test_zensical_builds_the_same_pages(builds: Builds) -> None:
    built = {b: {f for f in site_files(b) if f.endswith(".html")} for b in vars(builds).values()}
    assert built[builds.zensical] == built[builds.mkdocs]
    assert len(built[builds.mkdocs]) > 10


def test_page_by_page_zensical_shows_what_mkdocs_shows(builds: Builds) -> None:
    """Same headings, code, API entries, tags, links, text and anchors (but Zensical's own)."""
    expected, got = pages(builds.mkdocs), pages(builds.zensical)
    differences = []
    for rel, want in expected.items():
        have = got[rel]
        for aspect in ["headings", "code", "api", "tags", "links", "text"]:
            if getattr(have, aspect) != getattr(want, aspect):
                differences.append(f"{rel}: {aspect} differ")
        if have.anchors - want.anchors != ZENSICAL_ONLY_ANCHORS or want.anchors - have.anchors:
            differences.append(
                f"{rel}: anchors only in Zensical {sorted(have.anchors - want.anchors)}, "
                f"only in MkDocs {sorted(want.anchors - have.anchors)}"
            )
        if have.permalinks != [p for p in want.permalinks if not TAG_PERMALINK.match(p)]:
            differences.append(f"{rel}: permalinks differ")
        if rel == "tags/index.html" and not any(map(TAG_PERMALINK.match, want.permalinks)):
            differences.append(f"{rel}: MkDocs has no tag permalinks any more")
    assert differences == [], "new differences: document them in docs/zensical.md"


def test_zensical_shows_the_site_s_verification(builds: Builds) -> None:
    """What the notesite extension adds is in the Zensical build, not only the same as MkDocs'."""
    site = builds.zensical
    note = (site / "notes" / "misc" / "index.html").read_text(encoding="utf-8")
    for marker in ["ptn-badges", "ptn-output", "post-byline", 'id="erratum-', 'id="check-']:
        assert marker in note, marker
    for page, marker in [
        ("errata/index.html", 'href="../notes/'),
        ("verification/index.html", "claims of the notes on"),
        ("index.html", "Python blocks on the site"),
    ]:
        text = (site / page).read_text(encoding="utf-8")
        assert marker in text, page
        assert "<!-- ptnotes:" not in text, page


def test_the_files_besides_the_pages_differ_as_documented(builds: Builds) -> None:
    def ours(site: Path) -> set[str]:
        return {f for f in site_files(site) if not f.endswith(".html") and not THEME_ASSET.match(f)}

    mkdocs, zensical = ours(builds.mkdocs), ours(builds.zensical)
    assert mkdocs - zensical == ONLY_MKDOCS_FILES
    assert zensical - mkdocs == ONLY_ZENSICAL_FILES


def test_the_documented_differences_name_this_version_of_zensical() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert f"Zensical {version('zensical')}" in text, "rerun this test and update the page"


def test_zensical_renders_a_post_s_math_with_the_site_s_own_katex(tmp_path: Path) -> None:
    """A post with math, synced in: Zensical's pages hold it for KaTeX, served by the site."""
    from notesite.project import Project
    from notesite.sync import sync

    zensical = Path(sys.executable).parent / "zensical"
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=IGNORED)
    post = tmp_path / "softmax.md"
    post.write_text(
        "---\ntitle: Softmax notes\npages: sections\n---\n\n"
        "## Softmax\n\n$$\np = a*b*c\n$$\n\nand $x_1$ too.\n",
        encoding="utf-8",
    )
    sync(Project.at(project), post, new_post=True, run_blocks=False)
    run([str(zensical), "build", "--strict", "-f", "mkdocs.yml"], project)
    html = (project / "site" / "notes" / "softmax" / "softmax" / "index.html").read_text(
        encoding="utf-8"
    )
    assert '<div class="arithmatex">\\[\np = a*b*c\n\\]</div>' in html
    assert '<span class="arithmatex">\\(x_1\\)</span>' in html
    assert "<em>b</em>" not in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any(src.endswith("javascripts/math.js") for src in scripts)  # it fetches KaTeX
    assert all(not src.startswith(("http:", "https:", "//")) for src in scripts)
    assert (project / "site" / "javascripts" / "katex" / "fonts").is_dir()
