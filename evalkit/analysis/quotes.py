"""The respondents' own words: the quotes an evaluator chose from the coded interview excerpts.

An excerpt in ``coded_segments`` becomes a quote only when the evaluator
marks it ``quotable = yes`` (the QDA import leaves the column empty). A quote
belongs to the quality area of the indicator it is coded to, or to the
condition (success factor or failure explanation) it is coded to. ``evalkit
validate`` has already checked every quotable excerpt (:mod:`evalkit.study.segments`):
short, no personal data, no municipality named, and in agreement with the
assessment it illustrates.

:func:`quotes` chooses up to ``per_group`` quotes per quality area and per
condition, in a fixed order: groups in codebook order; within a group, the
order of the rows in ``coded_segments`` (the evaluator's), each text once and
at most one quote per interview, so that one voice does not fill a section.
Each quote is attributed by role only (:func:`evalkit.present.quotes.quote_attribution`).

**Language.** An excerpt is what was said, in the language it was said: the
study's language (``evalkit:language``). Quotes are not translated: they are
shown in the edition of their language, and the other edition says where they
are (:func:`quotes_note`). Nothing of the other language is printed.

**Privacy.** Every chosen quote is scanned again (:mod:`evalkit.privacy`)
and checked for municipality names; a hit raises :class:`QuoteError` naming
the row of ``coded_segments``, whatever ``--allow-personal-data`` says: a
quote is never published with personal data.
"""

from __future__ import annotations

import re

import pandas as pd

from evalkit.study.metadata import language_name, study_language
from evalkit.study.segments import MAX_QUOTE_WORDS, municipality_mentions, word_count

#: Quotes shown per quality area and per condition at most.
MAX_QUOTES = 3
QUOTE_COLUMNS = (
    "group",
    "quality_area_id",
    "condition_id",
    "indicator_id",
    "value",
    "text",
    "attribution",
    "language",
    "interview_id",
    "segment_id",
)
SEGMENTS_FILE = "coded_segments.csv"


class QuoteError(ValueError):
    """A quotable excerpt that must not be published (personal data, a municipality named)."""


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="string") for column in QUOTE_COLUMNS})


def quotable_segments(study) -> pd.DataFrame:
    """The rows of ``coded_segments`` marked ``quotable = yes``, in file order, with their spreadsheet ``row``."""
    segments = study.tables.get("coded_segments")
    if segments is None or segments.empty or "quotable" not in segments:
        return pd.DataFrame(columns=[*(segments.columns if segments is not None else ()), "row"])
    marked = segments["quotable"].fillna("").astype(str).str.strip().str.lower() == "yes"
    chosen = segments[marked].copy()
    chosen["row"] = chosen.index + 2
    return chosen.reset_index(drop=True)


