"""Where a value comes from, as a reader of either language edition reads it.

Every row of a study names its ``source`` in one cell, parts separated by
``;``. This module parses a cell into structured :class:`Reference` objects
and writes them in the edition's language:

* **A published evaluation** cites its source report by part:
  ``Kap. 2, Samordnarna bidrar till ökad kunskap om våld``,
  ``Bilaga 1, Datainsamling``, ``Sammanfattning``, ``Kap. 2, Tabell 1``
  (``Kap. 2: Titel`` and ``Kapitel 2`` are read too). The section title is the
  report's own, so it stays a quoted title in either language; the part is
  written in the edition's language (*kapitel 2* / *chapter 2*). The report
  itself (title, publisher, year from ``evalkit:source_report``) is named
  once, by :func:`source_report_citation`; each note refers to it as
  *Källrapporten* / *Source report*.
* **A fieldwork study** cites its own material with a keyword in Swedish or
  English, optionally followed by ids: ``intervjuer IV01, IV05`` /
  ``interviews IV01``, ``enkät`` / ``survey``, ``dokument DK02`` /
  ``documents``, ``ärendestatistik`` / ``case statistics``, ``beslut`` /
  ``decisions`` (a leading *kommunens*, *utvärderingens*, *kodning av*, …
  is allowed). Each kind is written in the edition's language; the ids are
  shown in the analysis (for audit) and never in the publication. Ids in
  parentheses after a part (the evidence a finding adds: ``(IV01, DK02)``)
  are read as references to the interviews and documents they name.
* Any other text is the study's own words, in the study's language
  (``evalkit:language``): it is shown as written in that language's edition,
  and as a neutral phrase (*the evaluation's own material*) in the other,
  since an edition never prints the other language.

Functions: :func:`parse_source` (cell to references), :func:`reference_text`
(one reference in a language), :func:`display_sources` (the analysis tables'
source column), :func:`note_text` (one cell as a publication note: the
convention for the footnotes of the evaluator's interpretation) and
:func:`finding_notes` (every finding's notes, each source once).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

LANGUAGES = ("sv", "en")
REPORT_KINDS = ("chapter", "appendix", "summary", "foreword", "table")
FIELDWORK_KINDS = ("interviews", "survey", "documents", "case_statistics", "decisions")
OTHER = "other"


@dataclass(frozen=True)
class Reference:
    """One part of a source cell.

    Attributes
    ----------
    kind : str
        A part of the source report (``chapter``, ``appendix``, ``summary``,
        ``foreword``, ``table``), the study's own material (``interviews``,
        ``survey``, ``documents``, ``case_statistics``, ``decisions``), or
        ``other`` (free text).
    number : str or None
        The chapter's or appendix's number (``"2"``).
    title : str or None
        The section's title as the report writes it.
    table : str or None
        A table's number in the report (``"1"`` for ``Kap. 2, Tabell 1``).
    ids : tuple of str
        Ids the part names (interviews, documents, coordinators), for audit.
    text : str
        The part as written.
    """

    kind: str
    number: str | None = None
    title: str | None = None
    table: str | None = None
    ids: tuple[str, ...] = ()
    text: str = ""

    @property
    def key(self) -> str:
        """What makes two references the same source (ids aside): ``chapter:2:samordnarna bidrar …``."""
        if self.kind == OTHER:
            return "other:" + _squeeze(self.text).casefold()
        if self.kind in FIELDWORK_KINDS:
            return self.kind
        parts = [self.kind, self.number or "", self.table or "", _squeeze(self.title or "").casefold()]
        return ":".join(parts).rstrip(":")


# --------------------------------------------------------------------------- parsing

_SEP = r"\s*(?:[,:]\s*|\s+)"
_CHAPTER = re.compile(
    r"^(?:(?P<doc>[^,;:]+?),\s*)?(?:kap\.?|kapitel)\s*(?P<num>\d+)(?:" + _SEP + r"(?P<rest>.*))?$", re.I
)
_APPENDIX = re.compile(r"^bilaga\s*(?P<num>\d+)(?:" + _SEP + r"(?P<rest>.*))?$", re.I)
_SUMMARY = re.compile(r"^sammanfattning(?:\s*[,:]\s*(?P<rest>.*))?$", re.I)
_FOREWORD = re.compile(r"^förord(?:et)?$", re.I)
_TABLE = re.compile(r"^tabell\s*(?P<num>\d+)$", re.I)
_ID = re.compile(r"^[A-Za-z]{1,4}[0-9]{1,4}$")
_TRAILING_IDS = re.compile(r"\s*\(([A-Za-z0-9 ,;]+)\)\s*$")
#: Words allowed before a fieldwork keyword ("kommunens ärendestatistik", "kodning av intervjuer").
_PREFIX = re.compile(
    r"^(?:(?:kommunens|kommunernas|utvärderingens|studiens|de|den|det|the|municipal|municipality's|"
    r"municipalities'|evaluation's|study's|kodning\s+av|kodade|coding\s+of|coded|samordnar(?:nas)?)\s+)+",
    re.I,
)
_KEYWORDS = (
    ("interviews", r"intervju(?:er(?:na)?|n|logg(?:en)?)?|interviews?(?:\s+log)?"),
    ("survey", r"(?:samordnar)?enkät(?:en|svar(?:en)?)?|(?:coordinator\s+)?survey|questionnaire"),
    ("documents", r"dokument(?:en|insamling(?:en)?)?|documents?"),
    ("case_statistics", r"ärende(?:statistik(?:en)?|register(?:et)?)|case\s+(?:statistics|register)"),
    ("decisions", r"beslut(?:et|en)?|decisions?"),
)
_KEYWORD = re.compile(
    r"^(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _KEYWORDS) + r")(?=$|[\s,:;(])", re.I
)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _ids_in(text: str) -> tuple[str, ...]:
    return tuple(token for token in re.split(r"[\s,;]+", text.strip()) if _ID.match(token))


def _split_trailing_ids(part: str) -> tuple[str, tuple[str, ...]]:
    """``"Intervjuer (IV01, DK02)"`` -> ``("Intervjuer", ("IV01", "DK02"))`` when the parentheses hold only ids."""
    match = _TRAILING_IDS.search(part)
    if match:
        tokens = [t for t in re.split(r"[\s,;]+", match.group(1).strip()) if t]
        if tokens and all(_ID.match(t) for t in tokens):
            return part[: match.start()].strip(), tuple(tokens)
    return part, ()


def _report_reference(part: str) -> Reference | None:
    if match := _CHAPTER.match(part):
        rest = (match["rest"] or "").strip() or None
        table = _TABLE.match(rest) if rest else None
        return Reference(
            "chapter",
            number=match["num"],
            title=None if table else rest,
            table=table["num"] if table else None,
            text=part,
        )
    if match := _APPENDIX.match(part):
        return Reference("appendix", number=match["num"], title=(match["rest"] or "").strip() or None, text=part)
    if match := _SUMMARY.match(part):
        return Reference("summary", title=(match["rest"] or "").strip() or None, text=part)
    if _FOREWORD.match(part):
        return Reference("foreword", text=part)
    if match := _TABLE.match(part):
        return Reference("table", table=match["num"], text=part)
    return None


def _fieldwork_references(part: str) -> list[Reference] | None:
    """The study-material references of a part (``"kodning av intervjuer och dokument"`` gives two)."""
    head = _PREFIX.sub("", part.strip())
    pieces = re.split(r"\s+(?:och|and|&)\s+|\s*,\s+(?=[^\d\W]{4})", head)
    found = []
    for piece in pieces:
        match = _KEYWORD.match(_PREFIX.sub("", piece.strip()))
        if not match:
            return None if not found else found
        kind = next(name for name, _ in _KEYWORDS if match[name])
        found.append(Reference(kind, ids=_ids_in(piece[match.end() :]), text=part))
    return found or None


def parse_part(part: str, id_kinds: dict[str, str] | None = None) -> list[Reference]:
    """The references of one part of a source cell (one, or several for ``"intervjuer och dokument"``)."""
    part = _squeeze(part)
    if not part:
        return []
    head, trailing = _split_trailing_ids(part)
    references = []
    report = _report_reference(head)
    if report is not None:
        references.append(report)
    else:
        references.extend(_fieldwork_references(head) or [Reference(OTHER, text=head)])
    if trailing and report is not None:
        references[0] = _with_ids(references[0], trailing)
    elif trailing:
        references = _add_id_references(references, trailing, id_kinds or {})
    return references


def _with_ids(reference: Reference, ids: Iterable[str]) -> Reference:
    return Reference(**{**reference.__dict__, "ids": tuple(dict.fromkeys((*reference.ids, *ids)))})


def _add_id_references(references: list[Reference], ids: tuple[str, ...], id_kinds: dict[str, str]) -> list[Reference]:
    """Attach ids to the reference of their kind of material, adding a reference for a kind not yet cited.

    An id the study does not know (or without a study) goes with the first reference.
    """
    by_kind: dict[str, list[str]] = {}
    for identifier in ids:
        by_kind.setdefault(id_kinds.get(identifier.casefold(), ""), []).append(identifier)
    out = list(references)
    for kind in ("", *FIELDWORK_KINDS):
        if kind not in by_kind:
            continue
        position = next((i for i, r in enumerate(out) if r.kind == kind or (kind == "" and i == 0)), None)
        if position is None:
            out.append(Reference(kind, ids=tuple(by_kind[kind]), text=", ".join(by_kind[kind])))
        else:
            out[position] = _with_ids(out[position], by_kind[kind])
    return out


def study_id_kinds(study) -> dict[str, str]:
    """Which kind of material each id of the study names (``{"iv01": "interviews", "dk02": "documents"}``)."""
    tables = getattr(study, "tables", None)
    if tables is None:  # not ``or {}``: the truth of a traced study's tables reads every table
        tables = {}
    kinds: dict[str, str] = {}
    for table, column, kind in (
        ("interviews", "interview_id", "interviews"),
        ("documents", "document_id", "documents"),
        ("coordinators", "coordinator_id", "survey"),
    ):
        frame = tables.get(table)
        if frame is not None and column in frame:
            for value in frame[column].dropna():
                kinds.setdefault(str(value).casefold(), kind)
    return kinds


def parse_source(cell, study=None) -> tuple[Reference, ...]:
    """Parse a source cell into references, in the order written (parts separated by ``;``).

    Parameters
    ----------
    cell : str or None
        E.g. ``"Kap. 1, Heltidstjänst i två av åtta kommuner; Bilaga 1, Datainsamling"`` or
        ``"intervjuer IV01, IV05 (IV14, DK02)"``.
    study : Study, optional
        To tell interview ids from document ids in parentheses.

    Examples
    --------
    >>> [r.kind for r in parse_source("Kap. 2, Tabell 1; Sammanfattning")]
    ['chapter', 'summary']
    >>> parse_source("enkät")[0].kind
    'survey'
    """
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return ()
    id_kinds = study_id_kinds(study) if study is not None else {}
    references: list[Reference] = []
    for part in str(cell).split(";"):
        references.extend(parse_part(part, id_kinds))
    return tuple(references)


# --------------------------------------------------------------------------- writing

#: The parts of a report, per language: (with a number, without one).
PART_WORDS = {
    "chapter": {"sv": "kapitel", "en": "chapter"},
    "appendix": {"sv": "bilaga", "en": "appendix"},
    "table": {"sv": "tabell", "en": "table"},
    "summary": {"sv": "sammanfattningen", "en": "the summary"},
    "foreword": {"sv": "förordet", "en": "the foreword"},
}
SHORT_PART_WORDS = {"chapter": {"sv": "Kap.", "en": "Ch."}, "appendix": {"sv": "Bilaga", "en": "Appendix"}}
#: The study's own material, per language.
MATERIAL_WORDS = {
    "interviews": {"sv": "utvärderingens intervjuer", "en": "the evaluation's interviews"},
    "survey": {"sv": "enkäten till samordnarna", "en": "the survey of the coordinators"},
    "documents": {"sv": "dokument som utvärderingen har samlat in", "en": "documents collected by the evaluation"},
    "case_statistics": {"sv": "kommunernas ärendestatistik", "en": "the municipalities' case statistics"},
    "decisions": {
        "sv": "kommunernas beslut om samordnartjänsten",
        "en": "the municipalities' decisions on the coordinator post",
    },
}
#: For audit (the analysis), with ids: "intervjuer IV01, IV05".
MATERIAL_SHORT = {
    "interviews": {"sv": "intervjuer", "en": "interviews"},
    "survey": {"sv": "enkäten", "en": "survey"},
    "documents": {"sv": "dokument", "en": "documents"},
    "case_statistics": {"sv": "ärendestatistik", "en": "case statistics"},
    "decisions": {"sv": "beslut om tjänsten", "en": "decisions on the post"},
}
OWN_MATERIAL = {"sv": "utvärderingens eget underlag", "en": "the evaluation's own material"}
SOURCE_REPORT = {"sv": "Källrapporten", "en": "Source report"}
QUOTES = {"sv": ("”", "”", "’", "’"), "en": ("“", "”", "‘", "’")}


def _check(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")


def quoted_title(title: str, language: str) -> str:
    """A section title in the edition's quotation marks (inner quotes become single ones)."""
    open_, close, inner_open, inner_close = QUOTES[language]
    inner = re.sub(r'"([^"]*)"', inner_open + r"\1" + inner_close, title).replace('"', inner_close)
    inner = inner.replace("...", "…")
    return f"{open_}{inner}{close}"


