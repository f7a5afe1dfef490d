"""The survey's free-text answers, summarised per question.

The coordinator survey asks in words about the placement's advantages
(``q4_advantages``) and drawbacks (``q4_disadvantages``) and the three most
important achievements (``q5_achievement_1..3``). :func:`survey_free_text`
gives, per question, how many coordinators answered and the answers
themselves: sorted alphabetically (so their order tells nothing of who wrote
which), never attributed, and scanned for personal data and municipality
names (:class:`SurveyTextError` names the cell; an answer is never published
with them, whatever ``--allow-personal-data`` says).

**Language.** Answers are written in the study's language
(``evalkit:language``) and are not translated: the edition of that language
shows them, the other edition gives the counts and says where the answers
are. A published evaluation whose report gives no individual answers (the
default study) has none, and the note says so.
"""

from __future__ import annotations

import pandas as pd

from evalkit.study.kind import is_published_evaluation
from evalkit.study.metadata import language_name, study_language
from evalkit.study.segments import municipality_mentions

#: The free-text questions: (item, question id, the survey columns it covers).
FREE_TEXT_ITEMS = (
    ("q4_advantages", "q4", ("q4_advantages",)),
    ("q4_disadvantages", "q4", ("q4_disadvantages",)),
    ("q5_achievements", "q5", ("q5_achievement_1", "q5_achievement_2", "q5_achievement_3")),
)
COLUMNS = ("item", "question_id", "question", "respondents", "answered", "answers", "language", "shown", "note")
SURVEY_FILE = "survey_responses.csv"

NOT_PUBLISHED = {
    "sv": "Källrapporten återger inte de enskilda svaren.",
    "en": "The source report does not give the individual answers.",
}
NONE_ANSWERED = {"sv": "Ingen av de svarande skrev något här.", "en": "None of the respondents wrote anything here."}
IN_OTHER_EDITION = {
    "sv": "Svaren är skrivna på {said} och återges i den {said} utgåvan; de översätts inte här.",
    "en": "The answers were written in {said} and are given in the {said} edition; they are not translated here.",
}


#: Swedish alphabetical order puts å, ä, ö after z (in that order).
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def alphabetical_key(text: str) -> str:
    """Sort key for answers: case ignored, å, ä and ö after z as in Swedish."""
    return text.casefold().translate(_SWEDISH_ORDER)


class SurveyTextError(ValueError):
    """A free-text answer that must not be published (personal data, a municipality named)."""


def _question_text(study, item: str, question_id: str, columns: tuple[str, ...], language: str) -> str:
    """The item's own label for a single column (``Fördelar med placeringen``), else the question's text."""
    from evalkit.survey.items import item_definitions

    if len(columns) == 1 and item_definitions().get(columns[0], {}).get("label_" + language):
        return item_definitions()[columns[0]]["label_" + language]
    questions = study.codebook["survey_questions"]
    hit = questions[questions["question_id"] == question_id]
    return str(hit.iloc[0]["text_" + language]) if len(hit) else item


def answer_problems(study) -> list[str]:
    """Every free-text answer that must not be published, one line each (empty when all may be)."""
    from evalkit import privacy

    survey = study.tables["survey_responses"]
    names = dict(zip(study.tables["municipalities"]["municipality_id"], study.tables["municipalities"]["name"]))
    names = {key: (None if pd.isna(value) else str(value)) for key, value in names.items()}
    lines = []
    for position, row in enumerate(survey.itertuples(index=False), start=2):
        for _, _, columns in FREE_TEXT_ITEMS:
            for column in columns:
                text = getattr(row, column, pd.NA)
                if pd.isna(text):
                    continue
                where = f"{SURVEY_FILE}, row {position}, column {column}"
                lines += [
                    f"{where}: {privacy.with_article(k)} ({shown})."
                    for k, shown in privacy.find_personal_data(str(text))
                ]
                lines += [f"{where}: names the municipality '{m}'." for m in municipality_mentions(str(text), names)]
    return lines


def survey_free_text(study, language: str) -> pd.DataFrame:
    """The free-text answers of the survey per question, for the ``language`` edition.

    Parameters
    ----------
    study : Study
    language : {"sv", "en"}

    Returns
    -------
    pandas.DataFrame
        One row per item of :data:`FREE_TEXT_ITEMS`, columns :data:`COLUMNS`:
        ``question`` in ``language``; ``respondents`` (survey rows) and
        ``answered`` (respondents who wrote at least one answer to the item);
        ``answers`` a tuple of the answers in alphabetical order (each
        achievement of Q5 separately), empty when this edition does not show
        them; ``language`` the language they are written in; ``shown``
        whether this edition shows them; ``note`` one sentence when it does
        not (or when there are none), else ``""``.

    Raises
    ------
    SurveyTextError
        When an answer holds personal data or names a municipality.
    """
    if language not in ("sv", "en"):
        raise ValueError(f"language must be 'sv' or 'en', not {language!r}")
    problems = answer_problems(study)
    if problems:
        raise SurveyTextError(
            "a survey answer must not be printed; nothing was published:\n"
            + "\n".join(problems)
            + "\nRemove the personal data or the municipality from the answer."
        )
    survey = study.tables["survey_responses"]
    written_in = study_language(study)
    rows = []
    for item, question_id, columns in FREE_TEXT_ITEMS:
        present = [c for c in columns if c in survey]
        answers = [str(text).strip() for c in present for text in survey[c].dropna() if str(text).strip()]
        answered = int(survey[present].notna().any(axis=1).sum()) if present and len(survey) else 0
        answers = sorted(answers, key=lambda text: (alphabetical_key(text), text))
        shown = bool(answers) and written_in == language
        if not answers:
            note = (NOT_PUBLISHED if is_published_evaluation(study) else NONE_ANSWERED)[language]
        elif not shown:
            note = IN_OTHER_EDITION[language].format(said=language_name(written_in, language))
        else:
            note = ""
        rows.append(
            {
                "item": item,
                "question_id": question_id,
                "question": _question_text(study, item, question_id, columns, language),
                "respondents": len(survey),
                "answered": answered,
                "answers": tuple(answers) if shown else (),
                "language": written_in,
                "shown": shown,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
