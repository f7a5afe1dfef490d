"""Tables for readers: labels instead of codes, numbers by locale, a numbered caption.

The analysis functions return frames with code values and English snake_case
columns. :func:`display_frame` turns any of them into a table of text for a
reader: municipality ids become *Kommun A* / *Municipality A*, codes become
codebook labels, QCA expressions are written with condition labels, numbers
are written by :mod:`evalkit.present.numbers` (decimal comma in Swedish), a
missing value reads *okänt* / *unknown* (or "–" for a statistic that cannot
be computed), a value the small-cell rule withholds reads *färre än 3* /
*fewer than 3* (or *ej redovisat (få fall)*), and column headers are
translated. :func:`table_html` renders
the result as an HTML ``<table>`` with a ``<caption>``; :func:`table_text` as
plain text. Nothing is written to disk.
"""

from __future__ import annotations

import html

import pandas as pd

from evalkit.present.labels import (
    condition_label,
    coordinator_label,
    indicator_label,
    measure_label,
    municipality_label,
    negated_condition_label,
    quality_area_label,
    vocabulary_label,
)
from evalkit.present.language import LANGUAGES, decapitalise
from evalkit.present.numbers import DASH, decimals_needed, format_number, format_percent, is_number
from evalkit.present.sources import display_sources
from evalkit.privacy import (
    SMALL_COUNT,
    Suppressed,
    is_suppressed,
    protected_cells,
    protected_finding,
    small_cell_threshold,
    suppress_small_cells,
)

