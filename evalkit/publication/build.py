"""Build one language edition of the publication from a study: :func:`build_document`.

The order of a publication::

    title page
    Förord / Foreword                      the evaluator's text, when the study has one
    Sammanfattning / Summary               generated from the chapters' message headings
    1 Inledning                            questions, the six quality areas, the evidence, method, reading guide
    2 Organisation                         findings chapters: headings state findings
    3 Kvalitetsområdena
    4 Familjefridsteam och ärendestatistik (when the study has team municipalities or case statistics)
    5 Framgångsfaktorer och förklaringar   (when the study has conditions)
    Bilaga 1 Datainsamling
    Bilaga 2 Hur värdena fastställdes
    Bilaga 3 Enkätfrågorna
    Bilaga 4 Förteckning över resultaten   every finding: count, basis, numbered sources
    Källor och noter

Everything is generated from the study and its analyses; the evaluator's own
text (foreword, summary, interpretation per chapter and quality area) comes
from the study's interpretation files and is shown in boxes of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from evalkit.publication import appendices, chapters, evidence, wording
from evalkit.publication.context import Context, blocks
from evalkit.publication.document import (
    Box,
    BulletList,
    CrossRef,
    Document,
    Paragraph,
    Section,
    TitlePage,
    number,
)
from evalkit.study.metadata import publication_metadata


def title_page(ctx: Context) -> TitlePage:
    meta = publication_metadata(ctx.study, ctx.language)
    return TitlePage(
        title=meta.title,
        subtitle=meta.subtitle,
        publisher=meta.publisher,
        year=None if meta.year is None else str(meta.year),
        series=meta.series,
        diary_number=meta.diary_number,
        isbn=meta.isbn,
        date=meta.date,
        language=ctx.language,
        colophon=tuple(line for line in (meta.based_on, wording.colophon(ctx.language)) if line),
    )


def foreword(ctx: Context) -> Section | None:
    text = ctx.interpretation.get("foreword")
    if not text:
        return None
    return Section("foreword", wording.label("foreword", ctx.language), ctx.markdown(text), kind="front")


def message_findings(section: Section) -> list[str]:
    """The findings the headings of ``section`` and its subsections state, in reading order."""
    found = [section.finding] if section.finding else []
    for child in section.sections:
        found += message_findings(child)
    return found


def summary(ctx: Context, chapter_sections: list[Section]) -> Section:
    """The summary: what was evaluated, the evaluator's summary, then each chapter's message headings as sentences."""
    language = ctx.language
    overview = " ".join(
        evidence.statement(row, language)
        for row in (
            ctx.finding(fid)
            for fid in (
                "study.municipalities_total",
                "org.municipalities_with_coordinator",
                "study.interviews_total",
                "study.survey_respondents",
            )
        )
        if row is not None and evidence.shown(row)
    )
    own = ctx.interpretation.get("summary")
    parts = [
        Paragraph((overview,)) if overview else None,
        *((Box("interpretation", wording.label("interpretation", language), ctx.markdown(own)),) if own else ()),
        Paragraph((wording.summary_method(ctx.published, language),)),
    ]
    subsections = []
    for chapter in chapter_sections:
        ids = message_findings(chapter)
        if not ids:
            continue
        sentences = []
        for fid in ids:
            row = ctx.finding(fid)
            if row is None:
                continue
            if fid.startswith("cases."):
                sentences.append((_section_title(chapter, fid) + ".",))
            else:
                sentences.append((evidence.statement(row, language),))
        subsections.append(
            Section(
                f"summary.{chapter.key}",
                chapter.title,
                (
                    Paragraph((CrossRef(chapter.key, capital=True), wording.summary_in_brief(language))),
                    BulletList(tuple(sentences)),
                ),
            )
        )
    return Section("summary", wording.label("summary", language), blocks(parts), tuple(subsections), kind="front")


def _section_title(section: Section, finding_id: str) -> str:
    if section.finding == finding_id:
        return section.title
    for child in section.sections:
        found = _section_title(child, finding_id)
        if found:
            return found
    return ""


def build_document(study, language: str, shared: Callable | None = None, reveal_names: bool = False) -> Document:
    """The publication of ``study`` in ``language``, numbered and ready to render.

    Parameters
    ----------
    study : Study
    language : {"sv", "en"}
    shared : callable, optional
        ``shared(function, **params)``: the run's analysis store (default: compute directly).
    reveal_names : bool
        Real municipality names where the study holds them.
    """
    ctx = Context(study, language, shared, reveal_names)
    built = [
        chapters.introduction(ctx),
        chapters.organisation(ctx),
        chapters.quality_areas(ctx),
        chapters.comparison(ctx),
        chapters.success_factors(ctx),
    ]
    chapter_sections = [c for c in built if c is not None]
    by_key = {c.key: c for c in chapter_sections}
    front = [s for s in (foreword(ctx), summary(ctx, chapter_sections[1:])) if s is not None]
    appendix_sections = [
        appendices.data_collection(ctx),
        appendices.values(ctx),
        appendices.survey(ctx),
        appendices.findings_reference(ctx, by_key),
    ]
    used_notes = ctx.all_notes
    document = Document(
        language=language,
        title_page=title_page(ctx),
        front=tuple(front),
        chapters=tuple(chapter_sections),
        appendices=tuple(appendix_sections),
        notes=tuple(used_notes.items()),
        notes_title=wording.label("notes", language),
    )
    return number(document)
