"""Sentences about a study come from its data: hand-checked on the demo county, and safe on an empty study."""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path

import pytest

from evalkit import paths
from evalkit.analysis import comparison, success_factors
from evalkit.present import narrative
from evalkit.scaffold import create_study
from evalkit.study import load_study

DEMO = Path(__file__).parent / "fixtures" / "demo-county"


@pytest.fixture(scope="module")
def demo():
    return load_study(DEMO)


@pytest.fixture(scope="module")
def default():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    return load_study(create_study(tmp_path_factory.mktemp("new") / "empty-county"))


def study_functions():
    """Every public narrative function that takes only the study (and the language)."""
    return [
        f
        for name, f in inspect.getmembers(narrative, inspect.isfunction)
        if not name.startswith("_")
        and f.__module__ == narrative.__name__
        and list(inspect.signature(f).parameters)[1] == "language"
    ]


def all_sentences(study, language):
    texts = [f(study, language=language) for f in study_functions()]
    texts.append(narrative.team_model_summary(study, comparison.team_model_profile(study), language=language))
    for kind, outcome in (("success_factor", "outcome"), ("failure_explanation", "~outcome")):
        result = success_factors.qca_analysis(study, kind=kind, outcome=outcome)
        texts.append(narrative.qca_solutions_summary(study, result, outcome, language=language))
    return texts


def test_demo_overview_by_hand(demo):
    """Demo county (tests/fixtures/README.md): 7 municipalities in Exempellän, 5 with a coordinator, 1 team, 1 none."""
    assert narrative.study_overview(demo, language="sv").startswith(
        "Studien omfattar sju kommuner i Exempellän: fem med kvinnofridssamordnare, en med familjefridsteam och en "
        "utan särskild organisering. Där arbetar fyra samordnare. Underlaget är 22 intervjuer, enkätsvar från alla "
        "fyra samordnare och ärendestatistik från två kommuner."
    )
    assert "evaluators' own fieldwork" in narrative.study_overview(demo, language="en")


def test_demo_details_by_hand(demo):
    # C4 left question 3 empty: unknown for one, never "no".
    assert narrative.time_split_summary(demo, language="en") == (
        "Three of four coordinators have said how the post is split (question 3); not known for one."
    )
    # C3 serves K04 (50 %) and K05 (30 %).
    assert narrative.posts_summary(demo, language="sv").endswith(
        "Samordnare C3 arbetar i två kommuner (kommunerna K04 och K05): 50\u00a0% i kommun K04 och 30\u00a0% i "
        "kommun K05."  # Babel: a no-break space before the per cent sign
    )
    assert narrative.team_summary(demo, language="sv") == (
        "Studien har en kommun med familjefridsteam (kommun K06) och fem kommuner med samordnare. "
        "Teamkommunen är liten."
    )
    # 22 interviews: 10 telephone, 8 in person, 3 video, 1 written.
    assert narrative.interviews_summary(demo, language="en").endswith(
        "Of these, ten were held by telephone, eight in person, three by video and one in writing."
    )


def test_the_default_study_says_what_is_reconstructed(default):
    assert "Alla sex tidsfördelningarna är rekonstruerade." in narrative.time_split_summary(default, language="sv")
    assert "angivet i rapporten eller rekonstruerat" in narrative.study_kind_sentence(default, language="sv")
    text = narrative.qca_cases_summary(default, language="en")
    assert re.search(
        r"\d+ of 32 success-factor values, \d+ of 40 failure-explanation values and five of eight outcomes are "
        "reconstructed",
        text,
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_sentence_is_clean_on_every_study(demo, default, empty, language):
    for study in (demo, default, empty):
        for text in all_sentences(study, language):
            assert isinstance(text, str)
            assert not re.search(r"\{|\bnan\b|\bNone\b|<NA>|\bnoll (kommuner|samordnare|intervjuer)\b", text), text


def test_an_empty_study_is_not_described_as_having_none_of_zero(empty):
    for language in ("sv", "en"):
        text = " ".join(all_sentences(empty, language))
        assert "av noll" not in text and "of zero" not in text and "none of the zero" not in text.lower()
    assert narrative.study_overview(empty, language="en") == (
        "The study holds no municipalities yet, so there is nothing to report."
    )


def test_no_narrative_names_a_county_the_study_does_not_hold(demo, tmp_path):
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    text = " ".join(all_sentences(load_study(copy), "sv") + all_sentences(demo, "en"))
    assert "Västmanland" not in text and "Exempellän" in text
