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
    rows_allocation,
    rows_basis,
)
from evalkit.study.kind import is_published_evaluation

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
#: Columns of the coordinator table shown in the posts table, each with its own basis.
COORDINATOR_FIELDS = ("role", "combined_with", "seat_in_management_group", "based_in")


def posts_by_coordinator(study) -> pd.DataFrame:
    """One row per coordinator: municipalities served and size of the post.

    ``share_of_post_pct`` is the survey's answer to Q2 when given, otherwise
    the sum of the coordinator's link shares (``share_source`` says which:
    ``survey_q2`` or ``link_sum``; in a published evaluation, whose survey rows
    hold what the report says of each post, ``report`` or ``reconstructed``).
    A post of 100 % or more is full time.

    Returns
    -------
    pandas.DataFrame
        Columns ``coordinator_id, municipalities ('|'-joined), n_municipalities,
        serves_several, share_of_post_pct, link_share_sum_pct, share_source,
        full_time, role, combined_with, seat_in_management_group, based_in``, then the basis of
        each column that holds a value from the study (``<column>_basis``: stated, observed,
        judgement or reconstructed; see :func:`evalkit.analysis.populations.rows_basis`) for
        ``municipalities, share_of_post_pct, role, combined_with, seat_in_management_group,
        based_in``; sorted by ``coordinator_id``. The counts and flags derived from these
        columns (``n_municipalities, serves_several, full_time``) share their basis.
    """
    coordinators = study.tables["coordinators"].sort_values("coordinator_id")
    links = coordinator_links(study)
    survey = study.tables["survey_responses"].set_index("coordinator_id")
    published = is_published_evaluation(study)
    rows = []
    for _, c in coordinators.iterrows():
        cid = c["coordinator_id"]
        own = links[links["coordinator_id"] == cid]
        link_sum = float(own["share_of_post_pct"].sum(min_count=1)) if len(own) else float("nan")
        q2 = survey["q2_share_of_post_pct"].get(cid, pd.NA) if len(survey) else pd.NA
        if pd.isna(q2):
            share, source = link_sum, "link_sum"
            survey_rows = survey.iloc[0:0]
        else:
            share, source = float(q2), "survey_q2"
            survey_rows = survey.loc[[cid]]
        share_basis = combine_basis(
            rows_basis(own, ["share_of_post_pct"], study) if source == "link_sum" else None,
            rows_basis(survey_rows, ["q2_share_of_post_pct"], study),
        )
        if source == "survey_q2" and published:
            # A published evaluation prints no coordinator's answer: its survey rows hold what the
            # report says of each post, or a value reconstructed from it.
            source = "reconstructed" if share_basis == "reconstructed" else "report"
        row = coordinators[coordinators["coordinator_id"] == cid]
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
                "municipalities_basis": rows_basis(own, ["municipality_id", "coordinator_id"], study),
                "share_of_post_pct_basis": share_basis,
                **{f"{name}_basis": rows_basis(row, [name], study) for name in COORDINATOR_FIELDS},
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
        *COORDINATOR_FIELDS,
        "municipalities_basis",
        "share_of_post_pct_basis",
        *(f"{name}_basis" for name in COORDINATOR_FIELDS),
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
        shared (served by a coordinator who serves several municipalities), full_time
        (NA when the share is not known), model``, then the basis of each column that holds a
        value from the study: ``coordinators_basis, share_of_post_pct_basis, model_basis``;
        sorted by ``municipality_id``. Municipalities without any link are not listed.
    """
    links = coordinator_links(study)
    serving = links.groupby("coordinator_id")["municipality_id"].nunique()
    own_row = study.tables["municipalities"]
    municipalities = own_row.set_index("municipality_id")
    rows = []
    for mid, group in links.groupby("municipality_id", sort=True):
        coordinators = sorted(group["coordinator_id"].astype(str))
        share = float(group["share_of_post_pct"].sum(min_count=1))  # NaN when no share is known
        rows.append(
            {
                "municipality_id": mid,
                "coordinators": "|".join(coordinators),
                "n_coordinators": len(coordinators),
                "share_of_post_pct": share,
                "shared": bool(any(serving[c] > 1 for c in coordinators)),
                "full_time": bool(share >= FULL_TIME_PCT) if share == share else pd.NA,
                "model": municipalities["model"].get(mid, pd.NA),
                "coordinators_basis": rows_basis(group, ["coordinator_id", "municipality_id"], study),
                "share_of_post_pct_basis": rows_basis(group, ["share_of_post_pct"], study),
                "model_basis": rows_basis(own_row.loc[own_row["municipality_id"] == mid], ["model"], study),
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
        "coordinators_basis",
        "share_of_post_pct_basis",
        "model_basis",
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


def _row(
    study,
    finding_id,
    numerator,
    denominator,
    unit,
    population,
    sv,
    en,
    source,
    basis,
    en_singular=None,
    unknown=0,
    allocation=pd.NA,
):
    statement_sv, statement_en = count_statement(
        study,
        numerator,
        unit,
        sv,
        en,
        denominator=denominator,
        population=population,
        predicate_en_singular=en_singular,
        unknown=unknown,
    )
    return {
        "finding_id": finding_id,
        "chapter": CHAPTER,
        "quality_area": pd.NA,
        "numerator": numerator,
        "denominator": denominator,
        "unknown": unknown,
        "unit": unit,
        "statement_sv": statement_sv,
        "statement_en": statement_en,
        "source": source,
        "basis": basis,
        "allocation": allocation,
    }


def _is_unknown(value) -> bool:
    return value is None or pd.isna(value) or value == "unknown"


def _coded_count(values: pd.Series, code: str) -> tuple[int, int]:
    """``(members with code, members whose value is unknown)`` of one coded column."""
    unknown = int(sum(_is_unknown(v) for v in values))
    return int((values.astype("string") == code).fillna(False).sum()), unknown


def organisation_findings(study) -> pd.DataFrame:
    """The counted findings of the organisation chapter (``org.*``).

    ``org.placement.*``, ``org.combined_with.*`` and ``org.role.*`` are given for
    every code of the schema's enum (except ``unknown``), zero counts included,
    so that the set of findings does not depend on the data. A count that can
    be read two ways is given in both units: full time, part time and what the
    post is combined with per coordinator (of all coordinators, ``.coordinators``)
    and per municipality (of the municipalities with a coordinator,
    ``.municipalities``). Each municipality's part of a post shared with other
    municipalities is a finding of its own (``org.shared_post_share.<id>``, unit
    ``percent``). Members whose value is not known are counted in ``unknown``,
    never as *no*.

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
    model_basis = rows_basis(municipalities, ["model"], study)
    municipality_sources = join_sources(municipalities["source"])
    coordinator_sources = join_sources(coordinators["source"])
    link_sources = join_sources(links["source"])
    link_allocation = rows_allocation(links)
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
            rows_basis(coordinators, ["coordinator_id"], study),
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
            rows_basis(links, ["municipality_id"], study),
            en_singular="{count} works in more than one municipality",
        )
    )

    by_municipality = posts_by_municipality(study)
    in_scope = by_municipality[by_municipality["municipality_id"].isin(with_coordinator)]
    no_link = n_with - len(in_scope)  # a municipality with a coordinator model but no link row
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
            combine_basis(model_basis, rows_basis(links, ["municipality_id"], study)),
            en_singular="{count} shares its coordinator with other municipalities",
            unknown=no_link,
        )
    )

    share_basis = combine_basis(model_basis, rows_basis(links, ["share_of_post_pct"], study))
    municipality_full_time = in_scope["full_time"]
    municipality_unknown = int(municipality_full_time.isna().sum()) + no_link
    coordinator_full_time = posts["full_time"]
    coordinator_unknown = int(coordinator_full_time.isna().sum())
    post_sources = join_sources(list(survey["source"]) + list(links["source"]))
    post_basis = combine_basis(*posts["share_of_post_pct_basis"]) if len(posts) else rows_basis(posts, None, study)
    for finding_id, wanted, sv, en, en1 in (
        (
            "org.full_time.municipalities",
            True,
            "{count} har en samordnare på heltid",
            "{count} have a full-time coordinator",
            "{count} has a full-time coordinator",
        ),
        (
            "org.part_time.municipalities",
            False,
            "{count} har en samordnartjänst på deltid",
            "{count} have a part-time coordinator post",
            "{count} has a part-time coordinator post",
        ),
    ):
        rows.append(
            _row(
                study,
                finding_id,
                int((municipality_full_time == wanted).fillna(False).sum()),
                n_with,
                "municipalities",
                "municipalities_with_coordinator",
                sv,
                en,
                link_sources,
                share_basis,
                en_singular=en1,
                unknown=municipality_unknown,
                allocation=link_allocation,
            )
        )
    for finding_id, wanted, sv, en, en1 in (
        (
            "org.full_time.coordinators",
            True,
            "{count} arbetar heltid som samordnare",
            "{count} work full time as coordinator",
            "{count} works full time as coordinator",
        ),
        (
            "org.part_time.coordinators",
            False,
            "{count} arbetar deltid som samordnare",
            "{count} work part time as coordinator",
            "{count} works part time as coordinator",
        ),
    ):
        rows.append(
            _row(
                study,
                finding_id,
                int((coordinator_full_time == wanted).fillna(False).sum()),
                n_coord,
                "coordinators",
                "coordinators",
                sv,
                en,
                post_sources,
                post_basis,
                en_singular=en1,
                unknown=coordinator_unknown,
            )
        )

    rows += _shared_post_shares(study, links, posts)

    answered = coordinators[["coordinator_id"]].merge(
        survey[["coordinator_id", "q4_placement"]], on="coordinator_id", how="left"
    )
    for code in PLACEMENTS:
        label_sv, label_en = _labels(study, "q4_placement", code)
        count, unknown = _coded_count(answered["q4_placement"], code)
        rows.append(
            _row(
                study,
                f"org.placement.{code}",
                count,
                n_coord,
                "coordinators",
                "coordinators",
                f"{{count}} har placeringen ”{label_sv}”",
                f"{{count}} have the placement ‘{label_en}’",
                join_sources(survey["source"]),
                rows_basis(survey, ["q4_placement"], study),
                unknown=unknown,
            )
        )

    rows += _combination_findings(study, coordinators, links, with_coordinator, model_basis, coordinator_sources)

    for code in ROLES:
        if code == "unknown":
            continue
        label_sv, label_en = _labels(study, "role", code)
        article = "an" if label_en[:1] in "aeiou" else "a"
        count, unknown = _coded_count(coordinators["role"], code)
        rows.append(
            _row(
                study,
                f"org.role.{code}",
                count,
                n_coord,
                "coordinators",
                "coordinators",
                f"{{count}} har en {label_sv} roll",
                f"{{count}} have {article} {label_en} role",
                coordinator_sources,
                rows_basis(coordinators, ["role"], study),
                unknown=unknown,
            )
        )

    seats, unknown_seats = _coded_count(coordinators["seat_in_management_group"], "yes")
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
            rows_basis(coordinators, ["seat_in_management_group"], study),
            en_singular="{count} sits in the management group",
            unknown=unknown_seats,
        )
    )

    in_with = municipalities[municipalities["municipality_id"].isin(with_coordinator)]
    functioning_basis = combine_basis(model_basis, rows_basis(in_with, ["coordinator_functioning"], study))
    functioning = in_with["coordinator_functioning"].astype("string")
    unknown_functioning = int((~functioning.isin(["well", "poorly"])).fillna(True).sum())
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
        rows.append(
            _row(
                study,
                f"org.functioning.{code}",
                int((functioning == code).fillna(False).sum()),
                n_with,
                "municipalities",
                "municipalities_with_coordinator",
                sv,
                en,
                join_sources(in_with["source"]),
                functioning_basis,
                en_singular=en1,
                unknown=unknown_functioning,
                allocation=rows_allocation(in_with, ["municipality_id"]),
            )
        )
    return findings_frame(rows)


