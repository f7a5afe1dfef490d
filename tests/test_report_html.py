"""The pure pieces of the report pages: print style, navigation, contents, wide tables."""

from __future__ import annotations

import pytest

from evalkit.report import html
from evalkit.report.pdf import heading_texts


def test_css_string_cannot_close_the_string_or_the_style_element():
    assert html.css_string('Län "X" </style>\\') == '"Län \\22 X\\22  \\3c /style>\\5c "'
    assert html.css_string("a\nb") == '"a\\a b"'


@pytest.mark.parametrize(
    ("language", "words"), [("sv", '"Sida " counter(page) " av "'), ("en", '"Page " counter(page) " of "')]
)
def test_page_style_numbers_pages_and_repeats_the_title_except_on_the_first_page(language, words):
    style = html.page_style(language, "Kvinnofrid i Västmanland")
    assert words in style and "counter(pages)" in style
    assert '@top-center { content: "Kvinnofrid i Västmanland"; }' in style
    assert "@page :first { @top-center { content: none; } }" in style


def test_chapter_navigation_links_neighbours_contents_and_other_languages():
    chapters = [("00_a.html", "A"), ("01_b.html", "B"), ("02_c.html", "C")]
    first = html.chapter_navigation(chapters, 0, "sv", ("sv", "en"))
    assert first["previous"] is None and first["next"] == {"href": "01_b.html", "title": "B"}
    assert first["contents"] == "report.html#evalkit-contents"
    assert first["languages"] == [{"href": "../en/00_a.html", "name": "English", "lang": "en"}]
    middle = html.chapter_navigation(chapters, 1, "en", ("en",))
    assert middle["previous"]["href"] == "00_a.html" and middle["next"]["href"] == "02_c.html"
    assert middle["languages"] == []
    assert html.chapter_navigation(chapters, 2, "en")["next"] is None


def test_section_entries_are_filled_in_per_chapter():
    page = (
        "<ol><li>A<!--evalkit-sections:a--></li><li>B<!--evalkit-sections:b--></li></ol>"
        '<section class="evalkit-chapter-start" id="chapter-a"></section>'
        '<h1 id="A">A</h1><h2 id="x">Först &amp; sist<a class="anchor-link" href="#x">¶</a></h2>'
        '<section class="evalkit-chapter-start" id="chapter-b"></section><h3 id="y">not a section</h3>'
    )
    assert html.section_entries(page) == {"a": [("x", "Först &amp; sist")], "b": []}
    filled = html.add_section_entries(page)
    assert '<li>A<ol><li><a href="#x">Först &amp; sist</a></li></ol></li><li>B</li>' in filled
    assert "evalkit-sections" not in filled


def test_long_tokens_in_tables_may_wrap_and_text_outside_tables_is_untouched():
    page = "<p>study.staff.former_coordinator</p><table><tr><td>a*b_c.d</td><td>x.y_z+long_token_here</td></tr></table>"
    out = html.table_break_opportunities(page)
    assert out.startswith("<p>study.staff.former_coordinator</p>")
    assert "<td>a*b_c.d</td>" in out  # short tokens stay whole
    assert "<td>x.<wbr>y_<wbr>z+<wbr>long_<wbr>token_<wbr>here</td>" in out


def test_heading_texts_drop_anchor_links_and_tags():
    page = '<h1 id="a">Ett\n  kraftfullt <em>verktyg</em><a class="anchor-link" href="#a">¶</a></h1><h2>Å &amp; Ä</h2>'
    assert heading_texts(page) == ["Ett kraftfullt verktyg", "Å & Ä"]


def test_a_superscript_keeps_its_exponent_in_the_page():
    """nbconvert re-parsed each inline tag alone and printed "3,88 × 10<sup></sup>32" (HTML and PDF)."""
    import nbformat

    from evalkit.report import html

    nb = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output("display_data", data={"text/markdown": "tillåter 3,88 × 10<sup>32</sup> olika `x`"})
    nb.cells.append(nbformat.v4.new_code_cell(source="x", outputs=[output]))
    nb.cells.append(nbformat.v4.new_markdown_cell(source="omkring 10<sup>7</sup> gånger"))
    body, _ = html._exporter("sv").from_notebook_node(nb)
    assert "3,88 × 10<sup>32</sup> olika <code>x</code>" in body
    assert "omkring 10<sup>7</sup> gånger" in body
    assert "<sup></sup>" not in body


def test_the_running_header_is_the_title_of_the_pages_language(tmp_path):
    """An English page of the analysis carries the English title, never the Swedish one (ux review item 15)."""
    import json

    from evalkit import paths
    from evalkit.report.plan import study_title

    assert study_title(paths.DATA_DIR / "ovningslan-2025", "en").startswith("Coordinators against violence")
    assert study_title(paths.DATA_DIR / "ovningslan-2025", "sv").startswith("Kvinnofridssamordnare")
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"title": "Kvinnofridssamordnare i Fjällänet", "evalkit:county": "Fjällänet"}), encoding="utf-8"
    )
    assert study_title(tmp_path, "sv") == "Kvinnofridssamordnare i Fjällänet"
    assert study_title(tmp_path, "en") == "Coordinators against violence in close relationships in Fjällänet"
    assert study_title(tmp_path / "missing", "en") is None
