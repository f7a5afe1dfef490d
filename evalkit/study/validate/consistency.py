"""Layer 3 of validation: checks across tables.

Ids that must exist elsewhere (the schema's ``foreignKeys``), keys that differ
only in case, the coders' keys, codebook codes, indicator populations and
their assessments, the survey question codebook and the provenance columns
are checked here; the rules about the organisation (models, coordinators,
shares of post, survey answers, dates, structural conditions, interviews)
are in :mod:`evalkit.study.validate.organisation`. :data:`CONSISTENCY_CHECKS`
lists every check in the order they run.

Each check takes the :class:`~evalkit.study.validate.records.Checked` view
(valid cells only) and yields problems.
"""

from __future__ import annotations

from collections.abc import Iterator

from evalkit.study.validate.organisation import (
    MUNICIPAL_COORDINATOR_MODELS,
    check_interview_links,
    check_municipality_models,
    check_shares_of_post,
    check_start_dates,
    check_structural_conditions,
    check_survey_municipalities,
    check_time_split,
)
from evalkit.study.validate.problems import Problem, listed_rows, quoted, with_article
from evalkit.study.validate.records import Checked, Record, problem_at, split_ids
from evalkit.study.validate.schema import (
    CODEBOOK_PREFIX,
    canonical_resources,
    coded_columns,
    field_specs,
    references,
)


def check_references(checked: Checked) -> Iterator[Problem]:
    """Every id that refers to another table must exist there.

    When the referred-to table has no rows at all, one problem says so
    (with the number of references) instead of one per referring cell.
    """
    unresolved: dict[str, dict[str, int]] = {}
    for reference in references():
        table, column, target, target_column = (
            reference.table,
            reference.column,
            reference.target,
            reference.target_column,
        )
        what = reference.what
        if not (checked.has(table, column) and checked.has(target, target_column)) or target in checked.incomplete:
            continue
        if not checked.rows(target):
            uses = sum(1 for record in checked.rows(table) if record.get(column) is not None)
            if uses:
                counts = unresolved.setdefault(target, {})
                counts[checked.files[table]] = counts.get(checked.files[table], 0) + uses
            continue
        known = checked.ids(target, target_column)
        target_file = checked.files[target]
        in_codebook = target.startswith(CODEBOOK_PREFIX)
        for record in checked.rows(table):
            value = record.get(column)
            if value is None or value in known:
                continue
            if in_codebook:
                fix = (
                    f"Expected {with_article(target_column)} from {target_file}; add the {what} to the "
                    "codebook or correct the value."
                )
            else:
                fix = f"Expected {with_article(target_column)} from {target_file}; add it there or correct the value."
            yield problem_at(
                checked, table, record, column, value, f"unknown {what} {quoted(value)}.", fix, code="unknown-id"
            )
    for target, counts in unresolved.items():
        total = sum(counts.values())
        where = ", ".join(f"{count} in {file}" for file, count in counts.items())
        yield Problem(
            checked.files[target],
            None,
            None,
            None,
            f"the table has no rows (only the header), but {total} cell{'s' if total != 1 else ''} in other files "
            f"refer to its ids ({where}).",
            f"Fill in the rows of {checked.files[target]}, or check whether they were deleted by mistake.",
            code="empty-table",
        )


def check_case_duplicates(checked: Checked) -> Iterator[Problem]:
    """Keys that differ only in upper and lower case are duplicates (``I05`` and ``i05``)."""
    for resource in canonical_resources():
        name, key = resource["name"], resource["schema"].get("primaryKey")
        if not key or not checked.has(name, *key):
            continue
        seen: dict[tuple, Record] = {}
        for record in checked.rows(name):
            values = tuple(record.get(column) for column in key)
            if any(value is None for value in values):
                continue
            folded = tuple(str(value).casefold() for value in values)
            first = seen.setdefault(folded, record)
            if first is record or tuple(first.get(column) for column in key) == values:
                continue  # the first of its kind, or an exact duplicate (reported by the cell checks)
            described = ", ".join(f"{column} {quoted(value)}" for column, value in zip(key, values))
            earlier = "|".join(str(first.get(column)) for column in key)
            yield problem_at(
                checked,
                name,
                record,
                key[0] if len(key) == 1 else None,
                "|".join(str(value) for value in values),
                f"duplicate key: {described} differs from row {first['_row']} ({quoted(earlier)}) only in upper "
                "and lower case.",
                f"Ids are compared without regard to case, so each row needs its own {' and '.join(key)}; correct "
                "the id or delete the duplicate row.",
                code="duplicate-key",
            )


AGREED = "agreed"


