"""The coordinator survey: printable forms in Swedish and English, and the import of a web-survey export."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from evalkit import paths
from evalkit.cli import main
from evalkit.study import load_study
from evalkit.study.storage import convert_study
from evalkit.study.validate import validate_study
from evalkit.survey.form import FormError, render_form, write_forms
from evalkit.survey.items import header_columns, header_key, survey_questions

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"
VALUE_COLUMNS = [
    "coordinator_id",
    "q1_municipalities",
    "q2_share_of_post_pct",
    "q3_strategic_pct",
    "q3_individual_pct",
    "q3_direct_client_pct",
    "q3_other_pct",
    "q3_other_specified",
    "q4_placement",
    "q4_advantages",
    "q4_disadvantages",
    "q5_achievement_1",
    "q5_achievement_2",
    "q5_achievement_3",
]


def run_cli(capsys, *argv) -> tuple[int, str]:
    status = main(list(map(str, argv)))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.fixture
def empty_survey(tmp_path):
    """The demo county with no survey answers yet."""
    study = convert_study(DEMO, tmp_path / "study", "csv")
    header = (study / "survey_responses.csv").read_text(encoding="utf-8").splitlines()[0]
    (study / "survey_responses.csv").write_text(header + "\n", encoding="utf-8")
    return study


def original_answers() -> pd.DataFrame:
    return pd.read_csv(DEMO / "survey_responses.csv", dtype=str, keep_default_na=False)[VALUE_COLUMNS]


def export_as_a_coordinator_types_it(language: str = "sv", style: str = "brackets") -> pd.DataFrame:
    """The demo answers as a web survey exports them: form texts as headers, answers in words."""
    codebook = load_study(DEMO).codebook
    labels = {
        code: label
        for vocabulary, code, label in zip(
            codebook["vocabularies"]["vocabulary"],
            codebook["vocabularies"]["code"],
            codebook["vocabularies"]["label_" + language],
        )
        if vocabulary == "q4_placement"
    }
    headers = {}
    for question in survey_questions(codebook, language):
        for item in question.items:
            if not question.number or len(question.items) == 1:
                headers[item.column] = question.text if question.number else item.label
            elif style == "brackets":
                headers[item.column] = f"{question.text} [{item.label}]"
            else:
                headers[item.column] = f"{question.number}{'abcdefgh'[question.items.index(item)]}. {item.label}"
    answers = original_answers()
    export = pd.DataFrame(
        {"Tidstämpel": ["2026-03-01 10:00"] * len(answers), "E-postadress": ["x@example.org"] * len(answers)}
    )
    for column in VALUE_COLUMNS:
        values = answers[column]
        if column == "q1_municipalities":
            values = values.str.replace("|", " och ", regex=False)
        elif column == "q2_share_of_post_pct":
            values = values + " %"
        elif column == "q4_placement":
            values = values.map(lambda code: labels.get(code, code))
        headers_column = headers[column]
        export[headers_column] = values
    return export


# --------------------------------------------------------------------------- the form


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_form_asks_in_words_never_with_column_ids(language):
    codebook = load_study(DEMO).codebook
    html = render_form(codebook, language)
    for text in codebook["survey_questions"]["text_" + language]:
        assert str(text).replace("'", "&#39;") in html
    placement = codebook["vocabularies"][codebook["vocabularies"]["vocabulary"] == "q4_placement"]
    for label in placement["label_" + language]:
        assert str(label).replace("'", "&#39;") in html
    assert not re.search(r"\bq\d_|coordinator_id|_pct\b", html)
    assert f'<html lang="{language}">' in html
    assert ("Ditt samordnar-id" if language == "sv" else "Your coordinator id") in html


def test_forms_are_written_once_and_never_overwritten(tmp_path, capsys):
    status, out = run_cli(capsys, "survey", "form", DEMO, "--out", tmp_path / "forms")
    assert status == 0
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == ["survey_form_en.html", "survey_form_sv.html"]
    before = (tmp_path / "forms" / "survey_form_sv.html").read_bytes()
    status, out = run_cli(capsys, "survey", "form", DEMO, "--out", tmp_path / "forms")
    assert status == 1 and "never overwrites" in out
    assert (tmp_path / "forms" / "survey_form_sv.html").read_bytes() == before
    with pytest.raises(FormError):
        write_forms(tmp_path / "forms", load_study(DEMO).codebook)


def test_every_form_text_names_its_column_for_the_import():
    codebook = load_study(DEMO).codebook
    known = header_columns(codebook)
    for language in ("sv", "en"):
        for question in survey_questions(codebook, language):
            for item in question.items:
                assert known[header_key(item.label)] == item.column
                if question.number:
                    assert known[header_key(f"{question.text} [{item.label}]")] == item.column
    assert known[header_key("2. Hur stor del av en heltid arbetar du som samordnare?")] == "q2_share_of_post_pct"


# --------------------------------------------------------------------------- the import


@pytest.mark.parametrize(("language", "style"), [("sv", "brackets"), ("en", "numbered")])
def test_a_csv_export_is_imported_without_a_mapping(tmp_path, capsys, empty_survey, language, style):
    export = tmp_path / "export.csv"
    export_as_a_coordinator_types_it(language, style).to_csv(export, index=False, sep=";")
    status, out = run_cli(capsys, "survey", "import", export, "--study", empty_survey)
    assert status == 0, out
    assert "Added 4 survey responses (C1, C2, C3, C4)" in out
    assert "Not imported (2 export columns)" in out and "Tidstämpel" in out and "E-postadress" in out
    imported = pd.read_csv(empty_survey / "survey_responses.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(imported[VALUE_COLUMNS], original_answers())
    assert set(imported["basis"]) == {"observed"} and set(imported["source"]) == {"export.csv (evalkit survey import)"}
    assert "example.org" not in (empty_survey / "survey_responses.csv").read_text(encoding="utf-8")
    assert validate_study(empty_survey, use_cache=False) == []


def test_an_xlsx_export_into_a_workbook_study(tmp_path, capsys):
    book = convert_study(DEMO, tmp_path / "book", "xlsx")
    workbook_file = next(book.glob("*.xlsx"))
    wb = openpyxl.load_workbook(workbook_file)
    sheet = wb["survey_responses"]
    sheet.delete_rows(2, sheet.max_row)
    wb.save(workbook_file)
    frame = export_as_a_coordinator_types_it("en", "brackets")
    export = tmp_path / "export.xlsx"
    out_book = openpyxl.Workbook()
    out_book.active.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        out_book.active.append([float(v) if v.replace(".", "").isdigit() else v for v in row])
    out_book.save(export)
    status, out = run_cli(capsys, "survey", "import", export, "--study", book)
    assert status == 0, out
    assert validate_study(book, use_cache=False) == []
    loaded = load_study(book, use_cache=False).tables["survey_responses"]
    assert list(loaded["coordinator_id"]) == ["C1", "C2", "C3", "C4"]
    assert list(loaded["q4_placement"]) == list(original_answers()["q4_placement"])


def test_every_unreadable_answer_is_listed_and_nothing_is_written(tmp_path, capsys, empty_survey):
    frame = export_as_a_coordinator_types_it()
    columns = list(frame.columns)
    frame.iloc[0, columns.index(frame.columns[3])] = "Stockholm"  # q1 of C1
    frame.iloc[1, 4] = "ungefär hälften"  # q2 of C2
    frame.iloc[2, columns.index(frame.columns[10])] = "I källaren"  # q4 placement of C3
    frame.iloc[3, 2] = "C9"  # an unknown coordinator
    export = tmp_path / "export.csv"
    frame.to_csv(export, index=False)
    before = (empty_survey / "survey_responses.csv").read_bytes()
    status, out = run_cli(capsys, "survey", "import", export, "--study", empty_survey)
    assert status == 1 and "4 answers cannot be read (nothing was written)" in out, out
    assert "row 2, column D" in out and "'Stockholm'" in out and "names no municipality" in out
    assert "row 3, column E" in out and "is not a number" in out
    assert "row 4, column K" in out and "is not one of the choices" in out
    assert "row 5, column C" in out and "'C9' is not a coordinator id" in out
    assert (empty_survey / "survey_responses.csv").read_bytes() == before


def test_a_mapping_maps_other_headers_and_answers(tmp_path, capsys, empty_survey):
    frame = export_as_a_coordinator_types_it()
    frame = frame.rename(columns={frame.columns[2]: "Ditt id", frame.columns[10]: "Placering av tjänsten"})
    frame.iloc[2, 10] = "Direkt under socialchefen"
    frame.iloc[2, 3] = "Köping, K05"  # a real name the pseudonymous study does not hold, mapped per municipality
    export = tmp_path / "export.csv"
    frame.to_csv(export, index=False)
    status, out = run_cli(capsys, "survey", "import", export, "--study", empty_survey)
    assert status == 1 and "no export column holds the coordinator id" in out
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "export_column,column,answer,code\n"
        "Ditt id,coordinator_id,,\n"
        "Placering av tjänsten,q4_placement,,\n"
        ",q4_placement,Direkt under socialchefen,social_services_management\n"
        ",q1_municipalities,Köping,K04\n",
        encoding="utf-8",
    )
    status, out = run_cli(capsys, "survey", "import", export, "--study", empty_survey, "--mapping", mapping)
    assert status == 0, out
    imported = pd.read_csv(empty_survey / "survey_responses.csv", dtype=str, keep_default_na=False)
    assert list(imported["q4_placement"]) == list(original_answers()["q4_placement"])
    assert list(imported["q1_municipalities"]) == list(original_answers()["q1_municipalities"])


def test_a_mapping_template_lists_every_export_column(tmp_path, capsys, empty_survey):
    export = tmp_path / "export.csv"
    export_as_a_coordinator_types_it().to_csv(export, index=False)
    target = tmp_path / "map.csv"
    status, out = run_cli(capsys, "survey", "import", export, "--study", empty_survey, "--write-mapping", target)
    assert status == 0
    template = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert len(template) == 2 + len(VALUE_COLUMNS)
    assert list(template["column"][:2]) == ["", ""] and list(template["column"][2:]) == VALUE_COLUMNS
    status, out = run_cli(capsys, "survey", "import", export, "--study", empty_survey, "--write-mapping", target)
    assert status == 1 and "never overwrites" in out


def test_existing_answers_are_never_changed_and_a_second_answer_is_a_problem(tmp_path, capsys):
    study = convert_study(DEMO, tmp_path / "study", "csv")
    before = (study / "survey_responses.csv").read_bytes()
    export = tmp_path / "export.csv"
    frame = export_as_a_coordinator_types_it()
    frame.iloc[0, 4] = "10 %"
    frame.to_csv(export, index=False)
    status, out = run_cli(capsys, "survey", "import", export, "--study", study)
    assert status == 0 and "Added 0 survey responses" in out and "C1, C2, C3, C4 already had answers" in out
    assert (study / "survey_responses.csv").read_bytes() == before
    pd.concat([frame, frame.iloc[[1]]]).to_csv(export, index=False)
    status, out = run_cli(capsys, "survey", "import", export, "--study", study)
    assert status == 1 and "coordinator C2 answered again (also row 3)" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not really", "cannot be read"),
        (b"\xff\xfeU\x00", "cannot be read"),
    ],
)
def test_an_unreadable_export_is_refused_cleanly(tmp_path, capsys, empty_survey, content, message):
    export = tmp_path / "export.csv"
    export.write_bytes(content)
    status, out = run_cli(capsys, "survey", "import", export, "--study", empty_survey)
    assert status == 1 and message in out and "Traceback" not in out
    status, out = run_cli(capsys, "survey", "import", tmp_path / "missing.csv", "--study", empty_survey)
    assert status == 1 and "does not exist" in out
