/* Loads the vendored MathJax (2 MB) only on pages that contain math: most pages of the report have none. */
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (!here) { return; }
  var target = here.replace(/mathjax-loader\.js(\?.*)?$/, "vendor/mathjax/tex-svg.js");
  function load() {
    if (!document.querySelector(".math")) { return; }
    var script = document.createElement("script");
    script.src = target;
    script.async = true;
    document.head.appendChild(script);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
