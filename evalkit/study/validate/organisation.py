"""Layer 3 of validation: the organisation across tables.

Each municipality's model and coordinator functioning against the
coordinators serving it; the coordinator survey (Q1 municipalities, Q2 share
of post, Q3 time split) against the coordinator-municipality link; start
dates; the structural conditions that follow from the organisation; and the
link each interview needs to whom it is about. Called from
:data:`evalkit.study.validate.consistency.CONSISTENCY_CHECKS`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator

from evalkit.study.validate.problems import Problem, joined, number_text, quoted
from evalkit.study.validate.records import (
    Checked,
    Record,
    coordinators_by_municipality,
    municipalities_by_coordinator,
    problem_at,
    split_ids,
)

SUM_TOLERANCE = 0.5
FIRST_YEAR = 1990
LAST_YEAR = 2100
MUNICIPAL_COORDINATOR_MODELS = ("own_coordinator", "shared_coordinator")
NO_COORDINATOR_MODELS = ("team", "none")
Q3_PARTS = ("q3_strategic_pct", "q3_individual_pct", "q3_direct_client_pct", "q3_other_pct")


def expected_model(coordinators: list[str], served: dict[str, list[str]]) -> str:
    """The model implied by the coordinators serving one municipality."""
    shared = any(len(served.get(coordinator, [])) > 1 for coordinator in coordinators)
    return "shared_coordinator" if shared else "own_coordinator"


def check_municipality_models(checked: Checked) -> Iterator[Problem]:
    """Each municipality's model and functioning must match its coordinators."""
    if not (
        checked.has("municipalities", "municipality_id", "model")
        and checked.has("coordinator_municipalities", "coordinator_id", "municipality_id")
    ):
        return
    served = municipalities_by_coordinator(checked)
    serving = coordinators_by_municipality(checked)
    link_file = checked.files["coordinator_municipalities"]
    for record in checked.rows("municipalities"):
        municipality, model = record.get("municipality_id"), record.get("model")
        if municipality is None or model is None:
            continue
        coordinators = serving.get(municipality, [])
        if model in NO_COORDINATOR_MODELS and coordinators:
            yield problem_at(
                checked,
                "municipalities",
                record,
                "model",
                model,
                f"municipality {quoted(municipality)} has the model {quoted(model)} but is served by "
                f"coordinator {joined(coordinators)} in {link_file}.",
                "A municipality with model team or none has no coordinator; change the model "
                f"or remove its rows from {link_file}.",
                code="model-mismatch",
            )
        elif model in MUNICIPAL_COORDINATOR_MODELS and not coordinators:
            yield problem_at(
                checked,
                "municipalities",
                record,
                "model",
                model,
                f"municipality {quoted(municipality)} has the model {quoted(model)} but no coordinator "
                f"serves it in {link_file}.",
                f"Add its coordinator to {link_file}, or change the model to team or none.",
                code="model-mismatch",
            )
        elif model in MUNICIPAL_COORDINATOR_MODELS and model != expected_model(coordinators, served):
            wanted = expected_model(coordinators, served)
            if wanted == "shared_coordinator":
                sharing = next(c for c in coordinators if len(served.get(c, [])) > 1)
                reason = (
                    f"its coordinator {sharing} serves {len(served[sharing])} municipalities "
                    f"({joined(served[sharing])})"
                )
                rule = "a coordinator who also serves other municipalities means shared_coordinator"
            else:
                reason = f"its coordinator {joined(coordinators)} serves only this municipality"
                rule = "a coordinator who serves one municipality only means own_coordinator"
            yield problem_at(
                checked,
                "municipalities",
                record,
                "model",
                model,
                f"municipality {quoted(municipality)} has the model {quoted(model)} but {reason}.",
                f"Expected {wanted} ({rule}); correct the model or {link_file}.",
                code="model-mismatch",
            )
        functioning = record.get("coordinator_functioning")
        if functioning is None:
            continue
        if model in NO_COORDINATOR_MODELS and functioning != "not_applicable":
            yield problem_at(
                checked,
                "municipalities",
                record,
                "coordinator_functioning",
                functioning,
                f"municipality {quoted(municipality)} has no coordinator (model {quoted(model)}) but the "
                f"coordinator function is judged {quoted(functioning)}.",
                "Expected not_applicable for a municipality with model team or none; correct the value.",
                code="functioning-mismatch",
            )
        elif model in MUNICIPAL_COORDINATOR_MODELS and functioning == "not_applicable":
            yield problem_at(
                checked,
                "municipalities",
                record,
                "coordinator_functioning",
                functioning,
                f"municipality {quoted(municipality)} has a coordinator (model {quoted(model)}) but the "
                "coordinator function is marked not_applicable.",
                "Expected well, poorly or unknown for a municipality with a coordinator; correct the value.",
                code="functioning-mismatch",
            )


