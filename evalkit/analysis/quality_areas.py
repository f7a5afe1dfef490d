"""Chapter 02: the six quality areas.

The framework matrix (``assessments``) holds one value per subject x
indicator. Each indicator belongs to one quality area and is assessed over a
population (municipalities, coordinators or external-partner interviews).

Scores follow :data:`evalkit.study.model.VALUE_SCORES` (yes 1, partly 0.5,
no 0); ``unknown`` and missing assessments are left out of every mean.
"""

from __future__ import annotations

import pandas as pd

from evalkit.analysis.populations import (
    GROUPS,
    POPULATION_UNITS,
    combine_basis,
    coordinators_of_municipality,
    count_statement,
    findings_frame,
    municipality_groups,
    population_basis,
    population_members,
    rows_allocation,
    rows_basis,
    rows_sources,
)
from evalkit.study.model import VALUE_SCORES

MUNICIPALITY_POPULATIONS = ("all_municipalities", "municipalities_with_coordinator", "team_municipalities")
VALUES = ("yes", "partly", "no", "unknown")


def _scores(partly_score: float) -> dict[str, float]:
    scores = dict(VALUE_SCORES)
    scores["partly"] = float(partly_score)
    return scores


def ordered_indicators(study) -> pd.DataFrame:
    """The indicator codebook sorted by quality-area order, then indicator id."""
    indicators = study.codebook["indicators"].copy()
    order = study.codebook["quality_areas"].set_index("quality_area_id")["order"]
    indicators["_order"] = indicators["quality_area_id"].map(order).astype("Float64").fillna(10**6)
    indicators = indicators.sort_values(["_order", "indicator_id"], kind="stable")
    return indicators.drop(columns="_order").reset_index(drop=True)


def ordered_quality_areas(study) -> list[str]:
    """Quality-area ids in display order."""
    areas = study.codebook["quality_areas"].sort_values(["order", "quality_area_id"])
    return [str(a) for a in areas["quality_area_id"]]


def indicator_rows(study, indicator_id: str) -> pd.DataFrame:
    """Assessment rows of one indicator whose subject belongs to its population."""
    indicator = study.codebook["indicators"].set_index("indicator_id").loc[indicator_id]
    members = set(population_members(study, indicator["population"]))
    assessments = study.tables["assessments"]
    rows = assessments[(assessments["indicator_id"] == indicator_id) & assessments["subject_id"].isin(members)]
    return rows.sort_values("subject_id").reset_index(drop=True)


def indicator_tally(study) -> pd.DataFrame:
    """Count the values of every indicator over its population.

    ``unknown`` counts explicit ``unknown`` values plus population members
    without an assessment row (also shown separately as ``not_assessed``), so
    ``yes + partly + no + unknown == denominator``. Rows whose subject is not in
    the population are ignored and counted in ``outside_population``.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator_id, quality_area_id, chapter, population, unit,
        denominator, yes, partly, no, unknown, not_assessed, outside_population,
        basis``; sorted by quality-area order, then indicator id.
    """
    assessments = study.tables["assessments"]
    rows = []
    for _, indicator in ordered_indicators(study).iterrows():
        iid = indicator["indicator_id"]
        members = population_members(study, indicator["population"])
        own = assessments[assessments["indicator_id"] == iid]
        inside = own[own["subject_id"].isin(members)]
        counts = inside["value"].value_counts()
        not_assessed = len(set(members) - set(inside["subject_id"]))
        rows.append(
            {
                "indicator_id": iid,
                "quality_area_id": indicator["quality_area_id"],
                "chapter": indicator["chapter"],
                "population": indicator["population"],
                "unit": POPULATION_UNITS[indicator["population"]],
                "denominator": len(members),
                "yes": int(counts.get("yes", 0)),
                "partly": int(counts.get("partly", 0)),
                "no": int(counts.get("no", 0)),
                "unknown": int(counts.get("unknown", 0)) + not_assessed,
                "not_assessed": not_assessed,
                "outside_population": int(len(own) - len(inside)),
                "basis": combine_basis(rows_basis(inside, ["value"]), population_basis(study, indicator["population"])),
            }
        )
    columns = [
        "indicator_id",
        "quality_area_id",
        "chapter",
        "population",
        "unit",
        "denominator",
        "yes",
        "partly",
        "no",
        "unknown",
        "not_assessed",
        "outside_population",
        "basis",
    ]
    return pd.DataFrame(rows, columns=columns)


