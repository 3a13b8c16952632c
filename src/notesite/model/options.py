"""A fence's info string, read once into :class:`FenceOptions`: the one reading of the options.

A fence's opening line holds its language and its options, in either form pytest-markdown-docs
reads (``--markdown-docs-syntax=superfences``): ```` ```python continuation fixture:cuda ```` or
```` ```{.python continuation} ````. The options are of two owners:

* **the site's** (pytest-markdown-docs' and notesite's): ``continuation``, ``notest``,
  ``fixture:NAME``, ``runner:NAME``, ``retry:N`` and ``timeout=N`` (seconds);
* **the author's**: ``key=value`` (``title="x.py"``, ``linenums="1"``), attribute lists
  (``{linenos=true}``) and a highlighter's bare ``linenos`` or ``linenums``, kept as written
  and never read by the site.

Anything else on a fence that runs (Python, a console session) is a mistake, such as a
misspelt ``continuaton`` or a ``timeout=soon``: :attr:`FenceOptions.problems` says what was
expected and what was got, and the page model raises it naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from notesite.model.vocabulary import DOCTEST_LANGS, NOTEBOOK_LANGS, PYTHON_LANGS

#: The option that runs a block in the chain of the blocks above it.
CONTINUATION = "continuation"
#: The option that leaves a block out of the tests.
NOTEST = "notest"
#: The fixture a block that needs a CUDA GPU asks for (skipped without one).
CUDA_FIXTURE = "cuda"
#: The fence option that runs a block with the ``cuda`` fixture.
CUDA_OPTION = f"fixture:{CUDA_FIXTURE}"
#: The site's options, as a message names them.
SITE_OPTIONS = "continuation, notest, fixture:NAME, runner:NAME, retry:N or timeout=N"

#: A word of an info string: quoted values stay whole (``title="a b.py"``).
_WORD = re.compile(r"""(?:[^\s"']+|"[^"]*"|'[^']*')+""")
_NAME = re.compile(r"[A-Za-z_]\w*")
_SECONDS = re.compile(r"\d+(?:\.\d+)?")
#: Bare words of the author's that blog engines' highlighters read (``python linenos``, as
#: a Jekyll post's ``{% highlight python linenos %}`` is written as a fence): kept as written.
AUTHOR_FLAGS = frozenset({"linenos", "linenums"})
#: A bare word, as a misspelt option of the site would be.
_BARE = re.compile(r"[\w-]+(?::[\w-]*)?")


def fence_options(info: str) -> list[str]:
    """A fence's language and options, in either form (``python x`` or ``{.python x}``).

    The same reading as pytest-markdown-docs' ``--markdown-docs-syntax=superfences``; a quoted
    value stays one word.

    >>> fence_options("{.python continuation}"), fence_options('python title="a b.py"')
    (['python', 'continuation'], ['python', 'title="a b.py"'])
    """
    info = info.strip()
    if not info.startswith("{"):
        return _WORD.findall(info)
    parts = _WORD.findall(info.strip("{}"))
    lang = next((part for part in parts if part.startswith(".")), None)
    if lang is not None:
        parts.remove(lang)
        parts.insert(0, lang[1:])
    return parts


def shown_info(info: str) -> str:
    """A fence's info string as the site's renderer must read it to show the fence's language.

    The renderer (``pymdownx.superfences``) reads a language in braces only after a dot
    (``{.python}``); R Markdown's ``{python}``, which :func:`fence_options` (as pytest does)
    reads as Python, is shown as ``{.python}``. Any other info string is as written.

    >>> shown_info("{python echo=FALSE}"), shown_info("{.python}"), shown_info("python {x=1}")
    ('{.python echo=FALSE}', '{.python}', 'python {x=1}')
    """
    stripped = info.strip()
    words = fence_options(stripped)
    if not stripped.startswith("{") or not words or words[0].startswith("."):
        return info
    if any(word.startswith(".") for word in _WORD.findall(stripped.strip("{}"))):
        return info
    return "{." + stripped[1:].lstrip()


def is_site_option(word: str) -> bool:
    """Whether a word of an info string is the site's option, not the author's.

    >>> [is_site_option(w) for w in ("continuation", "timeout=5", 'title="x"', "{linenos=1}")]
    [True, True, False, False]
    """
    return word in (CONTINUATION, NOTEST) or word.startswith(
        ("fixture:", "runner:", "retry:", "timeout=")
    )


@dataclass(frozen=True)
class FenceOptions:
    """What a fence's info string says: its language, the site's options, the author's.

    ``timeout`` is None where the fence sets none (the runner's default applies);
    ``problems`` holds what is wrong with the options, each as ``expected … got …``.
    """

    lang: str = ""
    continuation: bool = False
    notest: bool = False
    fixtures: tuple[str, ...] = ()
    runner: str | None = None
    retry: int | None = None
    timeout: float | None = None
    author: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def cuda(self) -> bool:
        """Whether the block needs a CUDA GPU (it asks for the ``cuda`` fixture)."""
        return CUDA_FIXTURE in self.fixtures

    @property
    def runs(self) -> bool:
        """Whether the fence is code the tests run: Python or a console session, not ``notest``."""
        return self.lang in (*PYTHON_LANGS, *DOCTEST_LANGS) and not self.notest

    def time_limit(self, default: float) -> float:
        """The block's time limit in seconds: its ``timeout=N``, else ``default``."""
        return default if self.timeout is None else self.timeout


def parse_options(info: str) -> FenceOptions:
    """Read a fence's info string (what follows the backticks) into :class:`FenceOptions`.

    Never raises: what is wrong is in :attr:`FenceOptions.problems`.

    >>> parse_options("python continuation fixture:cuda timeout=5").cuda
    True
    >>> parse_options("python continuaton").problems[0].endswith("got 'continuaton'")
    True
    """
    words = fence_options(info)
    lang = words[0] if words else ""
    found: dict[str, object] = {}
    fixtures: list[str] = []
    author: list[str] = []
    problems: list[str] = []
    strict = lang.lower() in (*PYTHON_LANGS, *DOCTEST_LANGS, *NOTEBOOK_LANGS)

    def once(name: str, value: object, word: str) -> None:
        if name in found:
            problems.append(f"expected one {name} option, got a second: {word!r}")
        found[name] = value

    for word in words[1:]:
        head, _, value = word.partition(":" if ":" in word and "=" not in word else "=")
        if word in (CONTINUATION, NOTEST):
            found[word] = True
        elif word.startswith(("fixture:", "runner:")):
            if not _NAME.fullmatch(value):
                problems.append(f"expected {head}:NAME (a Python name), got {word!r}")
            elif head == "fixture":
                fixtures.append(value)
            else:
                once("runner", value, word)
        elif word.startswith("retry:"):
            if value.isdigit():
                once("retry", int(value), word)
            else:
                problems.append(f"expected retry:N (a whole number of retries), got {word!r}")
        elif word.startswith("timeout="):
            if _SECONDS.fullmatch(value):
                once("timeout", float(value), word)
            else:
                problems.append(f"expected timeout=N (N seconds, a number), got {word!r}")
        elif strict and _BARE.fullmatch(word) and word not in AUTHOR_FLAGS:
            problems.append(
                f"expected a fence option of the site ({SITE_OPTIONS}) or the author's "
                f"(key=value), got {word!r}"
            )
        else:
            author.append(word)
    timeout, retry, runner = found.get("timeout"), found.get("retry"), found.get("runner")
    return FenceOptions(
        lang,
        continuation=CONTINUATION in found,
        notest=NOTEST in found,
        fixtures=tuple(fixtures),
        runner=runner if isinstance(runner, str) else None,
        retry=retry if isinstance(retry, int) else None,
        timeout=timeout if isinstance(timeout, float) else None,
        author=tuple(author),
        problems=tuple(problems),
    )
