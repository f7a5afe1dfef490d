"""No silent data loss while reading a study, and refused characters in its cells.

One probe of the reliability review per test (P-numbers in the test names'
docstrings). Each test copies a valid study, breaks one thing and checks the
exact line the evaluator reads, or that the study is no longer valid.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalkit import paths
from evalkit.cli import main
from evalkit.study import csvio, load_study, validate_study
from evalkit.study.validate import cells as cell_layer

FIXTURE = Path(__file__).parent / "fixtures" / "demo-county"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    target = tmp_path / "demo-county"
    shutil.copytree(FIXTURE, target)
    return target


@pytest.fixture
def default_study(tmp_path: Path) -> Path:
    target = tmp_path / "vastmanland-2019"
    shutil.copytree(paths.DEFAULT_STUDY_DIR, target)
    return target


def lines(study: Path, **kwargs) -> list[str]:
    return [problem.render() for problem in validate_study(study, **kwargs)]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (spreadsheet row, header = 1) of a simple CSV file with no quoted line breaks."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[row - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


# --------------------------------------------------------------------------- quotes (P10b, P10c, P10d)
def test_unclosed_quote_in_the_last_column_is_an_error(default_study):
    """P10c (repro unterminated_quote_silent_loss.sh): q5 must not vanish into q4's text."""
    edit(
        default_study / "codebook" / "survey_questions.csv",
        'drawbacks of that placement?"\n',
        "drawbacks of that placement?\n",
    )
    found = lines(default_study)
    assert found == [
        "codebook/survey_questions.csv, row 5, column text_en: the double quote that opens this cell on line 5 is "
        "never closed, so everything from there to the end of the file (line 6) is read as one cell. Add the "
        "missing closing double quote at the end of the cell's text on line 5 (a double quote inside a text is "
        'written twice: "").'
    ]


def test_unclosed_quote_in_vocabularies_swallowing_rows_is_an_error(default_study):
    """P10d: the closing quote of a last-column label removed; the rows up to the next quote vanish."""
    path = default_study / "codebook" / "vocabularies.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    target = next(n for n, line in enumerate(text) if line.endswith('"Former coordinator, now social worker"'))
    text[target] = text[target][:-1]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    found = [line for line in lines(default_study) if line.startswith("codebook/vocabularies.csv")]
    assert len(found) == 1
    assert found[0].startswith(
        f"codebook/vocabularies.csv, row {target + 1}, column label_en: the double quote that opens this cell on "
        f"line {target + 1} is closed only on line "
    )
    assert f"(from line {target + 2})" in found[0]


def test_quote_opened_mid_file_and_closed_much_later_is_named(study):
    """P10b: a quote opened in documents.csv row 2 swallows rows 3-5 into one cell."""
    path = study / "documents.csv"
    text = path.read_text(encoding="utf-8").split("\n")
    header = text[0].split(",")
    position = header.index("description")
    first, fifth = text[1].split(","), text[5].split(",")
    first[position] = '"' + first[position]
    fifth[position] = fifth[position] + '"'
    text[1], text[5] = ",".join(first), ",".join(fifth)
    path.write_text("\n".join(text), encoding="utf-8")
    found = lines(study)
    assert found[0] == (
        "documents.csv, row 2, column description: the double quote that opens this cell on line 2 is closed only "
        "on line 6, so lines that look like rows of their own (from line 3) are read into this one cell. Add the "
        "missing closing double quote at the end of the cell's text on line 2 (a double quote inside a text is "
        'written twice: "").'
    )
    assert not any("row has" in line for line in found if line.startswith("documents.csv, row 2,"))


def test_quote_never_closed_in_a_file_without_other_quotes(study):
    path = study / "documents.csv"
    text = path.read_text(encoding="utf-8").split("\n")
    cells = text[2].split(",")
    cells[4] = '"' + cells[4]
    text[2] = ",".join(cells)
    path.write_text("\n".join(text), encoding="utf-8")
    found = lines(study)
    assert found[0].startswith(
        "documents.csv, row 3, column description: the double quote that opens this cell on line 3 is never closed"
    )


def test_unclosed_quote_in_vocabularies_gives_no_cascade_in_other_files(default_study):
    """P10d: the codes of the swallowed rows are not reported as missing in every file that uses them."""
    path = default_study / "codebook" / "vocabularies.csv"
    edit(path, '"IFO, management level"\n', '"IFO, management level\n')
    found = lines(default_study)
    assert len(found) == 1
    assert found[0].startswith("codebook/vocabularies.csv, row 37, column label_en: the double quote that opens")


