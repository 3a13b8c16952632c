"""notesite: a site of notes where every word is kept and every Python block is proven to run.

* :mod:`notesite.model`: each Markdown page parsed once, into blocks, additions and claims;
* :mod:`notesite.extension`: the Python-Markdown extension (MkDocs and Zensical) that shows
  outputs, badges, bylines, anchors, the Errata and Verification lists and the totals;
* :mod:`notesite.pytest_plugin`: the pytest plugin (``--notesite``) that runs the pages'
  blocks with recorded outputs;
* :mod:`notesite.fidelity` and :mod:`notesite.parity`: the gates.
"""

__version__ = "0.2.0"
