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

// A list that can be long (the sources) has a filter box: typing keeps the rows that contain every word typed,
// and a group (one issuing body) whose name matches keeps all its rows. Without JavaScript the whole list shows.
document.addEventListener("input", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-filter-table]")) return;
  var table = document.querySelector("table." + box.getAttribute("data-filter-table"));
  if (!table) return;
  var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
  var matches = function (text) {
    text = text.toLowerCase();
    return words.every(function (w) { return text.indexOf(w) !== -1; });
  };
  var shown = 0;
  table.querySelectorAll("tbody").forEach(function (group) {
    var head = group.querySelector("tr.source-group");
    var whole = head && words.length && matches(head.textContent);
    var any = false;
    group.querySelectorAll("tr:not(.source-group)").forEach(function (row) {
      var keep = !words.length || whole || matches(row.textContent);
      row.hidden = !keep;
      if (keep) { any = true; shown += 1; }
    });
    group.hidden = !any;
  });
  var count = box.closest("p") && box.closest("p").querySelector(".table-filter-count");
  if (count) count.textContent = words.length ? String(shown) : "";
});

// Chinese search. The index holds the words a segmenter (jieba) cut the pages into, often shorter than what a
// reader types: 节能减排 is indexed as 节能 + 减排, 清洁取暖 as 清洁 + 取暖. Sphinx's search splits a query only at
// spaces and punctuation, so such a query found nothing. This splitter (Sphinx uses it when it is defined before
// searchtools.js) cuts each run of Chinese characters the same way at query time: from left to right, the longest
// word the index knows; a character that starts no indexed word is left out. Other text is split as Sphinx does.
var splitQuery = function (query) {
  var out = [];
  var terms = (typeof Search !== "undefined" && Search._index && Search._index.terms) || null;
  var known = function (w) { return terms !== null && Object.prototype.hasOwnProperty.call(terms, w); };
  query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter(Boolean).forEach(function (part) {
    (part.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) || []).forEach(function (run) {
      if (terms === null || !/^\p{Script=Han}/u.test(run) || known(run)) { out.push(run); return; }
      var i = 0;
      while (i < run.length) {
        var found = null;
        for (var len = Math.min(8, run.length - i); len >= 1 && !found; len--) {
          if (known(run.substr(i, len))) found = run.substr(i, len);
        }
        if (found) out.push(found);
        i += found ? found.length : 1;
      }
    });
  });
  return out;
};

// The edition & language switcher says what it is and that it opens. The theme writes the current edition's name
// alone into the button once it has read switcher.json; the build put the label in the page's language on the
// button (data-jinan-label, "版本与语言：{current}"): the button then shows the label with the current edition and a
// caret, and its accessible name is the same words. It stays a <button> of the theme's dropdown (Tab, Enter,
// arrow keys).
(function () {
  function label(button) {
    var template = button.getAttribute("data-jinan-label");
    var current = button.getAttribute("data-active-version-name");
    if (!template || !current) return;
    var words = template.replace("{current}", current);
    if (button.getAttribute("data-jinan-shown") === words && button.querySelector(".jinan-switcher-caret")) return;
    var at = template.indexOf("{current}");
    var before = document.createElement("span");
    before.className = "jinan-switcher-label";
    before.textContent = at >= 0 ? template.slice(0, at) : template;
    var name = document.createElement("span");
    name.className = "jinan-switcher-name";
    name.textContent = current;
    var after = document.createElement("span");
    after.className = "jinan-switcher-label";
    after.textContent = at >= 0 ? template.slice(at + "{current}".length) : "";
    var caret = document.createElement("span");
    caret.className = "jinan-switcher-caret";
    caret.setAttribute("aria-hidden", "true");
    caret.textContent = "▾";
    button.setAttribute("data-jinan-shown", words);
    button.replaceChildren(before, name, after, caret);
    button.setAttribute("aria-label", words);
  }
  function watch() {
    document.querySelectorAll(".version-switcher__button[data-jinan-label]").forEach(function (button) {
      label(button);
      new MutationObserver(function () { label(button); })
        .observe(button, {childList: true, attributes: true, attributeFilter: ["data-active-version-name"]});
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();

// Paper: the print header names the page's web address (the build cannot know where the site is served), and
// every printed sheet carries it at its foot (a page margin box, in browsers that draw them).
(function () {
  function address() {
    var here = location.href.split("#")[0];
    document.querySelectorAll(".jinan-page-address").forEach(function (span) {
      span.textContent = here;
      span.parentElement.classList.add("jinan-filled");
    });
    var sheet = document.getElementById("jinan-print-address-sheet");
    if (!sheet) {
      sheet = document.createElement("style");
      sheet.id = "jinan-print-address-sheet";
      sheet.media = "print";
      document.head.appendChild(sheet);
    }
    sheet.textContent = "@page { @bottom-left { content: " + JSON.stringify(here).replace(/</g, "\\3c ") + "; } }";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", address);
  else address();
  window.addEventListener("beforeprint", address);
})();