def test_a_stray_quote_inside_a_quoted_cell_is_named(default_study):
    """P10: a quote inside a quoted text, not written twice; csv would drop it and move text silently."""
    edit(
        default_study / "documents.csv",
        "\"see DATALOG.md, 'Documents'. The report",
        "\"see DATALOG.md, \"'Documents'. The report",
    )
    assert lines(default_study) == [
        "documents.csv, row 2, column assumption: the double quote that opens this cell on line 2 is closed in the "
        "middle of the cell, before ''Documents'. The report mentions the doc', so the cell is not read as written. "
        'Write each double quote inside the text twice (""), or add the missing closing double quote at the end of '
        "the cell's text on line 2."
    ]


def test_a_quote_opened_at_a_cell_and_closed_by_the_next_quoted_cell_is_named(default_study):
    """P10b: 'row has 8 cells' blamed a ',' although a closing quote is missing."""
    edit(default_study / "documents.csv", ",Handbook on", ',"Handbook on')
    found = lines(default_study)
    assert len(found) == 1
    assert found[0].startswith(
        "documents.csv, row 2, column description: the double quote that opens this cell on line 2 is closed in "
        "the middle of the cell, before 'Kap. 2, "
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a,"b ""c"" d",e\n', None),
        ('a,"b" ,e\n', None),
        ('a,"b"\r\n', None),
        ('a,b "c" d,e\n', None),
        ('a,"b\nc",d\n', None),
        ('a,"b"c,d\n', (1, 0, "c,d")),
        ('a,"x\ny"z\n', (1, 0, "z")),
        ('a;"b"c;d\n', None),
    ],
)
def test_quote_closed_early(text, expected):
    assert csvio.quote_closed_early(text, ",") == expected


def test_an_embedded_line_break_in_a_quoted_text_is_still_fine(study):
    """P11: a quoted description spanning two lines is valid."""
    path = study / "documents.csv"
    set_cell(path, 2, "description", "First line, with a comma.\nSecond line.")
    assert lines(study) == []
    assert "Second line." in load_study(study).tables["documents"]["description"].iloc[0]


def test_row_lines_are_recorded():
    table = csvio.parse_csv_text(Path("x.csv"), 'a,b\n1,"two\nlines"\n3,4\n')
    assert table.row_lines == [2, 4]
    assert table.quote_problems == ()


# --------------------------------------------------------------------------- long cells (P27)
def test_a_long_cell_up_to_the_limit_is_accepted(default_study):
    """P27 (repro field_limit_crash.sh): a 200,000-character description is accepted."""
    edit(default_study / "documents.csv", "Handbook on", "Handbook " + "x" * 200_000 + " on")
    assert lines(default_study) == []


def test_a_cell_over_the_limit_is_refused_with_a_message(study, capsys):
    path = study / "documents.csv"
    set_cell(path, 3, "description", "y" * (csvio.MAX_FIELD_CHARS + 10))
    found = lines(study)
    assert found == [
        "documents.csv, row 3: the file cannot be read: a cell in the row that begins on line 3 is longer than "
        f"{csvio.MAX_FIELD_CHARS:,} characters (line 3). Nothing of this file was checked. Cells may hold at most "
        f"{csvio.MAX_FIELD_CHARS:,} characters. If the cell should be shorter, look for a double quote that opens "
        "a cell but is never closed; otherwise shorten the text."
    ]
    assert main(["validate", str(study)]) == 1
    assert "Traceback" not in capsys.readouterr().out


# --------------------------------------------------------------------------- ids and sums (P22b, P20b, P06)
def test_ids_that_differ_only_in_case_are_duplicates(default_study):
    """P22b: I05 and i05 must not count as two interviews."""
    path = default_study / "interviews.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.split("\n") if line.startswith("I05,"))
    path.write_text(text.rstrip("\n") + "\n" + "i05" + row[3:] + "\n", encoding="utf-8")
    found = lines(default_study)
    assert len(found) == 1
    assert found[0].startswith("interviews.csv, row 38, column interview_id: duplicate key: interview_id 'i05'")
    assert "only in upper and lower case" in found[0]


