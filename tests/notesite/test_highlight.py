"""Highlighted code in fewer bytes, in the same colours (notesite.highlight).

The colours are the theme's: each test reads the stylesheets that Material for MkDocs and
Zensical ship, so a theme that colours a token type otherwise fails here, not on the site.
"""

from __future__ import annotations

import re
import shutil
from importlib.util import find_spec
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from notesite.highlight import COLOUR, KEPT, TOKEN_TYPES, compact, share_with_page
from notesite.project import Project, markdown_settings, read_config
from notesite.sync import sync

ROOT = Path(__file__).resolve().parents[2]

#: A block with tokens of every colour: keywords, names, numbers, strings, comments, builtins.
CODE = '''\
from torch import nn  # a comment
import numpy as np


@decorator
class Net(nn.Module):
    """A docstring."""

    def forward(self, x: int = 0x1F, y=1.5e-3) -> None:
        print(f"{x!r} and {y}", 'single', True, None, r"\\d+", "\\t", b"raw")
        return [i ** 2 for i in range(10) if i not in {1, 2}]
'''


def stylesheets() -> list[Path]:
    """The main stylesheets of Material for MkDocs and of Zensical's two variants."""
    found = []
    for package in ("material", "zensical"):
        spec = find_spec(package)
        assert spec is not None, f"expected {package} installed"
        assert spec.origin is not None
        found += sorted(Path(spec.origin).parent.glob("templates/assets/stylesheets/**/main.*.css"))
    assert len(found) == 3, found
    return found


def colours(css: str) -> dict[str, str]:
    """Each token class's colour in a stylesheet: the variable its ``.highlight .x`` rule sets."""
    found: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for selector in selectors.split(","):
            token = re.fullmatch(r"\.highlight \.([a-z0-9]+)", selector.strip())
            if token is None or token[1] not in TOKEN_TYPES:
                continue
            if token[1] not in KEPT:
                assert re.fullmatch(r"color:var\(--md-code-hl-[a-z]+-color\)", body), (
                    f"expected only a colour for .{token[1]}, got {body}"
                )
            colour = re.search(r"color:(var\([^)]*\))", body)
            if colour:
                found[token[1]] = colour[1]
    return found


@pytest.mark.parametrize("css", stylesheets(), ids=lambda path: path.parent.name + "/" + path.name)
def test_each_token_keeps_the_colour_the_theme_gives_it(css: Path) -> None:
    palette = "".join(p.read_text() for p in css.parent.glob("palette.*.css"))
    # A name is shown in the code's own colour, in each palette (light and dark).
    assert palette.count("--md-code-hl-name-color:var(--md-code-fg-color)") >= 1
    assert "--md-code-hl-name-color:" not in palette.replace(
        "--md-code-hl-name-color:var(--md-code-fg-color)", ""
    )
    theme = colours(css.read_text(encoding="utf-8"))
    assert theme["n"] == "var(--md-code-hl-name-color)"
    plain = {"", "var(--md-code-hl-name-color)"}
    for token in TOKEN_TYPES - KEPT:
        before = theme.get(token, "")
        shown_as = COLOUR.get(token, "")
        after = theme[shown_as] if shown_as else ""
        assert (before in plain and after in plain) or before == after, (
            f".{token}: the theme shows it in {before or 'the code colour'}, "
            f"compacted as .{shown_as} in {after or 'the code colour'}"
        )


def highlighted(text: str) -> str:
    names, configs = markdown_settings(read_config(ROOT), {"notesite", "toc", "pymdownx.snippets"})
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


def test_a_block_s_text_is_kept_in_fewer_spans() -> None:
    source = (
        f"```python\n{CODE}```\n\n```pycon\n>>> 1 + 1\n2\n```\n\n"
        '```diff\n-a = 1\n+a = 2\n```\n\n<pre><span class="n">raw</span></pre>\n'
    )
    before = highlighted(source)
    after = compact(before)
    old, new = BeautifulSoup(before, "html.parser"), BeautifulSoup(after, "html.parser")
    assert [pre.get_text() for pre in new.find_all("pre")] == [
        pre.get_text() for pre in old.find_all("pre")
    ]
    assert new.find("pre").get_text() == CODE  # type: ignore[union-attr]
    assert len(after) < 0.8 * len(before)
    python = new.select_one("div.language-python code")
    assert python is not None
    spans = python.find_all("span")
    assert {s["class"][0] for s in spans} == {"k", "nf", "c", "p", "o", "m", "s", "nb", "se"}
    assert all(s.get_text().strip() for s in spans), "no span for whitespace"
    # The console's prompt and output and a diff's lines keep their own types.
    for kept in ["pycon .gp", "pycon .go", "diff .gd", "diff .gi"]:
        assert new.select(f"div.language-{kept}"), kept
    # HTML of a page's own that is not a highlighted block is left as it is.
    assert '<pre><span class="n">raw</span></pre>' in after
    assert compact(after) == after


def test_as_written_shares_a_block_the_page_shows_and_keeps_one_it_does_not() -> None:
    page = highlighted("```python\nx = torch.ones(3)\n```\n")
    corrected = highlighted("```python\nx = torch.zeros(3)\n```\n")
    author = highlighted(
        "```python\nx = torch.ones(3)\n```\n\n```python\nx = torch.zeros(2)\n```\n"
    )
    html = share_with_page(
        compact(page + corrected + '<section class="ptn-as-written" hidden>' + author)
    )
    written = BeautifulSoup(html, "html.parser").select_one("section.ptn-as-written")
    assert written is not None
    shared, own = written.find_all("code")
    assert shared.has_attr("data-ptn-same")
    assert not shared.find("span")
    assert shared.get_text() == "x = torch.ones(3)\n"
    assert not own.has_attr("data-ptn-same")
    assert own.find("span", class_="m")


@pytest.fixture
def post_site(tmp_path: Path) -> Path:
    """A copy of the project (its Markdown settings) with a post brought in."""
    root = tmp_path / "project"
    for name in ["docs", "outputs", "notes-original"]:
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    post = tmp_path / "2022-03-15-net.md"
    post.write_text(
        f"---\ntitle: Net notes\n---\n\n## Code\n\nA net:\n\n```python\n{CODE}```\n",
        encoding="utf-8",
    )
    sync(Project.at(root), post, new_post=True, run_blocks=False)
    return root


def test_a_post_s_page_holds_its_code_once_and_as_written_its_words(post_site: Path) -> None:
    from mkdocs.utils.meta import get_data

    names, configs = markdown_settings(read_config(post_site))
    configs.setdefault("notesite", {})["root"] = str(post_site)
    text = (post_site / "docs" / "notes" / "net.md").read_text(encoding="utf-8")
    html = markdown.Markdown(extensions=names, extension_configs=configs).convert(get_data(text)[0])
    soup = BeautifulSoup(html, "html.parser")
    written = soup.select_one("section.ptn-as-written")
    assert written is not None
    shown = [c for c in soup.select("div.highlight code") if not c.find_parent("section")]
    assert [c.get_text() for c in shown] == [CODE]
    assert shown[0].find("span", class_="k") is not None  # the page's colours
    code = written.select_one("div.language-python code[data-ptn-same]")
    assert code is not None
    assert code.get_text() == CODE  # the author's words, as text
    assert html.count('<span class="k">class</span>') == 1
    words = " ".join(written.get_text(" ").split())
    assert words.startswith("You are reading this section as its author wrote it")
    assert words.endswith("Code A net: " + " ".join(CODE.split()))
