"""Tests of ``evalkit audit``: re-execute from the manifest and compare cell by cell."""

from __future__ import annotations

import argparse

import nbformat
import pytest
from test_runner import FIXTURES, make_study, run

from evalkit.audit import audit_report, cli_audit, compare_notebooks


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


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    study = make_study(root / "data" / "fixture-study")
    assert run(study, root).status == "ran"
    return root, study, root / "reports" / "fixture-study"


@pytest.mark.slow
def test_fresh_report_has_no_differences(audited, capsys):
    _, _, report = audited
    result = audit_report(report)
    out = capsys.readouterr().out
    assert result.ok, out
    assert "No differences: all 2 chapters reproduce the stored outputs" in out
    assert not (report.parent / ".fixture-study.audit").exists()


@pytest.mark.slow
def test_changed_data_value_is_detected(audited, capsys):
    _, study, report = audited
    make_study(study, b_value=7)
    try:
        code = cli_audit(argparse.Namespace(report=report, jobs=2))
    finally:
        make_study(study, b_value=5)
    out = capsys.readouterr().out
    assert code == 1
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
