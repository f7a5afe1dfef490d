"""Count phrases for every count 0..14, with and without unknowns, in both languages, for every unit.

The expected strings are built here from the grammar tables below (number words, nouns and their
gender, the verb's singular), not by the code under test; the special cases are written out in full.
"""

from __future__ import annotations

import pytest

from evalkit.present.language import UNIT_NOUNS, count_sentence, negate_label

SV = ["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]
EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
#: unit -> (sv singular, sv plural, sv ett-word, en singular, en plural)
NOUNS = {
    "municipalities": ("kommun", "kommuner", False, "municipality", "municipalities"),
    "coordinators": ("samordnare", "samordnare", False, "coordinator", "coordinators"),
    "interviews": ("intervju", "intervjuer", False, "interview", "interviews"),
    "cases": ("ärende", "ärenden", True, "case", "cases"),
    "documents": ("dokument", "dokument", True, "document", "documents"),
}
UNITS = sorted(NOUNS)
DENOMINATOR = 14


def _sv_number(n: int, neuter: bool) -> str:
    if n > 12:
        return str(n)
    return "ett" if (n == 1 and neuter) else SV[n]


def _en_number(n: int) -> str:
    return str(n) if n > 12 else EN[n]


def expected_sv(n: int, unit: str, unknown: int) -> str:
    singular, plural, neuter, _, _ = NOUNS[unit]
    adjective = ("nöjt" if neuter else "nöjd") if n <= 1 else "nöjda"
    if n == 0:
        subject = f"{'inget' if neuter else 'ingen'} av {DENOMINATOR} {plural}"
    elif n == DENOMINATOR:
        subject = f"alla {DENOMINATOR} {plural}"
    else:
        subject = f"{_sv_number(n, neuter)} av {DENOMINATOR} {plural}"
    text = f"{subject} är {adjective} med modellen"
    text = text[0].upper() + text[1:]
    if unknown:
        text += f"; okänt för {_sv_number(unknown, neuter)}"
    return text + "."


def expected_en(n: int, unit: str, unknown: int) -> str:
    _, _, _, singular, plural = NOUNS[unit]
    verb = "is" if n <= 1 else "are"  # "none of the … is": singular after none, as after one
    if n == 0:
        subject = f"none of the {DENOMINATOR} {plural}"
    elif n == DENOMINATOR:
        subject = f"all {DENOMINATOR} {plural}"
    else:
        subject = f"{_en_number(n)} of {DENOMINATOR} {plural}"
    text = f"{subject} {verb} satisfied with the model"
    text = text[0].upper() + text[1:]
    if unknown:
        text += f"; not known for {_en_number(unknown)}"
    return text + "."


CASES = [
    (n, unit, unknown) for unit in UNITS for n in range(DENOMINATOR + 1) for unknown in (0, 1) if n + unknown <= 14
]


@pytest.mark.parametrize("n, unit, unknown", CASES)
def test_count_phrases_agree(n, unit, unknown):
    sv = count_sentence("{count} är nöjda med modellen", n, unit, "sv", denominator=DENOMINATOR, unknown=unknown)
    en = count_sentence("{count} are satisfied with the model", n, unit, "en", denominator=DENOMINATOR, unknown=unknown)
    assert sv == expected_sv(n, unit, unknown)
    assert en == expected_en(n, unit, unknown)


def test_every_unit_with_a_noun_is_in_the_table():
    assert set(UNIT_NOUNS) - {"percent"} == set(NOUNS)


@pytest.mark.parametrize(
    "args, sv, en",
    [
        # A population of one: the only member, singular verb and adjective.
        (
            (1, 1, 0),
            "Den enda kommunen med familjefridsteam är nöjd med sin teammodell.",
            "The only municipality with a family-violence team is satisfied with their team model.",
        ),
        (
            (0, 1, 0),
            "Ingen kommun med familjefridsteam (av en) är nöjd med sin teammodell.",
            "No municipality with a family-violence team (of one) is satisfied with their team model.",
        ),
        # Its only value unknown: said of that one, never "an unknown number of the one municipalities".
        (
            (0, 1, 1),
            "Det är okänt om den enda kommunen med familjefridsteam är nöjd med sin teammodell.",
            "It is not known whether the only municipality with a family-violence team is satisfied with their "
            "team model.",
        ),
        # Every value unknown in a larger population.
        (
            (0, 6, 6),
            "Ett okänt antal av sex kommuner med familjefridsteam är nöjda med sin teammodell; inget värde är känt.",
            "An unknown number of the six municipalities with a family-violence team are satisfied with their team "
            "model; no value is known.",
        ),
        # Zero with an unknown: "Ingen av sex …; okänt för en", never "Noll av sex".
        (
            (0, 6, 1),
            "Ingen av sex kommuner med familjefridsteam är nöjd med sin teammodell; okänt för en.",
            "None of the six municipalities with a family-violence team is satisfied with their team model; not "
            "known for one.",
        ),
        # Zero of two: "Neither of the two … is", "Ingen av de två kommunerna … är nöjd".
        (
            (0, 2, 0),
            "Ingen av de två kommunerna med familjefridsteam är nöjd med sin teammodell.",
            "Neither of the two municipalities with a family-violence team is satisfied with their team model.",
        ),
        (
            (0, 2, 1),
            "Ingen av de två kommunerna med familjefridsteam är nöjd med sin teammodell; okänt för en.",
            "Neither of the two municipalities with a family-violence team is satisfied with their team model; not "
            "known for one.",
        ),
        (
            (1, 2, 0),
            "En av två kommuner med familjefridsteam är nöjd med sin teammodell.",
            "One of two municipalities with a family-violence team is satisfied with their team model.",
        ),
        (
            (1, 2, 1),
            "En av två kommuner med familjefridsteam är nöjd med sin teammodell; okänt för en.",
            "One of two municipalities with a family-violence team is satisfied with their team model; not known "
            "for one.",
        ),
        (
            (0, 2, 2),
            "Ett okänt antal av två kommuner med familjefridsteam är nöjda med sin teammodell; inget värde är känt.",
            "An unknown number of the two municipalities with a family-violence team are satisfied with their team "
            "model; no value is known.",
        ),
        (
            (2, 2, 0),
            "Två av två kommuner med familjefridsteam är nöjda med sin teammodell.",
            "Both municipalities with a family-violence team are satisfied with their team model.",
        ),
    ],
)
def test_small_populations_and_unknowns(args, sv, en):
    n, d, unknown = args
    assert (
        count_sentence(
            "{count} är nöjda med sin teammodell",
            n,
            "municipalities",
            "sv",
            denominator=d,
            population_label="kommuner med familjefridsteam",
            unknown=unknown,
        )
        == sv
    )
    assert (
        count_sentence(
            "{count} are satisfied with their team model",
            n,
            "municipalities",
            "en",
            denominator=d,
            population_label="municipalities with a family-violence team",
            unknown=unknown,
        )
        == en
    )


@pytest.mark.parametrize(
    "label, language, negated",
    [
        ("Tjänsten kombineras med handläggning", "sv", "Tjänsten kombineras inte med handläggning"),
        ("Tjänsten delas mellan kommuner", "sv", "Tjänsten delas inte mellan kommuner"),
        ("Placeringen passar inte rollen", "sv", "Placeringen passar rollen"),
        ("Rätt person på rätt plats", "sv", "Inte rätt person på rätt plats"),
        ("Post combined with casework", "en", "Post not combined with casework"),
        ("Placement does not fit the role", "en", "Placement fits the role"),
        ("The right person in the right place", "en", "Not the right person in the right place"),
    ],
)
def test_negated_condition_labels_read_as_speakers_say_them(label, language, negated):
    assert negate_label(label, language) == negated


def test_the_default_study_names_the_absence_of_each_condition():
    from evalkit import paths
    from evalkit.present.tables import condition_text
    from evalkit.study import load_study

    study = load_study(paths.DEFAULT_STUDY_DIR)
    conditions = study.codebook["conditions"]["condition_id"]
    for language in ("sv", "en"):
        for condition in conditions:
            text = condition_text(study, "~" + condition, language)
            assert not text.lower().startswith(("inte tjänsten", "inte placeringen", "not post", "not placement"))
            assert "inte placeringen passar inte" not in text.lower()
    assert condition_text(study, "~placement_misfit", "sv") == "placeringen passar rollen"
    assert condition_text(study, "~expert_team", "sv") == "inget team med experter från olika enheter"


#: unit -> (sv definite plural, sv ett-word)
DEFINITE_PLURAL = {
    "municipalities": ("kommunerna", False),
    "coordinators": ("samordnarna", False),
    "interviews": ("intervjuerna", False),
    "cases": ("ärendena", True),
    "documents": ("dokumenten", True),
}


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("unknown", (0, 1))
def test_zero_of_two_for_every_unit(unit, unknown):
    """'Ingen/Inget av de två …' with the definite plural; 'Neither of the two … works'."""
    definite, neuter = DEFINITE_PLURAL[unit]
    tail_sv = f"; okänt för {'ett' if neuter else 'en'}." if unknown else "."
    tail_en = "; not known for one." if unknown else "."
    sv = count_sentence("{count} arbetar deltid", 0, unit, "sv", denominator=2, unknown=unknown)
    en = count_sentence("{count} work part time", 0, unit, "en", denominator=2, unknown=unknown)
    assert sv == f"{'Inget' if neuter else 'Ingen'} av de två {definite} arbetar deltid" + tail_sv
    assert en == f"Neither of the two {NOUNS[unit][4]} works part time" + tail_en


@pytest.mark.parametrize(
    "template, n, d, expected",
    [
        ("{count} work part time", 0, 2, "Neither of the two coordinators works part time."),
        ("{count} work part time", 0, 6, "None of the six coordinators works part time."),
        (
            "{count} have a competence development plan",
            0,
            6,
            "None of the six coordinators has a competence development plan.",
        ),
        ("{count} personally offer advice", 0, 6, "None of the six coordinators personally offers advice."),
        ("{count} work part time", 1, 2, "One of two coordinators works part time."),
        ("{count} work part time", 2, 2, "Both coordinators work part time."),
        ("{count} work part time", 2, 6, "Two of six coordinators work part time."),
    ],
)
def test_english_verbs_agree_after_none_neither_and_one(template, n, d, expected):
    assert count_sentence(template, n, "coordinators", "en", denominator=d) == expected


def test_a_population_label_the_definite_form_cannot_be_made_of_keeps_the_indefinite():
    # "personer" does not end in the unit's plural noun: no guessed definite form.
    text = count_sentence("{count} arbetar deltid", 0, "coordinators", "sv", denominator=2, population_label="personer")
    assert text == "Ingen av två personer arbetar deltid."
    text = count_sentence(
        "{count} arbetar deltid", 0, "coordinators", "sv", denominator=2, population_label="kvinnofridssamordnare"
    )
    assert text == "Ingen av de två kvinnofridssamordnarna arbetar deltid."