#: Column headers: column -> (Swedish, English).
COLUMN_LABELS = {
    "finding_id": ("Resultat-id", "Finding id"),
    "chapter": ("Kapitel", "Chapter"),
    "quality_area": ("Kvalitetsområde", "Quality area"),
    "quality_area_id": ("Kvalitetsområde", "Quality area"),
    "numerator": ("Antal", "Count"),
    "denominator": ("Av", "Out of"),
    "count": ("Antal", "Count"),
    "unit": ("Enhet", "Unit"),
    "statement": ("Resultat", "Finding"),
    "statement_sv": ("Resultat (sv)", "Finding (sv)"),
    "statement_en": ("Resultat (en)", "Finding (en)"),
    "source": ("Källa", "Source"),
    "basis": ("Grund", "Basis"),
    "municipality_id": ("Kommun", "Municipality"),
    "municipalities": ("Kommuner", "Municipalities"),
    "coordinator_id": ("Samordnare", "Coordinator"),
    "coordinators": ("Samordnare", "Coordinators"),
    "n_municipalities": ("Antal kommuner", "Number of municipalities"),
    "n_coordinators": ("Antal samordnare", "Number of coordinators"),
    "n_indicators": ("Antal indikatorer", "Number of indicators"),
    "share_of_post_pct": ("Andel av heltid (%)", "Share of full time (%)"),
    "link_share_sum_pct": ("Summa av kommunandelar (%)", "Sum of municipal shares (%)"),
    "share_source": ("Källa för andel", "Source of share"),
    "full_time": ("Heltid", "Full time"),
    "shared": ("Delad tjänst", "Shared post"),
    "serves_several": ("Flera kommuner", "Several municipalities"),
    "role": ("Roll", "Role"),
    "combined_with": ("Kombineras med", "Combined with"),
    "seat_in_management_group": ("Plats i ledningsgruppen", "Seat in management group"),
    "based_in": ("Placerad i", "Based in"),
    "model": ("Organisering", "Organisation model"),
    "q4_placement": ("Placering", "Placement"),
    "activity": ("Aktivitet", "Activity"),
    "pct": ("Andel (%)", "Share (%)"),
    "total_pct": ("Summa (%)", "Total (%)"),
    "strategic": ("Strategisk samordning (%)", "Strategic coordination (%)"),
    "individual": ("Samordning på individnivå (%)", "Case-level coordination (%)"),
    "direct_client": ("Direkt klientarbete (%)", "Direct client work (%)"),
    "other": ("Annat (%)", "Other (%)"),
    "n": ("Antal", "Count"),
    "share": ("Andel", "Share"),
    "indicator_id": ("Indikator", "Indicator"),
    "population": ("Population", "Population"),
    "yes": ("Ja", "Yes"),
    "partly": ("Delvis", "Partly"),
    "no": ("Nej", "No"),
    "unknown": ("Okänt", "Unknown"),
    "not_assessed": ("Ej bedömt", "Not assessed"),
    "outside_population": ("Utanför populationen", "Outside the population"),
    "group": ("Grupp", "Group"),
    "mean_score": ("Medelvärde", "Mean score"),
    "mean_team": ("Team (medel)", "Team (mean)"),
    "mean_coordinator": ("Samordnare (medel)", "Coordinator (mean)"),
    "difference": ("Skillnad", "Difference"),
    "n_municipalities_team": ("Kommuner, team", "Municipalities, team"),
    "n_municipalities_coordinator": ("Kommuner, samordnare", "Municipalities, coordinator"),
    "n_indicators_team": ("Indikatorer, team", "Indicators, team"),
    "n_indicators_coordinator": ("Indikatorer, samordnare", "Indicators, coordinator"),
    "verdict": ("Bedömning", "Verdict"),
    "pre_trend": ("Bedömning av trenden före start", "Trend before the start"),
    "pre_slope_se": ("Medelfel för lutningen", "Standard error of the slope"),
    "team_model": ("Teammodellen", "Team model"),
    "mean_well": ("Fungerar väl (medel)", "Works well (mean)"),
    "mean_poorly": ("Fungerar dåligt (medel)", "Works poorly (mean)"),
    "difference_poorly": ("Skillnad mot fungerar dåligt", "Difference from works poorly"),
    "n_team": ("Värden, team", "Values, team"),
    "n_coordinator": ("Värden, samordnare", "Values, coordinator"),
    "reconstructed_team": ("Rekonstruerade, team", "Reconstructed, team"),
    "reconstructed_coordinator": ("Rekonstruerade, samordnare", "Reconstructed, coordinator"),
    "sentence": ("Tolkning", "Reading"),
    "part": ("Del", "Part"),
    "n_values": ("Värden", "Values"),
    "n_reconstructed": ("Rekonstruerade", "Reconstructed"),
    "n_stated": ("Angivna", "Stated"),
    "holds_in": ("Gäller i", "Holds in"),
    "of_allocations": ("Av fördelningar", "Of allocations"),
    "in_study": ("I studiens fördelning", "In the study's allocation"),
    "holds_everywhere": ("Gäller i alla", "Holds in all"),
    "measure": ("Mått", "Measure"),
    "year": ("År", "Year"),
    "value": ("Värde", "Value"),
    "start_date": ("Startdatum", "Start date"),
    "start_year": ("Startår", "Start year"),
    "period": ("Period", "Period"),
    "n_before": ("År före", "Years before"),
    "n_after": ("År efter", "Years after"),
    "mean_before": ("Medel före", "Mean before"),
    "mean_after": ("Medel efter", "Mean after"),
    "abs_change": ("Förändring", "Change"),
    "rel_change": ("Relativ förändring", "Relative change"),
    "pre_slope": ("Lutning före start (per år)", "Slope before start (per year)"),
    "pre_slope_ci_low": ("Lutningens 95 % KI, nedre", "Slope, 95% CI, lower"),
    "pre_slope_ci_high": ("Lutningens 95 % KI, övre", "Slope, 95% CI, upper"),
    "level": ("Konfidensnivå", "Confidence level"),
    "level_change": ("Nivåförändring vid start", "Level change at the start"),
    "level_change_ci_low": ("Nivåförändringens 95 % KI, nedre", "Level change, 95% CI, lower"),
    "level_change_ci_high": ("Nivåförändringens 95 % KI, övre", "Level change, 95% CI, upper"),
    "increase_under_way": ("Ökning redan på gång", "Increase already under way"),
    "term": ("Term", "Term"),
    "estimate": ("Skattning", "Estimate"),
    "std_error": ("Medelfel", "Standard error"),
    "ci_low": ("95 % KI, nedre", "95% CI, lower"),
    "ci_high": ("95 % KI, övre", "95% CI, upper"),
    "df": ("Frihetsgrader", "Degrees of freedom"),
    "condition_id": ("Villkor", "Condition"),
    "kind": ("Typ", "Kind"),
    "outcome": ("Utfall (fungerar väl)", "Outcome (works well)"),
    "outcome_poorly": ("Utfall (fungerar dåligt)", "Outcome (works poorly)"),
    "table": ("Tabell", "Table"),
    "key": ("Nyckel", "Key"),
    "field": ("Fält", "Field"),
    "alternative": ("Alternativ", "Alternative"),
    "assumption": ("Antagande", "Assumption"),
    "claim_id": ("Påstående", "Claim"),
    "match": ("Stämmer", "Matches"),
    # study overview (chapter 00)
    "respondent_group": ("Respondentgrupp", "Respondent group"),
    "respondent_role": ("Roll", "Role"),
    "interviews": ("Intervjuer", "Interviews"),
    "share_pct": ("Andel (%)", "Share (%)"),
    "external": ("Externa parter", "External partners"),
    "total": ("Totalt", "Total"),
    "question_id": ("Fråga", "Question"),
    "answered": ("Besvarad", "Answered"),
    "respondents": ("Svarande", "Respondents"),
    "from_report": ("Uppgift i rapporten", "Given in the report"),
    "posts": ("Tjänster", "Posts"),
    "reconstructed": ("Rekonstruerade", "Reconstructed"),
    "stated": ("Angivna", "Stated"),
    "observed": ("Insamlade", "Observed"),
    "judgement": ("Bedömda", "Judgement"),
    "rows": ("Rader", "Rows"),
    "reconstructed_pct": ("Andel rekonstruerade (%)", "Reconstructed (%)"),
    "document_type": ("Dokumenttyp", "Document type"),
    "documents": ("Dokument", "Documents"),
    "county_level": ("Länsnivå", "County level"),
    "evidence": ("Underlag", "Evidence"),
    "robustness": ("Gäller i fördelningarna", "Holds in the allocations"),
    "n_solutions": ("Olika lösningar", "Different solutions"),
    "poorly_one_of": ("Läsning: fungerar dåligt (en av)", "Reading: functions poorly (one of)"),
    "size_band": ("Storlek", "Size"),
    "coordinator_functioning": ("Samordnarfunktionen", "Coordinator function"),
    "text_sv": ("Fråga", "Question"),
    "text_en": ("Fråga", "Question"),
    "columns": ("Kolumner", "Columns"),
    "label_sv": ("Benämning", "Label"),
    "label_en": ("Benämning", "Label"),
    "definition_sv": ("Definition", "Definition"),
    "definition_en": ("Definition", "Definition"),
    "order": ("Ordning", "Order"),
    # comparison and case statistics
    "scope": ("Omfattning", "Scope"),
    "n_subjects": ("Antal bedömda", "Subjects assessed"),
    "start_year_value": ("Värde startåret", "Value in start year"),
    "start_year_excluded": ("Startåret utesluts", "Start year left out"),
    "note": ("Not", "Note"),
    "n_pre": ("År före start", "Years before start"),
    "first_pre_year": ("Första år", "First year"),
    "first_pre_value": ("Första värde", "First value"),
    "last_pre_year": ("Sista år före start", "Last year before start"),
    "last_pre_value": ("Värde sista år före start", "Value last year before start"),
    "t_crit": ("t (97,5 %)", "t (97.5%)"),
    "n_years": ("Antal år", "Number of years"),
    "exploratory": ("Utforskande", "Exploratory"),
    # QCA
    "row": ("Rad", "Row"),
    "n_outcome": ("Fall med utfallet", "Cases with the outcome"),
    "consistency": ("Konsistens", "Consistency"),
    "coverage": ("Täckning", "Coverage"),
    "relevance": ("Relevans (RoN)", "Relevance (RoN)"),
    "pri": ("PRI", "PRI"),
    "contradiction": ("Motsägelse", "Contradiction"),
    "cases": ("Fall", "Cases"),
    "condition": ("Villkor", "Condition"),
    "solution_type": ("Lösningstyp", "Solution type"),
    "solution": ("Lösning nr", "Solution no."),
    "expression": ("Uttryck", "Expression"),
    "qca_model": ("Modell", "Model"),
    "configuration": ("Kombination", "Combination"),
    "assumption_kind": ("Antagande", "Assumption"),
    "present": ("Gäller i", "Holds in"),
    "skewed": ("Snett", "Skewed"),
    "partly_as": ("Delvis räknas som (1 = gäller, 0 = gäller inte)", "Partly counts as (1 = holds, 0 = does not)"),
    "n_assignments": ("Tilldelningar av utfallet", "Assignments of the outcome"),
    "n_as_good": ("Med lika bra lösning", "With an equally good solution"),
}

