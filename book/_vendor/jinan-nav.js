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
