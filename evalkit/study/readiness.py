"""Readiness: what each chapter of the report can show for a study, and what it lacks.

A valid study is not necessarily a complete one: an untouched ``evalkit new``
scaffold is valid and holds no rows at all, and a county without team-based
municipalities has nothing to compare them with. Rather than print empty tables
and NaN, every chapter is divided into **parts** (one per analysis the chapter
shows), and each part says what it needs. :func:`readiness_table` checks every
part of every chapter and returns one row per part with its status:

``ready``
    The part has what it needs.
``partial``
    The part runs, but some of what it shows has nothing known behind it (a
    whole row or column of its output); the shortfall is named with counts.
``cannot_run``
    The part has nothing to show; the page shows a "not enough data" box
    instead, and ``evalkit run`` refuses the study unless ``--allow-incomplete``.

Inside a chapter notebook, analysis code that cannot run raises
:class:`NotEnoughData` with the reason in Swedish and English; the notebook
session catches it and shows the box (see :meth:`evalkit.notebook.ChapterSession.part`).

Everything here is a pure function of a :class:`~evalkit.study.Study`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

READY = "ready"
PARTIAL = "partial"
CANNOT_RUN = "cannot_run"
STATUSES = (READY, PARTIAL, CANNOT_RUN)
STATUS_LABELS = {
    READY: {"sv": "klar", "en": "ready"},
    PARTIAL: {"sv": "delvis", "en": "partial"},
    CANNOT_RUN: {"sv": "kan inte köras", "en": "cannot run"},
}

#: Fewest complete cases (every condition and the outcome known) a QCA part needs. With fewer,
#: any single difference between the cases "explains" the outcome and minimisation says nothing.
MIN_QCA_CASES = 4
#: Yearly values outside the start year a level-change model needs: three coefficients and at
#: least one degree of freedom for the standard errors.
MIN_LEVEL_CHANGE_YEARS = 4
#: Years before the start a pre-start trend needs.
MIN_PRE_START_YEARS = 2

COORDINATOR_MODELS = ("own_coordinator", "shared_coordinator")
RESPONDENT_GROUPS = {
    "coordinator": ("samordnare", "coordinators"),
    "municipal_manager": ("chefer i kommunerna", "municipal managers"),
    "municipal_staff": ("medarbetare i kommunerna", "municipal staff"),
    "external_partner": ("externa samverkansparter", "external partners"),
}
KNOWN_VALUES = ("yes", "partly", "no")
LISTED_IDS = 5


class NotEnoughData(Exception):
    """An analysis cannot run on this study; the reason is given in Swedish and English.

    Parameters
    ----------
    reason_sv, reason_en : str
        What is missing, naming the table and the counts, e.g.
        ``"municipalities.csv: no municipality has model 'team' (0 of 7)"``.
    part : str, optional
        The readiness part (``"team_comparison"``) the reason belongs to.
    """

    def __init__(self, reason_sv: str, reason_en: str, part: str | None = None):
        super().__init__(reason_en)
        self.reason_sv = reason_sv
        self.reason_en = reason_en
        self.part = part

    def reason(self, language: str) -> str:
        """The reason in ``language`` (``"sv"`` or ``"en"``)."""
        return self.reason_sv if language == "sv" else self.reason_en


@dataclass(frozen=True)
class Shortfall:
    """One thing a part lacks.

    Attributes
    ----------
    severity : str
        ``partial`` or ``cannot_run``.
    table : str
        The file to add data to (``"case_statistics.csv"``).
    sv, en : str
        What is missing, with counts, in Swedish and English.
    """

    severity: str
    table: str
    sv: str
    en: str

    def text(self, language: str) -> str:
        return self.sv if language == "sv" else self.en


@dataclass(frozen=True)
class Part:
    """One analysis of a chapter and what it needs.

    Attributes
    ----------
    chapter : str
        Chapter id (``"03_comparison"``).
    part : str
        Part id, unique within the study (``"team_comparison"``); the notebook names it.
    title_sv, title_en : str
        What the part shows.
    check : callable
        ``study -> list[Shortfall]``; empty when the part is ready.
    """

    chapter: str
    part: str
    title_sv: str
    title_en: str
    check: Callable

    def title(self, language: str) -> str:
        return self.title_sv if language == "sv" else self.title_en


@dataclass(frozen=True)
class PartReadiness:
    """The readiness of one part of one study (see :func:`part_readiness`)."""

    part: Part
    shortfalls: tuple

    @property
    def status(self) -> str:
        severities = {s.severity for s in self.shortfalls}
        return CANNOT_RUN if CANNOT_RUN in severities else (PARTIAL if PARTIAL in severities else READY)

    def reasons(self, language: str, severity: str | None = None) -> list[str]:
        """The shortfalls' texts in ``language`` (optionally of one severity only)."""
        return [f"{s.table}: {s.text(language)}" for s in self.shortfalls if severity is None or s.severity == severity]

    def error(self) -> NotEnoughData:
        """A :class:`NotEnoughData` carrying every cannot-run reason of the part."""
        return NotEnoughData(
            "; ".join(self.reasons("sv", CANNOT_RUN)), "; ".join(self.reasons("en", CANNOT_RUN)), self.part.part
        )


