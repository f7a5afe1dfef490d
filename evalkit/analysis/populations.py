"""Indicator populations, municipality groups and provenance helpers.

Every indicator in the codebook is assessed over a *population*, which fixes
both the subjects of the assessment rows and the denominator of the finding:

=================================  ==================================  ==============
population                         members                             unit
=================================  ==================================  ==============
all_municipalities                 every municipality                  municipalities
municipalities_with_coordinator    model own_coordinator / shared       municipalities
team_municipalities                model team                          municipalities
coordinators                       every coordinator                   coordinators
external_partner_interviews        interviews with external partners   interviews
=================================  ==================================  ==============

The provenance helpers decide whether a finding rests on reconstructed data:
a row counts as reconstructed for a finding only when its ``basis`` is
``reconstructed`` and one of the columns the finding uses is among its
``reconstructed_fields`` (empty = every value column).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

POPULATIONS = (
    "all_municipalities",
    "municipalities_with_coordinator",
    "team_municipalities",
    "coordinators",
    "external_partner_interviews",
)
POPULATION_UNITS = {
    "all_municipalities": "municipalities",
    "municipalities_with_coordinator": "municipalities",
    "team_municipalities": "municipalities",
    "coordinators": "coordinators",
    "external_partner_interviews": "interviews",
}
COORDINATOR_MODELS = ("own_coordinator", "shared_coordinator")
#: Display order of municipality groups.
GROUPS = ("well_functioning", "poorly_functioning", "unknown_functioning", "team_based", "no_coordinator")


def population_unit(population: str) -> str:
    """Unit of count for a population (``municipalities``, ``coordinators`` or ``interviews``)."""
    try:
        return POPULATION_UNITS[population]
    except KeyError:
        raise ValueError(f"unknown population {population!r}") from None


def population_members(study, population: str) -> list[str]:
    """Ids of the members of ``population``, sorted.

    Parameters
    ----------
    study : Study
    population : str
        One of ``POPULATIONS``.

    Returns
    -------
    list of str
    """
    municipalities = study.tables["municipalities"]
    if population == "all_municipalities":
        ids = municipalities["municipality_id"]
    elif population == "municipalities_with_coordinator":
        ids = municipalities.loc[municipalities["model"].isin(COORDINATOR_MODELS), "municipality_id"]
    elif population == "team_municipalities":
        ids = municipalities.loc[municipalities["model"] == "team", "municipality_id"]
    elif population == "coordinators":
        ids = study.tables["coordinators"]["coordinator_id"]
    elif population == "external_partner_interviews":
        interviews = study.tables["interviews"]
        ids = interviews.loc[interviews["respondent_group"] == "external_partner", "interview_id"]
    else:
        raise ValueError(f"unknown population {population!r}")
    return sorted(str(i) for i in ids.dropna().unique())


def population_table(study) -> pd.DataFrame:
    """Every population with its unit, size and members.

    Returns
    -------
    pandas.DataFrame
        Columns ``population, unit, size, members`` (members joined by '|').
    """
    rows = []
    for population in POPULATIONS:
        members = population_members(study, population)
        rows.append(
            {
                "population": population,
                "unit": POPULATION_UNITS[population],
                "size": len(members),
                "members": "|".join(members),
            }
        )
    return pd.DataFrame(rows)


def population_fields(population: str) -> dict[str, tuple[str, ...]]:
    """Table columns that decide membership of ``population`` (for provenance)."""
    if population in ("all_municipalities",):
        return {}
    if population in ("municipalities_with_coordinator", "team_municipalities"):
        return {"municipalities": ("model",)}
    if population == "external_partner_interviews":
        return {"interviews": ("respondent_group",)}
    return {}


def municipality_groups(study) -> pd.Series:
    """Group of every municipality, for comparisons.

    ``team_based`` (model team), ``no_coordinator`` (model none), and for
    municipalities with a coordinator ``well_functioning`` or
    ``poorly_functioning`` after ``coordinator_functioning`` (a coordinator
    municipality whose functioning is unknown or not applicable gets
    ``unknown_functioning``).

    Returns
    -------
    pandas.Series
        Index ``municipality_id`` (sorted), name ``group``, string dtype.
    """
    table = study.tables["municipalities"].sort_values("municipality_id")
    groups = []
    for model, functioning in zip(table["model"], table["coordinator_functioning"]):
        if model == "team":
            groups.append("team_based")
        elif model in COORDINATOR_MODELS:
            groups.append(
                {"well": "well_functioning", "poorly": "poorly_functioning"}.get(functioning, "unknown_functioning")
            )
        else:
            groups.append("no_coordinator")
    return pd.Series(
        groups,
        index=pd.Index(table["municipality_id"].astype(str), name="municipality_id"),
        name="group",
        dtype="string",
    )


def coordinator_links(study) -> pd.DataFrame:
    """The coordinator-municipality links, sorted, with a plain float share column."""
    links = study.tables["coordinator_municipalities"].copy()
    links["share_of_post_pct"] = links["share_of_post_pct"].astype("float64")
    return links.sort_values(["coordinator_id", "municipality_id"]).reset_index(drop=True)


def _linked_ids(study, table: str, key: str, other: str) -> dict[str, list[str]]:
    """``{id in table.key: [linked ids in column other]}`` from the link table; every id present."""
    links = coordinator_links(study)
    out = {str(i): [] for i in sorted(study.tables[table][key].dropna())}
    for own, linked in zip(links[key], links[other]):
        out.setdefault(str(own), []).append(str(linked))
    return out


def municipalities_of_coordinator(study) -> dict[str, list[str]]:
    """``{coordinator_id: [municipality ids served]}`` from the link table (sorted)."""
    return _linked_ids(study, "coordinators", "coordinator_id", "municipality_id")


def coordinators_of_municipality(study) -> dict[str, list[str]]:
    """``{municipality_id: [coordinator ids serving it]}`` (sorted; empty list if none)."""
    return _linked_ids(study, "municipalities", "municipality_id", "coordinator_id")


# Provenance --------------------------------------------------------------------------------


def row_is_reconstructed(basis, reconstructed_fields, fields: Iterable[str] | None = None) -> bool:
    """Whether a row is reconstructed in any of ``fields``.

    Parameters
    ----------
    basis : str
        The row's basis.
    reconstructed_fields : str or NA
        '|'-separated columns; empty/NA means every value column.
    fields : iterable of str, optional
        Columns the caller uses; None means any column.
    """
    if basis != "reconstructed":
        return False
    if (
        fields is None
        or reconstructed_fields is None
        or pd.isna(reconstructed_fields)
        or not str(reconstructed_fields).strip()
    ):
        return True
    listed = {f.strip() for f in str(reconstructed_fields).split("|") if f.strip()}
    return bool(listed & set(fields))


def rows_basis(frame: pd.DataFrame, fields: Iterable[str] | None = None) -> str:
    """``'reconstructed'`` if any row of ``frame`` is reconstructed in ``fields``, else ``'stated'``."""
    if frame is None or frame.empty:
        return "stated"
    fields = tuple(fields) if fields is not None else None
    for basis, listed in zip(frame["basis"], frame["reconstructed_fields"]):
        if row_is_reconstructed(basis, listed, fields):
            return "reconstructed"
    return "stated"


def combine_basis(*bases: str) -> str:
    """``'reconstructed'`` if any of ``bases`` is, else ``'stated'``."""
    return "reconstructed" if "reconstructed" in bases else "stated"


def population_basis(study, population: str) -> str:
    """Basis of the membership of a population (e.g. the ``model`` column)."""
    bases = [rows_basis(study.tables[table], fields) for table, fields in population_fields(population).items()]
    return combine_basis(*bases)


def join_sources(values: Iterable) -> str:
    """Distinct non-empty sources in first-seen order, joined by '; '."""
    seen: list[str] = []
    for value in values:
        if value is None or pd.isna(value):
            continue
        for part in str(value).split("; "):
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
    return "; ".join(seen)


# Findings rows -----------------------------------------------------------------------------

#: Columns of the findings table, in order (the contract in docs/helpers-brief.md).
FINDINGS_COLUMNS = (
    "finding_id",
    "chapter",
    "quality_area",
    "numerator",
    "denominator",
    "unit",
    "statement_sv",
    "statement_en",
    "source",
    "basis",
)


def findings_frame(rows: list[dict]) -> pd.DataFrame:
    """Build a findings frame with the contract's columns and dtypes, sorted by ``finding_id``."""
    rows = sorted(rows, key=lambda r: str(r["finding_id"]))
    data = {}
    for column in FINDINGS_COLUMNS:
        values = [r.get(column) for r in rows]
        if column in ("numerator", "denominator"):
            data[column] = pd.array([None if v is None or pd.isna(v) else float(v) for v in values], dtype="Float64")
        else:
            data[column] = pd.array(
                [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values],
                dtype="string",
            )
    return pd.DataFrame(data, columns=list(FINDINGS_COLUMNS))


