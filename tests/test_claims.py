"""Published claims: checked by validate (finding ids) and recomputed for every run."""

from __future__ import annotations

import json
import shutil

import pandas as pd
from studies import tiny_study

from evalkit import paths
from evalkit.analysis import claims as C
from evalkit.cli import main
from evalkit.study import load_study

DEMO_DIR = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def test_claims_table_of_the_tiny_study():
    # P1: 3 of 4 municipalities have a coordinator (agrees). P2 claims 2/3 for qa.know_plan, the data
    # give 1/3 (A yes, B no, C partly). P3 names no finding. P4: two coordinators (agrees).
    table = C.claims_table(tiny_study()).set_index("claim_id")
    assert table["expected"].tolist() == ["3/4", "2/3", "1", "2"]
    assert table["recomputed"].fillna("").tolist() == ["3/4", "1/3", "", "2"]
    assert table["agrees"].tolist() == [True, False, False, True]
    assert list(C.disagreeing(table.reset_index())["claim_id"]) == ["P2", "P3"]


def test_mismatch_message_names_each_disagreeing_claim():
    message = C.mismatch_message(C.claims_table(tiny_study()), "data/tiny")
    assert message.splitlines() == [
        "2 of 4 published claims of data/tiny disagree with the data; nothing was run and no report was changed.",
        "  P2 (qa.know_plan): expected 2/3 municipalities, recomputed 1/3 municipalities",
        "  P3 (org.does_not_exist): expected 1 coordinators, the study produces no such finding",
        "Fix the data or published_claims.csv, or run with --allow-claim-mismatch to make the report anyway "
        "(its claims table shows the disagreements).",
    ]


def test_claim_problems_point_at_the_row_and_column():
    problems = C.claim_problems(tiny_study())
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("published_claims.csv", 4, "finding_id", "org.does_not_exist")
    ]
    assert problems[0].fix.endswith(
        "Ids of this kind here: org.combined_with.casework.coordinators, "
        "org.combined_with.casework.municipalities, org.combined_with.none.coordinators."
    )


def test_a_study_without_claims_has_an_empty_claims_table():
    tables = {"published_claims": pd.DataFrame()}
    study = tiny_study(tables)
    assert C.claims_table(study).empty and C.claim_problems(study) == []
    assert C.format_summary(C.claims_table(study)).startswith("Published claims: none")


def test_every_claim_of_the_default_study_agrees():
    table = C.claims_table(load_study(paths.DEFAULT_STUDY_DIR))
    assert len(table) > 0 and table["agrees"].all(), C.format_summary(table)


def _demo_copy(tmp_path):
    study = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, study)
    return study


def test_validate_reports_a_claim_naming_an_unknown_finding(tmp_path, capsys):
    study = _demo_copy(tmp_path)
    path = study / "published_claims.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("P05,team.municipalities", "P05,team.municipalitys"))
    assert main(["validate", str(study)]) == 1
    out = capsys.readouterr().out
    assert (
        "published_claims.csv, row 6, column finding_id: no finding 'team.municipalitys' in the study's findings "
        "table. Use a finding id listed in docs/findings.md that this study produces. Did you mean: "
        "team.municipalities." in out
    )
    assert "1 problem found in" in out


def test_validate_prints_readiness_and_claims(tmp_path, capsys):
    study = _demo_copy(tmp_path)
    path = study / "published_claims.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("P03,org.coordinators_total,4", "P03,org.coordinators_total,5")
    )
    assert main(["validate", str(study)]) == 0, "a disagreeing claim does not make the study invalid"
    out = capsys.readouterr().out
    assert "Readiness: what each part of the report can show" in out
    assert "3 parts cannot run: `evalkit run" in out
    assert "Published claims: 1 of 5 disagree with the data" in out
    assert "  P03 (org.coordinators_total): expected 5 coordinators, recomputed 4 coordinators" in out


def test_validate_json_holds_readiness_and_claims(capsys):
    assert main(["validate", str(DEMO_DIR), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is True
    assert [row["status"] for row in result["readiness"]].count("cannot_run") == 3
    assert [row["claim_id"] for row in result["claims"]] == ["P01", "P02", "P03", "P04", "P05"]
    assert all(row["agrees"] for row in result["claims"])


def test_claims_display_in_swedish_and_english():
    from evalkit.present.claims import claims_summary, display_claims

    study = tiny_study()
    table = C.claims_table(study)
    sv = display_claims(table, study, "sv").set_index("Påstående")
    assert "Resultat-id" not in sv.columns  # internal ids stay in the findings table
    assert sv.index.name == "Påstående" and list(sv.index) == ["P1", "P2", "P3", "P4"]
    assert sv.loc["P2", ["Enligt källan", "Omräknat", "Stämmer"]].tolist() == ["2/3", "1/3", "nej"]
    assert sv.loc["P3", "Omräknat"] == "–"
    en = display_claims(table, study, "en").set_index("Claim")
    assert en.loc["P1", ["Unit", "Agrees"]].tolist() == ["municipalities", "yes"]
    # Each edition shows the claim in its own language only.
    assert sv.loc["P1", "Påståendet (studiens formulering)"] == "Tre av fyra."
    assert en.loc["P1", "The claim (the study's wording)"] == "Three of four."
    assert not set(sv["Påståendet (studiens formulering)"]) & set(en["The claim (the study's wording)"])
    assert repr(claims_summary(table, "en")).splitlines() == [
        "[Warning]",
        "2 of 4 published claims disagree with the study's data: P2, P3.",
    ]
    agreeing = table[table["agrees"]]
    assert "Alla 2 publicerade påståenden stämmer" in repr(claims_summary(agreeing, "sv"))
    assert "no published claims" in repr(claims_summary(table.iloc[0:0], "en"))


def test_the_session_shows_the_summary_then_the_table(monkeypatch):
    from evalkit import notebook
    from evalkit.notebook import open_chapter

    shown = []
    monkeypatch.setattr(notebook, "_display", shown.append)
    monkeypatch.setattr(notebook, "_display_html", lambda markup, text: shown.append(text))
    open_chapter("00_study", study=DEMO_DIR, language="sv").claims()
    assert repr(shown[0]).splitlines()[1] == (
        "Alla 5 publicerade påståenden stämmer med det som räknas fram ur studiens data."
    )
    caption, header, *rows = shown[1].splitlines()
    assert caption.startswith("Tabell 0.1. Publicerade påståenden")
    assert [row.split()[0] for row in rows] == ["P01", "P02", "P03", "P04", "P05"]
    shown.clear()
    open_chapter("00_study", study=paths.DATA_DIR / "ovningslan-2025", language="en").claims()
    assert len(shown) == 1 and "holds no published claims" in repr(shown[0])