def check_coder_keys(checked: Checked) -> Iterator[Problem]:
    """With a coder column: one row per indicator, subject and coder (an empty coder is 'agreed')."""
    if not checked.has("assessments", "indicator_id", "subject_id", "coder"):
        return
    first: dict[tuple, int] = {}
    for record in checked.rows("assessments"):
        indicator, subject = record.get("indicator_id"), record.get("subject_id")
        if indicator is None or subject is None:
            continue
        coder = record.get("coder") or AGREED
        key = (indicator, subject, coder)
        if key in first:
            yield problem_at(
                checked,
                "assessments",
                record,
                "coder",
                record.get("coder") or "",
                f"duplicate key: indicator_id {quoted(indicator)}, subject_id {quoted(subject)} and coder "
                f"{quoted(coder)} are the same as row {first[key]}"
                + (" (an empty coder means 'agreed')." if not record.get("coder") else "."),
                "Each coder has one row per indicator and subject; delete the duplicate row or correct it.",
                code="duplicate-key",
            )
        else:
            first[key] = record["_row"]


def population_members(checked: Checked) -> dict[str, tuple[str, set[str] | None, set[str] | None]]:
    """For each population: (subject table, all ids of that table, member ids).

    Id sets are ``None`` when the table needed to decide them is unusable, or
    has no rows at all (reported once by :func:`check_references`).
    """
    municipalities = (
        checked.rows("municipalities")
        if checked.has("municipalities", "municipality_id", "model") and checked.rows("municipalities")
        else None
    )

    def municipality_ids(models: tuple[str, ...] | None) -> set[str] | None:
        if municipalities is None:
            return None
        return {
            r["municipality_id"]
            for r in municipalities
            if r.get("municipality_id") is not None and (models is None or r.get("model") in models)
        }

    coordinators = (
        checked.ids("coordinators", "coordinator_id")
        if checked.has("coordinators", "coordinator_id") and checked.rows("coordinators")
        else None
    )
    interviews = (
        checked.rows("interviews")
        if checked.has("interviews", "interview_id", "respondent_group") and checked.rows("interviews")
        else None
    )
    interview_ids = {r["interview_id"] for r in interviews if r.get("interview_id")} if interviews is not None else None
    partner_ids = (
        {
            r["interview_id"]
            for r in interviews
            if r.get("interview_id") and r.get("respondent_group") == "external_partner"
        }
        if interviews is not None
        else None
    )
    all_municipalities = municipality_ids(None)
    return {
        "all_municipalities": ("municipalities", all_municipalities, all_municipalities),
        "municipalities_with_coordinator": (
            "municipalities",
            all_municipalities,
            municipality_ids(MUNICIPAL_COORDINATOR_MODELS),
        ),
        "team_municipalities": ("municipalities", all_municipalities, municipality_ids(("team",))),
        "coordinators": ("coordinators", coordinators, coordinators),
        "external_partner_interviews": ("interviews", interview_ids, partner_ids),
    }


POPULATION_RULES = {
    "all_municipalities": "every municipality",
    "municipalities_with_coordinator": "municipalities with model own_coordinator or shared_coordinator",
    "team_municipalities": "municipalities with model team",
    "coordinators": "every coordinator",
    "external_partner_interviews": "interviews with respondent_group external_partner",
}
SUBJECT_COLUMNS = {"municipalities": "municipality_id", "coordinators": "coordinator_id", "interviews": "interview_id"}


def check_assessments(checked: Checked) -> Iterator[Problem]:
    """Assessment subjects belong to the indicator's population.

    A member of the population without a row is not a problem: the assessments are filled as the fieldwork
    goes on, and readiness (:mod:`evalkit.study.readiness`) says which are still missing.
    """
    if not (
        checked.has("assessments", "indicator_id", "subject_id")
        and checked.has("codebook_indicators", "indicator_id", "population")
    ):
        return
    populations = {
        r["indicator_id"]: r.get("population")
        for r in checked.rows("codebook_indicators")
        if r.get("indicator_id") is not None
    }
    members_of = population_members(checked)
    for record in checked.rows("assessments"):
        indicator, subject = record.get("indicator_id"), record.get("subject_id")
        population = populations.get(indicator)
        if subject is None or population not in members_of:
            continue
        table, known, members = members_of[population]
        if known is None or members is None:
            continue
        subject_file = checked.files[table]
        if subject not in known:
            yield problem_at(
                checked,
                "assessments",
                record,
                "subject_id",
                subject,
                f"unknown subject {quoted(subject)}: indicator {indicator} is assessed for {POPULATION_RULES[population]} "
                f"(population {population}).",
                f"Expected {with_article(SUBJECT_COLUMNS[table])} from {subject_file}; correct the subject_id.",
                code="unknown-id",
            )
        elif subject not in members:
            yield problem_at(
                checked,
                "assessments",
                record,
                "subject_id",
                subject,
                f"{quoted(subject)} is not in the population of indicator {indicator}, which is assessed for "
                f"{POPULATION_RULES[population]} (population {population}).",
                "Delete the row, or correct the subject_id or the indicator's population.",
                code="outside-population",
            )


