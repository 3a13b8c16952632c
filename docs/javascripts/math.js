// Math in the notes (pymdownx.arithmatex, generic mode) typeset by KaTeX, which the site
// serves itself (javascripts/katex/). Fetched only by a page that has math, so the other
// pages load nothing for it. Material's instant navigation swaps pages without a reload:
// each page it shows is looked at.
(function () {
  var script = document.currentScript;
  var base = script ? script.src.replace(/math\.js(\?.*)?$/, "katex/") : "javascripts/katex/";
  var loading = null;

  function add(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { element[name] = attributes[name]; });
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  function katex() {
    if (!loading) {
      loading = Promise.all([
        add("link", { rel: "stylesheet", href: base + "katex.min.css" }),
        add("script", { src: base + "katex.min.js" }).then(function () {
          return add("script", { src: base + "contrib/auto-render.min.js" });
        }),
      ]);
    }
    return loading;
  }

  function renderMath() {
    var pending = Array.prototype.filter.call(
      document.querySelectorAll(".arithmatex"),
      function (element) { return !element.dataset.typeset; }
    );
    if (!pending.length) return;
    katex().then(function () {
      pending.forEach(function (element) {
        window.renderMathInElement(element, {
          delimiters: [
            { left: "\\(", right: "\\)", display: false },
            { left: "\\[", right: "\\]", display: true },
          ],
          throwOnError: false,
        });
        element.dataset.typeset = "1";
      });
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(renderMath);
  } else {
    document.addEventListener("DOMContentLoaded", renderMath);
  }
})();
