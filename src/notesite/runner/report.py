"""A failure's report for pytest: its whole text once, and a one-line summary.

pytest prints a report given as a string twice on CI (``CI`` set) or with ``-vv``: in the
failure's section and again, whole, in the short test summary. A long report (a deep
recursion) would then take twice its cap. :func:`failure_report` gives pytest its text as a
traceback of one native entry, and its crash as one line: the summary shows that line only,
and the report travels through pytest-xdist like pytest's own.
"""

from __future__ import annotations

from _pytest._code.code import ExceptionChainRepr, ReprEntryNative, ReprFileLocation, ReprTraceback

from notesite.bounded import MAX_REPORT, cap_middle


def failure_report(text: str, path: str, line: int, message: str) -> ExceptionChainRepr:
    r"""The report of a failure: ``text`` (cut in its middle past its cap) and its crash.

    Args:
        text: The whole report, as the terminal shows it.
        path: The file the failure points at (a page).
        line: Its line there, from 1.
        message: What the short summary says after the test's name; its first line is kept.

    >>> report = failure_report("Error:\nValueError: no", "p.md", 3, "ValueError: no")
    >>> report.reprcrash.message
    'ValueError: no'
    >>> str(report)
    'Error:\nValueError: no'
    """
    kept = text if len(text) <= MAX_REPORT else cap_middle(text)
    kept += "" if kept.endswith("\n") else "\n"
    first = message.strip().split("\n", 1)[0] if message.strip() else kept.split("\n", 1)[0]
    entry = ReprEntryNative([kept])
    traceback = ReprTraceback([entry], None, "native")
    crash = ReprFileLocation(path, line, first)
    return ExceptionChainRepr([(traceback, crash, None)])
