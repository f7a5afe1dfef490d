"""Tests of ``evalkit audit``: re-execute from the manifest and compare cell by cell."""

from __future__ import annotations

import argparse
import json
import shutil

import nbformat
import pytest
from test_runner import FIXTURES, GOOD, make_study, run, stub_findings

from evalkit import paths
from evalkit.audit import AuditError, audit_report, cli_audit, compare_notebooks
from evalkit.report.artefacts import ReportArtefact
from evalkit.report.manifest import sha256_file


def test_compare_notebooks_names_the_cell():
    stored = nbformat.read(FIXTURES / "10_table.ipynb", as_version=4)
    fresh = nbformat.read(FIXTURES / "10_table.ipynb", as_version=4)
    stored.cells[4].outputs = [nbformat.v4.new_output("stream", name="stdout", text="total: 10\n")]
    fresh.cells[4].outputs = [nbformat.v4.new_output("stream", name="stdout", text="total: 12\n")]
    differences = compare_notebooks("10_table [en]", stored, fresh)
    assert [d.cell for d in differences] == [5]
    assert "-total: 10" in differences[0].describe() and "+total: 12" in differences[0].describe()


def test_memory_addresses_are_not_differences():
    stored = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    fresh = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    stored.cells[0].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "<obj at 0x7f00aa11>"})]
    fresh.cells[0].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "<obj at 0x7f99bb22>"})]
    assert compare_notebooks("k", stored, fresh) == []


def audit_fixture(report, **options):
    """Audit a report of the fixture chapters (the project's notebooks for them are the fixture notebooks)."""
    artefacts = [ReportArtefact("findings", "findings.csv", stub_findings)]
    return audit_report(report, chapters=GOOD, notebooks_dir=FIXTURES, artefacts=artefacts, **options)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    study = make_study(root / "data" / "fixture-study")
    assert run(study, root).status == "ran"
    return root, study, root / "reports" / "fixture-study"


@pytest.mark.slow
def test_fresh_report_has_no_differences(audited, capsys):
    _, _, report = audited
    result = audit_fixture(report)
    out = capsys.readouterr().out
    assert result.ok, out
    assert "No differences: all 2 chapters reproduce the stored outputs" in out
    assert not (report.parent / ".fixture-study.audit").exists()


@pytest.mark.slow
def test_changed_data_value_is_detected(audited, capsys):
    _, study, report = audited
    make_study(study, b_value=7)
    try:
        quick = audit_fixture(report)
        said = capsys.readouterr().out
        result = audit_fixture(report, full=True)
    finally:
        make_study(study, b_value=5)
    assert not quick.ok and "input changed: values.csv" in said
    assert "Nothing was re-executed: the verdict (differences) is already certain" in said
    out = capsys.readouterr().out
    assert not result.ok
    assert "input changed: values.csv" in out
    assert "10_table [en] cell 4: output differs" in out  # the table
    assert "10_table [en] cell 5: output differs" in out  # the printed total
    assert "+total: 12" in out
    assert "11_plot [en] cell 4: output differs" in out  # the figure


@pytest.mark.slow
def test_executed_notebooks_pass_nbval(audited, tmp_path):
    """The stored notebooks are nbval regression tests: parameters are relative to their folder."""
    import os
    import subprocess
    import sys

    from evalkit.report.execute import prepare_kernel_home

    _, _, report = audited
    env = {**os.environ, **prepare_kernel_home(tmp_path / "kernel")}
    notebooks = sorted(str(p) for p in (report / "en").glob("*.ipynb"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", *notebooks],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]


def copy_report(report, tmp_path):
    """A copy of the audited report at the same depth (so its relative study path still resolves)."""
    target = report.parent / f"copy-{tmp_path.name}"
    shutil.copytree(report, target)
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["study"]["path"] = "../../data/fixture-study"
    (target / "manifest.json").write_text(json.dumps(manifest, sort_keys=True, indent=2))
    return target


def rewrite_manifest(report, change):
    path = report / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest, sort_keys=True, indent=2))


@pytest.mark.slow
def test_audit_never_executes_a_notebook_named_by_the_report_folder(audited, tmp_path, capsys):
    """reviews/repro/audit_rce.sh (P54), first half: a crafted notebook in the report folder is never run."""
    _, _, report = audited
    crafted = copy_report(report, tmp_path)
    marker = tmp_path / "PWNED_nb"
    evil = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('x')")])
    evil.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(evil, crafted / "en" / "evil.ipynb")

    def point_at_evil(manifest):
        manifest["chapters"][1]["notebook"] = "en/evil.ipynb"
        manifest["chapters"][1]["sha256"] = sha256_file(crafted / "en" / "evil.ipynb")

    rewrite_manifest(crafted, point_at_evil)
    result = audit_fixture(crafted)
    out = capsys.readouterr().out
    assert not marker.exists(), "the audit executed a notebook supplied by the report folder"
    assert not result.ok
    assert "11_plot: the project's notebook" in out and "is not the one that made the report" in out
    assert "unexpected: en/evil.ipynb" in out
    assert "Nothing was re-executed" in out


