"""Chapter 01: how the coordinator function is organised.

Built from the coordinator table, the coordinator-municipality links and the
coordinator survey (Bilaga 2). All functions are pure: a :class:`Study` in,
a DataFrame out, rows in a fixed sort order.
"""

from __future__ import annotations

import pandas as pd

from evalkit.analysis.populations import (
    combine_basis,
    coordinator_links,
    count_statement,
    findings_frame,
    join_sources,
    population_members,
    rows_basis,
)

CHAPTER = "organisation"
#: Survey question 3 columns and the activity code each one measures.
TIME_SPLIT_COLUMNS = {
    "strategic": "q3_strategic_pct",
    "individual": "q3_individual_pct",
    "direct_client": "q3_direct_client_pct",
    "other": "q3_other_pct",
}
PLACEMENTS = ("ifo_management", "ifo_unit", "social_services_management", "municipality_wide", "other")
COMBINATIONS = ("none", "casework", "other_strategic_tasks", "other", "unknown")
ROLES = ("operational", "mixed", "strategic", "unknown")
FULL_TIME_PCT = 100.0


def posts_by_coordinator(study) -> pd.DataFrame:
    """One row per coordinator: municipalities served and size of the post.

    ``share_of_post_pct`` is the survey's answer to Q2 when given, otherwise
    the sum of the coordinator's link shares (``share_source`` says which).
    A post of 100 % or more is full time.

    Returns
    -------
    pandas.DataFrame
        Columns ``coordinator_id, municipalities ('|'-joined), n_municipalities,
        serves_several, share_of_post_pct, link_share_sum_pct, share_source,
        full_time, role, combined_with, seat_in_management_group, based_in, basis``;
        sorted by ``coordinator_id``.
    """
    coordinators = study.tables["coordinators"].sort_values("coordinator_id")
    links = coordinator_links(study)
    survey = study.tables["survey_responses"].set_index("coordinator_id")
    rows = []
    for _, c in coordinators.iterrows():
        cid = c["coordinator_id"]
        own = links[links["coordinator_id"] == cid]
        link_sum = float(own["share_of_post_pct"].sum()) if len(own) else float("nan")
        q2 = survey["q2_share_of_post_pct"].get(cid, pd.NA) if len(survey) else pd.NA
        if pd.isna(q2):
            share, source = link_sum, "link_sum"
            survey_rows = survey.iloc[0:0]
        else:
            share, source = float(q2), "survey_q2"
            survey_rows = survey.loc[[cid]]
        basis = combine_basis(
            rows_basis(own, ["share_of_post_pct"] if source == "link_sum" else None),
            rows_basis(survey_rows, ["q2_share_of_post_pct"]),
        )
        municipalities = sorted(own["municipality_id"].astype(str))
        rows.append(
            {
                "coordinator_id": cid,
                "municipalities": "|".join(municipalities),
                "n_municipalities": len(municipalities),
                "serves_several": len(municipalities) > 1,
                "share_of_post_pct": share,
                "link_share_sum_pct": link_sum,
                "share_source": source,
                "full_time": bool(share >= FULL_TIME_PCT) if share == share else pd.NA,
                "role": c["role"],
                "combined_with": c["combined_with"],
                "seat_in_management_group": c["seat_in_management_group"],
                "based_in": c["based_in"],
                "basis": basis,
            }
        )
    columns = [
        "coordinator_id",
        "municipalities",
        "n_municipalities",
        "serves_several",
        "share_of_post_pct",
        "link_share_sum_pct",
        "share_source",
        "full_time",
        "role",
        "combined_with",
        "seat_in_management_group",
        "based_in",
        "basis",
    ]
    return pd.DataFrame(rows, columns=columns).reset_index(drop=True)


