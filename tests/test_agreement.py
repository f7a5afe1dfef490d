"""Two coders: resolving to one value, Krippendorff's alpha, disagreements, validation of coder rows."""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pandas as pd
import pytest

from evalkit import paths
from evalkit.analysis import agreement
from evalkit.present.agreement import agreement_markdown, agreement_statement
from evalkit.present.labels import quality_area_label
from evalkit.study import load_study
from evalkit.study.coders import BY_RULE, cautious_value, split_assessments
from evalkit.study.storage import convert_study
from evalkit.study.validate import validate_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def two_coder_study(tmp_path, second: dict[tuple[str, str], str], agreed: dict[tuple[str, str], str] | None = None):
    """The demo county with a coder column: coder1 = the agreed values, coder2 differs where ``second`` says."""
    study = convert_study(DEMO, tmp_path / "two-coders", "csv")
    frame = pd.read_csv(study / "assessments.csv", dtype=str, keep_default_na=False)
    first = frame.assign(coder="coder1")
    other = frame.assign(coder="coder2")
    for (indicator, subject), value in second.items():
        other.loc[(other["indicator_id"] == indicator) & (other["subject_id"] == subject), "value"] = value
    parts = [first, other]
    if agreed:
        rows = frame[[(i, s) in agreed for i, s in zip(frame["indicator_id"], frame["subject_id"])]].copy()
        rows["value"] = [agreed[(i, s)] for i, s in zip(rows["indicator_id"], rows["subject_id"])]
        parts.append(rows.assign(coder="agreed"))
    pd.concat(parts).to_csv(study / "assessments.csv", index=False)
    return study


def test_cautious_rule():
    assert cautious_value(["yes", "yes"]) == "yes"
    assert cautious_value(["yes", "partly"]) == "partly"
    assert cautious_value(["yes", "no", "unknown"]) == "no"
    assert cautious_value(["unknown", "yes"]) == "yes"
    assert cautious_value(["unknown"]) == "unknown"


def test_hand_checked_alpha():
    # coder A: yes, partly, no, yes; coder B: yes, yes, no, yes (0 no, 1 partly, 2 yes).
    # Coincidences o_22 = 4, o_12 = o_21 = 1, o_00 = 2; n = (2, 1, 5), n = 8.
    # Ordinal delta^2: d01 = 1.5^2 = 2.25, d12 = 3^2 = 9, d02 = 4.5^2 = 20.25.
    # alpha = 1 - (n - 1) * 18 / (2 * (2*1*2.25 + 1*5*9 + 2*5*20.25)) = 1 - 7 * 18 / 504 = 0.75
    data = np.array([[2, 1, 0, 2], [2, 2, 0, 2]], dtype=float)
    assert agreement.alpha(data) == pytest.approx(0.75)


def test_alpha_is_not_defined_without_variation():
    assert np.isnan(agreement.alpha(np.array([[2, 2], [2, 2]], dtype=float)))


def test_study_alpha_equals_the_packages_value_on_the_same_data(tmp_path):
    second = {
        ("kb_staff_knowledge", "K01"): "partly",
        ("kb_freda", "K02"): "no",
        ("ts_written_routines", "K03"): "unknown",
    }
    study = load_study(two_coder_study(tmp_path, second))
    table = agreement.agreement_table(study)
    rows = study.coder_assessments
    codes = {"no": 0, "partly": 1, "yes": 2}
    units = list(dict.fromkeys(zip(rows["indicator_id"], rows["subject_id"])))
    matrix = np.full((2, len(units)), np.nan)
    for row in rows.itertuples():
        if row.value in codes:
            matrix[["coder1", "coder2"].index(row.coder), units.index((row.indicator_id, row.subject_id))] = codes[
                row.value
            ]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal", value_domain=[0, 1, 2])
    overall = table.set_index("quality_area_id").loc["all"]
    assert overall["alpha"] == pytest.approx(expected)
    assert overall["coders"] == 2
    assert 0 < overall["alpha"] < 1
    per_area = table.set_index("quality_area_id")
    assert set(per_area.index) >= {"knowledge_based", "safety", "all"}


