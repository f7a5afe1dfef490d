"""Safe output files: atomic writes, CSV that a spreadsheet cannot execute, one CSV writer."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from evalkit import paths
from evalkit.safeio import csv_ready, format_float, needs_neutralising, neutralise_cell, write_csv, write_text_atomic

PAYLOADS = [
    '=HYPERLINK("http://127.0.0.1:9/x","click")',
    "+1+2",
    "-3+4",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1",
    "\0x",
    "  =1+1",
    "\uff1dSUM(1)",
]


def read_back(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_cells_are_neutralised(payload):
    assert needs_neutralising(payload)
    assert neutralise_cell(payload) == "'" + payload


@pytest.mark.parametrize("number", ["-3", "+1", "-0.5", "2e-3", "-1,5", " -7 ", "12"])
def test_numbers_written_as_text_stay_numbers(number):
    assert neutralise_cell(number) == number


def test_ordinary_text_is_unchanged():
    for text in ["Kap. 2, Tabell 1", "a-b", "x=1", "e-post: a@b.se", "", "'quoted"]:
        assert neutralise_cell(text) == text


def test_write_csv_neutralises_every_formula_and_keeps_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "statement": PAYLOADS,
            "value": [-1.5, -2.0, 3.0, 0.1 + 0.2, -0.0, None, 7.25, -1e-20, 1e15, 2.0],
            "count": pd.array([-1, 2, None, 4, 5, 6, 7, 8, 9, 10], dtype="Int64"),
        }
    )
    target = tmp_path / "out.csv"
    write_csv(frame, target)
    rows = read_back(target)
    assert rows[0] == ["statement", "value", "count"]
    for row, payload in zip(rows[1:], PAYLOADS):
        assert row[0] == "'" + payload.replace("\r", "\n")  # a lone carriage return is written as a line break
    values = [row[1] for row in rows[1:]]
    assert values == ["-1.5", "-2.0", "3.0", "0.3", "0.0", "", "7.25", "-1e-20", "1000000000000000.0", "2.0"]
    assert [row[2] for row in rows[1:]] == ["-1", "2", "", "4", "5", "6", "7", "8", "9", "10"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left behind


def test_write_csv_neutralises_object_columns_headers_and_index(tmp_path):
    frame = pd.DataFrame({"=bad": ["=1", 5, -2.5]}, index=pd.Index(["@a", "b", "-c"], name="key"))
    write_csv(frame, tmp_path / "t.csv", index=True)
    assert read_back(tmp_path / "t.csv") == [["key", "'=bad"], ["'@a", "'=1"], ["b", "5"], ["'-c", "-2.5"]]


def test_floats_do_not_depend_on_the_last_bits():
    # Two results that differ only in the last bit of the mantissa (as BLAS builds may give) print the same.
    import math

    value = 0.1 + 0.2
    neighbour = math.nextafter(value, 0.0)
    assert value != neighbour
    assert format_float(value) == format_float(neighbour)
    assert format_float(-0.0) == format_float(0.0) == "0.0"
    assert format_float(float("nan")) == ""


def test_csv_ready_does_not_change_the_input():
    frame = pd.DataFrame({"a": ["=1"]})
    csv_ready(frame)
    assert frame.loc[0, "a"] == "=1"


def test_write_text_atomic_replaces_in_one_step_and_cleans_up_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "file.txt"
    write_text_atomic(target, "old")
    import os

    def failing_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_text_atomic(target, "new")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


CSV_WRITER = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|\bDictWriter\(|writerows?\(")


def test_no_csv_writer_outside_safeio():
    """Every CSV evalkit writes goes through evalkit.safeio.write_csv (formula-safe, atomic)."""
    offenders = []
    sources = list((paths.PACKAGE_DIR).rglob("*.py")) + list(paths.NOTEBOOKS_DIR.glob("*.py"))
    for source in sources:
        if source.name == "safeio.py":
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            if CSV_WRITER.search(line):
                offenders.append(f"{source.relative_to(paths.PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "write CSV with evalkit.safeio.write_csv:\n" + "\n".join(offenders)


def test_scanner_would_see_a_pandas_writer():
    assert CSV_WRITER.search("frame.to_csv(path, index=False)")
    assert CSV_WRITER.search("csv.writer(handle).writerow(x)")
    assert not CSV_WRITER.search("write_csv(frame, path)")


def test_findings_csv_of_a_study_with_formulas_is_safe(tmp_path):
    """The findings table, written the way `evalkit run` writes it, carries no live formula."""
    import shutil

    from evalkit.analysis.findings import findings_table
    from evalkit.report.artefacts import write_csv_atomic
    from evalkit.study import load_study

    study = tmp_path / "vastmanland-2019"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, study)
    rows = read_back(study / "interviews.csv")
    position = rows[0].index("source")
    for row in rows[1:]:
        row[position] = '=HYPERLINK("http://127.0.0.1:9/x","click")'
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (study / "interviews.csv").write_text(buffer.getvalue(), encoding="utf-8")
    target = tmp_path / "findings.csv"
    write_csv_atomic(findings_table(load_study(study)), target)  # as the findings artefact of a run
    cells = [cell for row in read_back(target) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not [
        cell for cell in cells if cell[:1] and cell[:1] in "=+@\t\r" or (cell[:1] == "-" and not _is_number(cell))
    ]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_new_folder_appears_whole_or_not_at_all(tmp_path):
    import pytest

    from evalkit.safeio import new_folder

    target = tmp_path / "study"
    with pytest.raises(RuntimeError), new_folder(target) as building:
        (building / "half.csv").write_text("a\n", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert not target.exists() and list(tmp_path.iterdir()) == []  # nothing half-written, no temporary left
    target.mkdir()  # an empty folder may be filled
    with new_folder(target) as building:
        (building / "whole.csv").write_text("a\n", encoding="utf-8")
    assert [p.name for p in target.iterdir()] == ["whole.csv"] and len(list(tmp_path.iterdir())) == 1
