"""Every published claim says its own count, in both languages (the wording is the study's, the number the report's)."""

from __future__ import annotations

import re

import pytest

from evalkit import paths
from evalkit.present.language import number_word
from evalkit.study import load_study

#: Words that state a count relative to its denominator: (language, word) -> numerator / denominator.
RELATIVE = {
    ("sv", "alla"): 1.0,
    ("sv", "båda"): 1.0,
    ("sv", "hälften"): 0.5,
    ("en", "all"): 1.0,
    ("en", "both"): 1.0,
    ("en", "half"): 0.5,
}


def says_count(text: str, numerator: float, denominator, language: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    n = int(numerator)
    forms = {str(n), number_word(n, language).lower()}
    if language == "sv" and n == 1:
        forms |= {"en", "ett"}
    if language == "en" and n == 1:
        forms |= {"one", "a", "an"}
    if forms & set(words):
        return True
    if denominator is not None and denominator == denominator:
        share = numerator / denominator
        return any(RELATIVE.get((language, w)) == share for w in words)
    return False


@pytest.mark.parametrize(
    "study_dir", [paths.DEFAULT_STUDY_DIR, paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"]
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_claim_states_its_count(study_dir, language):
    claims = load_study(study_dir).tables["published_claims"]
    assert len(claims)
    wrong = [
        (row.claim_id, getattr(row, "claim_" + language))
        for row in claims.itertuples()
        if not says_count(getattr(row, "claim_" + language), float(row.numerator), row.denominator, language)
    ]
    assert not wrong, wrong


def test_the_swedish_claims_are_not_the_english_ones():
    claims = load_study(paths.DEFAULT_STUDY_DIR).tables["published_claims"]
    assert len(claims) >= 49 and (claims["claim_sv"] != claims["claim_en"]).all()
    english = re.compile(r"\b(the|of|and|have|has|coordinators?|municipalit(?:y|ies))\b", re.I)
    assert not [c for c in claims["claim_sv"] if english.search(c)]


def test_the_check_can_fail():
    assert not says_count("Tre av åtta kommuner.", 2, 8, "sv")
    assert not says_count("Half of them.", 2, 6, "en")
    assert says_count("Hälften av kommunerna.", 4, 8, "sv")
