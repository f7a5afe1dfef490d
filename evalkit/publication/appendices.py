"""The publication's appendices: data collection, how values were established, the survey, the list of findings."""

from __future__ import annotations

import pandas as pd

from evalkit.publication import evidence, wording
from evalkit.publication.context import Context, blocks, table_from
from evalkit.publication.document import BulletList, CrossRef, Paragraph, Section, Strong, Table


def data_collection(ctx: Context) -> Section:
    from evalkit.analysis import study_overview

    language, study = ctx.language, ctx.study
    out: list = [Paragraph((wording.data_collection_intro(language),))]
    interviews = study.tables["interviews"]
    if not interviews.empty:
        by_group = study_overview.interviews_by_group(study)
        rows = []
        for _, row in by_group.iterrows():
            group = str(row["respondent_group"])
            name = wording.header("total", language) if group == "total" else ctx.vocabulary("respondent_group", group)
            from evalkit.present.numbers import format_number

            rows.append((name, str(int(row["interviews"])), format_number(float(row["share_pct"]), language, 0)))
        out.append(
            Table(
                "table.interviews_by_group",
                wording.caption("interviews_by_group", language),
                (
                    wording.header("group", language),
                    wording.header("interviews", language),
                    wording.header("share_pct", language),
                ),
                tuple(rows),
                (False, True, True),
            )
        )
        roles = interviews["respondent_role"].fillna("unknown").value_counts()
        order = list(study_overview.interviews_by_role(study).index)
        role_rows = tuple(
            (ctx.vocabulary("respondent_role", role), str(int(roles[role]))) for role in order if role in roles.index
        )
        if role_rows:
            out.append(
                Table(
                    "table.interviews_by_role",
                    wording.caption("interviews_by_role", language),
                    (wording.header("role", language), wording.header("interviews", language)),
                    role_rows,
                    (False, True),
                )
            )
    respondents = ctx.finding("study.survey_respondents")
    if respondents is not None and evidence.shown(respondents):
        before, after = wording.survey_sentence(evidence.statement(respondents, language), language)
        out.append(Paragraph((before, CrossRef("appendix.survey"), after)))
    documents = study.tables["documents"]
    if not documents.empty:
        counts = study_overview.documents_by_type(study)
        out.append(
            Table(
                "table.documents",
                wording.caption("documents", language),
                (wording.header("document_type", language), wording.header("documents", language)),
                tuple(
                    (ctx.vocabulary("document_type", r["document_type"]), str(int(r["documents"])))
                    for _, r in counts.iterrows()
                ),
                (False, True),
            )
        )
    cases = study.tables["case_statistics"]
    if not cases.empty:
        out.append(
            Paragraph(
                (
                    wording.case_statistics_sentence(
                        int(cases["municipality_id"].nunique()),
                        int(cases["year"].min()),
                        int(cases["year"].max()),
                        language,
                    ),
                )
            )
        )
    return Section(
        "appendix.data_collection", wording.title("appendix.data_collection", language), blocks(out), kind="appendix"
    )


def values(ctx: Context) -> Section:
    from evalkit.analysis import study_overview
    from evalkit.analysis.quotes import quotes_note

    language, study = ctx.language, ctx.study
    provenance = study_overview.provenance_summary(study)
    bases = [
        b for b in ("stated", "observed", "judgement", "reconstructed") if b in provenance and provenance[b].sum() > 0
    ]
    out: list = [
        Paragraph((wording.values_intro(language),)),
        BulletList(
            tuple((Strong(ctx.vocabulary("basis", b)), ": " + wording.basis_explanation(b, language)) for b in bases)
        ),
    ]
    if not provenance.empty:
        table = Table(
            "table.provenance",
            wording.caption("provenance", language),
            (
                wording.header("values", language),
                wording.header("rows", language),
                *(ctx.vocabulary("basis", b) for b in bases),
            ),
            tuple(
                (wording.table_name(str(r["table"]), language), str(int(r["rows"])), *(str(int(r[b])) for b in bases))
                for _, r in provenance.iterrows()
            ),
            (False, True, *(True for _ in bases)),
        )
        before, after = wording.provenance_intro(language)
        out += [Paragraph((before, CrossRef(table.key, capital=True), after)), table]
    robust = ctx.robustness
    if robust is not None:
        from evalkit.analysis.robustness import resting_findings

        verdicts = robust.table[robust.table["kind"] == "finding"]["verdict"]
        resting = resting_findings(robust, language, ctx.study, ctx.reveal_names)
        out.append(
            Paragraph(
                wording.robustness_paragraph(
                    wording.big_number(robust.allocations, language),
                    int((verdicts == "every").sum()),
                    len(verdicts),
                    language,
                )
            )
        )
        if len(resting):
            table = Table(
                "table.resting",
                wording.caption("resting", language),
                (wording.header("finding", language), wording.header("robustness", language)),
                tuple((str(r["statement"]), str(r["robustness"])) for _, r in resting.iterrows()),
                (False, False),
            )
            before, after = wording.resting_intro(language)
            out += [Paragraph((before, CrossRef(table.key, capital=True), after)), table]
    out.append(Paragraph((quotes_note(study, language),)))
    return Section("appendix.values", wording.title("appendix.values", language), blocks(out), kind="appendix")


