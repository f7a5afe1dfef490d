"""The survey's questions and answer items, in Swedish and English, and how export headers find them.

A **question** is a row of the study's ``codebook/survey_questions.csv`` (its
text in both languages, the ``survey_responses`` columns that answer it). An
**item** is one answer field: one column of ``survey_responses`` with a label
in both languages and a kind (``evalkit/schema/survey_items.csv``):

* ``id``: the respondent's coordinator id (given by the evaluator);
* ``municipalities``: municipality names or ids, separated by commas;
* ``percent``: a number from 0 to 100;
* ``choice``: one of the codes of the column's vocabulary (labels shown);
* ``text``: the respondent's own words.

A web-survey tool exports one column per item, headed by the question text
as the evaluator typed it. :func:`header_columns` lists every header that
names an item without a mapping: the column id, the item's label, the
question's text (for a question with one item), or the question's text and
the item's label together (``Question [label]`` as Google Forms and
Microsoft Forms write grid questions, or ``Question - label``), in either
language; case, spacing, a leading number (``3a.``, ``Q2)``) and closing
punctuation are ignored.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from evalkit import paths
from evalkit.study.codes import fold

ID_COLUMN = "coordinator_id"
KINDS = ("id", "municipalities", "percent", "choice", "text")
LEADING_NUMBER = re.compile(r"^(?:(?:q|fråga|question)\s*)?\d+\s*[a-z]?\s*[.):]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One answer field of the form: a column of ``survey_responses``."""

    column: str
    kind: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) for a choice item


@dataclass(frozen=True)
class Question:
    """One question of the form with its items (``number`` 0 is the respondent's id)."""

    number: int
    question_id: str
    text: str
    items: tuple[Item, ...]


@lru_cache(maxsize=1)
def item_definitions() -> dict[str, dict[str, str]]:
    """Column -> kind and labels, from ``evalkit/schema/survey_items.csv``."""
    with open(paths.SCHEMA_DIR / "survey_items.csv", encoding="utf-8", newline="") as handle:
        return {row["column"]: row for row in csv.DictReader(handle)}


def text_of(value) -> str:
    """A codebook cell as text (empty for a missing value)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def choices_for(codebook: dict[str, pd.DataFrame], column: str, language: str) -> tuple[tuple[str, str], ...]:
    """(code, label) of every code of the column's vocabulary, in the codebook's order."""
    vocabularies = codebook.get("vocabularies")
    if vocabularies is None or vocabularies.empty:
        return ()
    rows = vocabularies[vocabularies["vocabulary"].map(text_of) == column]
    return tuple(
        (text_of(row["code"]), text_of(row["label_" + language]) or text_of(row["code"])) for _, row in rows.iterrows()
    )


def item(codebook: dict[str, pd.DataFrame], column: str, language: str) -> Item:
    """The item answering ``column``; a column without a definition is a text item labelled by its id."""
    definition = item_definitions().get(column, {})
    kind = definition.get("kind", "text")
    label = definition.get("label_" + language) or column
    choices = choices_for(codebook, column, language) if kind == "choice" else ()
    return Item(column, kind, label, choices)


def survey_questions(codebook: dict[str, pd.DataFrame], language: str) -> list[Question]:
    """The form's questions in ``language``: the respondent's id first, then the codebook's questions in order.

    Parameters
    ----------
    codebook : dict of str to pandas.DataFrame
        The study's codebook tables (at least ``survey_questions``; ``vocabularies`` for choices).
    language : {"sv", "en"}
    """
    about = {"sv": "Om dig", "en": "About you"}[language]
    questions = [Question(0, "", about, (item(codebook, ID_COLUMN, language),))]
    for number, (_, row) in enumerate(codebook["survey_questions"].iterrows(), start=1):
        columns = [column.strip() for column in text_of(row["columns"]).split("|") if column.strip()]
        questions.append(
            Question(
                number,
                text_of(row["question_id"]),
                text_of(row["text_" + language]),
                tuple(item(codebook, column, language) for column in columns),
            )
        )
    return questions


def header_key(text: str) -> str:
    """A header as compared: case and spacing ignored, a leading number and closing punctuation removed."""
    folded = fold(text)
    folded = LEADING_NUMBER.sub("", folded)
    return folded.rstrip(" ?:.!*").strip()


def header_columns(codebook: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Header key -> column, for every header that names one item without a mapping (ambiguous keys left out)."""
    found: dict[str, set[str]] = {}

    def add(text: str, column: str) -> None:
        key = header_key(text)
        if key:
            found.setdefault(key, set()).add(column)

    for language in ("sv", "en"):
        for question in survey_questions(codebook, language):
            for entry in question.items:
                add(entry.column, entry.column)
                add(entry.label, entry.column)
                if len(question.items) == 1 and question.number:
                    add(question.text, entry.column)
                if question.number:
                    for joined in (f"{question.text} [{entry.label}]", f"{question.text} - {entry.label}"):
                        add(joined, entry.column)
                        add(joined.replace("? [", " [").replace("? - ", " - "), entry.column)
    return {key: next(iter(columns)) for key, columns in found.items() if len(columns) == 1}
