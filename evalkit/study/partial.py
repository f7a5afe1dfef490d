"""An import checks what it needs, not the whole study.

The fieldwork guide adds data in the order the work is done: the county first,
then the survey, then the coded interviews, then the assessments the coding
leads to. Until the last step the study is incomplete, and that is not an
error. So ``survey import``, ``qda import`` and ``qda confirm`` do not
require a valid, complete study. Each names the tables it reads or writes
(:data:`SURVEY_IMPORT`, :data:`QDA_IMPORT`, :data:`QDA_CONFIRM`), and
:func:`load_for`:

* refuses the import when one of *those* tables has a problem (the problems
  are listed, as ``evalkit validate`` words them), or the descriptor itself;
* builds a :class:`~evalkit.study.model.Study` whose needed tables are typed
  and checked (a table the import does not use but that has problems is left
  empty in it);
* keeps every other problem, so that the command can say after its work what
  state the rest of the study is in (:func:`study_state`): problems elsewhere,
  and readiness (what each part of the report still lacks), never a refusal.

An incomplete ``assessments`` table is not a problem at all: it is a matter
of readiness (:mod:`evalkit.study.readiness`), which ``evalkit run`` checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evalkit.study import workbook

SURVEY_IMPORT = (
    "municipalities",
    "coordinators",
    "survey_responses",
    "codebook_vocabularies",
    "codebook_survey_questions",
)
QDA_IMPORT = (
    "municipalities",
    "coordinators",
    "coordinator_municipalities",
    "interviews",
    "assessments",
    "coded_segments",
    "codebook_indicators",
    "codebook_vocabularies",
)
QDA_CONFIRM = (
    "municipalities",
    "coordinators",
    "interviews",
    "assessments",
    "codebook_indicators",
    "codebook_vocabularies",
)


class NeedsError(ValueError):
    """A table the command needs has problems; the message lists them."""


@dataclass
class Basis:
    """What an import works from.

    Attributes
    ----------
    study : evalkit.study.model.Study
        The needed tables typed; other tables typed when they have no problem, else empty.
    inspection : evalkit.study.validate.StudyInspection
    others : list of evalkit.study.validate.Problem
        Problems in tables the command does not use.
    """

    study: object
    inspection: object
    others: list


def table_labels(inspection) -> dict[str, str]:
    """How problems name each table (``municipalities.csv``, ``x.xlsx, sheet municipalities``) -> resource name."""
    from evalkit.study.validate import sheet_label

    labels = {table.file: name for name, table in inspection.tables.items()}
    for resource in inspection.descriptor.get("resources", []):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue
        sheet = workbook.resource_sheet(resource)
        path = resource["path"]
        labels.setdefault(sheet_label(path, sheet) if sheet else path, resource.get("name"))
    return labels


def needed_problems(inspection, needed: tuple[str, ...]) -> tuple[list, list]:
    """Split the inspection's problems into those of the needed tables (and the descriptor) and the others."""
    from evalkit.study.validate import DESCRIPTOR_FILE

    labels = table_labels(inspection)
    workbook_files = {
        resource["path"]
        for resource in inspection.descriptor.get("resources", [])
        if isinstance(resource, dict) and workbook.is_workbook_path(str(resource.get("path", "")))
    }
    mine, others = [], []
    for problem in inspection.problems:
        name = labels.get(problem.file)
        whole = (
            problem.file == DESCRIPTOR_FILE or problem.file in workbook_files or problem.file == str(inspection.path)
        )
        (mine if whole or name in needed else others).append(problem)
    return mine, others


def typed_study(study_dir: Path, inspection, usable: set[str]):
    """A Study from an inspection whose ``usable`` tables have no problems; the other tables are empty."""
    from evalkit.study.coders import split_assessments
    from evalkit.study.load import raw_frame
    from evalkit.study.model import CODEBOOK_TABLES, DATA_TABLES, Study, typed_frame
    from evalkit.study.validate import CODEBOOK_PREFIX

    def frame(name: str) -> pd.DataFrame:
        table = inspection.tables.get(name)
        if table is None or name not in usable:
            return typed_frame(name, pd.DataFrame())
        return typed_frame(name, raw_frame(table))

    tables = {name: frame(name) for name in DATA_TABLES}
    codebook = {name: frame(CODEBOOK_PREFIX + name) for name in CODEBOOK_TABLES}
    tables["assessments"], by_coder = split_assessments(tables["assessments"])
    name = Path(study_dir).resolve().name
    return Study(
        name=name,
        tables=tables,
        codebook=codebook,
        path=Path(study_dir).resolve(),
        title=str(inspection.descriptor.get("title") or name),
        descriptor=inspection.descriptor,
        coder_assessments=by_coder,
    )


def load_for(study_dir: Path, needed: tuple[str, ...], command: str) -> Basis:
    """Inspect the study and check the tables a command needs.

    Parameters
    ----------
    study_dir : pathlib.Path
    needed : tuple of str
        Resource names the command reads or writes.
    command : str
        The command, for the message (``evalkit survey import``).

    Raises
    ------
    NeedsError
        If the study folder or descriptor cannot be read, or a needed table has a problem.
    """
    from evalkit.study.validate import inspect_study

    study_dir = Path(study_dir)
    inspection = inspect_study(study_dir)
    mine, others = needed_problems(inspection, needed)
    if mine:
        listed = "\n".join(problem.render() for problem in mine)
        count = len(mine)
        raise NeedsError(
            f"{command} reads and writes {', '.join(short(n) for n in needed)}, and {count} "
            f"problem{'s' if count != 1 else ''} there must be corrected first (nothing was written):\n{listed}\n"
            f"Correct these (evalkit validate {study_dir} lists every problem), then run the command again."
        )
    problem_files = {problem.file for problem in others}
    labels = table_labels(inspection)
    usable = {name for name in inspection.tables if not any(labels.get(f) == name for f in problem_files)}
    return Basis(typed_study(study_dir, inspection, usable | set(needed)), inspection, others)


def short(name: str) -> str:
    return name.replace("codebook_", "codebook/")


def study_state(study_dir: Path) -> list[str]:
    """Lines saying what state the whole study is in after a command: problems elsewhere, and readiness.

    Never a refusal: the study may be incomplete while the fieldwork goes on.
    """
    from evalkit.study.load import study_from_inspection
    from evalkit.study.readiness import CANNOT_RUN, PARTIAL, READY, readiness_table
    from evalkit.study.validate import inspect_study

    study_dir = Path(study_dir)
    inspection = inspect_study(study_dir)
    if inspection.problems:
        count = len(inspection.problems)
        return [
            f"The rest of the study has {count} problem{'s' if count != 1 else ''} to correct before evalkit run "
            f"(evalkit validate {study_dir} lists them)."
        ]
    table = readiness_table(study_from_inspection(study_dir, inspection))
    counts = table["status"].value_counts().to_dict()
    total = len(table)
    line = (
        f"The study is valid. Readiness: {counts.get(READY, 0)} of {total} parts of the report ready, "
        f"{counts.get(PARTIAL, 0)} on partial data, {counts.get(CANNOT_RUN, 0)} lacking data"
    )
    return [line + f" (evalkit validate {study_dir} shows what each part still needs)."]