def survey(ctx: Context) -> Section:
    from evalkit.analysis.survey_text import survey_free_text

    language, study = ctx.language, ctx.study
    questions = study.codebook.get("survey_questions")
    out: list = [Paragraph((wording.survey_intro(language),))]
    if questions is not None and not questions.empty:
        out.append(BulletList(tuple((str(t),) for t in questions["text_" + language]), ordered=True))
    answers = survey_free_text(study, language)
    if not answers.empty:
        out.append(Paragraph((wording.survey_answers_intro(language),)))
    for row in answers.itertuples(index=False):
        out.append(Paragraph((Strong(wording.survey_answers_lead(str(row.question), int(row.answered), language)),)))
        if row.answers:
            out.append(BulletList(tuple((str(a),) for a in row.answers)))
        if str(row.note or "").strip():
            out.append(Paragraph((str(row.note),)))
    return Section("appendix.survey", wording.title("appendix.survey", language), blocks(out), kind="appendix")


#: Which publication chapter each part of the findings table belongs to.
FINDINGS_CHAPTERS = (
    ("study", "introduction"),
    ("organisation", "organisation"),
    ("quality_areas", "quality_areas"),
    ("comparison", "comparison"),
    ("success_factors", "success_factors"),
)


def findings_reference(ctx: Context, chapters: dict[str, Section]) -> Section:
    """One table per chapter: every finding with its count, basis and numbered sources."""
    from evalkit.present.numbers import decimals_needed, format_number

    language = ctx.language
    findings = ctx.findings
    reconstructed = bool((findings["basis"] == "reconstructed").any())
    out: list = [Paragraph((wording.findings_intro(reconstructed, language),))]
    for part, chapter_key in FINDINGS_CHAPTERS:
        own = findings[findings["chapter"] == part]
        if own.empty:
            continue
        target = chapter_key if chapter_key in chapters else None
        rows = []
        for row in own.to_dict("records"):
            if pd.isna(row["numerator"]):
                count = ""
            else:
                number = format_number(float(row["numerator"]), language, decimals_needed([float(row["numerator"])]))
                denominator = (
                    None if pd.isna(row["denominator"]) else format_number(float(row["denominator"]), language)
                )
                count = wording.count_cell(number, denominator, int(row.get("unknown", 0) or 0), language)
            basis = wording.basis_cell(
                ctx.vocabulary("basis", row["basis"]), evidence.allocation_reconstructed(row), language
            )
            notes = ctx.note_refs(row["finding_id"])
            sources: list = []
            for note in notes:
                sources += [", ", note] if sources else [note]
            rows.append((evidence.statement(row, language), count, basis, tuple(sources) or ""))
        title = chapters[chapter_key].title if target else wording.title(chapter_key, language)
        if target is not None:
            before, after = wording.findings_for(language)
            out.append(Paragraph((before, CrossRef(target), after)))
        out.append(
            Table(
                f"table.findings.{part}",
                wording.findings_caption(title, language),
                (
                    wording.header("finding", language),
                    wording.header("count", language),
                    wording.header("basis", language),
                    wording.header("source", language),
                ),
                tuple(rows),
                (False, True, False, False),
                row_header=False,
            )
        )
    return Section("appendix.findings", wording.title("appendix.findings", language), blocks(out), kind="appendix")


__all__ = ["data_collection", "findings_reference", "survey", "values", "table_from"]