# --------------------------------------------------------------------------- small helpers


def _ids(values) -> list[str]:
    return sorted(str(v) for v in pd.Series(values).dropna().unique())


def _listed(ids: list[str]) -> str:
    """``"A, B, C"``, or the first few and ``"…"`` for long lists."""
    shown = ", ".join(ids[:LISTED_IDS])
    return shown + (", …" if len(ids) > LISTED_IDS else "")


def _names(study, kind: str, ids: list[str], language: str) -> str:
    """The first few of ``ids`` as a reader knows them (labels, pseudonymous municipalities)."""
    from evalkit.present import labels

    def name(item):
        if kind == "municipality":
            return labels.municipality_label(item, language, study)
        if kind == "coordinator":
            return labels.coordinator_label(item, language)
        if kind == "indicator":
            return labels.indicator_label(study, item, language)
        if kind == "quality_area":
            return labels.quality_area_label(study, item, language)
        municipality, measure = item  # a case series
        return f"{labels.municipality_label(municipality, language, study)}: {labels.measure_label(study, measure, language)}"

    return _listed([name(item) for item in ids])


def _cannot(table: str, sv: str, en: str) -> Shortfall:
    return Shortfall(CANNOT_RUN, table, sv, en)


def _partial(table: str, sv: str, en: str) -> Shortfall:
    return Shortfall(PARTIAL, table, sv, en)


def _municipalities(study, models: tuple[str, ...] | None = None) -> list[str]:
    table = study.tables["municipalities"]
    if models is not None:
        table = table[table["model"].isin(models)]
    return _ids(table["municipality_id"])


def _coordinators(study) -> list[str]:
    return _ids(study.tables["coordinators"]["coordinator_id"])


def _need_municipalities(study) -> list[Shortfall]:
    if _municipalities(study):
        return []
    return [_cannot("municipalities.csv", "inga kommuner (0 rader)", "no municipalities (0 rows)")]


def _need_coordinator_municipalities(study) -> list[Shortfall]:
    total = len(_municipalities(study))
    if not total:
        return _need_municipalities(study)
    if _municipalities(study, COORDINATOR_MODELS):
        return []
    return [
        _cannot(
            "municipalities.csv",
            f"ingen kommun har en samordnare (modell own_coordinator eller shared_coordinator: 0 av {total})",
            f"no municipality has a coordinator (model own_coordinator or shared_coordinator: 0 of {total})",
        )
    ]


def _need_coordinators(study) -> list[Shortfall]:
    if _coordinators(study):
        return []
    return [_cannot("coordinators.csv", "inga samordnare (0 rader)", "no coordinators (0 rows)")]


# --------------------------------------------------------------------------- 00 study


def check_municipalities(study) -> list[Shortfall]:
    """The municipalities table: at least one municipality."""
    return _need_municipalities(study)


def check_interviews(study) -> list[Shortfall]:
    """Interviews: at least one; partial when one of the four respondent groups has none."""
    interviews = study.tables["interviews"]
    if interviews.empty:
        return [_cannot("interviews.csv", "inga intervjuer (0 rader)", "no interviews (0 rows)")]
    present = set(interviews["respondent_group"].dropna())
    return [
        _partial(
            "interviews.csv",
            f"inga intervjuer med {sv} (0 av {len(interviews)} intervjuer)",
            f"no interviews with {en} (0 of {len(interviews)} interviews)",
        )
        for group, (sv, en) in RESPONDENT_GROUPS.items()
        if group not in present
    ]


def check_survey(study) -> list[Shortfall]:
    """The coordinator survey: answers from at least one coordinator; partial when some did not answer."""
    coordinators = _coordinators(study)
    if not coordinators:
        return _need_coordinators(study)
    answered = set(_ids(study.tables["survey_responses"]["coordinator_id"])) & set(coordinators)
    missing = [c for c in coordinators if c not in answered]
    if not answered:
        return [
            _cannot(
                "survey_responses.csv",
                f"enkätsvar från 0 av {len(coordinators)} samordnare",
                f"survey answers from 0 of {len(coordinators)} coordinators",
            )
        ]
    if missing:
        return [
            _partial(
                "survey_responses.csv",
                f"enkätsvar från {len(answered)} av {len(coordinators)} samordnare "
                f"(saknas: {_names(study, 'coordinator', missing, 'sv')})",
                f"survey answers from {len(answered)} of {len(coordinators)} coordinators "
                f"(missing: {_names(study, 'coordinator', missing, 'en')})",
            )
        ]
    return []