def posts_by_municipality(study) -> pd.DataFrame:
    """One row per municipality with a coordinator link: its part of the post(s).

    A post shared between municipalities is split by the link table's
    ``share_of_post_pct``; a municipality served by several coordinators gets
    the sum.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, coordinators ('|'), n_coordinators, share_of_post_pct,
        shared (served by a coordinator who serves several municipalities), full_time,
        model, basis``; sorted by ``municipality_id``. Municipalities without any link
        are not listed.
    """
    links = coordinator_links(study)
    serving = links.groupby("coordinator_id")["municipality_id"].nunique()
    municipalities = study.tables["municipalities"].set_index("municipality_id")
    rows = []
    for mid, group in links.groupby("municipality_id", sort=True):
        coordinators = sorted(group["coordinator_id"].astype(str))
        share = float(group["share_of_post_pct"].sum())
        rows.append(
            {
                "municipality_id": mid,
                "coordinators": "|".join(coordinators),
                "n_coordinators": len(coordinators),
                "share_of_post_pct": share,
                "shared": bool(any(serving[c] > 1 for c in coordinators)),
                "full_time": share >= FULL_TIME_PCT,
                "model": municipalities["model"].get(mid, pd.NA),
                "basis": rows_basis(group, ["share_of_post_pct"]),
            }
        )
    columns = [
        "municipality_id",
        "coordinators",
        "n_coordinators",
        "share_of_post_pct",
        "shared",
        "full_time",
        "model",
        "basis",
    ]
    return pd.DataFrame(rows, columns=columns)


def time_split(study, wide: bool = False) -> pd.DataFrame:
    """How coordinators split their time (survey Q3).

    Parameters
    ----------
    study : Study
    wide : bool
        False (default): long format, one row per coordinator x activity.
        True: one row per coordinator, one column per activity plus ``total_pct``.

    Returns
    -------
    pandas.DataFrame
        Long: ``coordinator_id, activity, pct`` (activity in ``strategic,
        individual, direct_client, other``; pct NaN when unanswered), sorted by
        coordinator then activity order. Wide: ``coordinator_id, strategic,
        individual, direct_client, other, total_pct``.
    """
    survey = study.tables["survey_responses"].sort_values("coordinator_id")
    rows = []
    for _, response in survey.iterrows():
        for activity, column in TIME_SPLIT_COLUMNS.items():
            value = response[column]
            rows.append(
                {
                    "coordinator_id": response["coordinator_id"],
                    "activity": activity,
                    "pct": float(value) if not pd.isna(value) else float("nan"),
                }
            )
    long = pd.DataFrame(rows, columns=["coordinator_id", "activity", "pct"])
    if not wide:
        return long
    table = long.pivot(index="coordinator_id", columns="activity", values="pct")
    table = (
        table.reindex(columns=list(TIME_SPLIT_COLUMNS))
        if len(table)
        else pd.DataFrame(columns=list(TIME_SPLIT_COLUMNS))
    )
    table["total_pct"] = table.sum(axis=1, min_count=1)
    table.columns.name = None
    return table.reset_index().rename(columns={"index": "coordinator_id"})


def _code_summary(
    values: pd.Series, ids: pd.Series, order: tuple[str, ...], code_name: str, id_name: str, denominator: int
) -> pd.DataFrame:
    values = values.fillna("unknown").astype(str)
    codes = [c for c in order if c in set(values)] + sorted(set(values) - set(order))
    rows = []
    for code in codes:
        members = sorted(set(ids[values == code].astype(str)))
        rows.append(
            {
                code_name: code,
                "n": len(members),
                "denominator": denominator,
                "share": len(members) / denominator if denominator else float("nan"),
                id_name: "|".join(members),
            }
        )
    return pd.DataFrame(rows, columns=[code_name, "n", "denominator", "share", id_name])


