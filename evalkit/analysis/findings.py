"""The findings table: every counted finding of every chapter, in both languages.

Columns (the contract shared by analysis, notebooks and tests):
``finding_id, chapter, quality_area, numerator, denominator, unknown, unit,
statement_sv, statement_en, source, basis, allocation``.

* ``numerator`` / ``denominator`` are counts; the denominator is empty for
  plain counts. ``unknown`` counts the members of the denominator whose value
  is not known: they are never counted as *no*, and the statement says so.
* ``unit`` is municipalities, coordinators, interviews or cases (``percent``
  for a municipality's part of a shared post). The number of documents is not
  a finding: a study's documents table lists the documents it knows of, which
  need not be the number the evaluation analysed.
* ``source`` cites what the finding rests on: the report's sections in a
  published evaluation, the study's own interviews, survey and documents in
  fieldwork (see :mod:`evalkit.study.kind`).
* ``basis`` is the weakest basis of the inputs the finding uses
  (stated < observed < judgement < reconstructed): ``stated`` only when every
  input is stated in a published source.
* ``allocation`` is ``reconstructed`` when the count rests on values as the
  source gives them but which municipality (or subject) each belongs to is an
  assumption; empty otherwise.

:func:`compare_with_published_claims` checks the table against the study's
optional ``published_claims``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from evalkit.analysis.case_statistics import case_findings
from evalkit.analysis.comparison import comparison_findings
from evalkit.analysis.organisation import organisation_findings
from evalkit.analysis.populations import (
    FINDINGS_COLUMNS,
    count_statement,
    findings_frame,
    join_sources,
    population_members,
    rows_allocation,
    rows_basis,
)
from evalkit.analysis.quality_areas import quality_area_findings
from evalkit.analysis.success_factors import success_factor_findings

CHAPTER = "study"


def _label(study, vocabulary: str, code: str, language: str) -> str:
    from evalkit.present.labels import vocabulary_label
    from evalkit.present.language import decapitalise

    return decapitalise(vocabulary_label(study, vocabulary, code, language))


def _finding(
    finding_id,
    numerator,
    denominator,
    unit,
    statements,
    source,
    basis,
    chapter=CHAPTER,
    quality_area=pd.NA,
    unknown=0,
    allocation=pd.NA,
) -> dict:
    return {
        "finding_id": finding_id,
        "chapter": chapter,
        "quality_area": quality_area,
        "numerator": numerator,
        "denominator": denominator,
        "unknown": unknown,
        "unit": unit,
        "statement_sv": statements[0],
        "statement_en": statements[1],
        "source": source,
        "basis": basis,
        "allocation": allocation,
    }


def study_findings(study) -> pd.DataFrame:
    """Findings on the data collection (``study.*``): municipalities, interviews and the survey.

    Returns
    -------
    pandas.DataFrame
        Findings-table columns, sorted by ``finding_id``.
    """
    municipalities = study.tables["municipalities"]
    interviews = study.tables["interviews"]
    survey = study.tables["survey_responses"]
    coordinators = study.tables["coordinators"]
    n_all = len(population_members(study, "all_municipalities"))
    n_interviews = len(interviews)
    rows = [
        _finding(
            "study.municipalities_total",
            n_all,
            None,
            "municipalities",
            count_statement(
                study, n_all, "municipalities", "Utvärderingen omfattar {count}", "The evaluation covers {count}"
            ),
            join_sources(municipalities["source"]),
            rows_basis(municipalities, ["municipality_id"], study),
        ),
        _finding(
            "study.interviews_total",
            n_interviews,
            None,
            "interviews",
            count_statement(
                study, n_interviews, "interviews", "Sammanlagt gjordes {count}", "In all, {count} were held"
            ),
            join_sources(interviews["source"]),
            rows_basis(interviews, ["interview_id"], study),
        ),
    ]
    for group in sorted(interviews["respondent_group"].dropna().unique()):
        own = interviews[interviews["respondent_group"] == group]
        rows.append(
            _finding(
                f"study.interviews.{group}",
                len(own),
                n_interviews,
                "interviews",
                count_statement(
                    study,
                    len(own),
                    "interviews",
                    "{count} gjordes med " + _label(study, "respondent_group", group, "sv"),
                    "{count} were held with " + _label(study, "respondent_group", group, "en"),
                    denominator=n_interviews,
                    predicate_en_singular="{count} was held with " + _label(study, "respondent_group", group, "en"),
                ),
                join_sources(own["source"]),
                rows_basis(own, ["respondent_group"], study),
            )
        )

    managers = interviews[
        (interviews["respondent_group"] == "municipal_manager") & interviews["municipality_id"].notna()
    ]
    # A municipality whose manager was not interviewed (or whose manager's role is not given) is not known.
    known_role = managers[managers["respondent_role"].notna() & (managers["respondent_role"] != "unknown")]
    unknown_managers = n_all - int(known_role["municipality_id"].nunique())
    for role in sorted(managers["respondent_role"].dropna().unique()):
        if role == "unknown":
            continue
        own = managers[managers["respondent_role"] == role]
        n = int(own["municipality_id"].nunique())
        label_sv = _label(study, "respondent_role", role, "sv")
        label_en = _label(study, "respondent_role", role, "en")
        rows.append(
            _finding(
                f"study.managers.{role}",
                n,
                n_all,
                "municipalities",
                count_statement(
                    study,
                    n,
                    "municipalities",
                    "I {count} var den intervjuade chefen " + label_sv,
                    "In {count}, the interviewed manager was " + _with_article(label_en),
                    denominator=n_all,
                    population="all_municipalities",
                    unknown=unknown_managers,
                ),
                join_sources(own["source"]),
                rows_basis(own, ["respondent_role"], study),
                unknown=unknown_managers,
                allocation=rows_allocation(own, ["municipality_id"]),
            )
        )

    staff = interviews[interviews["respondent_group"] == "municipal_staff"]
    for role in sorted(staff["respondent_role"].dropna().unique()):
        own = staff[staff["respondent_role"] == role]
        rows.append(
            _finding(
                f"study.staff.{role}",
                len(own),
                None,
                "interviews",
                count_statement(
                    study,
                    len(own),
                    "interviews",
                    "I {count} med medarbetare var den intervjuades roll "
                    + _label(study, "respondent_role", role, "sv"),
                    "In {count} with staff, the interviewee's role was " + _label(study, "respondent_role", role, "en"),
                ),
                join_sources(own["source"]),
                rows_basis(own, ["respondent_role"], study),
            )
        )

    n_coordinators = len(coordinators)
    rows.append(
        _finding(
            "study.survey_respondents",
            len(survey),
            n_coordinators,
            "coordinators",
            count_statement(
                study,
                len(survey),
                "coordinators",
                "{count} besvarade enkäten",
                "{count} answered the survey",
                denominator=n_coordinators,
                population="coordinators",
            ),
            join_sources(survey["source"]),
            rows_basis(survey, ["coordinator_id"], study),
        )
    )
    return findings_frame(rows)


def _with_article(label: str) -> str:
    """``'head of IFO'`` -> ``'the head of IFO'``; other roles get *a*/*an*."""
    if label.lower().startswith(("head ", "chief ")):
        return "the " + label
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


#: The parts of the findings table in chapter order, each a function of the study.
SECTIONS: dict[str, Callable] = {
    "study": study_findings,
    "organisation": organisation_findings,
    "quality_areas": quality_area_findings,
    "comparison": comparison_findings,
    "cases": case_findings,
    "success_factors": success_factor_findings,
}
#: Which sections read which data table (for targeted recomputation).
SECTION_TABLES = {
    "study": ("municipalities", "interviews", "survey_responses", "coordinators"),
    "organisation": ("municipalities", "coordinators", "coordinator_municipalities", "survey_responses"),
    "quality_areas": ("municipalities", "coordinators", "interviews", "assessments"),
    "comparison": ("municipalities", "coordinators", "interviews", "assessments"),
    "cases": ("case_statistics",),
    "success_factors": ("municipalities", "conditions"),
}
CHAPTER_ORDER = ("study", "organisation", "quality_areas", "comparison", "success_factors")
#: The chapter of a section's findings, where it is not the section's own name.
SECTION_CHAPTER = {"cases": "comparison"}


def sections_of_chapter(chapter: str) -> tuple[str, ...]:
    """The sections of :data:`SECTIONS` whose findings belong to ``chapter`` (e.g. ``"comparison"``).

    ``findings_table(study, sections=sections_of_chapter(c))`` holds the rows of
    chapter ``c`` without computing (or reading the tables of) the others, so a
    chapter that shows only its own findings does not depend on other chapters' data.
    """
    return tuple(name for name in SECTIONS if SECTION_CHAPTER.get(name, name) == chapter)


def sections_reading(table: str) -> list[str]:
    """Sections of the findings table that depend on ``table``."""
    return [name for name, tables in SECTION_TABLES.items() if table in tables]


def sort_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort findings by chapter order, then ``finding_id``."""
    order = {chapter: i for i, chapter in enumerate(CHAPTER_ORDER)}
    key = frame["chapter"].map(order).fillna(len(order))
    return (
        frame.assign(_order=key)
        .sort_values(["_order", "finding_id"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def findings_table(study, sections: Iterable[str] | None = None) -> pd.DataFrame:
    """All findings of the study.

    Parameters
    ----------
    study : Study
    sections : iterable of str, optional
        Only these parts of :data:`SECTIONS` (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns exactly :data:`FINDINGS_COLUMNS`; one row per ``finding_id``
        (unique), sorted by chapter order then id.
    """
    names = list(SECTIONS) if sections is None else list(sections)
    frames = [SECTIONS[name](study) for name in names]
    frames = [f for f in frames if len(f)]
    if not frames:
        return findings_frame([])
    table = pd.concat(frames, ignore_index=True)[list(FINDINGS_COLUMNS)]
    duplicated = table["finding_id"][table["finding_id"].duplicated()]
    if len(duplicated):
        raise ValueError("duplicate finding ids: " + ", ".join(sorted(set(duplicated))))
    # safety (small cells): a case count below the threshold for a small municipality reads "< 3".
    from evalkit.privacy import protect_findings

    return protect_findings(sort_findings(claimed_sources(stated_counts(table, study), study)), study)


#: Unit suffixes of one statement counted two ways (per coordinator and per municipality).
UNIT_SIBLINGS = (("coordinators", "municipalities"), ("municipalities", "coordinators"))


def claimed_sources(findings: pd.DataFrame, study) -> pd.DataFrame:
    """A finding a published claim checks cites the section(s) that state it, not every row behind it.

    In a published evaluation the source of a finding is the report's section that states the
    statement. When the study's ``published_claims`` has a claim for the finding, that claim's
    ``source`` is exactly that (*Kap. 1, Åtta av tio kommuner i länet har kvinnofridssamordnare*),
    and it replaces the union of the sources of the rows the count is made from (which named up to
    14 unrelated sections). Fieldwork studies keep the rows' own sources and evidence.

    Returns
    -------
    pandas.DataFrame
        A copy of ``findings`` with ``source`` replaced where a claim gives one.
    """
    from evalkit.study.kind import is_published_evaluation

    claims = study.tables.get("published_claims")
    if claims is None or claims.empty or findings.empty or not is_published_evaluation(study):
        return findings
    sources: dict = {}
    for finding_id, source in zip(claims["finding_id"], claims["source"]):
        if isinstance(source, str) and source.strip():
            for part in source.split("; "):
                sources.setdefault(str(finding_id), [])
                if part.strip() and part.strip() not in sources[str(finding_id)]:
                    sources[str(finding_id)].append(part.strip())
    # The same statement counted in the other unit (``org.combined_with.casework.coordinators`` of
    # ``….municipalities``) comes from the same passage.
    for finding_id in list(sources):
        for unit, other in UNIT_SIBLINGS:
            if finding_id.endswith("." + unit):
                sibling = finding_id[: -len(unit)] + other
                if sibling in set(findings["finding_id"]):
                    sources.setdefault(sibling, sources[finding_id])
    out = findings.copy()
    own = out["finding_id"].map(lambda f: "; ".join(sources[f]) if f in sources else pd.NA)
    out["source"] = own.where(own.notna(), out["source"]).astype("string")
    return out


def stated_counts(findings: pd.DataFrame, study) -> pd.DataFrame:
    """Keep a count the source states stated, marking its allocation as reconstructed.

    A finding computed from reconstructed values is ``reconstructed``. When a
    published claim of the study with basis ``stated`` gives the same count
    (numerator, denominator and unit), the count itself is stated by the
    source: only *which* municipalities (or coordinators) it falls on rests on
    the reconstruction. Such a finding gets basis ``stated`` and allocation
    ``reconstructed``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``findings`` with ``basis`` and ``allocation`` adjusted.
    """
    claims = study.tables.get("published_claims")
    if claims is None or claims.empty or findings.empty:
        return findings
    stated = claims[claims["basis"] == "stated"]
    out = findings.copy()
    by_id = {fid: i for i, fid in zip(out.index, out["finding_id"])}
    for _, claim in stated.iterrows():
        index = by_id.get(claim["finding_id"])
        if index is None or out.at[index, "basis"] != "reconstructed":
            continue
        row = out.loc[index]
        same_denominator = (pd.isna(row["denominator"]) and pd.isna(claim["denominator"])) or (
            not pd.isna(row["denominator"])
            and not pd.isna(claim["denominator"])
            and float(row["denominator"]) == float(claim["denominator"])
        )
        if (
            not pd.isna(row["numerator"])
            and float(row["numerator"]) == float(claim["numerator"])
            and same_denominator
            and row["unit"] == claim["unit"]
        ):
            out.at[index, "basis"] = "stated"
            out.at[index, "allocation"] = "reconstructed"
    return forced_counts(out, study)


#: Findings that split one population in two: each unit's full-time and part-time posts. When
#: one of a pair is stated, has no unknowns and the two add up to the population, so is the other.
COMPLEMENTS = tuple((f"org.full_time.{unit}", f"org.part_time.{unit}") for unit in ("coordinators", "municipalities"))


def forced_counts(findings: pd.DataFrame, study) -> pd.DataFrame:
    """Label a count the stated counts force as stated, its allocation as reconstructed.

    A count computed from reconstructed values may still be fixed by what the source states:
    six of eight function well when the report says two of eight function poorly; one of six
    posts is operational when the report names the one post combined with casework and says the
    others handle no cases. Such a count is ``stated`` (with ``allocation = reconstructed``: which
    municipalities it falls on is the reconstruction). Two rules decide, neither of which uses the
    study's readings:

    * the count takes one value under the published counts with basis ``stated`` and the
      constraints whose ``standing`` is ``stated`` (:func:`count_range_under_stated`);
    * the count's complement (:data:`COMPLEMENTS`) is stated and the two, without unknowns,
      add up to the population.

    In a published evaluation such a count cites the passages that fix it (the stated counts and
    rules on its cells, or its complement's claim) instead of every row it is counted from.
    """
    if findings.empty or "unknown" not in findings:
        return findings
    from evalkit.analysis.allocations import ConstraintError, build_model, count_range_under_stated, stated_sources
    from evalkit.study.kind import is_published_evaluation

    claims = study.tables.get("published_claims")
    claimed = {}
    if claims is not None and not claims.empty:
        for finding_id, source in zip(claims["finding_id"], claims["source"]):
            if isinstance(source, str) and source.strip() and str(finding_id) not in claimed:
                claimed[str(finding_id)] = source.strip()

    out = findings.copy()
    candidates = out.index[(out["basis"] == "reconstructed") & out["numerator"].notna()]
    model = None
    for index in candidates:
        finding_id = str(out.at[index, "finding_id"])
        try:
            if model is None:
                model = build_model(study)
            span = count_range_under_stated(study, finding_id, model)
        except ConstraintError:
            return findings
        if span is not None and span[0] == span[1] == int(out.at[index, "numerator"]):
            out.at[index, "basis"] = "stated"
            out.at[index, "allocation"] = "reconstructed"
            if is_published_evaluation(study):
                # its source: the passages that fix it, not every row it is counted from
                sources = stated_sources(study, finding_id, model)
                if sources:
                    out.at[index, "source"] = "; ".join(sources)
    by_id = {str(fid): i for i, fid in zip(out.index, out["finding_id"])}
    for pair in COMPLEMENTS:
        if not all(fid in by_id for fid in pair):
            continue
        rows = [out.loc[by_id[fid]] for fid in pair]
        if any(pd.isna(r["numerator"]) or pd.isna(r["denominator"]) for r in rows):
            continue
        if any(not pd.isna(r["unknown"]) and int(r["unknown"]) for r in rows):
            continue
        if int(rows[0]["numerator"]) + int(rows[1]["numerator"]) != int(rows[0]["denominator"]):
            continue
        for own, other in ((0, 1), (1, 0)):
            if rows[own]["basis"] == "reconstructed" and rows[other]["basis"] == "stated":
                out.at[by_id[pair[own]], "basis"] = "stated"
                out.at[by_id[pair[own]], "allocation"] = "reconstructed"
                if is_published_evaluation(study) and pair[other] in claimed:
                    out.at[by_id[pair[own]], "source"] = claimed[pair[other]]
    return out


def _withheld_counts(study) -> dict:
    """``finding_id -> count`` of the case counts the small-cell rule withholds from the findings."""
    from evalkit.privacy import protected_cells

    if "case_statistics" not in study.tables:
        return {}
    cells = protected_cells(study)
    stats = study.tables["case_statistics"]
    return {
        f"cases.{m}.{measure}.{int(year)}": float(value)
        for m, measure, year, value in zip(stats["municipality_id"], stats["measure"], stats["year"], stats["value"])
        if not pd.isna(value) and (str(m), str(measure), int(year)) in cells
    }


def compare_with_published_claims(study, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check the computed findings against the report's counted claims.

    Parameters
    ----------
    study : Study
    findings : pandas.DataFrame, optional
        A findings table (computed when not given).

    Returns
    -------
    pandas.DataFrame
        One row per claim (sorted by ``claim_id``): ``claim_id, finding_id, claim_sv, claim_en,
        claim_numerator, claim_denominator, claim_unit, computed_numerator,
        computed_denominator, computed_unit, found, match``. ``match`` is True when
        the finding exists and numerator, denominator (both empty counts as equal)
        and unit agree.
    """
    claims = study.tables["published_claims"]
    columns = [
        "claim_id",
        "finding_id",
        "claim_sv",
        "claim_en",
        "claim_numerator",
        "claim_denominator",
        "claim_unit",
        "computed_numerator",
        "computed_denominator",
        "computed_unit",
        "found",
        "match",
    ]
    if claims.empty:
        return pd.DataFrame(columns=columns)
    if findings is None:
        findings = findings_table(study)
    computed = findings.set_index("finding_id")
    withheld = _withheld_counts(study)
    rows = []
    for _, claim in claims.sort_values("claim_id").iterrows():
        fid = claim["finding_id"]
        found = fid in computed.index
        num = computed.at[fid, "numerator"] if found else pd.NA
        num = withheld.get(fid, num)  # a count the findings withhold is still compared (and withheld in claims)
        den = computed.at[fid, "denominator"] if found else pd.NA
        unit = computed.at[fid, "unit"] if found else pd.NA
        same_den = (pd.isna(den) and pd.isna(claim["denominator"])) or (
            not pd.isna(den) and not pd.isna(claim["denominator"]) and float(den) == float(claim["denominator"])
        )
        match = bool(
            found
            and not pd.isna(num)
            and float(num) == float(claim["numerator"])
            and same_den
            and unit == claim["unit"]
        )
        rows.append(
            {
                "claim_id": claim["claim_id"],
                "finding_id": fid,
                "claim_sv": claim["claim_sv"],
                "claim_en": claim["claim_en"],
                "claim_numerator": claim["numerator"],
                "claim_denominator": claim["denominator"],
                "claim_unit": claim["unit"],
                "computed_numerator": num,
                "computed_denominator": den,
                "computed_unit": unit,
                "found": found,
                "match": match,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("claim_numerator", "claim_denominator", "computed_numerator", "computed_denominator"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
    return frame
