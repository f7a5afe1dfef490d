"""What kind of study a study is (descriptor), and the study's own commentary (folder ``commentary/``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalkit import paths
from evalkit.notebook import open_chapter
from evalkit.study import commentary, kind
from evalkit.study.validate import validate_study

FIXTURE = Path(__file__).parent / "fixtures" / "demo-county"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(FIXTURE, target)
    return target


def edit_descriptor(study: Path, **changes) -> None:
    path = study / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        key = key.replace("__", ":")
        if value is None:
            descriptor.pop(key, None)
        else:
            descriptor[key] = value
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


# Kind of study ------------------------------------------------------------------------------


def test_the_shipped_studies_declare_their_kind():
    default = json.loads((paths.DEFAULT_STUDY_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert kind.study_kind(default) == "published_evaluation"
    assert kind.source_report(default)["year"] == 2019
    demo = json.loads((FIXTURE / "datapackage.json").read_text(encoding="utf-8"))
    assert kind.study_kind(demo) == "fieldwork" and kind.source_report(demo) is None
    assert kind.primary_basis(default) == "stated" and kind.primary_basis(demo) == "observed"


def test_a_descriptor_without_a_kind_is_a_problem_that_says_how_to_fix_it(study):
    edit_descriptor(study, evalkit__kind=None)
    problems = validate_study(study, use_cache=False)
    assert len(problems) == 1
    text = problems[0].render()
    assert text.startswith("datapackage.json: ") and "'evalkit:kind' is missing" in text and '"fieldwork"' in text


def test_an_unknown_kind_is_named(study):
    edit_descriptor(study, evalkit__kind="survey")
    (problem,) = validate_study(study, use_cache=False)
    assert problem.value == "survey" and "published_evaluation, fieldwork" in problem.fix


def test_a_published_evaluation_must_name_its_report(study):
    edit_descriptor(study, evalkit__kind="published_evaluation")
    (problem,) = validate_study(study, use_cache=False)
    assert "source report" in problem.message
    edit_descriptor(study, evalkit__source_report={"title": "Demorapporten 2021"})
    assert validate_study(study, use_cache=False) == []


# Commentary ---------------------------------------------------------------------------------


def test_parse_commentary_splits_slots_and_reports_stray_text():
    slots, problems = commentary.parse_commentary(
        "stray line\n<!-- slot: limits -->\n- one\n- two\n\n<!--slot:exercises-->\n1. Do it.\n"
    )
    assert slots == {"limits": "- one\n- two", "exercises": "1. Do it."}
    assert problems == [(1, "text before the first '<!-- slot: NAME -->' line belongs to no slot.")]
    _, twice = commentary.parse_commentary("<!-- slot: a -->\nx\n<!-- slot: a -->\ny\n")
    assert twice == [(3, "the slot 'a' is given twice.")]


def test_every_notebook_shows_exactly_the_slots_its_chapter_declares():
    import re

    for chapter_id, slots in commentary.SLOTS.items():
        source = (paths.NOTEBOOKS_DIR / f"{chapter_id}.py").read_text(encoding="utf-8")
        used = re.findall(r'chapter\.commentary\("([a-z_]+)"\)', source)
        assert used == list(slots), chapter_id


def test_commentary_problems_name_file_line_and_fix(study):
    folder = study / "commentary"
    folder.mkdir()
    (folder / "01_organisation.sv.md").write_text(
        "<!-- slot: time_split -->\nText.\n<!-- slot: no_such_slot -->\nMore.\n", encoding="utf-8"
    )
    (folder / "notes.md").write_text("anything", encoding="utf-8")
    problems = [p.render() for p in validate_study(study, use_cache=False)]
    assert any(
        p.startswith("commentary/01_organisation.sv.md, row 3: the chapter 01_organisation has no slot 'no_such_slot'.")
        for p in problems
    ), problems
    assert any(p.startswith("commentary/notes.md: the file is not named after a chapter") for p in problems)
    assert any("have no en version" in p and "time_split" in p for p in problems)


def test_the_default_studys_commentary_is_valid_and_complete():
    assert commentary.commentary_problems(paths.DEFAULT_STUDY_DIR) == []
    assert commentary.read_commentary(paths.DEFAULT_STUDY_DIR, "01_organisation", "sv")["time_split"]


def test_a_study_shows_its_own_commentary_or_none(study, capsys):
    folder = study / "commentary"
    folder.mkdir()
    for language, text in (("sv", "Egen anteckning om tiden."), ("en", "Our own note on time.")):
        (folder / f"01_organisation.{language}.md").write_text(f"<!-- slot: time_split -->\n{text}\n", encoding="utf-8")
    chapter = open_chapter("01_organisation", study=study, language="en")
    chapter.commentary("time_split")
    chapter.commentary("limits")  # nothing for this slot: nothing shown
    assert capsys.readouterr().out.count("Our own note on time.") == 1
    with pytest.raises(ValueError, match="no commentary slot 'timesplit'"):
        chapter.commentary("timesplit")
    bare = open_chapter("01_organisation", study=FIXTURE, language="en")
    bare.commentary("time_split")
    assert capsys.readouterr().out == ""


def test_the_study_format_documents_every_slot():
    text = (paths.PROJECT_ROOT / "docs" / "study-format.md").read_text(encoding="utf-8")
    for chapter_id, slots in commentary.SLOTS.items():
        assert f"| `{chapter_id}` | {', '.join(slots)} |" in text, chapter_id
