"""Pseudonymous labels and codebook labels."""

import pytest
from studies import tiny_study

from evalkit.present.labels import (
    condition_label,
    coordinator_label,
    indicator_label,
    measure_label,
    municipality_label,
    population_label,
    quality_area_label,
    vocabulary_label,
    vocabulary_labels,
)


def test_municipality_label_pseudonymous_by_default():
    study = tiny_study()
    assert municipality_label("A", "sv", study) == "Kommun A"
    assert municipality_label("A", "en", study) == "Municipality A"
    assert municipality_label("A", "en") == "Municipality A"


def test_real_name_only_when_revealed_and_present():
    study = tiny_study()
    assert municipality_label("A", "sv", study, reveal_names=True) == "Realtown"
    assert municipality_label("B", "sv", study, reveal_names=True) == "Kommun B"  # no name stored
    assert municipality_label("A", "sv", study, reveal_names=False) == "Kommun A"


def test_language_is_checked():
    with pytest.raises(ValueError):
        municipality_label("A", "de")


def test_codebook_labels():
    study = tiny_study()
    assert coordinator_label("C1", "sv") == "Samordnare C1"
    assert quality_area_label(study, "safety", "sv") == "Trygghet"
    assert indicator_label(study, "know_plan", "en") == "Plan"
    assert condition_label(study, "closeness", "sv") == "Närhet"
    assert measure_label(study, "m1", "en") == "Violence cases opened"
    assert population_label(study, "coordinators", "sv") == "samordnare"
    assert population_label(study, "nope", "sv") is None
    assert quality_area_label(study, "missing", "en") == "missing"


def test_vocabulary_labels_with_builtins():
    study = tiny_study()
    assert vocabulary_label(study, "role", "strategic", "sv") == "Rent strategisk"
    assert vocabulary_label(study, "group", "team_based", "en").startswith("Family-violence team")
    assert vocabulary_label(study, "activity", "strategic", "sv") == "Samordning på strategisk nivå"
    assert vocabulary_label(study, "role", "unlisted", "en") == "unlisted"
    labels = vocabulary_labels(study, "value", "sv")
    assert labels["partly"] == "Delvis"
