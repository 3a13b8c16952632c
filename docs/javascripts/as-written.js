// "As written": show a note page's section as its author wrote it, without what the site
// adds (setup, checks, notes, errata, outputs), and back. The choice holds across pages: the
// page's head applies it before the first paint (overrides/main.html), this keeps it in step.
(function () {
  var KEY = "ptnotes.as-written";
  var CHOSEN = "ptn-as-written-chosen";

  function isOn() {
    var article = document.querySelector("article.md-content__inner");
    return Boolean(article && article.classList.contains("ptn-as-written-on"));
  }

  // Writes only what changes: a write to the page, even of the same value, makes the
  // browser work out the styles of the whole article again.
  function apply(on) {
    var root = document.documentElement;
    if (root.classList.contains(CHOSEN) !== on) root.classList.toggle(CHOSEN, on);
    var article = document.querySelector("article.md-content__inner");
    var author = document.querySelector(".ptn-as-written");
    if (!article || !author) return;
    if (article.classList.contains("ptn-as-written-on") !== on) {
      article.classList.toggle("ptn-as-written-on", on);
    }
    if (author.hidden === on) author.hidden = !on;
    var pressed = on ? "true" : "false";
    document.querySelectorAll(".ptn-as-written-switch").forEach(function (button) {
      if (button.getAttribute("aria-pressed") !== pressed) {
        button.setAttribute("aria-pressed", pressed);
      }
    });
  }

  function choose(on) {
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (error) { /* ignore */ }
    apply(on);
  }

  // A link to one of the site's boxes (from the Verification page, say) shows the checked
  // page, whatever the view: the box is there, opened, in view.
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    // Only a box's anchor: a heading's is the author's too, and As written has it.
    if (!target || !target.closest("details") || target.closest(".ptn-as-written")) return;
    if (isOn()) choose(false);
    for (var box = target.closest("details"); box; box = box.parentElement.closest("details")) {
      box.open = true;
    }
    target.scrollIntoView();
  }

  // A block of the author's that the page shows too comes as text (data-ptn-same, see
  // notesite.highlight): it takes the colours of the page's own block of the same code.
  function colour() {
    var author = document.querySelector(".ptn-as-written");
    if (!author) return;
    var same = author.querySelectorAll("code[data-ptn-same]");
    if (!same.length) return;
    var shown = new Map();
    document.querySelectorAll("article div.highlight pre > code").forEach(function (code) {
      if (!code.closest(".ptn-as-written") && !shown.has(code.textContent)) {
        shown.set(code.textContent, code);
      }
    });
    same.forEach(function (code) {
      var page = shown.get(code.textContent);
      if (!page) return;
      code.innerHTML = page.innerHTML;
      code.removeAttribute("data-ptn-same");
    });
  }

  function setUp() {
    colour();
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (error) { /* private mode */ }
    apply(stored === "on");
    reveal();
  }
  window.addEventListener("hashchange", reveal);

  // The heading of the author's section that a link of the table of contents stands for:
  // the one with the same words as the page's heading the link points to.
  function authorHeading(link) {
    var id = decodeURIComponent((link.hash || "").slice(1));
    var target = id && document.getElementById(id);
    var author = document.querySelector(".ptn-as-written");
    if (!target || !author) return null;
    var words = target.textContent.replace("¶", "").trim();
    var headings = author.querySelectorAll("h1, h2, h3, h4, h5, h6");
    for (var k = 0; k < headings.length; k++) {
      if (headings[k].textContent.trim() === words) return headings[k];
    }
    return null;
  }

  document.addEventListener("click", function (event) {
    var at = event.target.closest ? event.target : null;
    if (!at) return;
    if (at.closest(".ptn-as-written-switch")) {
      choose(!isOn());
    } else if (at.closest(".ptn-as-written-leave")) {
      choose(false);
      var actions = document.querySelector(".ptn-actions");
      if (actions) actions.scrollIntoView();
    } else if (at.closest(".ptn-show-all")) {
      // A long output scrolls in its box until the reader asks for all of it.
      at.closest(".ptn-output").classList.add("ptn-output--all");
    } else if (isOn()) {
      var link = at.closest(".md-nav--secondary a.md-nav__link");
      var heading = link && authorHeading(link);
      if (heading) {
        event.preventDefault();
        event.stopPropagation();
        heading.scrollIntoView();
      }
    }
  }, true);

  // On paper nothing opens on a tap: print every box open, and close them again after.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(
      document.querySelectorAll("article details:not([open])"),
      function (box) { return !box.closest(".ptn-as-written"); }
    );
    opened.forEach(function (box) { box.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (box) { box.open = false; });
    opened = [];
  });

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp);  // Material's instant navigation: every page it shows
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
