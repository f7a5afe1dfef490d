"""Sources per language (evalkit.present.sources): parsed into references, written in the edition's language."""

from __future__ import annotations

import re

import pytest
from studies import tiny_study

from evalkit import paths
from evalkit.analysis.findings import findings_table
from evalkit.present.sources import (
    display_sources,
    finding_notes,
    note_text,
    parse_source,
    reference_text,
    source_report_citation,
)
from evalkit.present.tables import display_findings
from evalkit.study import load_study

TEACHING = paths.DATA_DIR / "ovningslan-2025"
#: Words that give a note away as written in the other language.
SWEDISH_WORDS = re.compile(
    r"\b(Kap\.|kapitel|[Bb]ilaga|[Kk]ällrapporten|[Ii]ntervju\w*|[Ee]nkät\w*|ärende\w*|beslut)\b"
)
ENGLISH_WORDS = re.compile(
    r"\b(Ch\.|[Cc]hapter|[Aa]ppendix|[Ss]ource report|[Ii]nterviews?|[Ss]urvey|[Dd]ocuments|the)\b"
)


@pytest.fixture(scope="module")
def default_study():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture(scope="module")
def teaching():
    return load_study(TEACHING)


# --------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Kap. 2, Samordnarna bidrar", [("chapter", "2", "Samordnarna bidrar", None)]),
        ("Kap. 2: Samordnarna bidrar", [("chapter", "2", "Samordnarna bidrar", None)]),
        ("Kapitel 3", [("chapter", "3", None, None)]),
        ("Kap. 2, Tabell 1", [("chapter", "2", None, "1")]),
        (
            "Bilaga 1, Datainsamling; Bilaga 2",
            [("appendix", "1", "Datainsamling", None), ("appendix", "2", None, None)],
        ),
        ("Sammanfattning", [("summary", None, None, None)]),
        ("Sammanfattning, Ingen patentlösning", [("summary", None, "Ingen patentlösning", None)]),
        ("Förord", [("foreword", None, None, None)]),
        ("Tabell 2", [("table", None, None, "2")]),
        ("Demorapport, kap. 3", [("chapter", "3", None, None)]),
    ],
)
def test_report_parts(cell, expected):
    assert [(r.kind, r.number, r.title, r.table) for r in parse_source(cell)] == expected


@pytest.mark.parametrize(
    "cell, kinds",
    [
        ("intervjuer IV01, IV05", [("interviews", ("IV01", "IV05"))]),
        ("Interviews I07", [("interviews", ("I07",))]),
        ("Intervjulogg 2021", [("interviews", ())]),
        ("enkät", [("survey", ())]),
        ("coordinator survey", [("survey", ())]),
        ("Enkät (C1)", [("survey", ("C1",))]),
        ("dokument DK02", [("documents", ("DK02",))]),
        ("Kommunens ärendestatistik", [("case_statistics", ())]),
        ("the municipality's case register", [("case_statistics", ())]),
        ("beslut om tjänsten", [("decisions", ())]),
        ("Kodning av intervjuer och dokument", [("interviews", ()), ("documents", ())]),
        ("enkät; intervjuer IV02", [("survey", ()), ("interviews", ("IV02",))]),
        ("del 3 lämnades obesvarad", [("other", ())]),
    ],
)
def test_fieldwork_parts(cell, kinds):
    assert [(r.kind, r.ids) for r in parse_source(cell)] == kinds


def test_ids_in_parentheses_go_with_their_kind_of_material(teaching):
    (interviews, documents) = parse_source("intervjuer IV04, IV10 (DK01, IV01)", teaching)
    assert (interviews.kind, interviews.ids) == ("interviews", ("IV04", "IV10", "IV01"))
    assert (documents.kind, documents.ids) == ("documents", ("DK01",))
    (chapter,) = parse_source("Kap. 2, Titel (I07, I17)")
    assert chapter.kind == "chapter" and chapter.ids == ("I07", "I17") and chapter.title == "Titel"
    assert parse_source(None) == () and parse_source("") == ()


# --------------------------------------------------------------------------- writing
def test_a_swedish_section_title_stays_a_quoted_title_in_english():
    (reference,) = parse_source('Kap. 2, Samordnarna kan bidra med "det lilla extra" för individen')
    assert reference_text(reference, "sv") == "kapitel 2, ”Samordnarna kan bidra med ’det lilla extra’ för individen”"
    assert reference_text(reference, "en") == "chapter 2, “Samordnarna kan bidra med ‘det lilla extra’ för individen”"
    assert display_sources(None, "Kap. 2, Tabell 1; Bilaga 1, Datainsamling", "en") == (
        "Ch. 2, table 1\nAppendix 1: “Datainsamling”"
    )
    assert display_sources(None, "Sammanfattning", "sv") == "Sammanfattningen"


