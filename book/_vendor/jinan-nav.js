// The theme binds its sidebar handlers to the first .primary-toggle / .secondary-toggle of the page, a header
// button that this layout hides; the visible ≡ and contents buttons in the article header therefore did nothing.
// Forward their clicks to the bound button: the menu opens as a dialog on a phone and folds away on a wide screen.
(function () {
  document.addEventListener("click", function (event) {
    ["primary-toggle", "secondary-toggle"].forEach(function (name) {
      var button = event.target.closest ? event.target.closest("." + name) : null;
      var bound = document.querySelector("." + name);
      if (button && bound && button !== bound) {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      }
    });
  }, true);
})();

// Printing: every folded table (the data behind a chart, the evidence, the search rounds) is opened first, so that
// the paper copy carries the figures and their sources.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details:not([open])").forEach(function (d) {
    d.setAttribute("open", "");
    d.setAttribute("data-opened-for-print", "");
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details[data-opened-for-print]").forEach(function (d) {
    d.removeAttribute("open");
    d.removeAttribute("data-opened-for-print");
  });
});
