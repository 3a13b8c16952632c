"""notesite: a site of notes where every word is kept and every Python block is proven to run.

* :mod:`notesite.model`: each Markdown page parsed once, into blocks, additions and claims;
* :mod:`notesite.extension`: the Python-Markdown extension (MkDocs and Zensical) that shows
  outputs, badges, bylines, anchors, the Errata and Verification lists and the totals (its
  processors, a module a job, in :mod:`notesite.render`);
* :mod:`notesite.pytest_plugin`: the pytest plugin (``--notesite``) that runs the pages'
  blocks with recorded outputs;
* :mod:`notesite.fidelity` and :mod:`notesite.parity`: the gates;
* :mod:`notesite.kernel`, :mod:`notesite.server` and :mod:`notesite.memory`: each page's
  blocks in a process of the page's own, forked from a warm server, its memory limited;
* :mod:`notesite.verdicts`, :mod:`notesite.progress` and :mod:`notesite.status`: what each
  block gives, how far each post is verified;
* :mod:`notesite.errors`: the one exception base, :class:`NotesiteError`.
"""

from notesite.errors import GateFailure, InputError, NotesiteError

__all__ = ["GateFailure", "InputError", "NotesiteError", "__version__"]

__version__ = "0.2.0"
