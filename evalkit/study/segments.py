"""Checks on coded interview segments, above all on the excerpts an evaluator marks as quotes.

``coded_segments`` holds what ``evalkit qda import`` read from a QDA project
(see ``docs/fieldwork.md``), one row per coding: the interview, the
indicator **or** the condition (success factor or failure explanation) the
code stands for, the value it speaks for, and the excerpt. The evaluator
marks the excerpts the publication may quote with ``quotable = yes``.

What ``evalkit validate`` checks here (each problem located at its row):

* every segment names exactly one of ``indicator_id`` and ``condition_id``,
  and no two rows repeat the same segment for the same indicator or condition;
* a quotable segment has an excerpt, of at most :data:`MAX_QUOTE_WORDS` words;
* a quotable excerpt holds no personal data (:mod:`evalkit.privacy`; a
  quote is never shown with it, whatever ``--allow-personal-data`` says) and
  names no municipality (its name, or its pseudonym written as
  *kommun P* / *municipality P*) and no id of the study;
* a quotable segment agrees with the value the evaluation gives what it
  illustrates: for an indicator, the agreed assessment of a subject the
  interview is about (the interview's municipality, the coordinator it is
  with or the coordinators serving that municipality, or the partner
  interview itself, as ``evalkit qda import`` groups them); for a condition,
  the ``conditions`` value of such a municipality. The segment's value must
  equal it, or the assessment must be ``partly`` (mixed evidence). A quote
  that contradicts the finding beside which it is printed would mislead.

The checks take the validator's records (dicts of one row each, with
``_row``) through a small interface (``rows``, ``has``), and yield
``(table, record, column, value, message, fix, code)`` for the validator to
locate; the codes are :data:`SEGMENT_CODES`'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: A quote longer than this many words is not a short quote.
MAX_QUOTE_WORDS = 80
TABLE = "coded_segments"
MUNICIPAL_POPULATIONS = ("all_municipalities", "municipalities_with_coordinator", "team_municipalities")
AGREED = ("agreed", None, "")
#: The problem codes of these checks (see :data:`evalkit.study.validate.problems.CODES`).
SEGMENT_CODES = {
    "target": "segment-target",
    "duplicate": "duplicate-key",
    "unfit": "quote-unfit",
    "contradicts": "quote-contradicts",
}


def is_quotable(record: dict) -> bool:
    """Whether a segment's row marks its excerpt as a quote (``yes``; empty means no)."""
    return (record.get("quotable") or "").strip().lower() == "yes"


def word_count(text: str) -> int:
    """Words in a text (runs of letters or digits)."""
    return len(re.findall(r"\w+", text or ""))


def compatible(segment_value: str | None, assessed: str | None) -> bool:
    """Whether a segment saying ``segment_value`` agrees with an assessed value (``partly`` fits any)."""
    return assessed is not None and assessed != "unknown" and (assessed == "partly" or segment_value == assessed)


def municipality_mentions(text: str, names: dict[str, str | None]) -> list[str]:
    """The municipalities a text names: ``names`` maps each id to its real name (or None).

    A real name counts anywhere as a word; a pseudonym only as *kommun X*,
    *kommunen X* or *municipality X*, since a one-letter id is an ordinary word.
    """
    found = []
    for municipality_id, name in names.items():
        patterns = [rf"\b(?:kommun(?:en)?|municipality)\s+{re.escape(municipality_id)}\b"]
        if name:
            patterns.append(rf"(?<!\w){re.escape(name)}(?!\w)")
        if any(re.search(pattern, text, re.I) for pattern in patterns):
            found.append(name or municipality_id)
    return found


def id_mentions(text: str, ids: set[str]) -> list[str]:
    """The study ids of two characters or more (interviews, coordinators, documents) a text names."""
    tokens = set(re.findall(r"\b[A-Za-z]{1,4}\d{1,4}\b", text))
    return sorted(token for token in tokens if token in ids)


