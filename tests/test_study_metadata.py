"""The title page of a publication, read from the study descriptor (evalkit.study.metadata)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from studies import tiny_study

from evalkit import paths
from evalkit.study import information, load_study, validate_study
from evalkit.study.metadata import (
    descriptor_problems,
    isbn_valid,
    publication_metadata,
    study_language,
)

DEMO = Path(__file__).parent / "fixtures" / "demo-county"
STUDIES = {
    "vastmanland-2019": paths.DEFAULT_STUDY_DIR,
    "ovningslan-2025": paths.DATA_DIR / "ovningslan-2025",
    "demo-county": DEMO,
}


@pytest.fixture(scope="module")
def studies():
    return {name: load_study(path) for name, path in STUDIES.items()}


def descriptor_with(**properties) -> dict:
    return {"evalkit:kind": "fieldwork", **{key.replace("__", ":"): value for key, value in properties.items()}}


def messages(descriptor: dict) -> list[str]:
    """Every problem with the title page: each value (study information), then the values together."""
    found = information.descriptor_problems(descriptor) + descriptor_problems(descriptor)
    return [message + " " + fix for message, fix, _ in found]


# --------------------------------------------------------------------------- the shipped studies
@pytest.mark.parametrize("name", sorted(STUDIES))
def test_every_shipped_study_has_a_title_page_in_both_languages(studies, name):
    sv, en = (publication_metadata(studies[name], language) for language in ("sv", "en"))
    descriptor = studies[name].descriptor
    assert (
        sv.title == descriptor.get("evalkit:title_sv", descriptor["title"])
        and en.title == descriptor["evalkit:title_en"]
    )
    assert sv.title != en.title and sv.subtitle and en.subtitle and sv.subtitle != en.subtitle
    assert sv.year == en.year and 2019 <= sv.year <= 2026
    assert sv.publisher and en.publisher
    assert sv.language == "sv" and en.language == "en" and sv.study_language == "sv"


def test_the_default_study_does_not_claim_the_county_published_it(studies):
    study = studies["vastmanland-2019"]
    report = study.descriptor["evalkit:source_report"]
    for language, words in (("sv", ("Bygger på", "inte utgiven av")), ("en", ("Based on", "not published by"))):
        page = publication_metadata(study, language)
        assert "Länsstyrelsen" not in page.publisher and "County Administrative Board" not in page.publisher
        assert report["title"] in page.based_on and str(report["year"]) in page.based_on
        assert all(word in page.based_on for word in words), page.based_on
        assert page.based_on.endswith(f"{report['publisher']}.")
    assert "omräkning" in publication_metadata(study, "sv").title
    assert "omräkning" not in publication_metadata(study, "en").title


def test_fieldwork_studies_have_no_based_on_line(studies):
    assert publication_metadata(studies["ovningslan-2025"], "sv").based_on is None


# --------------------------------------------------------------------------- reading
def test_a_title_missing_in_one_language_is_made_from_the_county_not_copied():
    study = tiny_study(descriptor={"evalkit:kind": "fieldwork", "title": "Kvinnofridsarbetet i Testlän"})
    assert publication_metadata(study, "sv").title == "Kvinnofridsarbetet i Testlän"
    english = publication_metadata(study, "en").title
    assert english == "Coordinators against violence in close relationships in Testlän"


def test_an_english_study_gives_its_title_to_the_english_edition():
    study = tiny_study(descriptor={"evalkit:kind": "fieldwork", "evalkit:language": "en", "title": "Work in Testlän"})
    assert publication_metadata(study, "en").title == "Work in Testlän"
    assert publication_metadata(study, "sv").title == "Kvinnofridssamordnare i Testlän"
    assert study_language(study) == "en" and study_language({}) == "sv"


def test_publisher_per_language_wins_over_the_common_name():
    descriptor = descriptor_with(
        evalkit__publisher="Org", evalkit__publisher_sv="Organisationen", evalkit__publisher_en="The organisation"
    )
    assert publication_metadata(descriptor, "sv").publisher == "Organisationen"
    assert publication_metadata(descriptor, "en").publisher == "The organisation"
    assert publication_metadata(descriptor_with(evalkit__publisher="Org"), "en").publisher == "Org"


def test_year_falls_back_to_the_date_and_invalid_values_are_not_shown():
    assert publication_metadata(descriptor_with(evalkit__date="2024-05-02"), "sv").year == 2024
    page = publication_metadata(descriptor_with(evalkit__isbn="978-0-306-40615-8", evalkit__date="2024-13"), "sv")
    assert page.isbn is None and page.date is None and page.year is None


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        publication_metadata({}, "de")


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "isbn, valid",
    [
        ("978-0-306-40615-7", True),
        ("9780306406157", True),
        ("978 0 306 40615 7", True),
        ("0-306-40615-2", True),
        ("0-8044-2957-X", True),
        ("978-0-306-40615-8", False),
        ("0-306-40615-3", False),
        ("977-0-306-40615-7", False),
        ("12345", False),
    ],
)
def test_isbn_check_digit(isbn, valid):
    assert isbn_valid(isbn) is valid
    assert (not messages(descriptor_with(evalkit__isbn=isbn))) is valid


def test_each_bad_property_is_named_with_its_fix():
    found = messages(
        descriptor_with(
            evalkit__isbn="978-0-306-40615-8",
            evalkit__year="twenty",
            evalkit__date="2025-02-30",
            evalkit__language="de",
            evalkit__publisher_sv="",
        )
    )
    text = "\n".join(found)
    assert "'evalkit:isbn': isbn '978-0-306-40615-8' is not a valid ISBN" in text
    assert "'evalkit:year': year is 'twenty', not a year from 1990 to 2100" in text
    assert "'evalkit:date': date is '2025-02-30', which is not a date in the calendar" in text and "YYYY-MM-DD" in text
    assert "'evalkit:language': language is 'de', not sv or en" in text
    assert "'evalkit:publisher_sv' is empty or not a text" in text
    assert len(found) == 5, found


def test_year_and_date_must_agree():
    assert messages(descriptor_with(evalkit__year=2025, evalkit__date="2025-06")) == []
    (problem,) = messages(descriptor_with(evalkit__year=2024, evalkit__date="2025-06"))
    assert "another year than 'evalkit:year' (2024)" in problem
    assert messages(descriptor_with(evalkit__year=1850))[0].startswith("'evalkit:year': year is 1850, not a year")


def test_a_text_in_one_language_only_is_refused():
    (problem,) = messages(descriptor_with(evalkit__title_sv="Titel"))
    assert "'evalkit:title_sv' has no English version 'evalkit:title_en'" in problem
    assert 'Add "evalkit:title_en"' in problem
    (problem,) = messages(descriptor_with(evalkit__subtitle_en="Sub"))
    assert "no Swedish version 'evalkit:subtitle_sv'" in problem
    (problem,) = messages(descriptor_with(evalkit__publisher_en="The board"))
    assert "no Swedish version 'evalkit:publisher_sv'" in problem
    assert messages(descriptor_with(evalkit__title_en="Title")) == []  # the Swedish title is `title`


def test_the_information_titles_never_fall_back_on_the_other_language():
    descriptor = {"title": "Utvärdering i Norrlandia", "evalkit:county": "Norrlandia län"}
    assert information.titles(descriptor, "norr") == {
        "sv": "Utvärdering i Norrlandia",
        "en": "Coordinators against violence in close relationships in Norrlandia län",
    }
    assert information.titles({}, "norr") == {"sv": "norr", "en": "norr"}


def test_validate_reports_a_bad_isbn_in_the_descriptor(tmp_path):
    study = tmp_path / "demo-county"
    shutil.copytree(DEMO, study)
    descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["evalkit:isbn"] = "978-91-000000-0-0"
    del descriptor["evalkit:title_en"]
    (study / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    lines = [problem.render() for problem in validate_study(study)]
    assert any(
        line.startswith("datapackage.json: 'evalkit:isbn': isbn '978-91-000000-0-0' is not a valid ISBN")
        for line in lines
    ), lines
    assert any("'evalkit:title_sv' has no English version" in line for line in lines), lines
    assert len(lines) == 2


def test_a_name_in_a_title_is_personal_data():
    from evalkit.study.metadata import personal_data

    found = personal_data({"evalkit:subtitle_sv": "Utvärdering gjord av Anna Andersson"})
    assert [(hit.column, hit.kind) for hit in found] == [("evalkit:subtitle_sv", "personal name")]


def test_the_information_sheet_offers_subtitles_and_a_date():
    assert {"subtitle", "subtitle_en", "date"} <= set(information.BY_KEY)
    assert information.value_problem(information.BY_KEY["date"], "2026-03-15") is None
    message, fix = information.value_problem(information.BY_KEY["date"], "15/3 2026")
    assert message.startswith("date is '15/3 2026', which is not a date written YYYY-MM-DD") and "2026-03-15" in fix
