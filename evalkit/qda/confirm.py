"""``evalkit qda confirm REVIEW.csv --study DIR``: accepted proposals into ``assessments``.

The review file written by ``evalkit qda import`` has an ``accept`` column.
A row is taken when ``accept`` says yes (``yes``, ``ja``, ``x``, ``1``) – the
proposed value is used – or holds a value (``no``, ``delvis`` …) – that value
is used instead. Taken rows are **added** to ``assessments`` (CSV file or
workbook sheet, see :mod:`evalkit.study.append`) with ``basis`` judgement,
the interviews as evidence and the review file as source. A row for the same
indicator, subject and coder that ``assessments`` already holds is confirmed
data and is never changed; it is counted and left alone. An accepted row
whose indicator is not in the codebook, or whose subject is not in the
indicator's population, is refused with its row; the study need not be
complete otherwise.
"""

from __future__ import annotations

from pathlib import Path

from evalkit.study import codes as code_labels
from evalkit.study import csvio
from evalkit.study.append import AppendError

YES = {"yes", "ja", "x", "1", "true", "ok"}
VALUES = ("yes", "partly", "no", "unknown")
NEEDED = ("indicator_id", "subject_id", "coder", "proposed_value", "interviews", "accept")


class ConfirmError(ValueError):
    """The review cannot be confirmed; the message says why."""


def accepted_rows(review_path: Path) -> list[dict]:
    """The review rows to take, each with its final ``value``.

    Raises
    ------
    ConfirmError
        If the file is not a review file or an ``accept`` cell cannot be read
        (every such cell is listed).
    """
    try:
        table = csvio.read_csv(review_path)
    except (OSError, ValueError) as error:
        raise ConfirmError(f"{review_path} cannot be read ({error}).") from None
    missing = [column for column in NEEDED if column not in table.header]
    if missing:
        raise ConfirmError(
            f"{review_path.name} is not a review file of evalkit qda import (it lacks {', '.join(missing)})."
        )
    rows, problems = [], []
    for number, raw in enumerate(table.rows, start=2):
        row = dict(zip(table.header, raw))
        accept = row.get("accept", "").strip()
        if not accept:
            continue
        if accept.casefold() in YES:
            value = code_labels.code_for(row.get("proposed_value", ""), VALUES, {})
        else:
            value = code_labels.code_for(accept, VALUES, {})
        if value is None:
            problems.append(
                f"{review_path.name}, row {number}, column accept: {accept!r} is neither yes (ja, x) nor one of "
                "yes, partly, no, unknown (ja, delvis, nej, okänt)."
            )
            continue
        rows.append(row | {"value": value, "_row": number})
    if problems:
        raise ConfirmError("nothing was added:\n" + "\n".join(problems))
    return rows


def review_problems(rows: list[dict], study, review_name: str) -> list[str]:
    """Accepted rows whose indicator is not in the codebook or whose subject is not in the indicator's population."""
    from evalkit.analysis.populations import population_members

    populations = dict(zip(study.codebook["indicators"]["indicator_id"], study.codebook["indicators"]["population"]))
    members: dict[str, set[str]] = {}
    problems = []
    for row in rows:
        indicator, subject = row["indicator_id"], row["subject_id"]
        where = f"{review_name}, row {row['_row']}"
        if indicator not in populations:
            problems.append(f"{where}: {indicator!r} is not an indicator of the study's codebook.")
            continue
        population = populations[indicator]
        if population not in members:
            members[population] = set(population_members(study, population))
        if subject not in members[population]:
            problems.append(
                f"{where}: {subject!r} is not in the population {population} of {indicator} (see the study's "
                "municipalities, coordinators and interviews)."
            )
    return problems


def confirm_review(review_path: Path, study_dir: Path, allow_personal_data: bool = False) -> tuple[int, int, list[str]]:
    """Add the accepted proposals to the study's assessments.

    Only the tables the confirmation uses are checked (:data:`evalkit.study.partial.QDA_CONFIRM`); the
    study may still be incomplete.

    Returns
    -------
    added : int
        Rows added to ``assessments``.
    kept : int
        Accepted rows whose indicator, subject and coder ``assessments``
        already holds (left unchanged).
    state : list of str
        What state the whole study is in afterwards (:func:`evalkit.study.partial.study_state`).
    """
    from evalkit.study import importguard
    from evalkit.study.append import StudyWriter
    from evalkit.study.partial import QDA_CONFIRM, NeedsError, load_for, study_state

    review_path, study_dir = Path(review_path), Path(study_dir)
    rows = accepted_rows(review_path)
    try:
        basis = load_for(study_dir, QDA_CONFIRM, "evalkit qda confirm")
    except NeedsError as error:
        raise ConfirmError(str(error)) from None
    problems = review_problems(rows, basis.study, review_path.name)
    if problems:
        raise ConfirmError("nothing was added:\n" + "\n".join(problems))
    table = basis.inspection.tables.get("assessments")
    if table is None or table.csv is None:
        raise ConfirmError(f"the assessments table of {study_dir} cannot be read; run evalkit validate {study_dir}.")
    existing = set()
    for raw in table.csv.rows:
        record = dict(zip(table.csv.header, raw))
        coder = (record.get("coder") or "").strip() or "agreed"
        existing.add((record.get("indicator_id", "").strip(), record.get("subject_id", "").strip(), coder))
    swedish = basis.inspection.descriptor.get("evalkit:language") == "sv"
    source = (
        f"kodade intervjuer ({review_path.name}, evalkit qda confirm)"
        if swedish
        else f"coded interviews ({review_path.name}, evalkit qda confirm)"
    )
    new, kept, cells = [], 0, []
    for row in rows:
        coder = (row.get("coder") or "").strip() or "agreed"
        key = (row["indicator_id"], row["subject_id"], coder)
        if key in existing:
            kept += 1
            continue
        existing.add(key)
        record = {
            "indicator_id": row["indicator_id"],
            "subject_id": row["subject_id"],
            "value": row["value"],
            "evidence": ", ".join(filter(None, row.get("interviews", "").split("|"))),
            "basis": "judgement",
            "source": source,
        }
        if coder != "agreed":
            record["coder"] = coder
        cells += [
            importguard.Cell(f"{review_path.name}, row {row['_row']}, column {column}", row.get(column, ""), False)
            for column in ("interviews", "coder")
        ]
        new.append(record)
    verdict = importguard.check(cells, allow_personal_data)
    if verdict.refused:
        raise ConfirmError(verdict.message(f"The review file {review_path.name}"))
    writer = StudyWriter(study_dir, basis.inspection)
    writer.append("assessments", new)
    try:
        added = writer.commit().get("assessments", 0)
    except AppendError as error:
        raise ConfirmError(str(error)) from None
    return added, kept, study_state(study_dir)