def check_documents(study) -> list[Shortfall]:
    """Documents: at least one."""
    if len(study.tables["documents"]):
        return []
    return [_cannot("documents.csv", "inga dokument (0 rader)", "no documents (0 rows)")]


def check_provenance(study) -> list[Shortfall]:
    """How each value is backed (and which findings rest on reconstructions): some row in some table."""
    from evalkit.study.model import DATA_TABLES

    counted = [name for name in DATA_TABLES if name != "published_claims" and name in study.tables]
    if any(len(study.tables[name]) for name in counted):
        return []
    return [
        _cannot(
            "municipalities.csv",
            f"inga rader i någon av studiens {len(counted)} tabeller",
            f"no rows in any of the study's {len(counted)} tables",
        )
    ]


# --------------------------------------------------------------------------- 01 organisation


def check_posts(study) -> list[Shortfall]:
    """Posts: at least one coordinator linked to a municipality."""
    shortfalls = _need_coordinators(study)
    if shortfalls:
        return shortfalls
    links = study.tables["coordinator_municipalities"]
    if links.empty:
        return [
            _cannot(
                "coordinator_municipalities.csv",
                "ingen samordnare är kopplad till en kommun (0 rader)",
                "no coordinator is linked to a municipality (0 rows)",
            )
        ]
    return []


Q3_COLUMNS = ("q3_strategic_pct", "q3_individual_pct", "q3_direct_client_pct", "q3_other_pct")


def check_time_split(study) -> list[Shortfall]:
    """Survey Q3: a full time split from at least one coordinator; partial when some lack one."""
    coordinators = _coordinators(study)
    if not coordinators:
        return _need_coordinators(study)
    survey = study.tables["survey_responses"]
    complete = survey[survey[list(Q3_COLUMNS)].notna().all(axis=1)]
    with_split = set(_ids(complete["coordinator_id"])) & set(coordinators)
    missing = [c for c in coordinators if c not in with_split]
    if not with_split:
        return [
            _cannot(
                "survey_responses.csv",
                f"tidsfördelning (fråga 3) från 0 av {len(coordinators)} samordnare",
                f"a time split (question 3) from 0 of {len(coordinators)} coordinators",
            )
        ]
    if missing:
        return [
            _partial(
                "survey_responses.csv",
                f"tidsfördelning (fråga 3) från {len(with_split)} av {len(coordinators)} samordnare "
                f"(saknas: {_names(study, 'coordinator', missing, 'sv')})",
                f"a time split (question 3) from {len(with_split)} of {len(coordinators)} coordinators "
                f"(missing: {_names(study, 'coordinator', missing, 'en')})",
            )
        ]
    return []


ORGANISATION_FEATURES = (
    # (table, column, sv, en)
    ("coordinators", "role", "roll", "role"),
    ("coordinators", "combined_with", "vad tjänsten kombineras med", "what the post is combined with"),
    ("coordinators", "seat_in_management_group", "plats i chefsgruppen", "seat in the management group"),
    ("survey_responses", "q4_placement", "placering (fråga 4)", "placement (question 4)"),
)


def check_organisation_features(study) -> list[Shortfall]:
    """Placement, combination, role, seat and expert teams: partial for a feature known for no coordinator."""
    coordinators = _coordinators(study)
    if not coordinators:
        return _need_coordinators(study)
    shortfalls = []
    for table, column, sv, en in ORGANISATION_FEATURES:
        frame = study.tables[table]
        frame = frame[frame["coordinator_id"].isin(coordinators)]
        known = frame[frame[column].notna() & (frame[column] != "unknown")]
        if known.empty:
            shortfalls.append(
                _partial(
                    f"{table}.csv",
                    f"{sv} är okänd för alla {len(coordinators)} samordnare",
                    f"{en} is unknown for all {len(coordinators)} coordinators",
                )
            )
    with_coordinator = _municipalities(study, COORDINATOR_MODELS)
    conditions = study.tables["conditions"]
    known_team = conditions[
        (conditions["condition_id"] == "expert_team")
        & conditions["municipality_id"].isin(with_coordinator)
        & conditions["value"].isin(KNOWN_VALUES)
    ]
    if with_coordinator and known_team.empty:
        shortfalls.append(
            _partial(
                "conditions.csv",
                f"villkoret expert_team är okänt för alla {len(with_coordinator)} kommuner med samordnare",
                f"the condition expert_team is unknown for all {len(with_coordinator)} municipalities "
                "with a coordinator",
            )
        )
    return shortfalls


# --------------------------------------------------------------------------- 02 quality areas and 03 comparison


def _indicator_values(study, chapter: str) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The chapter's indicators and, per indicator, the subjects of its population with a known value."""
    from evalkit.analysis.populations import population_members

    indicators = study.codebook["indicators"]
    indicators = indicators[indicators["chapter"] == chapter]
    assessments = study.tables["assessments"]
    known = assessments[assessments["value"].isin(KNOWN_VALUES)]
    by_indicator = {}
    for indicator_id, population in zip(indicators["indicator_id"], indicators["population"]):
        members = set(population_members(study, population))
        own = known[(known["indicator_id"] == indicator_id) & known["subject_id"].isin(members)]
        by_indicator[str(indicator_id)] = _ids(own["subject_id"])
    return indicators, by_indicator