def _study_language(study) -> str:
    from evalkit.study.metadata import study_language

    return study_language(study) if study is not None else "sv"


def reference_text(reference: Reference, language: str, study=None, audit: bool = False) -> str:
    """One reference in ``language``, starting in lower case (``kapitel 2, ”Titel”``).

    ``audit`` keeps the ids a reference names and uses short part words
    (the analysis tables); without it (the publication) no id is shown.
    """
    _check(language)
    kind = reference.kind
    if kind in ("chapter", "appendix"):
        word = SHORT_PART_WORDS[kind][language] if audit else PART_WORDS[kind][language]
        text = f"{word} {reference.number}"
        if reference.table:
            text += f", {PART_WORDS['table'][language]} {reference.table}"
        if reference.title:
            text += (": " if audit else ", ") + quoted_title(reference.title, language)
    elif kind == "table":
        text = f"{PART_WORDS['table'][language]} {reference.table}"
    elif kind in ("summary", "foreword"):
        text = PART_WORDS[kind][language]
        if reference.title:
            text += ", " + quoted_title(reference.title, language)
    elif kind in FIELDWORK_KINDS:
        text = (MATERIAL_SHORT if audit else MATERIAL_WORDS)[kind][language]
    else:
        text = reference.text if _study_language(study) == language else OWN_MATERIAL[language]
    if audit and reference.ids:
        text += (" " if kind in FIELDWORK_KINDS else " (") + ", ".join(reference.ids)
        text += "" if kind in FIELDWORK_KINDS else ")"
    return text


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def display_sources(study, cell, language: str) -> str:
    """A source cell for the analysis tables: one reference per line, in ``language``, ids kept for audit.

    Examples
    --------
    >>> display_sources(None, "Kap. 2, Samordnarna bidrar till ökad kunskap om våld", "en")
    'Ch. 2: “Samordnarna bidrar till ökad kunskap om våld”'
    """
    lines = [_capitalised(reference_text(r, language, study, audit=True)) for r in parse_source(cell, study)]
    return "\n".join(dict.fromkeys(lines))