#: Columns whose values are codes of a vocabulary (column -> vocabulary).
CODE_COLUMNS = {
    "model": "model",
    "role": "role",
    "combined_with": "combined_with",
    "seat_in_management_group": "value",
    "q4_placement": "q4_placement",
    "population": "population",
    "unit": "unit",
    "basis": "basis",
    "group": "group",
    "activity": "activity",
    "period": "period",
    "value": "value",
    "coordinator_functioning": "coordinator_functioning",
    "size_band": "size_band",
    "respondent_group": "respondent_group",
    "respondent_role": "respondent_role",
    "mode": "mode",
    "document_type": "document_type",
    "solution_type": "solution_type",
    "kind": "kind",
    "chapter": "chapter",
    "pre_trend": "pre_trend",
    "note": "case_note",
    "team_model": "team_model",
    "part": "kind",
    "table": "table",
    "share_source": "share_source",
    "term": "term",
    "scope": "population",
    "assumption_kind": "qca_assumption",
}

#: Year columns: written without a thousands separator ("2018").
YEAR_COLUMNS = {"year", "start_year", "first_pre_year", "last_pre_year"}
#: Shares between 0 and 1, written as percentages ("25 %").
SHARE_COLUMNS = {"share", "rel_change", "level"}
#: Columns on the 0–100 scale (their header says "(%)"): at most one decimal.
PERCENT_COLUMNS = {
    "pct", "total_pct", "share_pct", "share_of_post_pct", "link_share_sum_pct", "reconstructed_pct",
}  # fmt: skip
#: Counts that may be stored as floats: written with as few decimals as they need ("96").
COUNT_COLUMNS = {
    "value",
    "numerator",
    "denominator",
    "n",
    "count",
    "first_pre_value",
    "last_pre_value",
    "start_year_value",
}
#: Free-text columns: a missing value is left empty (and an empty column is not shown).
TEXT_COLUMNS = {"note", "source", "evidence", "assumption", "changes", "cases", "combined_with_text", "sentence"}
#: Computed statistics: a missing value means "cannot be computed" and is written "–".
STATISTIC_COLUMNS = {
    "estimate", "std_error", "ci_low", "ci_high", "t_crit", "mean_before", "mean_after", "abs_change",
    "rel_change", "pre_slope", "pre_slope_se", "consistency", "coverage", "pri", "relevance", "difference",
    "difference_poorly", "mean_team", "mean_coordinator", "mean_well", "mean_poorly", "start_year_value",
    "first_pre_value", "last_pre_value", "term", "pre_slope_ci_low", "pre_slope_ci_high", "level_change",
    "level_change_ci_low", "level_change_ci_high",
}  # fmt: skip
#: Written after a caption when a table shows "–".
DASH_NOTE = ("– = kan inte beräknas.", "– = cannot be computed.")
UNKNOWN = ("okänt", "unknown")


