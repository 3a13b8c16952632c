// "As written": show a note page's section as its author wrote it, without what the site
// adds (setup, checks, notes, errata, outputs), and back. The choice holds across pages.
(function () {
  var KEY = "ptnotes.as-written";

  function apply(on) {
    var article = document.querySelector("article.md-content__inner");
    var author = document.querySelector(".ptn-as-written");
    var button = document.querySelector(".ptn-as-written-switch");
    if (!article || !author || !button) return;
    article.classList.toggle("ptn-as-written-on", on);
    author.hidden = !on;
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function setUp() {
    var button = document.querySelector(".ptn-as-written-switch");
    if (!button) return;
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (error) { /* private mode */ }
    apply(stored === "on");
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (error) { /* ignore */ }
      apply(on);
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);  // Material's instant navigation: every page it shows
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
