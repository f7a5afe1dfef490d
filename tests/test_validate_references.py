"""Foreign keys come from the canonical schema's ``foreignKeys``, not from a list kept beside it."""

from __future__ import annotations

from evalkit.study import validate

#: The references the validator checked from a hand-kept list before they were read from the schema.
CHECKED_BEFORE = {
    ("coordinators", "based_in", "municipalities", "municipality_id", "municipality id"),
    ("coordinator_municipalities", "coordinator_id", "coordinators", "coordinator_id", "coordinator id"),
    ("coordinator_municipalities", "municipality_id", "municipalities", "municipality_id", "municipality id"),
    ("survey_responses", "coordinator_id", "coordinators", "coordinator_id", "coordinator id"),
    ("interviews", "municipality_id", "municipalities", "municipality_id", "municipality id"),
    ("interviews", "coordinator_id", "coordinators", "coordinator_id", "coordinator id"),
    ("assessments", "indicator_id", "codebook_indicators", "indicator_id", "indicator"),
    ("conditions", "municipality_id", "municipalities", "municipality_id", "municipality id"),
    ("conditions", "condition_id", "codebook_conditions", "condition_id", "condition"),
    ("case_statistics", "municipality_id", "municipalities", "municipality_id", "municipality id"),
    ("case_statistics", "measure", "codebook_measures", "measure", "measure"),
    ("documents", "municipality_id", "municipalities", "municipality_id", "municipality id"),
    ("documents", "coordinator_id", "coordinators", "coordinator_id", "coordinator id"),
    ("codebook_indicators", "quality_area_id", "codebook_quality_areas", "quality_area_id", "quality area"),
    ("coded_segments", "interview_id", "interviews", "interview_id", "interview id"),
    ("coded_segments", "indicator_id", "codebook_indicators", "indicator_id", "indicator"),
    # added with the quotes: a segment may be coded to a success factor or failure explanation
    ("coded_segments", "condition_id", "codebook_conditions", "condition_id", "condition"),
}


def test_schema_foreign_keys_are_the_checked_references():
    derived = {(ref.table, ref.column, ref.target, ref.target_column, ref.what) for ref in validate.references()}
    assert derived == CHECKED_BEFORE