def municipality_values(study, partly_score: float = 0.5) -> pd.DataFrame:
    """Every assessment value that bears on a municipality, in long format.

    Municipality-level indicators apply to their own subject; a
    coordinator-level indicator applies to every municipality the coordinator
    serves (``via`` = ``coordinator``). Interview-level indicators are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, indicator_id, quality_area_id, chapter, population,
        subject_id, via, value, score`` (score NaN for unknown); sorted by municipality,
        indicator, subject.
    """
    scores = _scores(partly_score)
    indicators = study.codebook["indicators"].set_index("indicator_id")
    assessments = study.tables["assessments"].merge(
        indicators[["quality_area_id", "chapter", "population"]], left_on="indicator_id", right_index=True, how="inner"
    )
    coordinators_of = coordinators_of_municipality(study)
    served = {}
    for municipality, coordinators in coordinators_of.items():
        for coordinator in coordinators:
            served.setdefault(coordinator, []).append(municipality)
    members = {p: set(population_members(study, p)) for p in MUNICIPALITY_POPULATIONS}
    rows = []
    for _, a in assessments.iterrows():
        population = a["population"]
        if population in MUNICIPALITY_POPULATIONS:
            if a["subject_id"] not in members[population]:
                continue
            targets, via = [a["subject_id"]], "municipality"
        elif population == "coordinators":
            targets, via = served.get(a["subject_id"], []), "coordinator"
        else:
            continue
        for municipality in targets:
            rows.append(
                {
                    "municipality_id": municipality,
                    "indicator_id": a["indicator_id"],
                    "quality_area_id": a["quality_area_id"],
                    "chapter": a["chapter"],
                    "population": population,
                    "subject_id": a["subject_id"],
                    "via": via,
                    "value": a["value"],
                    "score": scores.get(a["value"], float("nan")),
                }
            )
    columns = [
        "municipality_id",
        "indicator_id",
        "quality_area_id",
        "chapter",
        "population",
        "subject_id",
        "via",
        "value",
        "score",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["score"] = frame["score"].astype("float64")
    return frame.sort_values(["municipality_id", "indicator_id", "subject_id"]).reset_index(drop=True)


def quality_area_cells(study, partly_score: float = 0.5) -> pd.DataFrame:
    """Municipality x quality area cells with the counts behind each mean.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, quality_area_id, score, n_known, n_unknown,
        n_indicators``; one row per municipality x quality area (all combinations),
        ``score`` NaN where no known value exists.
    """
    values = municipality_values(study, partly_score)
    municipalities = population_members(study, "all_municipalities")
    areas = ordered_quality_areas(study)
    rows = []
    grouped = {key: g for key, g in values.groupby(["municipality_id", "quality_area_id"])}
    for municipality in municipalities:
        for area in areas:
            cell = grouped.get((municipality, area))
            if cell is None:
                rows.append(
                    {
                        "municipality_id": municipality,
                        "quality_area_id": area,
                        "score": float("nan"),
                        "n_known": 0,
                        "n_unknown": 0,
                        "n_indicators": 0,
                    }
                )
                continue
            known = cell["score"].dropna()
            rows.append(
                {
                    "municipality_id": municipality,
                    "quality_area_id": area,
                    "score": float(known.mean()) if len(known) else float("nan"),
                    "n_known": int(len(known)),
                    "n_unknown": int(cell["score"].isna().sum()),
                    "n_indicators": int(cell["indicator_id"].nunique()),
                }
            )
    return pd.DataFrame(
        rows, columns=["municipality_id", "quality_area_id", "score", "n_known", "n_unknown", "n_indicators"]
    )


def quality_area_matrix(study, partly_score: float = 0.5) -> pd.DataFrame:
    """Mean score per municipality and quality area.

    Parameters
    ----------
    study : Study
    partly_score : float
        Score given to ``partly`` (default 0.5; yes = 1, no = 0).

    Returns
    -------
    pandas.DataFrame
        Index ``municipality_id`` (all municipalities, sorted), one float column per
        quality area in codebook order; NaN where no known value exists.
    """
    cells = quality_area_cells(study, partly_score)
    matrix = cells.pivot(index="municipality_id", columns="quality_area_id", values="score")
    matrix = matrix.reindex(index=population_members(study, "all_municipalities"), columns=ordered_quality_areas(study))
    matrix.index.name = "municipality_id"
    matrix.columns.name = "quality_area_id"
    return matrix.astype("float64")


def quality_area_by_group(
    study, partly_score: float = 0.5, groups: tuple[str, ...] = ("well_functioning", "poorly_functioning", "team_based")
) -> pd.DataFrame:
    """Mean quality-area score per municipality group.

    The group mean is the mean of the municipalities' area scores (each
    municipality weighs the same).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, quality_area_id, mean_score, n_municipalities (with a score),
        n_indicators (distinct indicators behind the cell)``; sorted by group order
        then quality-area order.
    """
    membership = municipality_groups(study)
    cells = quality_area_cells(study, partly_score)
    values = municipality_values(study, partly_score)
    areas = ordered_quality_areas(study)
    rows = []
    for group in [g for g in GROUPS if g in groups] + [g for g in groups if g not in GROUPS]:
        members = list(membership[membership == group].index)
        for area in areas:
            cell = cells[(cells["quality_area_id"] == area) & cells["municipality_id"].isin(members)]
            scored = cell["score"].dropna()
            behind = values[
                (values["quality_area_id"] == area) & values["municipality_id"].isin(members) & values["score"].notna()
            ]
            rows.append(
                {
                    "group": group,
                    "quality_area_id": area,
                    "mean_score": float(scored.mean()) if len(scored) else float("nan"),
                    "n_municipalities": int(len(scored)),
                    "n_indicators": int(behind["indicator_id"].nunique()),
                }
            )
    return pd.DataFrame(rows, columns=["group", "quality_area_id", "mean_score", "n_municipalities", "n_indicators"])


def indicator_findings(study, chapter: str | None, indicator_ids=None) -> pd.DataFrame:
    """``qa.<indicator_id>`` findings for the indicators of one codebook chapter.

    Numerator = number of ``yes`` among the population; denominator = size of
    the population; ``unknown`` = members whose value is ``unknown`` or not
    assessed (never counted as *no*); statement from the codebook templates
    with a count phrase naming the population. Source: in a published
    evaluation the indicator's report section (else the assessment rows'
    sources); in fieldwork always the assessment rows' own sources and
    evidence. ``chapter`` None takes every chapter; ``indicator_ids``
    restricts the output to those indicators.
    """
    from evalkit.study.kind import is_published_evaluation

    published = is_published_evaluation(study)
    rows = []
    indicators = ordered_indicators(study)
    if chapter is not None:
        indicators = indicators[indicators["chapter"] == chapter]
    if indicator_ids is not None:
        indicators = indicators[indicators["indicator_id"].isin(list(indicator_ids))]
    for _, indicator in indicators.iterrows():
        iid = indicator["indicator_id"]
        population = indicator["population"]
        members = population_members(study, population)
        inside = indicator_rows(study, iid)
        numerator = int((inside["value"] == "yes").sum())
        known = set(inside.loc[inside["value"].isin(["yes", "partly", "no"]), "subject_id"].astype(str))
        unknown = len(set(members) - known)
        unit = POPULATION_UNITS[population]
        sv, en = count_statement(
            study,
            numerator,
            unit,
            str(indicator["statement_sv"]),
            str(indicator["statement_en"]),
            denominator=len(members),
            population=population,
            unknown=unknown,
        )
        section = indicator["report_section"]
        if published and not pd.isna(section):
            source = str(section)
        else:
            source = rows_sources(inside)
        rows.append(
            {
                "finding_id": f"qa.{iid}",
                "chapter": indicator["chapter"],
                "quality_area": indicator["quality_area_id"],
                "numerator": numerator,
                "denominator": len(members),
                "unknown": unknown,
                "unit": unit,
                "statement_sv": sv,
                "statement_en": en,
                "source": source,
                "basis": combine_basis(rows_basis(inside, ["value"], study), population_basis(study, population)),
                "allocation": rows_allocation(inside),
            }
        )
    return findings_frame(rows)


def quality_area_findings(study) -> pd.DataFrame:
    """Findings of the quality-area chapter: ``qa.<id>`` for chapter ``quality_areas`` indicators."""
    return indicator_findings(study, "quality_areas")
