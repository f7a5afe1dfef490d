"""Agreement between coders in words: the method section's sentences and a small table, in sv or en.

Everything is computed by :mod:`evalkit.analysis.agreement` from the study's
data; this module only puts it into sentences that are true of the study
(how many coders, how many units, alpha, how many disagreements, whether
alpha is below the study's threshold).
"""

from __future__ import annotations

import math

from evalkit.analysis import agreement
from evalkit.present import numbers


def format_number(value: float, language: str) -> str:
    """``0.75`` in English, ``0,75`` in Swedish (two decimals; :func:`evalkit.present.numbers.format_number`)."""
    return numbers.format_number(value, language, 2)


def format_threshold(value: float, language: str) -> str:
    """The threshold with the decimals it has (``0.667``; ``0,667`` in Swedish)."""
    return numbers.format_number(value, language, numbers.decimals_needed([value], most=3))


def agreement_statement(study, language: str = "en", threshold: float | None = None) -> str:
    """One to three sentences for the method section, true of this study's data.

    Parameters
    ----------
    study : Study
    language : {"sv", "en"}
    threshold : float, optional
        Default the study's threshold (:func:`evalkit.analysis.agreement.study_threshold`).
    """
    threshold = agreement.study_threshold(study) if threshold is None else threshold
    table = agreement.agreement_table(study, threshold)
    sv = language == "sv"
    if table.empty:
        return (
            "Varje bedömning i studien är ett enda överenskommet värde; överensstämmelse mellan kodare har inte mätts."
            if sv
            else "Every assessment in the study is one agreed value; agreement between coders was not measured."
        )
    overall = table[table["quality_area_id"] == agreement.OVERALL].iloc[0]
    coders, units, value = int(overall["coders"]), int(overall["units"]), float(overall["alpha"])
    count = len(agreement.disagreements(study))
    if sv:
        if units == 0:
            return (
                f"Studien har bedömningar från {coders} kodare, men ingen kombination av indikator och bedömd enhet "
                "har kända värden från två av dem, så överensstämmelsen kan inte mätas."
            )
        text = (
            f"{coders} kodare bedömde samma {units} kombinationer av indikator och bedömd enhet (kommun, samordnare "
            "eller intervju). "
        )
        if math.isnan(value):
            return text + "Krippendorffs alfa kan inte beräknas: alla kodare gav samma värde överallt."
        text += (
            f"Krippendorffs alfa (ordinalskala, okänt räknat som saknat värde) är {format_number(value, 'sv')}; "
            f"kodarna var oeniga om {count} {'kombination' if count == 1 else 'kombinationer'}."
        )
        if value < threshold:
            text += (
                f" Det är under gränsen {format_threshold(threshold, 'sv')}, så fynden bör läsas med försiktighet "
                "tills oenigheterna är lösta."
            )
        return text
    if units == 0:
        return (
            f"The study holds assessments by {coders} coders, but no combination of indicator and assessed subject "
            "has known values from two of them, so agreement cannot be measured."
        )
    text = (
        f"{coders} coders assessed the same {units} combinations of indicator and assessed subject (municipality, "
        "coordinator or interview). "
    )
    if math.isnan(value):
        return text + "Krippendorff's alpha is not defined: every coder gave the same value everywhere."
    text += (
        f"Krippendorff's alpha (ordinal scale, unknown as a missing value) is {format_number(value, 'en')}; "
        f"the coders disagreed on {count} {'combination' if count == 1 else 'combinations'}."
    )
    if value < threshold:
        text += (
            f" This is below the threshold {format_threshold(threshold, 'en')}, so the findings should be read "
            "with caution until the disagreements are resolved."
        )
    return text


def agreement_markdown(study, language: str = "en", reveal_names: bool = False) -> str:
    """The method section's paragraph on coder agreement, with alpha per quality area when it was measured.

    Parameters
    ----------
    study : Study
    language : {"sv", "en"}
    reveal_names : bool
        Unused (the text names no municipality); accepted so the function can
        be shown like every other generated text.

    Returns
    -------
    str
        Markdown.
    """
    text = agreement_statement(study, language)
    table = agreement.agreement_table(study)
    measured = table[table["units"] > 0]
    if measured.empty:
        return text
    sv = language == "sv"
    labels = study.codebook["quality_areas"].set_index("quality_area_id")["label_" + ("sv" if sv else "en")]
    header = (
        "| Kvalitetsområde | Kombinationer | Kodare | Krippendorffs alfa |"
        if sv
        else "| Quality area | Combinations | Coders | Krippendorff's alpha |"
    )
    lines = [text, "", header, "|---|---:|---:|---:|"]
    for row in measured.itertuples():
        area = (
            ("Alla" if sv else "All") if row.quality_area_id == agreement.OVERALL else labels.get(row.quality_area_id)
        )
        shown = (
            ("ej definierat" if sv else "not defined") if math.isnan(row.alpha) else format_number(row.alpha, language)
        )
        if row.below_threshold:
            shown += " (under gränsen)" if sv else " (below the threshold)"
        lines.append(f"| {area} | {row.units} | {row.coders} | {shown} |")
    return "\n".join(lines)
