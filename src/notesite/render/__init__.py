"""What the site shows that the pages do not hold: outputs, badges, bylines, lists, totals.

Everything here is computed from the page model (:mod:`notesite.model`) and the records
(:mod:`notesite.outputs`); the build never executes a snippet. The Markdown extension
(:mod:`notesite.extension`) wires these processors into a converter, in MkDocs and Zensical
alike.

The package, by job: ``preprocessor`` (the site's additions put into a page's Markdown),
``locate`` (which page a converter is given, and its hand-off to the treeprocessors),
``blocks`` (a block's states and output), ``boxes`` (a box's first line as a chip, a CUDA
check's title, an erratum's diff), ``byline`` (the head of a note page, an index page's
pages), ``lists`` (the posts, errata and claims lists), ``totals`` (the home page's counts),
``posts`` (a post of the site and where a link to it leads), ``as_written`` (the section as
its author wrote it, changed in its tree), ``links`` (a post's own links mended, a
treeprocessor), ``folding`` (notes and pointers gathered into chips, a treeprocessor),
``code`` (highlighted code compacted, a postprocessor), ``citations`` (a citation's number
as text) and ``build_errors`` (one line, no traceback).
"""
