"""The publication's chapters: introduction, then the findings chapters with message headings.

Each builder takes a :class:`~evalkit.publication.context.Context` and returns
a :class:`~evalkit.publication.document.Section` (or None when the study has
nothing for the chapter). A findings section's heading states a finding when
the evidence carries one (:mod:`evalkit.publication.evidence`); otherwise it
names its topic. The words are :mod:`evalkit.publication.wording`'s.
"""

from __future__ import annotations

import pandas as pd

from evalkit.publication import evidence, wording
from evalkit.publication.context import Context, blocks, table_from
from evalkit.publication.document import (
    BulletList,
    CrossRef,
    Figure,
    Paragraph,
    Quote,
    Section,
    Strong,
    Table,
)
from evalkit.study.metadata import county_of

# --------------------------------------------------------------------------- shared pieces


def _rows(ctx: Context, ids=None, prefix: str | None = None, where=None) -> list:
    found = evidence.rows(ctx.records, ids=ids, prefix=prefix)
    return [row for row in found if where is None or where(row)]


def _is_zero(row) -> bool:
    return float(row["numerator"]) == 0 and int(row.get("unknown", 0) or 0) == 0


def _withheld_paragraph(ctx: Context, rows: list) -> Paragraph | None:
    n = sum(1 for row in rows if not evidence.carries(row))
    if n == 0:
        return None
    before, after = wording.withheld(n, ctx.language)
    return Paragraph((before, CrossRef("appendix.findings"), after))


def findings_section(
    ctx: Context,
    key: str,
    candidates: list,
    body: list,
    extra_before=(),
    extra_after=(),
    bullets: bool = False,
    skip_zero: bool = True,
    title: str | None = None,
) -> Section:
    """A section whose heading states the headline finding among ``candidates`` (or names its topic).

    The other shown findings of ``candidates`` and ``body`` follow as a
    paragraph (or a list); findings that rest on reconstructed values are
    counted and referred to the list of findings.
    """
    head = evidence.headline(candidates)
    heading = evidence.heading(head, ctx.language) if head is not None else (title or wording.title(key, ctx.language))
    seen = {head["finding_id"]} if head is not None else set()
    others = []
    for row in [*candidates, *body]:
        if row["finding_id"] in seen:
            continue
        seen.add(row["finding_id"])
        others.append(row)
    shown = [r for r in others if evidence.shown(r) and not (skip_zero and _is_zero(r))]
    statements = [evidence.statement(r, ctx.language) for r in shown]
    if bullets:
        text = BulletList(tuple((s,) for s in statements)) if statements else None
    else:
        text = Paragraph((" ".join(statements),)) if statements else None
    return Section(
        key,
        heading,
        blocks(
            *extra_before, text, _withheld_paragraph(ctx, others + ([head] if head is not None else [])), *extra_after
        ),
        finding=None if head is None else str(head["finding_id"]),
    )


def quote_blocks(ctx: Context, column: str, value: str) -> tuple:
    """The quotes chosen for one quality area or condition, with a lead-in."""
    frame = ctx.quotes
    if frame.empty:
        return ()
    own = frame[frame[column] == value]
    if own.empty:
        return ()
    lead = Paragraph((wording.label("quotes", ctx.language) + ":",))
    return (lead, *(Quote(str(q.text), str(q.attribution)) for q in own.itertuples(index=False)))


def _figure(key: str, make, caption: str, alt: str) -> Figure:
    """A :class:`Figure` drawn by ``make()``: SVG for HTML and PDF, PNG for Word, both byte-stable.

    The figure is drawn and saved under the notebooks' plotting settings
    (:func:`evalkit.report.determinism.plotting_rc`: fonts, fixed SVG id salt),
    so the parent process makes the same bytes as a kernel would.
    """
    import io

    import matplotlib

    from evalkit.report.determinism import SVG_METADATA, plotting_rc

    with matplotlib.rc_context(plotting_rc()):
        figure = make()
        svg = io.BytesIO()
        figure.savefig(svg, format="svg", bbox_inches="tight", metadata=dict(SVG_METADATA))
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return Figure(key, caption, alt, svg.getvalue().decode("utf-8"), png.getvalue())


