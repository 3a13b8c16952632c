"""The boxes gathered in the rendered page: one In ptnotes chip per section."""

from __future__ import annotations

from sitepages import render

from notesite.project import Project


def test_each_section_has_one_in_ptnotes_chip_at_its_end(project: Project, note_page: str) -> None:
    src_uri = note_page
    soup = render(src_uri)
    pointers = sum(1 for a in project.page(src_uri).additions if a.kind == "helper pointer")
    sections: list[list[object]] = [[]]
    for element in soup.find_all(recursive=False):
        if element.name in ("h1", "h2"):
            sections.append([])
        sections[-1].append(element)
    chips = 0
    for section in sections:
        tips = [
            tip
            for element in section
            for tip in ([element] if element.name == "details" else element.find_all("details"))
            if "tip" in (tip.get("class") or [])
        ]
        assert len(tips) <= 1, src_uri
        if tips:
            assert tips[0].parent is soup
            assert [e for e in section if e.name != "section"][-1] is tips[0]
            chips += 1
    assert (chips > 0) == (pointers > 0)
    # Every pointer's paragraphs are in the section's chip.
    paragraphs = sum(
        len(a.paragraphs) for a in project.page(src_uri).additions if a.kind == "helper pointer"
    )
    in_chips = sum(
        len(tip.find_all("p", recursive=False))
        for tip in soup.find_all("details", recursive=False)
        if "tip" in (tip.get("class") or [])
    )
    assert in_chips == paragraphs
