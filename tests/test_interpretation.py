"""The evaluator's interpretation: files per language, slots, notes as sources, and what validate reports."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from studies import tiny_study
from test_seed_wording import seed_dir

from evalkit import paths
from evalkit.present.sources import REPORT_KINDS, note_text, parse_source
from evalkit.study import load_study, validate_study
from evalkit.study.interpretation import footnotes, interpretation, study_slots
from evalkit.study.validate import inspect_study, personal_data

DEMO = Path(__file__).parent / "fixtures" / "demo-county"
TEACHING = paths.DATA_DIR / "ovningslan-2025"
SEED = (seed_dir() or Path("/nonexistent")) / "002_4420f484edb8a307.txt"


@pytest.fixture(scope="module")
def default_study():
    return load_study(paths.DEFAULT_STUDY_DIR)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo-county"
    shutil.copytree(DEMO, target)
    (target / "publication").mkdir()
    return target


def write(study: Path, language: str, text: str) -> None:
    (study / "publication" / f"{language}.md").write_text(text, encoding="utf-8")


def problems(study: Path) -> list[str]:
    return [problem.render() for problem in validate_study(study)]


# --------------------------------------------------------------------------- the shipped texts
def test_the_default_study_interprets_every_quality_area_and_condition(default_study):
    sv, en = interpretation(default_study, "sv"), interpretation(default_study, "en")
    assert list(sv) == list(en)
    expected = [s for s in study_slots(default_study) if s != "foreword"]  # the seed's foreword is the governor's
    assert list(sv) == expected
    for slot, text in sv.items():
        assert footnotes(text)[0] == footnotes(en[slot])[0] and footnotes(text)[0], slot


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_note_of_the_default_study_cites_a_section_of_the_report(default_study, language):
    for slot, text in interpretation(default_study, language).items():
        references, definitions = footnotes(text)
        for label in references:
            cited = parse_source(definitions[label])
            assert cited and all(r.kind in REPORT_KINDS for r in cited), (slot, definitions[label])
            note = note_text(default_study, definitions[label], language)
            assert note.startswith("Källrapporten, " if language == "sv" else "Source report, "), note


@pytest.mark.skipif(not SEED.is_file(), reason="the seed report is not on this machine")
def test_every_cited_section_is_a_heading_of_the_source_report(default_study):
    headings = set(SEED.read_text(encoding="utf-8").splitlines())
    for text in interpretation(default_study, "sv").values():
        for note in footnotes(text)[1].values():
            for reference in parse_source(note):
                if reference.title:
                    assert reference.title in headings, reference.title


def test_the_teaching_county_has_an_invented_interpretation_with_a_foreword():
    study = load_study(TEACHING)
    sv, en = interpretation(study, "sv"), interpretation(study, "en")
    assert list(sv) == list(en) and list(sv)[:2] == ["foreword", "summary"]
    assert "påhittade" in sv["foreword"] and "invented" in en["foreword"]
    assert {"quality_area.knowledge_based", "condition.management_support", "conclusions"} <= set(sv)
    notes = [note_text(study, d, "en") for t in en.values() for d in footnotes(t)[1].values()]
    assert set(notes) == {
        "The evaluation's interviews.",
        "The survey of the coordinators.",
        "Documents collected by the evaluation.",
        "The municipalities' case statistics.",
    }
    assert {note_text(study, d, "sv") for t in sv.values() for d in footnotes(t)[1].values()} == {
        "Utvärderingens intervjuer.",
        "Enkäten till samordnarna.",
        "Dokument som utvärderingen har samlat in.",
        "Kommunernas ärendestatistik.",
    }


def test_a_study_without_files_has_no_interpretation():
    assert interpretation(tiny_study(), "sv") == {}
    assert interpretation(load_study(DEMO), "en") == {}
    with pytest.raises(ValueError, match="language"):
        interpretation(tiny_study(), "fi")


# --------------------------------------------------------------------------- validation
def test_slots_are_read_in_reading_order(demo):
    write(demo, "sv", "<!-- slot: conclusions -->\nSlut.\n\n<!-- slot: summary -->\nKort.\n")
    write(demo, "en", "<!-- slot: summary -->\nShort.\n\n<!-- slot: conclusions -->\nEnd.\n")
    assert problems(demo) == []
    study = load_study(demo)
    assert list(interpretation(study, "sv").items()) == [("summary", "Kort."), ("conclusions", "Slut.")]


def test_unknown_slots_are_named_with_what_exists(demo):
    write(demo, "sv", "<!-- slot: quality_area.nope -->\nA.\n\n<!-- slot: epilogue -->\nB.\n")
    write(demo, "en", "<!-- slot: quality_area.nope -->\nA.\n\n<!-- slot: epilogue -->\nB.\n")
    lines = problems(demo)
    assert (
        "publication/en.md, row 1: there is no slot 'quality_area.nope'. Use a quality area of "
        "codebook/quality_areas.csv: knowledge_based" in lines[0]
    )
    assert any("there is no slot 'epilogue'. Use one of: foreword, summary" in line for line in lines)
    assert len(lines) == 4


def test_a_slot_in_one_language_only_is_refused(demo):
    write(demo, "sv", "<!-- slot: summary -->\nKort.\n\n<!-- slot: condition.expert_team -->\nTeam.\n")
    write(demo, "en", "<!-- slot: summary -->\nShort.\n")
    assert problems(demo) == [
        "publication/sv.md: the slot(s) condition.expert_team have no en version, so the en edition would lack "
        "them. Write the same slots in publication/en.md."
    ]


def test_notes_must_match_their_references(demo):
    text = "<!-- slot: summary -->\nEtt påstående.[^1] Ett till.[^2]\n\n[^1]: Kap. 2, Något\n[^3]: intervjuer\n"
    write(demo, "sv", text)
    write(demo, "en", text.replace("Ett påstående.", "A claim.").replace("Ett till.", "Another."))
    lines = problems(demo)
    assert any("refers to the note [^2] but does not give its text" in line for line in lines)
    assert any("gives the note [^3] but nothing refers to it" in line for line in lines)
    assert len(lines) == 4


def test_text_outside_a_slot_and_stray_files(demo):
    write(demo, "sv", "Inledning utan plats.\n<!-- slot: summary -->\nKort.\n")
    write(demo, "en", "<!-- slot: summary -->\nShort.\n")
    (demo / "publication" / "notes.txt").write_text("x", encoding="utf-8")
    lines = problems(demo)
    assert lines == [
        "publication/notes.txt: the file is not an interpretation file. Name the evaluator's text sv.md (Swedish) or "
        "en.md (English); keep other files elsewhere.",
        "publication/sv.md, row 1: text before the first '<!-- slot: NAME -->' line belongs to no slot. Start every "
        "part with a line '<!-- slot: NAME -->'.",
    ]


def test_personal_data_in_the_interpretation_is_found(demo):
    write(demo, "sv", "<!-- slot: summary -->\nEnligt Anna Andersson fungerar det.\n")
    write(demo, "en", "<!-- slot: summary -->\nIt works.\n")
    found = personal_data(inspect_study(demo))
    assert [(hit.file, hit.row, hit.kind) for hit in found] == [("publication/sv.md", 2, "personal name")]


def test_the_shipped_interpretations_are_valid_and_hold_no_personal_data():
    for study in (paths.DEFAULT_STUDY_DIR, TEACHING):
        inspection = inspect_study(study)
        assert not [p for p in inspection.problems if p.file.startswith("publication/")]
        assert not [hit for hit in personal_data(inspection) if hit.file.startswith("publication/")]


def test_no_english_in_the_swedish_file_and_the_reverse(default_study):
    """A rough guard: frequent function words of the other language do not occur outside the notes."""
    swedish = re.compile(r"\b(och|att|det|som|inte|för)\b")
    english = re.compile(r"\b(the|and|that|which|not|with)\b")
    for language, other in (("sv", english), ("en", swedish)):
        for study in (default_study, load_study(TEACHING)):
            for slot, text in interpretation(study, language).items():
                body = re.sub(r"^\[\^[^\]]+\]:.*$", "", text, flags=re.M)
                assert not other.search(body), (study.name, language, slot, other.search(body).group())