def _caption_paragraph(target: str, before: str, after: str) -> Paragraph:
    return Paragraph((before, CrossRef(target, capital=not before), after))


# --------------------------------------------------------------------------- 1 introduction


def introduction(ctx: Context) -> Section:
    language, study = ctx.language, ctx.study
    county = county_of(study)
    questions = [
        Paragraph((wording.purpose(county, language),)),
        BulletList(tuple((q,) for q in wording.questions(language))),
    ]
    if ctx.report is not None:
        from evalkit.analysis.claims import claims_table

        before, title, after = wording.source_report_intro(ctx.report, language)
        opening, closing = ("”", "”") if language == "sv" else ("“", "”")
        claims = ctx.shared(claims_table)
        check = wording.claims_check(len(claims), int(claims["agrees"].sum()) if len(claims) else 0, language)
        questions.append(
            Paragraph((before, opening, ctx.title_text(title), closing + after + (" " + check if check else "")))
        )

    areas = study.codebook["quality_areas"].sort_values("order")
    table = Table(
        "table.quality_areas",
        wording.caption("quality_areas", language),
        (wording.header("quality_area", language), wording.header("definition", language)),
        tuple((str(r["label_" + language]), str(r["definition_" + language])) for _, r in areas.iterrows()),
        (False, False),
    )
    before, after = wording.quality_areas_intro(len(areas), language)
    quality = [Paragraph((before, CrossRef(table.key, capital=True), after)), table]

    sections = [
        Section("introduction.questions", wording.title("introduction.questions", language), blocks(questions)),
        Section("introduction.quality_areas", wording.title("introduction.quality_areas", language), blocks(quality)),
        Section("introduction.data", wording.title("introduction.data", language), _data_blocks(ctx)),
        Section("introduction.method", wording.title("introduction.method", language), _method_blocks(ctx)),
        Section("introduction.reading", wording.title("introduction.reading", language), _reading_blocks(ctx)),
    ]
    return Section(
        "introduction",
        wording.title("introduction", language),
        blocks(ctx.box("introduction")),
        tuple(sections),
        kind="chapter",
    )


def _statement(ctx: Context, finding_id: str) -> str:
    row = ctx.finding(finding_id)
    return evidence.statement(row, ctx.language) if row is not None and evidence.shown(row) else ""


def _data_blocks(ctx: Context) -> tuple:
    language, study = ctx.language, ctx.study
    municipalities = " ".join(
        s
        for s in (
            _statement(ctx, "study.municipalities_total"),
            _statement(ctx, "org.municipalities_with_coordinator"),
            _statement(ctx, "team.municipalities"),
        )
        if s
    )
    models_table = None
    table = study.tables["municipalities"]
    if not table.empty and not evidence.rests_on_reconstruction(study, "municipalities", ["model"]):
        counts = table["model"].value_counts()
        order = [m for m in ("own_coordinator", "shared_coordinator", "team", "none") if m in counts.index]
        order += sorted(set(counts.index) - set(order))
        models_table = Table(
            "table.models",
            wording.caption("models", language),
            (wording.header("model", language), wording.header("municipalities", language)),
            tuple((ctx.vocabulary("model", m), str(int(counts[m]))) for m in order),
            (False, True),
        )
    interviews = study.tables["interviews"]
    total = ctx.finding("study.interviews_total")
    groups = []
    for group in ("coordinator", "municipal_manager", "municipal_staff", "external_partner"):
        row = ctx.finding(f"study.interviews.{group}")
        if row is not None and evidence.shown(row):
            groups.append((int(row["numerator"]), ctx.vocabulary("respondent_group", group).lower()))
    interview_text = ""
    if total is not None and evidence.shown(total):
        interview_text = wording.interviews_sentence(int(total["numerator"]), groups, language)
        modes = interviews["mode"].value_counts()
        known = [
            (int(modes[m]), wording.mode_phrase(m, language)) for m in modes.index if wording.mode_phrase(m, language)
        ]
        if known and int(modes.get("unknown", 0)) == 0:
            interview_text += " " + wording.modes_sentence(sorted(known, key=lambda x: -x[0]), language)
    documents = study.tables["documents"]
    types = [ctx.vocabulary("document_type", t).lower() for t in documents["document_type"].value_counts().index]
    cases = study.tables["case_statistics"]
    other = " ".join(
        s
        for s in (
            _statement(ctx, "study.survey_respondents"),
            wording.documents_sentence(len(documents), types, language),
            wording.case_statistics_sentence(
                int(cases["municipality_id"].nunique()),
                int(cases["year"].min()) if len(cases) else 0,
                int(cases["year"].max()) if len(cases) else 0,
                language,
            ),
        )
        if s
    )
    return blocks(
        Paragraph((municipalities,)) if municipalities else None,
        models_table,
        Paragraph((interview_text,)) if interview_text else None,
        Paragraph((other, " ", wording.see_appendix(language), CrossRef("appendix.data_collection"), "."))
        if other
        else Paragraph((wording.see_appendix(language), CrossRef("appendix.data_collection"), ".")),
    )


