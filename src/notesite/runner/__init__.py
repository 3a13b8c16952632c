"""What the pytest plugin (:mod:`notesite.pytest_plugin`) does in a session.

With ``--notesite`` (put it in ``addopts`` next to ``--markdown-docs``):

* pytest-markdown-docs parses the pages with the site's parser (:func:`notesite.model.parser`),
  so it sees fences inside admonitions and content tabs, and shares the page model's tokens;
* every test, Markdown blocks included, starts from the state of a fresh interpreter (print
  options, default dtype, grad mode, RNG seeds) and restores it afterwards, so no block leaks
  state into the next whatever the order;
* the ``cuda`` fixture (``python fixture:cuda`` fences) skips, saying "needs a CUDA GPU",
  where there is none, and the ``device`` fixture parametrizes a test over the devices present;
* every block of a page runs like a notebook cell and its output is compared with its record
  (:mod:`notesite.outputs`); ``--update-outputs`` rewrites the records, and
  ``--record-provenance`` adds where the blocks that passed were verified.

The project is the folder of ``mkdocs.yml`` around pytest's rootdir; its settings are those of
the ``notesite`` Markdown extension there. The session's state lives in ``config.stash``.

The package, by job: ``plugin`` (the hooks and fixtures), ``recording`` (the recording runner,
the only code that touches pytest-markdown-docs' private runner API), ``processes`` (where
a block runs: its page's own process, or the test process), ``items`` (claims,
console sessions, notebook-only blocks), ``state`` (the session's state), ``records``
(writing a page's record), ``probes`` (the network refused, the generators perturbed),
``located`` (docstring examples at their lines) and ``provenance`` (where a run verifies).
"""
