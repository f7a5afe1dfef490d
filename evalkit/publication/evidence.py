"""When the evidence carries a statement: the rules every generated heading and sentence follows.

A finding of the findings table (:func:`evalkit.analysis.findings.findings_table`)
is *shown as a finding* in the publication only when its evidence carries it:

* its ``basis`` is not ``reconstructed`` — a value that is itself a
  reconstruction is never a finding;
* a count whose ``allocation`` is reconstructed (the source states the count,
  an assumption says which municipality each member is) is still a count the
  source states, so it is shown — but never with the name of the one
  municipality the assumption put it on (:func:`names_one_subject`);
* unknown members are named in the statement ("okänt för en"), never counted as no.

Tables and figures that show values per municipality follow the same rule
through :func:`rests_on_reconstruction`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from evalkit.analysis.populations import rows_basis

RECONSTRUCTED = "reconstructed"
#: Findings about one municipality (or one series of one municipality).
ONE_SUBJECT_PREFIXES = ("cases.", "org.shared_post_share.")


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def names_one_subject(row) -> bool:
    """Whether the finding is about one named municipality (a case series, a share of a shared post)."""
    return str(row["finding_id"]).startswith(ONE_SUBJECT_PREFIXES)


def allocation_reconstructed(row) -> bool:
    return not _missing(row.get("allocation")) and row["allocation"] == RECONSTRUCTED


def carries(row) -> bool:
    """Whether the finding's evidence carries it as a finding (not a reconstruction, a known count)."""
    return not _missing(row["numerator"]) and row["basis"] != RECONSTRUCTED


def shown(row) -> bool:
    """Whether the finding is stated as a finding in the running text (see the module's rules)."""
    return carries(row) and not (allocation_reconstructed(row) and names_one_subject(row))


def share(row) -> float:
    """numerator / denominator (0 without a denominator)."""
    if _missing(row["denominator"]) or float(row["denominator"]) == 0:
        return 0.0
    return float(row["numerator"]) / float(row["denominator"])


def records(findings: pd.DataFrame) -> list[dict]:
    """The findings table as a list of row dicts (what the other functions take), in table order."""
    return findings.to_dict("records")


def rows(findings, ids: Iterable[str] | None = None, prefix: str | None = None) -> list:
    """The findings with these ids (in that order) or this id prefix (in table order), as row dicts.

    ``findings`` is the findings table or its :func:`records`.
    """
    table = records(findings) if isinstance(findings, pd.DataFrame) else findings
    if ids is not None:
        by_id = {str(row["finding_id"]): row for row in table}
        return [by_id[i] for i in ids if i in by_id]
    return [row for row in table if prefix is None or str(row["finding_id"]).startswith(prefix)]


def first_shown(findings: pd.DataFrame, ids: Iterable[str]):
    """The first finding of ``ids`` that is shown, or None."""
    return next((row for row in rows(findings, ids) if shown(row)), None)


def headline(candidates: list):
    """The finding a heading states among ``candidates``: shown, then the largest population, then the largest share.

    Returns None when no candidate is shown.
    """
    usable = [row for row in candidates if shown(row) and not _missing(row["denominator"])]
    if not usable:
        return None
    return sorted(
        usable,
        key=lambda row: (-float(row["denominator"]), -share(row), int(row.get("unknown", 0) or 0)),
    )[0]


def statement(row, language: str) -> str:
    """The finding's sentence in ``language`` (as the findings table words it)."""
    return str(row["statement_" + language]).strip()


def heading(row, language: str) -> str:
    """A message heading stating the finding: its sentence without the closing full stop."""
    text = statement(row, language)
    return text[:-1] if text.endswith(".") else text


def rests_on_reconstruction(study, table: str, fields: Iterable[str] | None = None) -> bool:
    """Whether any of ``fields`` of the study's ``table`` rests on a reconstructed value."""
    frame = study.tables.get(table)
    if frame is None or frame.empty:
        return False
    return rows_basis(frame, list(fields) if fields is not None else None, study) == RECONSTRUCTED