def _method_blocks(ctx: Context) -> tuple:
    from evalkit.analysis.agreement import agreement_table, disagreements
    from evalkit.present.numbers import format_number

    language = ctx.language
    out = [Paragraph((text,)) for text in wording.method_paragraphs(language)]
    agreement = agreement_table(ctx.study)
    overall = agreement[agreement["quality_area_id"] == "all"] if len(agreement) else agreement
    if len(overall) and not pd.isna(overall.iloc[0]["alpha"]):
        row = overall.iloc[0]
        out.append(
            Paragraph(
                (
                    wording.agreement_sentence(
                        int(row["coders"]),
                        format_number(float(row["alpha"]), language, 2),
                        len(disagreements(ctx.study)),
                        language,
                    ),
                )
            )
        )
    before, after = wording.basis_intro(language)
    out.append(Paragraph((before, CrossRef("appendix.values", capital=True), after)))
    if ctx.published:
        out.append(Paragraph((wording.reconstruction_paragraph(language),)))
    return blocks(out)


def _reading_blocks(ctx: Context) -> tuple:
    first, second, (before, after) = wording.reading_paragraphs(ctx.language)
    return (Paragraph((first,)), Paragraph((second,)), Paragraph((before, CrossRef("appendix.findings"), after)))


# --------------------------------------------------------------------------- 2 organisation


def organisation(ctx: Context) -> Section:
    from evalkit.analysis import organisation as analysis
    from evalkit.present.tables import display_frame

    language, study = ctx.language, ctx.study
    posts_table = None
    if ctx.ready("posts") and not any(
        evidence.rests_on_reconstruction(study, table, fields)
        for table, fields in (
            ("coordinator_municipalities", ["municipality_id", "coordinator_id", "share_of_post_pct"]),
            ("municipalities", ["model"]),
        )
    ):
        frame = analysis.posts_by_municipality(study)
        shown = display_frame(
            frame,
            study,
            language,
            ctx.reveal_names,
            columns=["municipality_id", "coordinators", "share_of_post_pct", "model"],
        )
        posts_table = table_from("table.posts", wording.caption("posts", language), shown)
    posts = findings_section(
        ctx,
        "organisation.posts",
        _rows(ctx, ids=["org.municipalities_with_coordinator"]),
        _rows(
            ctx,
            ids=[
                "org.coordinators_total",
                "org.coordinators_serving_several",
                "org.municipalities_sharing_a_coordinator",
            ],
        )
        + _rows(ctx, prefix="org.shared_post_share."),
        extra_after=(posts_table,),
    )

    time_figure = None
    q3 = ["q3_strategic_pct", "q3_individual_pct", "q3_direct_client_pct", "q3_other_pct"]
    if ctx.ready("time_split") and not evidence.rests_on_reconstruction(study, "survey_responses", q3):
        from evalkit.present import captions, figures

        time_figure = _figure(
            "figure.time_split",
            lambda: figures.time_split_figure(analysis.time_split(study), study, language=language),
            wording.caption("time_split", language),
            captions.figure_alt_text("time_split", language),
        )
    time_lead = None
    if time_figure is not None:
        before, after = wording.time_split_intro(language)
        time_lead = Paragraph((before, CrossRef(time_figure.key), after))
    time = findings_section(
        ctx,
        "organisation.time",
        _rows(ctx, ids=["org.full_time.municipalities", "org.full_time.coordinators"]),
        _rows(ctx, ids=["org.part_time.municipalities", "org.part_time.coordinators"]),
        extra_after=(time_lead, time_figure),
    )
    placement = findings_section(
        ctx,
        "organisation.placement",
        _rows(ctx, prefix="org.placement."),
        _rows(ctx, prefix="org.combined_with.", where=lambda r: str(r["finding_id"]).endswith(".coordinators")),
    )
    role = findings_section(
        ctx,
        "organisation.role",
        _rows(ctx, prefix="org.role."),
        _rows(ctx, ids=["org.seat_in_management_group"]),
    )
    return Section(
        "organisation",
        wording.title("organisation", language),
        blocks(Paragraph((wording.organisation_intro(language),)), ctx.box("organisation")),
        (posts, time, placement, role),
        kind="chapter",
    )


