"""Issue 17 items 1–5: the evaluator's path from ``evalkit new`` to a report, without dead ends.

* imports check only the tables they use, and an incomplete study is readiness, not a refusal;
* an agreed ``unknown`` never hides the coders' values;
* a workbook study stays one workbook;
* the standard codebook holds no proper name or initiative of one county;
* the study information, drop-downs, README sheet, municipality names and date hints fit Excel users.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import qda_projects as qp

from evalkit import paths
from evalkit.cli import main
from evalkit.scaffold import create_study
from evalkit.study import load_study
from evalkit.study.storage import convert_study
from evalkit.study.validate import inspect_study, validate_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"
#: Proper names and place names of the default study's county and report, and its single initiatives.
VASTMANLAND_NAMES = (
    "Västmanland",
    "Västerås",
    "Arboga",
    "Fagersta",
    "Hallstahammar",
    "Kungsör",
    "Köping",
    "Norberg",
    "Skinnskatteberg",
    "Surahammar",
    "Sala kommun",
    "Analyskraft",
    "länskompott",
    "Huskurage",
    "barnkass",
    "kraftfullt verktyg",
    "patentlösning",
)


def run_cli(capsys, *argv) -> tuple[int, str]:
    status = main(list(map(str, argv)))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def workbook_of(study: Path) -> Path:
    return next(study.glob("*.xlsx"))


# --------------------------------------------------------------------------- 17.1 the guide's order works


def incomplete_demo(tmp_path: Path) -> Path:
    """The demo county with no assessments yet, no survey answers and a problem in a table imports do not use."""
    study = convert_study(DEMO, tmp_path / "study", "csv")
    for table in ("assessments", "survey_responses"):
        path = study / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    statistics = study / "case_statistics.csv"
    lines = statistics.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("value")] = "många"
    statistics.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    return study


def test_survey_and_qda_import_and_confirm_work_on_an_incomplete_study(tmp_path, capsys):
    study = incomplete_demo(tmp_path)
    problems = validate_study(study, use_cache=False)
    assert [p.file for p in problems] == ["case_statistics.csv"], "empty assessments are not a problem"
    export = tmp_path / "svar.csv"
    answers = pd.read_csv(DEMO / "survey_responses.csv", dtype=str, keep_default_na=False)
    answers.drop(columns=["basis", "source", "assumption", "reconstructed_fields"]).to_csv(export, index=False)
    status, out = run_cli(capsys, "survey", "import", export, "--study", study)
    assert status == 0 and "Added 4 survey responses" in out, out
    assert "The rest of the study has 1 problem to correct before evalkit run" in out
    mapping = tmp_path / "map.csv"
    mapping.write_text(qp.MAPPING, encoding="utf-8")
    status, out = run_cli(
        capsys, "qda", "import", qp.build(tmp_path / "p.qdpx", "qualcoder"), "--study", study, "--mapping", mapping
    )
    assert status == 0 and "Wrote 7 coded segments" in out, out
    review = pd.read_csv(study / "qda_review_p.csv", dtype=str, keep_default_na=False)
    review["accept"] = "ja"
    review.to_csv(study / "qda_review_p.csv", index=False)  # the evaluator's edit
    status, out = run_cli(capsys, "qda", "confirm", study / "qda_review_p.csv", "--study", study)
    assert status == 0 and f"Added {len(review)} assessments" in out, out
    problems = validate_study(study, use_cache=False)
    assert [p.file for p in problems] == ["case_statistics.csv"]


def test_an_import_refuses_a_problem_in_a_table_it_uses_and_names_it(tmp_path, capsys):
    study = incomplete_demo(tmp_path)
    coordinators = study / "coordinators.csv"
    coordinators.write_text(
        coordinators.read_text(encoding="utf-8").replace(",mixed,", ",blandat,", 1), encoding="utf-8"
    )
    export = tmp_path / "svar.csv"
    export.write_text("coordinator_id\nC1\n", encoding="utf-8")
    before = (study / "survey_responses.csv").read_bytes()
    status, out = run_cli(capsys, "survey", "import", export, "--study", study)
    assert status == 1 and "problem there must be corrected first (nothing was written)" in out, out
    assert "coordinators.csv, row" in out and "case_statistics" not in out
    assert (study / "survey_responses.csv").read_bytes() == before


def test_validate_reports_missing_assessments_as_readiness(tmp_path, capsys):
    study = convert_study(DEMO, tmp_path / "study", "csv")
    frame = pd.read_csv(study / "assessments.csv", dtype=str, keep_default_na=False)
    frame[frame["indicator_id"] != "ef_follow_up"].to_csv(study / "assessments.csv", index=False)
    status, out = run_cli(capsys, "validate", study)
    assert status == 0 and "is a valid study" in out, out
    flat = " ".join(out.split())
    assert "indicator × subject pairs have no row yet and count as unknown until assessed" in flat
    assert "ef_follow_up × C1" in flat


# --------------------------------------------------------------------------- 17.2 agreed rows beside coder rows


def test_an_agreed_unknown_never_hides_the_coders_values(tmp_path):
    study = convert_study(DEMO, tmp_path / "study", "csv")
    frame = pd.read_csv(study / "assessments.csv", dtype=str, keep_default_na=False)
    key = (frame["indicator_id"] == "ef_follow_up") & (frame["subject_id"] == "C1")
    frame.loc[key, "value"] = "unknown"  # a placeholder with an empty coder, left behind
    coders = pd.concat(
        [frame[key].assign(coder="coder1", value="yes"), frame[key].assign(coder="coder2", value="partly")]
    )
    frame = pd.concat([frame.assign(coder=""), coders], ignore_index=True)
    frame.to_csv(study / "assessments.csv", index=False)
    inspection = inspect_study(study, use_cache=False)
    assert inspection.problems == []
    notes = [note.render() for note in inspection.notes if "agreed unknown" in note.message]
    assert (
        len(notes) == 1
        and "(coder1 yes, coder2 partly)" in notes[0]
        and "the findings use the coders' values" in notes[0]
    )
    resolved = load_study(study, use_cache=False).tables["assessments"].set_index(["indicator_id", "subject_id"])
    assert resolved.loc[("ef_follow_up", "C1"), "value"] == "partly"  # the cautious rule, not unknown
    assert resolved.loc[("ef_follow_up", "C1"), "coder"] == "resolved_by_rule"


def test_an_agreed_known_value_still_resolves_a_disagreement(tmp_path):
    study = convert_study(DEMO, tmp_path / "study", "csv")
    frame = pd.read_csv(study / "assessments.csv", dtype=str, keep_default_na=False)
    key = (frame["indicator_id"] == "ef_follow_up") & (frame["subject_id"] == "C1")
    frame.loc[key, "value"] = "yes"
    coders = pd.concat(
        [frame[key].assign(coder="coder1", value="no"), frame[key].assign(coder="coder2", value="partly")]
    )
    pd.concat([frame.assign(coder=""), coders], ignore_index=True).to_csv(study / "assessments.csv", index=False)
    resolved = load_study(study, use_cache=False).tables["assessments"].set_index(["indicator_id", "subject_id"])
    assert resolved.loc[("ef_follow_up", "C1"), "value"] == "yes"


def test_chapter_zero_counts_the_rows_the_sheet_has(tmp_path):
    """17.5: "N rader" counts every coder's row, as the sheet does."""
    from evalkit.analysis.study_overview import provenance_summary
    from evalkit.present.narrative import provenance_summary as provenance_sentence

    study = convert_study(DEMO, tmp_path / "study", "csv")
    frame = pd.read_csv(study / "assessments.csv", dtype=str, keep_default_na=False)
    coders = frame.head(5).assign(coder="coder1")
    pd.concat([frame.assign(coder=""), coders], ignore_index=True).to_csv(study / "assessments.csv", index=False)
    loaded = load_study(study, use_cache=False)
    table = provenance_summary(loaded).set_index("table")
    assert table.loc["assessments", "rows"] == len(frame) + 5
    total = sum(len(pd.read_csv(p)) for p in study.glob("*.csv") if p.name != "published_claims.csv")
    assert f" {total} " in provenance_sentence(loaded, "en").replace("\u00a0", " ") or str(
        total
    ) in provenance_sentence(loaded, "en")


