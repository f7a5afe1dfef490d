"""Every word the publication generates, in Swedish and English: one module of sentence functions.

The builders (:mod:`evalkit.publication.build`) decide *what* is said, from
the study and its findings; this module says it. Nothing here reads a study:
each function takes the facts (counts, labels, titles) as arguments and
returns text in the edition's language, so that the wording can move into
message catalogs in one go (gettext; issue 20).

Rules the sentences follow: numbers up to twelve as words
(:func:`evalkit.present.language.number_word`), a count says what it counts
among what (*sju av åtta kommuner med kvinnofridssamordnare*), an unknown
value is never a *no*, and an association is never worded as a cause.
"""

from __future__ import annotations

from evalkit.present.language import LANGUAGES, capitalise, count_phrase, join_words, number_word, unknown_clause
from evalkit.present.numbers import format_number


def _t(language: str, swedish: str, english: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return swedish if language == "sv" else english


def quoted(text: str, language: str) -> str:
    """A title or label in quotation marks: ”…” in Swedish, “…” in English."""
    return f"”{text}”" if language == "sv" else f"“{text}”"


# --------------------------------------------------------------------------- numbering and page furniture


def reference(kind: str, label: str, language: str) -> str:
    """A cross-reference as running text: ``"kapitel 3"``, ``"tabell 3.2"``, ``"bilaga 2"``."""
    words = {
        "chapter": ("kapitel", "chapter"),
        "section": ("avsnitt", "section"),
        "appendix": ("bilaga", "appendix"),
        "table": ("tabell", "table"),
        "figure": ("figur", "figure"),
    }[kind]
    return f"{_t(language, *words)} {label}"


def caption_label(kind: str, number: str, language: str) -> str:
    """``"Tabell 3.2"`` / ``"Figure 3.1"``."""
    return capitalise(reference(kind, number, language))


def appendix_label(number: str, language: str) -> str:
    """``"Bilaga 2"`` / ``"Appendix 2"``."""
    return capitalise(reference("appendix", number, language))


def appendix_table_prefix(language: str) -> str:
    """The letter before an appendix's table numbers: ``B2.1`` (bilaga) / ``A2.1`` (appendix)."""
    return _t(language, "B", "A")


LABELS = {
    "contents": ("Innehåll", "Contents"),
    "skip": ("Hoppa till innehållet", "Skip to the content"),
    "notes": ("Källor och noter", "Sources and notes"),
    "page": ("Sida", "Page"),
    "of": ("av", "of"),
    "foreword": ("Förord", "Foreword"),
    "summary": ("Sammanfattning", "Summary"),
    "interpretation": ("Utvärderarens bedömning", "The evaluator's assessment"),
    "caution": ("Att tänka på", "Keep in mind"),
    "note": ("Att notera", "Note"),
    "quotes": ("Så beskriver de intervjuade det", "In the words of the people interviewed"),
    "title_page": ("Titelsida", "Title page"),
    "publisher": ("Utgivare", "Publisher"),
    "year": ("År", "Year"),
    "series": ("Serie", "Series"),
    "diary_number": ("Diarienummer", "Reference number"),
    "isbn": ("ISBN", "ISBN"),
    "date": ("Datum", "Date"),
    "figure_description": ("Beskrivning av figuren", "Description of the figure"),
    "source_language": ("svenska", "Swedish"),
}


def label(name: str, language: str) -> str:
    """A fixed word of the page: contents, box titles, title-page field names (see :data:`LABELS`)."""
    return _t(language, *LABELS[name])


def colophon(language: str) -> str:
    return _t(
        language,
        "Rapporten är framräknad ur studiens data med evalkit, utan handpåläggning av siffrorna.",
        "The figures in this report were computed from the study's data with evalkit, none by hand.",
    )


# --------------------------------------------------------------------------- chapter and section titles

TITLES = {
    "introduction": ("Inledning", "Introduction"),
    "introduction.questions": ("Vad utvärderingen frågar", "What the evaluation asks"),
    "introduction.quality_areas": ("Sex kvalitetsområden", "Six quality areas"),
    "introduction.data": ("Underlaget", "The evidence"),
    "introduction.method": ("Så har kommunerna bedömts", "How the municipalities were assessed"),
    "introduction.reading": ("Så läser du rapporten", "How to read this report"),
    "organisation": ("Hur samordnarfunktionen är organiserad", "How the coordinator function is organised"),
    "organisation.posts": ("Samordnartjänsterna", "The coordinator posts"),
    "organisation.time": ("Heltid och deltid", "Full time and part time"),
    "organisation.placement": (
        "Placering och vad tjänsten kombineras med",
        "Placement and what the post is combined with",
    ),
    "organisation.role": ("Roll och mandat", "Role and mandate"),
    "quality_areas": (
        "Samordnarna och kvaliteten i arbetet mot våld",
        "The coordinators and the quality of the work against violence",
    ),
    "comparison": (
        "Kommuner med familjefridsteam, och ärendestatistiken",
        "Municipalities with a family-violence team, and the case statistics",
    ),
    "comparison.team": ("Kommunerna med familjefridsteam", "The municipalities with a family-violence team"),
    "comparison.cases": (
        "Ärendestatistiken före och efter samordnaren",
        "The case statistics before and after the coordinator",
    ),
    "success_factors": (
        "Framgångsfaktorer och förklaringar till svårigheter",
        "Success factors and explanations of difficulties",
    ),
    "success_factors.functioning": ("Hur väl samordnarfunktionen fungerar", "How well the coordinator function works"),
    "success_factors.factors": ("Framgångsfaktorer", "Success factors"),
    "success_factors.explanations": ("Förklaringar till svårigheter", "Explanations of difficulties"),
    "success_factors.combinations": (
        "Villkoren i kombination: en illustration",
        "The conditions in combination: an illustration",
    ),
    "success_factors.conclusions": ("Utvärderarens slutsatser", "The evaluator's conclusions"),
    "appendix.data_collection": ("Datainsamling", "Data collection"),
    "appendix.values": ("Hur värdena fastställdes", "How the values were established"),
    "appendix.survey": ("Enkätfrågorna till samordnarna", "The survey questions to the coordinators"),
    "appendix.findings": ("Förteckning över resultaten", "List of findings"),
}


def title(key: str, language: str) -> str:
    """The title of a chapter, section or appendix that names a topic (see :data:`TITLES`)."""
    return _t(language, *TITLES[key])


# --------------------------------------------------------------------------- captions and column headers

CAPTIONS = {
    "quality_areas": ("De sex kvalitetsområdena", "The six quality areas"),
    "models": ("Kommunerna efter hur arbetet är organiserat", "The municipalities by how the work is organised"),
    "posts": ("Samordnartjänsterna per kommun", "The coordinator posts by municipality"),
    "time_split": ("Hur samordnarna fördelar sin tjänst", "How the coordinators split their post"),
    "heatmap": (
        "Andel uppfyllda indikatorer per kommun och kvalitetsområde",
        "Share of indicators met by municipality and quality area",
    ),
    "by_group": (
        "Andel uppfyllda indikatorer per kvalitetsområde och grupp av kommuner",
        "Share of indicators met by quality area and group of municipalities",
    ),
    "team_vs_coordinator": (
        "Kommuner med familjefridsteam och kommuner med samordnare, indikator för indikator",
        "Municipalities with a family-violence team and with a coordinator, indicator by indicator",
    ),
    "before_after": (
        "Ärendestatistik: medelvärde per år före och efter samordnarens start",
        "Case statistics: yearly mean before and after the coordinator's start",
    ),
    "case_series": ("Ärendestatistik per år, {subject}", "Case statistics by year, {subject}"),
    "interviews_by_group": ("Intervjuerna per respondentgrupp", "The interviews by respondent group"),
    "interviews_by_role": ("Intervjuerna per roll", "The interviews by role"),
    "documents": ("Dokumenten per typ", "The documents by type"),
    "provenance": ("Uppgifterna efter grund", "The values by basis"),
    "resting": (
        "Resultat som inte gäller i alla fördelningar av de rekonstruerade värdena",
        "Findings that do not hold in every allocation of the reconstructed values",
    ),
}


def caption(key: str, language: str, subject: str = "") -> str:
    """A table or figure caption (see :data:`CAPTIONS`); ``subject`` fills ``{subject}``."""
    return _t(language, *CAPTIONS[key]).format(subject=subject)


HEADERS = {
    "quality_area": ("Kvalitetsområde", "Quality area"),
    "definition": ("Vad området omfattar", "What the area covers"),
    "model": ("Organisering", "Organisation"),
    "municipalities": ("Kommuner", "Municipalities"),
    "finding": ("Resultat", "Finding"),
    "count": ("Antal", "Count"),
    "basis": ("Grund", "Basis"),
    "source": ("Källa", "Source"),
    "group": ("Respondentgrupp", "Respondent group"),
    "role": ("Roll", "Role"),
    "interviews": ("Intervjuer", "Interviews"),
    "share_pct": ("Andel (%)", "Share (%)"),
    "document_type": ("Dokumenttyp", "Document type"),
    "documents": ("Dokument", "Documents"),
    "values": ("Uppgifter", "Values"),
    "rows": ("Rader", "Rows"),
    "robustness": ("I fördelningarna", "Across the allocations"),
    "total": ("Totalt", "Total"),
}


def header(key: str, language: str) -> str:
    return _t(language, *HEADERS[key])


TABLE_NAMES = {
    "municipalities": ("Kommunerna", "The municipalities"),
    "coordinators": ("Samordnarna", "The coordinators"),
    "coordinator_municipalities": ("Samordnartjänsterna per kommun", "The coordinator posts by municipality"),
    "survey_responses": ("Enkätsvaren", "The survey answers"),
    "interviews": ("Intervjuerna", "The interviews"),
    "assessments": ("Bedömningarna av indikatorerna", "The assessments of the indicators"),
    "conditions": ("Villkoren per kommun", "The conditions by municipality"),
    "case_statistics": ("Ärendestatistiken", "The case statistics"),
    "documents": ("Dokumenten", "The documents"),
    "published_claims": ("Källrapportens räknade påståenden", "The source report's counted claims"),
    "coded_segments": ("Kodade intervjuutdrag", "Coded interview excerpts"),
}


def table_name(table: str, language: str) -> str:
    """A kind of data for a reader (``"Intervjuerna"``), never its file name."""
    names = TABLE_NAMES.get(table)
    return _t(language, *names) if names else table


def count_cell(numerator: str, denominator: str | None, unknown: int, language: str) -> str:
    """The count column of the list of findings: ``"7/8"``, ``"2/5 (okänt: 1)"``."""
    text = numerator if denominator is None else f"{numerator}/{denominator}"
    if unknown:
        text += _t(language, f" (okänt: {unknown})", f" (unknown: {unknown})")
    return text


def basis_cell(basis_label: str, allocation_reconstructed: bool, language: str) -> str:
    if not allocation_reconstructed:
        return basis_label
    return basis_label + _t(
        language, "; fördelningen på kommuner rekonstruerad", "; allocation to municipalities reconstructed"
    )


# --------------------------------------------------------------------------- summary


def summary_overview(parts: list[str], language: str) -> str:
    """The summary's first paragraph: what was evaluated, from the study's own findings (whole sentences)."""
    return " ".join(p for p in parts if p)


def summary_in_brief(language: str) -> str:
    """After a chapter reference: ``"Kapitel 2 i korthet:"``."""
    return _t(language, " i korthet:", " in brief:")


def summary_method(published: bool, language: str) -> str:
    """How the summary's counts are to be read (and, for a recomputed evaluation, what is left out)."""
    text = _t(
        language,
        "Rubrikerna i rapportens resultatkapitel säger vad som har kommit fram; varje antal är räknat ur "
        "studiens data, och där ett värde är okänt står det så.",
        "The headings of the report's findings chapters say what was found; every count is computed from "
        "the study's data, and where a value is not known the text says so.",
    )
    if published:
        text += " " + _t(
            language,
            "Där källrapporten inte anger vilken kommun ett värde hör till redovisas inget resultat om den "
            "enskilda kommunen.",
            "Where the source report does not say which municipality a value belongs to, no finding about "
            "that municipality is reported.",
        )
    return text


# --------------------------------------------------------------------------- introduction


def purpose(county: str | None, language: str) -> str:
    where = _t(language, f" i {county}", f" in {county}") if county else ""
    return _t(
        language,
        f"Utvärderingen gäller kommunernas kvinnofridssamordnare{where}: tjänster som ska samordna och utveckla "
        "kommunens arbete mot mäns våld mot kvinnor och våld i nära relationer. Den söker svar på fyra frågor:",
        f"The evaluation concerns the municipalities' coordinators against violence in close relationships{where}: "
        "posts meant to coordinate and develop the municipality's work against men's violence against women and "
        "violence in close relationships. It seeks answers to four questions:",
    )


def questions(language: str) -> list[str]:
    return [
        _t(
            language,
            "Höjer samordnarna kvaliteten i kommunernas arbete mot våld, och i så fall inom vilka områden?",
            "Do the coordinators raise the quality of the municipalities' work against violence, and if so in "
            "which areas?",
        ),
        _t(
            language,
            "Hur är samordnarfunktionen organiserad i kommunerna?",
            "How is the coordinator function organised in the municipalities?",
        ),
        _t(
            language,
            "Hur ser arbetet ut i kommuner som har ett familjefridsteam i stället för en samordnare?",
            "What does the work look like in municipalities that have a family-violence team instead of a coordinator?",
        ),
        _t(
            language,
            "Vilka villkor finns där samordnarfunktionen fungerar väl, och vilka där den fungerar dåligt?",
            "Which conditions are found where the coordinator function works well, and which where it works poorly?",
        ),
    ]


def source_report_intro(report: dict, language: str) -> tuple[str, str, str]:
    """Text before and after the source report's title (the title itself is set apart as a title)."""
    publisher = report.get("publisher")
    author = report.get("author")
    year = report.get("year")
    made = ""
    if author and publisher:
        made = _t(language, f", som {author} gjorde åt {publisher}", f", carried out by {author} for {publisher}")
    elif publisher:
        made = _t(language, f", utgiven av {publisher}", f", published by {publisher}")
    when = f" ({year})" if year else ""
    before = _t(language, "Rapporten bygger på utvärderingen ", "This report rests on the evaluation ")
    after = _t(
        language,
        f"{made}{when}, här kallad källrapporten. Varje uppgift i den utvärderingen har förts in som data, och allt som redovisas här "
        "är räknat ur dessa data.",
        f"{made}{when}, here called the source report. Every fact of that evaluation has been entered as data, and everything reported here is "
        "computed from those data.",
    )
    return before, report["title"], after


def claims_check(total: int, agreeing: int, language: str) -> str:
    """What the check of the source report's counted claims found."""
    if total == 0:
        return ""
    if agreeing == total:
        return _t(
            language,
            f"Alla {format_number(total, language)} räknade påståenden i källrapporten stämmer med det som "
            "räknas fram ur data.",
            f"All {format_number(total, language)} counted claims of the source report agree with what the data give.",
        )
    return _t(
        language,
        f"Av källrapportens {format_number(total, language)} räknade påståenden stämmer "
        f"{number_word(agreeing, language)} med det som räknas fram ur data.",
        f"Of the source report's {format_number(total, language)} counted claims, {number_word(agreeing, language)} "
        "agree with what the data give.",
    )


def quality_areas_intro(n_areas: int, language: str) -> tuple[str, str]:
    """Text before and after the cross-reference to the table of quality areas."""
    n = number_word(n_areas, language, neuter=True)
    return (
        _t(
            language,
            f"Samordnarnas betydelse för kvaliteten bedöms inom {n} områden, de kvalitetsområden som Socialstyrelsen "
            "använder när socialtjänstens arbete jämförs mellan kommuner. Varje område har indikatorer, till exempel "
            "att socialtjänsten frågar om våld på rutin. ",
            f"The coordinators' part in the quality of the work is assessed in {n} areas, the quality areas the "
            "National Board of Health and Welfare uses to compare social services between municipalities. Each "
            "area has indicators, for example that social services ask about violence as a routine. ",
        ),
        _t(language, " beskriver områdena.", " describes the areas."),
    )


def interviews_sentence(total: int, groups: list[tuple[int, str]], language: str) -> str:
    """``"Underlaget är 36 intervjuer: sex med …, tio med … och sju med …."``"""
    parts = [
        _t(language, f"{number_word(n, language)} med {g}", f"{number_word(n, language)} with {g}") for n, g in groups
    ]
    head = _t(
        language,
        f"Underlaget är {number_word(total, language)} intervjuer",
        f"The evidence is {number_word(total, language)} interviews",
    )
    return head + (": " + join_words(parts, language) if parts else "") + "."


def modes_sentence(modes: list[tuple[int, str]], language: str) -> str:
    if not modes:
        return ""
    parts = [f"{number_word(n, language)} {mode}" for n, mode in modes]
    return _t(language, "Intervjuerna gjordes ", "The interviews were held ") + join_words(parts, language) + "."


def mode_phrase(mode: str, language: str) -> str:
    phrases = {
        "telephone": ("per telefon", "by telephone"),
        "in_person": ("på plats", "in person"),
        "video": ("via video", "by video"),
        "written": ("skriftligt", "in writing"),
    }
    return _t(language, *phrases[mode]) if mode in phrases else ""


def documents_sentence(n: int, types: list[str], language: str) -> str:
    if n == 0:
        return ""
    kinds = f" ({join_words(types[:4], language)})" if types else ""
    return _t(
        language,
        f"Studien förtecknar också {number_word(n, language, neuter=True)} dokument från kommunerna och "
        f"samordnarna{kinds}.",
        f"The study also lists {number_word(n, language)} documents from the municipalities and the coordinators{kinds}.",
    )


def case_statistics_sentence(n_municipalities: int, first: int, last: int, language: str) -> str:
    if n_municipalities == 0:
        return ""
    who = count_phrase(n_municipalities, "municipalities", language)
    return _t(
        language,
        f"För {who} finns ärendestatistik per år, från {first} till {last}.",
        f"For {who} there are yearly case statistics, from {first} to {last}.",
    )


def see_appendix(language: str) -> str:
    return _t(language, "Datainsamlingen beskrivs i ", "The data collection is described in ")


def method_paragraphs(language: str) -> list[str]:
    return [
        _t(
            language,
            "Resultaten bygger på bedömningar av indikatorer. För varje indikator har utvärderarna utifrån "
            "intervjuerna och dokumenten bedömt om den uppfylls – ja, delvis eller nej – i varje kommun med "
            "samordnare, hos varje samordnare eller i varje intervju med en extern samverkanspart. Ett resultat "
            "räknar hur många som har svaret ja bland alla som indikatorn gäller.",
            "The findings rest on assessments of indicators. For each indicator the evaluators judged from the "
            "interviews and documents whether it is met – yes, partly or no – in each municipality with a "
            "coordinator, for each coordinator, or in each interview with an external partner. A finding counts "
            "how many have the answer yes among all the indicator applies to.",
        ),
        _t(
            language,
            "Där underlaget inte räcker för en bedömning är värdet okänt. Ett okänt värde räknas aldrig som nej; "
            "texten säger i stället för hur många värdet är okänt.",
            "Where the evidence does not allow an assessment, the value is unknown. An unknown value is never "
            "counted as no; the text says instead for how many the value is not known.",
        ),
    ]


def agreement_sentence(coders: int, alpha_text: str, disagreements: int, language: str) -> str:
    """Two or more coders: how well they agreed (Krippendorff's alpha) and what happens where they differ."""
    return _t(
        language,
        f"{capitalise(number_word(coders, language))} kodare bedömde samma indikatorer oberoende av varandra. "
        f"Deras överensstämmelse mätt med Krippendorffs alfa är {alpha_text} (1 betyder full överensstämmelse). "
        "Där de var oeniga används det lägre värdet, så en oenighet höjer aldrig ett antal.",
        f"{capitalise(number_word(coders, language))} coders assessed the same indicators independently. Their "
        f"agreement measured by Krippendorff's alpha is {alpha_text} (1 means full agreement). Where they "
        "disagreed, the lower value is used, so a disagreement never raises a count.",
    )


def basis_intro(language: str) -> tuple[str, str]:
    return (
        _t(
            language,
            "Varje uppgift har en grund: den står i en publicerad källa, den är insamlad i utvärderingen, den är "
            "utvärderarens bedömning, eller den är rekonstruerad. ",
            "Every value has a basis: it is stated in a published source, collected in the evaluation, the "
            "evaluator's judgement, or reconstructed. ",
        ),
        _t(language, " beskriver grunderna.", " describes the bases."),
    )


def reconstruction_paragraph(language: str) -> str:
    return _t(
        language,
        "Källrapporten anger oftast bara hur många kommuner något gäller, inte vilka. Vilken kommun ett värde hör "
        "till har då rekonstruerats, så att alla källans antal stämmer samtidigt. Ett antal som källan anger "
        "redovisas som resultat även när fördelningen på kommuner är rekonstruerad, men aldrig knutet till den "
        "kommun som rekonstruktionen pekar ut. Ett värde som självt är rekonstruerat redovisas inte som resultat.",
        "The source report mostly says how many municipalities something applies to, not which. Which "
        "municipality a value belongs to has then been reconstructed, so that all the source's counts hold at "
        "once. A count the source states is reported as a finding even when its allocation to municipalities is "
        "reconstructed, but never tied to the municipality the reconstruction points to. A value that is itself "
        "reconstructed is not reported as a finding.",
    )


def reading_paragraphs(language: str) -> tuple[str, str, tuple[str, str]]:
    """The reading guide: message headings, counts, and (around a cross-reference) the list of findings."""
    return (
        _t(
            language,
            "Rubrikerna i resultatkapitlen säger vad resultaten visar. Ett antal som ”sju av åtta kommuner med "
            "kvinnofridssamordnare” räknar de kommuner där något gäller bland alla som det kan gälla.",
            "The headings of the findings chapters say what the findings show. A count such as “seven of eight "
            "municipalities with a coordinator” counts the municipalities where something applies among all it can "
            "apply to.",
        ),
        _t(
            language,
            "Utvärderarens egna tolkningar står i inramade rutor med rubriken ”Utvärderarens bedömning”. Den övriga "
            "texten är framräknad ur studiens data och säger inte mer än underlaget bär: ett samband mellan två "
            "förhållanden beskrivs som ett samband, inte som en orsak.",
            "The evaluator's own interpretations stand in framed boxes headed “The evaluator's assessment”. The rest "
            "of the text is computed from the study's data and says no more than the evidence carries: an "
            "association between two things is described as an association, not as a cause.",
        ),
        (
            _t(
                language,
                "Alla resultat, med antal, grund och källa, finns i ",
                "Every finding, with its count, basis and source, is in ",
            ),
            _t(language, ".", "."),
        ),
    )


# --------------------------------------------------------------------------- findings chapters


def withheld(n: int, language: str) -> tuple[str, str]:
    """Findings that rest on reconstructed values: text around the cross-reference to the list of findings."""
    if language == "sv":
        amount = "Ett resultat" if n == 1 else f"{capitalise(number_word(n, language, neuter=True))} resultat"
        return f"{amount} här vilar på rekonstruerade värden och finns därför bara i förteckningen i ", "."
    amount = "One finding" if n == 1 else f"{capitalise(number_word(n, language))} findings"
    verb = "rests" if n == 1 else "rest"
    return (
        f"{amount} here {verb} on reconstructed values and {'is' if n == 1 else 'are'} therefore only listed in ",
        ".",
    )


def per_municipality_withheld(language: str) -> str:
    return _t(
        language,
        "Källan anger inte vilken kommun som har vilket värde; därför visas inga värden per kommun.",
        "The source does not say which municipality has which value, so no values per municipality are shown.",
    )


def organisation_intro(language: str) -> str:
    return _t(
        language,
        "Kapitlet beskriver hur kommunerna har organiserat samordnarfunktionen: hur många tjänster det finns, hur "
        "stora de är, var i organisationen samordnarna sitter, vad tjänsten kombineras med och vilken roll "
        "samordnarna har.",
        "The chapter describes how the municipalities have organised the coordinator function: how many posts "
        "there are, how large they are, where in the organisation the coordinators sit, what the post is combined "
        "with and what role the coordinators have.",
    )


def time_split_intro(language: str) -> tuple[str, str]:
    return (
        _t(
            language,
            "Enkäten frågade hur samordnarna fördelar sin tjänst; ",
            "The survey asked how the coordinators split their post; ",
        ),
        _t(language, " visar svaren.", " shows the answers."),
    )


def quality_intro(n_indicators: int, language: str) -> str:
    return _t(
        language,
        f"Kvaliteten bedöms med {number_word(n_indicators, language)} indikatorer fördelade på de sex "
        "kvalitetsområdena. Avsnitten nedan tar ett område i taget; rubriken säger det tydligaste resultatet inom "
        "området, och listan under den de övriga.",
        f"Quality is assessed with {number_word(n_indicators, language)} indicators across the six quality areas. "
        "The sections below take one area at a time; the heading states the clearest finding in the area, and the "
        "list under it the others.",
    )


def heatmap_intro(partly: str, language: str) -> tuple[str, str]:
    return (
        "",
        _t(
            language,
            f" visar för varje kommun hur stor del av indikatorerna inom varje område som uppfylls (ja räknas som 1, "
            f"delvis som {partly} och nej som 0; okända värden räknas inte).",
            f" shows for each municipality how large a share of the indicators in each area is met (yes counts as 1, "
            f"partly as {partly} and no as 0; unknown values are left out).",
        ),
    )


def by_group_intro(language: str) -> tuple[str, str]:
    return (
        "",
        _t(
            language,
            " jämför samma andelar mellan kommuner där samordnarfunktionen fungerar väl, där den fungerar dåligt och "
            "kommuner med familjefridsteam. Skillnaderna beskriver de här kommunerna; de visar inte vad som orsakar dem.",
            " compares the same shares between municipalities where the coordinator function works well, where it "
            "works poorly, and municipalities with a family-violence team. The differences describe these "
            "municipalities; they do not show what causes them.",
        ),
    )


def area_definition(label_text: str, definition: str) -> tuple[str, str]:
    return f"{label_text}. ", definition


def no_findings(language: str) -> str:
    return _t(
        language,
        "Inga resultat inom området kan räknas ur studiens data.",
        "No finding in this area can be computed from the study's data.",
    )


def team_intro(language: str) -> str:
    return _t(
        language,
        "Några kommuner har inte en samordnare utan ett familjefridsteam som tar hand om våldsärendena. Jämförelsen "
        "med kommunerna med samordnare beskriver skillnader; den visar inte vad de beror på.",
        "Some municipalities have no coordinator but a family-violence team that handles the violence cases. The "
        "comparison with the municipalities with a coordinator describes differences; it does not show what they "
        "are due to.",
    )


def series_heading(
    measure: str, subject: str | None, first: tuple[str, str], last: tuple[str, str], language: str
) -> str:
    """``"Antalet aktualiserade våldsärenden i en kommun ökade från 96 år 2016 till 138 år 2018"``.

    ``subject`` is None when which municipality the series belongs to is a reconstruction.
    ``first`` and ``last`` are (year, value as text).
    """
    where = (
        _t(language, f" i {subject}", f" in {subject}")
        if subject
        else _t(language, " i en av kommunerna", " in one of the municipalities")
    )
    (y0, v0), (y1, v1) = first, last
    try:
        change = float(v1.replace(",", ".").replace("\u00a0", "")) - float(v0.replace(",", ".").replace("\u00a0", ""))
    except ValueError:
        change = 0.0
    measure_text = measure[:1].lower() + measure[1:]
    if change > 0:
        verb = _t(language, "ökade", "rose")
    elif change < 0:
        verb = _t(language, "minskade", "fell")
    else:
        verb = _t(language, "var detsamma", "was the same")
    if change == 0:
        return _t(
            language,
            f"Antalet {measure_text}{where} {verb} år {y1} som år {y0}: {v1}",
            f"The number of {measure_text}{where} {verb} in {y1} as in {y0}: {v1}",
        )
    return _t(
        language,
        f"Antalet {measure_text}{where} {verb} från {v0} år {y0} till {v1} år {y1}",
        f"The number of {measure_text}{where} {verb} from {v0} in {y0} to {v1} in {y1}",
    )


def cases_intro(language: str) -> str:
    return _t(
        language,
        "Ärendestatistiken visar hur många ärenden av olika slag kommunerna har haft per år, före och efter att "
        "samordnaren började. Den visar hur antalen har utvecklats, inte vad samordnaren har betytt för dem: antalet "
        "ärenden kan ändras av mycket annat, till exempel av hur ärenden registreras.",
        "The case statistics show how many cases of different kinds the municipalities had per year, before and "
        "after the coordinator started. They show how the numbers developed, not what the coordinator meant for "
        "them: the number of cases can change for many other reasons, for example how cases are recorded.",
    )


def before_after_intro(language: str) -> tuple[str, str]:
    return (
        "",
        _t(
            language,
            " jämför medelvärdet per år före och efter starten; startåret räknas inte till någon av perioderna.",
            " compares the yearly mean before and after the start; the start year counts for neither period.",
        ),
    )


def series_allocation_note(language: str) -> str:
    return _t(
        language,
        "Källan anger talen men inte vilken kommun de gäller; därför namnges ingen kommun här.",
        "The source gives the numbers but not which municipality they belong to, so no municipality is named here.",
    )


def conditions_intro(n_success: int, n_failure: int, language: str) -> str:
    return _t(
        language,
        f"Kapitlet jämför kommuner där samordnarfunktionen fungerar väl med kommuner där den fungerar dåligt. Det "
        f"ser på {number_word(n_success + n_failure, language, neuter=True)} villkor: "
        f"{number_word(n_success, language, neuter=True)} möjliga framgångsfaktorer och "
        f"{number_word(n_failure, language)} möjliga förklaringar till svårigheter. Ett villkor som gäller oftare där "
        "funktionen fungerar väl hänger ihop med ett bättre utfall, men jämförelsen visar inte att villkoret är "
        "orsaken.",
        f"The chapter compares municipalities where the coordinator function works well with municipalities where "
        f"it works poorly. It looks at {number_word(n_success + n_failure, language)} conditions: "
        f"{number_word(n_success, language)} possible success factors and {number_word(n_failure, language)} "
        "possible explanations of difficulties. A condition that holds more often where the function works well goes "
        "with a better outcome, but the comparison does not show that the condition is the cause.",
    )


def association(holds_well: tuple[int, int, int], holds_poorly: tuple[int, int, int], language: str) -> str:
    """Where a condition holds among the well and the poorly functioning municipalities ((holds, of, unknown) each).

    ``"Villkoret gäller i tre av fyra kommuner där samordnarfunktionen fungerar väl och i en av två kommuner där
    den fungerar dåligt."`` An association, never a cause.
    """

    def part(counts, state_sv, state_en):
        n, d, unknown = counts
        if d == 0:
            return ""
        noun = _t(language, f"kommuner där {state_sv}", f"municipalities where {state_en}")
        phrase = count_phrase(n, "municipalities", language, denominator=d, population_label=noun)
        clause = unknown_clause(unknown, "municipalities", language)
        return _t(language, "i ", "in ") + phrase + (f" ({clause})" if clause else "")

    well = part(holds_well, "samordnarfunktionen fungerar väl", "the coordinator function works well")
    poorly = part(
        holds_poorly,
        "den fungerar dåligt" if holds_well[1] else "samordnarfunktionen fungerar dåligt",
        "it works poorly" if holds_well[1] else "the coordinator function works poorly",
    )
    parts = [p for p in (well, poorly) if p]
    if not parts:
        return ""
    return _t(language, "Villkoret gäller ", "The condition holds ") + join_words(parts, language) + "."


def condition_reconstructed(language: str) -> str:
    return _t(
        language,
        "Källan anger inte fullt ut i vilka kommuner villkoret gäller. Hur det fördelar sig på kommuner där "
        "samordnarfunktionen fungerar väl och dåligt är därför rekonstruerat och redovisas inte som resultat.",
        "The source does not say fully in which municipalities the condition holds. How it divides between "
        "municipalities where the coordinator function works well and poorly is therefore reconstructed and not "
        "reported as a finding.",
    )


def conditions_reconstructed(language: str) -> str:
    """Said once, when no condition's spread over the municipalities is given by the source."""
    return _t(
        language,
        "Källan anger inte fullt ut i vilka kommuner villkoren gäller eller vilka kommuner som fungerar väl. Hur "
        "villkoren fördelar sig på kommuner där samordnarfunktionen fungerar väl och dåligt är därför rekonstruerat "
        "och redovisas inte som resultat; ett antal som källan anger redovisas.",
        "The source does not say fully in which municipalities the conditions hold or which municipalities work "
        "well. How the conditions divide between municipalities where the coordinator function works well and "
        "poorly is therefore reconstructed and not reported as a finding; a count the source states is reported.",
    )


def combinations_intro(language: str) -> str:
    return _t(
        language,
        "Villkoren har också jämförts i kombination, med en kvalitativ jämförande analys (QCA). Den söker de "
        "kombinationer av villkor som finns i alla kommuner med samma utfall. Nedan visas den enklaste "
        "beskrivningen, som också bygger på antaganden om kombinationer som ingen kommun har. Med så få kommuner "
        "beskriver resultatet just de här kommunerna; det är ingen regel för andra och inget belägg för orsaker.",
        "The conditions were also compared in combination, with a qualitative comparative analysis (QCA). It looks "
        "for the combinations of conditions found in all municipalities with the same outcome. Shown below is the "
        "simplest description, which also rests on assumptions about combinations no municipality has. With so few "
        "municipalities, the result describes these municipalities; it is no rule for others and no evidence of causes.",
    )


def no_solution(outcome_well: bool, language: str) -> str:
    if outcome_well:
        return _t(
            language,
            "Ingen kombination av framgångsfaktorerna skiljer ut kommunerna där funktionen fungerar väl.",
            "No combination of the success factors sets apart the municipalities where the function works well.",
        )
    return _t(
        language,
        "Ingen kombination av förklaringarna skiljer ut kommunerna där funktionen fungerar dåligt.",
        "No combination of the explanations sets apart the municipalities where the function works poorly.",
    )


def solution_robustness(verdict: str, language: str) -> str:
    """Whether a combination comes out in every allocation of the reconstructed values (a verdict, never a share)."""
    texts = {
        "every": (
            "Kombinationen vilar på rekonstruerade värden men kommer ut i alla fördelningar av dem som stämmer med källan.",
            "The combination rests on reconstructed values but comes out in every allocation of them that agrees "
            "with the source.",
        ),
        "some": (
            "Kombinationen vilar på rekonstruerade värden och kommer ut i vissa men inte alla fördelningar av dem som "
            "stämmer med källan; den är en illustration, inget resultat.",
            "The combination rests on reconstructed values and comes out in some but not all allocations of them "
            "that agree with the source; it is an illustration, not a finding.",
        ),
        "none": (
            "Kombinationen vilar på rekonstruerade värden och kommer inte ut i någon annan fördelning av dem som "
            "stämmer med källan; den är en illustration, inget resultat.",
            "The combination rests on reconstructed values and comes out in no other allocation of them that agrees "
            "with the source; it is an illustration, not a finding.",
        ),
        "unaddressed": (
            "Kombinationen vilar på värden som källan inte säger något om; den är en illustration, inget resultat.",
            "The combination rests on values the source does not address; it is an illustration, not a finding.",
        ),
    }
    return _t(language, *texts.get(verdict, texts["some"]))


# --------------------------------------------------------------------------- appendices


def data_collection_intro(language: str) -> str:
    return _t(
        language,
        "Bilagan beskriver underlaget: vilka som intervjuades, enkäten till samordnarna, dokumenten och "
        "ärendestatistiken.",
        "This appendix describes the evidence: who was interviewed, the survey to the coordinators, the documents "
        "and the case statistics.",
    )


def survey_sentence(respondents: str, language: str) -> tuple[str, str]:
    return (
        _t(
            language,
            f"Enkäten gick till samordnarna. {respondents} Frågorna finns i ",
            f"The survey went to the coordinators. {respondents} The questions are in ",
        ),
        ".",
    )


BASIS_EXPLANATIONS = {
    "stated": (
        "uppgiften står i en publicerad källa, som anges.",
        "the value is stated in a published source, which is named.",
    ),
    "observed": (
        "uppgiften är insamlad i utvärderingen: enkätsvar, intervjuförteckning, dokument eller statistik.",
        "the value was collected in the evaluation: survey answers, the list of interviews, documents or statistics.",
    ),
    "judgement": (
        "utvärderaren har bedömt värdet utifrån intervjuerna och dokumenten.",
        "the evaluator judged the value from the interviews and documents.",
    ),
    "reconstructed": (
        "källan lämnar värdet öppet, och ett antagande bestämmer det så att alla källans uppgifter stämmer samtidigt.",
        "the source leaves the value open, and an assumption fixes it so that all the source's facts hold at once.",
    ),
}


def basis_explanation(basis: str, language: str) -> str:
    return _t(language, *BASIS_EXPLANATIONS[basis])


def values_intro(language: str) -> str:
    return _t(
        language,
        "Varje uppgift i studien har en av fyra grunder, och ett resultat har den svagaste grunden bland de "
        "uppgifter det bygger på:",
        "Every value of the study has one of four bases, and a finding has the weakest basis among the values it "
        "rests on:",
    )


def provenance_intro(language: str) -> tuple[str, str]:
    return (
        "",
        _t(
            language,
            " visar hur många uppgifter av varje slag som har vilken grund.",
            " shows how many values of each kind have which basis.",
        ),
    )


def big_number(n: int, language: str) -> tuple:
    """A large count as running text: digits up to a million, else ``3,88 × 10`` with the exponent as a superscript."""
    from evalkit.publication.inline import Superscript

    if n < 1_000_000:
        return (format_number(n, language),)
    exponent = len(str(n)) - 1
    mantissa = n / 10**exponent
    return (f"{format_number(mantissa, language, 2)} × 10", Superscript(str(exponent)))


def robustness_paragraph(allocations: tuple, holding: int, total: int, language: str) -> tuple:
    """How many allocations agree with the source and how many findings hold in all of them (a Content)."""
    return (
        _t(language, "De rekonstruerade värdena kan fördelas på ", "The reconstructed values can be allocated in "),
        *allocations,
        _t(
            language,
            f" sätt som alla stämmer med källans uppgifter och med de villkor som följer av den. "
            f"{capitalise(number_word(holding, language, neuter=True))} av {number_word(total, language, neuter=True)} "
            "resultat gäller i alla dessa fördelningar.",
            f" ways that all agree with the source's facts and the rules that follow from it. "
            f"{capitalise(number_word(holding, language))} of {number_word(total, language)} findings hold in every "
            "one of these allocations.",
        ),
    )


def resting_intro(language: str) -> tuple[str, str]:
    return (
        "",
        _t(
            language,
            " visar de övriga: de som bara gäller i vissa fördelningar och de som vilar på värden som källan inte säger "
            "något om. Rapportens kapitel redovisar inget av dem som resultat; ett antal som källan anger står där utan "
            "den kommun som rekonstruktionen knyter det till.",
            " shows the others: those that hold only in some allocations and those that rest on values the source "
            "does not address. The report's chapters report none of them as a finding; a count the source states is "
            "given there without the municipality the reconstruction ties it to.",
        ),
    )


def survey_intro(language: str) -> str:
    return _t(
        language,
        "Enkäten till samordnarna hade de här frågorna:",
        "The survey to the coordinators had these questions:",
    )


def survey_answers_intro(language: str) -> str:
    return _t(
        language,
        "Svaren på enkätens frågor med fritext, i bokstavsordning och utan uppgift om vem som skrev vad:",
        "The answers to the survey's free-text questions, in alphabetical order and without saying who wrote what:",
    )


def survey_answers_lead(question: str, answered: int, language: str) -> str:
    return _t(
        language,
        f"{question} ({number_word(answered, language)} svarade)",
        f"{question} ({number_word(answered, language)} answered)",
    )


def findings_intro(reconstructed: bool, language: str) -> str:
    text = _t(
        language,
        "Förteckningen visar varje resultat som räknas fram ur studiens data, med antal, grund och källa. Ett antal "
        "skrivs som ”7/8”, sju av åtta; ”okänt: 1” betyder att värdet är okänt för en. Källorna anges med nummer; "
        "noterna står sist i rapporten.",
        "The list shows every finding computed from the study's data, with its count, basis and source. A count is "
        "written “7/8”, seven of eight; “unknown: 1” means the value is not known for one. Sources are given as "
        "numbers; the notes are at the end of the report.",
    )
    if reconstructed:
        text += _t(
            language,
            " Resultat vars grund är rekonstruerad redovisas bara här.",
            " Findings whose basis is reconstructed are listed only here.",
        )
    return text


def findings_for(language: str) -> tuple[str, str]:
    return _t(language, "Resultat som hör till ", "Findings belonging to "), "."


def findings_caption(chapter_title: str, language: str) -> str:
    return _t(language, f"Resultat: {chapter_title}", f"Findings: {chapter_title}")