def _cites_report(reference: Reference) -> bool:
    return reference.kind in REPORT_KINDS


def note_text(study, cell, language: str) -> str:
    """A source cell as one publication note in ``language``: a sentence, no ids.

    Report parts are introduced once by *Källrapporten* / *Source report*
    (:func:`source_report_citation` names the report itself); the study's own
    material by what it is. Text that is not a source cell (an evaluator's
    note in its own words) is returned as written.

    Examples
    --------
    >>> note_text(None, "Kap. 2, Samordnarna bidrar till ökad kunskap om våld", "en")
    'Source report, chapter 2, “Samordnarna bidrar till ökad kunskap om våld”.'
    >>> note_text(None, "Kap. 4, Närhet till socialsekreterarna; Bilaga 1, Datainsamling", "sv")
    'Källrapporten, kapitel 4, ”Närhet till socialsekreterarna”; bilaga 1, ”Datainsamling”.'
    """
    references = parse_source(cell, study)
    if not references or all(r.kind == OTHER for r in references):
        return str(cell).strip() if cell is not None and not pd.isna(cell) else ""
    texts = list(dict.fromkeys(reference_text(r, language, study) for r in references))
    report_first = _cites_report(references[0])
    sentence = "; ".join(texts)
    sentence = f"{SOURCE_REPORT[language]}, {sentence}" if report_first else _capitalised(sentence)
    return sentence if sentence.endswith(".") else sentence + "."


