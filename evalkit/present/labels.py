"""Display labels: pseudonymous municipality labels and codebook labels.

Municipalities are shown as *Kommun A* / *Municipality A*. A real name is
shown only when the caller passes ``reveal_names=True`` **and** the study
holds a name for that municipality.
"""

from __future__ import annotations

import weakref

import pandas as pd

from evalkit.present.language import LANGUAGES

_MUNICIPALITY_WORD = {"sv": "Kommun", "en": "Municipality"}
_COORDINATOR_WORD = {"sv": "Samordnare", "en": "Coordinator"}

#: Built-in labels for codes that have no codebook vocabulary.
BUILTIN_LABELS = {
    "group": {
        "well_functioning": ("Väl fungerande samordnarfunktion", "Well-functioning coordinator"),
        "poorly_functioning": ("Sämre fungerande samordnarfunktion", "Poorly functioning coordinator"),
        "unknown_functioning": ("Samordnarfunktion ej bedömd", "Coordinator function not judged"),
        "team_based": ("Familjefridsteam utan samordnare", "Family-violence team, no coordinator"),
        "no_coordinator": ("Varken samordnare eller team", "Neither coordinator nor team"),
        "with_coordinator": ("Kommuner med samordnare", "Municipalities with a coordinator"),
    },
    "activity": {
        "strategic": ("Samordning på strategisk nivå", "Strategic coordination"),
        "individual": ("Samordning på individnivå", "Case-level coordination"),
        "direct_client": ("Direkt klientarbete", "Direct client work"),
        "other": ("Annat", "Other"),
    },
    "period": {
        "before": ("Före samordnaren", "Before the coordinator"),
        "start_year": ("Startåret", "Start year"),
        "after": ("Efter starten", "After the start"),
        "no_coordinator": ("Ingen samordnare", "No coordinator"),
        "start_unknown": ("Start okänd", "Start unknown"),
    },
    "respondent_group": {
        "total": ("Totalt", "Total"),
    },
    # The verdict of a finding or QCA solution across the allocations the study's constraints admit
    # (evalkit.analysis.robustness.VERDICTS). Every allocation counts once; no share is shown.
    "robustness": {
        "every": ("Gäller i alla", "Holds in every one"),
        "some": ("Gäller i vissa, inte i alla", "Holds in some, not in all"),
        "none": ("Gäller i ingen", "Holds in none"),
        "unaddressed": ("Källan säger inget om värdena", "The source does not address the values"),
    },
    "qca_assumption": {
        "simplifying": ("Förenklande antagande", "Simplifying assumption"),
        "easy_counterfactual": ("Lätt kontrafaktiskt antagande", "Easy counterfactual"),
    },
    "pre_trend": {
        "increase_already_under_way": (
            "Ökningen hade börjat före starten",
            "Increase already under way before the start",
        ),
        "no_pre_start_increase": ("Ingen ökning före starten", "No increase before the start"),
        "cannot_be_distinguished": (
            "Trenden före starten går inte att skilja från slumpen",
            "Trend before the start cannot be told apart from noise",
        ),
        "insufficient_pre_start_data": ("För få år före starten", "Too few years before the start"),
    },
    "case_note": {
        "start_year_excluded": ("Startåret räknas varken före eller efter", "Start year left out of both sides"),
        "too_few_years": ("För få år för att skatta modellen", "Too few years to fit the model"),
        "two_points": (
            "Bara två år före starten: bara riktningen, ingenting prövat",
            "Only two years before the start: the direction only, nothing tested",
        ),
    },
    "coordinator_functioning": {
        "well": ("Fungerar väl", "Works well"),
        "poorly": ("Fungerar dåligt", "Works poorly"),
    },
    "team_model": {
        "gives": ("Ger", "Gives"),
        "lacks": ("Saknar", "Lacks"),
        "unknown": ("Okänt", "Unknown"),
    },
    "kind": {
        "outcome": ("Utfall", "Outcome"),
    },
    "solution_type": {
        "conservative": ("Konservativ", "Conservative"),
        "parsimonious": ("Sparsam", "Parsimonious"),
        "intermediate": ("Mellanliggande", "Intermediate"),
    },
    "table": {
        "municipalities": ("Kommuner", "Municipalities"),
        "coordinators": ("Samordnare", "Coordinators"),
        "coordinator_municipalities": ("Samordnare per kommun", "Coordinators by municipality"),
        "survey_responses": ("Enkätsvar", "Survey answers"),
        "interviews": ("Intervjuer", "Interviews"),
        "assessments": ("Bedömningar", "Assessments"),
        "conditions": ("Villkor per kommun", "Conditions by municipality"),
        "case_statistics": ("Ärendestatistik", "Case statistics"),
        "documents": ("Dokument", "Documents"),
        "published_claims": ("Publicerade påståenden", "Published claims"),
        "coded_segments": ("Kodade textavsnitt", "Coded text passages"),
    },
    "share_source": {
        "survey_q2": ("Samordnarens enkätsvar", "The coordinator's survey answer"),
        "link_sum": ("Summan av kommunandelarna", "The sum of the municipal shares"),
        "report": ("Uppgift i rapporten", "Given in the report"),
        "reconstructed": ("Rekonstruerad ur rapporten", "Reconstructed from the report"),
    },
    "term": {
        "intercept": ("Konstant", "Intercept"),
        "trend": ("Trend per år", "Trend per year"),
        "level_change": ("Nivåförändring vid start", "Change in level at the start"),
    },
    "value": {
        "yes": ("Ja", "Yes"),
        "partly": ("Delvis", "Partly"),
        "no": ("Nej", "No"),
        "unknown": ("Okänt", "Unknown"),
    },
}


