// ptnotes: accessibility fixes to markup that Material for MkDocs builds in the browser, where
// the templates in overrides/ cannot reach it. axe-core checks every page for them
// (tests/browser/test_browser_accessibility.py).
(function () {
  "use strict";

  // 1. Material wraps each code block's copy button, and the tags of each search result, in
  // an unnamed <nav>: a page with several of them has several navigation landmarks that a
  // screen reader cannot tell apart (landmark-unique), and none of them is navigation.
  // Material creates them when it sets up a page or shows search results: hence the observer.
  var WRAPPERS = "nav.md-code__nav:not([role]), .md-search-result nav.md-tags:not([role])";
  function demote(root) {
    if (root.nodeType !== 1) return;
    if (root.matches(WRAPPERS)) root.setAttribute("role", "none");
    root.querySelectorAll(WRAPPERS).forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  }
  // Only what was added is looked at, not the whole page on every change.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(demote);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  demote(document.documentElement);

  // 2. A region that scrolls sideways must take the keyboard focus, or a keyboard cannot
  // scroll it (scrollable-region-focusable). With content.lazy, Material gives a code block
  // too wide for the page its tabindex only when the block scrolls into view (and only on a
  // device that can hover: elsewhere a11y.css wraps long lines); it never gives one to the
  // wrapper of a table too wide for the page. Give both at once: measure every candidate
  // first, then write, so that the page is laid out once. A collapsed box's content has no
  // width until the box opens, hence the toggle listener.
  var SCROLLERS = "pre > code:not([tabindex]), .md-typeset__scrollwrap:not([tabindex])";
  function focusable(root) {
    var wide = [];
    root.querySelectorAll(SCROLLERS).forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) wide.push(region);
    });
    wide.forEach(function (region) {
      region.setAttribute("tabindex", "0");
    });
  }
  // Boxes opened together (a reader's "open all", say) are measured together, in one frame.
  var opened = [];
  document.addEventListener(
    "toggle",
    function (event) {
      if (!event.target.open) return;
      if (opened.push(event.target) > 1) return;
      requestAnimationFrame(function () {
        var boxes = opened.splice(0);
        var wide = [];
        boxes.forEach(function (box) {
          box.querySelectorAll(SCROLLERS).forEach(function (region) {
            if (region.scrollWidth > region.clientWidth) wide.push(region);
          });
        });
        wide.forEach(function (region) {
          region.setAttribute("tabindex", "0");
        });
      });
    },
    true
  );
  // After the page is painted (two frames on), when its layout is done anyway, so that the
  // measuring costs no layout of its own; then the page says so (the browser tests wait).
  function afterPaint() {
    delete document.documentElement.dataset.ptnFocusable;
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        focusable(document);
        document.documentElement.dataset.ptnFocusable = "done";
      });
    });
  }
  if (window.document$) {
    window.document$.subscribe(afterPaint);
  }
})();