def _unassessed(study, chapter: str) -> list[tuple[str, str]]:
    """(indicator, subject) pairs of the chapter's populations that have no row in ``assessments`` yet."""
    from evalkit.analysis.populations import population_members

    indicators = study.codebook["indicators"]
    indicators = indicators[indicators["chapter"] == chapter]
    assessments = study.tables["assessments"]
    missing = []
    for indicator_id, population in zip(indicators["indicator_id"], indicators["population"]):
        assessed = set(assessments.loc[assessments["indicator_id"] == indicator_id, "subject_id"].astype(str))
        missing += [(str(indicator_id), s) for s in population_members(study, population) if s not in assessed]
    return missing


def _need_assessment_rows(study, chapter: str) -> list[Shortfall]:
    """Partial when members of an indicator's population have no row yet: they count as unknown until assessed."""
    from evalkit.analysis.populations import population_members

    missing = _unassessed(study, chapter)
    if not missing:
        return []
    total = sum(
        len(population_members(study, population))
        for population in study.codebook["indicators"].loc[
            study.codebook["indicators"]["chapter"] == chapter, "population"
        ]
    )
    shown = ", ".join(f"{indicator} × {subject}" for indicator, subject in missing[:LISTED_IDS])
    shown += " …" if len(missing) > LISTED_IDS else ""
    return [
        _partial(
            "assessments.csv",
            f"{len(missing)} av {total} kombinationer av indikator och subjekt saknar rad och räknas som okända "
            f"tills de bedöms ({shown})",
            f"{len(missing)} of {total} indicator × subject pairs have no row yet and count as unknown until "
            f"assessed ({shown})",
        )
    ]


def check_quality_areas(study) -> list[Shortfall]:
    """Quality areas: a known value for some indicator; partial for indicators or areas with none."""
    indicators, known = _indicator_values(study, "quality_areas")
    if indicators.empty:
        return [
            _cannot(
                "codebook/indicators.csv",
                "inga indikatorer för kapitlet om kvalitetsområden",
                "no indicators for the quality-area chapter",
            )
        ]
    empty = [i for i, subjects in known.items() if not subjects]
    if len(empty) == len(known):
        assessed = len(study.tables["assessments"])
        return [
            _cannot(
                "assessments.csv",
                f"inget känt värde (ja, delvis, nej) för någon av {len(known)} indikatorer ({assessed} rader)",
                f"no known value (yes, partly, no) for any of {len(known)} indicators ({assessed} rows)",
            )
        ]
    shortfalls = _need_assessment_rows(study, "quality_areas")
    if empty:
        shortfalls.append(
            _partial(
                "assessments.csv",
                f"{len(empty)} av {len(known)} indikatorer har inget känt värde ({_names(study, 'indicator', empty, 'sv')})",
                f"{len(empty)} of {len(known)} indicators have no known value ({_names(study, 'indicator', empty, 'en')})",
            )
        )
    areas = _ids(study.codebook["quality_areas"]["quality_area_id"])
    area_of = dict(zip(indicators["indicator_id"].astype(str), indicators["quality_area_id"].astype(str)))
    empty_areas = [a for a in areas if not any(known[i] for i in known if area_of.get(i) == a)]
    if empty_areas:
        shortfalls.append(
            _partial(
                "assessments.csv",
                f"{len(empty_areas)} av {len(areas)} kvalitetsområden har inget känt värde "
                f"({_names(study, 'quality_area', empty_areas, 'sv')})",
                f"{len(empty_areas)} of {len(areas)} quality areas have no known value "
                f"({_names(study, 'quality_area', empty_areas, 'en')})",
            )
        )
    return shortfalls


def check_team_comparison(study) -> list[Shortfall]:
    """Team against coordinator: a team municipality, a coordinator municipality, known comparison values."""
    total = len(_municipalities(study))
    team = _municipalities(study, ("team",))
    shortfalls = _need_coordinator_municipalities(study)
    if total and not team:
        shortfalls.append(
            _cannot(
                "municipalities.csv",
                f"ingen kommun har modellen team (familjefridsteam): 0 av {total}",
                f"no municipality has model team (a family-violence team): 0 of {total}",
            )
        )
    if shortfalls:
        return shortfalls
    indicators, _ = _indicator_values(study, "comparison")
    assessments = study.tables["assessments"]
    known = assessments[
        assessments["indicator_id"].isin(indicators["indicator_id"])
        & assessments["subject_id"].isin(team)
        & assessments["value"].isin(KNOWN_VALUES)
    ]
    municipal = indicators[indicators["population"].isin(["all_municipalities", "team_municipalities"])]
    if known.empty:
        return [
            _cannot(
                "assessments.csv",
                f"inget känt värde för jämförelseindikatorerna i de {len(team)} teamkommunerna "
                f"({len(municipal)} indikatorer)",
                f"no known value of the comparison indicators for the {len(team)} team municipalities "
                f"({len(municipal)} indicators)",
            )
        ]
    empty = [str(i) for i in municipal["indicator_id"] if i not in set(known["indicator_id"])]
    rows_missing = _need_assessment_rows(study, "comparison")
    if empty:
        return rows_missing + [
            _partial(
                "assessments.csv",
                f"{len(empty)} av {len(municipal)} jämförelseindikatorer har inget känt värde i teamkommunerna "
                f"({_names(study, 'indicator', empty, 'sv')})",
                f"{len(empty)} of {len(municipal)} comparison indicators have no known value in the team "
                f"municipalities ({_names(study, 'indicator', empty, 'en')})",
            )
        ]
    return rows_missing