def clean_text(text: str) -> str:
    """An excerpt as printed: whitespace squeezed, surrounding quotation marks removed."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text.strip("\"'”“„’‘«» ").strip()


def quote_problems(study) -> list[str]:
    """Every quotable excerpt that must not be published, one line each (empty when all may be).

    Examples of a line: ``coded_segments.csv, row 7 (segment P.qdpx/12): a personal name (Anna A***).``
    """
    from evalkit import privacy

    names = dict(zip(study.tables["municipalities"]["municipality_id"], study.tables["municipalities"]["name"]))
    names = {key: (None if pd.isna(value) else str(value)) for key, value in names.items()}
    lines = []
    for segment in quotable_segments(study).itertuples(index=False):
        where = f"{SEGMENTS_FILE}, row {segment.row} (segment {segment.segment_id})"
        text = "" if pd.isna(segment.excerpt) else str(segment.excerpt)
        for kind, shown in privacy.find_personal_data(text):
            lines.append(f"{where}: {privacy.with_article(kind)} ({shown}).")
        for named in municipality_mentions(text, names):
            lines.append(f"{where}: names the municipality '{named}'.")
    return lines


def _groups(study) -> list[tuple[str, str]]:
    """``(kind, id)`` of every quality area and condition, in codebook order."""
    areas = study.codebook["quality_areas"].sort_values("order", kind="stable")["quality_area_id"]
    conditions = study.codebook["conditions"]["condition_id"]
    return [("quality_area", str(a)) for a in areas] + [("condition", str(c)) for c in conditions]


def quotes(study, language: str, per_group: int = MAX_QUOTES) -> pd.DataFrame:
    """The quotes the ``language`` edition shows, per quality area and per condition.

    Parameters
    ----------
    study : Study
    language : {"sv", "en"}
        The edition. Quotes are in the study's language (``evalkit:language``):
        the other edition gets none (see :func:`quotes_note`).
    per_group : int
        Quotes per quality area and per condition at most.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`QUOTE_COLUMNS`: ``group`` (``quality_area`` or
        ``condition``), ``quality_area_id`` (for an indicator's quote) or
        ``condition_id``, ``indicator_id``, ``value`` (what the excerpt says:
        yes/partly/no), ``text`` (the excerpt as printed), ``attribution``
        (the role, :func:`evalkit.present.quotes.quote_attribution`),
        ``language`` (the language it was said in), and for audit only
        ``interview_id`` and ``segment_id`` (never to be printed). Groups in
        codebook order; empty when the study has no quotable excerpts.

    Raises
    ------
    QuoteError
        When a quotable excerpt holds personal data or names a municipality.
    """
    from evalkit.present.quotes import quote_attribution

    if language not in ("sv", "en"):
        raise ValueError(f"language must be 'sv' or 'en', not {language!r}")
    problems = quote_problems(study)
    if problems:
        raise QuoteError(
            "a quote chosen for the publication must not be printed; nothing was published:\n"
            + "\n".join(problems)
            + "\nRemove the personal data or the municipality from the excerpt, or set quotable to no."
        )
    said_in = study_language(study)
    segments = quotable_segments(study)
    if segments.empty or said_in != language:
        return _empty()
    areas = dict(zip(study.codebook["indicators"]["indicator_id"], study.codebook["indicators"]["quality_area_id"]))
    rows: dict[tuple[str, str], list[dict]] = {}
    for segment in segments.itertuples(index=False):
        text = clean_text(segment.excerpt) if not pd.isna(segment.excerpt) else ""
        if not text or word_count(text) > MAX_QUOTE_WORDS:
            continue
        condition = getattr(segment, "condition_id", pd.NA)
        if not pd.isna(condition):
            key = ("condition", str(condition))
        elif not pd.isna(segment.indicator_id) and segment.indicator_id in areas:
            key = ("quality_area", str(areas[segment.indicator_id]))
        else:
            continue
        chosen = rows.setdefault(key, [])
        if len(chosen) >= per_group or any(
            row["text"] == text or row["interview_id"] == segment.interview_id for row in chosen
        ):
            continue
        chosen.append(
            {
                "group": key[0],
                "quality_area_id": key[1] if key[0] == "quality_area" else pd.NA,
                "condition_id": key[1] if key[0] == "condition" else pd.NA,
                "indicator_id": pd.NA if pd.isna(segment.indicator_id) else str(segment.indicator_id),
                "value": str(segment.value),
                "text": text,
                "attribution": quote_attribution(study, str(segment.interview_id), language),
                "language": said_in,
                "interview_id": str(segment.interview_id),
                "segment_id": str(segment.segment_id),
            }
        )
    ordered = [row for group in _groups(study) for row in rows.get(group, [])]
    if not ordered:
        return _empty()
    return pd.DataFrame(ordered, columns=list(QUOTE_COLUMNS)).astype("string")


#: What an edition says about the interview quotes, by case.
NO_QUOTES_PUBLISHED = {
    "sv": "Rapporten återger inga citat ur intervjuerna: källrapportens citat är dess egna urval och "
    "intervjuerna själva ingår inte i underlaget.",
    "en": "The report quotes no interviews: the source report's quotes are its own selection, and the interviews "
    "themselves are not part of the material.",
}
NO_QUOTES_CHOSEN = {
    "sv": "Utvärderaren har inte valt ut några citat ur intervjuerna.",
    "en": "The evaluator has chosen no quotes from the interviews.",
}
QUOTES_IN_OTHER_EDITION = {
    "sv": "Citaten ur intervjuerna återges på {said}, det språk de sades på, i den {said_adjective} utgåvan; "
    "de översätts inte här.",
    "en": "The quotes from the interviews are given in {said}, the language they were said in, in the {said} "
    "edition; they are not translated here.",
}
QUOTES_ATTRIBUTED = {
    "sv": "Citaten är utvalda av utvärderaren och återges med den intervjuades roll, aldrig med namn eller "
    "kommun; en roll som färre än {threshold} intervjuade har anges som en bredare grupp.",
    "en": "The quotes were chosen by the evaluator and are given with the interviewee's role, never with a name "
    "or municipality; a role held by fewer than {threshold} interviewees is given as a wider group.",
}
_SWEDISH_ADJECTIVES = {"sv": "svenska", "en": "engelska"}


def quotes_note(study, language: str) -> str:
    """One sentence for the ``language`` edition's method appendix about the quotes.

    A published evaluation re-encoded as data quotes nobody (its report's
    quotes are not copied); a study whose evaluator marked no excerpt says
    so; an edition in another language than the quotes says where they are;
    otherwise how quotes are chosen and attributed.
    """
    from evalkit.present.quotes import attribution_threshold
    from evalkit.study.kind import is_published_evaluation

    if quotable_segments(study).empty:
        return (NO_QUOTES_PUBLISHED if is_published_evaluation(study) else NO_QUOTES_CHOSEN)[language]
    said_in = study_language(study)
    if said_in != language:
        said = language_name(said_in, language)
        return QUOTES_IN_OTHER_EDITION[language].format(said=said, said_adjective=_SWEDISH_ADJECTIVES[said_in])
    return QUOTES_ATTRIBUTED[language].format(threshold=attribution_threshold(study))