# --------------------------------------------------------------------------- 3 quality areas


def quality_areas(ctx: Context) -> Section:
    from evalkit.analysis import quality_areas as analysis
    from evalkit.present.numbers import format_number

    language, study = ctx.language, ctx.study
    indicators = analysis.ordered_indicators(study)
    n_indicators = int((indicators["chapter"] == "quality_areas").sum()) if "chapter" in indicators else len(indicators)
    intro = [Paragraph((wording.quality_intro(n_indicators, language),))]
    per_municipality = not evidence.rests_on_reconstruction(study, "assessments", ["value", "subject_id"])
    if per_municipality and ctx.ready("quality_areas"):
        from evalkit.present import captions, figures

        partly = 0.5
        matrix = analysis.quality_area_matrix(study, partly_score=partly)
        heatmap = _figure(
            "figure.heatmap",
            lambda: figures.quality_area_heatmap(
                matrix, study, language=language, reveal_names=ctx.reveal_names, partly_score=partly
            ),
            wording.caption("heatmap", language),
            captions.figure_alt_text("quality_area_heatmap", language),
        )
        before, after = wording.heatmap_intro(format_number(partly, language, 1), language)
        intro += [_caption_paragraph(heatmap.key, before, after), heatmap]
        group_table = _by_group_table(ctx, analysis.quality_area_by_group(study, partly_score=partly))
        if group_table is not None:
            before, after = wording.by_group_intro(language)
            intro += [_caption_paragraph(group_table.key, before, after), group_table]
    elif not study.tables["assessments"].empty:
        intro.append(Paragraph((wording.per_municipality_withheld(language),)))
    intro.append(ctx.box("quality_areas"))

    sections = []
    for area in analysis.ordered_quality_areas(study):
        label_text = ctx.study.codebook["quality_areas"].set_index("quality_area_id").loc[area]
        rows = _rows(ctx, where=lambda r, a=area: r["chapter"] == "quality_areas" and r["quality_area"] == a)
        definition = Paragraph(
            (Strong(f"{label_text['label_' + language]}."), " " + str(label_text["definition_" + language]))
        )
        section = findings_section(
            ctx,
            f"quality_areas.{area}",
            rows,
            [],
            extra_before=(definition,),
            extra_after=(
                None if rows else Paragraph((wording.no_findings(language),)),
                *quote_blocks(ctx, "quality_area_id", area),
                ctx.box(f"quality_area.{area}"),
            ),
            bullets=True,
            skip_zero=False,
            title=str(label_text["label_" + language]),
        )
        sections.append(section)
    return Section(
        "quality_areas",
        wording.title("quality_areas", language),
        blocks(intro),
        tuple(sections),
        kind="chapter",
    )


