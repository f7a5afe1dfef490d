"""The published-claims table as a reader sees it, in Swedish or English.

:func:`evalkit.analysis.claims.claims_table` recomputes each claim; here it
gets localised headers, the unit's label and yes/no, and a one-sentence
summary that says how many claims agree.
"""

from __future__ import annotations

import pandas as pd

from evalkit.present import notices
from evalkit.present.labels import vocabulary_label
from evalkit.present.numbers import DASH, decimals_needed, format_number

HEADERS = {
    "claim_id": ("Påstående", "Claim"),
    "claim": ("Påståendet (studiens formulering)", "The claim (the study's wording)"),
    "unit": ("Enhet", "Unit"),
    "expected": ("Enligt källan", "Expected"),
    "recomputed": ("Omräknat", "Recomputed"),
    "agrees": ("Stämmer", "Agrees"),
}


def _count_text(numerator, denominator, language: str) -> str:
    """``"3/8"`` or ``"6"`` with numbers written for ``language``; "–" when there is no value."""
    if numerator is None or pd.isna(numerator):
        return DASH
    text = format_number(numerator, language, decimals_needed([numerator]))
    if denominator is not None and not pd.isna(denominator):
        text += "/" + format_number(denominator, language, decimals_needed([denominator]))
    return text


def display_claims(table: pd.DataFrame, study, language: str) -> pd.DataFrame:
    """The claims table as text for a reader: localised headers, the unit's label, numbers by locale, yes/no.

    The finding each claim is checked against is not shown: its id is internal, and the claim
    and the two counts say what is compared. A claim the study produces no finding for reads "–".
    The claim is the study's own wording in ``language`` (``claim_sv`` or ``claim_en``): an
    edition never shows the other language's text.
    """
    from evalkit.privacy import SMALL_COUNT, Suppressed, small_cell_threshold

    index = 0 if language == "sv" else 1
    yes, no = ("ja", "nej") if language == "sv" else ("yes", "no")
    withheld = Suppressed(SMALL_COUNT, small_cell_threshold(study))

    def count(numerator, denominator, written) -> str:
        # a count the small-cell rule withholds is written "< 3" in the table (evalkit.analysis.claims)
        return (
            withheld.text(language) if str(written) == str(withheld) else _count_text(numerator, denominator, language)
        )

    out = pd.DataFrame(
        {
            "claim_id": table["claim_id"].astype(str).to_list(),
            "claim": ["" if pd.isna(c) else str(c) for c in table["claim_" + language]],
            "unit": [vocabulary_label(study, "unit", u, language) if not pd.isna(u) else "" for u in table["unit"]],
            "expected": [
                count(n, d, w)
                for n, d, w in zip(table["expected_numerator"], table["expected_denominator"], table["expected"])
            ],
            "recomputed": [
                count(n, d, w)
                for n, d, w in zip(table["recomputed_numerator"], table["recomputed_denominator"], table["recomputed"])
            ],
            "agrees": [yes if agrees else no for agrees in table["agrees"]],
        },
        dtype=object,
    )
    out.columns = [HEADERS[column][index] for column in out.columns]
    out.attrs["numeric"] = [HEADERS["expected"][index], HEADERS["recomputed"][index]]
    out.attrs["dash"] = any(text == DASH for text in out[HEADERS["recomputed"][index]])
    return out


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
