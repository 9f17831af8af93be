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