def series_overview(study) -> pd.DataFrame:
    """Every case-statistics series (municipality x measure) and how much of it an analysis can use.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, measure, start_year (Int64, NA when unknown or no coordinator),
        n_values (years with a value), n_before, n_after`` (years with a value strictly before /
        after the start year), sorted by municipality and measure.
    """
    from evalkit.analysis.case_statistics import coordinator_start

    stats = study.tables["case_statistics"]
    stats = stats[stats["value"].notna()]
    starts = coordinator_start(study).set_index("municipality_id")["start_year"]
    rows = []
    for (municipality, measure), group in stats.groupby(["municipality_id", "measure"], sort=True):
        start = starts.get(municipality, pd.NA)
        years = group["year"].astype(int)
        known_start = not pd.isna(start)
        rows.append(
            {
                "municipality_id": str(municipality),
                "measure": str(measure),
                "start_year": start,
                "n_values": int(len(years)),
                "n_before": int((years < start).sum()) if known_start else 0,
                "n_after": int((years > start).sum()) if known_start else 0,
            }
        )
    frame = pd.DataFrame(rows, columns=["municipality_id", "measure", "start_year", "n_values", "n_before", "n_after"])
    frame["start_year"] = frame["start_year"].astype("Int64")
    return frame


def _usable_series(study) -> tuple[pd.DataFrame, pd.DataFrame]:
    series = series_overview(study)
    usable = series[(series["n_before"] >= 1) & (series["n_after"] >= 1)]
    return series, usable


def _series(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["municipality_id"], frame["measure"]))


def check_case_statistics(study) -> list[Shortfall]:
    """Before/after: a series with a value before and after a coordinator's start (start year excluded)."""
    series, usable = _usable_series(study)
    if series.empty:
        return [
            _cannot(
                "case_statistics.csv",
                "inga ärendevärden (0 rader med värde)",
                "no case counts (0 rows with a value)",
            )
        ]
    with_start = series[series["start_year"].notna()]
    if with_start.empty:
        return [
            _cannot(
                "coordinator_municipalities.csv",
                f"ingen av de {series['municipality_id'].nunique()} kommunerna med ärendestatistik har ett känt "
                "startdatum för sin samordnare (start_date)",
                f"none of the {series['municipality_id'].nunique()} municipalities with case statistics has a "
                "known start date for its coordinator (start_date)",
            )
        ]
    if usable.empty:
        return [
            _cannot(
                "case_statistics.csv",
                f"ingen av {len(with_start)} serier har ett år både före och efter samordnarens start "
                "(startåret räknas inte)",
                f"none of {len(with_start)} series has a year both before and after the coordinator's start "
                "(the start year does not count)",
            )
        ]
    unusable = series[~series.index.isin(usable.index)]
    if len(unusable):
        names = _series(unusable)
        return [
            _partial(
                "case_statistics.csv",
                f"{len(unusable)} av {len(series)} serier saknar start eller år på ena sidan "
                f"({_names(study, 'series', names, 'sv')})",
                f"{len(unusable)} of {len(series)} series lack a start or years on one side "
                f"({_names(study, 'series', names, 'en')})",
            )
        ]
    return []


def _series_needing(study, enough: Callable, need_sv: str, need_en: str) -> list[Shortfall]:
    blocked = check_case_statistics(study)
    if any(s.severity == CANNOT_RUN for s in blocked):
        return [s for s in blocked if s.severity == CANNOT_RUN]
    _, usable = _usable_series(study)
    good = usable[usable.apply(enough, axis=1)]
    short = usable[~usable.index.isin(good.index)]
    if good.empty:
        return [
            _cannot(
                "case_statistics.csv",
                f"ingen av {len(usable)} serier har {need_sv}",
                f"none of {len(usable)} series has {need_en}",
            )
        ]
    if len(short):
        names = _series(short)
        return [
            _partial(
                "case_statistics.csv",
                f"{len(short)} av {len(usable)} serier har inte {need_sv} ({_names(study, 'series', names, 'sv')})",
                f"{len(short)} of {len(usable)} series do not have {need_en} ({_names(study, 'series', names, 'en')})",
            )
        ]
    return []