def test_a_time_split_with_a_blank_part_may_not_exceed_100(study):
    """P20b: 90 + 35 + 5 + (empty) is 130 % of a post."""
    path = study / "survey_responses.csv"
    set_cell(path, 2, "q3_strategic_pct", "90")
    set_cell(path, 2, "q3_individual_pct", "35")
    set_cell(path, 2, "q3_direct_client_pct", "5")
    set_cell(path, 2, "q3_other_pct", "")
    found = [line for line in lines(study) if "Q3" in line]
    assert found == [
        "survey_responses.csv, row 2: the known parts of the time split in Q3 already add up to 130 percent "
        "(90 + 35 + 5 + (empty)), more than 100. Expected q3_strategic_pct, q3_individual_pct, "
        "q3_direct_client_pct and q3_other_pct to add up to at most 100 even when some are not known; correct them."
    ]


def test_a_table_with_only_its_header_is_named_once(default_study):
    """P06: coordinators.csv emptied of rows gives one line about it, not a hundred about other files."""
    path = default_study / "coordinators.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    found = lines(default_study)
    assert found == [
        "coordinators.csv: the table has no rows (only the header), but 34 cells in other files refer to its ids "
        "(8 in coordinator_municipalities.csv, 6 in survey_responses.csv, 6 in interviews.csv, 14 in "
        "documents.csv). Fill in the rows of coordinators.csv, or check whether they were deleted by mistake."
    ]


def test_a_municipalities_table_with_only_its_header_is_named_once(default_study):
    """P06: the same for municipalities.csv (255 lines before)."""
    path = default_study / "municipalities.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    found = lines(default_study)
    assert len(found) == 1 and found[0].startswith("municipalities.csv: the table has no rows (only the header)")


# --------------------------------------------------------------------------- characters (P13, P13b, P57, P15c)
@pytest.mark.parametrize(
    ("char", "code"),
    [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\u202e", "U+202E"), ("\x0b", "U+000B"), ("\x85", "U+0085")],
)
def test_control_and_bidi_characters_in_free_text_are_refused(study, char, code):
    """P13b, P57: NUL, ESC, VT, C1 and RLO in a free-text cell."""
    set_cell(study / "documents.csv", 3, "description", f"A plan{char} for 2017")
    found = lines(study)
    assert len(found) == 1
    assert found[0].startswith(
        f"documents.csv, row 3, column description: the cell contains the invisible character {code}"
    )
    assert "at position 7" in found[0]
    assert char not in found[0]


def test_nul_inside_a_code_is_named(study):
    """P13: the message no longer looks self-contradictory ('strategic' is not an allowed code)."""
    set_cell(study / "coordinators.csv", 2, "role", "strat\x00egic")
    found = [line for line in lines(study) if "column role" in line]
    assert any("U+0000 NUL at position 6" in line for line in found)
    assert all("strat\\x00egic" in line for line in found if "value" in line)


def test_mojibake_is_flagged(study):
    """P15c: UTF-8 read as Windows-1252 and saved again."""
    set_cell(study / "municipalities.csv", 2, "county", "VÃ¤stmanlands lÃ¤n")
    found = lines(study)
    assert found == [
        "municipalities.csv, row 2, column county: the text looks garbled by a wrong character encoding: 'Ã¤' is "
        "how 'ä' looks when UTF-8 is read as Windows-1252; the cell probably means 'Västmanlands län'. Correct the "
        "text (the file was probably opened with the wrong encoding and saved again); open UTF-8 files with "
        "'Data' > 'From Text/CSV' and the encoding 65001: Unicode (UTF-8)."
    ]


def test_swedish_text_is_not_mistaken_for_mojibake(study):
    set_cell(study / "documents.csv", 3, "description", "Årsrapport för Västerås, Köping och Kungsör – “plan” » ÄÖÅ é")
    assert lines(study) == []


# --------------------------------------------------------------------------- files (P32b, P34)
def test_deeply_nested_descriptor_gives_a_message(study):
    """P32b: 100,000 levels of nesting."""
    (study / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    found = lines(study)
    assert found[0].startswith("datapackage.json: the file nests lists or objects too deeply to be read")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, "an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "an old Excel workbook (.xls)"),
        ("municipality_id,name\n".encode("utf-16"), "UTF-16 text"),
    ],
)
def test_a_workbook_saved_as_csv_is_diagnosed_as_such(study, data, what):
    """P34: not 'probably an å, ä or ö saved in cp1252'."""
    (study / "municipalities.csv").write_bytes(data)
    found = [line for line in lines(study) if line.startswith("municipalities.csv")]
    assert found[0].startswith(f"municipalities.csv: the file is not a CSV text file: it is {what}")
    assert "cp1252" not in found[0]


