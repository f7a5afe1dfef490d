"""`evalkit run --chapter … -p …`: chapter selection, notebook parameters, scratch report folders."""

from __future__ import annotations

import argparse
import re

import nbformat
import pytest
from test_faults import chapter_notebook
from test_runner import GOOD, make_study, run, tree_digests

from evalkit import paths
from evalkit.chapters import CHAPTERS, select_chapters
from evalkit.report.plan import SCRATCH_DIRNAME, RunError, make_plan
from evalkit.runner import configure_parser


def plan_for(chapter_specs, parameters, tmp_path):
    return make_plan(
        paths.DEFAULT_STUDY_DIR,
        ("sv",),
        tmp_path / "reports",
        select_chapters(chapter_specs) if chapter_specs else CHAPTERS,
        None,
        False,
        False,
        parameters=parameters,
    )


def test_chapters_are_selected_by_id_or_number_in_report_order():
    assert [c.id for c in select_chapters(["02"])] == ["02_quality_areas"]
    assert [c.id for c in select_chapters(["4,0", "2"])] == ["00_study", "02_quality_areas", "04_success_factors"]
    assert [c.id for c in select_chapters(["03_comparison"])] == ["03_comparison"]
    with pytest.raises(KeyError, match="no chapter '7'; known: 00_study, 01_organisation"):
        select_chapters(["7"])


def test_parameters_are_typed_from_the_notebooks_defaults_and_go_to_their_chapters(tmp_path):
    plan = plan_for(None, {"partly_score": "0", "consistency_cut": "0,8"}, tmp_path)
    assert plan.chapter_parameters == {
        "02_quality_areas": {"partly_score": 0.0},
        "03_comparison": {"partly_score": 0.0},
        "04_success_factors": {"consistency_cut": 0.8},
    }
    assert plan.scratch and plan.report_dir.parent == (tmp_path / "reports" / SCRATCH_DIRNAME)
    assert plan.report_dir.name.startswith("vastmanland-2019-")
    assert plan_for(["02"], {"partly_score": "0"}, tmp_path).report_dir != plan.report_dir


def test_unknown_or_mistyped_parameters_are_refused_with_the_known_ones(tmp_path):
    with pytest.raises(
        RunError,
        match=r"-p partly: unknown parameter; the selected chapters' parameters are: "
        r"partly_score \(02_quality_areas\)$",
    ):
        plan_for(["02"], {"partly": "0"}, tmp_path)
    with pytest.raises(
        RunError, match=r"-p partly_as: parameter 'partly_as' takes a int \(its default is 1\), not '0.5'"
    ):
        plan_for(["04"], {"partly_as": "0.5"}, tmp_path)
    with pytest.raises(RunError, match=r"-p language: set by evalkit run itself"):
        plan_for(["04"], {"language": "sv"}, tmp_path)
    with pytest.raises(RunError, match=r"partly_as \(04_success_factors\)"):
        plan_for(["02", "04"], {"cut": "1"}, tmp_path)


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("partly_score", "nan", "takes a finite number, not nan"),
        ("partly_score", "inf", "takes a finite number, not inf"),
        ("partly_score", "5", "must be between 0 and 1 (its default is 0.5), not 5.0"),
        ("partly_score", "-0.1", "must be between 0 and 1 (its default is 0.5), not -0.1"),
        ("consistency_cut", "1.5", "must be between 0 and 1 (its default is 1.0), not 1.5"),
        ("partly_as", "2", "must be one of 0, 1 (its default is 1), not 2"),
    ],
)
def test_parameters_outside_their_documented_range_are_refused(tmp_path, name, value, said):
    """N34, N47: -p partly_score nan / inf / 5 were accepted; the range is declared beside the parameter."""
    with pytest.raises(RunError, match=rf"-p {name}: parameter '{name}' {re.escape(said)}"):
        plan_for(None, {name: value}, tmp_path)


def test_parameters_inside_their_range_are_accepted_and_every_range_is_declared(tmp_path):
    plan = plan_for(None, {"partly_score": "1", "partly_as": "0", "consistency_cut": "0,75"}, tmp_path)
    assert plan.chapter_parameters["04_success_factors"] == {"consistency_cut": 0.75, "partly_as": 0}
    from evalkit.chapters import RUN_PARAMETERS, declared_parameters, parameter_ranges

    for chapter in CHAPTERS:
        own = set(declared_parameters(chapter.notebook_path())) - RUN_PARAMETERS
        assert own <= set(parameter_ranges(chapter.notebook_path())), f"{chapter.id}: a -p parameter without a range"


def test_cli_takes_chapters_and_parameters_papermill_style():
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    args = parser.parse_args(["--chapter", "02", "-c", "3", "-p", "partly_score", "0", "--language", "sv"])
    assert args.chapter == ["02", "3"] and args.parameter == [["partly_score", "0"]]


@pytest.mark.slow
def test_a_single_chapter_run_with_a_parameter_leaves_the_published_report_untouched(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    first = chapter_notebook(notebooks, "20_first", "print('first')")
    second = chapter_notebook(notebooks, "21_second", "print('weight', weight)")
    cell = nbformat.read(notebooks / "21_second.ipynb", as_version=4)
    cell.cells[0].source += "\nweight = 0.5  # how much it weighs"
    nbformat.write(cell, notebooks / "21_second.ipynb")
    study = make_study(tmp_path / "data" / "fixture-study")
    published = tmp_path / "reports" / "fixture-study"
    assert run(study, tmp_path, chapters=(first, second), notebooks_dir=notebooks).status == "ran"
    before = tree_digests(published)
    capsys.readouterr()

    result = run(study, tmp_path, chapters=(second,), notebooks_dir=notebooks, parameters={"weight": "0.25"})
    out = capsys.readouterr().out
    assert result.status == "ran", result.messages
    assert tree_digests(published) == before, "the published report is never touched by a scratch run"
    scratch = result.report_dir
    assert scratch.parent == tmp_path / "reports" / SCRATCH_DIRNAME
    assert f"Scratch report (the published report is not changed): {paths.display_path(scratch)}" in out
    executed = nbformat.read(scratch / "en" / "21_second.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"]["weight"] == 0.25
    assert any("weight 0.25" in o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert not (scratch / "en" / "20_first.ipynb").exists()
    # a fixture-chapter check of -p validation through the pipeline
    with pytest.raises(RunError, match="unknown parameter"):
        run(study, tmp_path, chapters=GOOD, parameters={"weight": "1"})