def test_findings_use_agreed_rows_else_the_cautious_rule_and_disagreements_are_listed(tmp_path):
    second = {("kb_staff_knowledge", "K01"): "no", ("kb_freda", "K02"): "no"}
    folder = two_coder_study(tmp_path, second, agreed={("kb_staff_knowledge", "K01"): "yes"})
    assert validate_study(folder) == []
    study = load_study(folder)
    used = study.tables["assessments"].set_index(["indicator_id", "subject_id"])
    assert len(used) == len(load_study(DEMO).tables["assessments"])
    assert used.loc[("kb_staff_knowledge", "K01"), "value"] == "yes"
    assert used.loc[("kb_staff_knowledge", "K01"), "coder"] == "agreed"
    original = load_study(DEMO).tables["assessments"].set_index(["indicator_id", "subject_id"])
    assert original.loc[("kb_freda", "K02"), "value"] != "no"
    assert used.loc[("kb_freda", "K02"), "value"] == "no"  # the lower of the two
    assert used.loc[("kb_freda", "K02"), "coder"] == BY_RULE
    listed = agreement.disagreements(study)
    assert list(zip(listed["indicator_id"], listed["subject_id"])) == [
        ("kb_staff_knowledge", "K01"),
        ("kb_freda", "K02"),
    ]
    assert list(listed["how"]) == ["agreed", BY_RULE]


def test_low_agreement_warns_and_the_statement_says_so(tmp_path):
    frame = pd.read_csv(DEMO / "assessments.csv", dtype=str, keep_default_na=False)
    flipped = {"yes": "no", "no": "yes", "partly": "yes"}
    second = {(i, s): flipped.get(v, v) for i, s, v in zip(frame["indicator_id"], frame["subject_id"], frame["value"])}
    study = load_study(two_coder_study(tmp_path, second))
    table = agreement.agreement_table(study)
    assert table.set_index("quality_area_id").loc["all", "below_threshold"]
    assert "below the threshold 0.667" in agreement.agreement_warning(table)
    assert "below the threshold 0.667" in agreement_statement(study, "en")
    assert "under gränsen 0,667" in agreement_statement(study, "sv")


def test_one_agreed_value_needs_no_coder_column():
    study = load_study(paths.DEFAULT_STUDY_DIR)
    assert study.coder_assessments.empty
    assert agreement.agreement_table(study).empty
    assert "not measured" in agreement_statement(study)
    assert agreement_markdown(study, "sv") == agreement_statement(study, "sv")


def test_duplicate_coder_rows_are_a_problem(tmp_path):
    folder = two_coder_study(tmp_path, {})
    text = (folder / "assessments.csv").read_text(encoding="utf-8")
    line = text.splitlines()[1]
    (folder / "assessments.csv").write_text(text + line + "\n", encoding="utf-8")
    problems = validate_study(folder)
    assert len(problems) == 1
    assert "duplicate key" in problems[0].message and problems[0].column == "coder"


def test_split_keeps_a_study_without_coders_unchanged():
    frame = pd.DataFrame(
        {"indicator_id": ["a", "b"], "subject_id": ["X", "Y"], "value": ["yes", "no"], "evidence": [None, None]}
    ).astype("string")
    resolved, by_coder = split_assessments(frame)
    assert by_coder.empty
    assert list(resolved["value"]) == ["yes", "no"]


def test_the_statement_gives_this_studys_figures(tmp_path):
    second = {("kb_staff_knowledge", "K01"): "partly", ("kb_freda", "K02"): "no"}
    study = load_study(two_coder_study(tmp_path, second))
    overall = agreement.agreement_table(study).set_index("quality_area_id").loc["all"]
    english, swedish = agreement_statement(study, "en"), agreement_statement(study, "sv")
    assert f"2 coders assessed the same {overall['units']} combinations" in english
    assert f"is {overall['alpha']:.2f}; the coders disagreed on 2 combinations." in english
    assert f"är {overall['alpha']:.2f}".replace(".", ",") in swedish and "oeniga om 2 kombinationer" in swedish
    assert "below" not in english  # alpha is above 0.667 here
    markdown = agreement_markdown(study, "en")
    assert "| Knowledge-based practice |" in markdown and "| All |" in markdown


