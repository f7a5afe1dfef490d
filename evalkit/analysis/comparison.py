"""Chapter 03 (first half): team-based municipalities compared with those with a coordinator.

Two questions: how do the team-based municipalities score, quality area by
quality area, against the municipalities with a coordinator; and what does
the team model give and lack, according to the indicators the codebook
assigns to the ``comparison`` chapter.
"""

from __future__ import annotations

import pandas as pd

from evalkit.analysis.populations import (
    count_statement,
    findings_frame,
    join_sources,
    population_members,
    rows_basis,
)
from evalkit.analysis.quality_areas import (
    indicator_findings,
    municipality_values,
    ordered_indicators,
    ordered_quality_areas,
    quality_area_cells,
)
from evalkit.study.model import VALUE_SCORES

CHAPTER = "comparison"
#: Mean score at or above which the team model is said to *give* what an indicator describes.
GIVES_THRESHOLD = 0.5


def team_vs_coordinator(study, partly_score: float = 0.5) -> pd.DataFrame:
    """Team-based municipalities against municipalities with a coordinator, per quality area.

    Each group's value is the mean of its municipalities' area scores (see
    :func:`evalkit.analysis.quality_areas.quality_area_matrix`). The two groups
    rest on different indicators (coordinator-level indicators exist only for
    coordinator municipalities), so each cell reports how many municipalities
    and indicators lie behind it.

    Returns
    -------
    pandas.DataFrame
        Columns ``quality_area_id, mean_team, mean_coordinator, difference (team -
        coordinator), n_municipalities_team, n_municipalities_coordinator,
        n_indicators_team, n_indicators_coordinator``; quality areas in codebook order.
    """
    team = population_members(study, "team_municipalities")
    with_coordinator = population_members(study, "municipalities_with_coordinator")
    cells = quality_area_cells(study, partly_score)
    values = municipality_values(study, partly_score)
    rows = []
    for area in ordered_quality_areas(study):
        row = {"quality_area_id": area}
        for name, members in (("team", team), ("coordinator", with_coordinator)):
            scored = cells[(cells["quality_area_id"] == area) & cells["municipality_id"].isin(members)][
                "score"
            ].dropna()
            behind = values[
                (values["quality_area_id"] == area) & values["municipality_id"].isin(members) & values["score"].notna()
            ]
            row[f"mean_{name}"] = float(scored.mean()) if len(scored) else float("nan")
            row[f"n_municipalities_{name}"] = int(len(scored))
            row[f"n_indicators_{name}"] = int(behind["indicator_id"].nunique())
        row["difference"] = row["mean_team"] - row["mean_coordinator"]
        rows.append(row)
    columns = [
        "quality_area_id",
        "mean_team",
        "mean_coordinator",
        "difference",
        "n_municipalities_team",
        "n_municipalities_coordinator",
        "n_indicators_team",
        "n_indicators_coordinator",
    ]
    return pd.DataFrame(rows, columns=columns)


def team_model_profile(study, partly_score: float = 0.5) -> pd.DataFrame:
    """What the team model gives and lacks, from the ``comparison`` indicators.

    For an indicator assessed over municipalities, only the team-based
    municipalities are counted (``scope`` = ``team_municipalities``); for
    coordinator- or interview-level indicators the whole population is
    counted (``scope`` = the population). ``verdict`` is ``gives`` when the
    mean score of the known values is at least ``GIVES_THRESHOLD``, ``lacks``
    below it, ``unknown`` without known values.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator_id, quality_area_id, population, scope, n_subjects, yes,
        partly, no, unknown, mean_score, verdict, label_sv, label_en, basis``.
    """
    scores = dict(VALUE_SCORES, partly=float(partly_score))
    team = set(population_members(study, "team_municipalities"))
    assessments = study.tables["assessments"]
    indicators = ordered_indicators(study)
    rows = []
    for _, indicator in indicators[indicators["chapter"] == CHAPTER].iterrows():
        population = indicator["population"]
        members = set(population_members(study, population))
        if population in ("all_municipalities", "municipalities_with_coordinator", "team_municipalities"):
            members, scope = members & team, "team_municipalities"
        else:
            scope = population
        own = assessments[
            (assessments["indicator_id"] == indicator["indicator_id"]) & assessments["subject_id"].isin(members)
        ]
        counts = own["value"].value_counts()
        known = [scores[v] for v in own["value"] if v in scores]
        mean = sum(known) / len(known) if known else float("nan")
        verdict = "unknown" if not known else ("gives" if mean >= GIVES_THRESHOLD else "lacks")
        rows.append(
            {
                "indicator_id": indicator["indicator_id"],
                "quality_area_id": indicator["quality_area_id"],
                "population": population,
                "scope": scope,
                "n_subjects": len(members),
                "yes": int(counts.get("yes", 0)),
                "partly": int(counts.get("partly", 0)),
                "no": int(counts.get("no", 0)),
                "unknown": int(counts.get("unknown", 0)) + len(members - set(own["subject_id"])),
                "mean_score": mean,
                "verdict": verdict,
                "label_sv": indicator["label_sv"],
                "label_en": indicator["label_en"],
                "basis": rows_basis(own, ["value"]),
            }
        )
    columns = [
        "indicator_id",
        "quality_area_id",
        "population",
        "scope",
        "n_subjects",
        "yes",
        "partly",
        "no",
        "unknown",
        "mean_score",
        "verdict",
        "label_sv",
        "label_en",
        "basis",
    ]
    return pd.DataFrame(rows, columns=columns)


def comparison_findings(study) -> pd.DataFrame:
    """Findings of the comparison chapter: ``team.municipalities`` and ``qa.<id>`` of its indicators."""
    municipalities = study.tables["municipalities"]
    team = population_members(study, "team_municipalities")
    n_all = len(population_members(study, "all_municipalities"))
    sv, en = count_statement(
        study,
        len(team),
        "municipalities",
        "{count} arbetar med ett familjefridsteam i stället för en samordnare",
        "{count} work with a family-violence team instead of a coordinator",
        denominator=n_all,
        population="all_municipalities",
        predicate_en_singular="{count} works with a family-violence team instead of a coordinator",
    )
    team_row = {
        "finding_id": "team.municipalities",
        "chapter": CHAPTER,
        "quality_area": pd.NA,
        "numerator": len(team),
        "denominator": n_all,
        "unit": "municipalities",
        "statement_sv": sv,
        "statement_en": en,
        "source": join_sources(municipalities.loc[municipalities["model"] == "team", "source"]),
        "basis": rows_basis(municipalities, ["model"]),
    }
    indicators = indicator_findings(study, CHAPTER)
    return findings_frame([team_row] + indicators.to_dict("records"))
