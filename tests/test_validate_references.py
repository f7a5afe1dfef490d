"""Foreign keys come from the canonical schema's ``foreignKeys``, not from a list kept beside it."""

from __future__ import annotations

from evalkit.study import validate


def test_schema_foreign_keys_are_the_checked_references():
    derived = {(ref.table, ref.column, ref.target, ref.target_column, ref.what) for ref in validate.references()}
    assert derived == set(validate.REFERENCES)
