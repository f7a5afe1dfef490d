"""Sentences about one study, generated from its data, in Swedish and English.

The chapter notebooks state only what is true of the method for every study.
Every sentence that states a fact about *the* study — how many
municipalities, coordinators, interviews and cases it has, who answered the
survey, which municipality, which years, the county's name, which series
exist, how much is reconstructed — comes from a function here and is shown by
the notebook session::

    chapter.say(narrative.study_overview)

Every function is pure and has the same shape::

    function(study, *inputs, language="sv", reveal_names=False) -> str

and returns Markdown (sentences, or a bulleted list for the *limits* parts).
``inputs`` are analysis results the chapter has already computed (e.g. a QCA
result). Unknown values are never counted as *no*: a count with unknowns says
for how many the value is not known. Numbers follow
:mod:`evalkit.present.language` (words up to twelve, digits from 13).
"""

from __future__ import annotations

import math

import pandas as pd

from evalkit.analysis.populations import (
    COORDINATOR_MODELS,
    municipalities_of_coordinator,
    population_members,
    row_is_reconstructed,
)
from evalkit.analysis.success_factors import reconstruction_counts, solution_sentences
from evalkit.present.labels import (
    condition_label,
    coordinator_label,
    municipality_label,
    negated_condition_label,
    vocabulary_label,
)
from evalkit.present.language import (
    agree,
    capitalise,
    count_phrase,
    decapitalise,
    join_words,
    number_word,
    unknown_clause,
)
from evalkit.present.numbers import decimals_needed, format_number, format_points
from evalkit.study.kind import is_published_evaluation, source_report
from evalkit.study.model import DATA_TABLES

#: How the four standard respondent groups are named in running text.
GROUP_WORDS = {
    "coordinator": ("samordnare", "coordinators"),
    "municipal_manager": ("chefer", "managers"),
    "municipal_staff": ("medarbetare", "staff"),
    "external_partner": ("externa samverkansparter", "external partners"),
}
#: How an interview was held, as an adverbial phrase.
MODE_WORDS = {
    "telephone": ("per telefon", "by telephone"),
    "in_person": ("på plats", "in person"),
    "video": ("via video", "by video"),
    "written": ("skriftligt", "in writing"),
}
#: Size bands as predicative adjectives: (sv singular, sv plural, en).
SIZE_WORDS = {
    "small": ("liten", "små", "small"),
    "medium": ("mellanstor", "mellanstora", "medium-sized"),
    "large": ("stor", "stora", "large"),
}


def _t(language: str, swedish: str, english: str) -> str:
    return swedish if language == "sv" else english


def _n(n, language: str, neuter: bool = False) -> str:
    return number_word(n, language, neuter=neuter and language == "sv")


def _count(n, unit: str, language: str, denominator=None, population_label: str | None = None) -> str:
    return count_phrase(n, unit, language, denominator=denominator, population_label=population_label)


def _municipality(mid: str, language: str, reveal_names: bool, study) -> str:
    """A municipality in running text: *kommun A* / *Municipality A* (or its name when revealed)."""
    label = municipality_label(mid, language, study, reveal_names)
    return decapitalise(label) if language == "sv" and label.startswith("Kommun ") else label


def _municipalities(ids, language: str, reveal_names: bool, study) -> str:
    """Several municipalities in running text: *kommunerna F, G och H* / *municipalities F, G and H*."""
    ids = [str(i) for i in ids]
    if len(ids) == 1:
        return _municipality(ids[0], language, reveal_names, study)
    labels = [municipality_label(i, language, study, reveal_names) for i in ids]
    word = _t(language, "Kommun ", "Municipality ")
    if all(label.startswith(word) for label in labels):
        return _t(language, "kommunerna ", "municipalities ") + join_words([i for i in ids], language)
    return join_words(labels, language)


def _coordinator(cid: str, language: str) -> str:
    """A coordinator in running text: *samordnare C6* / *Coordinator C6*."""
    label = coordinator_label(cid, language)
    return decapitalise(label) if language == "sv" else label


def _pct(value, language: str) -> str:
    """``25`` -> "25 %" / "25%" (:func:`evalkit.present.numbers.format_points`)."""
    return format_points(value, language, decimals_needed([float(value)], most=1))


def _span(years, language: str) -> str:
    years = sorted({int(y) for y in years if not pd.isna(y)})
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _counties(study) -> list[str]:
    counties = study.tables["municipalities"]["county"].dropna().astype(str)
    return sorted({c.strip() for c in counties if c.strip()})


def _reconstructed_cells(frame: pd.DataFrame, columns) -> int:
    """Rows of ``frame`` reconstructed in any of ``columns`` (with a value there)."""
    count = 0
    for _, row in frame.iterrows():
        if row_is_reconstructed(row["basis"], row["reconstructed_fields"], columns):
            count += 1
    return count


def _bullets(items) -> str:
    return "\n".join(f"- {item}" for item in items if item)


# Chapter 00: the study ---------------------------------------------------------------------


def study_overview(study, language: str = "sv", reveal_names: bool = False) -> str:
    """What the study is and what it holds: county, municipalities by model, coordinators, evidence.

    Examples
    --------
    *"Studien omfattar tio kommuner i Västmanlands län: åtta med kvinnofridssamordnare och två med
    familjefridsteam. Där arbetar sex samordnare. Underlaget är 36 intervjuer, enkätsvar från alla sex
    samordnare, 15 dokument och ärendestatistik från två kommuner."*
    """
    municipalities = study.tables["municipalities"]
    n_all = len(municipalities)
    if n_all == 0:
        return _t(
            language,
            "Studien innehåller ännu inga kommuner, så det finns inget att redovisa.",
            "The study holds no municipalities yet, so there is nothing to report.",
        )
    parts = []
    kinds = (
        (COORDINATOR_MODELS, "med kvinnofridssamordnare", "with a coordinator"),
        (("team",), "med familjefridsteam", "with a family-violence team"),
        (("none",), "utan särskild organisering", "with no specific organisation"),
    )
    for models, sv, en in kinds:
        n = int(municipalities["model"].isin(models).sum())
        if n:
            parts.append(f"{_n(n, language)} {_t(language, sv, en)}")
    counties = _counties(study)
    where = f" {_t(language, 'i', 'in')} {join_words(counties, language)}" if counties else ""
    text = [
        _t(language, "Studien omfattar ", "The study covers ")
        + _count(n_all, "municipalities", language)
        + where
        + (": " + join_words(parts, language) if parts else "")
        + "."
    ]
    n_coordinators = len(study.tables["coordinators"])
    text.append(
        _t(language, "Där arbetar ", "They have ")
        + _count(n_coordinators, "coordinators", language)
        + _t(language, ".", " in post.")
    )
    evidence = [_count(len(study.tables["interviews"]), "interviews", language)]
    if n_coordinators:
        answered = len(study.tables["survey_responses"])
        evidence.append(
            _t(language, "enkätsvar från ", "survey answers from ")
            + _count(answered, "coordinators", language, denominator=n_coordinators)
        )
    with_stats = study.tables["case_statistics"]["municipality_id"].nunique()
    if with_stats:
        evidence.append(
            _t(language, "ärendestatistik från ", "case statistics from ")
            + _count(with_stats, "municipalities", language)
        )
    text.append(_t(language, "Underlaget är ", "The evidence is ") + join_words(evidence, language) + ".")
    text.append(study_kind_sentence(study, language))
    return " ".join(text)