def check_vocabulary_codes(checked: Checked) -> Iterator[Problem]:
    """Every code used in a coded column has a row in codebook/vocabularies.csv."""
    if not checked.has("codebook_vocabularies", "vocabulary", "code") or "codebook_vocabularies" in checked.incomplete:
        return
    defined = {
        (r["vocabulary"], r["code"])
        for r in checked.rows("codebook_vocabularies")
        if r.get("vocabulary") is not None and r.get("code") is not None
    }
    vocab_file = checked.files["codebook_vocabularies"]
    for table, column in coded_columns():
        if not checked.has(table, column):
            continue
        uses: dict[str, list[Record]] = {}
        for record in checked.rows(table):
            code = record.get(column)
            if code is not None and (column, code) not in defined:
                uses.setdefault(code, []).append(record)
        for code, records in uses.items():
            others = [str(r["_row"]) for r in records[1:]]
            also = f" (also used in row{'s' if len(others) > 1 else ''} {listed_rows(others)})" if others else ""
            yield problem_at(
                checked,
                table,
                records[0],
                column,
                code,
                f"code {quoted(code)} has no row in {vocab_file} for the vocabulary '{column}'{also}.",
                f"Add a row with vocabulary {column}, code {code} and its Swedish and English labels to "
                f"{vocab_file}, or correct the code.",
                code="undefined-code",
            )


def check_survey_question_columns(checked: Checked) -> Iterator[Problem]:
    """The survey question codebook names real survey_responses columns."""
    if not checked.has("codebook_survey_questions", "columns"):
        return
    survey = next(r for r in canonical_resources() if r["name"] == "survey_responses")
    known = set(field_specs(survey))
    for record in checked.rows("codebook_survey_questions"):
        for column in split_ids(record.get("columns")):
            if column not in known:
                yield problem_at(
                    checked,
                    "codebook_survey_questions",
                    record,
                    "columns",
                    record["columns"],
                    f"{quoted(column)} is not a column of survey_responses.csv.",
                    "Expected column names of survey_responses.csv separated by '|'; correct the name.",
                    code="unknown-column",
                )


def check_provenance(checked: Checked) -> Iterator[Problem]:
    """Reconstructed rows state their assumption and name real columns."""
    for resource in canonical_resources():
        name = resource["name"]
        if resource.get("evalkit:codebook") or not checked.has(name, "basis"):
            continue
        columns = set(field_specs(resource))
        for record in checked.rows(name):
            if (
                record.get("basis") == "reconstructed"
                and "assumption" in checked.columns[name]
                and record.get("assumption") is None
            ):
                yield problem_at(
                    checked,
                    name,
                    record,
                    "assumption",
                    None,
                    "the row's basis is reconstructed but no assumption is given.",
                    "Write the assumption that fixes the reconstructed values, in plain words.",
                    code="missing-assumption",
                )
            for column in split_ids(record.get("reconstructed_fields")):
                if column not in columns:
                    yield problem_at(
                        checked,
                        name,
                        record,
                        "reconstructed_fields",
                        record["reconstructed_fields"],
                        f"{quoted(column)} is not a column of {checked.files[name]}.",
                        "Expected column names of this table separated by '|' (or an empty cell, meaning every "
                        "value column); correct the name.",
                        code="unknown-column",
                    )


def check_coded_segments(checked: Checked) -> Iterator[Problem]:
    """Coded segments name one indicator or condition; quotable ones are short, clean and agree (:mod:`evalkit.study.segments`)."""
    from evalkit.study import segments

    for table, record, column, value, message, fix, code in segments.segment_problems(checked):
        yield problem_at(checked, table, record, column, value, message, fix, code=code)


CONSISTENCY_CHECKS = (
    check_case_duplicates,
    check_coder_keys,
    check_references,
    check_municipality_models,
    check_survey_municipalities,
    check_shares_of_post,
    check_time_split,
    check_start_dates,
    check_assessments,
    check_vocabulary_codes,
    check_survey_question_columns,
    check_provenance,
    check_structural_conditions,
    check_interview_links,
    check_coded_segments,
)
