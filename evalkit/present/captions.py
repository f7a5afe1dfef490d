"""Captions of the chapter tables and figures, and the alt text of the figures.

A chapter shows a table or figure under a name (``chapter.table(frame,
"indicator_tally")``); the caption comes from here, in the report's language,
and is numbered per chapter ("Tabell 2.3", "Figure 2.1"). The texts describe
what a table or figure shows for any study; nothing in them is about one
study. ``{subject}`` in a figure text is replaced by the subject of one figure
of a series (e.g. "Kommun C").
"""

from __future__ import annotations

from evalkit.present.language import LANGUAGES

#: Table name -> (Swedish caption, English caption).
TABLE_CAPTIONS = {
    # 00 study material
    "municipalities": (
        "Kommunerna i studien: storlek, hur samordnarfunktionen är organiserad och hur den fungerar",
        "The municipalities of the study: size, how the coordinator function is organised and how it works",
    ),
    "interviews_by_group": ("Intervjuer per respondentgrupp", "Interviews by respondent group"),
    "interviews_by_role": ("Intervjuer per roll och kommun", "Interviews by role and municipality"),
    "codebook_survey_questions": ("Enkätens frågor", "The survey questions"),
    "survey_coverage": (
        "Hur många samordnare som besvarat varje enkätfråga",
        "How many coordinators answered each question",
    ),
    "survey_coverage_published": (
        "Vad rapporten uppger om varje tjänst, per enkätfråga",
        "What the report gives for each post, by survey question",
    ),
    "documents_by_type": ("Insamlade dokument per typ", "Documents collected, by type"),
    "documents_by_type_published": ("Dokument som rapporten nämner, per typ", "Documents the report mentions, by type"),
    "provenance": (
        "Hur uppgifterna i varje datatabell är belagda",
        "How the values of each data table are supported",
    ),
    "sensitivity_by_finding": (
        "Resultat som beror på rekonstruerade värden",
        "Findings that depend on reconstructed values",
    ),
    "findings_resting_on_reconstruction": (
        "Resultat som inte gäller i alla fördelningar som villkoren tillåter, sammantaget och för varje läsning",
        "Findings that do not hold in every allocation the constraints admit, overall and under each reading",
    ),
    "claims": (
        "Publicerade påståenden jämförda med det som räknas fram ur studiens data",
        "Published claims compared with what the study's data give",
    ),
    # 01 organisation
    "posts_by_coordinator": ("Samordnarnas tjänster", "The coordinators' posts"),
    "posts_by_municipality": ("Samordnartjänster per kommun", "Coordinator posts by municipality"),
    "time_split": ("Hur samordnarna fördelar sin tjänst", "How the coordinators split their post"),
    "placement": (
        "Var i organisationen samordnarna är placerade",
        "Where in the organisation the coordinators are placed",
    ),
    "combination": ("Vad samordnaruppdraget kombineras med", "What the coordinator post is combined with"),
    "role": ("Samordnarnas roll", "The coordinators' role"),
    "management_group": ("Samordnare med plats i ledningsgruppen", "Coordinators with a seat in the management group"),
    "expert_teams": (
        "Kommuner med ett team av experter från flera enheter",
        "Municipalities with a team of experts from several units",
    ),
    # 02 quality areas
    "codebook_quality_areas": ("De sex kvalitetsområdena", "The six quality areas"),
    "indicator_tally": ("Bedömningarna räknade per indikator", "The assessments counted per indicator"),
    "quality_area_matrix": (
        "Medelpoäng per kommun och kvalitetsområde (ja = 1, nej = 0)",
        "Mean score by municipality and quality area (yes = 1, no = 0)",
    ),
    "quality_area_by_group": (
        "Medelpoäng per kvalitetsområde och grupp av kommuner",
        "Mean score by quality area and group of municipalities",
    ),
    # 03 comparison
    "team_vs_coordinator": (
        "Kommuner med team jämförda med kommuner med samordnare, indikator för indikator",
        "Municipalities with a team compared with municipalities with a coordinator, indicator by indicator",
    ),
    "team_model_profile": (
        "Vad kommunerna med familjefridsteam har och saknar",
        "What the municipalities with a family-violence team have and lack",
    ),
    "before_after": (
        "Ärendestatistik: medelvärden före och efter samordnarens start",
        "Case statistics: means before and after the coordinator's start",
    ),
    "pre_existing_trend": (
        "Trenden i ärendestatistiken före samordnarens start",
        "The trend in the case statistics before the coordinator's start",
    ),
    "level_change_model": (
        "Utforskande modell för nivåförändring vid samordnarens start",
        "Exploratory model of a change in level at the coordinator's start",
    ),
    # 04 success factors
    "condition_table": (
        "Villkor och utfall per kommun (1 = gäller, 0 = gäller inte)",
        "Conditions and outcome by municipality (1 = holds, 0 = does not hold)",
    ),
    "necessity_success_factors": (
        "Villkoren prövade som nödvändiga för utfallet ”fungerar väl”",
        "The conditions tested as necessary for the outcome 'works well'",
    ),
    "truth_table_success_factors": (
        "Sanningstabell för framgångsfaktorerna (1 = gäller, 0 = gäller inte)",
        "Truth table of the success factors (1 = holds, 0 = does not hold)",
    ),
    "solutions_success_factors": (
        "Lösningar: kombinationer av framgångsfaktorer som går samman med en väl fungerande samordnarfunktion",
        "Solutions: combinations of success factors associated with a coordinator function that works well",
    ),
    "necessity_failure_explanations": (
        "Villkoren prövade som nödvändiga för utfallet ”fungerar dåligt”",
        "The conditions tested as necessary for the outcome 'works poorly'",
    ),
    "truth_table_failure_explanations": (
        "Sanningstabell för förklaringarna till svårigheter (1 = gäller, 0 = gäller inte)",
        "Truth table of the explanations of failure (1 = holds, 0 = does not hold)",
    ),
    "solutions_failure_explanations": (
        "Lösningar: kombinationer av förklaringar som går samman med en samordnarfunktion som fungerar dåligt",
        "Solutions: combinations of explanations associated with a coordinator function that works poorly",
    ),
    "qca_skew": (
        "Hur sneda villkoren och utfallet är: andel av fallen där de gäller",
        "How skewed the conditions and the outcome are: share of the cases in which they hold",
    ),
    "simplifying_assumptions_success_factors": (
        "Logiska rester som lösningarna för framgångsfaktorerna bygger på (förenklande antaganden)",
        "Logical remainders the success-factor solutions rest on (simplifying assumptions)",
    ),
    "simplifying_assumptions_failure_explanations": (
        "Logiska rester som lösningarna för förklaringarna bygger på (förenklande antaganden)",
        "Logical remainders the failure solutions rest on (simplifying assumptions)",
    ),
    "solutions_by_partly": (
        "Lösningarna för framgångsfaktorerna när ”delvis” räknas som gäller (1) och som gäller inte (0)",
        "The success-factor solutions when 'partly' counts as holding (1) and as not holding (0)",
    ),
    "outcome_assignment_baseline": (
        "Jämförelsetal: hur många av alla sätt att tilldela utfallet som ger en lika bra lösning",
        "Baseline: how many of all ways to assign the outcome give an equally good solution",
    ),
    "solutions_across_allocations": (
        "QCA-lösningarna: gäller de i alla, i vissa eller i ingen av fördelningarna som villkoren tillåter",
        "The QCA solutions: do they hold in every, in some or in none of the allocations the constraints admit",
    ),
    "solutions_by_reading": (
        "Lösningen som gäller i samtliga fördelningar med varje läsning av vilka kommuner som fungerar dåligt",
        "The solution that holds in every allocation of each reading of which municipalities work poorly",
    ),
    # every chapter
    "findings": ("Resultat i kapitlet", "Findings in this chapter"),
}

