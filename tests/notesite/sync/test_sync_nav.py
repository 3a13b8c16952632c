"""Where a new post goes in the nav: under its year and month, in date order (sync.nav)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from notesite.sync.nav import group_titles, move_to_its_month, place_in_notes, post_date
from notesite.sync.post import SyncError, read_post
from notesite.sync.write import add_nav, add_nav_entry

#: As the project's own mkdocs.yml: the Notes section between others, with comments.
CONFIG = """\
site_name: x
nav:
  - Home: index.md
  - Notes:
      - notes/index.md
      # The seed's pages.
      - notes/misc.md
  # The API.
  - Reference:
      - api/index.md
markdown_extensions:
  - toc
"""


def notes(config: str) -> list[Any]:
    nav = yaml.safe_load(config)["nav"]
    found: list[Any] = nav[1]["Notes"]
    assert nav[2] == {"Reference": ["api/index.md"]}, "the section after Notes is untouched"
    return found


def entry(title: str, day: str, page: str) -> tuple[list[str], date]:
    return [f"- '{title} ({day})': {page}\n"], date.fromisoformat(day)


def test_a_dated_post_goes_under_its_year_and_month() -> None:
    config = place_in_notes(CONFIG, *entry("LSTM", "2022-03-15", "notes/lstm.md"))
    assert notes(config) == [
        "notes/index.md",
        "notes/misc.md",
        {"2022": [{"March": [{"LSTM (2022-03-15)": "notes/lstm.md"}]}]},
    ]
    assert "      # The seed's pages.\n" in config
    assert "  # The API.\n  - Reference:\n" in config


def test_years_months_and_posts_are_in_date_order_undated_posts_last() -> None:
    config = CONFIG
    for title, day in [
        ("GRU", "2022-03-20"),
        ("Undated", ""),
        ("LSTM", "2022-03-15"),
        ("Attention", "2022-04-01"),
        ("CNN", "2022-01-31"),
        ("Old", "2019-12-01"),
        ("New", "2026-02-14"),
        ("GRU again", "2022-03-20"),
    ]:
        if day:
            config = place_in_notes(config, *entry(title, day, f"notes/{title}.md"))
        else:
            config = place_in_notes(config, [f"- {title}: notes/{title}.md\n"], None)
    assert notes(config)[2:] == [
        {"2019": [{"December": [{"Old (2019-12-01)": "notes/Old.md"}]}]},
        {
            "2022": [
                {"January": [{"CNN (2022-01-31)": "notes/CNN.md"}]},
                {
                    "March": [
                        {"LSTM (2022-03-15)": "notes/LSTM.md"},
                        {"GRU (2022-03-20)": "notes/GRU.md"},
                        {"GRU again (2022-03-20)": "notes/GRU again.md"},
                    ]
                },
                {"April": [{"Attention (2022-04-01)": "notes/Attention.md"}]},
            ]
        },
        {"2026": [{"February": [{"New (2026-02-14)": "notes/New.md"}]}]},
        {"Undated": "notes/Undated.md"},
    ]


def test_a_split_post_is_a_section_of_its_month() -> None:
    config = add_nav(CONFIG, "Kettles (2021-03-04)", ["notes/k/index.md", "notes/k/a.md"],
                     date(2021, 3, 4))  # fmt: skip
    config = add_nav_entry(config, "Lids (2021-03-05)", "notes/lids.md", date(2021, 3, 5))
    assert notes(config)[2] == {
        "2021": [
            {
                "March": [
                    {"Kettles (2021-03-04)": ["notes/k/index.md", "notes/k/a.md"]},
                    {"Lids (2021-03-05)": "notes/lids.md"},
                ]
            }
        ]
    }


def test_a_nav_without_notes_is_refused() -> None:
    with pytest.raises(SyncError, match=r"mkdocs\.yml: expected a nav with the notes' pages"):
        place_in_notes("nav:\n  - Home: index.md\n", ["- 'x': notes/x.md\n"], date(2022, 1, 1))


def test_a_post_s_date_is_its_front_matter_s_else_its_file_name_s() -> None:
    dated = read_post(
        "---\ntitle: T\ndate: 2022-02-01 13:19\n---\n\n## A\n\nx\n", "2022-02-03-c.md"
    )
    assert post_date(dated) == date(2022, 2, 1)
    assert post_date(read_post("---\ntitle: T\n---\n\n## A\n\nx\n", "2022-02-03-c.md")) == date(
        2022, 2, 3
    )
    assert post_date(read_post("---\ntitle: T\ndate: soon\n---\n\n## A\n\nx\n", "c.md")) is None
    assert group_titles(date(2022, 12, 1)) == ("2022", "December")


def test_a_post_whose_date_changes_moves_to_its_new_month() -> None:
    config = add_nav(CONFIG, "K (2022-03-04)", ["notes/k/index.md", "notes/k/a.md"],
                     date(2022, 3, 4))  # fmt: skip
    config = add_nav_entry(config, "L (2022-04-05)", "notes/l.md", date(2022, 4, 5))
    # The split post to April: March, now empty, goes; its section moves whole.
    moved = move_to_its_month(config, "notes/k/index.md", date(2022, 4, 1), date(2022, 3, 4))
    assert moved is not None
    assert notes(moved)[2:] == [
        {
            "2022": [
                {
                    "April": [
                        {"K (2022-03-04)": ["notes/k/index.md", "notes/k/a.md"]},
                        {"L (2022-04-05)": "notes/l.md"},
                    ]
                }
            ]
        }
    ]
    # The one-page post to another year: its year, now empty, goes too.
    again = move_to_its_month(moved, "notes/l.md", date(2019, 1, 2), date(2022, 4, 5))
    assert again is not None
    assert notes(again)[2:] == [
        {"2019": [{"January": [{"L (2022-04-05)": "notes/l.md"}]}]},
        {"2022": [{"April": [{"K (2022-03-04)": ["notes/k/index.md", "notes/k/a.md"]}]}]},
    ]
    # The same month, or a post that is not under its former month: nothing moves.
    assert move_to_its_month(again, "notes/l.md", date(2019, 1, 30), date(2019, 1, 2)) is None
    assert move_to_its_month(CONFIG, "notes/misc.md", date(2019, 1, 2), date(2020, 1, 2)) is None


@pytest.mark.parametrize(
    "nav",
    [
        # The Notes tab holds grouped posts only, its first a split post.
        "  - Home: index.md\n  - Notes:\n      - '2022':\n          - 'March':\n"
        "              - 'K (2022-03-01)':\n                  - notes/k/index.md\n",
        # No tabs: the notes are items of the nav itself.
        "  - notes/index.md\n",
    ],
    ids=["grouped-only", "no-tabs"],
)
def test_a_new_year_goes_into_the_notes_list_not_into_another_post(nav: str) -> None:
    config = place_in_notes(f"nav:\n{nav}", *entry("L", "2023-01-02", "notes/l.md"))
    loaded = yaml.safe_load(config)["nav"]
    listed = loaded[1]["Notes"] if "Home" in str(loaded[0]) else loaded
    assert listed[-1] == {"2023": [{"January": [{"L (2023-01-02)": "notes/l.md"}]}]}
