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

import re
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

#: Bases from the strongest to the weakest. A finding takes the weakest basis of its inputs:
#: ``stated`` only when every input is stated in a published source, ``reconstructed`` when any
#: input the finding uses is reconstructed.
BASIS_ORDER = ("stated", "observed", "judgement", "reconstructed")
#: Columns that say *which* municipality, subject or coordinator a value belongs to. A row that
#: lists one of them in ``reconstructed_fields`` has a value as its source gives it, allocated by
#: an assumption (see :func:`rows_allocation`).
ALLOCATION_FIELDS = ("municipality_id", "subject_id", "coordinator_id")


def _listed(reconstructed_fields) -> set[str] | None:
    """The columns named in ``reconstructed_fields``; None when the cell is empty (= every value column)."""
    if reconstructed_fields is None or pd.isna(reconstructed_fields) or not str(reconstructed_fields).strip():
        return None
    return {f.strip() for f in str(reconstructed_fields).split("|") if f.strip()}


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
    listed = _listed(reconstructed_fields)
    if fields is None or listed is None:
        return True
    return bool(listed & set(fields))


def row_basis(basis, reconstructed_fields, fields: Iterable[str] | None = None, fallback: str = "stated") -> str:
    """The basis of the ``fields`` of one row.

    ``reconstructed`` when the row is reconstructed in one of them; a row
    reconstructed only in *other* columns gives these fields as its source
    does (``fallback``: ``stated`` in a published evaluation, ``observed`` in
    fieldwork); otherwise the row's own basis.
    """
    if row_is_reconstructed(basis, reconstructed_fields, fields):
        return "reconstructed"
    if basis not in BASIS_ORDER or basis == "reconstructed":
        return fallback
    return str(basis)


def combine_basis(*bases: str) -> str:
    """The weakest of ``bases`` (order :data:`BASIS_ORDER`); ``stated`` when none is given."""
    known = [b for b in bases if b in BASIS_ORDER]
    return max(known, key=BASIS_ORDER.index) if known else "stated"


def _fallback(study) -> str:
    from evalkit.study.kind import primary_basis

    return primary_basis(study) if study is not None else "stated"


def rows_basis(frame: pd.DataFrame, fields: Iterable[str] | None = None, study=None) -> str:
    """The weakest basis of ``fields`` over the rows of ``frame`` (see :func:`row_basis`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``basis`` and ``reconstructed_fields``.
    fields : iterable of str, optional
        Columns the finding uses; None = any column.
    study : Study, optional
        Decides what an unflagged column of a reconstructed row (and an empty
        frame) counts as: ``stated`` in a published evaluation (the default
        without a study), ``observed`` in fieldwork.
    """
    fallback = _fallback(study)
    if frame is None or frame.empty:
        return fallback
    fields = tuple(fields) if fields is not None else None
    return combine_basis(
        *(row_basis(b, listed, fields, fallback) for b, listed in zip(frame["basis"], frame["reconstructed_fields"]))
    )


def rows_allocation(frame: pd.DataFrame, fields: Iterable[str] = ALLOCATION_FIELDS):
    """``'reconstructed'`` when a row's allocation (e.g. which municipality it belongs to) is reconstructed.

    Only rows whose ``reconstructed_fields`` name one of ``fields``
    explicitly count: their value is as the source gives it, and the
    assumption decides where it belongs. Otherwise ``pd.NA``.
    """
    if frame is None or frame.empty:
        return pd.NA
    wanted = set(fields)
    for basis, listed in zip(frame["basis"], frame["reconstructed_fields"]):
        named = _listed(listed)
        if basis == "reconstructed" and named is not None and named & wanted:
            return "reconstructed"
    return pd.NA


def combine_allocation(*allocations):
    """``'reconstructed'`` if any of ``allocations`` is, else ``pd.NA``."""
    return "reconstructed" if any(a == "reconstructed" for a in allocations if not pd.isna(a)) else pd.NA


def population_basis(study, population: str) -> str:
    """Basis of the membership of a population (e.g. the ``model`` column)."""
    bases = [rows_basis(study.tables[table], fields, study) for table, fields in population_fields(population).items()]
    return combine_basis(*bases) if bases else _fallback(study)


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


_EVIDENCE_ID = re.compile(r"^[A-Za-z]{1,4}[0-9]{1,4}$")


def evidence_ids(values: Iterable) -> list[str]:
    """Distinct ids (``I05``, ``D02``, …) named in evidence cells, sorted; free text is left out."""
    found = set()
    for value in values:
        if value is None or pd.isna(value):
            continue
        for part in re.split(r"[,;\s]+", str(value)):
            part = part.strip("().")
            if _EVIDENCE_ID.match(part):
                found.add(part)
    return sorted(found, key=lambda i: (i.rstrip("0123456789"), int(re.sub(r"^[A-Za-z]+", "", i))))


def rows_sources(frame: pd.DataFrame, evidence_column: str | None = "evidence") -> str:
    """The rows' sources, followed by the ids their evidence names: ``'Kodning av intervjuer (I05, I12)'``."""
    sources = join_sources(frame["source"]) if "source" in frame else ""
    ids = evidence_ids(frame[evidence_column]) if evidence_column and evidence_column in frame else []
    if not ids:
        return sources
    listed = ", ".join(ids)
    return f"{sources} ({listed})" if sources else listed


# Findings rows -----------------------------------------------------------------------------

#: Columns of the findings table, in order (the contract in docs/architecture.md).
FINDINGS_COLUMNS = (
    "finding_id",
    "chapter",
    "quality_area",
    "numerator",
    "denominator",
    "unknown",
    "unit",
    "statement_sv",
    "statement_en",
    "source",
    "basis",
    "allocation",
)


def findings_frame(rows: list[dict]) -> pd.DataFrame:
    """Build a findings frame with the contract's columns and dtypes, sorted by ``finding_id``.

    ``unknown`` (members of the denominator whose value is not known) defaults
    to 0, ``allocation`` to empty.
    """
    rows = sorted(rows, key=lambda r: str(r["finding_id"]))
    data = {}
    for column in FINDINGS_COLUMNS:
        values = [r.get(column) for r in rows]
        if column in ("numerator", "denominator"):
            data[column] = pd.array([None if v is None or pd.isna(v) else float(v) for v in values], dtype="Float64")
        elif column == "unknown":
            data[column] = pd.array([0 if v is None or pd.isna(v) else int(v) for v in values], dtype="Int64")
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
    unknown: int = 0,
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
    unknown : int
        Members of the denominator whose value is not known. They are never
        counted as *no*: the sentence says for how many the value is not known
        (*"…; okänt för tre"*), and a count whose every value is unknown says
        that it is not known.

    Returns
    -------
    (str, str)
        ``(statement_sv, statement_en)``.
    """
    from evalkit.present.labels import population_label
    from evalkit.present.language import count_sentence

    out = []
    for language, template in (("sv", predicate_sv), ("en", predicate_en)):
        label = population_label(study, population, language) if population and denominator is not None else None
        out.append(
            count_sentence(
                template,
                numerator,
                unit,
                language,
                denominator=denominator,
                population_label=label,
                unknown=unknown,
                en_singular=predicate_en_singular if language == "en" else None,
            )
        )
    return out[0], out[1]