# --------------------------------------------------------------------------- links and hidden files (P31, P55)
def test_a_table_linked_to_a_file_outside_the_study_is_not_read(default_study, tmp_path):
    """P31/P31b: validate followed the link and printed the first line of /etc/passwd as a column name."""
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (default_study / "municipalities.csv").unlink()
    (default_study / "municipalities.csv").symlink_to(outside)
    assert lines(default_study) == [
        f"municipalities.csv: the file is a symbolic link (to {outside}); evalkit reads only regular files inside "
        "the study folder, so that a report's manifest records every input. Replace the link by a copy of what it "
        "points to."
    ]


def test_a_linked_codebook_folder_is_one_problem(default_study, tmp_path):
    """P31c: validate said OK for a study that evalkit run refuses."""
    outside = tmp_path / "elsewhere"
    shutil.move(default_study / "codebook", outside)
    (default_study / "codebook").symlink_to(outside, target_is_directory=True)
    found = lines(default_study)
    assert found == [
        f"codebook: the folder is a symbolic link (to {outside}); evalkit reads only regular files inside the study "
        "folder, so that a report's manifest records every input. Replace the link by a copy of what it points to."
    ]
    assert main(["validate", str(default_study)]) == 1


def test_a_resource_in_a_hidden_file_is_a_problem(default_study):
    """P55 (repro stale_cache_hidden_input.sh): validate said OK for a study that evalkit run refuses."""
    shutil.move(default_study / "municipalities.csv", default_study / ".municipalities.csv")
    descriptor = json.loads((default_study / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "municipalities":
            resource["path"] = ".municipalities.csv"
    (default_study / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    assert lines(default_study) == [
        "datapackage.json: resource 'municipalities' is in the hidden file '.municipalities.csv'; hidden files are "
        "not recorded in a report's manifest, so evalkit run refuses them. Rename the file without the leading '.' "
        "and change its path in datapackage.json."
    ]


# --------------------------------------------------------------------------- many problems (P26b)
def test_problem_list_is_capped_and_says_so(study, monkeypatch):
    """P26b: the cap is announced, messages stay short, the cascade is cut."""
    monkeypatch.setattr(cell_layer, "MAX_CELL_ERRORS", 5)
    path = study / "documents.csv"
    rows = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    header = rows[0].split(",")
    bad = []
    for number in range(40):
        cells = [""] * len(header)
        cells[header.index("document_id")] = f"X{number}"
        cells[header.index("year")] = "not-a-year"
        cells[header.index("document_type")] = "mystery"
        cells[header.index("basis")] = "stated"
        cells[header.index("source")] = "s"
        bad.append(",".join(cells))
    path.write_text("\n".join(rows + bad) + "\n", encoding="utf-8")
    found = lines(study, use_cache=False)
    documents = [line for line in found if line.startswith("documents.csv")]
    assert documents[0].startswith("documents.csv: the table has more than 5 problems in its cells")
    assert len(documents) == 6
    assert max(len(line) for line in found) < 1000


def test_long_values_are_shortened_in_messages(study):
    set_cell(study / "coordinators.csv", 2, "role", "z" * 5000)
    found = [line for line in lines(study) if "column role" in line]
    assert found and all(len(line) < 400 for line in found)
    assert "(5,000 characters)" in found[0]


# --------------------------------------------------------------------------- the validation cache (P51d)
def test_a_tampered_cache_entry_is_not_trusted(study, tmp_path, monkeypatch):
    """P51d: an entry for an invalid table overwritten with '[]' must not make it valid."""
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    set_cell(study / "case_statistics.csv", 2, "value", "-25")
    first = lines(study)
    assert any("value '-25' is below the minimum 0" in line for line in first)
    entries = list((tmp_path / "cache" / "validation").glob("*.json"))
    assert entries
    for entry in entries:
        entry.write_text("[]", encoding="utf-8")
    assert lines(study) == first
    for entry in (tmp_path / "cache" / "validation").glob("*.json"):
        record = json.loads(entry.read_text(encoding="utf-8"))
        record["files"] = {}  # a hand edit that keeps the structure
        entry.write_text(json.dumps(record), encoding="utf-8")
    assert lines(study) == first
