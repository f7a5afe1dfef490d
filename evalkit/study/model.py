"""The in-memory study: typed pandas DataFrames for every table and the codebook.

A :class:`Study` is what :func:`evalkit.study.load_study` returns after a study
folder has passed validation, and what every function in
:mod:`evalkit.analysis` takes. Tests build small studies directly with
:meth:`Study.from_frames`.

Column types follow the Table Schema in ``evalkit/schema/study.datapackage.json``:
``string`` fields become pandas ``string`` dtype (``pd.NA`` for empty cells),
``integer`` fields ``Int64`` and ``number`` fields ``Float64``. Rows keep the
order of the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from evalkit import paths

DATA_TABLES = (
    "municipalities",
    "coordinators",
    "coordinator_municipalities",
    "survey_responses",
    "interviews",
    "assessments",
    "conditions",
    "case_statistics",
    "documents",
    "published_claims",
    "coded_segments",
)
CODEBOOK_TABLES = (
    "quality_areas",
    "indicators",
    "conditions",
    "measures",
    "vocabularies",
    "survey_questions",
)
PROVENANCE_COLUMNS = ("basis", "source", "assumption", "reconstructed_fields")
VALUE_SCORES = {"yes": 1.0, "partly": 0.5, "no": 0.0}
LANGUAGES = ("sv", "en")


@lru_cache(maxsize=1)
def template_descriptor() -> dict:
    """Return the canonical study descriptor (Data Package with Table Schemas)."""
    with open(paths.SCHEMA_DIR / "study.datapackage.json", encoding="utf-8") as handle:
        return json.load(handle)


def resource_schema(resource_name: str) -> dict:
    """Return the Table Schema of one resource of the canonical descriptor.

    Parameters
    ----------
    resource_name : str
        Data tables by their name (``"municipalities"``), codebook tables with
        the ``codebook_`` prefix (``"codebook_indicators"``).
    """
    for resource in template_descriptor()["resources"]:
        if resource["name"] == resource_name:
            return resource["schema"]
    raise KeyError(resource_name)


def _dtype_for(field_type: str) -> str:
    return {"integer": "Int64", "number": "Float64"}.get(field_type, "string")


def typed_frame(resource_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Cast ``frame`` to the dtypes its Table Schema declares.

    Columns the schema declares but ``frame`` lacks are added as empty; extra
    columns are kept at the end. Intended for already-validated data and for
    hand-made test studies.
    """
    schema = resource_schema(resource_name)
    out = pd.DataFrame(index=range(len(frame)))
    frame = frame.reset_index(drop=True)
    for spec in schema["fields"]:
        name = spec["name"]
        dtype = _dtype_for(spec.get("type", "string"))
        if name in frame.columns:
            column = frame[name]
            if dtype == "string":
                column = column.astype("string")
                column = column.mask(column.str.len() == 0)
            else:
                column = pd.to_numeric(column, errors="raise").astype(dtype)
            out[name] = column
        else:
            out[name] = pd.Series(pd.NA, index=out.index, dtype=dtype)
    for name in frame.columns:
        if name not in out.columns:
            out[name] = frame[name]
    return out


@dataclass(frozen=True)
class Study:
    """A loaded study.

    Attributes
    ----------
    name : str
        Short name of the study (the folder name, e.g. ``"vastmanland-2019"``).
    tables : Mapping[str, pandas.DataFrame]
        Data tables by name (see ``DATA_TABLES``); ``published_claims`` may be
        empty.
    codebook : Mapping[str, pandas.DataFrame]
        Codebook tables by name (see ``CODEBOOK_TABLES``).
    path : pathlib.Path or None
        Folder the study was read from, if any.
    title : str
        Human title from the descriptor.
    coder_assessments : pandas.DataFrame
        The rows of ``assessments`` made by individual coders (coder id other
        than ``agreed``); empty when the study has one agreed value per subject
        and indicator. ``tables["assessments"]`` holds the values the findings
        use (see :mod:`evalkit.study.coders`).
    """

    name: str
    tables: Mapping[str, pd.DataFrame]
    codebook: Mapping[str, pd.DataFrame]
    path: Path | None = None
    title: str = ""
    descriptor: Mapping = field(default_factory=dict)
    coder_assessments: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def from_frames(
        cls,
        tables: Mapping[str, pd.DataFrame],
        codebook: Mapping[str, pd.DataFrame],
        name: str = "study",
        title: str = "",
        descriptor: Mapping | None = None,
    ) -> Study:
        """Build a study from plain DataFrames, casting each to its schema.

        Missing provenance columns get defaults (``basis='observed'``,
        ``source='test'``) so that hand-made test studies stay short. Missing
        tables become empty tables with the schema's columns. ``descriptor``
        holds descriptor properties such as ``evalkit:kind`` (default: none,
        i.e. a fieldwork study).
        """
        typed_tables = {}
        for table in DATA_TABLES:
            frame = tables.get(table, pd.DataFrame())
            frame = frame.copy()
            if len(frame):
                if "basis" not in frame.columns:
                    frame["basis"] = "observed"
                if "source" not in frame.columns:
                    frame["source"] = "test"
            typed_tables[table] = typed_frame(table, frame)
        typed_codebook = {
            table: typed_frame("codebook_" + table, codebook.get(table, pd.DataFrame())) for table in CODEBOOK_TABLES
        }
        from evalkit.study.coders import split_assessments

        typed_tables["assessments"], by_coder = split_assessments(typed_tables["assessments"])
        return cls(
            name=name,
            tables=typed_tables,
            codebook=typed_codebook,
            title=title or name,
            descriptor=dict(descriptor or {}),
            coder_assessments=by_coder,
        )

    # Convenience accessors -------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """Return a copy of one data table."""
        return self.tables[name].copy()

    def codes(self, name: str) -> pd.DataFrame:
        """Return a copy of one codebook table."""
        return self.codebook[name].copy()

    def label(self, vocabulary: str, code: str, language: str = "en") -> str:
        """Return the label of ``code`` in ``vocabulary`` (falls back to the code)."""
        vocab = self.codebook["vocabularies"]
        hit = vocab[(vocab["vocabulary"] == vocabulary) & (vocab["code"] == code)]
        if hit.empty:
            return str(code)
        return str(hit.iloc[0]["label_" + language])