def _served(checked) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    serves: dict[str, set[str]] = {}
    served_by: dict[str, set[str]] = {}
    for record in checked.rows("coordinator_municipalities"):
        coordinator, municipality = record.get("coordinator_id"), record.get("municipality_id")
        if coordinator and municipality:
            serves.setdefault(coordinator, set()).add(municipality)
            served_by.setdefault(municipality, set()).add(coordinator)
    return serves, served_by


def subjects_of_interview(interview: dict, population: str, serves: dict, served_by: dict) -> set[str]:
    """The subjects an interview speaks about for an indicator of ``population`` (as the QDA import groups them)."""
    municipality, coordinator = interview.get("municipality_id"), interview.get("coordinator_id")
    if population in MUNICIPAL_POPULATIONS or population == "conditions":
        found = {municipality} if municipality else set()
        return found | (serves.get(coordinator, set()) if coordinator else set())
    if population == "coordinators":
        found = {coordinator} if coordinator else set()
        return found | (served_by.get(municipality, set()) if municipality else set())
    if population == "external_partner_interviews" and interview.get("respondent_group") == "external_partner":
        return {interview["interview_id"]}
    return set()


def _assessed_values(checked) -> dict[tuple[str, str], set[str]]:
    """(indicator, subject) -> the agreed value, or every coder's value where no agreed row exists."""
    agreed: dict[tuple[str, str], set[str]] = {}
    coders: dict[tuple[str, str], set[str]] = {}
    for record in checked.rows("assessments"):
        key = (record.get("indicator_id"), record.get("subject_id"))
        if None in key or record.get("value") is None:
            continue
        target = agreed if record.get("coder") in AGREED else coders
        target.setdefault(key, set()).add(record["value"])
    return {**coders, **agreed}


def _value_word(value: str | None) -> str:
    return "unknown (no row)" if value is None else value


def segment_problems(checked) -> Iterator[tuple]:
    """Every problem of ``coded_segments`` (see the module docstring), as ``(table, record, column, value, message, fix, code)``."""
    if not checked.has(TABLE, "segment_id"):
        return
    columns = checked.columns[TABLE]
    has_condition = "condition_id" in columns
    seen: dict[tuple, int] = {}
    for record in checked.rows(TABLE):
        indicator, condition = record.get("indicator_id"), record.get("condition_id") if has_condition else None
        if (indicator is None) == (condition is None) and "indicator_id" in columns:
            both = indicator is not None
            yield (
                TABLE,
                record,
                "indicator_id" if not both else "condition_id",
                condition if both else "",
                "the segment names both an indicator and a condition."
                if both
                else "the segment names neither an indicator nor a condition.",
                "Fill in exactly one: indicator_id for a code that stands for an indicator, condition_id for a "
                "code that stands for a success factor or failure explanation.",
                SEGMENT_CODES["target"],
            )
        if has_condition and record.get("segment_id") is not None:
            key = (record["segment_id"], indicator, condition)
            if key in seen:
                yield (
                    TABLE,
                    record,
                    "segment_id",
                    record["segment_id"],
                    f"duplicate key: the segment is coded to the same {'indicator' if indicator else 'condition'} "
                    f"as row {seen[key]}.",
                    "Each segment has one row per indicator or condition; delete the duplicate row.",
                    SEGMENT_CODES["duplicate"],
                )
            else:
                seen[key] = record["_row"]
    if "quotable" in columns:
        yield from _quote_problems(checked)