def column_label(column: str, language: str = "en", study=None) -> str:
    """Localised header of a column (quality-area and condition ids as columns get their labels)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column][0 if language == "sv" else 1]
    if column.endswith("_basis") and column[: -len("_basis")] in COLUMN_LABELS:
        # The basis of one column of the same table: "Roll: belägg" / "Role: basis".
        label = COLUMN_LABELS[column[: -len("_basis")]][0 if language == "sv" else 1]
        return f"{label}: {'belägg' if language == 'sv' else 'basis'}"
    if study is not None:
        if column in set(study.tables["municipalities"]["municipality_id"]):
            return municipality_label(column, language, study)
        for table, label in (
            ("quality_areas", quality_area_label),
            ("conditions", condition_label),
            ("indicators", indicator_label),
        ):
            key = {"quality_areas": "quality_area_id", "conditions": "condition_id", "indicators": "indicator_id"}[
                table
            ]
            if column in set(study.codebook[table][key]):
                return label(study, column, language)
    return str(column)


def _is_missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def condition_text(study, literal: str, language: str) -> str:
    """A QCA literal as words: ``"~shared_post"`` -> ``"tjänsten delas inte mellan kommuner"``."""
    literal = literal.strip()
    negated = literal.startswith("~")
    name = literal.lstrip("~").strip()
    if name in ("outcome", "outcome_poorly"):
        text = decapitalise(column_label(name, language))
        return (("inte " if language == "sv" else "not ") + text) if negated else text
    if negated:
        return decapitalise(negated_condition_label(study, name, language))
    return decapitalise(condition_label(study, name, language))


#: Expressions that are not a solution: (Swedish, English) text.
NOT_AN_EXPRESSION = {
    "(none)": ("ingen lösning", "no solution"),
    "(varies)": ("ingen enskild lösning gäller i samtliga", "no single solution holds in all"),
}


def expression_text(study, expression: str, language: str) -> str:
    """A QCA expression with labels: terms joined by " eller " / " or ", conditions within a term by " • "."""
    if str(expression) in NOT_AN_EXPRESSION:
        return NOT_AN_EXPRESSION[str(expression)][0 if language == "sv" else 1]
    terms = [term for term in str(expression).split("+") if term.strip()]
    word = " eller " if language == "sv" else " or "
    return word.join(" • ".join(condition_text(study, c, language) for c in term.split("*")) for term in terms)


def _cases_text(study, cases: str, language: str, reveal_names: bool) -> str:
    """``"E,G,H"`` -> ``"Kommun E, Kommun G, Kommun H"`` (groups separated by "; " stay so)."""
    groups = []
    for group in str(cases).split(";"):
        ids = [c.strip() for c in group.split(",") if c.strip()]
        groups.append(", ".join(municipality_label(c, language, study, reveal_names) for c in ids))
    return "; ".join(g for g in groups if g)


def _question_text(study, question_id, language: str) -> str:
    questions = study.codebook.get("survey_questions") if study is not None else None
    if questions is not None and len(questions):
        hit = questions.loc[questions["question_id"].astype(str) == str(question_id), "text_" + language]
        if len(hit) and not _is_missing(hit.iloc[0]):
            return str(hit.iloc[0])
    return str(question_id)


#: Written for a finding id the study's own findings table does not hold (e.g. one only an alternative gives).
OTHER_FINDING = ("Ett resultat som studiens egna värden inte ger", "A finding the study's own values do not give")


def _finding_text(findings, finding_id, language: str) -> str:
    """The statement of a finding in ``language``; the id itself is never shown outside the findings table."""
    if findings is not None and len(findings):
        hit = findings.loc[findings["finding_id"].astype(str) == str(finding_id), "statement_" + language]
        if len(hit) and not _is_missing(hit.iloc[0]):
            return str(hit.iloc[0])
    return OTHER_FINDING[0 if language == "sv" else 1]


def _label_value(study, column: str, value, language: str, reveal_names: bool, findings=None):
    """The label of one non-missing, non-numeric cell."""
    if column in ("municipality_id", "based_in"):
        return municipality_label(str(value), language, study, reveal_names)
    if column == "coordinator_id":
        return coordinator_label(str(value), language)
    if column in ("quality_area_id", "quality_area"):
        return quality_area_label(study, value, language)
    if column == "indicator_id":
        return indicator_label(study, value, language)
    if column == "condition" and isinstance(value, str):
        return condition_text(study, value, language)[:1].upper() + condition_text(study, value, language)[1:]
    if column in ("expression", "configuration") and isinstance(value, str):
        return expression_text(study, value, language)
    if column == "condition_id":
        return condition_label(study, value, language)
    if column == "measure":
        return measure_label(study, value, language)
    if column == "question_id":
        return _question_text(study, value, language)
    if column == "finding_id":
        return _finding_text(findings, value, language)
    if column == "source" and isinstance(value, str):
        return display_sources(study, value, language)
    if column == "cases" and isinstance(value, str):
        return _cases_text(study, value, language, reveal_names)
    if column in ("municipalities", "poorly_one_of", "coordinators") and isinstance(value, str):
        parts = [p for p in value.split("|") if p]
        make = (
            (lambda p: municipality_label(p, language, study, reveal_names))
            if column != "coordinators"
            else (lambda p: coordinator_label(p, language))
        )
        return ", ".join(make(p) for p in parts)
    if column.endswith("_basis") and isinstance(value, str):
        return vocabulary_label(study, "basis", value, language)
    if column in CODE_COLUMNS and isinstance(value, str):
        return vocabulary_label(study, CODE_COLUMNS[column], value, language)
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return _yes_no(bool(value), language)
    return str(value)


def _yes_no(value: bool, language: str) -> str:
    return ("ja" if value else "nej") if language == "sv" else ("yes" if value else "no")


def _missing_text(column: str, language: str) -> str:
    if column in TEXT_COLUMNS:
        return ""
    if column in STATISTIC_COLUMNS:
        return DASH
    return UNKNOWN[0 if language == "sv" else 1]


def _column_texts(study, column: str, values: pd.Series, language: str, reveal_names: bool, findings=None):
    """The cells of one column as text, and whether the column holds numbers (right-aligned)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return [
            _missing_text(column, language) if _is_missing(v) else _yes_no(bool(v), language) for v in values
        ], False
    numbers = [v for v in values if is_number(v)]
    numeric = bool(numbers) and all(
        is_number(v) or _is_missing(v) or isinstance(v, str) or is_suppressed(v) for v in values
    )
    if column in SHARE_COLUMNS:
        decimals = decimals_needed([float(v) * 100 for v in numbers], most=1)
    elif pd.api.types.is_integer_dtype(dtype) or column in YEAR_COLUMNS:
        decimals = 0
    elif column in PERCENT_COLUMNS or column in COUNT_COLUMNS:
        decimals = decimals_needed(numbers, most=1 if column in PERCENT_COLUMNS else 2)
    else:  # scores, means and statistics: always two decimals, so columns line up
        decimals = 2
    texts = []
    for value in values:
        if is_suppressed(value):  # safety: a small count or what is computed from it (evalkit.privacy)
            texts.append(value.text(language))
        elif _is_missing(value):
            texts.append(_missing_text(column, language))
        elif is_number(value) and column not in CODE_COLUMNS:
            if column in SHARE_COLUMNS:
                texts.append(format_percent(value, language, decimals))
            else:
                texts.append(format_number(value, language, decimals, grouping=column not in YEAR_COLUMNS))
        else:
            texts.append(_label_value(study, column, value, language, reveal_names, findings))
    return texts, numeric