def source_report_citation(study, language: str) -> str | None:
    """The source report of a published evaluation, named in full once (None for a fieldwork study).

    Examples
    --------
    ``"Källrapporten: Ett kraftfullt verktyg men ingen patentlösning. Om kvinnofridssamordnarna i
    Västmanland. Länsstyrelsen i Västmanlands län, 2019."``
    """
    from evalkit.study.kind import source_report

    _check(language)
    report = source_report(study)
    if report is None:
        return None
    title = str(report["title"]).strip().rstrip(".")
    by = ", ".join(str(report[k]).strip() for k in ("publisher", "year") if str(report.get(k) or "").strip())
    author = str(report.get("author") or "").strip()
    text = f"{SOURCE_REPORT[language]}: {title}." + (f" {by}." if by else "")
    if author:
        text += f" {'Författare' if language == 'sv' else 'Author'}: {author}."
    return text


def finding_notes(study, findings: pd.DataFrame, language: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Every finding's sources as notes in ``language``, each source once.

    Parameters
    ----------
    study : Study
    findings : pandas.DataFrame
        With ``finding_id`` and ``source`` (the findings table).
    language : {"sv", "en"}

    Returns
    -------
    (dict, dict)
        ``finding_id -> note keys`` (in the order the source cell names them,
        without repeats) and ``note key -> note text``. A section of the source
        report, or a kind of the study's own material (ids aside), is one note
        however many findings cite it; the note's text is :func:`note_text` of
        that one reference.
    """
    _check(language)
    by_finding: dict[str, tuple[str, ...]] = {}
    texts: dict[str, str] = {}
    for finding_id, cell in zip(findings["finding_id"], findings["source"]):
        keys = []
        for reference in parse_source(cell, study):
            key = "source:" + reference.key
            if key not in texts:
                texts[key] = _reference_note(reference, language, study)
            keys.append(key)
        by_finding[str(finding_id)] = tuple(dict.fromkeys(keys))
    return by_finding, texts


def _reference_note(reference: Reference, language: str, study) -> str:
    text = reference_text(Reference(**{**reference.__dict__, "ids": ()}), language, study)
    sentence = f"{SOURCE_REPORT[language]}, {text}" if _cites_report(reference) else _capitalised(text)
    return sentence if sentence.endswith(".") else sentence + "."


def references_of(cells: Iterable, study=None) -> list[Reference]:
    """The distinct references (by :attr:`Reference.key`) of several cells, in first-seen order."""
    seen: dict[str, Reference] = {}
    for cell in cells:
        for reference in parse_source(cell, study):
            seen.setdefault(reference.key, reference)
    return list(seen.values())
