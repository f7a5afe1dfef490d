"""Statements of the fidelity review (turn 3) that the chapters and tables must get right."""

from __future__ import annotations

from pathlib import Path

import pytest
from studies import tiny_study

from evalkit import paths
from evalkit.analysis import study_overview
from evalkit.study import load_study

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def default():
    return load_study(paths.DEFAULT_STUDY_DIR)


def test_s118_a_published_evaluation_shows_report_values_not_answers(default):
    table = study_overview.survey_coverage(default)
    assert list(table.columns) == ["question_id", "from_report", "reconstructed", "posts"]
    assert ((table["from_report"] + table["reconstructed"]) <= table["posts"]).all()
    assert study_overview.caption_key(default, "survey_coverage") == "survey_coverage_published"
    fieldwork = tiny_study(descriptor={"evalkit:kind": "fieldwork"})
    assert "answered" in study_overview.survey_coverage(fieldwork).columns
    assert study_overview.caption_key(fieldwork, "survey_coverage") == "survey_coverage"


def test_s112_documents_are_those_the_report_mentions(default):
    from evalkit.present.captions import TABLE_CAPTIONS

    key = study_overview.caption_key(default, "documents_by_type")
    assert TABLE_CAPTIONS[key][0] == "Dokument som rapporten nämner, per typ"
    text = (NOTEBOOKS / "00_study.py").read_text(encoding="utf-8")
    assert "lämnar in:" not in text and "hand in:" not in text
    assert "dokumenten är de som rapporten nämner" in text


def test_s23_the_quality_areas_are_not_all_in_open_comparisons():
    text = (NOTEBOOKS / "02_quality_areas.py").read_text(encoding="utf-8")
    assert "använder i öppna jämförelser" not in text and "uses in its open comparisons" not in text
    assert "ingår inte i Socialstyrelsens öppna jämförelser" in text
