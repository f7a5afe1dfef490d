"""Display-ready tables: localised headers and labels instead of codes.

The analysis functions return frames with code values and English snake_case
columns. :func:`display_frame` turns any of them into a table for a reader:
municipality ids become *Kommun A* / *Municipality A*, codes become codebook
labels, and column headers are translated. Nothing is written to disk.
"""

from __future__ import annotations

import pandas as pd

from evalkit.present.labels import (
    condition_label,
    coordinator_label,
    indicator_label,
    measure_label,
    municipality_label,
    quality_area_label,
    vocabulary_label,
)
from evalkit.present.language import LANGUAGES

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
    "holds_pct": ("Gäller i andel av fördelningarna (%)", "Holds in share of allocations (%)"),
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
}


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


def _label_value(study, column: str, value, language: str, reveal_names: bool):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    if column in ("municipality_id", "based_in"):
        return municipality_label(str(value), language, study, reveal_names)
    if column == "coordinator_id":
        return coordinator_label(str(value), language)
    if column in ("quality_area_id", "quality_area"):
        return quality_area_label(study, value, language)
    if column == "indicator_id":
        return indicator_label(study, value, language)
    if column == "condition" and isinstance(value, str):
        negated = value.startswith("~")
        label = condition_label(study, value.lstrip("~"), language)
        return (("inte: " if language == "sv" else "not: ") + label) if negated else label
    if column == "condition_id":
        return condition_label(study, value, language)
    if column == "measure":
        return measure_label(study, value, language)
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
    if isinstance(value, (bool,)) or str(type(value)).endswith("bool_'>"):
        return ("ja" if value else "nej") if language == "sv" else ("yes" if value else "no")
    return value


def display_frame(
    frame: pd.DataFrame,
    study,
    language: str = "en",
    reveal_names: bool = False,
    columns: list[str] | None = None,
    decimals: int | None = 2,
) -> pd.DataFrame:
    """A copy of ``frame`` with labels for codes and localised column headers.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any analysis output. A named index (e.g. ``municipality_id``) is turned
        into a column first.
    study : Study
        For codebook labels.
    language : {"sv", "en"}
    reveal_names : bool
        Show real municipality names where the study has them (default False).
    columns : list of str, optional
        Keep only these columns (in this order) before labelling.
    decimals : int or None
        Round float columns (None: leave as is).

    Returns
    -------
    pandas.DataFrame
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    out = frame.copy()
    if out.index.name is not None:
        out = out.reset_index()
    if columns is not None:
        out = out[list(columns)]
    for column in out.columns:
        out[column] = [_label_value(study, column, v, language, reveal_names) for v in out[column]]
        if decimals is not None and pd.api.types.is_float_dtype(
            frame[column].dtype if column in frame else out[column]
        ):
            out[column] = pd.to_numeric(out[column], errors="coerce").round(decimals) + 0.0  # + 0.0: no "-0.00"
    out.columns = [column_label(c, language, study) for c in out.columns]
    return out


def display_findings(findings: pd.DataFrame, study, language: str = "en", chapter: str | None = None) -> pd.DataFrame:
    """Findings for reading: id, the statement in ``language``, count ('7/8'), source, basis.

    A count with unknown values shows them (``'2/5 (okänt: 3)'``); a finding
    whose allocation to municipalities is reconstructed says so after its basis.

    Returns
    -------
    pandas.DataFrame
        Localised columns for ``finding_id, statement, count, source, basis``.
    """
    frame = findings if chapter is None else findings[findings["chapter"] == chapter]
    unknown_word = "okänt" if language == "sv" else "unknown"

    def count(num, den, unknown):
        if pd.isna(num):
            return f"({unknown_word})" if unknown and not pd.isna(unknown) else ""
        num_text = f"{float(num):g}".replace(".", "," if language == "sv" else ".")
        text = num_text if pd.isna(den) else f"{num_text}/{float(den):g}"
        if unknown is not None and not pd.isna(unknown) and int(unknown) > 0:
            text += f" ({unknown_word}: {int(unknown)})"
        return text

    def basis(code, allocation):
        label = vocabulary_label(study, "basis", code, language) if not pd.isna(code) else ""
        if not pd.isna(allocation) and allocation == "reconstructed":
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
            "finding_id": frame["finding_id"].astype(str).to_numpy(),
            "statement": frame["statement_" + language].to_numpy(),
            "count": [count(n, d, u) for n, d, u in zip(frame["numerator"], frame["denominator"], unknowns)],
            "source": frame["source"].to_numpy(),
            "basis": [basis(b, a) for b, a in zip(frame["basis"], allocations)],
        }
    )
    shown = display_frame(out.drop(columns="basis"), study, language, decimals=None)
    shown[column_label("basis", language)] = out["basis"].to_numpy()
    return shown


def display_quality_area_matrix(
    matrix: pd.DataFrame, study, language: str = "en", reveal_names: bool = False, decimals: int = 2
) -> pd.DataFrame:
    """The municipality x quality-area matrix with labelled rows and columns."""
    out = matrix.round(decimals) + 0.0  # + 0.0: no "-0.00"
    out.index = [municipality_label(m, language, study, reveal_names) for m in out.index]
    out.index.name = column_label("municipality_id", language)
    out.columns = [quality_area_label(study, c, language) for c in out.columns]
    return out


def display_condition_table(
    table: pd.DataFrame, study, language: str = "en", reveal_names: bool = False
) -> pd.DataFrame:
    """The crisp condition table with labelled rows and condition headers (NA shown as '?')."""
    out = table.copy().astype("object").where(table.notna(), "?")
    out.index = [municipality_label(m, language, study, reveal_names) for m in out.index]
    out.index.name = column_label("municipality_id", language)
    out.columns = [column_label(c, language, study) for c in out.columns]
    return out
