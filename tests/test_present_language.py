"""Number words and count phrases (sv/en)."""

import pytest

from evalkit.present.language import (
    agree,
    capitalise,
    count_phrase,
    decapitalise,
    fill_template,
    number_word,
    singular_template,
    unit_noun,
)


@pytest.mark.parametrize(
    "n, sv, en",
    [
        (0, "noll", "zero"),
        (1, "en", "one"),
        (7, "sju", "seven"),
        (8, "åtta", "eight"),
        (12, "tolv", "twelve"),
        (13, "13", "13"),  # Språkrådet: words up to twelve, digits from 13
        (20, "20", "20"),
        (21, "21", "21"),
        (36, "36", "36"),
    ],
)
def test_number_words(n, sv, en):
    assert number_word(n, "sv") == sv
    assert number_word(n, "en") == en


def test_number_word_neuter_and_floats():
    assert number_word(1, "sv", neuter=True) == "ett"
    assert number_word(2, "sv", neuter=True) == "två"
    assert number_word(7.0, "en") == "seven"
    assert number_word(2.5, "sv") == "2,5"
    assert number_word(2.5, "en") == "2.5"


def test_brief_examples():
    assert (
        count_phrase(7, "municipalities", "sv", 8, "kommuner med samordnare") == "sju av åtta kommuner med samordnare"
    )
    assert count_phrase(7, "municipalities", "sv", 8) == "sju av åtta kommuner"
    assert (
        count_phrase(7, "municipalities", "en", 8, "municipalities with a coordinator")
        == "seven of eight municipalities with a coordinator"
    )
    assert count_phrase(1, "cases", "sv", 3) == "ett av tre ärenden"
    assert count_phrase(1, "municipalities", "sv", 8) == "en av åtta kommuner"


def test_plain_counts():
    assert count_phrase(6, "coordinators", "sv") == "sex samordnare"
    assert count_phrase(6, "coordinators", "en") == "six coordinators"
    assert count_phrase(1, "coordinators", "sv") == "en samordnare"
    assert count_phrase(1, "coordinators", "en") == "one coordinator"
    assert count_phrase(1, "cases", "sv") == "ett ärende"
    assert count_phrase(36, "interviews", "sv") == "36 intervjuer"
    assert count_phrase(0, "coordinators", "en") == "no coordinators"
    assert count_phrase(0, "interviews", "sv") == "inga intervjuer"


def test_all_both_none():
    assert count_phrase(6, "coordinators", "en", 6) == "all six coordinators"
    assert count_phrase(6, "coordinators", "sv", 6) == "alla sex samordnare"
    assert count_phrase(2, "municipalities", "en", 2) == "both municipalities"
    assert count_phrase(2, "municipalities", "sv", 2) == "två av två kommuner"
    assert count_phrase(0, "municipalities", "en", 8) == "none of the eight municipalities"
    assert count_phrase(0, "municipalities", "sv", 8) == "ingen av åtta kommuner"
    assert count_phrase(0, "cases", "sv", 3) == "inget av tre ärenden"


def test_denominator_above_twenty_and_missing_denominator():
    assert count_phrase(6, "interviews", "en", 36) == "six of 36 interviews"
    assert count_phrase(6, "interviews", "en", float("nan")) == "six interviews"


def test_population_label_is_decapitalised_unless_acronym():
    assert (
        count_phrase(3, "municipalities", "sv", 8, "Kommuner med samordnare") == "tre av åtta kommuner med samordnare"
    )
    assert decapitalise("IFO-chefer") == "IFO-chefer"
    assert decapitalise("IFO chefer") == "IFO chefer"


def test_unit_nouns():
    assert unit_noun("municipalities", 1, "sv") == "kommun"
    assert unit_noun("municipalities", 2, "en") == "municipalities"
    with pytest.raises(ValueError):
        unit_noun("municipalities", 2, "de")


def test_fill_template_capitalises_and_ends_sentence():
    assert fill_template("{count} har en plan", "sju av åtta kommuner") == "Sju av åtta kommuner har en plan."
    assert fill_template("I {count} finns rutiner.", "två av fyra kommuner") == "I två av fyra kommuner finns rutiner."
    assert capitalise("") == ""


def test_singular_template():
    assert singular_template("{count} have a plan") == "{count} has a plan"
    assert singular_template("{count} pass on information") == "{count} passes on information"
    assert singular_template("{count} personally offer talks") == "{count} personally offers talks"
    assert singular_template("{count} introduced bags") == "{count} introduced bags"
    assert singular_template("{count} drew up a list") == "{count} drew up a list"
    assert singular_template("{count} are placed") == "{count} is placed"
    assert singular_template("In {count}, x") == "In {count}, x"


def test_agree():
    assert agree(1, "has", "have") == "has"
    assert agree(3, "has", "have") == "have"


def test_a_count_with_unknown_values_says_for_how_many_it_is_not_known():
    from evalkit.present.language import count_sentence

    template_sv, template_en = "{count} informerar om utbildningar", "{count} pass on information about training"
    assert count_sentence(template_sv, 2, "coordinators", "sv", denominator=5, unknown=3) == (
        "Två av fem samordnare informerar om utbildningar; okänt för tre."
    )
    assert count_sentence(template_en, 0, "coordinators", "en", denominator=5, unknown=3) == (
        "None of the five coordinators passes on information about training; not known for three."
    )
    assert count_sentence(template_en, 0, "coordinators", "en", denominator=5, unknown=5) == (
        "An unknown number of the five coordinators pass on information about training; no value is known."
    )
    assert count_sentence(template_sv, 0, "coordinators", "sv", denominator=5) == (
        "Ingen av fem samordnare informerar om utbildningar."
    )
    assert count_sentence(template_sv, 0, "coordinators", "sv", denominator=0) == (
        "Studien har inga samordnare, så det här kan inte räknas."
    )
    assert count_sentence("{count} har ett ärende", 1, "cases", "sv", denominator=4, unknown=1) == (
        "Ett av fyra ärenden har ett ärende; okänt för ett."
    )


def test_a_population_of_one_and_labels_that_say_all():
    assert count_phrase(1, "municipalities", "sv", 1, "kommuner med familjefridsteam") == (
        "den enda kommunen med familjefridsteam"
    )
    assert count_phrase(0, "municipalities", "en", 1, "municipalities with a family-violence team") == (
        "no municipality with a family-violence team (of one)"
    )
    assert count_phrase(3, "municipalities", "sv", 7, "alla kommuner") == "tre av sju kommuner"
    assert count_phrase(25, "percent", "sv") == "25 procent" and count_phrase(5, "percent", "en") == "5 percent"
