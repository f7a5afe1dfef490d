"""Personal data and small cells (evalkit.privacy): P40d and P64 of the reliability review."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evalkit import paths, privacy
from evalkit.analysis.findings import findings_table
from evalkit.cli import main
from evalkit.study import load_study
from evalkit.study.validate import inspect_study, personal_data

PROBE = "Anna Andersson 19800101-1234 anna.andersson@example.se 070-123 45 67"


# --------------------------------------------------------------------------- the scanner
def kinds(text: str) -> list[str]:
    return [kind for kind, _ in privacy.find_personal_data(text)]


def test_the_probe_string_is_found_in_full_and_masked():
    found = privacy.find_personal_data(PROBE)
    assert found == [
        ("personnummer-like number", "19800101-****"),
        ("e-mail address", "a***@example.se"),
        ("phone number", "070-*** ** **"),
        ("personal name", "Anna A***"),
    ]
    assert not any("1234" in shown or "andersson" in shown for _, shown in found)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("811218-9876", "personnummer"),
        ("19811218-9876", "personnummer"),
        ("8112189876", "personnummer"),
        ("811218+9876", "personnummer"),
        ("701063-2391", "samordningsnummer"),
        ("Kontakt: förnamn.efternamn@kommun.se", "e-mail address"),
        ("ring +46 70 123 45 67", "phone number"),
        ("tel 08-123 456 78", "phone number"),
        ("0701234567", "phone number"),
        ("Intervju med Maria Lindqvist", "personal name"),
        ("enligt Per Svensson", "personal name"),
        ("samordnaren och Karin gick igenom rutinen", "personal name"),
    ],
)
def test_each_kind_is_found(text, kind):
    assert kind in kinds(text)


def test_luhn_check_decides_between_personnummer_and_other_numbers():
    assert privacy.luhn_valid("8112189876")
    assert not privacy.luhn_valid("8112189875")
    assert kinds("8112189875") == []  # ten digits without separator and a wrong check digit: not a personnummer
    assert kinds("811218-9875") == ["personnummer-like number"]  # written like one: probably mistyped


@pytest.mark.parametrize(
    "text",
    [
        "Kap. 2, Tabell 1; Kap. 2, Samordnarna kan leda till att kommunen når ut till fler våldsutsatta",
        "2016-08-15",
        "01-02-2019",
        "2013-2018",
        "1 234 567 kronor",
        "In May 2016 the plan was adopted.",
        "Per år ökade antalet.",
        "Sala kommun och Västerås stad",
        "Bilaga 1, Datainsamling",
        "see DATALOG.md, 'Which municipality is which'.",
        "Kommun A",
    ],
)
def test_ordinary_study_text_is_not_flagged(text):
    assert privacy.find_personal_data(text) == []


@pytest.mark.parametrize("study", [paths.DEFAULT_STUDY_DIR, Path(__file__).parent / "fixtures" / "demo-county"])
def test_shipped_studies_hold_no_personal_data(study):
    assert personal_data(inspect_study(study)) == []


def test_name_lists_are_shipped_with_their_licence():
    names = privacy.first_names()
    assert {"Anna", "Lars", "Maria", "Erik", "Mohammed", "Fatima", "Zeynep", "Elias", "Noah"} <= names
    assert len(names) > 10000 and len(privacy.surnames()) > 10000
    data = paths.PACKAGE_DIR / "data"
    for filename in ("given_names.txt", "surnames.txt"):
        header = (data / filename).read_text(encoding="utf-8").split("\n")[:6]
        assert any("names-dataset 3.3.1" in line and "Apache License" in line for line in header), header
    assert "Apache License" in (data / "LICENSE-names-dataset.txt").read_text(encoding="utf-8")
    assert (data / "derive_names.py").is_file()


# --------------------------------------------------------------------------- validate and run
@pytest.fixture
def study_with_personal_data(tmp_path: Path) -> Path:
    """P40d: the probe string in coordinators.source and survey q4_advantages."""
    study = tmp_path / "vastmanland-2019"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, study)
    for file, column in (("coordinators.csv", "source"), ("survey_responses.csv", "q4_advantages")):
        path = study / file
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        rows[1][rows[0].index(column)] = PROBE
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    return study


def test_validate_lists_each_cell_and_fails(study_with_personal_data, capsys):
    assert main(["validate", str(study_with_personal_data)]) == 1
    out = capsys.readouterr().out
    assert "personal data: coordinators.csv, row 2, column source: a personal name (Anna A***)." in out
    assert "personal data: survey_responses.csv, row 2, column q4_advantages: a personnummer-like number" in out
    assert "8 cells with personal data (evalkit run refuses the study)" in out
    assert PROBE not in out and "1234" not in out
    assert main(["validate", str(study_with_personal_data), "--allow-personal-data"]) == 0


def test_run_refuses_before_anything_is_written(study_with_personal_data, tmp_path, capsys):
    reports = tmp_path / "reports"
    code = main(["run", str(study_with_personal_data), "--no-pdf", "--language", "en", "--reports-root", str(reports)])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert code == 2
    assert "holds personal data in 8 cells; nothing was run and no report was changed" in out
    assert "coordinators.csv, row 2, column source: a personal name (Anna A***)." in out
    assert "--allow-personal-data" in out
    assert not (reports / "vastmanland-2019").exists()


# --------------------------------------------------------------------------- small cells
@pytest.fixture
def small_count_study(tmp_path: Path):
    """P64: protected_housing_placements of D in 2015 set to 1 (D is small)."""
    study = tmp_path / "vastmanland-2019"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, study)
    path = study / "case_statistics.csv"
    text = path.read_text(encoding="utf-8")
    old = "D,2015,protected_housing_placements,11,"
    assert old in text
    path.write_text(text.replace(old, "D,2015,protected_housing_placements,1,"), encoding="utf-8")
    return load_study(study)


def test_findings_show_a_small_count_as_below_the_threshold(small_count_study):
    findings = findings_table(small_count_study).set_index("finding_id")
    row = findings.loc["cases.D.protected_housing_placements.2015"]
    assert pd.isna(row["numerator"])
    assert row["statement_en"] == (
        "In Municipality D, the number of placements in protected housing was fewer than 3 in 2015."
    )
    assert row["statement_sv"].endswith(" var färre än 3 år 2015.")
    assert "one" not in row["statement_en"] and " ett " not in row["statement_sv"]
    untouched = findings.loc["cases.D.protected_housing_placements.2016"]
    assert untouched["numerator"] == 10


def test_tables_show_small_counts_and_hide_statistics_built_on_them(small_count_study):
    from evalkit.analysis import case_statistics

    series = case_statistics.case_series(small_count_study)
    value = series[(series["measure"] == "protected_housing_placements") & (series["year"] == 2015)]["value"]
    assert value.tolist() == [privacy.Suppressed(privacy.SMALL_COUNT, 3)]
    assert str(value.iloc[0]) == "< 3" and value.iloc[0].text("sv") == "färre än 3"
    summary = case_statistics.before_after_summary(small_count_study)
    affected = summary[summary["measure"] == "protected_housing_placements"]
    few = privacy.Suppressed(privacy.FEW_CASES, 3)
    assert (affected["mean_before"] == few).all() and (affected["start_year_value"] == few).all()
    assert affected["n_before"].tolist() == [1] and affected["start_year"].tolist() == [2016]
    others = summary[summary["measure"] == "family_violence_investigations"]
    assert pd.api.types.is_number(others["mean_before"].iloc[0])
    assert privacy.protect_table(summary, small_count_study).equals(summary)  # applying the rule twice: no change


def test_n39_the_start_year_value_is_withheld_in_every_table(tmp_path):
    """N39: a protected count in the coordinator's start year was printed as ``start_year_value``."""
    from evalkit.analysis import case_statistics
    from evalkit.present.labels import measure_label
    from evalkit.present.tables import display_frame

    study = tmp_path / "vastmanland-2019"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, study)
    path = study / "case_statistics.csv"
    old = "D,2016,family_violence_investigations,13,"
    path.write_text(path.read_text(encoding="utf-8").replace(old, old.replace(",13,", ",2,")), encoding="utf-8")
    study = load_study(study)
    summary = case_statistics.before_after_summary(study).set_index("measure")
    row = summary.loc["family_violence_investigations"]
    assert privacy.is_suppressed(row["start_year_value"]) and privacy.is_suppressed(row["mean_before"])
    trend = case_statistics.pre_existing_trend(study).set_index("measure").loc["family_violence_investigations"]
    assert privacy.is_suppressed(trend["pre_trend"]) and privacy.is_suppressed(trend["increase_under_way"])
    model = case_statistics.level_change_model(study)
    assert model.loc[model["measure"] == "family_violence_investigations", "estimate"].map(privacy.is_suppressed).all()
    for language, words, header in (
        ("en", "not shown (few cases)", "Value in start year"),
        ("sv", "ej redovisat (få fall)", "Värde startåret"),
    ):
        shown = display_frame(case_statistics.before_after_summary(study), study, language)
        row = shown[shown.iloc[:, 1] == measure_label(study, "family_violence_investigations", language)].iloc[0]
        assert row[header] == words, row.tolist()