def _by_group_table(ctx: Context, frame: pd.DataFrame) -> Table | None:
    from evalkit.present.numbers import DASH, format_number

    if frame.empty:
        return None
    language = ctx.language
    groups = [g for g in ("well_functioning", "poorly_functioning", "team_based") if g in set(frame["group"])]
    if len(groups) < 2:
        return None
    areas = list(dict.fromkeys(frame["quality_area_id"]))
    labels = ctx.study.codebook["quality_areas"].set_index("quality_area_id")["label_" + language]
    rows = []
    for area in areas:
        cells = [str(labels.get(area, area))]
        for group in groups:
            value = frame[(frame["quality_area_id"] == area) & (frame["group"] == group)]["mean_score"]
            cells.append(
                DASH if value.empty or pd.isna(value.iloc[0]) else format_number(float(value.iloc[0]), language, 2)
            )
        rows.append(tuple(cells))
    header = (wording.header("quality_area", language), *(ctx.vocabulary("group", g) for g in groups))
    return Table(
        "table.by_group",
        wording.caption("by_group", language),
        header,
        tuple(rows),
        (False, *(True for _ in groups)),
        notes=((ctx.t("– = inget känt värde.", "– = no known value."),),),
    )


# --------------------------------------------------------------------------- 4 comparison


def comparison(ctx: Context) -> Section | None:
    language, study = ctx.language, ctx.study
    team_rows = _rows(ctx, ids=["team.municipalities"])
    has_team = bool(team_rows) and float(team_rows[0]["numerator"]) > 0
    cases = study.tables["case_statistics"]
    if not has_team and (cases.empty or not ctx.ready("case_statistics")):
        return None
    sections = []
    if has_team:
        body = _rows(ctx, where=lambda r: r["chapter"] == "comparison" and str(r["finding_id"]).startswith("qa."))
        sections.append(
            findings_section(
                ctx,
                "comparison.team",
                team_rows,
                body,
                extra_before=(Paragraph((wording.team_intro(language),)),),
                extra_after=(_team_table(ctx),),
                bullets=True,
                skip_zero=False,
            )
        )
    if not cases.empty and ctx.ready("case_statistics"):
        sections.append(_cases_section(ctx))
    return Section(
        "comparison",
        wording.title("comparison", language),
        blocks(ctx.box("comparison")),
        tuple(s for s in sections if s is not None),
        kind="chapter",
    )


def _team_table(ctx: Context) -> Table | None:
    from evalkit.analysis.comparison import team_vs_coordinator
    from evalkit.present.tables import display_frame

    study = ctx.study
    if not ctx.ready("team_comparison") or evidence.rests_on_reconstruction(
        study, "assessments", ["value", "subject_id"]
    ):
        return None
    frame = team_vs_coordinator(study)
    if frame.empty:
        return None
    shown = display_frame(
        frame, study, ctx.language, ctx.reveal_names, columns=["indicator_id", "mean_team", "mean_coordinator"]
    )
    return table_from("table.team_vs_coordinator", wording.caption("team_vs_coordinator", ctx.language), shown)