def check_survey_municipalities(checked: Checked) -> Iterator[Problem]:
    """Survey Q1 must list known municipalities, the same ones as the link table."""
    if not checked.has("survey_responses", "coordinator_id", "q1_municipalities"):
        return
    known = (
        checked.ids("municipalities", "municipality_id")
        if checked.has("municipalities", "municipality_id") and checked.rows("municipalities")
        else None  # a municipalities table without rows is reported once by check_references
    )
    served = (
        municipalities_by_coordinator(checked)
        if checked.has("coordinator_municipalities", "coordinator_id", "municipality_id")
        else None
    )
    link_file = checked.files["coordinator_municipalities"]
    for record in checked.rows("survey_responses"):
        listed = split_ids(record.get("q1_municipalities"))
        unknown = [m for m in listed if known is not None and m not in known]
        for municipality in unknown:
            yield problem_at(
                checked,
                "survey_responses",
                record,
                "q1_municipalities",
                record["q1_municipalities"],
                f"unknown municipality id {quoted(municipality)}.",
                f"Expected municipality ids from {checked.files['municipalities']} separated by '|'; correct the list.",
                code="unknown-id",
            )
        coordinator = record.get("coordinator_id")
        if unknown or served is None or coordinator is None or coordinator not in served:
            continue
        if set(listed) != set(served[coordinator]):
            yield problem_at(
                checked,
                "survey_responses",
                record,
                "q1_municipalities",
                record.get("q1_municipalities"),
                f"the municipalities do not match {link_file}, where coordinator {coordinator} serves "
                f"{joined(served[coordinator])}.",
                f"List exactly the municipalities the coordinator serves, separated by '|', or correct {link_file}.",
                code="survey-link-mismatch",
            )


def check_shares_of_post(checked: Checked) -> Iterator[Problem]:
    """A coordinator's shares add up to 1-100 percent and match survey Q2."""
    if not checked.has("coordinator_municipalities", "coordinator_id", "municipality_id", "share_of_post_pct"):
        return
    links: dict[str, list[Record]] = {}
    for record in checked.rows("coordinator_municipalities"):
        if record.get("coordinator_id") is not None:
            links.setdefault(record["coordinator_id"], []).append(record)
    totals = {}
    for coordinator, records in links.items():
        shares = [record.get("share_of_post_pct") for record in records]
        if any(share is None for share in shares):
            continue
        totals[coordinator] = sum(shares)
        if totals[coordinator] > 100 + SUM_TOLERANCE:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                records[0],
                "share_of_post_pct",
                records[0]["share_of_post_pct"],
                f"the shares of coordinator {coordinator} add up to {number_text(totals[coordinator])} percent, "
                "more than one full-time post.",
                "Expected a total of 1 to 100 percent over the coordinator's municipalities; correct the shares.",
                code="share-over-post",
            )
    if not checked.has("survey_responses", "coordinator_id", "q2_share_of_post_pct"):
        return
    link_file = checked.files["coordinator_municipalities"]
    for record in checked.rows("survey_responses"):
        coordinator, answer = record.get("coordinator_id"), record.get("q2_share_of_post_pct")
        if answer is None or coordinator not in totals:
            continue
        if abs(totals[coordinator] - answer) > SUM_TOLERANCE:
            parts = " + ".join(
                f"{link['municipality_id']} {number_text(link['share_of_post_pct'])}" for link in links[coordinator]
            )
            yield problem_at(
                checked,
                "survey_responses",
                record,
                "q2_share_of_post_pct",
                answer,
                f"value {quoted(number_text(answer))} differs from the total {number_text(totals[coordinator])} "
                f"of share_of_post_pct for coordinator {coordinator} in {link_file} ({parts}).",
                f"Expected the survey share to equal the sum of the shares per municipality; correct Q2 or {link_file}.",
                code="survey-share-mismatch",
            )


