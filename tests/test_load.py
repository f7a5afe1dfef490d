"""Tests of :func:`evalkit.study.load_study` on the demo-county fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evalkit.study import Study, StudyValidationError, csvio, load_study, validate_study
from evalkit.study.model import CODEBOOK_TABLES, DATA_TABLES, resource_schema

FIXTURE = Path(__file__).parent / "fixtures" / "demo-county"


@pytest.fixture(scope="module")
def demo() -> Study:
    return load_study(FIXTURE)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    target = tmp_path / "demo-county"
    shutil.copytree(FIXTURE, target)
    return target


def test_name_title_path_and_descriptor(demo):
    assert demo.name == "demo-county"
    assert demo.title == "Exempellän 2021 (fictional demo study)"
    assert demo.path == FIXTURE.resolve()
    assert demo.descriptor["name"] == "demo-county"


def test_every_table_is_present_with_schema_columns(demo):
    assert set(demo.tables) == set(DATA_TABLES)
    assert set(demo.codebook) == set(CODEBOOK_TABLES)
    for name, frame in demo.tables.items():
        assert list(frame.columns) == [spec["name"] for spec in resource_schema(name)["fields"]], name
    for name, frame in demo.codebook.items():
        expected = [spec["name"] for spec in resource_schema("codebook_" + name)["fields"]]
        assert list(frame.columns) == expected, name


def test_row_counts(demo):
    counts = {name: len(frame) for name, frame in demo.tables.items()}
    assert counts == {
        "municipalities": 7,
        "coordinators": 4,
        "coordinator_municipalities": 5,
        "survey_responses": 4,
        "interviews": 22,
        "assessments": 43,
        "conditions": 40,
        "case_statistics": 24,
        "documents": 10,
        "published_claims": 5,
        "coded_segments": 0,
    }
    assert len(demo.codebook["quality_areas"]) == 6


def test_dtypes_follow_the_schema(demo):
    cases = demo.tables["case_statistics"]
    assert cases["year"].dtype == "Int64"
    assert cases["value"].dtype == "Int64"
    assert cases["municipality_id"].dtype == "string"
    assert demo.tables["coordinator_municipalities"]["share_of_post_pct"].dtype == "Float64"
    assert demo.codebook["quality_areas"]["order"].dtype == "Int64"


def test_empty_cells_are_missing(demo):
    cases = demo.tables["case_statistics"]
    assert cases["value"].isna().sum() == 1
    municipalities = demo.tables["municipalities"]
    assert municipalities["name"].isna().all()
    assert municipalities.loc[0, "municipality_id"] == "K01"


def test_swedish_characters_survive(demo):
    assert set(demo.tables["municipalities"]["county"]) == {"Exempellän"}
    assert "Åklagarmyndigheten" in set(demo.tables["interviews"]["organisation"].dropna())


def test_published_claims_are_optional(study):
    (study / "published_claims.csv").unlink()
    assert validate_study(study) == []
    claims = load_study(study).tables["published_claims"]
    assert claims.empty
    assert "claim_id" in claims.columns


def test_invalid_study_raises_with_every_problem(study):
    (study / "documents.csv").unlink()
    rows = (
        (study / "survey_responses.csv")
        .read_text(encoding="utf-8")
        .replace("C1,K01,100,50,20,10,20", "C1,K01,100,50,20,10,10")
    )
    (study / "survey_responses.csv").write_text(rows, encoding="utf-8")
    with pytest.raises(StudyValidationError) as caught:
        load_study(study)
    error = caught.value
    assert len(error.problems) == 2
    text = str(error)
    assert text.splitlines()[0] == f"The study {study} is not valid (2 problems):"
    assert "survey_responses.csv, row 2: the time split in Q3 adds up to 90 percent" in text
    assert "documents.csv: the required table 'documents' is missing" in text


def test_each_file_is_read_once(monkeypatch):
    reads: list[Path] = []
    original = csvio.read_csv

    def counting(path):
        reads.append(Path(path))
        return original(path)

    monkeypatch.setattr(csvio, "read_csv", counting)
    load_study(FIXTURE)
    assert len(reads) == len(set(reads)) == 16


def test_cache_and_no_cache_load_the_same_study():
    cached, fresh = load_study(FIXTURE), load_study(FIXTURE, use_cache=False)
    for name in DATA_TABLES:
        pd.testing.assert_frame_equal(cached.tables[name], fresh.tables[name])


def test_default_path_is_the_vastmanland_study():
    import inspect

    from evalkit import paths

    assert inspect.signature(load_study).parameters["path"].default == paths.DEFAULT_STUDY_DIR