def check_pre_existing_trend(study) -> list[Shortfall]:
    """Pre-start trend: a series with at least :data:`MIN_PRE_START_YEARS` years before the start."""
    return _series_needing(
        study,
        lambda row: row["n_before"] >= MIN_PRE_START_YEARS,
        f"minst {MIN_PRE_START_YEARS} år före starten",
        f"at least {MIN_PRE_START_YEARS} years before the start",
    )


def check_level_change_model(study) -> list[Shortfall]:
    """Level-change model: a series with at least :data:`MIN_LEVEL_CHANGE_YEARS` years outside the start year."""
    return _series_needing(
        study,
        lambda row: row["n_before"] + row["n_after"] >= MIN_LEVEL_CHANGE_YEARS,
        f"minst {MIN_LEVEL_CHANGE_YEARS} år utanför startåret",
        f"at least {MIN_LEVEL_CHANGE_YEARS} years outside the start year",
    )


# --------------------------------------------------------------------------- 04 success factors


def _conditions_of_kind(study, kind: str | None) -> list[str]:
    codebook = study.codebook["conditions"]
    if kind is not None:
        codebook = codebook[codebook["kind"] == kind]
    return [str(c) for c in codebook["condition_id"]]


def qca_cases(study, kind: str | None) -> pd.DataFrame:
    """Which municipalities with a coordinator a QCA of ``kind`` conditions can use.

    Returns
    -------
    pandas.DataFrame
        Index ``municipality_id``; columns ``outcome`` (``well``, ``poorly`` or NA when unknown),
        ``unknown_conditions`` (number of conditions of ``kind`` without a yes/partly/no value)
        and ``complete`` (outcome and every condition known).
    """
    municipalities = study.tables["municipalities"]
    with_coordinator = municipalities[municipalities["model"].isin(COORDINATOR_MODELS)]
    conditions = _conditions_of_kind(study, kind)
    values = study.tables["conditions"]
    known = values[values["value"].isin(KNOWN_VALUES) & values["condition_id"].isin(conditions)]
    known_count = known.groupby("municipality_id")["condition_id"].nunique()
    rows = []
    for municipality, functioning in zip(
        with_coordinator["municipality_id"], with_coordinator["coordinator_functioning"]
    ):
        outcome = functioning if functioning in ("well", "poorly") else pd.NA
        unknown = len(conditions) - int(known_count.get(municipality, 0))
        rows.append(
            {
                "municipality_id": str(municipality),
                "outcome": outcome,
                "unknown_conditions": unknown,
                "complete": not pd.isna(outcome) and unknown == 0,
            }
        )
    frame = pd.DataFrame(rows, columns=["municipality_id", "outcome", "unknown_conditions", "complete"])
    return frame.sort_values("municipality_id").set_index("municipality_id")


def check_condition_table(study) -> list[Shortfall]:
    """The condition table: municipalities with a coordinator and some known condition value."""
    shortfalls = _need_coordinator_municipalities(study)
    if shortfalls:
        return shortfalls
    cases = qca_cases(study, None)
    conditions = _conditions_of_kind(study, None)
    if not conditions:
        return [_cannot("codebook/conditions.csv", "inga villkor i kodboken", "no conditions in the codebook")]
    if (cases["unknown_conditions"] == len(conditions)).all():
        return [
            _cannot(
                "conditions.csv",
                f"inget känt villkorsvärde för de {len(cases)} kommunerna med samordnare",
                f"no known condition value for the {len(cases)} municipalities with a coordinator",
            )
        ]
    return []


def _check_qca(study, kind: str, kind_sv: str, kind_en: str) -> list[Shortfall]:
    shortfalls = _need_coordinator_municipalities(study)
    if shortfalls:
        return shortfalls
    if not _conditions_of_kind(study, kind):
        return [_cannot("codebook/conditions.csv", f"inga {kind_sv} i kodboken", f"no {kind_en} in the codebook")]
    cases = qca_cases(study, kind)
    complete = cases[cases["complete"]]
    outcomes = set(complete["outcome"])
    incomplete = [str(m) for m in cases.index[~cases["complete"]]]
    no_outcome = int(cases["outcome"].isna().sum())
    detail_sv = f"{len(incomplete)} utelämnas för okända värden" if incomplete else "ingen utelämnas"
    detail_en = f"{len(incomplete)} left out for unknown values" if incomplete else "none left out"
    if no_outcome:
        detail_sv += f"; utfallet (coordinator_functioning) okänt för {no_outcome}"
        detail_en += f"; outcome (coordinator_functioning) unknown for {no_outcome}"
    if len(complete) < MIN_QCA_CASES or outcomes != {"well", "poorly"}:
        return [
            _cannot(
                "conditions.csv" if len(complete) < MIN_QCA_CASES else "municipalities.csv",
                f"{len(complete)} av {len(cases)} kommuner med samordnare har alla {kind_sv} och utfallet kända "
                f"({detail_sv}); analysen behöver minst {MIN_QCA_CASES}, med båda utfallen (fungerar väl och "
                f"dåligt: {_outcome_counts(complete, 'sv')})",
                f"{len(complete)} of {len(cases)} municipalities with a coordinator have all {kind_en} "
                f"and the outcome known ({detail_en}); the analysis needs at least {MIN_QCA_CASES}, with both "
                f"outcomes (works well and poorly: {_outcome_counts(complete, 'en')})",
            )
        ]
    if incomplete:
        return [
            _partial(
                "conditions.csv",
                f"{len(incomplete)} av {len(cases)} kommuner utelämnas för okända värden "
                f"({_names(study, 'municipality', incomplete, 'sv')})",
                f"{len(incomplete)} of {len(cases)} municipalities left out for unknown values "
                f"({_names(study, 'municipality', incomplete, 'en')})",
            )
        ]
    return []