def check_time_split(checked: Checked) -> Iterator[Problem]:
    """Survey Q3: the four parts of the post add up to 100 percent when all are given."""
    if not checked.has("survey_responses", *Q3_PARTS):
        return
    for record in checked.rows("survey_responses"):
        parts = [record.get(column) for column in Q3_PARTS]
        if any(part is None for part in parts):
            given = [part for part in parts if part is not None]
            if given and sum(given) > 100 + SUM_TOLERANCE:
                shown = " + ".join("(empty)" if part is None else number_text(part) for part in parts)
                yield problem_at(
                    checked,
                    "survey_responses",
                    record,
                    None,
                    None,
                    f"the known parts of the time split in Q3 already add up to {number_text(sum(given))} percent "
                    f"({shown}), more than 100.",
                    "Expected q3_strategic_pct, q3_individual_pct, q3_direct_client_pct and q3_other_pct to add up "
                    "to at most 100 even when some are not known; correct them.",
                    code="time-split-sum",
                )
            continue
        total = sum(parts)
        if abs(total - 100) > SUM_TOLERANCE:
            shown = " + ".join(number_text(part) for part in parts)
            yield problem_at(
                checked,
                "survey_responses",
                record,
                None,
                None,
                f"the time split in Q3 adds up to {number_text(total)} percent ({shown}), not 100.",
                "Expected q3_strategic_pct, q3_individual_pct, q3_direct_client_pct and q3_other_pct to add up "
                "to 100; correct them, or leave the parts that are not known empty.",
                code="time-split-sum",
            )


def latest_allowed_year(checked: Checked) -> tuple[int, str]:
    """The last year a start date may have, and why."""
    years = [record["year"] for record in checked.rows("case_statistics") if record.get("year") is not None]
    if years:
        latest = int(max(years))
        return latest + 1, f"the year after the latest case statistics ({latest})"
    return LAST_YEAR, "the last year the format accepts"