def test_a_larger_municipality_or_threshold_changes_what_is_protected(small_count_study):
    cells = privacy.protected_cells(small_count_study)
    assert cells == {("D", "protected_housing_placements", 2015)}
    assert privacy.protected_cells(small_count_study, threshold=12) >= {("D", "protected_housing_placements", 2016)}
    municipalities = small_count_study.tables["municipalities"].copy()
    municipalities.loc[municipalities["municipality_id"] == "D", "size_band"] = "large"
    bigger = type(small_count_study)(
        **{**small_count_study.__dict__, "tables": {**small_count_study.tables, "municipalities": municipalities}}
    )
    assert privacy.protected_cells(bigger) == set()


def test_figure_leaves_the_point_out_and_marks_it(small_count_study):
    from evalkit.present.figures import case_series_figures

    figure = case_series_figures(small_count_study, language="en")["D"]
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert "fewer than 3" in texts
    drawn = [(x, y) for line in figure.axes[0].lines for x, y in zip(line.get_xdata(), line.get_ydata()) if x == 2015]
    assert (2015, 1) not in drawn


def test_the_only_large_municipality_is_not_singled_out():
    """Chapter 00's table: a size band only one municipality has is withheld unless names are shown."""
    study = load_study(paths.DEFAULT_STUDY_DIR)
    municipalities = study.tables["municipalities"].copy()
    municipalities.loc[municipalities["municipality_id"] == "A", "size_band"] = "large"
    study = type(study)(**{**study.__dict__, "tables": {**study.tables, "municipalities": municipalities}})
    table = study.tables["municipalities"][["municipality_id", "size_band", "model"]]
    shown = privacy.protect_table(table, study, "en")
    withheld = shown.loc[shown["municipality_id"] == "A", "size_band"].item()
    assert withheld == privacy.Suppressed(privacy.IDENTIFYING) and str(withheld) == (
        "not shown (would identify the municipality)"
    )
    others = shown["municipality_id"] != "A"
    assert (shown.loc[others, "size_band"] == table.loc[others, "size_band"]).all()
    assert privacy.protect_table(table, study, "en", reveal_names=True) is table