def _outcome_counts(complete: pd.DataFrame, language: str) -> str:
    well = int((complete["outcome"] == "well").sum())
    poorly = int((complete["outcome"] == "poorly").sum())
    return f"{well} väl, {poorly} dåligt" if language == "sv" else f"{well} well, {poorly} poorly"


def check_success_factor_qca(study) -> list[Shortfall]:
    """QCA of the success factors: enough complete cases with both outcomes."""
    return _check_qca(study, "success_factor", "framgångsfaktorer", "success factors")


def check_failure_qca(study) -> list[Shortfall]:
    """QCA of the explanations of failure: enough complete cases with both outcomes."""
    return _check_qca(study, "failure_explanation", "förklaringar till svårigheter", "explanations of failure")


# --------------------------------------------------------------------------- the parts of every chapter

PARTS: tuple[Part, ...] = (
    Part("00_study", "municipalities", "Kommunerna", "The municipalities", check_municipalities),
    Part("00_study", "interviews", "Intervjuerna", "The interviews", check_interviews),
    Part("00_study", "survey", "Enkäten", "The survey", check_survey),
    Part("00_study", "documents", "Dokumenten", "The documents", check_documents),
    Part(
        "00_study",
        "provenance",
        "Hur uppgifterna är belagda",
        "How each value is backed",
        check_provenance,
    ),
    Part(
        "00_study",
        "robustness",
        "Vilka resultat som vilar på rekonstruktionen",
        "Which findings rest on the reconstruction",
        check_provenance,
    ),
    Part("01_organisation", "posts", "Tjänsterna", "The posts", check_posts),
    Part("01_organisation", "time_split", "Tidsfördelningen", "The time split", check_time_split),
    Part(
        "01_organisation",
        "organisation_features",
        "Placering, kombination, roll och mandat",
        "Placement, combination, role and mandate",
        check_organisation_features,
    ),
    Part("02_quality_areas", "quality_areas", "Kvalitetsområdena", "The quality areas", check_quality_areas),
    Part(
        "03_comparison",
        "team_comparison",
        "Team mot samordnare",
        "Team against coordinator",
        check_team_comparison,
    ),
    Part(
        "03_comparison",
        "case_statistics",
        "Ärendestatistik före och efter",
        "Case statistics before and after",
        check_case_statistics,
    ),
    Part(
        "03_comparison",
        "pre_existing_trend",
        "Ökning före starten",
        "Increase before the start",
        check_pre_existing_trend,
    ),
    Part(
        "03_comparison",
        "level_change_model",
        "Nivåförändringsmodell",
        "Level-change model",
        check_level_change_model,
    ),
    Part("04_success_factors", "condition_table", "Villkorstabellen", "The condition table", check_condition_table),
    Part(
        "04_success_factors",
        "success_factor_qca",
        "QCA av framgångsfaktorerna",
        "QCA of the success factors",
        check_success_factor_qca,
    ),
    Part(
        "04_success_factors",
        "failure_qca",
        "QCA av förklaringarna till svårigheter",
        "QCA of the explanations of failure",
        check_failure_qca,
    ),
)
COLUMNS = ("chapter", "part", "status", "missing_en", "missing_sv", "tables")


def part_by_id(part_id: str, parts: tuple[Part, ...] = PARTS) -> Part:
    """Return the part with id ``part_id``; ``KeyError`` lists the known ids."""
    for part in parts:
        if part.part == part_id:
            return part
    raise KeyError(f"no readiness part {part_id!r}; known: {', '.join(p.part for p in parts)}")


