"""A name scan that fits Sweden (issue 19.8; probes N49e–N49h of the turn-3 reliability review).

The figures (recall on held-out names, false positives on the default studies' text) come from
``benchmarks/name_scan.py``; the levels asserted here are the ones recorded in docs/privacy.md,
less a small margin, so a change that loses names or starts flagging ordinary text fails.
"""

from __future__ import annotations

import importlib.util

import pytest

from evalkit import paths, privacy

spec = importlib.util.spec_from_file_location("name_scan", paths.PACKAGE_DIR.parent / "benchmarks" / "name_scan.py")
name_scan = importlib.util.module_from_spec(spec)
spec.loader.exec_module(name_scan)


def names_in(text: str) -> list[str]:
    return [shown for kind, shown in privacy.find_personal_data(text) if kind == "personal name"]


@pytest.mark.parametrize(
    "text",
    [
        # N49e: names carried in Sweden across origins
        "Mohammed Ali berättade",
        "sa Mohammed Hassan",
        "Intervju med Fatima Hassan",
        "sa Ahmed att",
        "hon sa att Ali slog henne",
        "Zeynep Yilmaz sa",
        "Nguyen Van Anh",
        "Intervju med Mohammed Hassan och Fatima Ali på socialtjänsten",
        # N49f: the commonest names of young people
        "Elias Nilsson och Noah Karlsson berättade om hemmet",
        "och Liam gick",
        "med Lucas",
        "Leo sa",
        "och Olivia var där",
        # N49g: lower and upper case, "Surname, Given"
        "jag pratade med anna andersson igår",
        "enligt anna andersson och erik svensson (handläggare)",
        "ANNA ANDERSSON ringde",
        "Andersson, Anna ringde",
        # names that are also words, next to a surname or in a name-like context
        "Per Svensson",
        "per andersson ringde",
        "enligt Per var det svårt",
        "Björn sa",
        "Can Yilmaz",
    ],
)
def test_names_carried_in_sweden_are_found(text):
    assert names_in(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Per år ökade antalet.",
        "Hans mamma ringde och hans pappa kom.",
        "björnen sov i idet",
        "per capita",
        "in any case the key is per row",
        "det kan vara så",
        "In May 2016 the plan was adopted.",
        "Sala kommun och Västerås stad",
        "Kap. 2, Rätt person på rätt plats",
        "Samordnaren och socialtjänsten gick igenom rutinen med polisen.",
        "the kit to make a report; or case by case",
    ],
)
def test_ordinary_words_that_are_also_names_are_not_flagged(text):
    assert names_in(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "anna.andersson at kommun.se",  # N49h
        "anna.andersson[at]kommun.se",
        "anna (at) kommun (dot) se",
        "anna snabel-a kommun.se",
        "kontakt: a.andersson AT kommun.se",
        "anna.andersson@kommun.se",
    ],
)
def test_e_mail_addresses_written_to_dodge_a_scanner_are_found(text):
    found = [shown for kind, shown in privacy.find_personal_data(text) if kind == "e-mail address"]
    assert found and "andersson" not in found[0] and "anna." not in found[0], found


@pytest.mark.parametrize("text", ["available at www.kommun.se", "see us at kommun.se", "we met at 10.30 at the office"])
def test_at_in_ordinary_text_is_no_e_mail_address(text):
    assert [kind for kind, _ in privacy.find_personal_data(text)] == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("19800230-1234", "personnummer-like number"),  # no 30 February: not valid, but written like one
        ("701063-2391", "samordningsnummer"),
        ("19811218-9876", "personnummer"),
        ("811218+9876", "personnummer"),
    ],
)
def test_identity_numbers_are_checked_with_python_stdnum(text, kind):
    assert [k for k, _ in privacy.find_personal_data(text)] == [kind]


def test_an_invalid_date_without_separator_is_no_number():
    assert privacy.find_personal_data("198002301234") == []


def test_surname_first_is_masked_hiding_the_surname():
    assert names_in("Andersson, Anna ringde") == ["Anna A***"]
    assert names_in("anna andersson") == ["anna a***"]


def test_recall_on_held_out_names():
    """Names from another source (Faker: Isof's and the Tax Agency's lists, and origin countries' lists)."""
    results = name_scan.recall()
    claimed = [(hits, total) for hits, total, meant in results["contexts"].values() if meant]
    overall = sum(h for h, _ in claimed) / sum(t for _, t in claimed)
    sweden_hits, sweden_total = results["locales"]["sv_SE"]
    assert sweden_hits / sweden_total >= 0.94, results["locales"]
    assert overall >= 0.82, results["contexts"]
    listed, total, listed_se, total_se = results["lists"]["surname"]
    assert listed_se / total_se >= 0.98


def test_no_false_positive_on_the_default_studies_text():
    cells = name_scan.study_cells()
    assert len(cells) > 5000
    assert name_scan.false_positives(cells) == []