def test_a_size_band_shared_by_several_municipalities_is_printed():
    study = load_study(paths.DEFAULT_STUDY_DIR)
    table = study.tables["municipalities"][["municipality_id", "size_band"]]
    assert table["size_band"].value_counts().min() >= privacy.MIN_GROUP
    assert privacy.protect_table(table, study, "en") is table


def test_the_threshold_can_be_set_per_study(small_count_study):
    study = type(small_count_study)(
        **{**small_count_study.__dict__, "descriptor": {**small_count_study.descriptor, privacy.THRESHOLD_KEY: 5}}
    )
    assert privacy.small_cell_threshold(study) == 5
    assert privacy.small_cell_threshold(small_count_study) == 3


def test_coded_interview_excerpts_are_scanned(tmp_path):
    """A QDA excerpt stays in the study folder, but a name or number in it still stops the run."""
    study = tmp_path / "vastmanland-2019"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, study)
    (study / "coded_segments.csv").write_text(
        "segment_id,interview_id,indicator_id,value,coder,code,start,end,excerpt,basis,source\n"
        "S1,I01,knowledge_improved,yes,,Kunskap,0,40,Ring Karin på 070-123 45 67 om rutinen,judgement,QDA\n",
        encoding="utf-8",
    )
    found = personal_data(inspect_study(study))
    assert {(hit.file, hit.column) for hit in found} == {("coded_segments.csv", "excerpt")}
    assert {hit.kind for hit in found} == {"personal name", "phone number"}