def placement_summary(study) -> pd.DataFrame:
    """Where coordinators are placed in the organisation (survey Q4).

    Returns
    -------
    pandas.DataFrame
        Columns ``q4_placement, n, denominator, share, coordinators``; ``n`` counts
        coordinators, the denominator is all coordinators; unanswered = ``unknown``.
        Codes in schema order, only those that occur.
    """
    coordinators = study.tables["coordinators"][["coordinator_id"]]
    survey = study.tables["survey_responses"][["coordinator_id", "q4_placement"]]
    merged = coordinators.merge(survey, on="coordinator_id", how="left")
    return _code_summary(
        merged["q4_placement"], merged["coordinator_id"], PLACEMENTS, "q4_placement", "coordinators", len(coordinators)
    )


def combination_summary(study) -> pd.DataFrame:
    """What the coordinator post is combined with, counted in municipalities.

    A municipality counts under a code when a coordinator serving it has that
    ``combined_with`` value; the denominator is the municipalities with a
    coordinator.

    Returns
    -------
    pandas.DataFrame
        Columns ``combined_with, n (municipalities), denominator, share,
        municipalities, n_coordinators, coordinators``.
    """
    links = coordinator_links(study)
    coordinators = study.tables["coordinators"][["coordinator_id", "combined_with"]]
    merged = links.merge(coordinators, on="coordinator_id", how="left")
    denominator = len(population_members(study, "municipalities_with_coordinator"))
    out = _code_summary(
        merged["combined_with"], merged["municipality_id"], COMBINATIONS, "combined_with", "municipalities", denominator
    )
    per_coordinator = _code_summary(
        coordinators["combined_with"],
        coordinators["coordinator_id"],
        COMBINATIONS,
        "combined_with",
        "coordinators",
        len(coordinators),
    )
    out = out.merge(
        per_coordinator[["combined_with", "n", "coordinators"]].rename(columns={"n": "n_coordinators"}),
        on="combined_with",
        how="left",
    )
    out["n_coordinators"] = out["n_coordinators"].fillna(0).astype(int)
    return out


def role_summary(study) -> pd.DataFrame:
    """Coordinators by role: operational, mixed, strategic.

    Returns
    -------
    pandas.DataFrame
        Columns ``role, n, denominator, share, coordinators``.
    """
    coordinators = study.tables["coordinators"]
    return _code_summary(
        coordinators["role"], coordinators["coordinator_id"], ROLES, "role", "coordinators", len(coordinators)
    )


def management_group_seats(study) -> pd.DataFrame:
    """Whether each coordinator sits in the management group.

    Returns
    -------
    pandas.DataFrame
        Columns ``seat_in_management_group, n, denominator, share, coordinators``
        (values yes, partly, no, unknown in that order).
    """
    coordinators = study.tables["coordinators"]
    return _code_summary(
        coordinators["seat_in_management_group"],
        coordinators["coordinator_id"],
        ("yes", "partly", "no", "unknown"),
        "seat_in_management_group",
        "coordinators",
        len(coordinators),
    )


def expert_teams(study, condition_id: str = "expert_team") -> pd.DataFrame:
    """The expert-team condition per municipality, if the study codes it.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, value, evidence, basis``, sorted; empty when the
        condition is absent.
    """
    conditions = study.tables["conditions"]
    rows = conditions[conditions["condition_id"] == condition_id]
    return rows[["municipality_id", "value", "evidence", "basis"]].sort_values("municipality_id").reset_index(drop=True)


def _row(study, finding_id, numerator, denominator, unit, population, sv, en, source, basis, en_singular=None):
    statement_sv, statement_en = count_statement(
        study,
        numerator,
        unit,
        sv,
        en,
        denominator=denominator,
        population=population,
        predicate_en_singular=en_singular,
    )
    return {
        "finding_id": finding_id,
        "chapter": CHAPTER,
        "quality_area": pd.NA,
        "numerator": numerator,
        "denominator": denominator,
        "unit": unit,
        "statement_sv": statement_sv,
        "statement_en": statement_en,
        "source": source,
        "basis": basis,
    }