def test_the_threshold_is_a_setting_of_the_study(tmp_path):
    second = {("kb_staff_knowledge", "K01"): "partly", ("kb_freda", "K02"): "no"}
    folder = two_coder_study(tmp_path, second)
    alpha = agreement.agreement_table(load_study(folder)).set_index("quality_area_id").loc["all", "alpha"]
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["evalkit:agreement_threshold"] = 0.99
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert validate_study(folder) == []
    study = load_study(folder)
    assert agreement.study_threshold(study) == 0.99
    assert alpha < 0.99 and "below the threshold 0.99" in agreement_statement(study, "en")
    assert agreement.agreement_table(study).set_index("quality_area_id").loc["all", "below_threshold"]
    for bad in ("high", 0, 1.5, True):
        descriptor["evalkit:agreement_threshold"] = bad
        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        problems = validate_study(folder, use_cache=False)
        assert len(problems) == 1, bad
        assert problems[0].file == "datapackage.json" and "evalkit:agreement_threshold" in problems[0].message


def test_the_run_writes_agreement_and_disagreements_and_warns(tmp_path):
    from unittest import mock

    from evalkit.chapters import Chapter
    from evalkit.report.artefacts import REPORT_ARTEFACTS
    from evalkit.report.pipeline import run_study

    frame = pd.read_csv(DEMO / "assessments.csv", dtype=str, keep_default_na=False)
    flipped = {"yes": "no", "no": "yes", "partly": "yes"}
    second = {(i, s): flipped.get(v, v) for i, s, v in zip(frame["indicator_id"], frame["subject_id"], frame["value"])}
    folder = two_coder_study(tmp_path, second)
    (folder / "values.csv").write_text("name,count\na,1\n", encoding="utf-8")  # read by the fixture notebook

    def run():
        with mock.patch("evalkit.report.manifest.evalkit_source_digest", return_value="0" * 64):
            return run_study(
                folder,
                languages="en",
                pdf=False,
                chapters=(Chapter("10_table", "Tabell", "Table"),),
                notebooks_dir=paths.PROJECT_ROOT / "tests" / "fixtures" / "notebooks",
                reports_root=tmp_path / "reports",
                cache_dir=tmp_path / "cache",
                artefacts=[a for a in REPORT_ARTEFACTS if a.name in ("agreement", "disagreements")],
                checks=(),
            )

    result = run()
    assert result.ok
    report = result.report_dir
    table = pd.read_csv(report / "agreement.csv")
    study = load_study(folder)
    expected = agreement.agreement_table(study)
    assert list(table["quality_area_id"]) == list(expected["quality_area_id"])
    assert table["alpha"].to_numpy() == pytest.approx(expected["alpha"].to_numpy())
    listed = pd.read_csv(report / "disagreements.csv")
    assert len(listed) == len(agreement.disagreements(study)) > 0
    assert set(listed.columns) == {"indicator_id", "subject_id", "coder1", "coder2", "used", "how"}
    warnings = [m for m in result.messages if "Warning: coder agreement is below the threshold 0.667" in m]
    assert len(warnings) == 1 and "overall" in warnings[0]
    areas = set(expected.loc[expected["below_threshold"].astype(bool), "quality_area_id"]) - {"all"}
    assert areas
    for area in areas:  # named by the codebook's label, not the id
        assert quality_area_label(study, area, "en") in warnings[0] and f" {area} " not in warnings[0]
    again = run()  # unchanged study: served from the cache, and the warning is printed again
    assert again.status == "cached"
    assert [m for m in again.messages if m.startswith("Warning: coder agreement")] == [
        warnings[0][warnings[0].index("Warning: ") :]
    ]