def table_location(study, file: str) -> str:
    """Where the study keeps the table a shortfall names, as the evaluator would open it.

    Parameters
    ----------
    study : Study
    file : str
        The table's file in the CSV layout (``"municipalities.csv"``,
        ``"codebook/indicators.csv"``).

    Returns
    -------
    str
        ``file`` unchanged for a CSV study; for a table kept in a workbook sheet,
        the workbook and sheet the way validate names them
        (``"study.xlsx, sheet municipalities"``).
    """
    from evalkit.study import workbook
    from evalkit.study.validate import sheet_label

    name = file.rsplit("/", 1)[-1].removesuffix(".csv")
    for resource in (getattr(study, "descriptor", None) or {}).get("resources", []):
        if not isinstance(resource, dict) or resource.get("name") != name:
            continue
        sheet = workbook.resource_sheet(resource)
        if sheet is not None and isinstance(resource.get("path"), str):
            return sheet_label(resource["path"], sheet)
    return file


def checked_part(study, part: Part) -> PartReadiness:
    """Run ``part``'s check on ``study``; shortfalls name tables where this study keeps them."""
    shortfalls = tuple(replace(s, table=table_location(study, s.table)) for s in part.check(study))
    return PartReadiness(part, shortfalls)


def part_readiness(study, part_id: str) -> PartReadiness:
    """Check one part of the report for ``study``."""
    return checked_part(study, part_by_id(part_id))


def require(study, part_id: str) -> None:
    """Raise :class:`NotEnoughData` when the part cannot run for ``study``."""
    readiness = part_readiness(study, part_id)
    if readiness.status == CANNOT_RUN:
        raise readiness.error()


def readiness_table(study, parts: tuple[Part, ...] = PARTS) -> pd.DataFrame:
    """The readiness of every part of every chapter.

    Parameters
    ----------
    study : Study
    parts : tuple of Part, optional
        Default :data:`PARTS`, in chapter order.

    Returns
    -------
    pandas.DataFrame
        Columns ``chapter, part, status, missing_en, missing_sv, tables``: one row per part;
        ``status`` is ``ready``, ``partial`` or ``cannot_run``; ``missing_*`` join the
        shortfalls with ``"; "`` (empty when ready); ``tables`` the files to add data to.
    """
    rows = []
    for part in parts:
        readiness = checked_part(study, part)
        shortfalls = readiness.shortfalls
        rows.append(
            {
                "chapter": part.chapter,
                "part": part.part,
                "status": readiness.status,
                "missing_en": "; ".join(readiness.reasons("en")),
                "missing_sv": "; ".join(readiness.reasons("sv")),
                "tables": ", ".join(dict.fromkeys(s.table for s in shortfalls)),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype("string")


def chapter_status(table: pd.DataFrame) -> pd.DataFrame:
    """One row per chapter: the worst status of its parts (``cannot_run`` > ``partial`` > ``ready``)."""
    rank = {status: i for i, status in enumerate(STATUSES)}
    worst = table.assign(_rank=table["status"].map(rank)).groupby("chapter", sort=False)["_rank"].max()
    return pd.DataFrame({"chapter": worst.index, "status": [STATUSES[i] for i in worst]})


def blocking_parts(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a readiness table whose part cannot run."""
    return table[table["status"] == CANNOT_RUN].reset_index(drop=True)


def format_readiness(table: pd.DataFrame, width: int = 100) -> str:
    """The readiness table as aligned plain text (for ``evalkit validate``), English."""
    import textwrap

    labels = [STATUS_LABELS[s]["en"] for s in table["status"]]
    chapter_width = max([len("chapter"), *map(len, table["chapter"])])
    part_width = max([len("part"), *map(len, table["part"])])
    status_width = max([len("status"), *map(len, labels)])
    indent = chapter_width + part_width + status_width + 6
    lines = [f"{'chapter':<{chapter_width}}  {'part':<{part_width}}  {'status':<{status_width}}  missing"]
    for chapter, part, label, missing in zip(table["chapter"], table["part"], labels, table["missing_en"]):
        wrapped = textwrap.wrap(missing or "", max(30, width - indent)) or [""]
        lines.append(f"{chapter:<{chapter_width}}  {part:<{part_width}}  {label:<{status_width}}  {wrapped[0]}")
        lines += [" " * indent + more for more in wrapped[1:]]
    return "\n".join(line.rstrip() for line in lines)


def refusal_message(table: pd.DataFrame, study_label: str) -> str:
    """Why ``evalkit run`` refuses the study: every part that cannot run, with what it needs."""
    blocked = blocking_parts(table)
    count = len(blocked)
    lines = [
        f"the study {study_label} lacks what {count} part{'s' if count != 1 else ''} of the report "
        f"need{'s' if count == 1 else ''}; nothing was run and no report was changed."
    ]
    for chapter, part, missing in zip(blocked["chapter"], blocked["part"], blocked["missing_en"]):
        lines.append(f"  {chapter} / {part}: {missing}")
    lines.append(
        f"Add the missing data; `evalkit validate {study_label}` shows what each part needs. With "
        '--allow-incomplete these parts show a "not enough data" box instead.'
    )
    return "\n".join(lines)