@pytest.mark.slow
def test_audit_refuses_a_parameter_name_that_injects_code(audited, tmp_path, capsys):
    """reviews/repro/audit_rce.sh (P54), second half: parameter names are the notebook's own, never code."""
    _, _, report = audited
    crafted = copy_report(report, tmp_path)
    marker = tmp_path / "PWNED_param"
    name = f"x = 1\nopen({str(marker)!r}, 'w').write('x')\ny"

    rewrite_manifest(crafted, lambda manifest: manifest["parameters"]["en"].update({name: 1}))
    with pytest.raises(AuditError, match="does not match the manifest schema") as raised:
        audit_fixture(crafted)
    assert "parameters.en" in str(raised.value)
    # a well-formed name that is not a parameter of the notebooks is refused too, before any execution
    rewrite_manifest(crafted, lambda manifest: manifest["parameters"]["en"].pop(name))
    rewrite_manifest(crafted, lambda manifest: manifest["parameters"]["en"].update({"partly_score": 0}))
    result = audit_fixture(crafted)
    out = capsys.readouterr().out
    assert not marker.exists()
    assert not result.ok and "'partly_score' is not a parameter evalkit run sets" in out
    assert "Nothing was re-executed" in out


@pytest.mark.slow
def test_audit_names_every_tampered_output(audited, tmp_path, capsys):
    """reviews/repro/audit_misses_tampered_outputs.sh (P52): every published file is checked against its hash."""
    _, _, report = audited
    crafted = copy_report(report, tmp_path)
    findings = crafted / "findings.csv"
    findings.write_text(findings.read_text().replace("fixture.b,10_table,,5", "fixture.b,10_table,,50"))
    page = crafted / "en" / "report.html"
    page.write_text(page.read_text() + "<p>FIFTY</p>")
    (crafted / "en" / "values_copy.csv").unlink()
    (crafted / "en" / "extra.txt").write_text("not made by evalkit")
    result = audit_fixture(crafted)
    out = capsys.readouterr().out
    assert not result.ok
    assert result.tampered == [
        "changed: en/report.html",
        "changed: findings.csv",
        "missing: en/values_copy.csv",
        "unexpected: en/extra.txt",
    ]
    for line in result.tampered:
        assert f"output {line}" in out


def test_a_malformed_manifest_is_a_message_not_a_traceback(tmp_path, capsys):
    """P51c: a manifest.json that is not an object, or breaks the schema, stops the audit with exit 2."""
    report = tmp_path / "reports" / "x"
    report.mkdir(parents=True)
    for text, expected in [
        ("[]", "must hold a JSON object, not list"),
        ("{broken", "is not valid JSON"),
        ('{"format": 2}', "does not match the manifest schema"),
    ]:
        (report / "manifest.json").write_text(text)
        assert cli_audit(argparse.Namespace(report=report, jobs=1)) == 2
        captured = capsys.readouterr()
        assert expected in captured.err and "Traceback" not in captured.err + captured.out
    with pytest.raises(AuditError, match="'run_key' is a required property"):
        audit_report(report)


@pytest.mark.slow
def test_audit_says_what_changed_in_a_tampered_table_and_page(audited, tmp_path, capsys, monkeypatch):
    """Issue 19.4: the changed CSV cell (row, column, both values) and the changed page text, not only the name."""
    root, _, report = audited
    monkeypatch.setenv(paths.CACHE_ENV, str(root / "cache"))  # where the run stored the report as it was made
    crafted = copy_report(report, tmp_path)
    findings = crafted / "findings.csv"
    findings.write_text(findings.read_text().replace("fixture.b,10_table,,5", "fixture.b,10_table,,50"))
    page = crafted / "en" / "report.html"
    page.write_text(page.read_text().replace("</main>", "<p>FIFTY</p></main>"))
    result = audit_fixture(crafted)
    out = capsys.readouterr().out
    assert not result.ok
    assert "row 'fixture.b', column numerator: '5' → '50'" in out
    assert "+FIFTY" in out
    assert "Nothing was re-executed: the verdict (differences) is already certain" in out


@pytest.mark.slow
def test_the_audit_stops_at_the_first_chapter_that_differs_unless_asked_for_all(audited, tmp_path, capsys):
    """The verdict is known after the first differing chapter; --full re-executes the rest."""
    _, study, report = audited
    crafted = copy_report(report, tmp_path)
    make_study(study, b_value=7)  # the data differ, and the manifest is made to record them: only execution shows it
    try:
        manifest = json.loads((crafted / "manifest.json").read_text())
        manifest["study"]["files"]["values.csv"] = sha256_file(study / "values.csv")
        (crafted / "manifest.json").write_text(json.dumps(manifest))
        quick = audit_fixture(crafted, jobs=1)
        out = capsys.readouterr().out
        full = audit_fixture(crafted, jobs=1, full=True)
        everything = capsys.readouterr().out
    finally:
        make_study(study, b_value=5)
    assert not quick.ok
    assert "stopped at the first chapter that differs" in out
    assert "11_plot [en]" not in out, "the second chapter was not re-executed"
    assert not full.ok and "11_plot [en] cell 4: output differs" in everything