def organisation_findings(study) -> pd.DataFrame:
    """The counted findings of the organisation chapter (``org.*``).

    ``org.placement.*``, ``org.combined_with.*`` and ``org.role.*`` are given for
    every code of the schema's enum (except ``unknown``), zero counts included,
    so that the set of findings does not depend on the data.

    Returns
    -------
    pandas.DataFrame
        The findings-table columns (see :data:`FINDINGS_COLUMNS`), sorted by id.
    """
    municipalities = study.tables["municipalities"]
    coordinators = study.tables["coordinators"]
    links = coordinator_links(study)
    survey = study.tables["survey_responses"]
    n_all = len(population_members(study, "all_municipalities"))
    with_coordinator = population_members(study, "municipalities_with_coordinator")
    n_with = len(with_coordinator)
    n_coord = len(coordinators)
    model_basis = rows_basis(municipalities, ["model"])
    municipality_sources = join_sources(municipalities["source"])
    coordinator_sources = join_sources(coordinators["source"])
    link_sources = join_sources(links["source"])
    rows = []

    rows.append(
        _row(
            study,
            "org.municipalities_with_coordinator",
            n_with,
            n_all,
            "municipalities",
            "all_municipalities",
            "{count} har en kvinnofridssamordnare",
            "{count} have a coordinator against violence in close relationships",
            municipality_sources,
            model_basis,
            en_singular="{count} has a coordinator against violence in close relationships",
        )
    )
    rows.append(
        _row(
            study,
            "org.coordinators_total",
            n_coord,
            None,
            "coordinators",
            None,
            "Länet har {count} i tjänst",
            "The county has {count} in post",
            coordinator_sources,
            rows_basis(coordinators, ["coordinator_id"]),
        )
    )

    posts = posts_by_coordinator(study)
    several = int(posts["serves_several"].sum())
    rows.append(
        _row(
            study,
            "org.coordinators_serving_several",
            several,
            n_coord,
            "coordinators",
            "coordinators",
            "{count} arbetar i mer än en kommun",
            "{count} work in more than one municipality",
            link_sources,
            rows_basis(links, ["municipality_id"]),
            en_singular="{count} works in more than one municipality",
        )
    )

    by_municipality = posts_by_municipality(study)
    in_scope = by_municipality[by_municipality["municipality_id"].isin(with_coordinator)]
    sharing = int(in_scope["shared"].sum())
    rows.append(
        _row(
            study,
            "org.municipalities_sharing_a_coordinator",
            sharing,
            n_with,
            "municipalities",
            "municipalities_with_coordinator",
            "{count} delar sin samordnare med andra kommuner",
            "{count} share their coordinator with other municipalities",
            link_sources,
            combine_basis(model_basis, rows_basis(links, ["municipality_id"])),
            en_singular="{count} shares its coordinator with other municipalities",
        )
    )

    full_time = int(in_scope["full_time"].sum())
    rows.append(
        _row(
            study,
            "org.full_time.municipalities",
            full_time,
            n_with,
            "municipalities",
            "municipalities_with_coordinator",
            "{count} har en samordnare på heltid",
            "{count} have a full-time coordinator",
            link_sources,
            combine_basis(model_basis, rows_basis(links, ["share_of_post_pct"])),
            en_singular="{count} has a full-time coordinator",
        )
    )

    part_time = int((posts["full_time"] == False).sum())  # noqa: E712  (NA stays out)
    rows.append(
        _row(
            study,
            "org.part_time.coordinators",
            part_time,
            n_coord,
            "coordinators",
            "coordinators",
            "{count} arbetar deltid som samordnare",
            "{count} work part time as coordinator",
            join_sources(list(survey["source"]) + list(links["source"])),
            combine_basis(*posts["basis"]) if len(posts) else "stated",
            en_singular="{count} works part time as coordinator",
        )
    )

    placement = placement_summary(study).set_index("q4_placement")["n"]
    for code in PLACEMENTS:
        label_sv, label_en = _labels(study, "q4_placement", code)
        rows.append(
            _row(
                study,
                f"org.placement.{code}",
                int(placement.get(code, 0)),
                n_coord,
                "coordinators",
                "coordinators",
                f"{{count}} har placeringen ”{label_sv}”",
                f"{{count}} have the placement ‘{label_en}’",
                join_sources(survey["source"]),
                rows_basis(survey, ["q4_placement"]),
            )
        )

    combination = combination_summary(study).set_index("combined_with")["municipalities"]
    for code in COMBINATIONS:
        if code == "unknown":
            continue
        members = str(combination.get(code, "")).split("|")
        in_with = [m for m in members if m in with_coordinator]
        if code == "none":
            sv = "{count} har en samordnartjänst som inte kombineras med andra uppgifter"
            en = "{count} have a coordinator post that is not combined with other tasks"
        elif code == "other":
            sv = "{count} har en samordnartjänst som kombineras med annat arbete"
            en = "{count} have a coordinator post combined with other work"
        else:
            label_sv, label_en = _labels(study, "combined_with", code)
            sv = "{count} har en samordnartjänst som kombineras med " + label_sv
            en = "{count} have a coordinator post combined with " + label_en
        rows.append(
            _row(
                study,
                f"org.combined_with.{code}",
                len(in_with),
                n_with,
                "municipalities",
                "municipalities_with_coordinator",
                sv,
                en,
                coordinator_sources,
                combine_basis(
                    model_basis, rows_basis(coordinators, ["combined_with"]), rows_basis(links, ["municipality_id"])
                ),
            )
        )

    roles = role_summary(study).set_index("role")["n"]
    for code in ROLES:
        if code == "unknown":
            continue
        label_sv, label_en = _labels(study, "role", code)
        article = "an" if label_en[:1] in "aeiou" else "a"
        rows.append(
            _row(
                study,
                f"org.role.{code}",
                int(roles.get(code, 0)),
                n_coord,
                "coordinators",
                "coordinators",
                f"{{count}} har en {label_sv} roll",
                f"{{count}} have {article} {label_en} role",
                coordinator_sources,
                rows_basis(coordinators, ["role"]),
            )
        )

    seats = int((coordinators["seat_in_management_group"] == "yes").sum())
    rows.append(
        _row(
            study,
            "org.seat_in_management_group",
            seats,
            n_coord,
            "coordinators",
            "coordinators",
            "{count} sitter i ledningsgruppen",
            "{count} sit in the management group",
            coordinator_sources,
            rows_basis(coordinators, ["seat_in_management_group"]),
            en_singular="{count} sits in the management group",
        )
    )

    in_with = municipalities[municipalities["municipality_id"].isin(with_coordinator)]
    functioning_basis = combine_basis(model_basis, rows_basis(in_with, ["coordinator_functioning"]))
    wording = {
        "well": (
            "{count} har en samordnarfunktion som fungerar väl",
            "{count} have a coordinator function that works well",
            "{count} has a coordinator function that works well",
        ),
        "poorly": (
            "{count} har en samordnarfunktion som fungerar dåligt",
            "{count} have a coordinator function that works poorly",
            "{count} has a coordinator function that works poorly",
        ),
    }
    for code, (sv, en, en1) in wording.items():
        n = int((in_with["coordinator_functioning"] == code).sum())
        rows.append(
            _row(
                study,
                f"org.functioning.{code}",
                n,
                n_with,
                "municipalities",
                "municipalities_with_coordinator",
                sv,
                en,
                join_sources(in_with["source"]),
                functioning_basis,
                en_singular=en1,
            )
        )
    return findings_frame(rows)


def _labels(study, vocabulary: str, code: str) -> tuple[str, str]:
    from evalkit.present.labels import vocabulary_label
    from evalkit.present.language import decapitalise

    return (
        decapitalise(vocabulary_label(study, vocabulary, code, "sv")),
        decapitalise(vocabulary_label(study, vocabulary, code, "en")),
    )