def parse_partial_date(text: str) -> _dt.date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``None`` if not a real date."""
    parts = [int(part) for part in text.split("-")]
    parts += [1] * (3 - len(parts))
    try:
        return _dt.date(*parts)
    except ValueError:
        return None


def check_start_dates(checked: Checked) -> Iterator[Problem]:
    """Start dates are real dates within the years the study can cover."""
    if not checked.has("coordinator_municipalities", "start_date"):
        return
    last_year, why = latest_allowed_year(checked)
    for record in checked.rows("coordinator_municipalities"):
        text = record.get("start_date")
        if text is None:
            continue
        date = parse_partial_date(text)
        if date is None:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                record,
                "start_date",
                text,
                f"value {quoted(text)} is not a real date.",
                "Expected a date written YYYY, YYYY-MM or YYYY-MM-DD with a month from 01 to 12 and a day that "
                "exists in that month; correct the date.",
                code="bad-date",
            )
        elif date.year < FIRST_YEAR:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                record,
                "start_date",
                text,
                f"value {quoted(text)} is before {FIRST_YEAR}.",
                f"Expected a start date from {FIRST_YEAR} to {last_year}; correct the date.",
                code="date-out-of-range",
            )
        elif date.year > last_year:
            yield problem_at(
                checked,
                "coordinator_municipalities",
                record,
                "start_date",
                text,
                f"value {quoted(text)} lies after {last_year}, {why}.",
                f"Expected a start date from {FIRST_YEAR} to {last_year}; correct the date.",
                code="date-out-of-range",
            )


def _any_known(values: list[object], predicate: Callable[[object], bool]) -> bool | None:
    """Whether ``predicate`` holds for any value; ``None`` if a value is missing or unknown."""
    if any(value is None or value == "unknown" for value in values):
        return None
    return any(predicate(value) for value in values)


def _combined_with_casework(coordinators: list[Record], served: dict[str, list[str]]) -> bool | None:
    """A serving coordinator combines the post with casework."""
    return _any_known([c.get("combined_with") for c in coordinators], lambda v: v == "casework")


def _shared_post(coordinators: list[Record], served: dict[str, list[str]]) -> bool | None:
    """A serving coordinator serves more than one municipality."""
    return any(len(served.get(c["coordinator_id"], [])) > 1 for c in coordinators)


def _purely_strategic_role(coordinators: list[Record], served: dict[str, list[str]]) -> bool | None:
    """A serving coordinator has a strategic role."""
    return _any_known([c.get("role") for c in coordinators], lambda v: v == "strategic")


# condition_id -> (the rule in words, predicate over the municipality's coordinators)
STRUCTURAL_CONDITIONS: dict[str, tuple[str, Callable[[list[Record], dict[str, list[str]]], bool | None]]] = {
    "combined_with_casework": (
        "its coordinator combines the post with casework (coordinators.csv, combined_with)",
        _combined_with_casework,
    ),
    "shared_post": ("its coordinator serves more than one municipality (coordinator_municipalities.csv)", _shared_post),
    "purely_strategic_role": ("its coordinator has a strategic role (coordinators.csv, role)", _purely_strategic_role),
}


def check_structural_conditions(checked: Checked) -> Iterator[Problem]:
    """Conditions that follow from the organisation must agree with it."""
    if not (
        checked.has("conditions", "municipality_id", "condition_id", "value")
        and checked.has("codebook_conditions", "condition_id")
        and checked.has("coordinators", "coordinator_id")
        and checked.has("coordinator_municipalities", "coordinator_id", "municipality_id")
    ):
        return
    in_codebook = checked.ids("codebook_conditions", "condition_id")
    coordinators = {r["coordinator_id"]: r for r in checked.rows("coordinators") if r.get("coordinator_id")}
    served = municipalities_by_coordinator(checked)
    serving = coordinators_by_municipality(checked)
    for record in checked.rows("conditions"):
        condition, value = record.get("condition_id"), record.get("value")
        if condition not in STRUCTURAL_CONDITIONS or condition not in in_codebook or value is None:
            continue
        ids = serving.get(record.get("municipality_id"), [])
        if not ids or any(i not in coordinators for i in ids):
            continue
        rule, predicate = STRUCTURAL_CONDITIONS[condition]
        holds = predicate([coordinators[i] for i in ids], served)
        if holds is None or holds == (value == "yes"):
            continue
        if holds:
            message = f"condition {condition} is {quoted(value)} but {rule} for coordinator {joined(ids)}."
            fix = "Expected yes, as the condition follows from the organisation; correct the value or the structure."
        else:
            message = (
                f"condition {condition} is 'yes' but it is not the case that {rule} for coordinator {joined(ids)}."
            )
            fix = "Expected no, as the condition follows from the organisation; correct the value or the structure."
        yield problem_at(checked, "conditions", record, "value", value, message, fix, code="condition-mismatch")


INTERVIEW_LINKS = {
    "municipal_manager": ("municipality_id", "the municipality the manager works in"),
    "municipal_staff": ("municipality_id", "the municipality the respondent works in"),
    "coordinator": ("coordinator_id", "the coordinator interviewed"),
    "external_partner": ("organisation", "the kind of organisation, e.g. police or women's shelter (no names)"),
}


def check_interview_links(checked: Checked) -> Iterator[Problem]:
    """Each interview names whom it is about, as its respondent group requires."""
    if not checked.has("interviews", "respondent_group"):
        return
    for record in checked.rows("interviews"):
        group = record.get("respondent_group")
        if group not in INTERVIEW_LINKS:
            continue
        column, what = INTERVIEW_LINKS[group]
        if column in checked.columns["interviews"] and record.get(column) is None:
            yield problem_at(
                checked,
                "interviews",
                record,
                column,
                "",
                f"a {group} interview needs a {column}, but the cell is empty.",
                f"Fill in {what}.",
                code="missing-link",
            )
