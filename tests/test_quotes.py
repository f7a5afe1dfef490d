"""Quotes from the coded interviews: chosen, attributed by role, private, in their own language, and checked."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from evalkit import paths, privacy
from evalkit.analysis.quotes import QUOTE_COLUMNS, QuoteError, quotes, quotes_note
from evalkit.present.quotes import quote_attribution
from evalkit.study import load_study, validate_study
from evalkit.study.validate import inspect_study

TEACHING = paths.DATA_DIR / "ovningslan-2025"
SEGMENTS = "coded_segments.csv"


@pytest.fixture(scope="module")
def teaching():
    return load_study(TEACHING)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "ovningslan-2025"
    shutil.copytree(TEACHING, target)
    return target


def edit_segment(study: Path, number: int, **values: str) -> None:
    """Set cells of data row ``number`` (1 = first) of coded_segments.csv."""
    with open(study / SEGMENTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for column, value in values.items():
        rows[number][rows[0].index(column)] = value
    with open(study / SEGMENTS, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def problems(study: Path) -> list[str]:
    return [problem.render() for problem in validate_study(study)]


# --------------------------------------------------------------------------- choosing and attributing
def test_the_teaching_county_quotes_several_quality_areas_and_conditions(teaching):
    chosen = quotes(teaching, "sv")
    assert list(chosen.columns) == list(QUOTE_COLUMNS)
    areas = chosen.loc[chosen["group"] == "quality_area", "quality_area_id"]
    conditions = chosen.loc[chosen["group"] == "condition", "condition_id"]
    assert areas.nunique() == 6 and conditions.nunique() == 7
    assert chosen.groupby(["group", "quality_area_id", "condition_id"], dropna=False).size().max() <= 3
    assert set(chosen["language"]) == {"sv"}
    # Deterministic, in codebook order, one quote per interview and group.
    assert quotes(teaching, "sv").equals(chosen)
    order = list(teaching.codebook["quality_areas"].sort_values("order")["quality_area_id"])
    assert list(dict.fromkeys(areas)) == order
    assert not chosen.duplicated(["group", "quality_area_id", "condition_id", "interview_id"]).any()
    # Non-quotable segments are never shown.
    assert "Kunskapen har blivit bättre." not in set(chosen["text"])


def test_attributions_name_roles_only(teaching):
    chosen = quotes(teaching, "sv")
    municipalities = teaching.tables["municipalities"]
    words = set(municipalities["municipality_id"]) | set(teaching.tables["interviews"]["interview_id"])
    for attribution in chosen["attribution"]:
        assert not set(re.findall(r"\w+", attribution)) & words, attribution
        assert "Kommun" not in attribution and "Övningslänet" not in attribution
    assert set(chosen["attribution"]) == {
        "Socialsekreterare",  # six social workers
        "Kvinnofridssamordnare",  # four coordinators
        "Chef för individ- och familjeomsorgen",  # five IFO heads
        "Chef",  # adult-unit and team heads: two each, so the group is named
        "Extern samverkanspart",  # one police officer, one from the children's advocacy centre
    }
    for text in chosen["text"]:
        assert privacy.find_personal_data(text) == []


def test_small_roles_and_groups_are_attributed_generically(teaching):
    assert quote_attribution(teaching, "IV14", "sv") == "Socialsekreterare"
    assert quote_attribution(teaching, "IV14", "en") == "Social worker"
    assert quote_attribution(teaching, "IV07", "sv") == "Chef"  # two adult-unit heads
    assert quote_attribution(teaching, "IV22", "en") == "External partner"  # one police interview
    assert quote_attribution(teaching, "NO_SUCH", "sv") == "Intervjuperson"
    strict = load_study(TEACHING)
    strict.descriptor["evalkit:small_cell_threshold"] = 6
    assert quote_attribution(strict, "IV14", "sv") == "Socialsekreterare"  # six social workers
    assert quote_attribution(strict, "IV01", "sv") == "Intervjuperson"  # four coordinators, four interviews
    assert quote_attribution(strict, "IV05", "en") == "Manager"  # five IFO heads, nine managers


def test_quotes_are_shown_only_in_the_edition_of_their_language(teaching):
    assert quotes(teaching, "en").empty
    note = quotes_note(teaching, "en")
    assert "in Swedish, the language they were said in" in note and "not translated" in note
    assert "återges med den intervjuades roll" in quotes_note(teaching, "sv")
    english = load_study(TEACHING)
    english.descriptor["evalkit:language"] = "en"
    assert quotes(english, "sv").empty and len(quotes(english, "en")) == len(quotes(teaching, "sv"))
    assert "på engelska, det språk de sades på, i den engelska utgåvan" in quotes_note(english, "sv")


def test_the_default_study_has_no_quotes_and_says_why():
    study = load_study(paths.DEFAULT_STUDY_DIR)
    assert quotes(study, "sv").empty and quotes(study, "en").empty
    assert quotes_note(study, "sv").startswith("Rapporten återger inga citat ur intervjuerna")
    assert "source report's quotes are its own selection" in quotes_note(study, "en")


def test_a_quote_with_personal_data_is_never_returned():
    study = load_study(TEACHING)
    segments = study.tables["coded_segments"]
    segments.loc[0, "excerpt"] = "Det var Anna Andersson som ordnade utbildningen."
    with pytest.raises(
        QuoteError, match=r"coded_segments.csv, row 2 \(segment ovningslan-2025.qdpx/S001\): a personal name"
    ):
        quotes(study, "sv")
    segments.loc[0, "excerpt"] = "I kommun P är det annorlunda."
    with pytest.raises(QuoteError, match="names the municipality 'P'"):
        quotes(study, "en")


# --------------------------------------------------------------------------- what validate checks
def test_a_quote_that_contradicts_its_assessment_is_refused(copy):
    edit_segment(copy, 10, value="yes")  # IV19 in T, legal certainty: T is assessed 'no'
    assert problems(copy) == [
        "coded_segments.csv, row 11, column value: the quotable segment says 'yes' about indicator "
        "legal_certainty_improved, but assessments gives T no; a quote beside the finding would contradict it. "
        "Correct the segment's value or the assessments row it illustrates, or set quotable to no."
    ]
    edit_segment(copy, 10, quotable="")  # not a quote: coders may read an interview otherwise
    assert problems(copy) == []


def test_a_condition_quote_is_checked_against_the_conditions(copy):
    edit_segment(copy, 19, value="no")  # IV18 in S, shared post: S shares its post ('yes')
    (line,) = problems(copy)
    assert "says 'no' about condition shared_post, but conditions gives S yes" in line


def test_quotes_with_personal_data_a_municipality_or_too_many_words_are_refused(copy):
    edit_segment(copy, 1, excerpt="Som Anna Andersson brukar säga: fråga alltid om våld.")
    edit_segment(copy, 2, excerpt="I kommun Q följer ingen upp vad vi behöver kunna.")
    edit_segment(copy, 3, excerpt=" ".join(["ord"] * 81))
    edit_segment(copy, 5, excerpt="")
    lines = problems(copy)
    assert any(
        line.startswith("coded_segments.csv, row 2, column excerpt: the quotable excerpt holds a personal name")
        for line in lines
    )
    assert any("row 3, column excerpt: the quotable excerpt names 'Q'" in line for line in lines)
    assert any("row 4, column excerpt: the quotable excerpt has 81 words" in line for line in lines)
    assert any("row 6, column excerpt: the segment is marked quotable but has no excerpt" in line for line in lines)
    assert len(lines) == 4, lines


def test_a_segment_names_exactly_one_indicator_or_condition(copy):
    edit_segment(copy, 1, condition_id="expert_team")
    edit_segment(copy, 4, indicator_id="")
    edit_segment(copy, 21, condition_id="no_such_condition")
    lines = problems(copy)
    assert any(
        "row 2, column condition_id: the segment names both an indicator and a condition" in line for line in lines
    )
    assert any(
        "row 5, column indicator_id: the segment names neither an indicator nor a condition" in line for line in lines
    )
    assert any("row 22, column condition_id" in line and "no_such_condition" in line for line in lines)


def test_a_partner_quote_under_a_municipal_indicator_has_nothing_to_agree_with(copy):
    edit_segment(copy, 7, indicator_id="knowledge_improved")  # IV22, police: about no municipality
    (line,) = problems(copy)
    assert "row 8, column interview_id: the quotable segment is from an interview that is about none" in line


def test_quotable_may_be_typed_in_swedish_and_old_segment_files_stay_valid(copy):
    edit_segment(copy, 1, quotable="Ja")
    assert problems(copy) == []
    assert any("quotable" in note.render() for note in inspect_study(copy).notes)
    with open(copy / SEGMENTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, name in enumerate(rows[0]) if name not in ("quotable", "condition_id")]
    rows = [[row[i] for i in keep] for row in rows if row[rows[0].index("indicator_id")] or row is rows[0]]
    with open(copy / SEGMENTS, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    assert problems(copy) == []
    assert quotes(load_study(copy), "sv").empty


def test_the_teaching_county_registers_its_segments_like_the_qda_import(teaching):
    descriptor = json.loads((TEACHING / "datapackage.json").read_text(encoding="utf-8"))
    assert "coded_segments" in [resource["name"] for resource in descriptor["resources"]]
    segments = teaching.tables["coded_segments"]
    assert set(segments["quotable"].dropna()) == {"yes"} and segments["quotable"].isna().sum() == 2
