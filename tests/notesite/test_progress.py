"""Verified post by post: a post not yet verified is held to its records, a verified one strictly.

A fixture project with two posts side by side: ``imported.md`` (not verified) and
``kept.md`` (verified in the project's settings), each with one page under ``docs/notes/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notesite import outputs
from notesite.progress import is_verified, progress, progress_line
from notesite.project import Project
from notesite.verdicts import NetworkRefused, Outcome, Verdict, classify

ADDOPTS = "--markdown-docs --markdown-docs-syntax=superfences -p no:randomly -p no:cacheprovider"
CONFIG = """site_name: scratch
markdown_extensions:
  - notesite:
      posts:
        kept.md: {verified: true}
"""

BLOCKS = (
    "```python\nimport torch\n\nx = torch.ones(2)\nprint(x.sum())\n```\n\n"
    "```python\nprint(model(x))\n```\n\n"
    "```python\nimport torchvision_not_installed\n```\n\n"
    "```python\nfor i in range(3):\n\tif i:\n        print(i)\n```\n\n"
    "```python\nimport urllib.request\n\nurllib.request.urlopen('http://127.0.0.1:9/')\n```\n\n"
    "```python\nimport torch\n\ntorch.ones(2) @ torch.ones(3)\n```\n"
)


CONTINUED = "```python continuation\nprint(model)\n```\n"


def note(source: str, body: str) -> str:
    return (
        f"---\npost:\n  title: A post\n  source: {source}\n---\n\n# A post\n\n"
        f"- A claim about tensors.\n\n{body}"
    )


def project(pytester: pytest.Pytester) -> Path:
    pytester.makeini(f"[pytest]\naddopts = {ADDOPTS} --notesite\n")
    pytester.makefile(".yml", mkdocs=CONFIG)
    (pytester.path / "notes-original").mkdir()
    for name in ("imported.md", "kept.md"):
        (pytester.path / "notes-original" / name).write_text("---\ntitle: A post\n---\n\n- x\n")
    (pytester.path / "docs" / "notes").mkdir(parents=True)
    return pytester.path


def write(root: Path, name: str, text: str) -> Path:
    path = root / "docs" / "notes" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_verdict_of_each_kind_of_block_is_recorded_and_then_holds(
    pytester: pytest.Pytester,
) -> None:
    root = project(pytester)
    write(root, "imported.md", note("imported.md", BLOCKS))
    result = pytester.runpytest_inprocess("docs/notes/imported.md", "--update-outputs")
    result.assert_outcomes(passed=2, skipped=5)  # the first block and the claims gate
    entries = outputs.load(root / "outputs" / "notes" / "imported.md.txt")
    verdicts = [entry.outcome().verdict for entry in entries]
    assert verdicts == [
        Verdict.RUNS,
        Verdict.NEEDS_SETUP,
        Verdict.NEEDS_PACKAGE,
        Verdict.DOES_NOT_PARSE,
        Verdict.NEEDS_NETWORK,
        Verdict.FAILS,
    ]
    assert entries[1].verdict == "needs setup: model, x"
    assert entries[2].verdict == "needs a package: torchvision_not_installed"
    assert entries[3].verdict is not None
    assert "TabError at line" in entries[3].verdict
    assert all(entry.tried for entry in entries[1:])
    assert entries[0].verified
    # Recorded: the next run passes where each block gives its verdict again.
    again = pytester.runpytest_inprocess("docs/notes/imported.md", "-rs")
    again.assert_outcomes(passed=2, skipped=5)
    again.stdout.fnmatch_lines(["*needs setup: model, x (as recorded)*"])


def test_a_block_that_changes_its_verdict_fails_naming_both(pytester: pytest.Pytester) -> None:
    root = project(pytester)
    write(root, "imported.md", note("imported.md", "```python\nprint(model)\n```\n"))
    pytester.runpytest_inprocess("docs/notes/imported.md", "--update-outputs")
    record = root / "outputs" / "notes" / "imported.md.txt"
    text = record.read_text(encoding="utf-8")
    # Worse (another error), then better (it runs): each fails, naming the recorded verdict.
    record.write_text(text.replace("needs setup: model", "fails: ValueError"), encoding="utf-8")
    worse = pytester.runpytest_inprocess("docs/notes/imported.md")
    worse.assert_outcomes(failed=1, passed=1)
    worse.stdout.fnmatch_lines(["*recorded as 'fails: ValueError', now it gives 'needs setup*"])
    record.write_text(text, encoding="utf-8")
    write(root, "imported.md", note("imported.md", "```python\nmodel = 1\nprint(model)\n```\n"))
    better = pytester.runpytest_inprocess("docs/notes/imported.md")
    better.assert_outcomes(failed=1, passed=1)
    better.stdout.fnmatch_lines(["*block 1 of imported.md changed since its output was recorded*"])


def test_a_block_that_now_runs_asks_to_be_recorded(pytester: pytest.Pytester) -> None:
    root = project(pytester)
    write(root, "imported.md", note("imported.md", "```python\nprint(model)\n```\n"))
    pytester.runpytest_inprocess("docs/notes/imported.md", "--update-outputs")
    record = root / "outputs" / "notes" / "imported.md.txt"
    # The same code, now with its setup on the page: its record still says needs setup.
    write(
        root,
        "imported.md",
        note(
            "imported.md",
            "```python\nmodel = 1\n```\n\n```python continuation\nprint(model)\n```\n",
        ),
    )
    text = (
        record.read_text(encoding="utf-8")
        .replace("line 12", "line 16")
        .replace("block 1", "block 2")
    )
    record.write_text(text, encoding="utf-8")
    result = pytester.runpytest_inprocess("docs/notes/imported.md")
    result.stdout.fnmatch_lines(["*recorded as 'needs setup: model', now it runs: record it*"])


def test_a_verified_post_stays_strict(pytester: pytest.Pytester) -> None:
    root = project(pytester)
    write(root, "kept.md", note("kept.md", "```python\nprint(model)\n```\n"))
    result = pytester.runpytest_inprocess("docs/notes/kept.md", "--update-outputs")
    # The block fails (not recorded as a verdict), and so does the unchecked claim.
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*not yet checked: - A claim about tensors.*"])
    result.stdout.fnmatch_lines(["*NameError: name 'model' is not defined*"])
    assert not (root / "outputs" / "notes" / "kept.md.txt").exists()


def test_an_unverified_post_fails_only_when_a_claim_loses_its_status(
    pytester: pytest.Pytester,
) -> None:
    root = project(pytester)
    checked = (
        "- A checked claim.\n\n"
        '    ??? success "Checked: it holds"\n        One and one make two:\n\n'
        "        ```python\n        assert 1 + 1 == 2\n        ```\n"
    )
    write(root, "imported.md", note("imported.md", checked))
    first = pytester.runpytest_inprocess("docs/notes/imported.md", "--update-outputs")
    first.assert_outcomes(passed=2)  # one claim unchecked, yet the gate passes
    claims = root / "outputs" / "notes" / "imported.md.claims.txt"
    assert "checked · - A checked claim." in claims.read_text(encoding="utf-8")
    write(root, "imported.md", note("imported.md", "- A checked claim.\n"))
    lost = pytester.runpytest_inprocess("docs/notes/imported.md")
    lost.assert_outcomes(failed=1)
    lost.stdout.fnmatch_lines(["*was checked, now not yet checked: - A checked claim.*"])


def test_which_posts_are_verified_and_their_progress(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "notes-original").mkdir()
    (tmp_path / "notes-original" / "own.md").write_text("---\nverified: true\n---\n\n- x\n")
    (tmp_path / "notes-original" / "imported.md").write_text("---\ntitle: T\n---\n\n- x\n")
    docs = tmp_path / "docs" / "notes"
    docs.mkdir(parents=True)
    for name in ("kept.md", "own.md", "imported.md"):
        (docs / name).write_text(note(name, "```python\nprint(1)\n```\n"), encoding="utf-8")
    (docs / "free.md").write_text("# A contributor's page\n\n- A claim.\n", encoding="utf-8")
    site = Project.at(tmp_path)
    verified = {name: is_verified(site, site.page(f"notes/{name}")) for name in
                ("kept.md", "own.md", "imported.md", "free.md")}  # fmt: skip
    assert verified == {"kept.md": True, "own.md": True, "imported.md": False, "free.md": True}
    page = site.page("notes/imported.md")
    assert progress_line([progress(site, page)]) == "0 of 1 claims checked · 0 of 1 blocks run"


def test_classify_names_what_a_block_needs() -> None:
    def raised(code: str) -> BaseException:
        try:
            exec(compile(code, "page.md", "exec"), {})
        except BaseException as error:
            return error
        raise AssertionError(f"expected {code!r} to raise")

    assert classify(raised("print(loader)"), "print(loader)", "page.md") == Outcome(
        Verdict.NEEDS_SETUP, "loader"
    )
    assert classify(NetworkRefused("refused"), "", "").verdict is Verdict.NEEDS_NETWORK
    assert classify(raised("1/0"), "1/0", "page.md") == Outcome(
        Verdict.FAILS, "ZeroDivisionError: division by zero at line 1"
    )
    assert str(Outcome.parse("needs a package: tensorflow")) == "needs a package: tensorflow"
    with pytest.raises(ValueError, match="expected a verdict"):
        Outcome.parse("exploded")


def test_status_names_each_post_its_counts_and_the_next_steps(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    from notesite.status import main

    root = project(pytester)
    two = "```python\nprint(model)\n```\n\nText.\n\n```python\nmodel.eval()\n```\n"
    write(root, "imported.md", note("imported.md", two))
    pytester.runpytest_inprocess("docs/notes/imported.md", "--update-outputs")
    capsys.readouterr()
    assert main(["--root", str(root)]) == 0
    text = capsys.readouterr().out
    assert "A post" in text
    assert "2 needs setup" in text
    assert "2 blocks need the same setup (model)" in text
    assert "2 claims to check on docs/notes/imported.md, the first at line 9" in text
    assert main(["--root", str(root), "--json"]) == 0
    (post,) = json.loads(capsys.readouterr().out)
    assert post["verified"] is False
    assert post["blocks"] == {"needs setup": 2}
    assert post["claims"] == {"not yet checked": 2}


def series(tmp_path: Path) -> Project:
    """Two posts side by side: ``kept.md`` verified, ``imported.md`` not; one record each."""
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "notes-original").mkdir()
    docs = tmp_path / "docs" / "notes"
    docs.mkdir(parents=True)
    for name in ("kept.md", "imported.md"):
        (tmp_path / "notes-original" / name).write_text("---\ntitle: T\n---\n\n- x\n")
        (docs / name).write_text(note(name, "```python\nprint(model)\n```\n"), encoding="utf-8")
    site = Project.at(tmp_path)
    for name, line in (
        ("kept.md", "verified cpu: torch 2.13 · 2026-12-01\nstdout:\n| 1\n"),
        ("imported.md", "verdict: needs setup: model\ntried cpu: torch 2.13\n"),
    ):
        key = site.page(f"notes/{name}").blocks[0].key
        record = site.record_path(f"notes/{name}")
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(f"@@ block 1 · code {key} · line 11\n{line}", encoding="utf-8")
    return site


def test_a_block_that_did_not_run_shows_its_verdict_and_no_output(tmp_path: Path) -> None:
    from notesite.render.blocks import proof

    project = series(tmp_path)
    (entry,) = outputs.load(project.record_path("notes/imported.md"))
    shown = proof(entry)
    assert "Needs setup" in shown
    assert "✓" not in shown
    assert "ptn-output" not in shown
    (kept,) = outputs.load(project.record_path("notes/kept.md"))
    assert "✓" in proof(kept)


def test_the_verification_page_groups_claims_by_post_with_progress(tmp_path: Path) -> None:
    from notesite.render.lists import verification_table
    from notesite.render.totals import totals as count_totals
    from notesite.render.totals import totals_table

    project = series(tmp_path)
    text = verification_table(project.notes(), project)
    kept, imported = text.index("(notes/kept.md)"), text.index("(notes/imported.md)")
    assert "Verified." in text[kept:imported] or "Verified." in text[imported:]
    assert "Not yet verified: 0 of 1 claims checked · 0 of 1 blocks run." in text
    # The verified post lists its unchecked claim, the other one counts it.
    assert "**not yet checked**" in text
    assert "- 1 claims not yet checked (a post not yet verified)" in text
    totals = count_totals(project)
    assert (totals.posts, totals.verified_posts) == (2, 1)
    assert totals.verdicts == (("needs setup", 1),)
    assert "| not run: needs setup (a post not yet verified) | 1 |" in totals_table(totals)


def test_the_legend_names_every_verdict() -> None:
    legend = (Path(__file__).parents[2] / "docs" / "verification.md").read_text("utf-8")
    missing = [v.value for v in Verdict if v.value[0].upper() + v.value[1:] not in legend]
    assert not missing, f"the legend of docs/verification.md does not explain {missing}"


def test_the_notebook_says_why_a_cell_may_not_run(tmp_path: Path) -> None:
    from notesite.notebook import build_notebook

    project = series(tmp_path)
    cells = build_notebook(project.page("notes/imported.md"), project)["cells"]
    notes = [c["source"] for c in cells if "may not run as written" in c["source"]]
    assert notes == [
        "> *Added by the site:* this cell may not run as written: **needs setup** "
        f"(`` model ``). {Verdict.NEEDS_SETUP.explanation}"
    ]
    kept = build_notebook(project.page("notes/kept.md"), project)["cells"]
    assert not [c for c in kept if "may not run as written" in c["source"]]


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        ("import torch\n\nprint(torch.rand(1))", "random generators are seeded otherwise"),
        ("import datetime\n\nprint(datetime.date.today())", "prints the date or time: "),
    ],
    ids=["random", "date"],
)
def test_a_block_that_varies_is_recorded_so_naming_its_cause_and_skips_at_its_own_line(
    pytester: pytest.Pytester, code: str, cause: str
) -> None:
    root = project(pytester)
    write(root, "imported.md", note("imported.md", f"```python\n{code}\n```\n"))
    pytester.runpytest_inprocess("docs/notes/imported.md", "--update-outputs")
    (entry,) = outputs.load(root / "outputs" / "notes" / "imported.md.txt")
    assert entry.outcome().verdict is Verdict.VARIES
    assert cause in entry.outcome().detail
    assert entry.stdout is None
    assert not entry.verified
    again = pytester.runpytest_inprocess("docs/notes/imported.md", "-rs")
    again.assert_outcomes(passed=1, skipped=1)
    again.stdout.fnmatch_lines([f"SKIPPED ?1? docs/notes/imported.md:*: varies*{cause}*"])


def test_a_citation_number_before_a_link_is_text() -> None:
    import markdown

    html = markdown.Markdown(extensions=["notesite"]).convert(
        "[1] [Vaswani, A. (2017). Attention is all you need.](https://arxiv.org/abs/1706.03762)"
    )
    assert html == (
        '<p>[1] <a href="https://arxiv.org/abs/1706.03762">Vaswani, A. (2017). Attention is all '
        "you need.</a></p>"
    )


@pytest.mark.slow  # pytest on a page, in-process, with the nondeterminism probe
def test_addresses_are_normalised_only_where_runs_show_them_to_vary(
    pytester: pytest.Pytester,
) -> None:
    root = project(pytester)
    blocks = (
        "```python\nprint(hex(2**32))\n```\n\n"  # a real number: kept as printed
        "```python\nprint(hex(id(object())))\n```\n"  # an address: varies, normalised
    )
    write(root, "plain.md", "# Plain\n\n" + blocks)
    result = pytester.runpytest_inprocess("docs/notes/plain.md", "--update-outputs")
    result.assert_outcomes(passed=3)  # the two blocks and the claims gate
    real, address = outputs.load(root / "outputs" / "notes" / "plain.md.txt")
    assert (real.stdout, real.normalised) == ("0x100000000\n", False)
    assert (address.stdout, address.normalised) == ("0x…\n", True)
    pytester.runpytest_inprocess("docs/notes/plain.md").assert_outcomes(passed=3)


def test_status_shows_verified_only_a_post_its_records_prove(tmp_path: Path) -> None:
    """A post marked verified (``verified: true`` in its front matter, as a post may arrive)
    once showed as verified with a block not yet run and a claim not yet checked."""
    from notesite.status import post_statuses

    site = series(tmp_path)
    kept = site.docs_dir / "notes" / "kept.md"
    marked = kept.read_text(encoding="utf-8").replace(
        "- A claim about tensors.\n", "- A claim about tensors.\n\n    <!-- not a claim: x -->\n"
    )
    kept.write_text(marked, encoding="utf-8")
    (tmp_path / "notes-original" / "imported.md").write_text(
        "---\ntitle: T\nverified: true\n---\n\n- x\n", encoding="utf-8"
    )
    shown = {s.pages[0]: s for s in post_statuses(Project.at(tmp_path))}
    proved, unproved = shown["docs/notes/kept.md"], shown["docs/notes/imported.md"]
    assert (proved.marked, proved.verified) == (True, True)
    assert (unproved.marked, unproved.verified) == (True, False)
    assert unproved.next[0].startswith(
        "marked verified, not yet proved: 1 block(s) that do not run and 1 claim(s) not yet"
    )