def _cases_section(ctx: Context) -> Section | None:
    from evalkit.analysis.case_statistics import before_after_summary, case_series
    from evalkit.present.labels import measure_label
    from evalkit.present.numbers import format_number
    from evalkit.present.tables import display_frame

    language, study = ctx.language, ctx.study
    series = case_series(study)
    heading_row, heading_text = None, None
    candidates = []
    for (municipality, measure), own in series.groupby(["municipality_id", "measure"], sort=True):
        own = own.sort_values("year")
        ids = [f"cases.{municipality}.{measure}.{int(y)}" for y in own["year"]]
        first, last = ctx.finding(ids[0]), ctx.finding(ids[-1])
        if len(ids) < 2 or first is None or last is None or not (evidence.carries(first) and evidence.carries(last)):
            continue
        candidates.append((-len(ids), str(municipality), str(measure), first, last))
    allocation_reconstructed = any(evidence.allocation_reconstructed(r) for r in _rows(ctx, prefix="cases."))
    if candidates:
        _, municipality, measure, first, last = sorted(candidates, key=lambda c: c[:3])[0]
        subject = (
            None
            if allocation_reconstructed
            else ctx.municipality(municipality).lower()[:1] + ctx.municipality(municipality)[1:]
        )
        year = lambda fid: fid.rsplit(".", 1)[1]  # noqa: E731 - the year is the id's last part
        heading_text = wording.series_heading(
            measure_label(study, measure, language),
            subject,
            (year(first["finding_id"]), format_number(float(first["numerator"]), language)),
            (year(last["finding_id"]), format_number(float(last["numerator"]), language)),
            language,
        )
        heading_row = last
    extra = [Paragraph((wording.cases_intro(language),))]
    if allocation_reconstructed:
        extra.append(Paragraph((wording.series_allocation_note(language),)))
    summary = before_after_summary(study)
    if not summary.empty:
        columns = ["measure", "start_year", "mean_before", "mean_after"]
        if not allocation_reconstructed:
            columns = ["municipality_id", *columns]
        shown = display_frame(summary, study, language, ctx.reveal_names, columns=columns)
        table = table_from("table.before_after", wording.caption("before_after", language), shown)
        before, after = wording.before_after_intro(language)
        extra += [_caption_paragraph(table.key, before, after), table]
    if not allocation_reconstructed:
        import matplotlib

        from evalkit.present import captions, figures
        from evalkit.report.determinism import plotting_rc

        with matplotlib.rc_context(plotting_rc()):  # drawn as a kernel draws them (see _figure)
            drawn = figures.case_series_figures(study, language, ctx.reveal_names)
        for municipality, figure in drawn.items():
            subject = ctx.municipality(municipality)
            extra.append(
                _figure(
                    f"figure.cases.{municipality}",
                    lambda f=figure: f,
                    wording.caption("case_series", language, subject),
                    captions.figure_alt_text("case_series", language, subject),
                )
            )
    return Section(
        "comparison.cases",
        heading_text or wording.title("comparison.cases", language),
        blocks(extra),
        finding=None if heading_row is None else str(heading_row["finding_id"]),
    )


# --------------------------------------------------------------------------- 5 success factors


def success_factors(ctx: Context) -> Section | None:
    from evalkit.analysis import success_factors as analysis

    language, study = ctx.language, ctx.study
    if study.tables["conditions"].empty or study.codebook["conditions"].empty or not ctx.ready("condition_table"):
        return None
    kinds = analysis.condition_kinds(study)
    factors = kinds.get("success_factor", [])
    explanations = kinds.get("failure_explanation", [])
    functioning = findings_section(
        ctx,
        "success_factors.functioning",
        _rows(ctx, ids=["org.functioning.well", "org.functioning.poorly"]),
        [],
    )
    table = analysis.condition_table(study)
    sections = [functioning]
    # when no condition's spread over the municipalities is known, say so once, not under every condition
    all_reconstructed = all(_condition_reconstructed(ctx, cid) for cid in [*factors, *explanations])
    for key, conditions in (("success_factors.factors", factors), ("success_factors.explanations", explanations)):
        if conditions:
            subsections = tuple(_condition_section(ctx, cid, table, all_reconstructed) for cid in conditions)
            sections.append(Section(key, wording.title(key, language), (), subsections))
    combinations = _combinations_section(ctx)
    if combinations is not None:
        sections.append(combinations)
    conclusions = ctx.box("conclusions")
    if conclusions is not None:
        sections.append(
            Section(
                "success_factors.conclusions", wording.title("success_factors.conclusions", language), (conclusions,)
            )
        )
    return Section(
        "success_factors",
        wording.title("success_factors", language),
        blocks(
            Paragraph((wording.conditions_intro(len(factors), len(explanations), language),)),
            Paragraph((wording.conditions_reconstructed(language),)) if all_reconstructed else None,
            ctx.box("success_factors"),
        ),
        tuple(sections),
        kind="chapter",
    )


