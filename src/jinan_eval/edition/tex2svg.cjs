// Typesets TeX to SVG once, at build time, so that no page ships MathJax to the reader.
// stdin: JSON [[tex, display], ...]
// stdout: JSON {"svgs": [svg, ...], "cache": svg}: every formula draws its glyphs from one shared, hidden SVG
// (the "cache"), which a page carries once.  MathJax 3 comes from the project's node_modules (npm ci).
const fs = require("fs");
require("mathjax").init({
  loader: { load: ["input/tex-base", "[tex]/ams", "[tex]/newcommand", "output/svg"] },
  tex: { packages: ["base", "ams", "newcommand"] },
  svg: { fontCache: "global" },
}).then((MathJax) => {
  const items = JSON.parse(fs.readFileSync(0, "utf-8"));
  const adaptor = MathJax.startup.adaptor;
  const svgs = items.map(([tex, display]) => adaptor.innerHTML(MathJax.tex2svg(tex, { display })));
  const cache = adaptor.outerHTML(MathJax.startup.output.fontCache.getCache());
  process.stdout.write(JSON.stringify({ svgs, cache }));
}).catch((err) => { console.error(err.message || String(err)); process.exit(1); });
