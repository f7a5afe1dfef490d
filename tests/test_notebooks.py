"""The chapter notebooks: in step with their text twins, parameterised, bilingual, checked by nbval."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from evalkit import paths
from evalkit.chapters import CHAPTERS, PARAMETER_NAMES
from evalkit.notebook import open_chapter
from evalkit.refresh import out_of_step

DEMO_STUDY = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def read(chapter):
    return nbformat.read(paths.NOTEBOOKS_DIR / chapter.notebook, as_version=4)


def test_every_notebook_matches_its_text_twin():
    assert out_of_step() == [], "run `python -m evalkit.refresh` after editing a notebook's .py twin"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_notebook_has_a_parameters_cell_with_every_parameter(chapter):
    cells = [c for c in read(chapter).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    for name in PARAMETER_NAMES:
        assert f"{name} =" in cells[0].source


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_every_prose_cell_exists_in_both_languages(chapter):
    tags = [
        next(t for t in c.metadata.get("tags", []) if t.startswith("lang-"))
        for c in read(chapter).cells
        if c.cell_type == "markdown"
    ]
    assert tags == ["lang-sv", "lang-en"] * (len(tags) // 2), "markdown cells come in sv/en pairs"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_stored_outputs_are_complete_and_error_free(chapter):
    code_cells = [
        c for c in read(chapter).cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    # A cell that only shows the study's commentary may be empty for a study without commentary there.
    commentary_only = lambda c: all(line.startswith("chapter.commentary(") for line in c.source.splitlines())  # noqa: E731
    assert code_cells and all(c.outputs or "import" in c.source or commentary_only(c) for c in code_cells)
    assert not any(o.get("output_type") == "error" for c in code_cells for o in c.outputs)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_notebooks_hold_no_loops_or_function_definitions(chapter):
    """Logic lives in evalkit; a notebook that grows a function or loop must move it to the package."""
    for cell in read(chapter).cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                assert not line.lstrip().startswith(("def ", "for ", "while ", "class ")), line


def test_session_writes_tables_and_figures_to_the_output_folder(tmp_path):
    from evalkit.analysis import organisation
    from evalkit.present import figures

    chapter = open_chapter("01_organisation", study=DEMO_STUDY, language="sv", output_dir=tmp_path)
    chapter.table(organisation.posts_by_coordinator(chapter.study), "posts")
    chapter.figure(figures.time_split_figure(organisation.time_split(chapter.study), chapter.study, "sv"), "split")
    saved = pd.read_csv(tmp_path / "tables" / "01_organisation__posts.csv")
    assert list(saved["coordinator_id"]) == sorted(chapter.study.tables["coordinators"]["coordinator_id"])
    assert (tmp_path / "figures" / "01_organisation__split.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert "Samordnare" in chapter.display_table(organisation.posts_by_coordinator(chapter.study)).index.name


def test_session_rejects_an_unknown_language():
    with pytest.raises(ValueError, match="language must be one of sv, en"):
        open_chapter("00_study", study=DEMO_STUDY, language="de")


@pytest.mark.slow
def test_nbval_detects_a_changed_output(tmp_path):
    """The notebook regression check can fail: tamper with one stored output and nbval must object."""
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "01_organisation.ipynb", as_version=4)
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
