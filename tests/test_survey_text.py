"""The survey's free-text answers per question (evalkit.analysis.survey_text)."""

from __future__ import annotations

import pytest

from evalkit import paths
from evalkit.analysis.survey_text import COLUMNS, SurveyTextError, alphabetical_key, survey_free_text
from evalkit.study import load_study

TEACHING = paths.DATA_DIR / "ovningslan-2025"


@pytest.fixture(scope="module")
def teaching():
    return load_study(TEACHING)


def test_every_answer_is_shown_once_sorted_and_unattributed(teaching):
    table = survey_free_text(teaching, "sv").set_index("item")
    assert list(table.reset_index().columns) == list(COLUMNS)
    survey = teaching.tables["survey_responses"]
    for item, columns in (
        ("q4_advantages", ["q4_advantages"]),
        ("q4_disadvantages", ["q4_disadvantages"]),
        ("q5_achievements", ["q5_achievement_1", "q5_achievement_2", "q5_achievement_3"]),
    ):
        expected = sorted((str(t) for c in columns for t in survey[c].dropna()), key=alphabetical_key)
        assert list(table.loc[item, "answers"]) == expected
        assert table.loc[item, "answered"] == int(survey[columns].notna().any(axis=1).sum())
        assert table.loc[item, "respondents"] == 4 and table.loc[item, "shown"] and table.loc[item, "note"] == ""
        assert not any(k in " ".join(expected) for k in ("K1", "K2", "K3", "K4"))
    assert len(table.loc["q5_achievements", "answers"]) == 9  # two coordinators named fewer than three
    assert table.loc["q4_advantages", "question"] == "Fördelar med placeringen"
    # Sorting tells nothing about who wrote what: the survey's row order is not kept.
    assert list(table.loc["q4_advantages", "answers"]) != [str(t) for t in survey["q4_advantages"]]


def test_swedish_alphabetical_order():
    assert sorted(["Ögon", "Äpple", "Åka", "Zebra", "apa"], key=alphabetical_key) == [
        "apa",
        "Zebra",
        "Åka",
        "Äpple",
        "Ögon",
    ]


def test_answers_stay_in_the_language_they_were_written_in(teaching):
    english = survey_free_text(teaching, "en").set_index("item")
    assert english["answers"].map(len).sum() == 0 and not english["shown"].any()
    assert (english["answered"] == 4).all()
    assert english.loc["q4_advantages", "question"] == "Advantages of the placement"
    assert english["note"].str.contains("written in Swedish and are given in the Swedish edition").all()


def test_the_default_study_publishes_no_individual_answers():
    table = survey_free_text(load_study(paths.DEFAULT_STUDY_DIR), "sv")
    assert (table["answered"] == 0).all() and (table["respondents"] == 6).all()
    assert (table["note"] == "Källrapporten återger inte de enskilda svaren.").all()


def test_an_answer_with_personal_data_or_a_municipality_is_refused():
    study = load_study(TEACHING)
    study.tables["survey_responses"].loc[1, "q4_advantages"] = "Ring mig på 070-123 45 67."
    with pytest.raises(SurveyTextError, match="survey_responses.csv, row 3, column q4_advantages: a phone number"):
        survey_free_text(study, "sv")
    study = load_study(TEACHING)
    study.tables["municipalities"].loc[0, "name"] = "Storstad"
    study.tables["survey_responses"].loc[0, "q5_achievement_2"] = "Ett nätverk för hela Storstad."
    with pytest.raises(SurveyTextError, match="names the municipality 'Storstad'"):
        survey_free_text(study, "en")
