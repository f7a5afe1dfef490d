"""Issue 19, items 1–3: what the imports write is safe, and they change nothing they should not.

* one safe writer: text that begins like a formula is never a formula in a workbook evalkit writes
  (convert, new, survey import, qda import/confirm) and is neutralised in a study's CSV files;
* appending to a workbook leaves every other part byte for byte (formulas keep their saved values);
* imports are guarded like ``run``: personal data, invisible characters and formula-like text are
  refused with file, row and column (personal data and formulas allowed with --allow-personal-data);
* a read-only folder or a failing write is one line and leaves nothing half written;
* coded segments are checked: codings outside their text, duplicate GUIDs, unread sources.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import qda_projects as qp

from evalkit import paths
from evalkit.cli import main
from evalkit.qda import project as qda_project
from evalkit.study import writeset
from evalkit.study.storage import convert_study
from evalkit.study.validate import validate_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"
FORMULAS = ['=HYPERLINK("http://127.0.0.1:9/x","click")', "=cmd|' /C calc'!A0", "@SUM(A1)", "+1+cmd|x"]
LIVE_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>]")


def run_cli(capsys, *argv) -> tuple[int, str]:
    status = main(list(map(str, argv)))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def workbook_of(study: Path) -> Path:
    return next(study.glob("*.xlsx"))


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def live_formulas(path: Path) -> int:
    return sum(
        len(LIVE_FORMULA.findall(data)) for name, data in members(path).items() if name.startswith("xl/worksheets/")
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def survey_export(tmp_path: Path, changes: dict[tuple[int, str], str] | None = None) -> Path:
    """The demo county's survey answers as a web-survey export (question ids as headers)."""
    frame = pd.read_csv(DEMO / "survey_responses.csv", dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["basis", "source", "assumption", "reconstructed_fields"])
    for (row, column), value in (changes or {}).items():
        frame.loc[row, column] = value
    path = tmp_path / "svar.csv"
    frame.to_csv(path, index=False)
    return path


