"""A hostile post or project: one line naming the file and line, nothing written, nothing run.

Each test brings a small post of its own into a copy of the sync's fixture project.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import Fixture

from notesite.__main__ import main
from notesite.model import PageError, parse_page
from notesite.sync import SyncError
from notesite.sync.write import NAV_TITLE_LIMIT

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def post(front: str) -> str:
    return f"---\n{front}\n---\n\n## Words\n\n- A line of the post.\n"


@pytest.mark.parametrize(
    ("front", "line", "expected"),
    [
        ("title: T\ndate: 2022-13-45", 3, "'2022-13-45' (ValueError: month must be in 1..12)"),
        ("title: T\ndate: 2022-02-30 10:00:00", 3, "'2022-02-30 10:00:00' (ValueError: day is out"),
        ("title: T\ndate: !!timestamp soon", 3, "'soon' (AttributeError"),
        ("title: 1" + "0" * 5000, 2, "'1000000000"),
        ("title: T\ntags: " + "[" * 2000 + "]" * 2000, 2, "nested more than 16 deep"),
        ("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + LAUGHS + "tags: *i", 2,
         "more than 10000 values (its aliases repeated)"),
    ],
)  # fmt: skip
def test_front_matter_yaml_cannot_build_names_its_line(
    fixture: Fixture, front: str, line: int, expected: str
) -> None:
    """Such front matter once raised a ValueError (a traceback), or ran out of memory."""
    text = post(front)
    with pytest.raises(PageError) as raised:
        parse_page(text, "p.md", note=False, page=False)
    assert str(raised.value).startswith(f"p.md:{line}: expected front matter")
    assert expected in str(raised.value)
    path = fixture.scratch / "2022-02-01-p.markdown"
    path.write_text(text, encoding="utf-8")
    before = fixture.tree()
    with pytest.raises(SyncError, match=r"expected a post, got a file that cannot be read"):
        fixture.sync(path, new_post=True)
    assert fixture.tree() == before


def test_yaml_that_is_not_yaml_still_says_where() -> None:
    with pytest.raises(yaml.YAMLError):
        parse_page(post("title: [unclosed"), "p.md", note=False, page=False)


def test_a_title_of_5000_characters_keeps_mkdocs_yml_yaml(fixture: Fixture) -> None:
    """YAML reads no key over 1024 characters: such a title once broke mkdocs.yml."""
    title = "A" * 4990 + " <b>end"
    path = fixture.scratch / "2022-02-01-long.markdown"
    path.write_text(post(f'title: "{title}"'), encoding="utf-8")
    fixture.sync(path, new_post=True)
    config = (fixture.root / "mkdocs.yml").read_text(encoding="utf-8")
    entry = next(line for line in config.splitlines() if "notes/long.md" in line)
    assert entry.strip() == f"- '{'A' * (NAV_TITLE_LIMIT - 1)}\u2026': notes/long.md"
    assert fixture.project.nav  # mkdocs.yml reads back
    assert title.replace("<", "&lt;").replace(">", "&gt;") in fixture.page("long.md")


def test_a_nav_the_sync_cannot_write_as_yaml_writes_nothing(
    fixture: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdocs.yml is checked like every page before the first write."""
    monkeypatch.setattr("notesite.sync.write.nav_title", lambda title: "'a': b: c")
    path = fixture.scratch / "2022-02-01-other.markdown"
    path.write_text(post("title: Other"), encoding="utf-8")
    before = fixture.tree()
    made = r"mkdocs.yml:\d+: expected YAML.*\(the nav the sync made\)$"
    with pytest.raises(SyncError, match=made):
        fixture.sync(path, new_post=True)
    assert fixture.tree() == before


def test_a_nav_entry_of_a_missing_page_is_one_line(
    fixture: Fixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page the nav lists and the docs lack once stopped the sync with a traceback."""
    config = fixture.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("notes/creating-tensors.md", "notes/gone.md", 1), encoding="utf-8"
    )
    path = fixture.scratch / "gone.markdown"
    path.write_text(post("title: Gone"), encoding="utf-8")
    status = main(["sync", str(path), "--new", "--root", str(fixture.root)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(
        "error: docs/notes/gone.md: expected a readable page, got No such file or directory\n"
    )
    assert err.endswith("\nNothing was written.\n")
    assert err.lower().count("nothing was written") == 1
    assert "Traceback" not in err
