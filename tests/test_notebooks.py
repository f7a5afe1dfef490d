"""The chapter notebooks: generated in step with their bilingual sources, parameterised, checked by nbval."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from evalkit import paths
from evalkit.chapters import CHAPTERS, LANGUAGES, PARAMETER_NAMES, declared_parameters
from evalkit.notebook import open_chapter
from evalkit.refresh import language_notebook, out_of_step, reference_notebook, student_notebook, text_twin

DEMO_STUDY = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def read(chapter, language="en"):
    """The stored nbval reference of a chapter."""
    return nbformat.read(reference_notebook(chapter, language), as_version=4)


def source(chapter):
    """The bilingual jupytext source ``notebooks/<id>.py``."""
    import jupytext

    return jupytext.read(text_twin(chapter, paths.NOTEBOOKS_DIR))


def test_every_generated_notebook_matches_its_source():
    assert out_of_step() == [], "run `python -m evalkit.refresh` after editing a notebook's .py source"


def test_a_notebook_saved_in_jupyterlab_is_caught_and_never_the_reference(tmp_path):
    """A student notebook edited and saved is reported out of step; the nbval reference lives elsewhere."""
    import shutil

    notebooks, references = tmp_path / "notebooks", tmp_path / "references"
    chapter = CHAPTERS[2]
    shutil.copy(text_twin(chapter, paths.NOTEBOOKS_DIR), notebooks.mkdir() or notebooks)
    for language in LANGUAGES:
        for path in (student_notebook(chapter, language, notebooks), reference_notebook(chapter, language, references)):
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(language_notebook(text_twin(chapter, notebooks), language), path)
    assert out_of_step([chapter], notebooks, references) == []
    edited = nbformat.read(student_notebook(chapter, "sv", notebooks), as_version=4)
    parameters = next(c for c in edited.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source = parameters.source.replace("partly_score: float = 0.5", "partly_score: float = 0")
    nbformat.write(edited, student_notebook(chapter, "sv", notebooks))
    assert out_of_step([chapter], notebooks, references) == [
        f"{student_notebook(chapter, 'sv', notebooks)}: not in step with {chapter.id}.py"
    ]
    assert student_notebook(chapter, "sv") != reference_notebook(chapter, "sv")
    assert not reference_notebook(chapter, "sv").is_relative_to(paths.NOTEBOOKS_DIR)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_notebook_has_a_parameters_cell_with_every_parameter(chapter):
    cells = [c for c in source(chapter).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    declared = declared_parameters(text_twin(chapter, paths.NOTEBOOKS_DIR))
    assert set(PARAMETER_NAMES) <= set(declared)
    for language in LANGUAGES:
        assert declared_parameters(student_notebook(chapter, language))["language"] == language


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_papermill_lists_every_parameter_with_help_and_no_warning(chapter, caplog):
    """papermill --help-notebook reads the parameters cell; an '=' in a comment used to hide parameters."""
    from papermill.inspection import _infer_parameters
    from papermill.iorw import load_notebook_node

    nb = load_notebook_node(str(student_notebook(chapter, "sv")))
    with caplog.at_level("WARNING", logger="papermill"):
        inferred = _infer_parameters(nb)
    assert [p.name for p in inferred] == list(declared_parameters(student_notebook(chapter, "sv")))
    assert all(p.help and p.inferred_type_name != "None" for p in inferred), inferred
    assert not [r for r in caplog.records if "Unable to parse" in r.getMessage()]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_every_prose_cell_exists_in_both_languages(chapter):
    tags = [
        next(t for t in c.metadata.get("tags", []) if t.startswith("lang-"))
        for c in source(chapter).cells
        if c.cell_type == "markdown"
    ]
    assert tags == ["lang-sv", "lang-en"] * (len(tags) // 2), "markdown cells come in sv/en pairs"
    for language in LANGUAGES:
        student = nbformat.read(student_notebook(chapter, language), as_version=4)
        shown = {t for c in student.cells for t in c.metadata.get("tags", []) if t.startswith("lang-")}
        assert shown == {f"lang-{language}"}, "a student notebook shows one language"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_the_contents_name_a_chapter_by_its_own_heading(chapter, language):
    """The contents, chapter links and PDF bookmarks all show the same chapter title."""
    headings = [
        c.source.splitlines()[0]
        for c in source(chapter).cells
        if c.cell_type == "markdown" and f"lang-{language}" in c.metadata.get("tags", [])
    ]
    assert headings[0] == f"# {chapter.title(language)}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_stored_outputs_are_complete_and_error_free(chapter, language):
    code_cells = [
        c
        for c in read(chapter, language).cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    # A cell that only shows the study's commentary may be empty for a study without commentary there.
    commentary_only = lambda c: all(line.startswith("chapter.commentary(") for line in c.source.splitlines())  # noqa: E731
    assert code_cells and all(c.outputs or "import" in c.source or commentary_only(c) for c in code_cells)
    assert not any(o.get("output_type") == "error" for c in code_cells for o in c.outputs)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_notebooks_hold_no_loops_or_function_definitions(chapter):
    """Logic lives in evalkit; a notebook that grows a function or loop must move it to the package."""
    for cell in source(chapter).cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                assert not line.lstrip().startswith(("def ", "for ", "while ", "class ")), line


def test_session_writes_tables_and_figures_to_the_output_folder(tmp_path):
    from evalkit.analysis import organisation
    from evalkit.present import figures

    chapter = open_chapter("01_organisation", study=DEMO_STUDY, language="sv", output_dir=tmp_path)
    chapter.table(organisation.posts_by_coordinator(chapter.study), "posts_by_coordinator")
    chapter.figure(figures.time_split_figure(organisation.time_split(chapter.study), chapter.study, "sv"), "time_split")
    saved = pd.read_csv(tmp_path / "tables" / "01_organisation__posts_by_coordinator.csv")
    assert list(saved["coordinator_id"]) == sorted(chapter.study.tables["coordinators"]["coordinator_id"])
    assert (tmp_path / "figures" / "01_organisation__time_split.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert "Samordnare" in chapter.display_table(organisation.posts_by_coordinator(chapter.study)).index.name


def test_session_rejects_an_unknown_language():
    with pytest.raises(ValueError, match="language must be one of sv, en"):
        open_chapter("00_study", study=DEMO_STUDY, language="de")


@pytest.mark.slow
def test_nbval_detects_a_changed_output(tmp_path):
    """The notebook regression check can fail: tamper with one stored output and nbval must object."""
    nb = nbformat.read(reference_notebook(CHAPTERS[1], "en"), as_version=4)
    index, cell = next(
        (i, c)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and any("C1" in o.get("data", {}).get("text/plain", "") for o in c.outputs)
    )
    output = next(o for o in cell.outputs if "C1" in o.get("data", {}).get("text/plain", ""))
    output["data"]["text/plain"] = output["data"]["text/plain"].replace("C1", "C9", 1)
    tampered = tmp_path / "01_organisation.ipynb"
    nbformat.write(nb, tampered)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(tampered)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout[-2000:]
    assert f"Cell {index}" in run.stdout or "C9" in run.stdout
