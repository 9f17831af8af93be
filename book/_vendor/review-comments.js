/* Comments on a section, when the report is served by the review server (`jinan-eval serve`).
 *
 * Every section open to comment ends in a slot (<div class="review-slot" data-review-…>) holding one plain line:
 * comments need the review server. This script asks the edition's _static/review-server.json whether it is that
 * server: a plain web server serves the file as built ({"enabled": false}) and the line stays; the review server
 * answers {"enabled": true, "endpoint": "/comments/"} and each slot gets a button that opens the section's thread
 * of Isso, the comment server mounted there (its script, in the page's language, loaded on the first click). One
 * thread element is moved to the section opened. Before a comment is sent, the signature "Name (Affiliation)", the
 * length and the number sent in the last minute are checked here (the server checks them again). The words come from the slot, in the page's
 * language. On a page opened from disk (file://) nothing is asked: there is no server to ask.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var here = script && script.src ? script.src.replace(/[^\/]*$/, "") : "";
  var signed = /^[^（(]+[（(][^（()）]+[)）]\s*$/;
  var loaded = false;
  var endpoint = "";
  var sent = [];  // when this page sent its comments (the server takes a few a minute from one address)

  function thread() {
    var t = document.getElementById("isso-thread");
    if (!t) {
      t = document.createElement("section");
      t.id = "isso-thread";
    }
    return t;
  }

  function message(slot, text) {
    var line = slot.querySelector(".review-problem");
    if (!line) {
      line = document.createElement("p");
      line.className = "review-problem";
      line.setAttribute("role", "alert");
      slot.appendChild(line);
    }
    line.textContent = text;
  }

  function prepareBox(slot) {
    // Isso draws its box asynchronously: the name field asks for the signature, the text has a length cap
    var author = slot.querySelector("#isso-thread input[name=author]");
    var text = slot.querySelector("#isso-thread textarea");
    if (author) author.setAttribute("placeholder", slot.dataset.reviewAuthor);
    if (text) text.setAttribute("maxlength", slot.dataset.reviewMax);
    return author && text;
  }

  function open(slot) {
    var t = thread();
    t.innerHTML = "";
    t.setAttribute("data-isso-id", slot.dataset.reviewThread);
    t.setAttribute("data-title", slot.dataset.reviewTitle);
    slot.querySelector(".review-thread").appendChild(t);
    if (!loaded) {
      loaded = true;
      var s = document.createElement("script");
      s.setAttribute("data-isso", endpoint);
      s.setAttribute("data-isso-lang", slot.dataset.reviewLang);
      s.setAttribute("data-isso-avatar", "false");
      s.setAttribute("data-isso-vote", "false");
      s.setAttribute("data-isso-reply-notifications", "false");
      s.src = endpoint + "js/embed.min.js";
      document.head.appendChild(s);
    } else {
      window.Isso.init();
      window.Isso.fetchComments();
    }
    var tries = 0;
    var wait = window.setInterval(function () {
      if (prepareBox(slot) || ++tries > 50) window.clearInterval(wait);
    }, 100);
  }

  function enable(conf) {
    endpoint = conf.endpoint;
    document.querySelectorAll(".review-slot").forEach(function (slot) {
      slot.innerHTML = "";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "review-open";
      button.textContent = slot.dataset.reviewOpen;
      button.addEventListener("click", function () { open(slot); });
      var note = document.createElement("p");
      note.className = "review-note";
      note.textContent = slot.dataset.reviewModerated;
      var place = document.createElement("div");
      place.className = "review-thread";
      slot.append(button, note, place);
    });
    // a comment is sent only when signed and not too long (checked before Isso's own handler runs)
    document.addEventListener("click", function (e) {
      var submit = e.target.closest && e.target.closest("#isso-thread input[type=submit]");
      if (!submit) return;
      var box = submit.closest(".isso-postbox");
      var slot = submit.closest(".review-slot");
      if (!box || !slot) return;
      var author = box.querySelector("input[name=author]");
      var text = box.querySelector("textarea");
      var problem = "";
      var now = Date.now();
      sent = sent.filter(function (t) { return now - t < 60000; });
      if (author && !signed.test(author.value)) problem = slot.dataset.reviewSigned;
      else if (text && text.value.length > Number(slot.dataset.reviewMax)) problem = slot.dataset.reviewLong;
      else if (sent.length >= Number(slot.dataset.reviewRate)) problem = slot.dataset.reviewFlood;
      message(slot, problem);
      if (problem) {
        e.preventDefault();
        e.stopImmediatePropagation();
      } else {
        sent.push(now);
      }
    }, true);
  }

  function start() {
    if (!document.querySelector(".review-slot") || !/^https?:$/.test(location.protocol) || !here) return;
    fetch(here + "review-server.json", {cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; })
      .then(function (conf) {
        if (conf && conf.enabled === true && typeof conf.endpoint === "string") enable(conf);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