def emptied(study: Path, table: str) -> Path:
    """Remove every row of a table (CSV file or sheet), keeping the header."""
    csv = study / f"{table}.csv"
    if csv.exists():
        csv.write_text(csv.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        return study
    book = openpyxl.load_workbook(workbook_of(study))
    book[table].delete_rows(2, book[table].max_row)
    book.save(workbook_of(study))
    return study


def with_saved_formula(book_path: Path, sheet_member: str, ref: str, formula: str, saved: str) -> None:
    """Make one cell a formula with a saved value, as Excel writes it (openpyxl cannot)."""
    parts = members(book_path)
    xml = parts[sheet_member].decode("utf-8")
    cell = re.search(rf'<c r="{ref}"[^>]*>.*?</c>', xml)
    assert cell, ref
    replacement = f'<c r="{ref}" t="str"><f>{formula}</f><v>{saved}</v></c>'
    parts[sheet_member] = (xml[: cell.start()] + replacement + xml[cell.end() :]).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    book_path.write_bytes(buffer.getvalue())


def sheet_member(book_path: Path, sheet: str) -> str:
    from evalkit.study.xlsxparts import sheet_parts

    with zipfile.ZipFile(book_path) as archive:
        return sheet_parts(archive)[sheet]


# --------------------------------------------------------------------------- 19.1 one safe writer


def test_convert_and_new_write_formula_like_text_as_text(tmp_path):
    """N14: convert --to xlsx writes no live formula; the text reads back unchanged; CSV output is neutralised."""
    study = convert_study(DEMO, tmp_path / "csv", "csv")
    interviews = pd.read_csv(study / "interviews.csv", dtype=str, keep_default_na=False)
    interviews.loc[:3, "source"] = FORMULAS
    interviews.to_csv(study / "interviews.csv", index=False)
    book = convert_study(study, tmp_path / "book", "xlsx")
    assert live_formulas(workbook_of(book)) == 0
    sheet = openpyxl.load_workbook(workbook_of(book))["interviews"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("source") + 1)
    assert cell.value == FORMULAS[0] and cell.data_type == "s" and cell.quotePrefix
    assert validate_study(book, use_cache=False) == []  # the conversion did not change the data
    back = convert_study(book, tmp_path / "back", "csv")
    written = pd.read_csv(back / "interviews.csv", dtype=str, keep_default_na=False)
    assert list(written.loc[:3, "source"]) == ["'" + text for text in FORMULAS]  # neutralised in the CSV
    assert main(["new", str(tmp_path / "new"), "--excel", "--title", '=HYPERLINK("x")']) == 0
    assert live_formulas(tmp_path / "new" / "new.xlsx") == 0


def test_appending_to_a_workbook_keeps_every_other_part_and_saved_formula_values(tmp_path, capsys):
    """N36/N41: a confirm into a workbook whose interviews sheet holds formulas with saved values."""
    book = convert_study(DEMO, tmp_path / "book", "xlsx")
    path = workbook_of(book)
    interviews = sheet_member(path, "interviews")
    with_saved_formula(path, interviews, "I2", '"Intervjulogg "&amp;"2021"', "Intervjulogg 2021")
    assert validate_study(book, use_cache=False) == []
    before = members(path)
    review = tmp_path / "qda_review_x.csv"
    review.write_text(
        "indicator_id,subject_id,coder,proposed_value,interviews,accept\nkb_staff_knowledge,K01,coder9,yes,I05|I12,ja\n",
        encoding="utf-8",
    )
    status, out = run_cli(capsys, "qda", "confirm", review, "--study", book)
    assert status == 0 and "Added 1 assessments" in out, out
    after = members(path)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {sheet_member(path, "assessments")}, changed
    assert b"<v>Intervjulogg 2021</v>" in after[interviews]
    assert validate_study(book, use_cache=False) == []
    sheet = openpyxl.load_workbook(path)["assessments"]
    assert sheet.data_validations.dataValidation, "drop-down lists kept"
    assert sheet["A1"].comment is not None, "header comments kept"
    assert sheet.cell(row=sheet.max_row, column=1).value == "kb_staff_knowledge"


def test_survey_import_into_a_workbook_types_numbers_and_keeps_formula_text_as_text(tmp_path, capsys):
    """N43, 17.3: numbers as numbers; with --allow-personal-data a formula-like answer is a quote-prefixed text."""
    book = emptied(convert_study(DEMO, tmp_path / "book", "xlsx"), "survey_responses")
    export = survey_export(tmp_path, {(0, "q4_advantages"): FORMULAS[0], (1, "q4_advantages"): FORMULAS[1]})
    status, out = run_cli(capsys, "survey", "import", export, "--study", book)
    assert status == 1 and "begins like a spreadsheet formula" in out and "row 2, column" in out, out
    assert "=HYPE***" in out and "HYPERLINK(" not in out  # the value is masked
    status, out = run_cli(capsys, "survey", "import", export, "--study", book, "--allow-personal-data")
    assert status == 0, out
    assert live_formulas(workbook_of(book)) == 0
    sheet = openpyxl.load_workbook(workbook_of(book))["survey_responses"]
    header = [cell.value for cell in sheet[1]]
    share = sheet.cell(row=2, column=header.index("q2_share_of_post_pct") + 1)
    assert share.data_type == "n" and isinstance(share.value, (int, float))
    advantage = sheet.cell(row=2, column=header.index("q4_advantages") + 1)
    assert advantage.value == FORMULAS[0] and advantage.data_type == "s" and advantage.quotePrefix
    assert validate_study(book, use_cache=False) == []


def test_survey_import_into_a_csv_study_neutralises_formula_text(tmp_path, capsys):
    """N22: with --allow-personal-data, formula-like text reaches the CSV with a leading quote."""
    study = emptied(convert_study(DEMO, tmp_path / "study", "csv"), "survey_responses")
    export = survey_export(tmp_path, {(0, "q4_advantages"): FORMULAS[1]})
    status, out = run_cli(capsys, "survey", "import", export, "--study", study, "--allow-personal-data")
    assert status == 0, out
    written = pd.read_csv(study / "survey_responses.csv", dtype=str, keep_default_na=False)
    assert written.loc[0, "q4_advantages"] == "'" + FORMULAS[1]


# --------------------------------------------------------------------------- 19.2 imports guarded like run


@pytest.mark.parametrize(
    ("answer", "expected", "allowed"),
    [
        ("Ring Anna Svensson 070-123 45 67", "a personal name (Anna S***)", True),
        ("pnr 19800101-1234 i ärendet", "19800101-****", True),
        ("skriv till anna.svensson@kommun.se", "a***@kommun.se", True),
        ("rad\x1b[2J och mer", "U+001B ESCAPE", False),
        ("text \u202eevil", "U+202E", False),
    ],
)
def test_survey_import_refuses_what_run_refuses(tmp_path, capsys, answer, expected, allowed):
    """N20, N21: personal data and invisible characters are named with row and column; nothing is written."""
    study = emptied(convert_study(DEMO, tmp_path / "study", "csv"), "survey_responses")
    export = survey_export(tmp_path, {(2, "q5_achievement_1"): answer})
    before = tree(study)
    status, out = run_cli(capsys, "survey", "import", export, "--study", study)
    assert status == 1 and "nothing was written" in out and expected in out, out
    assert "svar.csv, row 4, column" in out and "q5_achievement_1" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert tree(study) == before
    status, out = run_cli(capsys, "survey", "import", export, "--study", study, "--allow-personal-data")
    assert (status == 0) == allowed, out
    if allowed:
        assert "written as allowed by --allow-personal-data" in out


def test_qda_import_guards_the_excerpts(tmp_path, capsys, monkeypatch):
    study = convert_study(DEMO, tmp_path / "study", "csv")
    named = "Jag vet nu vart jag ska skicka Anna Svensson."
    monkeypatch.setattr(qp, "TEXTS", qp.TEXTS | {"I12": qp.TEXTS["I12"].replace(qp.CODINGS[3][2], named)})
    monkeypatch.setattr(qp, "CODINGS", [c if c[0] != "I12" else (c[0], c[1], named, c[3]) for c in qp.CODINGS])
    project = qp.build(tmp_path / "p.qdpx", "qualcoder")
    mapping = tmp_path / "map.csv"
    mapping.write_text(qp.MAPPING, encoding="utf-8")
    before = tree(study)
    status, out = run_cli(capsys, "qda", "import", project, "--study", study, "--mapping", mapping)
    assert status == 1 and "a personal name (Anna S***)" in out and "p.qdpx, coding" in out, out
    assert tree(study) == before
    status, out = run_cli(
        capsys, "qda", "import", project, "--study", study, "--mapping", mapping, "--allow-personal-data"
    )
    assert status == 0, out


class FailingReplace:
    """``os.replace`` that fails on its n-th call (a full disk or a busy file in the middle of a commit)."""

    def __init__(self, fail_at: int):
        self.calls, self.fail_at, self.real = 0, fail_at, os.replace

    def __call__(self, source, target):
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real(source, target)


def test_a_failing_write_leaves_every_file_as_it_was(tmp_path, monkeypatch):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "a.csv").write_text("old a\n", encoding="utf-8")
    (folder / "b.csv").write_text("old b\n", encoding="utf-8")
    files = writeset.FileSet()
    files.stage(folder / "a.csv", b"new a\n")
    files.stage(folder / "b.csv", b"new b\n")
    files.stage(folder / "c.csv", b"new c\n")
    monkeypatch.setattr(writeset.os, "replace", FailingReplace(fail_at=3))
    with pytest.raises(writeset.WriteError, match="No space left on device; nothing in the study was changed"):
        files.commit()
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "b.csv"], "no temporary or backup file left"
    assert (folder / "a.csv").read_text() == "old a\n" and (folder / "b.csv").read_text() == "old b\n"