def _combination_findings(study, coordinators, links, with_coordinator, model_basis, sources) -> list[dict]:
    """``org.combined_with.<code>.municipalities`` and ``.coordinators`` for every code but unknown."""
    rows = []
    n_with, n_coord = len(with_coordinator), len(coordinators)
    codes_of = {}
    for mid in with_coordinator:
        serving = links.loc[links["municipality_id"] == mid, "coordinator_id"]
        codes_of[mid] = list(coordinators.loc[coordinators["coordinator_id"].isin(serving), "combined_with"])
    combined_basis = rows_basis(coordinators, ["combined_with"], study)
    for code in COMBINATIONS:
        if code == "unknown":
            continue
        label_sv, label_en = _labels(study, "combined_with", code)
        if code == "none":
            post_sv, post_en = "inte kombineras med andra uppgifter", "is not combined with other tasks"
        elif code == "other":
            post_sv, post_en = "kombineras med annat arbete", "is combined with other work"
        else:
            post_sv, post_en = "kombineras med " + label_sv, "is combined with " + label_en
        in_code = [m for m, codes in codes_of.items() if code in codes]
        unknown_m = [
            m for m, codes in codes_of.items() if m not in in_code and (not codes or all(map(_is_unknown, codes)))
        ]
        rows.append(
            _row(
                study,
                f"org.combined_with.{code}.municipalities",
                len(in_code),
                n_with,
                "municipalities",
                "municipalities_with_coordinator",
                "{count} har en samordnartjänst som " + post_sv,
                "{count} have a coordinator post that " + post_en,
                sources,
                combine_basis(model_basis, combined_basis, rows_basis(links, ["municipality_id"], study)),
                en_singular="{count} has a coordinator post that " + post_en,
                unknown=len(unknown_m),
                allocation=rows_allocation(links),
            )
        )
        count, unknown = _coded_count(coordinators["combined_with"], code)
        rows.append(
            _row(
                study,
                f"org.combined_with.{code}.coordinators",
                count,
                n_coord,
                "coordinators",
                "coordinators",
                "{count} har en tjänst som " + post_sv,
                "{count} have a post that " + post_en,
                sources,
                combined_basis,
                en_singular="{count} has a post that " + post_en,
                unknown=unknown,
            )
        )
    return rows


