// Math in the notes (pymdownx.arithmatex, generic mode) typeset by KaTeX, served by the site
// itself. Material's instant navigation swaps pages without a reload: typeset each one.
function renderMath() {
  for (const element of document.querySelectorAll(".arithmatex")) {
    if (element.dataset.typeset) continue;
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
    element.dataset.typeset = "1";
  }
}
if (typeof document$ !== "undefined") {
  document$.subscribe(renderMath);
} else {
  document.addEventListener("DOMContentLoaded", renderMath);
}
