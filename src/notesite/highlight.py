"""Highlighted code in fewer bytes, in the same colours.

Pygments wraps every token of a block in a ``<span>`` of its own type: in the notes' Python,
three spans of four are names, dots and brackets, and a page's code is mostly markup (70 %
of a big post's code blocks). The theme (Material for MkDocs, and Zensical alike) colours the
token types by a dozen colours only, one CSS variable each (``--md-code-hl-…-color``), and
shows a name in the code's own colour. So, in each highlighted block:

- a token that the theme shows in the code's own colour (a name, whitespace, a type the
  theme leaves alone) is text, with no span;
- a token of any other colour gets the first class of the theme's rule for that colour
  (``kn`` becomes ``k``, ``mf`` becomes ``m``), and neighbours of one class are one span,
  with the spaces between them: ``<span class="k">from</span> <span class="k">import``…
  is one keyword span;
- diffs' and the console's token types (``gd``, ``gi``, ``gp``, ``go``…), marked lines
  (``hll``), line numbers and anything that is not a token span stay as they are.

The text of a block is untouched, byte for byte: what a reader reads, copies and searches
is the same. ``tests/notesite/test_highlight.py`` checks the table below against the theme's
stylesheets (Material's and Zensical's), so a theme that colours a type otherwise fails it.

The "As written" view (:func:`notesite.render.as_written.as_written_html`) repeats the page's
code: each of its blocks that the page shows too, token for token, comes as text only, marked
``data-ptn-same``; ``docs/javascripts/as-written.js`` gives it the colours of the page's own
block. Its words are in the HTML either way, for search and for a reader without scripts.
"""

from __future__ import annotations

import re

from pygments.token import STANDARD_TYPES

#: The theme's colour of each Pygments token type, as the class of its rule's first type:
#: Material for MkDocs 9's ``.highlight .o, .highlight .ow {color: var(--md-code-hl-operator-
#: color)}`` and so on. A type not here, or here as ``""``, shows in the code's own colour.
COLOUR: dict[str, str] = {
    **dict.fromkeys(["o", "ow"], "o"),  # operator
    "p": "p",  # punctuation
    **dict.fromkeys(["cpf", "l", "s", "s1", "s2", "sb", "sc", "si", "ss"], "s"),  # string
    **dict.fromkeys(["cp", "se", "sh", "sr", "sx"], "se"),  # special
    **dict.fromkeys(["il", "m", "mb", "mf", "mh", "mi", "mo"], "m"),  # number
    **dict.fromkeys(["k", "kd", "kn", "kp", "kr", "kt"], "k"),  # keyword
    **dict.fromkeys(["nd", "ni", "nl", "nt"], "k"),  # keyword's colour, its own rule
    **dict.fromkeys(["kc", "n"], ""),  # name: the code's own colour
    **dict.fromkeys(["bp", "nb", "no"], "nb"),  # constant
    **dict.fromkeys(["nc", "ne", "nf", "nn"], "nf"),  # function
    **dict.fromkeys(["c", "c1", "ch", "cm", "cs", "sd"], "c"),  # comment
    **dict.fromkeys(["na", "nv", "vc", "vg", "vi"], "nv"),  # variable
}
#: Token types kept as they are: a diff's lines, a console's prompt and output, errors and
#: headings of generic text (their own rules, or read by the theme's scripts).
KEPT = frozenset(["g", "gd", "ge", "ges", "gh", "gi", "go", "gp", "gr", "gs", "gt", "gu", "hll"])
#: Every Pygments token type's class: only these change.
TOKEN_TYPES = frozenset(STANDARD_TYPES.values()) - {""}

#: A block of pymdownx.highlight: the wrapper, an optional title, and the ``<pre>``.
BLOCK = re.compile(
    r'(<div class="[^"]*\bhighlight\b[^"]*">(?:<span class="filename">[^<]*</span>)?'
    r"<pre[^>]*>)(.*?)(</pre>)",
    re.DOTALL,
)
#: A token's span: one class, text only.
TOKEN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>')
#: Two spans of one class with nothing but spaces between them.
NEIGHBOURS = re.compile(r'<span class="([a-z]+)">([^<]*)</span>([ \t]*)<span class="\1">')


def _token(match: re.Match[str]) -> str:
    kind, text = match[1], match[2]
    if kind not in TOKEN_TYPES or kind in KEPT:
        return match[0]
    colour = COLOUR.get(kind, "")
    return f'<span class="{colour}">{text}</span>' if colour and text else text


def compact_code(code: str) -> str:
    """The inside of one ``<pre>``: each token in its theme colour's class, neighbours merged.

    >>> compact_code(
    ...     '<span class="kn">from</span><span class="w"> </span><span class="nn">a</span>'
    ... )
    '<span class="k">from</span> <span class="nf">a</span>'
    >>> compact_code('<span class="n">b</span><span class="p">(</span><span class="p">)</span>')
    'b<span class="p">()</span>'
    """
    code = TOKEN.sub(_token, code)
    merged = NEIGHBOURS.sub(_merge, code)
    while merged != code:  # three neighbours and more
        code, merged = merged, NEIGHBOURS.sub(_merge, merged)
    return code


def _merge(match: re.Match[str]) -> str:
    kind = match[1]
    if kind not in COLOUR.values():
        return match[0]
    return f'<span class="{kind}">{match[2]}{match[3]}'


def compact(html: str) -> str:
    """HTML with each highlighted block's tokens compacted (:func:`compact_code`).

    >>> html = compact(
    ...     '<div class="highlight"><pre><span></span><code>'
    ...     '<span class="n">x</span><span class="w"> </span><span class="o">=</span>'
    ...     '<span class="w"> </span><span class="mi">1</span></code></pre></div>'
    ... )
    >>> html.removeprefix('<div class="highlight"><pre><span></span><code>')
    'x <span class="o">=</span> <span class="m">1</span></code></pre></div>'
    """
    return BLOCK.sub(lambda m: m[1] + compact_code(m[2]) + m[3], html)


#: Where a note page's "As written" view begins: it ends the page's HTML.
AS_WRITTEN = '<section class="ptn-as-written"'
#: The start of a block's code, after Pygments' empty span.
CODE = re.compile(r"^(<span></span>)?<code>")


def share_with_page(html: str) -> str:
    """HTML whose "As written" blocks that the page shows too are text, to take its colours.

    >>> block = '<div class="highlight"><pre><code><span class="k">if</span> x</code></pre></div>'
    >>> shared = share_with_page(block + '<section class="ptn-as-written">' + block)
    >>> shared.split("<section")[1].removesuffix("</pre></div>")
    ' class="ptn-as-written"><div class="highlight"><pre><code data-ptn-same>if x</code>'
    """
    at = html.find(AS_WRITTEN)
    if at < 0:
        return html
    page, author = html[:at], html[at:]
    shown = {match[2] for match in BLOCK.finditer(page)}

    def plain(match: re.Match[str]) -> str:
        code = match[2]
        text = TOKEN.sub(lambda token: token[2], code)
        if code not in shown or "<span" in CODE.sub("", text) or not CODE.match(text):
            return match[0]
        return match[1] + CODE.sub(lambda m: (m[1] or "") + "<code data-ptn-same>", text) + match[3]

    return page + BLOCK.sub(plain, author)