# --------------------------------------------------------------------------- 17.3 one workbook


def test_a_workbook_study_stays_one_workbook(tmp_path, capsys):
    """The segments go into the workbook's coded_segments sheet; no CSV appears; re-importing replaces them."""
    assert main(["new", str(tmp_path / "lan"), "--excel"]) == 0
    book = convert_study(DEMO, tmp_path / "book", "xlsx")  # a workbook study without a coded_segments sheet
    mapping = tmp_path / "map.csv"
    mapping.write_text(qp.MAPPING, encoding="utf-8")
    project = qp.build(tmp_path / "p.qdpx", "qualcoder")
    status, out = run_cli(capsys, "qda", "import", project, "--study", book, "--mapping", mapping)
    assert status == 0, out
    assert "coded_segments" in out and "sheet coded_segments" in out
    assert not list(book.glob("*.csv"))[1:] and [p.name for p in book.glob("*.csv")] == ["qda_review_p.csv"]
    descriptor = json.loads((book / "datapackage.json").read_text(encoding="utf-8"))
    segments = next(r for r in descriptor["resources"] if r["name"] == "coded_segments")
    assert segments["path"] == workbook_of(book).name and segments["dialect"] == {"excel": {"sheet": "coded_segments"}}
    assert validate_study(book, use_cache=False) == []
    loaded = inspect_study(book, use_cache=False).tables["coded_segments"]
    assert len(loaded.rows) == 7
    sheet = openpyxl.load_workbook(workbook_of(book))["coded_segments"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("start") + 1).data_type == "n"
    assert run_cli(capsys, "qda", "import", project, "--study", book, "--mapping", mapping)[0] == 0
    assert len(inspect_study(book, use_cache=False).tables["coded_segments"].rows) == 7