def display_frame(
    frame: pd.DataFrame,
    study,
    language: str = "en",
    reveal_names: bool = False,
    columns: list[str] | None = None,
    findings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A table of text for a reader: labels for codes, numbers by locale, localised headers.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any analysis output. A named index (e.g. ``municipality_id``) is turned
        into a column first; an unnamed index is dropped.
    study : Study
        For codebook labels.
    language : {"sv", "en"}
    reveal_names : bool
        Show real municipality names where the study has them (default False).
    columns : list of str, optional
        Keep only these columns (in this order) before labelling.
    findings : pandas.DataFrame, optional
        The study's findings table, to write a ``finding_id`` column as the
        finding's statement (computed when needed and not given).

    Returns
    -------
    pandas.DataFrame
        Every cell a string; no NaN, ``<NA>``, ``None`` or "-0,00". Columns of
        the other language (``*_sv`` / ``*_en``), free-text columns that are
        empty throughout, and a ``label_<language>`` column repeating another
        column are left out. ``attrs["numeric"]`` lists the headers of
        columns of numbers; ``attrs["dash"]`` says whether a "–" is shown.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    out = suppress_small_cells(frame, study) if study is not None else frame  # safety net for raw counts
    out = out.copy()
    out = out.reset_index() if out.index.name is not None else out.reset_index(drop=True)
    other = "_en" if language == "sv" else "_sv"
    out = out[[c for c in out.columns if not str(c).endswith(other)]]
    if columns is not None:
        out = out[list(columns)]
    if "finding_id" in out.columns and any(str(c).startswith("statement") for c in out.columns):
        out = out.drop(columns="finding_id")  # the statement says which finding it is
    if "finding_id" in out.columns and findings is None:
        from evalkit.analysis.findings import findings_table

        findings = findings_table(study)
    texts, numeric = {}, set()
    for column in out.columns:
        cells, is_numeric = _column_texts(study, column, out[column], language, reveal_names, findings)
        if column in TEXT_COLUMNS and not any(cells):
            continue
        repeats = any(cells == previous for previous in texts.values())
        if repeats and str(column) in ("label_" + language, "finding_id"):
            continue  # a label or finding id shown as the text another column already shows
        texts[column] = cells
        if is_numeric:
            numeric.add(column)
    shown = pd.DataFrame(texts, columns=list(texts), dtype=object)
    headers = [
        column_label("statement" if c == "finding_id" else str(c), language, study) for c in shown.columns
    ]  # a finding id is shown as its statement
    shown.attrs["numeric"] = [h for c, h in zip(shown.columns, headers) if c in numeric]
    shown.attrs["dash"] = any(DASH == cell for cells in texts.values() for cell in cells)
    shown.columns = headers
    return shown


def display_findings(findings: pd.DataFrame, study, language: str = "en", chapter: str | None = None) -> pd.DataFrame:
    """Findings for reading: the statement, its count ('7/8'), basis, source, and last the finding id.

    A count with unknown values shows them (``'2/5 (okänt: 3)'``); a finding
    whose allocation to municipalities is reconstructed says so after its
    basis. Sources are written in ``language`` (:func:`evalkit.present.sources.display_sources`),
    one per line (``"\\n"``) so they wrap.

    Returns
    -------
    pandas.DataFrame
        Localised columns for ``statement, count, basis, source, finding_id``;
        every cell a string.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    frame = findings if chapter is None else findings[findings["chapter"] == chapter]
    unknown_word = UNKNOWN[0 if language == "sv" else 1]
    threshold = small_cell_threshold(study)
    # the case statistics are read only when there are case counts to protect (a chapter's inputs)
    has_cases = frame["finding_id"].astype(str).str.startswith("cases.").any() if len(frame) else False
    protected = protected_cells(study, threshold) if has_cases and "case_statistics" in study.tables else set()

    def number(value) -> str:
        return format_number(value, language, decimals_needed([value]))

    def count(num, den, unknown, finding_id) -> str:
        has_unknown = not _is_missing(unknown) and int(unknown) > 0
        if protected_finding(finding_id, protected) is not None:
            return Suppressed(SMALL_COUNT, threshold).text(language)
        if _is_missing(num):
            return f"({unknown_word})" if has_unknown else ""
        text = number(num) if _is_missing(den) else f"{number(num)}/{number(den)}"
        if has_unknown:
            text += f" ({unknown_word}: {format_number(int(unknown), language)})"
        return text

    def basis(code, allocation) -> str:
        label = vocabulary_label(study, "basis", code, language) if not _is_missing(code) else ""
        if not _is_missing(allocation) and allocation == "reconstructed":
            label += (
                "; fördelningen på kommuner rekonstruerad"
                if language == "sv"
                else "; allocation to municipalities reconstructed"
            )
        return label

    unknowns = frame["unknown"] if "unknown" in frame else pd.Series([0] * len(frame), index=frame.index)
    allocations = frame["allocation"] if "allocation" in frame else pd.Series([pd.NA] * len(frame), index=frame.index)
    out = pd.DataFrame(
        {
            "statement": [str(s) for s in frame["statement_" + language]],
            "count": [
                count(n, d, u, f)
                for n, d, u, f in zip(frame["numerator"], frame["denominator"], unknowns, frame["finding_id"])
            ],
            "basis": [basis(b, a) for b, a in zip(frame["basis"], allocations)],
            "source": ["" if _is_missing(s) else display_sources(study, s, language) for s in frame["source"]],
            "finding_id": frame["finding_id"].astype(str).to_list(),
        },
        dtype=object,
    )
    out.columns = [column_label(c, language) for c in out.columns]
    out.attrs["numeric"] = [column_label("count", language)]
    out.attrs["dash"] = False
    return out


def display_quality_area_matrix(
    matrix: pd.DataFrame, study, language: str = "en", reveal_names: bool = False
) -> pd.DataFrame:
    """The municipality x quality-area matrix with labelled rows and columns, as text."""
    return display_frame(matrix, study, language, reveal_names)


def display_condition_table(
    table: pd.DataFrame, study, language: str = "en", reveal_names: bool = False
) -> pd.DataFrame:
    """The crisp condition table with labelled rows and condition headers, as text (NA: okänt)."""
    return display_frame(table, study, language, reveal_names)


def _cell(text: str) -> str:
    """An escaped cell; a line break in the text becomes ``<br>``."""
    return "<br>".join(html.escape(line) for line in str(text).split("\n"))


def table_html(
    shown: pd.DataFrame, caption: str | None = None, css_class: str = "", id_column: str | None = None
) -> str:
    """An HTML ``<table>`` with a ``<caption>``; the first column holds the row headers.

    Parameters
    ----------
    shown : pandas.DataFrame
        Output of :func:`display_frame` or :func:`display_findings` (strings).
    caption : str, optional
        Caption text, already numbered (``"Tabell 2.3. …"``).
    css_class : str
        Extra class of the ``<table>`` (besides ``evalkit-table``).
    id_column : str, optional
        Header of a column of internal ids (findings): its cells get the
        class ``evalkit-id``.

    Returns
    -------
    str
        Deterministic HTML (no generated ids); numbers right-aligned through
        the class ``num``.
    """
    numeric = set(shown.attrs.get("numeric", []))
    classes = " ".join(c for c in ("evalkit-table", css_class) if c)
    lines = [f'<table class="{classes}">']
    if caption:
        number, _, text = caption.partition(". ")
        lines.append(
            f'<caption><span class="evalkit-caption-label">{html.escape(number)}.</span> {html.escape(text)}</caption>'
        )

    def attributes(header: str) -> str:
        names = [n for n, wanted in (("num", header in numeric), ("evalkit-id", header == id_column)) if wanted]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f'<th scope="col"{attributes(h)}>{_cell(h)}</th>' for h in shown.columns)
    lines.append(f"<thead><tr>{head}</tr></thead>")
    lines.append("<tbody>")
    headers = list(shown.columns)
    for row in shown.itertuples(index=False):
        cells = []
        for position, (header, text) in enumerate(zip(headers, row)):
            tag = "th" if position == 0 and id_column != headers[0] else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f"<{tag}{scope}{attributes(header)}>{_cell(text)}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def table_text(shown: pd.DataFrame, caption: str | None = None) -> str:
    """The table as plain text (for terminals and the notebook's text output): caption, then rows."""
    flat = shown.apply(lambda column: column.map(lambda text: str(text).replace("\n", "; ")))
    body = flat.to_string(index=False) if len(flat.columns) else ""
    return f"{caption}\n{body}" if caption else body
