"""The published-claims table as a reader sees it, in Swedish or English.

:func:`evalkit.analysis.claims.claims_table` recomputes each claim; here it
gets localised headers, the unit's label and yes/no, and a one-sentence
summary that says how many claims agree.
"""

from __future__ import annotations

import pandas as pd

from evalkit.present import notices
from evalkit.present.labels import vocabulary_label

HEADERS = {
    "claim_id": ("Påstående", "Claim"),
    "finding_id": ("Resultat-id", "Finding id"),
    "claim_en": ("Påståendet (studiens formulering)", "The claim (the study's wording)"),
    "unit": ("Enhet", "Unit"),
    "expected": ("Enligt källan", "Expected"),
    "recomputed": ("Omräknat", "Recomputed"),
    "agrees": ("Stämmer", "Agrees"),
}


def display_claims(table: pd.DataFrame, study, language: str) -> pd.DataFrame:
    """The claims table with localised headers and values (claim id as the row label)."""
    index = 0 if language == "sv" else 1
    out = table[list(HEADERS)].copy()
    out["unit"] = [vocabulary_label(study, "unit", u, language) if not pd.isna(u) else "" for u in out["unit"]]
    out["recomputed"] = out["recomputed"].fillna("").replace("", "–")  # the study produces no such finding
    yes, no = ("ja", "nej") if language == "sv" else ("yes", "no")
    out["agrees"] = [yes if agrees else no for agrees in out["agrees"]]
    out = out.rename(columns={column: labels[index] for column, labels in HEADERS.items()})
    return out.set_index(out.columns[0])


def claims_summary(table: pd.DataFrame, language: str) -> notices.Notice:
    """One box: no claims, every claim agrees, or which claims disagree."""
    sv = language == "sv"
    if table.empty:
        text = (
            "Studien innehåller inga publicerade påståenden att pröva (published_claims.csv saknar rader)."
            if sv
            else "The study holds no published claims to check (published_claims.csv has no rows)."
        )
        return notices.information(text, language)
    wrong = table.loc[~table["agrees"], "claim_id"].astype(str).tolist()
    total = len(table)
    if not wrong:
        text = (
            f"Alla {total} publicerade påståenden stämmer med det som räknas fram ur studiens data."
            if sv
            else f"All {total} published claims agree with what the study's data give."
        )
        return notices.information(text, language)
    text = (
        f"{len(wrong)} av {total} publicerade påståenden stämmer inte med studiens data: {', '.join(wrong)}."
        if sv
        else f"{len(wrong)} of {total} published claims disagree with the study's data: {', '.join(wrong)}."
    )
    return notices.warning(text, language)