def _condition_reconstructed(ctx: Context, condition_id: str) -> bool:
    """Whether where the condition holds (or how well the function works) rests on a reconstruction."""
    from evalkit.analysis.populations import rows_basis

    conditions = ctx.study.tables["conditions"]
    own_rows = conditions[conditions["condition_id"] == condition_id]
    return rows_basis(own_rows, ["value", "municipality_id"], ctx.study) == evidence.RECONSTRUCTED or (
        evidence.rests_on_reconstruction(ctx.study, "municipalities", ["coordinator_functioning"])
    )


def _condition_section(ctx: Context, condition_id: str, table: pd.DataFrame, said_once: bool = False) -> Section:
    language, study = ctx.language, ctx.study
    codebook = study.codebook["conditions"].set_index("condition_id").loc[condition_id]
    label_text = str(codebook["label_" + language])
    row = ctx.finding(f"sf.{condition_id}")
    head = row if row is not None and evidence.shown(row) else None
    definition = Paragraph(
        (Strong(f"{label_text}."), " " + str(codebook["definition_" + language]))
        if head is not None
        else (str(codebook["definition_" + language]),)
    )
    if _condition_reconstructed(ctx, condition_id):
        association = None if said_once else Paragraph((wording.condition_reconstructed(language),))
    elif condition_id in table.columns:
        association = Paragraph((_association(table, condition_id, language),))
    else:
        association = None
    return Section(
        f"success_factors.condition.{condition_id}",
        evidence.heading(head, language) if head is not None else label_text,
        blocks(
            definition,
            association,
            *quote_blocks(ctx, "condition_id", condition_id),
            ctx.box(f"condition.{condition_id}"),
        ),
        finding=None if head is None else str(head["finding_id"]),
    )


def _association(table: pd.DataFrame, condition_id: str, language: str) -> str:
    def counts(outcome: int) -> tuple[int, int, int]:
        own = table[table["outcome"] == outcome][condition_id]
        return int((own == 1).sum()), len(own), int(own.isna().sum())

    return wording.association(counts(1), counts(0), language)


def _combinations_section(ctx: Context) -> Section | None:
    from evalkit.analysis import robustness as robust_module
    from evalkit.analysis import success_factors as analysis

    language, study = ctx.language, ctx.study
    kinds = analysis.condition_kinds(study)
    reconstructed = evidence.rests_on_reconstruction(
        study, "conditions", ["value"]
    ) or evidence.rests_on_reconstruction(study, "municipalities", ["coordinator_functioning"])
    verdicts = robust_module.study_solutions(ctx.robustness) if ctx.robustness is not None else None
    out = [Paragraph((wording.combinations_intro(language),))]
    for kind, outcome, part in (
        ("success_factor", "outcome", "success_factor_qca"),
        ("failure_explanation", "~outcome", "failure_qca"),
    ):
        if not kinds.get(kind) or not ctx.ready(part):
            continue
        result = ctx.shared(analysis.qca_analysis, kind=kind, outcome=outcome)
        sentences = analysis.solution_sentences(study, result, language, outcome)
        chosen = None
        for solution_type in ("parsimonious", "intermediate", "conservative"):
            own = sentences[sentences["solution_type"] == solution_type]
            if not own.empty:
                chosen = own
                break
        if chosen is None:
            out.append(Paragraph((wording.no_solution(outcome == "outcome", language),)))
            continue
        for solution in chosen.itertuples(index=False):
            text = str(solution.sentence)
            if reconstructed:
                for marker in (" Det gäller ", " This covers "):
                    text = text.split(marker)[0]
            content: tuple = (text,)
            if verdicts is not None and not verdicts.empty:
                match = verdicts[
                    (verdicts["kind"] == kind)
                    & (verdicts["solution_type"] == solution.solution_type)
                    & (verdicts["expression"] == solution.expression)
                ]
                if not match.empty:
                    content = (text + " " + wording.solution_robustness(str(match.iloc[0]["verdict"]), language),)
            out.append(Paragraph(content))
    if len(out) == 1:  # neither analysis can run for this study
        return None
    return Section("success_factors.combinations", wording.title("success_factors.combinations", language), blocks(out))