_CACHE: dict[int, tuple] = {}


def _lookup(frame: pd.DataFrame, key_columns: tuple[str, ...]) -> dict:
    """``{key tuple: (label_sv, label_en)}`` for a codebook frame, cached per frame object."""
    entry = _CACHE.get(id(frame))
    if entry is not None and entry[0]() is frame and entry[1] == key_columns:
        return entry[2]
    mapping = {}
    for row in frame[[*key_columns, "label_sv", "label_en"]].itertuples(index=False):
        mapping.setdefault(tuple(row[: len(key_columns)]), (row[-2], row[-1]))
    try:
        _CACHE[id(frame)] = (weakref.ref(frame), key_columns, mapping)
    except TypeError:  # pragma: no cover - frames support weak references
        pass
    return mapping


def _check(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")


def municipality_label(municipality_id: str, language: str = "en", study=None, reveal_names: bool = False) -> str:
    """Return the display label of a municipality.

    Parameters
    ----------
    municipality_id : str
        Pseudonymous id, e.g. ``"A"``.
    language : {"sv", "en"}
    study : Study, optional
        Needed only to look up a real name.
    reveal_names : bool
        Show the real name if the study has one. Default False: never reveal.

    Returns
    -------
    str
        ``"Kommun A"`` / ``"Municipality A"``, or the real name when revealed.
    """
    _check(language)
    if reveal_names and study is not None:
        table = study.tables["municipalities"]
        hit = table.loc[table["municipality_id"] == municipality_id, "name"]
        if len(hit) and not pd.isna(hit.iloc[0]) and str(hit.iloc[0]).strip():
            return str(hit.iloc[0])
    return f"{_MUNICIPALITY_WORD[language]} {municipality_id}"


def coordinator_label(coordinator_id: str, language: str = "en") -> str:
    """Return ``"Samordnare C1"`` / ``"Coordinator C1"``."""
    _check(language)
    return f"{_COORDINATOR_WORD[language]} {coordinator_id}"


def vocabulary_label(study, vocabulary: str, code, language: str = "en") -> str:
    """Label of ``code`` in a codebook vocabulary, else a built-in label, else the code."""
    _check(language)
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return vocabulary_label(study, vocabulary, "unknown", language) if vocabulary == "value" else ""
    if study is not None:
        hit = _lookup(study.codebook["vocabularies"], ("vocabulary", "code")).get((vocabulary, code))
        if hit is not None:
            return str(hit[0 if language == "sv" else 1])
    builtin = BUILTIN_LABELS.get(vocabulary, {}).get(code)
    if builtin:
        return builtin[0 if language == "sv" else 1]
    return str(code)


def vocabulary_labels(study, vocabulary: str, language: str = "en") -> dict:
    """All labels of a vocabulary as ``{code: label}`` (built-ins, overridden by the codebook)."""
    _check(language)
    out = {code: pair[0 if language == "sv" else 1] for code, pair in BUILTIN_LABELS.get(vocabulary, {}).items()}
    vocab = study.codebook["vocabularies"] if study is not None else None
    if vocab is not None and len(vocab):
        rows = vocab[vocab["vocabulary"] == vocabulary]
        out.update(dict(zip(rows["code"], rows["label_" + language])))
    return out


def _codebook_label(study, table: str, key: str, code, language: str) -> str:
    _check(language)
    hit = _lookup(study.codebook[table], (key,)).get((code,))
    if hit is not None:
        return str(hit[0 if language == "sv" else 1])
    return str(code)


def quality_area_label(study, quality_area_id: str, language: str = "en") -> str:
    """Label of a quality area from the codebook."""
    return _codebook_label(study, "quality_areas", "quality_area_id", quality_area_id, language)


def indicator_label(study, indicator_id: str, language: str = "en") -> str:
    """Label of an indicator from the codebook."""
    return _codebook_label(study, "indicators", "indicator_id", indicator_id, language)


def negated_condition_label(study, condition_id: str, language: str = "en") -> str:
    """The absence of a condition in words: the study's ``condition_negated`` vocabulary, else
    :func:`evalkit.present.language.negate_label` of the condition's label."""
    from evalkit.present.language import negate_label

    if study is not None:
        hit = _lookup(study.codebook["vocabularies"], ("vocabulary", "code")).get(("condition_negated", condition_id))
        if hit is not None:
            return str(hit[0 if language == "sv" else 1])
    return negate_label(condition_label(study, condition_id, language), language)


def condition_label(study, condition_id: str, language: str = "en") -> str:
    """Label of a condition (success factor or failure explanation)."""
    return _codebook_label(study, "conditions", "condition_id", condition_id, language)


def measure_label(study, measure: str, language: str = "en") -> str:
    """Label of a case-statistics measure."""
    return _codebook_label(study, "measures", "measure", measure, language)


def population_label(study, population: str, language: str = "en") -> str | None:
    """Plural label of an indicator population (vocabulary ``population``), or None."""
    _check(language)
    hit = _lookup(study.codebook["vocabularies"], ("vocabulary", "code")).get(("population", population))
    if hit is not None:
        return str(hit[0 if language == "sv" else 1])
    return None