#: Figure name -> ((Swedish caption, English caption), (Swedish alt text, English alt text)).
FIGURE_TEXTS = {
    "time_split": (
        ("Hur varje samordnare fördelar sin tjänst", "How each coordinator splits the post"),
        (
            "Liggande staplar, en per samordnare, som delar tjänsten i procent på strategisk samordning, "
            "samordning på individnivå, direkt klientarbete och annat. Samma andelar står i tabellen "
            "efter figuren.",
            "Horizontal bars, one per coordinator, dividing the post in per cent between strategic "
            "coordination, case-level coordination, direct client work and other work. The same shares "
            "are given in the table after the figure.",
        ),
    ),
    "quality_area_heatmap": (
        ("Medelpoäng per kommun och kvalitetsområde", "Mean score by municipality and quality area"),
        (
            "Värmekarta med en rad per kommun och en kolumn per kvalitetsområde. Varje cell visar "
            "medelpoängen från 0 (mörklila) till 1 (ljusgul) och skriver ut den; en grå, randig cell saknar "
            "kända värden. Samma medelpoäng står i tabellen efter figuren.",
            "Heat map with one row per municipality and one column per quality area. Each cell shows the "
            "mean score from 0 (dark purple) to 1 (light yellow) and prints it; a grey, hatched cell has no "
            "known value. The same mean scores are given in the table after the figure.",
        ),
    ),
    "case_series": (
        ("Ärendestatistik per år, {subject}", "Case statistics by year, {subject}"),
        (
            "Linjediagram över antal ärenden per år för {subject}, ett mått per linje, med en streckad "
            "lodrät linje det år samordnaren började.",
            "Line chart of the number of cases per year in {subject}, one line per measure, with a dashed "
            "vertical line in the year the coordinator started.",
        ),
    ),
}