def study_kind_sentence(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Say what kind of study this is: a published evaluation encoded as data, or fieldwork."""
    report = source_report(study)
    if report is not None:
        details = [str(report[k]) for k in ("publisher", "year") if report.get(k)]
        cite = f"*{report['title']}*" + (f" ({', '.join(details)})" if details else "")
        return _t(
            language,
            f"Studien återger en publicerad utvärdering som data: {cite}. Varje värde är antingen angivet i "
            "rapporten eller rekonstruerat ur den.",
            f"The study re-encodes a published evaluation as data: {cite}. Every value is either stated in the "
            "report or reconstructed from it.",
        )
    return _t(
        language,
        "Studien bygger på utvärderarnas eget fältarbete: värdena är insamlade i utvärderingen eller "
        "utvärderarens bedömningar med angivna belägg.",
        "The study rests on the evaluators' own fieldwork: its values were collected in the evaluation or are "
        "the evaluator's judgements with their evidence.",
    )


def municipalities_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """How municipalities are named, and how the coordinator function is judged (with unknowns and reconstruction)."""
    municipalities = study.tables["municipalities"].sort_values("municipality_id")
    if municipalities.empty:
        return ""
    ids = list(municipalities["municipality_id"].astype(str))
    named = reveal_names and municipalities["name"].notna().any()
    if named:
        text = [_t(language, "Kommunerna visas med sina namn.", "Municipalities are shown by name.")]
    else:
        span = f"{ids[0]}–{ids[-1]}" if len(ids) > 2 else join_words(ids, language)
        text = [
            _t(
                language,
                f"Kommunerna visas med pseudonymer ({span}).",
                f"Municipalities are shown by pseudonym ({span}).",
            )
        ]
    with_coordinator = municipalities[municipalities["model"].isin(COORDINATOR_MODELS)]
    n_with = len(with_coordinator)
    if n_with:
        functioning = with_coordinator["coordinator_functioning"].astype("string")
        well = int((functioning == "well").fillna(False).sum())
        poorly = int((functioning == "poorly").fillna(False).sum())
        unknown = n_with - well - poorly
        sentence = _t(
            language,
            f"Samordnarfunktionen bedöms fungera väl i {_n(well, language)} och dåligt i {_n(poorly, language)} "
            f"av de {_n(n_with, language)} kommunerna med samordnare",
            f"The coordinator function is judged to work well in {_n(well, language)} and poorly in "
            f"{_n(poorly, language)} of the {_n(n_with, language)} municipalities with a coordinator",
        )
        if unknown:
            sentence += "; " + unknown_clause(unknown, "municipalities", language)
        text.append(sentence + ".")
        reconstructed = _reconstructed_cells(with_coordinator, ["coordinator_functioning"])
        if reconstructed:
            text.append(
                _t(
                    language,
                    f"För {_n(reconstructed, language)} av dem är bedömningen rekonstruerad, inte angiven i källan.",
                    f"For {_n(reconstructed, language)} of them the judgement is reconstructed, not given by the "
                    "source.",
                )
            )
    return " ".join(text)


def interviews_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """How many interviews, with whom, and how they were held (with the number for which it is not known)."""
    interviews = study.tables["interviews"]
    n = len(interviews)
    if n == 0:
        return _t(language, "Studien har ännu inga intervjuer.", "The study has no interviews yet.")
    counts = interviews["respondent_group"].value_counts()
    order = [g for g in GROUP_WORDS if g in counts.index] + sorted(set(counts.index) - set(GROUP_WORDS))
    parts = []
    for group in order:
        words = GROUP_WORDS.get(group)
        noun = (
            (words[0] if language == "sv" else words[1])
            if words
            else decapitalise(vocabulary_label(study, "respondent_group", group, language))
        )
        parts.append(f"{_n(int(counts[group]), language)} {_t(language, 'med', 'with')} {noun}")
    text = [
        _t(language, "Studien har ", "The study has ")
        + _count(n, "interviews", language)
        + ": "
        + join_words(parts, language)
        + "."
    ]
    modes = interviews["mode"].astype("string").fillna("unknown")
    known = modes[modes != "unknown"]
    if len(known) == 0:
        text.append(
            _t(
                language,
                "Studien anger inte hur intervjuerna gjordes (per telefon, på plats, via video eller skriftligt).",
                "The study does not say how the interviews were held (by telephone, in person, by video or in "
                "writing).",
            )
        )
    else:
        by_mode = known.value_counts()
        mode_parts = []
        for mode in [m for m in MODE_WORDS if m in by_mode.index] + sorted(set(by_mode.index) - set(MODE_WORDS)):
            words = MODE_WORDS.get(mode)
            phrase = (
                (words[0] if language == "sv" else words[1])
                if words
                else decapitalise(vocabulary_label(study, "mode", mode, language))
            )
            count = int(by_mode[mode])
            verb = "" if language == "sv" or mode_parts else ("was held " if count == 1 else "were held ")
            mode_parts.append(f"{_n(count, language)} {verb}{phrase}")
        sentence = _t(language, "Av dem gjordes ", "Of these, ") + join_words(mode_parts, language)
        unknown = n - len(known)
        if unknown:
            sentence += "; " + _t(language, "sättet är okänt för ", "how is not known for ") + _n(unknown, language)
        text.append(sentence + ".")
    return " ".join(text)


def survey_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Who answered the coordinator survey and how many questions it has."""
    n_coordinators = len(study.tables["coordinators"])
    n_questions = len(study.codebook["survey_questions"])
    if n_coordinators == 0:
        return _t(
            language,
            "Studien har inga samordnare och därför inga enkätsvar.",
            "The study has no coordinators and so no survey answers.",
        )
    answered = len(study.tables["survey_responses"])
    return capitalise(
        _count(answered, "coordinators", language, denominator=n_coordinators)
        + _t(language, " besvarade enkäten, som har ", " answered the survey, which has ")
        + _n(n_questions, language)
        + _t(language, " frågor.", " questions.")
    )


def documents_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """How many documents the study lists, of how many kinds, from which years (and for how many the year is unknown)."""
    documents = study.tables["documents"]
    n = len(documents)
    if n == 0:
        return _t(language, "Studien förtecknar inga dokument.", "The study lists no documents.")
    kinds = documents["document_type"].nunique()
    text = (
        _t(language, "Studiens dokumentförteckning har ", "The study's list of documents holds ")
        + _count(n, "documents", language)
        + _t(language, f" av {_n(kinds, language, True)} slag", f" of {_n(kinds, language)} kinds")
    )
    years = documents["year"].dropna()
    if len(years):
        text += _t(language, " från ", " from ") + _span(years, language)
        unknown = n - len(years)
        if unknown:
            text += (
                "; " + _t(language, "året är okänt för ", "the year is not known for ") + _n(unknown, language, True)
            )
    return text + "."


def provenance_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """How the study's rows are backed, in the words that fit the kind of study."""
    from evalkit.study.coders import rows_as_written

    counts = {"stated": 0, "observed": 0, "judgement": 0, "reconstructed": 0}
    total = 0
    for table in DATA_TABLES:
        if table == "published_claims":
            continue
        if study.tables.get(table) is None:
            continue
        frame = rows_as_written(study, table)  # assessments: every coder's row, as the sheet counts them
        if frame.empty:
            continue
        total += len(frame)
        for basis, n in frame["basis"].value_counts().items():
            counts[str(basis)] = counts.get(str(basis), 0) + int(n)
    if total == 0:
        return _t(language, "Studien har ännu inga rader.", "The study has no rows yet.")
    words = {
        "stated": ("angivna i en publicerad källa", "stated in a published source"),
        "observed": ("insamlade i utvärderingen", "collected in the evaluation"),
        "judgement": ("utvärderarens bedömningar", "the evaluator's judgements"),
        "reconstructed": ("rekonstruerade", "reconstructed"),
    }
    if is_published_evaluation(study):
        words["stated"] = ("angivna i rapporten", "stated in the report")
    verb = "" if language == "sv" else "are "
    parts = [f"{_n(counts[b], language)} {verb}{words[b][0 if language == 'sv' else 1]}" for b in words if counts[b]]
    text = _t(language, "Av studiens ", "Of the study's ") + _n(total, language) + _t(language, " rader är ", " rows, ")
    text += join_words(parts, language) + "."
    if counts["reconstructed"] and study.path is not None and (study.path / "DATALOG.md").is_file():
        text += _t(
            language,
            " Hur varje rekonstruktion gjordes står i studiens datalogg (`DATALOG.md`).",
            " How each reconstruction was made is written in the study's data log (`DATALOG.md`).",
        )
    return text


def _big(number: int, language: str) -> str:
    """A count of allocations: words up to twelve, digits up to 12 digits, else a power of ten (3,88 × 10^32)."""
    if number < 10**12:
        text = number_word(number, language)
        return text.replace(",", "\u00a0") if language == "sv" else text
    mantissa, exponent = f"{number:.2e}".split("e")
    mantissa = mantissa.replace(".", ",") if language == "sv" else mantissa
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>"


def _share(percent: float, language: str) -> str:
    """A share of allocations in percent: one decimal, 'under 0.1' for smaller, exact 0 and 100."""
    if 0 < percent < 0.05:
        return _t(language, "under 0,1\u00a0%", "under 0.1%")
    text = f"{percent:.1f}".rstrip("0").rstrip(".") if percent not in (0, 100) else f"{percent:.0f}"
    return text.replace(".", ",") + "\u00a0%" if language == "sv" else text + "%"


def _expression_words(study, expression: str, language: str) -> str:
    """A QCA solution in words: condition labels joined by 'and', 'not' for absence, terms by 'or'."""
    from evalkit.analysis.robustness import NO_SOLUTION

    if expression == NO_SOLUTION:
        return _t(language, "ingen lösning", "no solution")
    quote = ("”", "”") if language == "sv" else ("'", "'")
    terms = []
    for term in expression.split(" + "):
        literals = []
        for literal in term.split("*"):
            name = literal.lstrip("~")
            text = negated_condition_label(study, name, language) if literal.startswith("~") else None
            literals.append(f"{quote[0]}{text or condition_label(study, name, language)}{quote[1]}")
        joined = _t(language, " och ", " and ").join(literals)
        terms.append(f"({joined})" if len(literals) > 1 and " + " in expression else joined)
    return _t(language, " eller ", " or ").join(terms)


def _power_of_ten(number: int) -> str:
    """The order of magnitude of a (large) count: ``10<sup>7</sup>``, or the count in words below 1000."""
    if number < 1000:
        return str(number)
    return f"10<sup>{round(math.log10(number))}</sup>"


def robustness_summary(study, analysis, language: str = "sv", reveal_names: bool = False) -> str:
    """Which findings hold in every allocation the study's counts and constraints admit.

    No share of allocations is given: a share would weight every allocation equally without
    saying so, and for values the source never addresses it measures the size of their domain.
    The verdicts are *every*, *some* and *unaddressed* (:data:`evalkit.analysis.robustness.VERDICTS`).

    Parameters
    ----------
    analysis : evalkit.analysis.robustness.RobustnessAnalysis
    """
    if analysis.allocations <= 1:
        return _t(
            language,
            "Inget värde som resultaten eller QCA-lösningarna läser är rekonstruerat i den här studien. Värdena "
            "kan alltså bara fördelas på ett sätt, och varje resultat gäller som det är räknat.",
            "No value that the findings or the QCA solutions read is reconstructed in this study. Its values can "
            "therefore be allocated in one way only, and every finding holds as computed.",
        )
    table = analysis.table
    findings = table[table["kind"] == "finding"].merge(analysis.findings[["finding_id", "claimed"]], on="finding_id")
    everywhere = findings[findings["verdict"] == "every"]
    unaddressed = findings[findings["verdict"] == "unaddressed"]
    some = findings[findings["verdict"] == "some"]
    claimed = findings[findings["claimed"]]
    claimed_resting = claimed[claimed["verdict"] != "every"]
    has_claims = "published_claims" in study.tables and len(study.tables["published_claims"]) > 0
    text = [
        _t(
            language,
            ("De publicerade antalen och studiens" if has_claims else "Studiens")
            + f" nedskrivna villkor (`constraints.csv`) tillåter {_big(analysis.allocations, 'sv')} olika "
            f"fördelningar av de {_n(analysis.variables, 'sv', True)} rekonstruerade värden som resultaten och "
            "QCA-lösningarna läser.",
            ("The published counts and the study's" if has_claims else "The study's")
            + f" written constraints (`constraints.csv`) admit {_big(analysis.allocations, 'en')} different "
            f"allocations of the {_n(analysis.variables, 'en')} reconstructed values that the findings and the QCA "
            "solutions read.",
        )
    ]
    silent = analysis.unaddressed
    if silent is not None and len(silent):
        cells = int(silent["n_cells"].sum())
        factor = math.prod(int(v) for v in silent["n_values"])
        text.append(
            _t(
                language,
                f"{capitalise(_n(cells, 'sv', True))} av värdena tar varken ett publicerat antal eller ett villkor "
                f"upp – källan säger inget om dem – och de ensamma gör antalet omkring {_power_of_ten(factor)} "
                "gånger större. Antalet säger alltså mer om hur mycket som är öppet än om hur väl källan stöder "
                "resultaten.",
                f"{capitalise(_n(cells, 'en'))} of the values are named by neither a published count nor a "
                f"constraint – the source says nothing about them – and they alone make the number about "
                f"{_power_of_ten(factor)} times larger. The number therefore says more about how much is open than "
                "about how well the source supports the findings.",
            )
        )
    sentence = _t(
        language,
        f"{capitalise(_n(len(everywhere), 'sv', True))} av {_n(len(findings), 'sv', True)} resultat gäller i "
        "samtliga fördelningar",
        f"{capitalise(_n(len(everywhere), 'en'))} of {_n(len(findings), 'en')} findings hold in every one of them",
    )
    if len(claimed):
        sentence += _t(
            language,
            f", bland dem {_n(len(claimed) - len(claimed_resting), 'sv', True)} av de {_n(len(claimed), 'sv', True)} "
            "som ett publicerat påstående kontrollerar",
            f", among them {_n(len(claimed) - len(claimed_resting), 'en')} of the {_n(len(claimed), 'en')} that a "
            "published claim checks",
        )
    text.append(sentence + ".")
    text.append(
        _t(
            language,
            "Att ett resultat gäller i samtliga betyder att det inte beror på vilken av fördelningarna studien "
            "valde. Det beror fortfarande på villkoren, som är studiens läsning av källan.",
            "A finding that holds in every one does not depend on which of the allocations the study chose. It "
            "still depends on the constraints, which are the study's reading of the source.",
        )
    )
    if len(claimed_resting) and claimed_resting["finding_id"].str.startswith("cases.").all():
        text.append(
            _t(
                language,
                f"De övriga {_n(len(claimed_resting), 'sv', True)} är årsvärden ur en tabell som källan publicerar "
                "utan att säga vilken kommun den gäller: talen är källans, kommunen de hamnar på är rekonstruerad.",
                f"The other {_n(len(claimed_resting), 'en')} are yearly counts from a table the source publishes "
                "without saying which municipality it shows: the counts are the source's, the municipality they "
                "fall on is reconstructed.",
            )
        )
    if len(some) or len(unaddressed):
        parts_sv, parts_en = [], []
        if len(some):
            parts_sv.append(f"{_n(len(some), 'sv', True)} bara i vissa fördelningar")
            parts_en.append(f"{_n(len(some), 'en')} hold in some allocations only")
        if len(unaddressed):
            parts_sv.append(f"{_n(len(unaddressed), 'sv', True)} bygger på värden som källan inte tar upp")
            parts_en.append(f"{_n(len(unaddressed), 'en')} count values the source does not address")
        rest = len(some) + len(unaddressed)
        text.append(
            _t(
                language,
                f"Av de {_n(rest, 'sv', True)} resultat som återstår gäller {join_words(parts_sv, 'sv')}. Tabellen "
                "visar dem under var och en av läsningarna av vilken kommun som fungerar dåligt; läs dem som "
                "illustrationer, inte som belagda resultat.",
                f"Of the {_n(rest, 'en')} findings that remain, {join_words(parts_en, 'en')}. The table shows them "
                "under each reading of which municipality functions poorly; read them as illustrations, not as "
                "established findings.",
            )
        )
    from evalkit.study.readiness import CANNOT_RUN, part_readiness

    solutions = table[(table["kind"] == "qca") & table["in_study"]]
    if len(solutions) and part_readiness(study, "success_factor_qca").status != CANNOT_RUN:
        robust, n = int((solutions["verdict"] == "every").sum()), len(solutions)
        if robust == 0:
            sentence = _t(
                language,
                "Ingen av studiens QCA-lösningar gäller i samtliga fördelningar (kapitel 4).",
                "None of the study's QCA solutions holds in every allocation (chapter 4).",
            )
        elif robust == n:
            sentence = _t(
                language,
                f"Alla studiens {_n(n, 'sv')} QCA-lösningar gäller i samtliga fördelningar (kapitel 4).",
                f"All {_n(n, 'en')} of the study's QCA solutions hold in every allocation (chapter 4).",
            )
        else:
            sentence = _t(
                language,
                f"{capitalise(_n(robust, 'sv'))} av studiens {_n(n, 'sv')} QCA-lösningar gäller i samtliga "
                "fördelningar (kapitel 4).",
                f"{capitalise(_n(robust, 'en'))} of the study's {_n(n, 'en')} QCA solutions hold in every allocation "
                "(chapter 4).",
            )
        text.append(sentence)
    return " ".join(text)


def qca_robustness_summary(study, analysis, language: str = "sv", reveal_names: bool = False) -> str:
    """The QCA solutions across the consistent allocations, under each reading of who functions poorly.

    Each reading is described on its own, without weighing the readings against each other:
    the solution every allocation of the reading returns, or how many different ones occur.

    Parameters
    ----------
    analysis : evalkit.analysis.robustness.RobustnessAnalysis
    """
    from evalkit.analysis.robustness import ANALYSES, VARIES, readings, solutions_by_reading, study_solutions

    if analysis.allocations <= 1:
        return _t(
            language,
            "Inget villkorsvärde eller utfall är rekonstruerat, så lösningarna ovan är de enda som studiens data ger.",
            "No condition value or outcome is reconstructed, so the solutions above are the only ones the study's "
            "data give.",
        )
    own = study_solutions(analysis)
    qca_rows = analysis.table[analysis.table["kind"] == "qca"]
    words = {
        "success_factor": ("framgångsfaktorerna", "the success factors"),
        "failure_explanation": ("förklaringarna till svårigheter", "the explanations of failure"),
    }
    names = {kind: name for name, kind, _ in ANALYSES}
    text = [
        _t(
            language,
            f"Lösningarna räknas om i var och en av de {_big(analysis.allocations, 'sv')} fördelningar av "
            "rekonstruerade värden som stämmer med studiens antal och villkor. Varje fördelning räknas en gång; "
            "ingen väger tyngre än en annan.",
            f"The solutions are recomputed in each of the {_big(analysis.allocations, 'en')} allocations of "
            "reconstructed values consistent with the study's counts and constraints. Each allocation counts once; "
            "none weighs more than another.",
        )
    ]
    verdict_words = {
        "every": ("gäller i samtliga fördelningar", "hold in every allocation"),
        "some": ("gäller bara i vissa fördelningar", "hold in some allocations only"),
    }
    for kind in ("success_factor", "failure_explanation"):
        verdicts = set(own.loc[own["kind"] == kind, "verdict"])
        distinct = int(qca_rows["finding_id"].str.startswith(f"qca.{names[kind]}.").sum())
        if not verdicts:
            continue
        state = "every" if verdicts == {"every"} else "some"
        text.append(
            _t(
                language,
                f"Lösningarna ovan för {words[kind][0]} {verdict_words[state][0]}; sammanlagt ger fördelningarna "
                f"{_n(distinct, 'sv')} olika lösningar.",
                f"The solutions above for {words[kind][1]} {verdict_words[state][1]}; across the allocations, "
                f"{_n(distinct, 'en')} different solutions occur.",
            )
        )
    groups = readings(study, analysis)
    if len(groups) >= 2:
        from evalkit.analysis.robustness import reading_label

        text.append(
            _t(
                language,
                "Varje läsning av vilka kommuner som fungerar dåligt för sig, utan att läsningarna vägs mot varandra:",
                "Each reading of which municipalities function poorly on its own, without weighing the readings "
                "against each other:",
            )
        )
        shown = solutions_by_reading(study, analysis)
        items = []
        for _, reading in groups.iterrows():
            always = [m for m in str(reading["always"]).split("|") if m]
            models = join_words(
                [
                    decapitalise(vocabulary_label(study, "model", m, language))
                    for m in reading["varying_models"].split("|")
                ],
                language,
            )
            lead = reading_label(study, reading, language, reveal_names) + f" ({models})"
            if always:
                others = decapitalise(_municipalities(always, language, reveal_names, study))
                lead += _t(language, f" tillsammans med {others}", f" besides {others}")
            parts = []
            for kind in ("success_factor", "failure_explanation"):
                rows = shown[
                    (shown["poorly_one_of"] == reading["one_of"])
                    & (shown["kind"] == kind)
                    & (shown["solution_type"] == "parsimonious")
                ]
                if rows.empty:
                    continue
                top = rows.iloc[0]
                if top["expression"] == VARIES:
                    parts.append(
                        _t(
                            language,
                            f"den sparsamma lösningen för {words[kind][0]} får {_n(int(top['n_solutions']), 'sv')} "
                            "olika former, och ingen av dem gäller i samtliga fördelningar",
                            f"the parsimonious solution for {words[kind][1]} takes "
                            f"{_n(int(top['n_solutions']), 'en')} different forms, none of which holds in every "
                            "allocation",
                        )
                    )
                else:
                    parts.append(
                        _t(
                            language,
                            f"den sparsamma lösningen för {words[kind][0]} är "
                            f"{_expression_words(study, top['expression'], language)} i samtliga fördelningar",
                            f"the parsimonious solution for {words[kind][1]} is "
                            f"{_expression_words(study, top['expression'], language)} in every allocation",
                        )
                    )
            items.append(lead + ": " + " ".join(capitalise(p) + "." for p in parts))
        return " ".join(text) + "\n\n" + _bullets(items)
    return " ".join(text)


def study_limits(study, language: str = "sv", reveal_names: bool = False) -> str:
    """The limits that follow from this study's data: few cases, telephone interviews, reconstruction."""
    n_all = len(study.tables["municipalities"])
    n_coordinators = len(study.tables["coordinators"])
    items = [
        _t(language, "**Få fall.** ", "**Few cases.** ")
        + capitalise(_count(n_all, "municipalities", language))
        + _t(language, " och ", " and ")
        + _count(n_coordinators, "coordinators", language)
        + _t(
            language,
            ": varje kommun väger tungt, och ingen skillnad kan prövas statistiskt.",
            ": every municipality weighs heavily, and no difference can be tested statistically.",
        )
    ]
    interviews = study.tables["interviews"]
    telephone = int((interviews["mode"] == "telephone").fillna(False).sum())
    if telephone:
        items.append(
            _t(language, "**Telefonintervjuer.** ", "**Telephone interviews.** ")
            + capitalise(_count(telephone, "interviews", language, denominator=len(interviews)))
            + _t(
                language,
                " gjordes per telefon, vilket ger mindre utrymme för följdfrågor än ett möte på plats.",
                " were held by telephone, which leaves less room for follow-up questions than a meeting in person.",
            )
        )
    from evalkit.study.coders import rows_as_written

    written = [rows_as_written(study, t) for t in DATA_TABLES if t != "published_claims"]
    rows = sum(len(frame) for frame in written)
    reconstructed = sum(int((frame["basis"] == "reconstructed").sum()) for frame in written)
    if reconstructed:
        items.append(
            _t(language, "**Rekonstruerade värden.** ", "**Reconstructed values.** ")
            + _t(
                language,
                f"{capitalise(_n(reconstructed, language))} av studiens {_n(rows, language)} rader vilar helt eller "
                "delvis på ett antagande; varje resultat som bygger på ett sådant värde är märkt.",
                f"{capitalise(_n(reconstructed, language))} of the study's {_n(rows, language)} rows rest wholly or "
                "partly on an assumption; every finding that uses such a value is marked.",
            )
        )
    return _bullets(items)


# Chapter 01: organisation ------------------------------------------------------------------


def posts_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Coordinators, full and part time (with unknowns), and every post shared between municipalities."""
    from evalkit.analysis.organisation import posts_by_coordinator

    posts = posts_by_coordinator(study)
    n_coordinators = len(posts)
    n_with = len(population_members(study, "municipalities_with_coordinator"))
    if n_coordinators == 0:
        return _t(language, "Studien har inga samordnare.", "The study has no coordinators.")
    text = [
        _t(language, "Studien har ", "The study has ")
        + _count(n_coordinators, "coordinators", language)
        + _t(language, " i ", " in ")
        + _count(n_with, "municipalities", language)
        + _t(language, " med samordnare.", " with a coordinator.")
    ]
    full = int((posts["full_time"] == True).fillna(False).sum())  # noqa: E712
    part = int((posts["full_time"] == False).fillna(False).sum())  # noqa: E712
    unknown = n_coordinators - full - part
    sentence = _t(
        language,
        f"{capitalise(_n(full, language))} arbetar heltid och {_n(part, language)} deltid",
        f"{capitalise(_n(full, language))} {'works' if full == 1 else 'work'} full time and "
        f"{_n(part, language)} part time",
    )
    if unknown:
        sentence += "; " + unknown_clause(unknown, "coordinators", language)
    text.append(sentence + ".")
    served = municipalities_of_coordinator(study)
    links = study.tables["coordinator_municipalities"]
    for cid in sorted(c for c, ms in served.items() if len(ms) > 1):
        own = links[links["coordinator_id"] == cid].sort_values("municipality_id")
        shares = [s for s in own["share_of_post_pct"] if not pd.isna(s)]
        who = coordinator_label(cid, language)  # starts the sentence
        where = _municipalities(served[cid], language, reveal_names, study)
        sentence = (
            who
            + _t(language, " arbetar i ", " works in ")
            + _count(len(served[cid]), "municipalities", language)
            + f" ({where})"
        )
        if len(shares) == len(own) and len(set(shares)) == 1:
            sentence += (
                _t(language, ", med ", ", with ")
                + _pct(shares[0], language)
                + _t(language, " av en heltid i varje", " of a full-time post in each")
            )
        elif shares:
            parts = [
                f"{_pct(s, language)} {_t(language, 'i', 'in')} {_municipality(m, language, reveal_names, study)}"
                for m, s in zip(own["municipality_id"], own["share_of_post_pct"])
                if not pd.isna(s)
            ]
            sentence += ": " + join_words(parts, language)
            missing = len(own) - len(shares)
            if missing:
                sentence += (
                    "; " + _t(language, "andelen är okänd för ", "the share is not known for ") + _n(missing, language)
                )
        text.append(sentence + ".")
    if not any(len(ms) > 1 for ms in served.values()):
        text.append(
            _t(
                language,
                "Ingen samordnare arbetar i mer än en kommun.",
                "No coordinator works in more than one municipality.",
            )
        )
    return " ".join(text)


#: Survey Q3 columns (the time split).
_TIME_SPLIT = ("q3_strategic_pct", "q3_individual_pct", "q3_direct_client_pct", "q3_other_pct")


def time_split_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Who answered the time-split question, and whether the answers are reconstructed."""
    n_coordinators = len(study.tables["coordinators"])
    if n_coordinators == 0:
        return ""
    survey = study.tables["survey_responses"]
    answered = survey[survey[list(_TIME_SPLIT)].notna().any(axis=1)]
    text = [
        capitalise(_count(len(answered), "coordinators", language, denominator=n_coordinators))
        + _t(language, " har angett hur tjänsten fördelas (fråga 3)", " have said how the post is split (question 3)")
    ]
    unknown = n_coordinators - len(answered)
    if unknown:
        text[0] += "; " + unknown_clause(unknown, "coordinators", language)
    text[0] += "."
    if len(answered) == 0:
        text.append(
            _t(language, "Figuren och tabellen är därför tomma.", "The figure and the table are therefore empty.")
        )
    reconstructed = _reconstructed_cells(answered, _TIME_SPLIT)
    if reconstructed:
        if reconstructed == len(answered) and reconstructed > 1:
            headline = _t(
                language,
                f"Alla {_n(reconstructed, language)} tidsfördelningarna är rekonstruerade.",
                f"All {_n(reconstructed, language)} time splits are reconstructed.",
            )
        else:
            headline = _t(
                language,
                f"{capitalise(_n(reconstructed, language))} av tidsfördelningarna är "
                f"{'rekonstruerad' if reconstructed == 1 else 'rekonstruerade'}.",
                f"{capitalise(_n(reconstructed, language))} of the time splits "
                f"{'is' if reconstructed == 1 else 'are'} reconstructed.",
            )
        text.append(
            f"**{headline}** "
            + _t(
                language,
                "De visar hur analysen fungerar men är inga resultat och ska inte citeras som sådana.",
                "They show how the analysis works but are not results and must not be cited as such.",
            )
        )
    return " ".join(text)


def organisation_reconstruction(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Which facts about the posts are reconstructed in this study, each counted over its population."""
    coordinators = study.tables["coordinators"]
    links = study.tables["coordinator_municipalities"]
    survey = study.tables["survey_responses"]
    n_coord = len(coordinators)
    if n_coord == 0:
        return ""
    checks = (
        (coordinators, ["role"], n_coord, "coordinators", ("roll", "role")),
        (
            coordinators,
            ["combined_with"],
            n_coord,
            "coordinators",
            ("vad tjänsten kombineras med", "what the post is combined with"),
        ),
        (
            coordinators,
            ["seat_in_management_group"],
            n_coord,
            "coordinators",
            ("plats i ledningsgruppen", "seat in the management group"),
        ),
        (
            links,
            ["share_of_post_pct"],
            len(links),
            "links",
            ("andel av tjänsten per kommun", "share of the post per municipality"),
        ),
        (survey, list(_TIME_SPLIT), n_coord, "coordinators", ("tidsfördelning", "time split")),
        (survey, ["q4_placement"], n_coord, "coordinators", ("placering", "placement")),
    )
    parts = []
    for frame, columns, total, _unit, (sv, en) in checks:
        n = _reconstructed_cells(frame, columns) if len(frame) else 0
        if n:
            parts.append(f"{_t(language, sv, en)} ({_n(n, language)} {_t(language, 'av', 'of')} {_n(total, language)})")
    if not parts:
        return _t(
            language,
            "Inga uppgifter om tjänsterna är rekonstruerade i den här studien.",
            "No facts about the posts are reconstructed in this study.",
        )
    return (
        _t(
            language,
            "Rekonstruerade uppgifter om tjänsterna i den här studien: ",
            "Reconstructed facts about the posts in this study: ",
        )
        + join_words(parts, language)
        + "."
    )


def organisation_limits(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Limits that follow from this study's organisation data."""
    n_coordinators = len(study.tables["coordinators"])
    counties = _counties(study)
    where = join_words(counties, language) if counties else _t(language, "länet", "the county")
    items = [
        capitalise(_count(n_coordinators, "coordinators", language))
        + _t(
            language,
            f" räcker för att beskriva organiseringen i {where}, inte för att generalisera till andra län.",
            f" are enough to describe the organisation in {where}, not to generalise to other counties.",
        ),
        organisation_reconstruction(study, language),
    ]
    return _bullets(items)


# Chapter 02: quality areas -----------------------------------------------------------------


def assessment_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Indicators, assessments by value (unknown kept apart from no), and how they are backed."""
    assessments = study.tables["assessments"]
    indicators = study.codebook["indicators"]
    areas = study.codebook["quality_areas"]
    if assessments.empty:
        return _t(language, "Studien har ännu inga bedömningar.", "The study has no assessments yet.")
    values = assessments["value"].astype("string").fillna("unknown").value_counts()
    words = {
        "yes": ("ja", "yes"),
        "partly": ("delvis", "partly"),
        "no": ("nej", "no"),
        "unknown": ("okända", "unknown"),
    }
    parts = [f"{_n(int(values.get(v, 0)), language)} {_t(language, *words[v])}" for v in words]
    text = [
        _t(language, "Studien har ", "The study has ")
        + _n(len(indicators), language)
        + _t(language, " indikatorer i ", " indicators in ")
        + _n(len(areas), language, True)
        + _t(language, " kvalitetsområden och ", " quality areas and ")
        + _n(len(assessments), language)
        + _t(language, " bedömningar: ", " assessments: ")
        + join_words(parts, language)
        + "."
    ]
    if values.get("unknown", 0):
        text.append(
            _t(
                language,
                "Ett okänt värde räknas aldrig som nej: det står utanför räkningen och anges för sig.",
                "An unknown value is never counted as no: it is left out of the count and reported on its own.",
            )
        )
    reconstructed = _reconstructed_cells(assessments, ["value", "subject_id"])
    judged = int((assessments["basis"] == "judgement").sum())
    if reconstructed:
        text.append(
            _t(
                language,
                f"{capitalise(_n(reconstructed, language))} av bedömningarna är "
                f"{'rekonstruerad' if reconstructed == 1 else 'rekonstruerade'}.",
                f"{capitalise(_n(reconstructed, language))} of the assessments "
                f"{'is' if reconstructed == 1 else 'are'} reconstructed.",
            )
        )
    if judged:
        with_evidence = int((assessments["basis"] == "judgement").mul(assessments["evidence"].notna()).sum())
        text.append(
            _t(
                language,
                f"{capitalise(_n(judged, language))} är utvärderarens bedömningar, varav "
                f"{_n(with_evidence, language)} anger sina belägg (intervjuer eller dokument).",
                f"{capitalise(_n(judged, language))} are the evaluator's judgements, of which "
                f"{_n(with_evidence, language)} name their evidence (interviews or documents).",
            )
        )
    return " ".join(text)


def shared_post_note(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Which coordinators count in several municipalities (their indicators show in each)."""
    served = municipalities_of_coordinator(study)
    shared = {c: ms for c, ms in served.items() if len(ms) > 1}
    if not shared:
        return _t(
            language,
            "Ingen samordnare i studien arbetar i mer än en kommun.",
            "No coordinator in the study works in more than one municipality.",
        )
    one = len(shared) == 1
    if language == "sv":
        parts = [
            f"{_coordinator(c, language)} i {_municipalities(ms, language, reveal_names, study)}"
            for c, ms in sorted(shared.items())
        ]
        return (
            f"I studien arbetar {join_words(parts, language)}; indikatorerna om "
            f"{'samordnaren' if one else 'dem'} räknas i varje kommun {'hen' if one else 'de'} arbetar i."
        )
    parts = [
        f"{_coordinator(c, language)} works in {_municipalities(ms, language, reveal_names, study)}"
        for c, ms in sorted(shared.items())
    ]
    return (
        f"In the study, {join_words(parts, language)}; the indicators about "
        f"{'that coordinator' if one else 'them'} count in every municipality served."
    )


def group_sizes(study, language: str = "sv", reveal_names: bool = False) -> str:
    """The size of each municipality group, and how many memberships are reconstructed."""
    from evalkit.analysis.populations import municipality_groups

    groups = municipality_groups(study).value_counts()
    if groups.empty:
        return ""
    words = {
        "well_functioning": ("där samordnarfunktionen fungerar väl", "where the coordinator function works well"),
        "poorly_functioning": ("där den fungerar dåligt", "where it works poorly"),
        "unknown_functioning": ("där funktionen inte är bedömd", "where the function is not judged"),
        "team_based": ("med familjefridsteam", "with a family-violence team"),
        "no_coordinator": ("utan samordnare eller team", "with neither coordinator nor team"),
    }
    parts = [
        f"{_count(int(groups[g]), 'municipalities', language)} {_t(language, *words[g])}"
        for g in words
        if groups.get(g, 0)
    ]
    text = [_t(language, "Grupperna i studien: ", "The groups in the study: ") + join_words(parts, language) + "."]
    municipalities = study.tables["municipalities"]
    with_coordinator = municipalities[municipalities["model"].isin(COORDINATOR_MODELS)]
    reconstructed = _reconstructed_cells(with_coordinator, ["coordinator_functioning"])
    if reconstructed:
        text.append(
            _t(
                language,
                f"Vilken grupp en kommun med samordnare hör till är rekonstruerat för {_n(reconstructed, language)} "
                f"av {_n(len(with_coordinator), language)}; skillnader mellan grupperna kan därför delvis vara "
                "inbyggda i rekonstruktionen.",
                f"Which group a municipality with a coordinator belongs to is reconstructed for "
                f"{_n(reconstructed, language)} of {_n(len(with_coordinator), language)}; differences between the "
                "groups may therefore be partly built into the reconstruction.",
            )
        )
    return " ".join(text)


# Chapter 03: team municipalities and case statistics ---------------------------------------


def _size(band: str, n: int, language: str) -> str:
    sv_one, sv_many, en = SIZE_WORDS[band]
    return (sv_one if n == 1 else sv_many) if language == "sv" else en


def _sizes(ids, study, language: str) -> str:
    """The size bands of ``ids`` as a predicate: *är små*, *är två små och en stor; storleken är okänd för en*."""
    municipalities = study.tables["municipalities"].set_index("municipality_id")
    bands = [municipalities["size_band"].get(i, pd.NA) for i in ids]
    known = [b for b in bands if not pd.isna(b) and b in SIZE_WORDS]
    counts = pd.Series(known, dtype="object").value_counts()
    unknown = len(bands) - len(known)
    present = [b for b in SIZE_WORDS if counts.get(b, 0)]
    if len(present) == 1 and not unknown:
        word = _size(present[0], len(ids), language)
        if len(ids) == 1:
            return _t(language, "är ", "is ") + word
        every = _t(language, "båda", "both") if len(ids) == 2 else _t(language, "alla", "all")
        return _t(language, f"är {every} {word}", f"are {every} {word}")
    parts = [f"{_n(int(counts[b]), language)} {_size(b, int(counts[b]), language)}" for b in present]
    text = _t(language, "är ", "are ") + join_words(parts, language) if parts else ""
    if unknown:
        clause = _t(language, "storleken är okänd för ", "the size is not known for ") + _n(unknown, language)
        text = f"{text}; {clause}" if text else clause
    return text


def _team_subject(n: int, language: str) -> str:
    if n == 1:
        return _t(language, "Teamkommunen ", "The team municipality ")
    return _t(language, "Teamkommunerna ", "The team municipalities ")


def team_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """The team municipalities against those with a coordinator: how many, which, how large."""
    team = population_members(study, "team_municipalities")
    with_coordinator = population_members(study, "municipalities_with_coordinator")
    if not team:
        return _t(
            language,
            "Studien har inga kommuner med familjefridsteam, så den här jämförelsen kan inte göras.",
            "The study has no municipalities with a family-violence team, so this comparison cannot be made.",
        )
    text = [
        _t(language, "Studien har ", "The study has ")
        + _count(len(team), "municipalities", language)
        + _t(language, " med familjefridsteam (", " with a family-violence team (")
        + _municipalities(team, language, reveal_names, study)
        + _t(language, ") och ", ") and ")
        + _count(len(with_coordinator), "municipalities", language)
        + _t(language, " med samordnare.", " with a coordinator.")
    ]
    sizes = _sizes(team, study, language)
    if sizes:
        text.append(_team_subject(len(team), language) + sizes + ".")
    return " ".join(text)


def comparison_reconstruction(study, table: pd.DataFrame, language: str = "sv", reveal_names: bool = False) -> str:
    """How many of the values behind the team comparison are reconstructed, per group.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`evalkit.analysis.comparison.team_vs_coordinator`.
    """
    needed = {"n_team", "n_coordinator", "reconstructed_team", "reconstructed_coordinator"}
    if table.empty or not needed <= set(table.columns):
        return ""
    counts = {c: int(table[c].sum()) for c in needed}
    if counts["n_team"] + counts["n_coordinator"] == 0:
        return ""
    return _t(
        language,
        f"Av de {_n(counts['n_coordinator'], language, True)} värdena för kommunerna med samordnare är "
        f"{_n(counts['reconstructed_coordinator'], language, True)} "
        f"{'rekonstruerat' if counts['reconstructed_coordinator'] == 1 else 'rekonstruerade'}, och av de "
        f"{_n(counts['n_team'], language, True)} värdena för teamkommunerna "
        f"{_n(counts['reconstructed_team'], language, True)}.",
        f"Of the {_n(counts['n_coordinator'], language)} values for the municipalities with a coordinator, "
        f"{_n(counts['reconstructed_coordinator'], language)} "
        f"{'is' if counts['reconstructed_coordinator'] == 1 else 'are'} reconstructed, and of the "
        f"{_n(counts['n_team'], language)} values for the team municipalities, "
        f"{_n(counts['reconstructed_team'], language)}.",
    )


def team_model_summary(study, profile: pd.DataFrame, language: str = "sv", reveal_names: bool = False) -> str:
    """What the team model gives and lacks according to this study's comparison indicators."""
    if profile.empty:
        return _t(
            language,
            "Studiens kodbok har inga indikatorer för teammodellen.",
            "The study's codebook has no indicators for the team model.",
        )
    label = "label_sv" if language == "sv" else "label_en"
    text = []
    for verdict, sv, en in (
        (
            "gives",
            "Enligt studiens indikatorer ger teammodellen",
            "According to the study's indicators, the team model gives",
        ),
        ("lacks", "Den saknar", "It lacks"),
        ("unknown", "Okänt för", "Not known for"),
    ):
        column = "team_model" if "team_model" in profile else "verdict"
        labels = [f"*{decapitalise(str(x))}*" for x in profile.loc[profile[column] == verdict, label]]
        if labels:
            text.append(f"{_t(language, sv, en)}: {join_words(labels, language)}.")
    return " ".join(text)


def case_statistics_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Which municipalities have which series, for which years, when the coordinator started, what is missing."""
    from evalkit.analysis.case_statistics import coordinator_start

    stats = study.tables["case_statistics"]
    if stats.empty:
        return _t(
            language,
            "Studien har ingen ärendestatistik, så det här avsnittet är tomt.",
            "The study has no case statistics, so this section is empty.",
        )
    starts = coordinator_start(study).set_index("municipality_id")
    parts = []
    for mid, own in stats.groupby("municipality_id", sort=True):
        n_measures = own["measure"].nunique()
        part = (
            _municipality(str(mid), language, reveal_names, study)
            + f" ({_n(n_measures, language, True)} {_t(language, 'mått', 'measure' if n_measures == 1 else 'measures')}, "
            + _span(own["year"], language)
        )
        start = starts["start_date"].get(mid, pd.NA) if len(starts) else pd.NA
        if mid not in starts.index:
            part += _t(language, "; ingen samordnare", "; no coordinator")
        elif pd.isna(start):
            part += _t(language, "; startåret är okänt", "; start not known")
        else:
            part += _t(language, f"; samordnaren började {start}", f"; the coordinator started {start}")
        parts.append(part + ")")
    text = [
        _t(language, "Ärendestatistik finns för ", "Case statistics exist for ")
        + _count(stats["municipality_id"].nunique(), "municipalities", language)
        + ": "
        + join_words(parts, language)
        + "."
    ]
    missing = int(stats["value"].isna().sum())
    if missing:
        text.append(
            _t(
                language,
                f"{capitalise(_n(missing, language, True))} {'årsvärde' if missing == 1 else 'årsvärden'} "
                "saknas och lämnas utanför.",
                f"{capitalise(_n(missing, language))} yearly {'value is' if missing == 1 else 'values are'} missing "
                "and left out.",
            )
        )
    allocated = sorted(
        {
            str(r["municipality_id"])
            for _, r in stats.iterrows()
            if r["basis"] == "reconstructed" and "municipality_id" in str(r["reconstructed_fields"]).split("|")
        }
    )
    if allocated:
        text.append(
            _t(
                language,
                f"Vilken kommun statistiken gäller är rekonstruerat för {_municipalities(allocated, language, reveal_names, study)}.",
                f"Which municipality the statistics belong to is reconstructed for "
                f"{_municipalities(allocated, language, reveal_names, study)}.",
            )
        )
    return " ".join(text)


def longest_series(study, language: str = "sv", reveal_names: bool = False) -> str:
    """How many yearly values the longest series has (what a level-change model can rest on)."""
    stats = study.tables["case_statistics"].dropna(subset=["value"])
    if stats.empty:
        return ""
    longest = int(stats.groupby(["municipality_id", "measure"]).size().max())
    return _t(
        language,
        f"Den längsta serien i studien har {_n(longest, language, True)} årsvärden.",
        f"The longest series in the study has {_n(longest, language)} yearly values.",
    )


def comparison_limits(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Limits that follow from this study's comparison data: how many team municipalities, their size."""
    team = population_members(study, "team_municipalities")
    with_coordinator = population_members(study, "municipalities_with_coordinator")
    items = []
    if len(team) == 1:
        items.append(
            _t(
                language,
                "En enda kommun med familjefridsteam räcker inte för en jämförelse i statistisk mening; "
                "jämförelsen beskriver.",
                "A single municipality with a family-violence team is not enough for a comparison in the "
                "statistical sense; the comparison describes.",
            )
        )
    elif team:
        items.append(
            capitalise(_count(len(team), "municipalities", language))
            + _t(
                language,
                " med familjefridsteam är för få för en jämförelse i statistisk mening; jämförelsen beskriver.",
                " with a family-violence team are too few for a comparison in the statistical sense; it describes.",
            )
        )
        team_sizes, other_sizes = _sizes(team, study, language), _sizes(with_coordinator, study, language)
        if team_sizes and other_sizes:
            items.append(
                _team_subject(len(team), language)
                + team_sizes
                + _t(language, ", kommunerna med samordnare ", "; those with a coordinator ")
                + other_sizes
                + _t(
                    language,
                    ". En skillnad mellan grupperna kan bero på storlek, inte bara på modell.",
                    ". A difference between the groups may come from size, not only from the model.",
                )
            )
    return _bullets(items)


# Chapter 04: success factors ---------------------------------------------------------------


def conditions_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """The success factors and failure explanations the study's codebook holds."""
    from evalkit.analysis.success_factors import condition_kinds

    kinds = condition_kinds(study)
    parts = []
    for kind, sv, en in (
        ("success_factor", "framgångsfaktorer", "success factors"),
        ("failure_explanation", "förklaringar till svårigheter", "explanations of failure"),
    ):
        ids = kinds[kind]
        labels = [decapitalise(condition_label(study, c, language)) for c in ids]
        parts.append(f"{_n(len(ids), language)} {_t(language, sv, en)}" + (f" ({'; '.join(labels)})" if labels else ""))
    return _t(language, "Studiens kodbok har ", "The study's codebook has ") + join_words(parts, language) + "."


def qca_cases_summary(study, language: str = "sv", reveal_names: bool = False) -> str:
    """The QCA cases (municipalities with a coordinator), their outcomes, and how much is reconstructed."""
    municipalities = study.tables["municipalities"]
    with_coordinator = municipalities[municipalities["model"].isin(COORDINATOR_MODELS)]
    n = len(with_coordinator)
    if n == 0:
        return _t(
            language,
            "Studien har inga kommuner med samordnare, så analysen har inga fall.",
            "The study has no municipalities with a coordinator, so the analysis has no cases.",
        )
    functioning = with_coordinator["coordinator_functioning"].astype("string")
    well = int((functioning == "well").fillna(False).sum())
    poorly = int((functioning == "poorly").fillna(False).sum())
    sentence = _t(
        language,
        f"Analysen har {_n(n, language, True)} fall, kommunerna med samordnare: {_n(well, language)} där "
        f"funktionen fungerar väl och {_n(poorly, language)} där den fungerar dåligt",
        f"The analysis has {_n(n, language)} cases, the municipalities with a coordinator: {_n(well, language)} "
        f"where the function works well and {_n(poorly, language)} where it works poorly",
    )
    if n - well - poorly:
        sentence += "; " + unknown_clause(n - well - poorly, "municipalities", language)
    text = [sentence + "."]
    conditions = study.tables["conditions"]
    conditions = conditions[conditions["municipality_id"].isin(with_coordinator["municipality_id"])]
    n_values = len(study.codebook["conditions"]) * n
    known = int(conditions["value"].isin(["yes", "partly", "no"]).sum())
    if known < n_values:
        text.append(
            _t(
                language,
                f"{capitalise(_n(n_values - known, language, True))} av {_n(n_values, language, True)} "
                "villkorsvärden är okända eller saknas; ett fall med ett okänt värde lämnas utanför analysen.",
                f"{capitalise(_n(n_values - known, language))} of {_n(n_values, language)} condition values are "
                "unknown or missing; a case with an unknown value is left out of the analysis.",
            )
        )
    counts = reconstruction_counts(study).set_index("part")
    if counts["n_reconstructed"].sum():
        words = {
            "success_factor": ("värden för framgångsfaktorerna", "success-factor values"),
            "failure_explanation": ("värden för förklaringarna till svårigheter", "failure-explanation values"),
            "outcome": ("utfall", "outcomes"),
        }
        parts = [
            f"{_n(int(counts.at[part, 'n_reconstructed']), language, True)} {_t(language, 'av', 'of')} "
            f"{_n(int(counts.at[part, 'n_values']), language, True)} {_t(language, *words[part])}"
            for part in words
            if part in counts.index
        ]
        text.append(
            _t(
                language,
                f"{capitalise(join_words(parts, language))} är rekonstruerade. Ju fler rekonstruerade värden, desto "
                "mer beskriver lösningarna antagandena snarare än beläggen: de illustrerar metoden och prövar "
                "ingenting.",
                f"{capitalise(join_words(parts, language))} are reconstructed. The more values are reconstructed, "
                "the more the solutions describe the assumptions rather than the evidence: they illustrate the "
                "method and test nothing.",
            )
        )
    return " ".join(text)


def qca_solutions_summary(
    study, result, outcome: str = "outcome", language: str = "sv", reveal_names: bool = False
) -> str:
    """Every QCA solution the chapter prints, said in words with its fit, and the cases left out.

    Parameters
    ----------
    result : evalkit.analysis.success_factors.SuccessFactorQCA
    outcome : {"outcome", "~outcome"}
        The outcome the analysis explains (works well / works poorly).
    """
    text = []
    if result.dropped_cases:
        text.append(
            _t(
                language,
                "Utanför analysen, för att ett värde är okänt: "
                f"{_municipalities(result.dropped_cases, language, reveal_names, study)}.",
                "Left out of the analysis because a value is unknown: "
                f"{_municipalities(result.dropped_cases, language, reveal_names, study)}.",
            )
        )
    sentences = solution_sentences(study, result, language=language, outcome=outcome)
    if sentences.empty:
        text.append(
            _t(
                language,
                "Minimeringen ger ingen lösning för de här fallen.",
                "Minimisation gives no solution for these cases.",
            )
        )
        return " ".join(text)
    fits = result.solutions_frame().set_index(["solution_type", "solution"])
    names = {
        "conservative": ("Den konservativa lösningen", "The conservative solution"),
        "parsimonious": ("Den sparsamma lösningen", "The parsimonious solution"),
        "intermediate": ("Den mellanliggande lösningen", "The intermediate solution"),
    }
    several = sentences.groupby("solution_type")["solution"].transform("size") > 1
    lines = []
    for (_, row), numbered in zip(sentences.iterrows(), several):
        name = _t(language, *names.get(row["solution_type"], (row["solution_type"],) * 2))
        if numbered:
            name += f" ({_t(language, 'nr', 'no.')} {int(row['solution'])})"
        fit = fits.loc[(row["solution_type"], row["solution"])]
        measures = _t(
            language,
            f"konsistens {format_number(fit['consistency'], language, 2)}, "
            f"täckning {format_number(fit['coverage'], language, 2)}",
            f"consistency {format_number(fit['consistency'], language, 2)}, "
            f"coverage {format_number(fit['coverage'], language, 2)}",
        )
        lines.append(f"{name} ({measures}): {row['sentence']}")
    return " ".join(text) + ("\n\n" if text else "") + _bullets(lines)


def qca_assumptions_summary(study, success, failure, language: str = "sv", reveal_names: bool = False) -> str:
    """What the QCA solutions rest on: unobserved configurations, skew, *partly*, and a baseline.

    Parameters
    ----------
    success, failure : evalkit.analysis.success_factors.SuccessFactorQCA
        The two analyses of chapter 04 (either may be None when it cannot run).
    """
    from evalkit.analysis.success_factors import (
        diversity,
        outcome_assignment_baseline,
        simplifying_assumptions,
        skew_table,
        solutions_by_partly,
    )

    words = {
        "success_factor": ("framgångsfaktorerna", "the success factors"),
        "failure_explanation": ("förklaringarna till svårigheter", "the explanations of failure"),
    }
    items = []
    for kind, result in (("success_factor", success), ("failure_explanation", failure)):
        if result is None or result.data.empty:
            continue
        name_sv, name_en = words[kind]
        seen = diversity(result)
        used = simplifying_assumptions(result)
        simplifying = int((used["solution_type"] == "parsimonious").sum()) if len(used) else 0
        easy = int((used["solution_type"] == "intermediate").sum()) if len(used) else 0
        items.append(
            _t(
                language,
                f"**Begränsad mångfald ({name_sv}).** Av de {_n(seen['possible'], 'sv')} möjliga kombinationerna "
                f"finns {_n(seen['observed'], 'sv')} bland de {_n(seen['cases'], 'sv')} fallen; resten är logiska "
                f"rester. Den sparsamma lösningen antar utfallet för {_n(simplifying, 'sv')} av dem (förenklande "
                f"antaganden), den mellanliggande för {_n(easy, 'sv')} (lätta kontrafaktiska antaganden); tabellen "
                "listar dem.",
                f"**Limited diversity ({name_en}).** Of the {_n(seen['possible'], 'en')} possible combinations, "
                f"{_n(seen['observed'], 'en')} occur among the {_n(seen['cases'], 'en')} cases; the rest are logical "
                f"remainders. The parsimonious solution assumes the outcome for {_n(simplifying, 'en')} of them "
                f"(simplifying assumptions), the intermediate one for {_n(easy, 'en')} (easy counterfactuals); the "
                "table lists them.",
            )
        )
        skew = skew_table(result)
        skewed = skew[skew["skewed"]]
        if len(skewed):
            parts = []
            for _, row in skewed.iterrows():
                column = str(row["condition"])
                if column in ("outcome", "outcome_poorly"):
                    label = vocabulary_label(
                        study, "coordinator_functioning", "poorly" if column == "outcome_poorly" else "well", language
                    )
                    label = _t(language, f"utfallet ”{decapitalise(label)}”", f"the outcome '{decapitalise(label)}'")
                else:
                    quote = ("”", "”") if language == "sv" else ("'", "'")
                    label = f"{quote[0]}{condition_label(study, column, language)}{quote[1]}"
                parts.append(
                    _t(
                        language,
                        f"{label} gäller i {_n(int(row['present']), 'sv')} av {_n(int(row['n']), 'sv')}",
                        f"{label} holds in {_n(int(row['present']), 'en')} of {_n(int(row['n']), 'en')}",
                    )
                )
            items.append(
                _t(
                    language,
                    f"**Sneda värden ({name_sv}).** {capitalise(join_words(parts, 'sv'))}. Ett villkor som nästan "
                    "alltid (eller nästan aldrig) gäller lämnar få fall att jämföra med, och ett nödvändigt eller "
                    "tillräckligt villkor blir då nästan självklart.",
                    f"**Skewed values ({name_en}).** {capitalise(join_words(parts, 'en'))}. A condition that almost "
                    "always (or almost never) holds leaves few cases to compare, and a necessary or sufficient "
                    "condition then comes almost for free.",
                )
            )
        uses_partly = bool((study.tables["conditions"]["value"] == "partly").any())
        if uses_partly and kind == "success_factor":
            by_partly = solutions_by_partly(study, kind, result.outcome, result.consistency_cut)
            parsimonious = by_partly[by_partly["solution_type"] == "parsimonious"]

            def describe(partly, language=language, parsimonious=parsimonious):
                own = parsimonious[parsimonious["partly_as"] == partly]
                expressions = [_expression_words(study, e, language) for e in own["expression"]]
                coverage = (
                    format_number(float(own["coverage"].max()), language, 2) if own["coverage"].notna().any() else "–"
                )
                joined = _t(language, " eller ", " or ").join(expressions)
                if len(expressions) > 1:
                    coverage = _t(
                        language,
                        f"{_n(len(expressions), 'sv')} lika enkla lösningar, täckning {coverage}",
                        f"{_n(len(expressions), 'en')} equally simple solutions, coverage {coverage}",
                    )
                else:
                    coverage = _t(language, f"täckning {coverage}", f"coverage {coverage}")
                return joined, coverage

            one, cover_one = describe(1)
            zero, cover_zero = describe(0)
            if one == zero:
                sentence = _t(
                    language,
                    f"Den sparsamma lösningen är densamma vare sig ”delvis” räknas som gäller eller inte: {one}.",
                    f"The parsimonious solution is the same whether 'partly' counts as holding or not: {one}.",
                )
            else:
                sentence = _t(
                    language,
                    f"När ”delvis” räknas som gäller är den sparsamma lösningen {one} ({cover_one}); när "
                    f"det räknas som gäller inte blir den {zero} ({cover_zero}). Lösningen hänger alltså på "
                    "hur delvis-värdena räknas, och de är ofta rekonstruerade.",
                    f"When 'partly' counts as holding, the parsimonious solution is {one} ({cover_one}); "
                    f"when it counts as not holding, it becomes {zero} ({cover_zero}). The solution thus "
                    "hinges on how the partly values are counted, and they are often reconstructed.",
                )
            items.append(
                _t(language, "**Delvis (framgångsfaktorerna).** ", "**Partly (the success factors).** ") + sentence
            )
        baseline = outcome_assignment_baseline(
            study, kind, result.outcome, partly_as=result.partly_as, consistency_cut=result.consistency_cut
        )
        n, good = baseline.attrs["n_assignments"], baseline.attrs["n_as_good"]
        if n > 1:
            poorly = int(baseline["poorly"].iloc[0].count("|") + 1) if len(baseline) else 0
            fit = _t(
                language,
                f"konsistens minst {format_number(baseline.attrs['consistency'], 'sv', 2)} och täckning minst "
                f"{format_number(baseline.attrs['coverage'], 'sv', 2)}",
                f"consistency at least {format_number(baseline.attrs['consistency'], 'en', 2)} and coverage at "
                f"least {format_number(baseline.attrs['coverage'], 'en', 2)}",
            )
            verdict = (
                _t(
                    language,
                    "Studiens lösning är alltså vad de flesta tänkbara utfall ger med de här villkoren, och säger "
                    "lite om kommunerna.",
                    "The study's solution is thus what most conceivable outcomes give with these conditions, and "
                    "says little about the municipalities.",
                )
                if good * 2 > n
                else _t(
                    language,
                    "Få andra tilldelningar ger en lika bra lösning; det säger något om hur villkorsvärdena är "
                    "fördelade, och de är till stor del rekonstruerade.",
                    "Few other assignments give an equally good solution; that says something about how the "
                    "condition values are allocated, and they are largely reconstructed.",
                )
            )
            items.append(
                _t(
                    language,
                    f"**Jämförelsetal ({name_sv}).** Ge utfallet ”fungerar dåligt” i tur och ordning till vart och "
                    f"ett av de {_n(n, 'sv')} sätten att välja {_n(poorly, 'sv')} av de {_n(len(result.data), 'sv')} "
                    f"fallen och minimera på samma sätt: {_n(good, 'sv')} av de {_n(n, 'sv')} ger en sparsam lösning "
                    f"med {fit}, som studiens. {verdict}",
                    f"**Baseline ({name_en}).** Give the outcome 'works poorly' in turn to each of the "
                    f"{_n(n, 'en')} ways to choose {_n(poorly, 'en')} of the {_n(len(result.data), 'en')} cases and "
                    f"minimise the same way: {_n(good, 'en')} of the {_n(n, 'en')} {agree(good, 'gives', 'give')} a "
                    "parsimonious solution with "
                    f"{fit}, as the study's does. {verdict}",
                )
            )
    return _bullets(items)


def success_factor_limits(study, language: str = "sv", reveal_names: bool = False) -> str:
    """Limits that follow from this study's QCA data: cases against conditions."""
    n = len(population_members(study, "municipalities_with_coordinator"))
    k = len(study.codebook["conditions"])
    return _bullets(
        [
            _t(
                language,
                f"{capitalise(_n(n, language, True))} fall och {_n(k, language, True)} villkor: de flesta kombinationer "
                "är aldrig observerade, så lösningarna vilar tungt på förenklande antaganden. Jämför alltid den "
                "konservativa med den sparsamma lösningen.",
                f"{capitalise(_n(n, language))} cases and {_n(k, language)} conditions: most combinations are never "
                "observed, so the solutions lean heavily on simplifying assumptions. Always compare the conservative "
                "with the parsimonious solution.",
            )
        ]
    )
