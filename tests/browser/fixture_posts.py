"""Posts that a contributor might bring, for the browser tests: ``sync --new`` adds them to a
copy of the project (``posts_site`` in ``conftest.py``), which is built strictly once.

Each post is here as a string (a Markdown file under tests/ would be collected as a page).
"""

from __future__ import annotations

#: A post heavy with math (display and inline, ``a*b*c`` that Markdown would read as
#: emphasis, a footnote), with a table of contents, a link to another post of its blog and an
#: image the site does not hold.
SOFTMAX = r"""---
title: Softmax notes
date: 2021-03-04
pages: sections
---

Where the formulas of the loss come from. Contents: [Softmax](#softmax),
[Cross entropy](#cross-entropy); see also [my statistics recap](../2021-01-01-stats.md).

## Softmax

The softmax of a vector $z$ is

$$
\sigma(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}
$$

and the product of three numbers is $p = a*b*c$, with $x_1 + y_1$ inline too.[^1]

[^1]: As in any textbook.

![A plot of the softmax](img/softmax.png)

## Cross entropy

Back to [the softmax](#softmax), which [this section](#cross-entropy) uses.
"""
#: Its first section's page (the post asks for a page per section).
SOFTMAX_PAGE = "notes/softmax/softmax.md"

#: A post as many are first written: no front matter (its title from its ``#`` heading), no
#: tags, an introduction, and sections of a few plain paragraphs.
KETTLE = """# Kettle notes

How a kettle boils water, in two parts: the water, then the steam.

## Water

Water boils at one hundred degrees at sea level. Higher up, it boils sooner, as the air
presses less on it; on a high mountain, tea is brewed with water that is not as hot.

A kettle heats the water from below. The warm water rises and the cold sinks, so the whole
of it warms without stirring.

## Steam

Steam leaves the spout once the water boils. The kettle clicks off when the steam reaches its
switch, a disc of two metals that bends as it warms.

The lid keeps the steam in until then, so that the switch feels it only at the boil.
"""  #: Its page: a post is one page by default.
KETTLE_PAGES = "notes/kettle.md"

#: Every post above, by the name of its file.
POSTS = {"softmax.md": SOFTMAX, "kettle.md": KETTLE}