_WORDS = {"table": ("Tabell", "Table"), "figure": ("Figur", "Figure")}


def _index(language: str) -> int:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return 0 if language == "sv" else 1


def chapter_number(chapter_id: str) -> int:
    """The number of a chapter from its id: ``"02_quality_areas"`` -> 2, ``"00_study"`` -> 0."""
    prefix = chapter_id.split("_", 1)[0]
    if not prefix.isdigit():
        raise ValueError(f"chapter id {chapter_id!r} does not start with its number")
    return int(prefix)


def label(kind: str, chapter_id: str, number: int, language: str) -> str:
    """``"Tabell 2.3"`` / ``"Figure 2.1"``: the numbered label of a table or figure."""
    return f"{_WORDS[kind][_index(language)]} {chapter_number(chapter_id)}.{number}"


def table_caption(name: str, language: str) -> str:
    """The caption text of the table shown under ``name`` (without its number).

    Raises
    ------
    KeyError
        For a table name that has no caption here (add one to :data:`TABLE_CAPTIONS`).
    """
    index = _index(language)
    if name not in TABLE_CAPTIONS:
        raise KeyError(
            f"table {name!r} has no caption: add it to TABLE_CAPTIONS in evalkit/present/captions.py "
            "(Swedish and English)"
        )
    return TABLE_CAPTIONS[name][index]


def _figure_entry(name: str):
    if name in FIGURE_TEXTS:
        return FIGURE_TEXTS[name]
    raise KeyError(
        f"figure {name!r} has no caption: add it to FIGURE_TEXTS in evalkit/present/captions.py "
        "(caption and alt text, Swedish and English)"
    )


def figure_caption(name: str, language: str, subject: str = "") -> str:
    """The caption text of the figure ``name`` (``subject`` fills ``{subject}``)."""
    return _figure_entry(name)[0][_index(language)].format(subject=subject)


def figure_alt_text(name: str, language: str, subject: str = "") -> str:
    """The alt text of the figure ``name``: what it shows, for a reader who cannot see it."""
    return _figure_entry(name)[1][_index(language)].format(subject=subject)
