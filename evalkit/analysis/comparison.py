"""Chapter 03 (first half): team-based municipalities compared with those with a coordinator.

Two questions: how do the team-based municipalities score against the
municipalities with a coordinator, on the indicators assessed for both, and
against those where the coordinator function works poorly (the source report's
own comparison); and what does the team model give and lack, according to the
indicators the codebook assigns to the ``comparison`` chapter.
"""

from __future__ import annotations

import pandas as pd

from evalkit.analysis.populations import (
    count_statement,
    findings_frame,
    join_sources,
    municipality_groups,
    population_members,
    row_is_reconstructed,
    rows_allocation,
    rows_basis,
)
from evalkit.analysis.quality_areas import indicator_findings, ordered_indicators
from evalkit.study.model import VALUE_SCORES

CHAPTER = "comparison"
#: Mean score at or above which the team model is said to *give* what an indicator describes.
GIVES_THRESHOLD = 0.5


#: The groups the team municipalities are compared with (municipality_groups codes), in display order.
COMPARISON_GROUPS = ("team_based", "well_functioning", "poorly_functioning")


def team_vs_coordinator(study, partly_score: float = 0.5) -> pd.DataFrame:
    """Team municipalities against municipalities with a coordinator, on the indicators assessed for both.

    Only indicators with a known value for at least one team municipality and one municipality
    with a coordinator are compared (the quality-area indicators exist only for municipalities
    with a coordinator, so comparing area means would set different indicators against each
    other). Besides all municipalities with a coordinator, the team municipalities are set
    against those where the coordinator function works well and, as the source report does,
    against those where it works poorly. Each group's value is the mean score of its known
    values (yes 1, partly ``partly_score``, no 0); ``reconstructed_*`` counts how many of those
    values are reconstructions, so a reader sees how much of a difference rests on them.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator_id, quality_area_id, mean_team, mean_coordinator, mean_well,
        mean_poorly, difference (team - coordinator), difference_poorly (team - poorly
        functioning), n_team, n_coordinator, reconstructed_team, reconstructed_coordinator``;
        indicators in codebook order.
    """
    scores = dict(VALUE_SCORES, partly=float(partly_score))
    groups = municipality_groups(study)
    team = set(population_members(study, "team_municipalities"))
    with_coordinator = set(population_members(study, "municipalities_with_coordinator"))
    assessments = study.tables["assessments"]
    rows = []
    for _, indicator in ordered_indicators(study).iterrows():
        members = set(population_members(study, indicator["population"]))
        own = assessments[
            (assessments["indicator_id"] == indicator["indicator_id"]) & assessments["subject_id"].isin(members)
        ]
        own = own[own["value"].isin(list(scores))]
        in_team = own[own["subject_id"].isin(team)]
        in_coordinator = own[own["subject_id"].isin(with_coordinator)]
        if in_team.empty or in_coordinator.empty:
            continue

        def mean(frame):
            return float(frame["value"].map(scores).mean()) if len(frame) else float("nan")

        def reconstructed(frame):
            return int(
                sum(
                    row_is_reconstructed(b, f, ["value"]) for b, f in zip(frame["basis"], frame["reconstructed_fields"])
                )
            )

        well = in_coordinator[in_coordinator["subject_id"].map(groups) == "well_functioning"]
        poorly = in_coordinator[in_coordinator["subject_id"].map(groups) == "poorly_functioning"]
        row = {
            "indicator_id": indicator["indicator_id"],
            "quality_area_id": indicator["quality_area_id"],
            "mean_team": mean(in_team),
            "mean_coordinator": mean(in_coordinator),
            "mean_well": mean(well),
            "mean_poorly": mean(poorly),
            "n_team": len(in_team),
            "n_coordinator": len(in_coordinator),
            "reconstructed_team": reconstructed(in_team),
            "reconstructed_coordinator": reconstructed(in_coordinator),
        }
        row["difference"] = row["mean_team"] - row["mean_coordinator"]
        row["difference_poorly"] = row["mean_team"] - row["mean_poorly"]
        rows.append(row)
    columns = [
        "indicator_id",
        "quality_area_id",
        "mean_team",
        "mean_coordinator",
        "mean_well",
        "mean_poorly",
        "difference",
        "difference_poorly",
        "n_team",
        "n_coordinator",
        "reconstructed_team",
        "reconstructed_coordinator",
    ]
    return pd.DataFrame(rows, columns=columns)


def team_model_profile(study, partly_score: float = 0.5) -> pd.DataFrame:
    """What the team model gives and lacks, from the ``comparison`` indicators.

    For an indicator assessed over municipalities, only the team-based
    municipalities are counted (``scope`` = ``team_municipalities``); for
    coordinator- or interview-level indicators the whole population is
    counted (``scope`` = the population). ``team_model`` is ``gives`` when the
    mean score of the known values is at least ``GIVES_THRESHOLD``, ``lacks``
    below it, ``unknown`` without known values (codes of the ``team_model``
    vocabulary).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator_id, quality_area_id, population, scope, n_subjects, yes,
        partly, no, unknown, mean_score, team_model, label_sv, label_en, basis``.
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
        team_model = "unknown" if not known else ("gives" if mean >= GIVES_THRESHOLD else "lacks")
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
                "team_model": team_model,
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
        "team_model",
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
        "basis": rows_basis(municipalities, ["model"], study),
        "allocation": rows_allocation(municipalities[municipalities["model"] == "team"], ["municipality_id"]),
    }
    indicators = indicator_findings(study, CHAPTER)
    return findings_frame([team_row] + indicators.to_dict("records"))
