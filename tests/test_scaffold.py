"""`evalkit new` creates a complete, empty study and never overwrites."""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit import paths
from evalkit.cli import main
from evalkit.scaffold import STANDARD_CODEBOOK, ScaffoldError, create_study


def test_new_study_has_every_table_and_the_standard_codebook(tmp_path):
    folder = create_study(tmp_path / "uppsala-2026")
    for table in ("municipalities", "coordinators", "assessments", "case_statistics", "survey_responses"):
        frame = pd.read_csv(folder / f"{table}.csv")
        assert frame.empty and "basis" in frame.columns
    for table in ("indicators", "conditions", "vocabularies", "quality_areas", "measures", "survey_questions"):
        standard = pd.read_csv(STANDARD_CODEBOOK / f"{table}.csv", dtype=str, keep_default_na=False)
        copied = pd.read_csv(folder / "codebook" / f"{table}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(standard, copied)


def test_new_study_is_fieldwork_and_cites_no_section_of_the_source_report(tmp_path):
    """Another county's data do not come from the 2019 report: nothing in the codebook may say so."""
    import json

    folder = create_study(tmp_path / "uppsala-2026")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["evalkit:kind"] == "fieldwork" and "evalkit:source_report" not in descriptor
    sections = set()
    for table in ("indicators", "conditions"):
        standard = pd.read_csv(paths.DEFAULT_STUDY_DIR / "codebook" / f"{table}.csv", dtype=str, keep_default_na=False)
        sections |= {s for s in standard["report_section"] if s}
        copied = pd.read_csv(folder / "codebook" / f"{table}.csv", dtype=str, keep_default_na=False)
        assert (copied["report_section"] == "").all()
    assert sections, "the default study's codebook cites report sections"
    codebook_text = "".join(p.read_text(encoding="utf-8") for p in (folder / "codebook").glob("*.csv"))
    assert not any(section in codebook_text for section in sections)
    vocabularies = pd.read_csv(folder / "codebook" / "vocabularies.csv")
    labels = vocabularies.loc[vocabularies["vocabulary"] == "basis", ["label_sv", "label_en"]].to_numpy().ravel()
    assert not any("rapport" in label.lower() or "report" in label.lower() for label in labels)


def test_guides_cover_every_indicator_and_survey_question(tmp_path):
    folder = create_study(tmp_path / "new")
    indicators = pd.read_csv(folder / "codebook" / "indicators.csv")
    guide_en = (folder / "interview_guide_en.md").read_text(encoding="utf-8")
    guide_sv = (folder / "interview_guide_sv.md").read_text(encoding="utf-8")
    for _, indicator in indicators.iterrows():
        assert indicator["label_en"] in guide_en
        assert indicator["label_sv"] in guide_sv
    survey = (folder / "survey_form_sv.html").read_text(encoding="utf-8")
    assert "c) Direkt klientarbete, procent av tiden" in survey and "<h2>5. " in survey
    assert "q3_direct_client_pct" not in survey  # question texts, never column ids
    assert "Direct work with clients" in (folder / "survey_form_en.html").read_text(encoding="utf-8")


def test_refuses_a_non_empty_folder_and_leaves_it_untouched(tmp_path):
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "my-notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="never overwrites"):
        create_study(folder)
    assert [p.name for p in folder.iterdir()] == ["my-notes.txt"]
    assert main(["new", str(folder)]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["existing"], "no temporary folder left behind"


def test_new_study_passes_validation(tmp_path):
    validate = pytest.importorskip("evalkit.study.validate")
    folder = create_study(tmp_path / "blank")
    assert validate.validate_study(folder) == []
