"""Load a study folder into a typed :class:`~evalkit.study.model.Study`.

:func:`load_study` reads every file once, validates it (see
:mod:`evalkit.study.validate`) and builds the typed tables from the same
in-memory rows, so a notebook pays for one pass over the folder. Nothing in
the folder is written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evalkit import paths
from evalkit.study.coders import split_assessments
from evalkit.study.model import CODEBOOK_TABLES, DATA_TABLES, Study, typed_frame
from evalkit.study.validate import (
    CODEBOOK_PREFIX,
    StudyInspection,
    StudyValidationError,
    TableInput,
    inspect_study,
)


def raw_frame(table: TableInput) -> pd.DataFrame:
    """Return the table's canonical columns as text, with ``None`` for empty cells."""
    rows = [[cell if cell != "" else None for cell in row] for row in table.rows]
    return pd.DataFrame(rows, columns=table.columns, dtype=object)


def typed_tables(inspection: StudyInspection) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Build the typed data tables and codebook tables of a validated study.

    Tables that are absent (only the optional ``published_claims``) become
    empty frames with the schema's columns.
    """
    tables, codebook = {}, {}
    for name in DATA_TABLES:
        table = inspection.tables.get(name)
        tables[name] = typed_frame(name, raw_frame(table) if table else pd.DataFrame())
    for name in CODEBOOK_TABLES:
        resource_name = CODEBOOK_PREFIX + name
        table = inspection.tables.get(resource_name)
        codebook[name] = typed_frame(resource_name, raw_frame(table) if table else pd.DataFrame())
    return tables, codebook


def load_study(path: Path | str = paths.DEFAULT_STUDY_DIR, use_cache: bool = True) -> Study:
    """Read, validate and type a study folder.

    Parameters
    ----------
    path : path-like, optional
        The study folder (default: the Västmanland 2019 study).
    use_cache : bool, optional
        Reuse cell-check results for unchanged tables (see
        :func:`evalkit.study.validate.cell_errors`); the result is the same.

    Returns
    -------
    Study
        Typed tables (pandas ``string``, ``Int64`` and ``Float64`` columns as
        the schema declares), codebook tables keyed without the ``codebook_``
        prefix, and the study's descriptor. ``published_claims`` is empty if
        the study has none.

    Raises
    ------
    StudyValidationError
        If the study has any problem; its message lists every problem.
    """
    study_dir = Path(path)
    inspection = inspect_study(study_dir, use_cache)
    if inspection.problems:
        raise StudyValidationError(inspection.problems, study_dir)
    return study_from_inspection(study_dir, inspection)


def study_from_inspection(study_dir: Path | str, inspection: StudyInspection) -> Study:
    """Build the typed :class:`Study` from the inspection of a valid study folder (nothing is read again)."""
    study_dir = Path(study_dir)
    tables, codebook = typed_tables(inspection)
    tables["assessments"], by_coder = split_assessments(tables["assessments"])
    descriptor = inspection.descriptor
    name = study_dir.resolve().name
    return Study(
        name=name,
        tables=tables,
        codebook=codebook,
        path=study_dir.resolve(),
        title=str(descriptor.get("title") or name),
        descriptor=descriptor,
        coder_assessments=by_coder,
    )
