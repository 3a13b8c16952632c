"""The section as its author wrote it: the "As written" view of a note page.

The page's section rebuilt without the site's additions and with its errata reverted
(:func:`notesite.fidelity.rebuild_page`), rendered with the project's Markdown settings and
hidden until the reader asks for it.
"""

from __future__ import annotations

import re

from notesite.highlight import compact
from notesite.model import Page, parse_page
from notesite.project import Project

#: The switch between the page and the section as its author wrote it (see as-written.js).
AS_WRITTEN_SWITCH = (
    '<button type="button" class="ptn-as-written-switch md-button" aria-pressed="false">'
    "As written</button>"
)
RELATIVE_LINK = re.compile(r'<a href="(?![a-z]+:|#)([^"]*)">(.*?)</a>', re.DOTALL)
RELATIVE_IMAGE = re.compile(r'<img alt="([^"]*)" src="(?![a-z]+:|/)([^"]*)"[^>]*>')
#: The Markdown extensions of the project that the author's section is not rendered with.
NOT_FOR_THE_AUTHOR = {"notesite", "toc", "pymdownx.snippets"}


def _highlight_tags(page: Page, project: Project) -> dict[str, str]:
    """The blog engine's highlight tags of the page's post: the code of each block -> its tag.

    Read through the page model: a post's model has the tag's block as a fence (see
    :func:`notesite.model.as_fences`), whose opening line in the file is the tag.
    """
    from notesite.fidelity import originals, post_source
    from notesite.model import HIGHLIGHT_OPEN

    source = post_source(page)
    found: dict[str, str] = {}
    for name in originals(project):
        if name != source:
            continue
        text = (project.originals_dir / name).read_text(encoding="utf-8")
        original = parse_page(text, name, note=False, page=False)
        raw = text.removeprefix("\ufeff").splitlines()
        for fence in original.fences:
            if HIGHLIGHT_OPEN.match(raw[fence.start]):
                found[" ".join(fence.code.split())] = raw[fence.start].strip()
    return found


def _in_author_form(lines: list[str], page: Page, project: Project) -> list[str]:
    """The author's lines, each fence the page wrote for a highlight tag titled with the tag.

    The page writes ``{% highlight python %}`` as a fence (the site's Markdown has no such
    tag); the "As written" view shows the block with the author's tag above it.
    """
    tags = _highlight_tags(page, project)
    if not tags:
        return lines
    out = list(lines)
    for fence in parse_page("\n".join(lines), page.src_uri, note=False, page=False).fences:
        tag = tags.get(" ".join(fence.code.split()))
        if tag is not None:
            out[fence.start] = out[fence.start] + ' title="' + tag.replace('"', "'") + '"'
    return out


def as_written_html(page: Page, project: Project) -> str:
    """The section as its author wrote it (the site's additions left out, errata reverted).

    Rendered with the project's Markdown settings, hidden until the reader asks for it with
    the "As written" switch. Its headings have no ids, so the page's anchors stay unique.
    """
    import markdown

    from notesite.fidelity import rebuild_page
    from notesite.project import markdown_settings, read_config

    names, configs = markdown_settings(read_config(project.root), NOT_FOR_THE_AUTHOR)
    body = markdown.Markdown(extensions=names, extension_configs=configs).convert(
        "\n".join(_in_author_form(rebuild_page(page), page, project))
    )
    body = compact(body)  # as the page's own blocks (the extension is not run here)
    # A relative link of the post leads to another post of its blog, which the site does not
    # hold: its words are kept, the link (which would lead nowhere here) is not.
    body = RELATIVE_LINK.sub(
        lambda m: (
            f'<span class="ptn-dead-link" title="In the post, a link to {m[1]}, which this site '
            f'does not hold">{m[2]}</span>'
        ),
        body,
    )
    body = RELATIVE_IMAGE.sub(
        lambda m: (
            f'<span class="ptn-dead-link" title="In the post, an image at {m[2]}, which this '
            f'site does not hold">[{m[1] or "image"}]</span>'
        ),
        body,
    )
    # Its own anchors (a footnote's) get a prefix: the page's ids stay unique.
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    body = re.sub(r'\bid="([^"]+)"', r'id="as-written-\1"', body)
    body = re.sub(
        r'\bhref="#([^"]+)"',
        lambda m: f'href="#as-written-{m[1]}"' if m[1] in ids else m[0],
        body,
    )
    banner = (
        '<p class="ptn-as-written-banner" role="note">You are reading this section as its author '
        "wrote it: without the site's checks, outputs and corrections. "
        '<button type="button" class="ptn-as-written-leave md-button">'
        "Back to the checked page</button></p>"
    )
    return (
        '<section class="ptn-as-written" hidden aria-label="The section as its author wrote it">'
        f"{banner}{body}</section>"
    )
