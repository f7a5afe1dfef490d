"""Numbers, captions and table text as a Swedish and an English reader expect them."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from studies import tiny_study

from evalkit import paths
from evalkit.present import captions
from evalkit.present import numbers as N
from evalkit.present import tables as T

NBSP = "\u00a0"
DEMO_STUDY = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def test_swedish_numbers():
    assert N.format_number(1234.5, "sv", 1) == f"1{NBSP}234,5"
    assert N.format_number(1234567, "sv") == f"1{NBSP}234{NBSP}567"
    assert N.format_number(0.6, "sv", 2) == "0,60"
    assert N.format_number(-0.001, "sv", 2) == "0,00"  # no "-0,00"
    assert N.format_number(2018, "sv", grouping=False) == "2018"
    assert N.format_percent(0.25, "sv") == f"25{NBSP}%"
    assert N.format_percent(0.125, "sv", 1) == f"12,5{NBSP}%"
    assert N.format_points(16.7, "sv", 1) == f"16,7{NBSP}%"


def test_english_numbers():
    assert N.format_number(1234.5, "en", 1) == "1,234.5"
    assert N.format_number(0.6, "en", 2) == "0.60"
    assert N.format_number(-0.004, "en", 2) == "0.00"
    assert N.format_percent(0.25, "en") == "25%"
    assert N.format_percent(0.125, "en", 1) == "12.5%"


def test_numbers_reject_missing_values_and_unknown_languages():
    with pytest.raises(ValueError, match="not a number"):
        N.format_number(float("nan"), "sv")
    with pytest.raises(ValueError, match="language"):
        N.format_number(1, "de")


def test_decimals_needed_is_one_count_per_column():
    assert N.decimals_needed([70.0, 35.0, 5.0]) == 0
    assert N.decimals_needed([0.44, 0.6]) == 2
    assert N.decimals_needed([16.66666], most=1) == 1
    assert N.decimals_needed([float("nan"), None]) == 0


def test_numbers_do_not_follow_the_machine_locale():
    """The same bytes under another LC_ALL/LANG: Babel's bundled data, not the C library's locale."""
    code = "from evalkit.present.numbers import format_number as f; print(f(1234.5, 'sv', 2), f(1234.5, 'en', 2))"
    outputs = set()
    for value in ("C", "C.UTF-8", "de_DE.UTF-8", "sv_SE.UTF-8"):
        environment = dict(os.environ, LC_ALL=value, LANG=value)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert outputs == {f"1{NBSP}234,50 1,234.50\n"}


def test_display_frame_writes_numbers_by_language():
    frame = pd.DataFrame(
        {
            "municipality_id": ["A", "B"],
            "share": [0.25, 0.5],
            "mean_score": [0.5, float("nan")],
            "share_of_post_pct": [16.7, 100.0],
            "start_year": [2018, 2016],
            "n": [1234, 2],
        }
    )
    study = tiny_study()
    sv = T.display_frame(frame, study, "sv")
    assert sv.iloc[0].tolist() == ["Kommun A", f"25{NBSP}%", "0,50", "16,7", "2018", f"1{NBSP}234"]
    assert sv.iloc[1].tolist() == ["Kommun B", f"50{NBSP}%", "okänt", "100,0", "2016", "2"]
    en = T.display_frame(frame, study, "en")
    assert en.iloc[0].tolist() == ["Municipality A", "25%", "0.50", "16.7", "2018", "1,234"]
    assert en.iloc[1, 2] == "unknown"


def test_qca_expressions_read_as_words():
    study = tiny_study()
    conditions = study.codebook["conditions"]
    first, second = conditions["condition_id"].iloc[0], conditions["condition_id"].iloc[1]
    label = {row.condition_id: row for row in conditions.itertuples()}
    sv = T.expression_text(study, f"{first}*~{second} + {second}", "sv")
    expected_first = T.decapitalise(label[first].label_sv)
    expected_second = T.decapitalise(label[second].label_sv)
    assert sv == f"{expected_first} • inte {expected_second} eller {expected_second}"
    en = T.expression_text(study, f"~{first}", "en")
    assert en == "not " + T.decapitalise(label[first].label_en)


def test_captions_are_numbered_per_chapter():
    assert captions.label("table", "02_quality_areas", 3, "sv") == "Tabell 2.3"
    assert captions.label("figure", "02_quality_areas", 1, "sv") == "Figur 2.1"
    assert captions.label("table", "00_study", 1, "en") == "Table 0.1"
    assert captions.label("figure", "04_success_factors", 2, "en") == "Figure 4.2"
    with pytest.raises(KeyError, match="TABLE_CAPTIONS"):
        captions.table_caption("no_such_table", "sv")


@pytest.mark.parametrize(
    ("language", "table_word", "figure_word"), [("sv", "Tabell", "Figur"), ("en", "Table", "Figure")]
)
def test_a_chapter_numbers_its_tables_and_figures(monkeypatch, language, table_word, figure_word):
    from evalkit import notebook
    from evalkit.analysis import organisation
    from evalkit.present import figures

    shown = []
    monkeypatch.setattr(notebook, "_display_html", lambda markup, text: shown.append((markup, text)))
    chapter = notebook.open_chapter("01_organisation", study=DEMO_STUDY, language=language)
    chapter.table(organisation.posts_by_coordinator(chapter.study), "posts_by_coordinator")
    chapter.figure(
        figures.time_split_figure(organisation.time_split(chapter.study), chapter.study, language), "time_split"
    )
    chapter.table(organisation.placement_summary(chapter.study), "placement")
    chapter.table(organisation.posts_by_coordinator(chapter.study), "posts_by_coordinator")  # shown again: same number
    labels = [text.split(". ")[0] for _, text in shown]
    assert labels == [f"{table_word} 1.1", f"{figure_word} 1.1", f"{table_word} 1.2", f"{table_word} 1.1"]
    table_markup = shown[0][0]
    assert f'<caption><span class="evalkit-caption-label">{table_word} 1.1.</span>' in table_markup
    assert '<th scope="row">' in table_markup and "<thead>" in table_markup
    figure_markup = shown[1][0]
    assert figure_markup.startswith('<figure class="evalkit-figure"><img src="data:image/svg+xml;base64,')
    alt = captions.figure_alt_text("time_split", language)
    assert f'alt="{alt}"' in figure_markup and "<figcaption>" in figure_markup
    placement = shown[2][0]  # the share column is written as a percentage
    assert "%" in placement and (f"{NBSP}%" in placement) == (language == "sv")