def test_a_read_only_study_is_one_line(tmp_path, capsys, monkeypatch):
    """N23: the first temporary file cannot be created: one line, exit 1, the study unchanged."""
    study = emptied(convert_study(DEMO, tmp_path / "study", "csv"), "survey_responses")
    export = survey_export(tmp_path)
    before = tree(study)
    real_open = os.open

    def read_only(path, flags, *args):
        if flags & os.O_CREAT and str(study) in str(path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(writeset.os, "open", read_only)
    status, out = run_cli(capsys, "survey", "import", export, "--study", study)
    assert status == 1 and "Traceback" not in out
    assert out.strip().splitlines()[-1].startswith("error: cannot write") and "Read-only file system" in out
    assert tree(study) == before


# --------------------------------------------------------------------------- 19.3 coded segments checked


def project_with(tmp_path: Path, change) -> Path:
    """A QualCoder project whose project.qde is changed by ``change(text) -> text``."""
    base = qp.build(tmp_path / "base.qdpx", "qualcoder")
    parts = members(base)
    parts["project.qde"] = change(parts["project.qde"].decode("utf-8")).encode("utf-8")
    path = tmp_path / "probe.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def import_cli(capsys, tmp_path, study, project) -> tuple[int, str]:
    mapping = tmp_path / "map.csv"
    mapping.write_text(qp.MAPPING, encoding="utf-8")
    return run_cli(capsys, "qda", "import", project, "--study", study, "--mapping", mapping)


def test_a_coding_outside_its_text_is_refused_and_named(tmp_path, capsys):
    """N25."""
    study = convert_study(DEMO, tmp_path / "study", "csv")

    def far_end(text: str) -> str:
        start = text.index('endPosition="') + len('endPosition="')
        return text[:start] + "999999999" + text[text.index('"', start) :]

    before = tree(study)
    status, out = import_cli(capsys, tmp_path, study, project_with(tmp_path, far_end))
    assert status == 1 and "1 coding lies outside the text of its source" in out, out
    assert "999999999" in out and "coding " in out and "'Kunskap/Ökad kunskap hos personalen'" in out
    assert tree(study) == before


@pytest.mark.parametrize("kind", ["code", "source"])
def test_duplicate_guids_are_a_deviation_and_refused(tmp_path, capsys, kind):
    """N31 (a code's GUID given to another code), N32 (a source's GUID given to another source)."""
    study = convert_study(DEMO, tmp_path / "study", "csv")
    first, second = (
        (qp.guid("more"), qp.guid("none"))
        if kind == "code"
        else (
            qp.guid("src-I05"),
            qp.guid("src-I12"),
        )
    )
    project = project_with(tmp_path, lambda text: text.replace(f'guid="{second}"', f'guid="{first}"'))
    inspected = qda_project.read_project(project)
    assert any(f"used by more than one {kind}" in line for line in inspected.deviations)
    status, out = import_cli(capsys, tmp_path, study, project)
    assert status == 1 and f"{kind}s: {first}" in out and "would merge them" in out, out
    assert not (study / "coded_segments.csv").exists()


def test_a_source_too_large_to_read_is_named(tmp_path, capsys, monkeypatch):
    """N42: the source is named with the reason; its codings come without excerpt."""
    study = convert_study(DEMO, tmp_path / "study", "csv")
    monkeypatch.setattr(qda_project, "MAX_SOURCE_BYTES", 100)
    status, out = import_cli(capsys, tmp_path, study, qp.build(tmp_path / "p.qdpx", "qualcoder"))
    assert status == 0, out
    assert re.search(r"the text of the source 'I05' was not read \(.*expands beyond.*\); its \d+ codings? w", out), out


def test_the_review_proposes_every_member_of_a_mapped_population(tmp_path, capsys):
    """17.2: partner interviews nobody coded get a row for each coder, so confirming completes the study."""
    study = convert_study(DEMO, tmp_path / "study", "csv")
    status, out = import_cli(capsys, tmp_path, study, qp.build(tmp_path / "p.qdpx", "qualcoder"))
    assert status == 0, out
    review = pd.read_csv(study / "qda_review_p.csv", dtype=str, keep_default_na=False)
    interviews = pd.read_csv(study / "interviews.csv", dtype=str, keep_default_na=False)
    everyone = set(interviews.loc[interviews["respondent_group"] == "external_partner", "interview_id"])
    partners = review[review["indicator_id"] == "ac_known_contact"]
    assert set(partners["subject_id"]) == everyone and len(everyone) > 2
    uncoded = partners[partners["subject_id"] != "I17"]
    assert set(uncoded["proposed_value"]) == {"unknown"}
    assert uncoded.groupby("subject_id")["coder"].apply(set).map(lambda c: c == {"coder1", "coder2"}).all()


def test_inspect_lists_duplicate_guids_as_schema_deviations(tmp_path, capsys):
    project = project_with(tmp_path, lambda t: t.replace(f'guid="{qp.guid("none")}"', f'guid="{qp.guid("more")}"'))
    status, out = run_cli(capsys, "qda", "inspect", project, "--json")
    assert status == 0
    assert any("used by more than one code" in line for line in json.loads(out)["deviations"])
