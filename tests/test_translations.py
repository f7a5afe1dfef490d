"""Every text a study writes in two languages is complete, or `evalkit validate` says which and how to fix it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from evalkit.study import validate_study
from evalkit.study.model import template_descriptor
from evalkit.study.translations import language_of, text_pairs, twin

DEMO = Path(__file__).parent / "fixtures" / "demo-county"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    target = tmp_path / "demo-county"
    shutil.copytree(DEMO, target)
    return target


def set_first(study: Path, file: str, values: dict[str, str]) -> list[str]:
    """Set cells of the first data row; return that row as it was."""
    with open(study / file, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    before = list(rows[1])
    for column, value in values.items():
        rows[1][rows[0].index(column)] = value
    with open(study / file, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return dict(zip(rows[0], before))


def test_every_language_column_has_its_twin_and_both_are_required():
    pairs = 0
    for resource in template_descriptor()["resources"]:
        fields = {spec["name"]: spec for spec in resource["schema"]["fields"]}
        for name, spec in fields.items():
            if language_of(name) is None:
                continue
            assert twin(name) in fields, f"{resource['name']}.{name} has no {twin(name)}"
            assert spec.get("constraints", {}).get("required"), f"{resource['name']}.{name} must be required"
        pairs += len(text_pairs(resource))
    assert pairs == 12  # labels, definitions, statements, survey questions and published claims


def test_a_missing_english_label_names_the_swedish_one(study):
    before = set_first(study, "codebook/quality_areas.csv", {"label_en": ""})
    lines = [problem.render() for problem in validate_study(study)]
    assert lines == [
        f"codebook/quality_areas.csv, row 2, column label_en: the English text is missing: label_sv is "
        f"'{before['label_sv']}' but label_en is empty. Write the same text in English in label_en: the English "
        "edition shows label_en and never the other language's text."
    ]


def test_a_missing_swedish_claim_is_refused(study):
    before = set_first(study, "published_claims.csv", {"claim_sv": ""})
    (line,) = [problem.render() for problem in validate_study(study)]
    assert line.startswith("published_claims.csv, row 2, column claim_sv: the Swedish text is missing: claim_en is ")
    assert before["claim_en"] in line and "Write the same text in Swedish in claim_sv" in line


def test_both_languages_missing(study):
    set_first(study, "codebook/survey_questions.csv", {"text_sv": "", "text_en": ""})
    lines = [problem.render() for problem in validate_study(study)]
    assert len(lines) == 2
    assert lines[0].startswith(
        "codebook/survey_questions.csv, row 2, column text_sv: the cell is empty, and so is text_en"
    )
    assert "Write the text in Swedish in text_sv and in English in text_en." in lines[0]