def _shared_post_shares(study, links, posts) -> list[dict]:
    """``org.shared_post_share.<municipality_id>``: each municipality's part of a shared post, in percent."""
    from evalkit.present.labels import municipality_label
    from evalkit.present.language import number_word

    shared = set(posts.loc[posts["serves_several"], "coordinator_id"])
    rows = []
    for mid, group in links[links["coordinator_id"].isin(shared)].groupby("municipality_id", sort=True):
        share = group["share_of_post_pct"].sum(min_count=1)
        post = posts.set_index("coordinator_id").loc[sorted(group["coordinator_id"])]
        n_shared = int(post["n_municipalities"].max())
        known = share == share
        amount = {lang: f"{share:g}".replace(".", "," if lang == "sv" else ".") for lang in ("sv", "en")}
        name = {lang: municipality_label(mid, lang) for lang in ("sv", "en")}
        if known:
            sv = f"{name['sv']} har {amount['sv']} procent av en samordnartjänst som delas av {number_word(n_shared, 'sv')} kommuner."
            en = (
                f"{name['en']} has {amount['en']} percent of a coordinator post shared by "
                f"{number_word(n_shared, 'en')} municipalities."
            )
        else:
            sv = f"Hur stor del av den delade samordnartjänsten {name['sv']} har är okänt."
            en = f"The part of the shared coordinator post that {name['en']} has is not known."
        rows.append(
            {
                "finding_id": f"org.shared_post_share.{mid}",
                "chapter": CHAPTER,
                "quality_area": pd.NA,
                "numerator": float(share) if known else None,
                "denominator": None,
                "unknown": 0 if known else 1,
                "unit": "percent",
                "statement_sv": sv,
                "statement_en": en,
                "source": join_sources(group["source"]),
                "basis": rows_basis(group, ["share_of_post_pct"], study),
                "allocation": rows_allocation(group),
            }
        )
    return rows


def _labels(study, vocabulary: str, code: str) -> tuple[str, str]:
    from evalkit.present.labels import vocabulary_label
    from evalkit.present.language import decapitalise

    return (
        decapitalise(vocabulary_label(study, vocabulary, code, "sv")),
        decapitalise(vocabulary_label(study, vocabulary, code, "en")),
    )
