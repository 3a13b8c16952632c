"""The words of the page model: the site's markers, box kinds, prefixes and languages."""

from __future__ import annotations

from notesite.errors import InputError

#: On a post's index page: the post's introduction follows this line (see Page.author_span).
INTRO_MARKER = "<!-- ptnotes:intro -->"
#: On an index page: the list of the post's pages (or of the posts) goes here.
PAGES_MARKER = "<!-- ptnotes:pages -->"
#: On the page of a whole post (a post on one page): the post, as written, follows this line
#: (the site's ``#`` title above it); its ``##`` sections are headings of the page.
POST_MARKER = "<!-- ptnotes:post -->"

#: The admonition kinds that mark the site's additions: kind -> (role, what it is for).
ADMONITION_KINDS: dict[str, str] = {
    "example": "setup for the next snippet, or the same lesson on CPU",
    "erratum": "a correction of the notes, quoting the original",
    "tip": "a pointer to the ptnotes helper of the lesson",
    "success": "an executed check of a claim of the notes",
    "info": "a precise note beside a check",
}

SETUP = "setup"
CPU_LESSON = "cpu lesson"
ERRATUM_KIND = "erratum"
CHECK_KIND = "check"
NOTE_KIND = "precise note"
HELPER = "helper pointer"
#: The roles of the site's additions, as the model names them.
KINDS = (SETUP, CPU_LESSON, ERRATUM_KIND, CHECK_KIND, NOTE_KIND, HELPER)

CPU_PREFIX = "Checked:"
CUDA_PREFIX = "Checked on CUDA:"
NOTE_PREFIX = "Precisely:"
PYTHON_LANGS = ("py", "python", "python3")
#: The languages of a console session (``>>>`` prompts), run as a doctest.
DOCTEST_LANGS = ("pycon",)
#: Other names authors give Python or a Python console on a fence, which no test runs (the
#: sync reports each such block: its author may name it ``python`` or ``pycon``).
PYTHON_ALIASES = ("py3", "python-repl", "python-console", "pycon3")
#: The languages of blocks that run in a notebook only (IPython's magics, shell commands).
NOTEBOOK_LANGS = ("ipython", "ipython3")
#: The longest anchor slug, in characters; a longer one is cut at a word boundary.
SLUG_LENGTH = 50


class PageError(InputError):
    """A page breaks the conventions of the site (the message names the file and line)."""
