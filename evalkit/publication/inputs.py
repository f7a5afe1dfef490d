"""What the publication takes from the study besides its tables: metadata, quotes, interpretation, sources.

Each function asks the module that owns the data (the descriptor metadata
reader, the quotes, the evaluator's interpretation files, the sources per
language) and falls back to what the study already gives when that module is
not there:

* :func:`metadata` — :func:`evalkit.study.metadata.publication_metadata`;
  otherwise the descriptor's ``evalkit:title_<language>``,
  ``evalkit:publisher``… keys, and a title made from the county.
* :func:`quotes` — :func:`evalkit.analysis.quotes.quotes`; otherwise none.
* :func:`interpretation` — :func:`evalkit.study.interpretation.interpretation`;
  otherwise none.
* :func:`survey_free_text` — the survey's free-text answers summarised per
  question (``evalkit.analysis.quotes.survey_free_text``); otherwise none.
* :func:`source_notes` — what a finding rests on, as readable notes in the
  edition's language (:mod:`evalkit.present.sources`); otherwise the source
  report's sections (a published evaluation) or the kind of data a finding
  reads (fieldwork).

The slots of the evaluator's interpretation the publication shows are
:data:`SLOTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from evalkit.publication import wording

#: The places where the publication shows the evaluator's own text, in reading order.
#: ``quality_area.<id>`` is one slot per quality area of the codebook.
SLOTS = (
    "foreword",
    "summary",
    "introduction",
    "organisation",
    "quality_areas",
    "quality_area.<quality_area_id>",
    "comparison",
    "success_factors",
    "condition.<condition_id>",
    "conclusions",
)


@dataclass(frozen=True)
class Metadata:
    """The title page's fields in one language (empty when the study does not give them)."""

    title: str
    subtitle: str | None = None
    publisher: str | None = None
    year: str | None = None
    series: str | None = None
    diary_number: str | None = None
    isbn: str | None = None
    date: str | None = None
    based_on: str | None = None


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def county(study) -> str | None:
    """The study's county: the descriptor's ``evalkit:county``, else the most frequent of its municipalities', or None."""
    named = _text((study.descriptor or {}).get("evalkit:county"))
    if named:
        return named
    municipalities = study.tables.get("municipalities")
    if municipalities is None or "county" not in municipalities or municipalities["county"].dropna().empty:
        return None
    counts = municipalities["county"].dropna().astype(str).value_counts()
    return str(sorted(counts.index, key=lambda name: (-counts[name], name))[0])


def study_year(study) -> str | None:
    """The year of the study: the descriptor's ``evalkit:year``, the source report's year, or the name's."""
    from evalkit.study.kind import source_report

    descriptor = study.descriptor or {}
    for value in (descriptor.get("evalkit:year"), (source_report(study) or {}).get("year")):
        if _text(value):
            return _text(value)
    match = re.search(r"(?:^|[-_])((?:19|20)\d\d)$", str(study.name))
    return match.group(1) if match else None


def metadata(study, language: str) -> Metadata:
    """The title page's fields in ``language``."""
    try:
        from evalkit.study.metadata import publication_metadata  # the descriptor metadata reader
    except ImportError:
        publication_metadata = None
    if publication_metadata is not None:
        found = publication_metadata(study, language)
        return Metadata(
            **{name: _text(getattr(found, name, None)) for name in Metadata.__dataclass_fields__ if name != "title"},
            title=_text(getattr(found, "title", None)) or wording.default_title(county(study), language),
        )
    descriptor = study.descriptor or {}
    from evalkit.study.kind import source_report

    report = source_report(study)
    subtitle = _text(descriptor.get(f"evalkit:subtitle_{language}"))
    if subtitle is None and report is not None:
        subtitle = wording.source_report_subtitle(report, language)
    return Metadata(
        title=_text(descriptor.get(f"evalkit:title_{language}")) or wording.default_title(county(study), language),
        subtitle=subtitle or wording.default_subtitle(language),
        publisher=_text(descriptor.get("evalkit:publisher")),
        year=study_year(study),
        series=_text(descriptor.get("evalkit:series")),
        diary_number=_text(descriptor.get("evalkit:diary_number")),
        isbn=_text(descriptor.get("evalkit:isbn")),
        date=_text(descriptor.get("evalkit:date")),
    )


QUOTE_COLUMNS = ["quality_area_id", "condition_id", "text", "attribution"]


def quotes(study, language: str) -> pd.DataFrame:
    """The respondents' own words the evaluator chose: ``quality_area_id, condition_id, text, attribution``.

    Empty when the study has none (or the quotes module is not there).
    """
    try:
        from evalkit.analysis.quotes import quotes as chosen
    except ImportError:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    frame = chosen(study, language)
    for column in QUOTE_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    return frame[QUOTE_COLUMNS].reset_index(drop=True)


def quotes_note(study, language: str) -> str | None:
    """One sentence on the quotes for the method appendix (how chosen; none; in the other edition), or None."""
    try:
        from evalkit.analysis.quotes import quotes_note as note
    except ImportError:
        return None
    return note(study, language)


SURVEY_COLUMNS = ["item", "question_id", "question", "respondents", "answered", "answers", "language", "shown", "note"]


