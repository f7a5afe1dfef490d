"""Tests of ``evalkit run``: fixture notebooks executed into tmp_path (papermill style)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evalkit import chapters as chapters_module
from evalkit import paths
from evalkit.chapters import CHAPTERS, Chapter
from evalkit.report import execute, html
from evalkit.report.artefacts import ReportArtefact
from evalkit.report.manifest import sha256_file
from evalkit.report.pipeline import CACHE_MESSAGE, RunError, run_study
from evalkit.report.plan import check_inputs, parse_languages
from evalkit.report.products import LANGUAGE_PRODUCTS
from evalkit.runner import configure_parser

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
GOOD = (Chapter("10_table", "Tabell", "Table"), Chapter("11_plot", "Figur", "Figure"))
FAILING = GOOD + (Chapter("12_fail", "Fel", "Failure"),)
FINDINGS_COLUMNS = [
    "finding_id",
    "chapter",
    "quality_area",
    "numerator",
    "denominator",
    "unit",
    "statement_sv",
    "statement_en",
    "source",
    "basis",
]


def stub_findings(context) -> pd.DataFrame:
    """A stand-in for evalkit.analysis.findings: one row per fixture value (computed, not invented)."""
    values = pd.read_csv(Path(context.study_dir) / "values.csv")
    return pd.DataFrame(
        {
            "finding_id": [f"fixture.{name}" for name in values["name"]],
            "chapter": "10_table",
            "quality_area": "",
            "numerator": values["count"],
            "denominator": values["count"].sum(),
            "unit": "cases",
            "statement_sv": "",
            "statement_en": "",
            "source": "values.csv",
            "basis": "stated",
        }
    )[FINDINGS_COLUMNS]


def make_study(folder: Path, b_value: int = 5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "values.csv").write_text(f"name,count\na,3\nb,{b_value}\nc,2\n", encoding="utf-8")
    return folder


PINNED_SOURCE_DIGEST = "0" * 64


def run(study: Path, root: Path, chapters=GOOD, **kwargs):
    """Run the fixture chapters into ``root``.

    evalkit's own source digest is pinned: other work on the package while the
    tests run must not turn an expected cache hit into a re-run
    (test_source_digest_is_part_of_the_run_key covers the digest itself).
    """
    from unittest import mock

    options = dict(
        languages="en",
        pdf=False,
        chapters=chapters,
        notebooks_dir=FIXTURES,
        reports_root=root / "reports",
        cache_dir=root / "cache",
        artefacts=[ReportArtefact("findings", "findings.csv", stub_findings)],
        checks=(),
        # the fixture folders are not studies: no publication (a descriptor alone would ask for one)
        products=[p for p in LANGUAGE_PRODUCTS if p.name != "publication"],
    )
    options.update(kwargs)
    with mock.patch("evalkit.report.manifest.evalkit_source_digest", return_value=PINNED_SOURCE_DIGEST):
        return run_study(study, **options)


def tree_digests(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    study = make_study(root / "data" / "fixture-study")
    result = run(study, root)
    return root, study, result


# --------------------------------------------------------------------------- unit tests (fast)


def test_chapter_list_is_ordered_and_complete():
    assert [c.id for c in CHAPTERS] == [
        "00_study",
        "01_organisation",
        "02_quality_areas",
        "03_comparison",
        "04_success_factors",
    ]
    for chapter in CHAPTERS:
        assert chapter.notebook == f"{chapter.id}.ipynb"
        assert chapter.title("sv") and chapter.title("en") and chapter.title("sv") != chapter.title("en")
    assert chapters_module.notebook_parameters("x", "sv") == {
        "study": "x",
        "language": "sv",
        "output_dir": ".",
        "reveal_names": False,
    }
    with pytest.raises(ValueError):
        chapters_module.notebook_parameters("x", "de")


def test_parse_languages():
    assert parse_languages(None) == ("sv", "en")
    assert parse_languages("en, sv") == ("en", "sv")
    with pytest.raises(RunError, match="de"):
        parse_languages("sv,de")


def test_cli_defaults():
    import argparse

    parser = argparse.ArgumentParser()
    configure_parser(parser)
    args = parser.parse_args([])
    assert (args.language, args.jobs, args.force, args.no_pdf, args.reveal_names) == ("sv,en", 2, False, False, False)
    args = parser.parse_args(["data/x", "--language", "sv", "-j", "3", "--force", "--no-pdf", "--reveal-names"])
    assert (str(args.study), args.language, args.jobs, args.force, args.no_pdf, args.reveal_names) == (
        "data/x",
        "sv",
        3,
        True,
        True,
        True,
    )


def test_report_folder_may_not_be_inside_the_study(tmp_path):
    study = make_study(tmp_path / "study")
    with pytest.raises(RunError, match="inside the study folder"):
        check_inputs(study, GOOD, FIXTURES, study / "reports" / "study")
    with pytest.raises(RunError, match="missing"):
        check_inputs(study, (Chapter("99_none", "a", "b"),), FIXTURES, tmp_path / "reports" / "study")


def test_normalise_notebook_strips_timing_and_fixes_ids():
    source = nbformat.read(FIXTURES / "10_table.ipynb", as_version=4)
    executed = nbformat.read(FIXTURES / "10_table.ipynb", as_version=4)
    injected = nbformat.v4.new_code_cell("study = 'x'", metadata={"tags": ["injected-parameters"]})
    executed.cells.insert(1, injected)
    executed.metadata["papermill"] = {
        "start_time": "2024-01-01",
        "duration": 1.0,
        "parameters": {"a": 1},
        "input_path": "/abs/in.ipynb",
    }
    executed.cells[2].metadata["papermill"] = {"duration": 0.1}
    executed.cells[2].metadata["execution"] = {"iopub.status.busy": "2024"}
    execute.normalise_notebook(executed, source)
    assert executed.metadata["papermill"] == {"parameters": {"a": 1}}
    assert executed.cells[1].id == "injected-parameters"
    assert [c.id for c in executed.cells if c.id != "injected-parameters"] == [c.id for c in source.cells]
    assert "papermill" not in executed.cells[2].metadata and "execution" not in executed.cells[2].metadata
    assert execute.source_cell_number(executed, 3) == 3


def test_html_id_normalisation():
    page = (
        '<h2 id="A">A<a class="anchor-link" href="#A">¶</a></h2><h2 id="A">A<a class="anchor-link" href="#A">¶</a></h2>'
    )
    assert html.dedupe_heading_ids(page).count('id="A-2"') == 1
    assert 'href="#A-2"' in html.dedupe_heading_ids(page)
    text = 'id="0b8e4f5e-3c1a-4b7e-9d2f-1a2b3c4d5e6f" ref="0b8e4f5e-3c1a-4b7e-9d2f-1a2b3c4d5e6f"'
    assert html.stable_random_ids(text) == 'id="evalkit-id-1" ref="evalkit-id-1"'


def test_source_digest_is_part_of_the_run_key(tmp_path):
    from unittest import mock

    from evalkit.report import manifest
    from evalkit.report.plan import make_plan

    study = make_study(tmp_path / "study")
    args = (study, ("en",), tmp_path / "reports", GOOD, FIXTURES, False, False)
    keys = set()
    for digest in ("a" * 64, "b" * 64):
        with mock.patch.object(manifest, "evalkit_source_digest", return_value=digest):
            keys.add(make_plan(*args).run_key)
    assert len(keys) == 2
    assert len(manifest.evalkit_source_digest()) == 64


def test_kernelspec_uses_this_interpreter(tmp_path):
    import sys

    env = execute.prepare_kernel_home(tmp_path)
    spec = json.loads((tmp_path / "jupyter" / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    assert env["JUPYTER_PATH"].split(":")[0] == str(tmp_path / "jupyter")


# --------------------------------------------------------------------------- executing fixtures (slow)


@pytest.mark.slow
def test_outputs_exist(first_run):
    root, study, result = first_run
    assert result.status == "ran", result.messages
    report = root / "reports" / "fixture-study"
    for name in ("10_table", "11_plot"):
        assert (report / "en" / f"{name}.ipynb").is_file()
        assert (report / "en" / f"{name}.html").is_file()
    assert (report / "en" / "report.html").is_file()
    assert (report / "en" / "values_copy.csv").is_file(), "the notebook's output_dir is the language folder"
    assert (report / "manifest.json").is_file()
    assert not (root / "reports" / ".fixture-study.partial").exists()
    findings = pd.read_csv(report / "findings.csv")
    assert list(findings.columns) == FINDINGS_COLUMNS and len(findings) == 3
    assert sorted(p.name for p in study.iterdir()) == ["values.csv"], "the study folder is never written"


@pytest.mark.slow
def test_executed_notebook_has_no_timing_and_relative_parameters(first_run):
    root, _, _ = first_run
    nb = nbformat.read(root / "reports" / "fixture-study" / "en" / "10_table.ipynb", as_version=4)
    text = json.dumps(nb)
    assert "start_time" not in text and "duration" not in text and "iopub" not in text
    assert nb.metadata["papermill"]["parameters"] == {
        "study": "../../../data/fixture-study",
        "language": "en",
        "output_dir": ".",
        "reveal_names": False,
    }
    assert str(root) not in text, "no absolute paths in executed notebooks"


@pytest.mark.slow
def test_manifest_content(first_run):
    root, study, _ = first_run
    path = root / "reports" / "fixture-study" / "manifest.json"
    text = path.read_text()
    manifest = json.loads(text)
    assert text == json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert manifest["study"]["files"] == {"values.csv": sha256_file(study / "values.csv")}
    assert manifest["study"]["path"] == "../../data/fixture-study"
    assert [c["id"] for c in manifest["chapters"]] == ["10_table", "11_plot"]
    assert manifest["chapters"][0]["sha256"] == sha256_file(FIXTURES / "10_table.ipynb")
    assert manifest["parameters"]["en"]["language"] == "en"
    assert {"papermill", "pandas", "nbconvert", "ipykernel"} <= set(manifest["packages"])
    assert set(manifest["git"]) == {"commit", "dirty"}
    assert manifest["evalkit_version"] and manifest["python_version"] and manifest["evalkit_source_sha256"]
    assert "en/10_table.ipynb" in manifest["outputs"]
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), "no timestamps"


@pytest.mark.slow
def test_unchanged_rerun_is_served_from_cache(first_run, capsys):
    root, study, _ = first_run
    capsys.readouterr()
    result = run(study, root)
    assert result.status == "cached"
    assert CACHE_MESSAGE in capsys.readouterr().out
    # a deleted report is restored from .evalkit-cache without executing anything
    report = root / "reports" / "fixture-study"
    before = tree_digests(report)
    shutil.rmtree(report)
    result = run(study, root)
    assert result.status == "cached" and tree_digests(report) == before


@pytest.mark.slow
def test_failing_chapter_keeps_previous_report(first_run, capsys):
    root, study, _ = first_run
    report = root / "reports" / "fixture-study"
    before = tree_digests(report)
    capsys.readouterr()
    result = run(study, root, chapters=FAILING)
    out = capsys.readouterr().out
    assert result.status == "failed" and not result.ok
    assert "12_fail [en] failed in cell 4" in out and "ValueError: fixture failure on purpose" in out
    assert "12_fail.ipynb" in out
    partial = report / "failed" / "en" / "12_fail.ipynb"
    assert partial.is_file()
    kept = nbformat.read(partial, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))
    after = {k: v for k, v in tree_digests(report).items() if not k.startswith("failed/")}
    assert after == before, "the previous complete report is untouched"
    assert not (root / "reports" / ".fixture-study.partial").exists()
    # the next good run serves the unchanged report and clears the stale failure
    assert run(study, root).status == "cached"
    assert not (report / "failed").exists()


def test_an_invalid_study_stops_the_run_before_any_notebook_with_every_problem(tmp_path):
    import shutil

    study = tmp_path / "data" / "broken-county"
    shutil.copytree(paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county", study)
    links = study / "coordinator_municipalities.csv"
    lines = links.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[2] = "abc"
    lines[1] = ",".join(cells)
    links.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RunError) as raised:
        run_study(study, languages="en", pdf=False, reports_root=tmp_path / "reports", cache_dir=tmp_path / "cache")
    message = str(raised.value)
    assert "is not valid (1 problem); nothing was run" in message
    assert "coordinator_municipalities.csv, row 2, column share_of_post_pct: value 'abc' is not a number" in message
    assert not (tmp_path / "reports" / "broken-county").exists()
