"""Published claims: the counted statements of a published report, recomputed on every run.

A study that re-encodes a published evaluation may hold ``published_claims.csv``:
one row per counted statement of the report (numerator, denominator, unit), each
naming the finding (see ``docs/findings.md``) that must reproduce it.

* :func:`claim_problems` is what ``evalkit validate`` adds: a claim must name a
  finding id that the study's findings table produces.
* :func:`claims_table` recomputes every claim: what the report states, what the
  data give, and whether they agree. ``evalkit run`` writes it as ``claims.csv``,
  chapter 00 shows it, and a disagreement stops the run unless
  ``--allow-claim-mismatch``.
"""

from __future__ import annotations

import difflib

import pandas as pd

CLAIMS_CSV = "claims.csv"
COLUMNS = (
    "claim_id",
    "finding_id",
    "claim_sv",
    "claim_en",
    "unit",
    "expected",
    "recomputed",
    "agrees",
    "expected_numerator",
    "expected_denominator",
    "recomputed_numerator",
    "recomputed_denominator",
    "recomputed_unit",
)


def _number(value) -> str:
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    return str(int(value)) if value == int(value) else f"{value:g}"


def count_text(numerator, denominator) -> str:
    """``"3/8"`` for a count with a denominator, ``"6"`` for a plain count, ``""`` when unknown."""
    if numerator is None or pd.isna(numerator):
        return ""
    if denominator is None or pd.isna(denominator):
        return _number(numerator)
    return f"{_number(numerator)}/{_number(denominator)}"