def count_statement(
    study,
    numerator,
    unit: str,
    predicate_sv: str,
    predicate_en: str,
    denominator=None,
    population: str | None = None,
    predicate_en_singular: str | None = None,
) -> tuple[str, str]:
    """Generate the Swedish and English sentence of a counted finding.

    Parameters
    ----------
    study : Study
        For the population labels (vocabulary ``population``).
    numerator, denominator : int
        The count and (optionally) its denominator.
    unit : str
        Unit of count.
    predicate_sv, predicate_en : str
        Templates with ``{count}``, e.g. ``"{count} har en samordnare"``.
    population : str, optional
        Population code whose label names the denominator.
    predicate_en_singular : str, optional
        English template used when the numerator is one (verb agreement).

    Returns
    -------
    (str, str)
        ``(statement_sv, statement_en)``.
    """
    from evalkit.present.labels import population_label
    from evalkit.present.language import count_phrase, fill_template, singular_template

    out = []
    for language, template in (("sv", predicate_sv), ("en", predicate_en)):
        if language == "en" and numerator == 1:
            template = predicate_en_singular or singular_template(template)
        label = population_label(study, population, language) if population and denominator is not None else None
        phrase = count_phrase(numerator, unit, language, denominator=denominator, population_label=label)
        out.append(fill_template(template, phrase))
    return out[0], out[1]