def survey_free_text(study, language: str) -> pd.DataFrame:
    """The survey's free-text answers per question (:func:`evalkit.analysis.survey_text.survey_free_text`).

    Columns ``question`` (in ``language``), ``answered``, ``answers`` (a tuple,
    empty when this edition does not show them) and ``note`` (why not, or "").
    Empty when the module that summarises them is not there.
    """
    try:
        from evalkit.analysis.survey_text import survey_free_text as summarised
    except ImportError:
        return pd.DataFrame(columns=SURVEY_COLUMNS)
    return summarised(study, language)


def interpretation(study, language: str) -> dict[str, str]:
    """The evaluator's own text per slot (Markdown, footnotes included), in ``language``; empty when there is none."""
    try:
        from evalkit.study.interpretation import interpretation as texts
    except ImportError:
        return {}
    return {str(slot): str(text) for slot, text in dict(texts(study, language)).items() if str(text).strip()}


_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.*)$", re.M)


def footnotes(study, text: str, language: str) -> dict[str, tuple[str, tuple]]:
    """The footnotes of an evaluator's text: ``label -> (note key, note text as running text)``.

    A footnote's text is a source cell (``Kap. 2, …``, ``intervjuer``), written
    as a note in the edition's language by :func:`evalkit.present.sources.note_text`
    (the text as written when that module is not there); the same text is the
    same note wherever it is cited.
    """
    try:
        from evalkit.present.sources import note_text
    except ImportError:

        def note_text(_study, cell, _language):
            return str(cell).strip()

    found = {}
    for label, cell in _FOOTNOTE_DEFINITION.findall(text or ""):
        written = note_text(study, cell, language)
        if written:
            found[label] = ("note:" + re.sub(r"\s+", " ", written).lower(), _marked(study, written, language))
    return found


_QUOTED = re.compile(r"([”“])([^”“]+)(”)")


def _marked(study, text: str, language: str) -> tuple:
    """A note as running text: quoted titles of a source report in another language marked as :class:`Foreign`."""
    from evalkit.publication.inline import Foreign
    from evalkit.study.kind import is_published_evaluation

    source_language = "sv"  # the source reports evalkit re-encodes are Swedish
    if language == source_language or not is_published_evaluation(study):
        return (text,)
    out: list = []
    position = 0
    for match in _QUOTED.finditer(text):
        out.append(text[position : match.start()] + match.group(1))
        out.append(Foreign(match.group(2), source_language))
        out.append(match.group(3))
        position = match.end()
    out.append(text[position:])
    merged: list = []
    for part in out:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


# --------------------------------------------------------------------------- sources as numbered notes

_REPORT_PART = re.compile(r"^(?:(Kap\.|Bilaga)\s*(\d+)\s*,?\s*(.*)|(Sammanfattning|Förord)\s*,?\s*(.*))$")
#: For fieldwork: the kind of data each part of the findings table reads.
_FIELDWORK_SOURCES = (
    ("study.interviews", "interviews"),
    ("study.managers", "interviews"),
    ("study.staff", "interviews"),
    ("study.survey", "survey"),
    ("study.municipalities", "municipalities"),
    ("org.", "organisation"),
    ("team.", "organisation"),
    ("qa.", "assessments"),
    ("cases.", "case_statistics"),
    ("sf.", "conditions"),
)


def _report_note(part: str, report: dict, language: str):
    match = _REPORT_PART.match(part.strip())
    if match is None:
        return None
    if match.group(4):
        return wording.report_front_note(report, match.group(4), match.group(5).strip() or None, language)
    kind = "chapter" if match.group(1) == "Kap." else "appendix"
    return wording.report_section_note(report, kind, match.group(2), match.group(3).strip() or None, language)


def source_notes(study, findings: pd.DataFrame, language: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple]]:
    """Where each finding comes from, as numbered notes.

    Returns
    -------
    (dict, dict)
        ``finding_id -> note keys`` (in the order the source cell names them)
        and ``note key -> note text`` (running text) in ``language``. A source is one note,
        however many findings cite it.
    """
    try:
        from evalkit.present.sources import finding_notes  # sources per language
    except ImportError:
        finding_notes = None
    if finding_notes is not None:
        by_finding, texts = finding_notes(study, findings, language)
        return by_finding, {key: _marked(study, str(text), language) for key, text in texts.items()}
    from evalkit.study.kind import source_report

    report = source_report(study)
    by_finding: dict[str, tuple[str, ...]] = {}
    texts: dict[str, tuple] = {}
    for finding_id, source in zip(findings["finding_id"], findings["source"]):
        keys = []
        if report is not None:
            for part in str(source if isinstance(source, str) else "").split(";"):
                text = _report_note(part, report, language)
                if text is None:
                    continue
                key = "source:" + re.sub(r"\s+", " ", part.strip()).lower()
                texts.setdefault(key, text)
                keys.append(key)
        else:
            kind = next((k for prefix, k in _FIELDWORK_SOURCES if str(finding_id).startswith(prefix)), None)
            if kind is not None:
                key = f"source:{kind}"
                texts.setdefault(key, wording.fieldwork_source_note(kind, language))
                keys.append(key)
        by_finding[str(finding_id)] = tuple(dict.fromkeys(keys))
    return by_finding, texts
