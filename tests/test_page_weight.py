"""What the build takes out of each page, and the formulas it typesets (jinan_eval.edition.sphinx_ext)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jinan_eval.edition.sphinx_ext import (
    icon_codepoints,
    lighten,
    purge_icon_rules,
    subset_icon_fonts,
    typeset,
    used_icons,
)

HEAD = (
    '<script defer src="_static/scripts/fontawesome.js?digest=1"></script>\n'
    '<link rel="stylesheet" type="text/css" href="_static/sphinx-design.min.css?v=2" />\n'
    '<script data-sd-tabs-storage-prefix="x" src="_static/design-tabs.js?v=3"></script>\n'
    '<script defer="defer" src="_static/mathjax-loader.js?v=4"></script>\n'
    '<script src="_static/vendor/vega.min.js?v=5"></script>\n'
    '<script src="_static/vendor/vega-embed.min.js?v=6"></script>\n'
    '<script src="_static/searchtools.js"></script>\n'
    '<script src="_static/language_data.js"></script>\n'
    '<script src="searchindex.js"></script>\n'
)


def page(body: str) -> str:
    return f"<html><head>{HEAD}</head><body data-x=\"1\">{body}</body></html>"


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node typesets the formulas")


def test_a_page_without_chart_or_math_keeps_none_of_the_heavy_scripts():
    out = lighten({"kp1.html": page("<p>text</p>")})["kp1.html"]
    for gone in ("fontawesome.js", "sphinx-design", "design-tabs", "mathjax", "vega", "searchindex", "searchtools",
                 "language_data"):
        assert gone not in out, gone
    assert "<p>text</p>" in out


def test_a_chart_page_keeps_vega_and_the_search_page_keeps_its_index():
    pages = lighten({"kp2.html": page('<div class="jinan-chart"></div>'), "search.html": page("")})
    assert "vega.min.js" in pages["kp2.html"] and "vega-embed.min.js" in pages["kp2.html"]
    assert "searchindex.js" not in pages["kp2.html"]
    assert "searchindex.js" in pages["search.html"] and "searchtools.js" in pages["search.html"]
    assert "vega" not in pages["search.html"]


@needs_node
def test_formulas_arrive_as_svg_with_their_tex_as_name():
    body = ('<p>ratio <span class="math notranslate nohighlight">\\(B &lt; L \\le Y\\)</span></p>'
            '<div class="math notranslate nohighlight" id="equation-x">\n<span class="eqno">(1)</span>'
            '\\[\nc = \\frac{x_L}{x_B}\n\\]</div>')
    out = lighten({"methods.html": page(body)})["methods.html"]
    assert "\\(" not in out and "\\[" not in out and "mathjax-loader" not in out
    assert out.count("<svg") == 3  # two formulas and the hidden glyphs they share, once
    assert 'aria-label="B &lt; L \\le Y"' in out and 'aria-label="c = \\frac{x_L}{x_B}"' in out
    assert '<body data-x="1"><svg id="MJX-SVG-global-cache"' in out
    assert '<span class="eqno">(1)</span><svg' in out
    assert "data-mjx-error" not in out


@needs_node
def test_a_tex_error_is_visible_in_the_svg():
    svgs, _ = typeset([("\\frac{1}", False)])
    assert "data-mjx-error" in svgs[0]


def test_icon_rules_of_unused_icons_are_dropped():
    css = ('.a{color:red}.fa-bars:before{content:"\\f0c9"}.fa-github:before{content:"\\f09b"}'
           '.fa-sun:before,.fa-sunny:before{content:"\\f185"}.b{margin:0}')
    used = used_icons(['<i class="fa-solid fa-bars"></i>', 'el.classList.add("fa-sunny")'])
    assert used == {"fa-solid", "fa-bars", "fa-sunny"}
    out = purge_icon_rules(css, used)
    assert out == '.a{color:red}.fa-bars:before{content:"\\f0c9"}.fa-sun:before,.fa-sunny:before{content:"\\f185"}.b{margin:0}'


def test_icon_codepoints_are_read_from_escapes_and_literal_characters():
    css = '.fa-bars:before{content:"\\f0c9"}.x{--pst-icon-github:"\uf09b";}.y:after{content:"\\2014"}'
    assert icon_codepoints(css) == {0xF0C9, 0xF09B}, "an ordinary character (the dash) is no icon"


def test_icon_fonts_keep_only_the_glyphs_drawn(tmp_path):
    import pydata_sphinx_theme
    from fontTools.ttLib import TTFont

    original = next(Path(pydata_sphinx_theme.__file__).parent.rglob("fa-solid-900.woff2"))
    font = tmp_path / original.name
    shutil.copyfile(original, font)
    subset_icon_fonts(tmp_path, {0xF0C9, 0xF002})
    kept = set(TTFont(font).getBestCmap())
    assert kept == {0xF0C9, 0xF002}
    assert font.stat().st_size < original.stat().st_size / 20


def test_icon_fonts_cut_twice_are_the_same_bytes_and_an_earlier_cut_is_reused(tmp_path):
    import pydata_sphinx_theme

    original = next(Path(pydata_sphinx_theme.__file__).parent.rglob("fa-solid-900.woff2"))
    cuts = []
    for run in ("first", "second"):
        folder = tmp_path / run
        folder.mkdir()
        shutil.copyfile(original, folder / original.name)
        subset_icon_fonts(folder, {0xF0C9, 0xF002}, cache=tmp_path / "cache")
        cuts.append((folder / original.name).read_bytes())
    assert cuts[0] == cuts[1], "the cut font keeps the original's time stamp: no build date in its bytes"
    [cached] = (tmp_path / "cache").iterdir()
    assert cached.read_bytes() == cuts[0]
    cached.write_bytes(b"marker")  # the next cut to the same glyphs is the cached file, not a new subset
    folder = tmp_path / "third"
    folder.mkdir()
    shutil.copyfile(original, folder / original.name)
    subset_icon_fonts(folder, {0xF0C9, 0xF002}, cache=tmp_path / "cache")
    assert (folder / original.name).read_bytes() == b"marker"
    shutil.copyfile(original, folder / original.name)
    subset_icon_fonts(folder, {0xF0C9}, cache=tmp_path / "cache")  # other glyphs: another entry
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_the_chinese_search_language_splits_and_stems_as_sphinxs_own():
    from sphinx.search.zh import SearchChinese

    from jinan_eval.edition.sphinx_ext import _chinese_search_language

    text = ("济南市单位地区生产总值能耗下降 PM2.5 浓度 VOCs emissions reduced, charging facilities "
            "2025年 建成 充电桩 reduction reductions ABC abc")
    ours, sphinxs = _chinese_search_language()({}), SearchChinese({})
    assert type(ours) is not SearchChinese
    words = sphinxs.split(text)
    assert ours.split(text) == words and len(words) > 10
    assert [ours.stem(w) for w in words] == [sphinxs.stem(w) for w in words]
