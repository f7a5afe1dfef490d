"""The generated schema documentation matches the canonical schema."""

from evalkit import paths
from evalkit.study.schema_docs import schema_markdown


def test_study_schema_doc_is_current():
    committed = (paths.PROJECT_ROOT / "docs" / "study-schema.md").read_text(encoding="utf-8")
    assert committed == schema_markdown(), (
        "docs/study-schema.md is out of date: run `python -m evalkit.study.schema_docs > docs/study-schema.md`"
    )
