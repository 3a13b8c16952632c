// "As written": show a note page's section as its author wrote it, without what the site
// adds (setup, checks, notes, errata, outputs), and back. The choice holds across pages.
(function () {
  var KEY = "ptnotes.as-written";

  // Writes only what changes: a write to the page, even of the same value, makes the
  // browser work out the styles of the whole article again.
  function apply(on) {
    var article = document.querySelector("article.md-content__inner");
    var author = document.querySelector(".ptn-as-written");
    var button = document.querySelector(".ptn-as-written-switch");
    if (!article || !author || !button) return;
    if (article.classList.contains("ptn-as-written-on") !== on) {
      article.classList.toggle("ptn-as-written-on", on);
    }
    if (author.hidden === on) author.hidden = !on;
    var pressed = on ? "true" : "false";
    if (button.getAttribute("aria-pressed") !== pressed) {
      button.setAttribute("aria-pressed", pressed);
    }
  }

  function setUp() {
    var button = document.querySelector(".ptn-as-written-switch");
    if (!button) return;
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (error) { /* private mode */ }
    if (stored === "on") apply(true);  // off is how the page comes
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (error) { /* ignore */ }
      apply(on);
    });
  }

  // A long output scrolls in its box until the reader asks for all of it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".ptn-show-all");
    if (button) button.closest(".ptn-output").classList.add("ptn-output--all");
  });

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);  // Material's instant navigation: every page it shows
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