def claims_table(study, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Recompute every published claim of ``study``.

    Parameters
    ----------
    study : Study
    findings : pandas.DataFrame, optional
        The study's findings table (computed when not given).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per claim sorted by ``claim_id``: ``expected`` and
        ``recomputed`` as ``"3/8"`` (or ``"6"`` for a plain count; ``recomputed`` is empty when
        the study produces no such finding), ``agrees`` True when the finding exists and
        numerator, denominator and unit all equal the claim's. Empty when the study has no claims.
    """
    from evalkit.analysis.findings import compare_with_published_claims

    compared = compare_with_published_claims(study, findings)
    rows = [
        {
            "claim_id": row["claim_id"],
            "finding_id": row["finding_id"],
            "claim_sv": row["claim_sv"],
            "claim_en": row["claim_en"],
            "unit": row["claim_unit"],
            "expected": count_text(row["claim_numerator"], row["claim_denominator"]),
            "recomputed": count_text(row["computed_numerator"], row["computed_denominator"]),
            "agrees": bool(row["match"]),
            "expected_numerator": row["claim_numerator"],
            "expected_denominator": row["claim_denominator"],
            "recomputed_numerator": row["computed_numerator"],
            "recomputed_denominator": row["computed_denominator"],
            "recomputed_unit": row["computed_unit"],
        }
        for _, row in compared.iterrows()
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("expected_numerator", "expected_denominator", "recomputed_numerator", "recomputed_denominator"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
    for column in (
        "claim_id",
        "finding_id",
        "claim_sv",
        "claim_en",
        "unit",
        "expected",
        "recomputed",
        "recomputed_unit",
    ):
        frame[column] = frame[column].astype("string")
    frame["agrees"] = frame["agrees"].astype(bool)
    return _withhold_small_counts(frame, study)


def _withhold_small_counts(frame: pd.DataFrame, study) -> pd.DataFrame:
    """Claims on a case count the small-cell rule protects: both counts read "< 3", in the claim's text too.

    Whether the claim agrees is still decided on the counts (see
    :func:`evalkit.analysis.findings.compare_with_published_claims`).
    """
    import re

    from evalkit.privacy import SMALL_COUNT, Suppressed, protected_cells, protected_finding, small_cell_threshold

    if frame.empty or "case_statistics" not in study.tables:
        return frame
    threshold = small_cell_threshold(study)
    cells = protected_cells(study, threshold)
    hit = [protected_finding(fid, cells) is not None for fid in frame["finding_id"]]
    if not any(hit):
        return frame
    out = frame.copy()
    shown = str(Suppressed(SMALL_COUNT, threshold))
    for index in out.index[hit]:
        for value in {out.at[index, "expected_numerator"], out.at[index, "recomputed_numerator"]}:
            if not pd.isna(value) and not pd.isna(out.at[index, "claim_en"]):
                number = _number(value)
                out.at[index, "claim_en"] = re.sub(
                    rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", shown, out.at[index, "claim_en"]
                )
        for column in ("expected", "recomputed"):
            out.at[index, column] = shown
        for column in ("expected_numerator", "recomputed_numerator"):
            out.at[index, column] = pd.NA
    return out


def disagreeing(table: pd.DataFrame) -> pd.DataFrame:
    """The claims of a :func:`claims_table` that do not agree."""
    return table[~table["agrees"]].reset_index(drop=True)


def describe_disagreement(row) -> str:
    """One line: claim id, finding, what the report states and what the data give."""
    if not row["recomputed"] or pd.isna(row["recomputed"]):
        got = "the study produces no such finding"
    else:
        unit = row["recomputed_unit"]
        got = f"recomputed {row['recomputed']} {unit}" if not pd.isna(unit) else f"recomputed {row['recomputed']}"
    return f"{row['claim_id']} ({row['finding_id']}): expected {row['expected']} {row['unit']}, {got}"


def mismatch_message(table: pd.DataFrame, study_label: str) -> str:
    """Why ``evalkit run`` stops: every disagreeing claim with expected and recomputed counts."""
    wrong = disagreeing(table)
    lines = [
        f"{len(wrong)} of {len(table)} published claims of {study_label} disagree with the data; "
        "nothing was run and no report was changed."
    ]
    lines += ["  " + describe_disagreement(row) for _, row in wrong.iterrows()]
    lines.append(
        "Fix the data or published_claims.csv, or run with --allow-claim-mismatch to make the report anyway "
        "(its claims table shows the disagreements)."
    )
    return "\n".join(lines)


def format_summary(table: pd.DataFrame) -> str:
    """Plain-text summary for ``evalkit validate``: how many claims agree, and each that does not."""
    if table.empty:
        return "Published claims: none (the study has no published_claims.csv rows)."
    wrong = disagreeing(table)
    if wrong.empty:
        return f"Published claims: all {len(table)} agree with the data."
    lines = [
        f"Published claims: {len(wrong)} of {len(table)} disagree with the data "
        "(evalkit run stops on them unless --allow-claim-mismatch):"
    ]
    lines += ["  " + describe_disagreement(row) for _, row in wrong.iterrows()]
    return "\n".join(lines)


def claim_problems(study, findings: pd.DataFrame | None = None) -> list:
    """Claims that name a finding the study's findings table does not produce.

    Returns
    -------
    list of evalkit.study.validate.Problem
        One per such claim, at its row and ``finding_id`` column of ``published_claims.csv``.
    """
    from evalkit.analysis.findings import findings_table
    from evalkit.study.validate.problems import Problem

    claims = study.tables["published_claims"]
    if claims.empty:
        return []
    if findings is None:
        findings = findings_table(study)
    known = set(findings["finding_id"])
    problems = []
    for position, finding_id in enumerate(claims["finding_id"]):
        if finding_id in known:
            continue
        close = difflib.get_close_matches(str(finding_id), sorted(known), n=3, cutoff=0.8)
        prefix = str(finding_id).split(".", 1)[0] + "."
        similar = sorted(f for f in known if f.startswith(prefix))[:3]
        if close:
            hint = f" Did you mean: {', '.join(close)}."
        else:
            hint = f" Ids of this kind here: {', '.join(similar)}." if similar else ""
        problems.append(
            Problem(
                file="published_claims.csv",
                row=position + 2,
                column="finding_id",
                value=str(finding_id),
                message=f"no finding {finding_id!r} in the study's findings table.",
                fix="Use a finding id listed in docs/findings.md that this study produces." + hint,
                code="unknown-finding",
            )
        )
    return problems
