"""Texts a study writes in both languages: every ``*_sv`` column has its ``*_en`` twin, and both are filled.

Each language edition of a report is wholly in its language: a codebook label,
definition or statement, a survey question and a published claim are shown
from the column of the edition's language, never from the other one. The
canonical schema therefore declares every such pair (``label_sv`` /
``label_en``, ``claim_sv`` / ``claim_en``, …) and marks both cells required;
:func:`missing_translation` words the problem ``evalkit validate`` reports
when one of the two is empty, naming the text that is there.
"""

from __future__ import annotations

LANGUAGES = ("sv", "en")
LANGUAGE_NAMES = {"sv": "Swedish", "en": "English"}
MAX_SHOWN = 60


def language_of(column: str) -> str | None:
    """``"sv"`` for ``label_sv``, ``"en"`` for ``claim_en``, None for a column of no language."""
    for language in LANGUAGES:
        if column.endswith("_" + language):
            return language
    return None


def twin(column: str) -> str | None:
    """The other language's column: ``twin("label_sv") == "label_en"``."""
    language = language_of(column)
    if language is None:
        return None
    other = "en" if language == "sv" else "sv"
    return column[: -len(language)] + other


def text_pairs(resource: dict) -> list[tuple[str, str]]:
    """The ``(x_sv, x_en)`` column pairs of a Table Schema resource, in schema order."""
    names = [spec["name"] for spec in resource["schema"]["fields"]]
    return [(name, twin(name)) for name in names if language_of(name) == "sv" and twin(name) in names]


def missing_translation(column: str, other_text: str) -> tuple[str, str]:
    """The message and fix for an empty ``column`` whose twin holds ``other_text``.

    Examples
    --------
    >>> message, fix = missing_translation("claim_sv", "Eight of ten.")
    >>> message
    "the Swedish text is missing: claim_en is 'Eight of ten.' but claim_sv is empty."
    """
    language = language_of(column)
    name = LANGUAGE_NAMES[language]
    shown = other_text if len(other_text) <= MAX_SHOWN else other_text[: MAX_SHOWN - 1] + "…"
    return (
        f"the {name} text is missing: {twin(column)} is '{shown}' but {column} is empty.",
        f"Write the same text in {name} in {column}: the {name} edition shows {column} and never the "
        f"other language's text.",
    )


def missing_both(column: str) -> tuple[str, str]:
    """The message and fix for a pair whose two cells are both empty."""
    return (
        f"the cell is empty, and so is {twin(column)}; the text is required in both languages.",
        f"Write the text in Swedish in {column if language_of(column) == 'sv' else twin(column)} and in English "
        f"in {column if language_of(column) == 'en' else twin(column)}.",
    )