def _quote_problems(checked) -> Iterator[tuple]:
    interviews = {r["interview_id"]: r for r in checked.rows("interviews") if r.get("interview_id")}
    populations = {
        r["indicator_id"]: r.get("population") for r in checked.rows("codebook_indicators") if r.get("indicator_id")
    }
    names = {r["municipality_id"]: r.get("name") for r in checked.rows("municipalities") if r.get("municipality_id")}
    ids = (
        {i for i in interviews}
        | checked.ids("coordinators", "coordinator_id")
        | checked.ids("documents", "document_id")
    )
    ids = {i for i in ids if len(i) >= 2}
    serves, served_by = _served(checked)
    assessed = _assessed_values(checked)
    conditions: dict[tuple[str, str], set[str]] = {}
    for row in checked.rows("conditions"):
        if row.get("municipality_id") and row.get("condition_id") and row.get("value"):
            conditions.setdefault((row["condition_id"], row["municipality_id"]), set()).add(row["value"])
    from evalkit import privacy

    for record in checked.rows(TABLE):
        if not is_quotable(record):
            continue
        excerpt = (record.get("excerpt") or "").strip()
        if not excerpt:
            yield (
                TABLE,
                record,
                "excerpt",
                "",
                "the segment is marked quotable but has no excerpt.",
                "Copy the passage into excerpt, or set quotable to no.",
                SEGMENT_CODES["unfit"],
            )
            continue
        words = word_count(excerpt)
        if words > MAX_QUOTE_WORDS:
            yield (
                TABLE,
                record,
                "excerpt",
                None,
                f"the quotable excerpt has {words} words; a quote in the publication has at most {MAX_QUOTE_WORDS}.",
                "Shorten it to the words that matter (mark a cut with […]), or set quotable to no.",
                SEGMENT_CODES["unfit"],
            )
        for kind, shown in privacy.find_personal_data(excerpt):
            yield (
                TABLE,
                record,
                "excerpt",
                None,
                f"the quotable excerpt holds {privacy.with_article(kind)} ({shown}); a quote is never shown with "
                "personal data.",
                "Remove it from the excerpt (write a role such as [chefen] instead), or set quotable to no.",
                SEGMENT_CODES["unfit"],
            )
        for named in municipality_mentions(excerpt, names) + id_mentions(excerpt, ids):
            yield (
                TABLE,
                record,
                "excerpt",
                None,
                f"the quotable excerpt names '{named}'; a quote must not point to a municipality or a respondent.",
                "Replace it with a neutral word in brackets (e.g. [kommunen]), or set quotable to no.",
                SEGMENT_CODES["unfit"],
            )
        yield from _agreement_problem(checked, record, interviews, populations, serves, served_by, assessed, conditions)


def _agreement_problem(checked, record, interviews, populations, serves, served_by, assessed, conditions):
    interview = interviews.get(record.get("interview_id"))
    value = record.get("value")
    if interview is None or value is None:
        return
    indicator, condition = record.get("indicator_id"), record.get("condition_id")
    if indicator is not None and condition is None:
        population = populations.get(indicator)
        if population is None:
            return
        subjects = subjects_of_interview(interview, population, serves, served_by)
        values = {subject: assessed.get((indicator, subject)) for subject in sorted(subjects)}
        what, table = f"indicator {indicator}", "assessments"
    elif condition is not None and indicator is None:
        subjects = subjects_of_interview(interview, "conditions", serves, served_by)
        values = {subject: conditions.get((condition, subject)) for subject in sorted(subjects)}
        what, table = f"condition {condition}", "conditions"
    else:
        return
    if not subjects:
        yield (
            TABLE,
            record,
            "interview_id",
            record["interview_id"],
            f"the quotable segment is from an interview that is about none of the subjects {what} is assessed "
            "for, so no value of the evaluation backs the quote.",
            "Code the segment to what the interview speaks about, or set quotable to no.",
            SEGMENT_CODES["contradicts"],
        )
        return
    if any(compatible(value, v) for found in values.values() if found for v in found):
        return
    described = ", ".join(
        f"{subject} {'/'.join(sorted(found)) if found else _value_word(None)}" for subject, found in values.items()
    )
    yield (
        TABLE,
        record,
        "value",
        value,
        f"the quotable segment says '{value}' about {what}, but {table} gives {described}; a quote beside the "
        "finding would contradict it.",
        f"Correct the segment's value or the {table} row it illustrates, or set quotable to no.",
        SEGMENT_CODES["contradicts"],
    )
