"""``evalkit qda confirm REVIEW.csv --study DIR``: accepted proposals into ``assessments``.

The review file written by ``evalkit qda import`` has an ``accept`` column.
A row is taken when ``accept`` says yes (``yes``, ``ja``, ``x``, ``1``) – the
proposed value is used – or holds a value (``no``, ``delvis`` …) – that value
is used instead. Taken rows are **added** to ``assessments`` (CSV file or
workbook sheet, see :mod:`evalkit.study.append`) with ``basis`` judgement,
the interviews as evidence and the review file as source. A row for the same
indicator, subject and coder that ``assessments`` already holds is confirmed
data and is never changed; it is counted and left alone.
"""

from __future__ import annotations

from pathlib import Path

from evalkit.study import codes as code_labels
from evalkit.study import csvio
from evalkit.study.append import AppendError, append_rows

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
        rows.append(row | {"value": value})
    if problems:
        raise ConfirmError("nothing was added:\n" + "\n".join(problems))
    return rows


def confirm_review(review_path: Path, study_dir: Path) -> tuple[int, int]:
    """Add the accepted proposals to the study's assessments.

    Returns
    -------
    added : int
        Rows added to ``assessments``.
    kept : int
        Accepted rows whose indicator, subject and coder ``assessments``
        already holds (left unchanged).
    """
    from evalkit.study.validate import inspect_study

    review_path, study_dir = Path(review_path), Path(study_dir)
    rows = accepted_rows(review_path)
    table = inspect_study(study_dir).tables.get("assessments")
    if table is None or table.csv is None:
        raise ConfirmError(f"the assessments table of {study_dir} cannot be read; run evalkit validate {study_dir}.")
    existing = set()
    for raw in table.csv.rows:
        record = dict(zip(table.csv.header, raw))
        coder = (record.get("coder") or "").strip() or "agreed"
        existing.add((record.get("indicator_id", "").strip(), record.get("subject_id", "").strip(), coder))
    source = f"coded interviews ({review_path.name}, evalkit qda confirm)"
    new, kept = [], 0
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
        new.append(record)
    try:
        return append_rows(study_dir, "assessments", new), kept
    except AppendError as error:
        raise ConfirmError(str(error)) from None
