"""Everything from a post is data: hostile front matter, body and box titles run nothing.

A fixture project (the sync's) gets a post whose title, subtitle, tags, body and box titles
carry the payloads of issue 28; the site is built strictly (Material, with its tags page), and
every HTML file and every notebook's Markdown cells are parsed: no script from the post, no
``on…`` attribute, no unsafe link.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from notesite.model import link_addresses
from notesite.notebook import write_notebooks
from notesite.project import Project
from notesite.safety import clean_html, clean_markdown, markdown_text, safe_url
from notesite.sync import SyncError, sync

FIXTURE = Path(__file__).parent / "sync" / "project"
UNSAFE = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)

HOSTILE_POST = """---
title: "</title><script>alert(1)</script>Notes](javascript:alert(document.domain)) [x"
subtitle: "<img src=x onerror=alert(2)> and <script>alert(3)</script>"
date: "2024-01-01 <img src=x onerror=alert(4)>"
tags:
  - PyTorch
---

## Payloads <img src=x onerror=alert(5)> `</title><script>alert(6)</script>`

- [a](javascript:alert(7)), [b](JaVaScRiPt:alert(8)), [c](data:text/html,<script>alert(9)</script>)
  and [d]( java&#x09;script:alert(10)) and [e](vbscript:msgbox(11))
- raw <script>alert(12)</script>, <a href="javascript:alert(13)">f</a>,
  <b onclick="alert(14)">g</b> and [safe](https://pytorch.org) [local](#payloads)

<div onmouseover="alert(15)">block <iframe src="javascript:alert(16)"></iframe></div>

<script>alert(17)</script>

A styled word{: onclick="alert(18)" }

A [link by reference][r], an autolink <javascript:alert(22)> and ![an image][i].

[r]: javascript:alert(21)
[i]: data:text/html,<script>alert(23)</script>
"""


class Findings(HTMLParser):
    """What of a page could run: scripts with the payloads, handlers, unsafe links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and UNSAFE.match(value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed"):
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def findings(html_text: str) -> list[str]:
    parser = Findings()
    parser.feed(html_text)
    parser.close()
    return parser.found


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The fixture project with the hostile post synced in and a box titled with payloads."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "theme:\n  name: material\nplugins:\n  - tags\n"
        + "not_in_nav: |\n  /index.md\n  /tags.md\n",
        encoding="utf-8",
    )
    (root / "docs" / "index.md").write_text("# Home\n\n<!-- ptnotes:posts -->\n", "utf-8")
    (root / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", "utf-8")
    page = root / "docs" / "notes" / "creating-tensors.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace(
        "Checked: `torch.tensor` copies its data",
        "Checked: <img src=x onerror=alert(19)> [x](javascript:alert(20))",
    ).replace("Erratum: the shape is 2 by 3", "Erratum: the shape <script>alert(21)</script>")
    page.write_text(text, encoding="utf-8")
    post = tmp_path / "hostile.md"
    post.write_text(HOSTILE_POST, encoding="utf-8")
    sync(Project.at(root), post, new_post=True, run_blocks=False)
    write_notebooks(Project.at(root))
    return root


def test_no_payload_of_a_post_runs_in_the_built_site(
    hostile: Path, mkdocs_build: Callable[[Path, Path], subprocess.CompletedProcess[str]]
) -> None:
    done = mkdocs_build(hostile, hostile / "site")
    assert done.returncode == 0, done.stderr
    pages = sorted((hostile / "site").rglob("*.html"))
    found = {str(p.relative_to(hostile)): f for p in pages if (f := findings(p.read_text("utf-8")))}
    assert found == {}
    post_page = hostile / "site" / "notes" / "hostile" / "index.html"  # the post: one page
    shown = post_page.read_text(encoding="utf-8")
    # Shown as text, the words kept: the unsafe links, the title, the safe link live.
    assert shown.count('class="ptn-unsafe-link"') >= 5
    assert '<a href="https://pytorch.org">safe</a>' in shown
    assert "</title><script>" not in shown
    title = re.search(r"<title>(.*?)</title>", shown, re.DOTALL)
    assert title is not None
    assert "alert(1)" in title[1]  # the post's title, shown as words
    home = (hostile / "site" / "index.html").read_text(encoding="utf-8")
    assert "Notes](javascript:alert(document.domain)) [x" in home  # as text, not a link


def test_the_nav_title_is_escaped_in_mkdocs_yml(hostile: Path) -> None:
    config = (hostile / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\u2039/title\u203a\u2039script\u203aalert(1)\u2039/script\u203a" in config
    assert "<script>" not in config


def test_no_payload_reaches_a_notebook_markdown_cell(hostile: Path) -> None:
    for path in sorted((hostile / "docs" / "notebooks").rglob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            source = "".join(cell["source"])
            assert findings(source) == [], (path.name, source)
            assert not re.search(r"<script\b", source), (path.name, source)
            assert not re.search(r"\]\(\s*(javascript|data|vbscript):", source, re.I), source
            # What a notebook's CommonMark links to: inline, by reference, autolinks.
            assert [h for h in link_addresses(source) if not safe_url(unquote(h))] == [], source


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (
            "[{a: 1}]",
            "expected tags as a list of words (text without < or >), got the tag {'a': 1}",
        ),
        ('["<img src=x onerror=alert(1)>"]', "got the tag '<img src=x onerror=alert(1)>'"),
    ],
)
def test_tags_the_site_cannot_show_are_refused_at_sync_time(
    tmp_path: Path, tags: str, expected: str
) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    post = tmp_path / "tagged.md"
    post.write_text(f"---\ntitle: Tagged\ntags: {tags}\n---\n\n## S\n\n- a\n", "utf-8")
    with pytest.raises(SyncError, match=r"^tagged\.md:3: expected tags") as caught:
        sync(Project.at(root), post, new_post=True, run_blocks=False)
    assert expected in str(caught.value)


def test_lists_nested_deeper_than_the_site_renders_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    post = tmp_path / "deep.md"
    deep = "\n".join("    " * i + f"- level {i + 1}" for i in range(9))
    post.write_text(f"---\ntitle: Deep\n---\n\n## S\n\n{deep}\n", "utf-8")
    with pytest.raises(SyncError, match=r"deep\.md:15: expected lists nested at most 8 levels"):
        sync(Project.at(root), post, new_post=True, run_blocks=False)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java&#x09;script:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_unsafe_schemes_are_unsafe(url: str) -> None:
    assert not safe_url(url)
    assert findings(clean_html(f'<a href="{url}">x</a>')) == []


@pytest.mark.parametrize(
    "url", ["https://pytorch.org", "http://x.org", "mailto:a@b.org", "../a/", "#x", "a.md#y"]
)
def test_safe_links_stay(url: str) -> None:
    assert safe_url(url)
    assert clean_html(f'<a href="{url}">x</a>') == f'<a href="{url}">x</a>'
    assert clean_markdown(f"[x]({url})") == f"[x]({url})"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        # In a list item, a quote and a heading, as CommonMark reads them.
        ("- [a](javascript:x) and [b](#b)", "- [a]\\(javascript:x) and [b](#b)"),
        ("> see ![i]( j&#x61;vascript:x)", "> see ![i]\\( j&#x61;vascript:x)"),
        ("## [h](data:text/html,x) ##", "## [h]\\(data:text/html,x) ##"),
        # A link whose words span two lines of a quote: the cell is cleaned whole.
        ("> [a\n> ](vbscript:x)", "> [a\n> ]\\(vbscript:x)"),
        # A link made by escaping the one inside it is escaped too.
        ("[a [b](javascript:x)](javascript:y)", "[a [b]\\(javascript:x)]\\(javascript:y)"),
        # Code is code: its text stays as written.
        ("`[c](javascript:x)`", "`[c](javascript:x)`"),
        # Where the parser cannot say where a link stands, every link's address is text.
        ("x\r[a](javascript:y) [b](#b)", "x\r[a]\\(javascript:y) [b]\\(#b)"),
        # A link by reference or an autolink: every bracket is text, so no link is left.
        (
            "[a][r] and [b](#b)\n\n[r]: javascript:x",
            "\\[a]\\[r] and \\[b](#b)\n\n\\[r]: javascript:x",
        ),
        ("see <javascript:alert(1)> or <b>", "see \\<javascript:alert(1)> or \\<b>"),
    ],
)
def test_unsafe_links_of_a_cell_become_text(text: str, cleaned: str) -> None:
    assert clean_markdown(text) == cleaned