def test_notes_name_the_part_in_the_editions_language():
    cell = "Kap. 4, Närhet till socialsekreterarna; Bilaga 1, Datainsamling"
    assert note_text(None, cell, "sv") == (
        "Källrapporten, kapitel 4, ”Närhet till socialsekreterarna”; bilaga 1, ”Datainsamling”."
    )
    assert note_text(None, cell, "en") == (
        "Source report, chapter 4, “Närhet till socialsekreterarna”; appendix 1, “Datainsamling”."
    )
    assert note_text(None, "intervjuer; enkät", "en") == (
        "The evaluation's interviews; the survey of the coordinators."
    )
    # An evaluator's own note (not a source cell) is kept as written.
    assert note_text(None, "Se också avsnittet om metod.", "sv") == "Se också avsnittet om metod."


def test_own_words_are_shown_only_in_the_studys_language():
    study = tiny_study(descriptor={"evalkit:kind": "fieldwork", "evalkit:language": "sv"})
    assert (
        display_sources(study, "Kommunens verksamhetsberättelse 2017", "sv") == "Kommunens verksamhetsberättelse 2017"
    )
    assert display_sources(study, "Kommunens verksamhetsberättelse 2017", "en") == "The evaluation's own material"
    english = tiny_study(descriptor={"evalkit:kind": "fieldwork", "evalkit:language": "en"})
    assert display_sources(english, "Annual report 2017", "sv") == "Utvärderingens eget underlag"


def test_the_source_report_is_named_once(default_study, teaching):
    citation = source_report_citation(default_study, "en")
    report = default_study.descriptor["evalkit:source_report"]
    assert citation.startswith("Source report: " + report["title"])
    assert "Länsstyrelsen i Västmanlands län, 2019." in citation and "Author: Analyskraft." in citation
    assert source_report_citation(default_study, "sv").startswith("Källrapporten: ")
    assert source_report_citation(teaching, "sv") is None
    _, texts = finding_notes(default_study, findings_table(default_study), "sv")
    assert not any(report["title"] in text for text in texts.values())


# --------------------------------------------------------------------------- findings
@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_section_is_one_note_however_many_findings_cite_it(default_study, language):
    findings = findings_table(default_study)
    by_finding, texts = finding_notes(default_study, findings, language)
    assert set(by_finding) == set(findings["finding_id"])
    assert all(by_finding[f] for f, s in zip(findings["finding_id"], findings["source"]) if isinstance(s, str))
    sections = {part.strip() for cell in findings["source"].dropna() for part in cell.split(";") if part.strip()}
    assert len(texts) == len(sections) < len(findings)
    cited = [key for keys in by_finding.values() for key in keys]
    assert set(cited) == set(texts) and len(cited) > len(texts)
    other = ENGLISH_WORDS if language == "sv" else SWEDISH_WORDS
    part_words = re.compile(
        r"^(Källrapporten|Source report), (kapitel|bilaga|sammanfattningen|chapter|appendix|the summary)"
    )
    for text in texts.values():
        head = text.split("”")[0].split("“")[0]  # the quoted section title is the report's own (Swedish)
        assert not other.search(head), text
        assert part_words.match(text), text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_fieldwork_notes_are_generated_in_the_editions_language(teaching, language):
    findings = findings_table(teaching)
    by_finding, texts = finding_notes(teaching, findings, language)
    assert set(texts) == {
        "source:interviews",
        "source:survey",
        "source:documents",
        "source:case_statistics",
        "source:decisions",
    }
    other = ENGLISH_WORDS if language == "sv" else SWEDISH_WORDS
    assert not [text for text in texts.values() if other.search(text)], texts
    assert not [text for text in texts.values() if re.search(r"\b(IV|DK|K)\d", text)], "no ids in the publication"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_analysis_findings_table_writes_sources_in_its_language(teaching, default_study, language):
    other = ENGLISH_WORDS if language == "sv" else SWEDISH_WORDS
    shown = display_findings(findings_table(teaching), teaching, language)
    sources = shown[shown.columns[3]]
    assert sources.str.len().gt(0).all()
    assert not [cell for cell in sources if other.search(cell)]
    assert sources.str.contains(r"IV\d\d").any(), "the analysis keeps the interview ids for audit"
    published = display_findings(findings_table(default_study), default_study, language)[shown.columns[3]]
    assert published.str.startswith("Kap. " if language == "sv" else ("Ch. ", "Appendix ", "The summary")).any()
    assert not published.str.contains("Kap. " if language == "en" else "Ch. ", regex=False).any()