def test_a_loose_segments_file_beside_a_workbook_is_named(tmp_path, capsys):
    """An earlier evalkit wrote the segments beside the workbook; the study now keeps them in its sheet."""
    book = convert_study(DEMO, tmp_path / "book", "xlsx")
    mapping = tmp_path / "map.csv"
    mapping.write_text(qp.MAPPING, encoding="utf-8")
    project = qp.build(tmp_path / "p.qdpx", "qualcoder")
    assert run_cli(capsys, "qda", "import", project, "--study", book, "--mapping", mapping)[0] == 0
    loose = "segment_id,excerpt\nold/1,Ett gammalt utdrag\n"
    (book / "coded_segments.csv").write_text(loose, encoding="utf-8")
    status, out = run_cli(capsys, "qda", "import", project, "--study", book, "--mapping", mapping)
    assert status == 0 and "coded_segments.csv in the study folder is not part of the study" in out, out
    assert (book / "coded_segments.csv").read_text(encoding="utf-8") == loose  # evalkit never deletes it


# --------------------------------------------------------------------------- 17.4 a neutral standard codebook


def workbook_texts(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


@pytest.mark.parametrize("excel", [False, True])
def test_what_evalkit_new_writes_names_no_place_or_initiative_of_the_default_study(tmp_path, excel):
    folder = create_study(
        tmp_path / "lan-2026", excel=excel, information={"county": "Norrlandia län", "language": "sv"}
    )
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".xlsx":
            texts[path.name] = workbook_texts(path)
        elif path.is_file():
            text = path.read_text(encoding="utf-8")
            if path.name == "README.md":  # the method's origin is credited on its own line
                text = "\n".join(line for line in text.splitlines() if not line.startswith("Method:"))
            texts[str(path.relative_to(folder))] = text
    hits = [
        (name, word) for name, text in texts.items() for word in VASTMANLAND_NAMES if word.casefold() in text.casefold()
    ]
    assert hits == []
    assert "Norrlandia län" in texts["datapackage.json"]


def test_the_standard_codebook_keeps_every_code_of_the_method():
    """The template and the default study share ids: quality areas, conditions, measures, questions, vocabulary codes."""
    from evalkit.scaffold import STANDARD_CODEBOOK, read_codebook

    standard, default = read_codebook(STANDARD_CODEBOOK), read_codebook(paths.DEFAULT_STUDY_DIR / "codebook")
    for table, key in (("quality_areas", "quality_area_id"), ("conditions", "condition_id"), ("measures", "measure")):
        assert list(standard[table][key]) == list(default[table][key]), table
    assert list(standard["survey_questions"]["question_id"]) == list(default["survey_questions"]["question_id"])
    pairs = lambda frame: set(zip(frame["vocabulary"], frame["code"]))  # noqa: E731
    assert pairs(standard["vocabularies"]) == pairs(default["vocabularies"]), (
        "a vocabulary code differs between the default study and evalkit/templates/codebook/vocabularies.csv; "
        "add it to the template"
    )
    # Every indicator of the standard codebook has its counterpart in the default study (same quality
    # area, population and chapter; three ids are neutral renames). The default study may hold
    # indicators of its own that the standard codebook lacks (statements particular to the 2019
    # report, DATALOG 'Handbooks, job descriptions and priority'); the standard one holds no extra.
    from collections import Counter

    shape = lambda frame: Counter(zip(frame["quality_area_id"], frame["population"], frame["chapter"]))  # noqa: E731
    assert not shape(standard["indicators"]) - shape(default["indicators"]), (
        "an indicator of the standard codebook has no counterpart in the default study"
    )
    own = set(default["indicators"]["indicator_id"]) - set(standard["indicators"]["indicator_id"])
    assert own == {
        "initiated_county_housing_pool",
        "child_support_bags",
        "initiated_huskurage",
        "wrote_handbooks_and_routines",
        "great_freedom_in_role",
        "written_job_description",
        "issue_kept_prioritised",
        "tried_coordinator_before_team",
    }, "a new indicator of the default study: add it to the standard codebook or list it here as the study's own"
    assert (standard["indicators"]["report_section"] == "").all()


# --------------------------------------------------------------------------- 17.5 for people who use Excel


def test_new_with_title_county_year_and_language(tmp_path, capsys):
    status, out = run_cli(
        capsys,
        "new",
        tmp_path / "norr",
        "--excel",
        "--title",
        "Samordnarna i Norrlandia",
        "--title-en",
        "The coordinators of Norrlandia",
        "--county",
        "Norrlandia län",
        "--year",
        "2026",
        "--publisher",
        "Länsstyrelsen i Norrlandia län",
    )
    assert status == 0, out
    folder = tmp_path / "norr"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["title"] == "Samordnarna i Norrlandia"
    assert descriptor["evalkit:title_en"] == "The coordinators of Norrlandia"
    assert (descriptor["evalkit:county"], descriptor["evalkit:year"], descriptor["evalkit:language"]) == (
        "Norrlandia län",
        2026,
        "sv",
    )
    assert descriptor["evalkit:information"] == {"path": "norr.xlsx", "sheet": "studieinformation"}
    sheet = openpyxl.load_workbook(folder / "norr.xlsx")["studieinformation"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["title"] == "Samordnarna i Norrlandia" and rows["year"] == 2026 and rows["isbn"] is None
    assert load_study(folder).title == "Samordnarna i Norrlandia"
    status, out = run_cli(capsys, "new", tmp_path / "bad", "--year", "26")
    assert status == 1 and "not a year from 1990 to 2100" in out and not (tmp_path / "bad").exists()


def test_the_information_sheet_is_what_the_study_is_called(tmp_path):
    folder = create_study(tmp_path / "norr", excel=True, information={"county": "Norrlandia län", "language": "sv"})
    book = openpyxl.load_workbook(folder / "norr.xlsx")
    sheet = book["studieinformation"]
    keys = [row[0].value for row in sheet.iter_rows(min_row=2)]
    sheet.cell(row=keys.index("title") + 2, column=2, value="Kvinnofrid i Norrlandia 2026")
    sheet.cell(row=keys.index("isbn") + 2, column=2, value="978-91-7281-799-9")
    sheet.cell(row=keys.index("series") + 2, column=2, value="Rapport 2026:4")
    book.save(folder / "norr.xlsx")
    study = load_study(folder, use_cache=False)
    assert study.title == "Kvinnofrid i Norrlandia 2026"
    assert (
        study.descriptor["evalkit:isbn"] == "978-91-7281-799-9"
        and study.descriptor["evalkit:series"] == "Rapport 2026:4"
    )
    sheet.cell(row=keys.index("isbn") + 2, column=2, value="978-91-7281-799-2")
    sheet.cell(row=keys.index("year") + 2, column=2, value="tjugotjugosex")
    book.save(folder / "norr.xlsx")
    rendered = [p.render() for p in validate_study(folder, use_cache=False)]
    assert any(
        "sheet studieinformation, row 9, column value" in line and "not a valid ISBN" in line for line in rendered
    ), rendered
    assert any("sheet studieinformation, row 5" in line and "not a year" in line for line in rendered), rendered
    back = convert_study(folder, tmp_path / "csv", "csv")
    assert "evalkit:information" not in json.loads((back / "datapackage.json").read_text(encoding="utf-8"))


def test_swedish_labels_are_offered_in_a_swedish_workbook_and_read_as_codes(tmp_path):
    folder = create_study(tmp_path / "sv", excel=True, information={"language": "sv"})
    book = openpyxl.load_workbook(folder / "sv.xlsx")
    lists = {str(v.sqref): v.formula1 for v in book["assessments"].data_validations.dataValidation}
    assert '"Ja,Delvis,Nej,Okänt"' in lists.values()
    prompts = [v.prompt for v in book["assessments"].data_validations.dataValidation]
    assert any("Ja = yes" in prompt for prompt in prompts)


def test_the_readme_sheet_is_true_to_the_rules(tmp_path):
    folder = create_study(tmp_path / "sv", excel=True)
    text = " ".join(
        str(c) for row in openpyxl.load_workbook(folder / "sv.xlsx")["README"].iter_rows(values_only=True) for c in row
    )
    assert "Tom cell = okänt" not in text and "An empty cell means unknown." not in text
    assert "skriv okänt där" in text and "write unknown there" in text
    # and the rule it states holds: an empty value in assessments is a problem, an empty optional cell is not
    from evalkit.study.model import resource_schema

    value = next(f for f in resource_schema("assessments")["fields"] if f["name"] == "value")
    assert value["constraints"]["required"] is True


@pytest.mark.parametrize(
    "written", ["Fjärdholm kommun", "Fjärdholms kommun", "Fjärdholm kommuns", "fjärdholm", "Fjärdholm stad"]
)
def test_a_municipality_written_with_kommun_is_read_as_the_municipality(tmp_path, capsys, written):
    study = convert_study(DEMO, tmp_path / "study", "csv")
    municipalities = pd.read_csv(study / "municipalities.csv", dtype=str, keep_default_na=False)
    municipalities.loc[municipalities["municipality_id"] == "K01", "name"] = "Fjärdholm"
    municipalities.to_csv(study / "municipalities.csv", index=False)
    (study / "survey_responses.csv").write_text(
        (study / "survey_responses.csv").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    answers = pd.read_csv(DEMO / "survey_responses.csv", dtype=str, keep_default_na=False)
    answers = answers.drop(columns=["basis", "source", "assumption", "reconstructed_fields"])
    assert answers.loc[0, "q1_municipalities"] == "K01"
    answers.loc[0, "q1_municipalities"] = written
    answers.to_csv(tmp_path / "svar.csv", index=False)
    status, out = run_cli(capsys, "survey", "import", tmp_path / "svar.csv", "--study", study)
    assert status == 0, out
    imported = pd.read_csv(study / "survey_responses.csv", dtype=str, keep_default_na=False)
    assert imported.loc[0, "q1_municipalities"] == "K01"


def test_an_excel_date_serial_gets_a_hint_with_its_date(tmp_path):
    study = convert_study(DEMO, tmp_path / "study", "csv")
    links = pd.read_csv(study / "coordinator_municipalities.csv", dtype=str, keep_default_na=False)
    links.loc[0, "start_date"] = "42597"
    links.to_csv(study / "coordinator_municipalities.csv", index=False)
    messages = [p.message for p in validate_study(study, use_cache=False)]
    assert any(
        "42597 looks like the number Excel stores for the date 2016-08-15: type the date as 2016-08-15" in m
        for m in messages
    ), messages