def test_markdown_text_makes_no_markup() -> None:
    shown = markdown_text("Notes](javascript:alert(1)) [x <img src=x onerror=alert(1)>")
    import markdown

    rendered = markdown.markdown(f"- [{shown}](a.md)")
    assert findings(rendered) == []
    assert rendered.count("<a ") == 1
    assert "<img" not in rendered


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # A browser reads these elements' content as text, Python's parser as tags (or the
        # other way round): an attribute of the one hides a live tag of the other.
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>.', "."),
        ('<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>.', "."),
        ('<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>.', "."),
        ('<title><p title="</title><img src=x onerror=alert(1)>"></title>.', "."),
        ("<svg><style><img src=x onerror=alert(1)></style></svg>", "<svg></svg>"),
        # A browser ends <!--> and <!---> at once, <!-- --!> at --!>, <![CDATA[ at its >.
        ("<!--><img src=x onerror=alert(1)>-->.", "."),
        ("<!---><img src=x onerror=alert(1)>-->.", "."),
        ("<!-- a --!><img src=x onerror=alert(1)>-->.", "."),
        ("<![CDATA[ x > <img src=x onerror=alert(1)> ]]>.", "."),
        ("<!-- not a claim: it introduces -->", "<!-- not a claim: it introduces -->"),
        # An SVG animation that sets a link; one that moves a shape stays.
        (
            "<svg><a><animate attributeName=href values=javascript:alert(1) /><text>c</text>"
            "</a></svg>",
            "<svg><a><text>c</text></a></svg>",
        ),
        ("<svg><set attributeName=onclick to=alert(1) /></svg>", "<svg></svg>"),
        ("<svg><animate attributeName=x /></svg>", "<svg><animate attributeName=x /></svg>"),
        # A page's head, from a post: no refresh, no stylesheet; what follows them stays.
        ('<meta http-equiv="refresh" content="0;url=https://e.org/">a <link href=x>b', "a b"),
    ],
)  # fmt: skip
def test_raw_html_a_browser_reads_otherwise_runs_nothing(raw: str, cleaned: str) -> None:
    """Each of these once kept an ``onerror`` that Chromium ran (or a refresh, a link)."""
    assert clean_html(raw) == cleaned


def test_a_title_with_parentheses_or_dollars_is_text_not_math() -> None:
    """``\\(`` (a parenthesis escaped) once made a title's "(1)" KaTeX's inline math."""
    import markdown

    title = "Optimizations (part 1): $x$ costs $$y$$ [a](b)"
    rendered = markdown.markdown(
        f"# {markdown_text(title)}",
        extensions=["pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    assert rendered == f"<h1>{title}</h1>"


@pytest.mark.parametrize(
    "title",
    [
        "Encoder-Decoder, Fully-Convolutional Networks (FCN), U-Net",
        "Prices $x$ and $$y$$",
        "C# notes #",
    ],
)
def test_a_title_is_shown_as_written_not_as_math(title: str) -> None:
    # The site typesets math (pymdownx.arithmatex): `\(…\)` and `$…$` in a title are text.
    import markdown

    md = markdown.Markdown(
        extensions=["pymdownx.arithmatex", "toc"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    rendered = md.convert(f"# {markdown_text(title)}\n\n*{markdown_text(title)}*")
    assert "arithmatex" not in rendered
    assert rendered.count(html.escape(title, quote=False)) == 2, rendered
