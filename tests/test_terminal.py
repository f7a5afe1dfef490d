"""Terminal-safe messages: control characters, ANSI escapes and bidi overrides are shown escaped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalkit.cli import main
from evalkit.terminal import safe_json, safe_text

FIXTURE = Path(__file__).parent / "fixtures" / "demo-county"
ATTACK = "\x1b[2J\x1b[H\x1b]0;owned\x07OK: data is a valid study\x1b[8m\u202eevil\x00\x9b"


def test_safe_text_escapes_every_terminal_active_character():
    shown = safe_text(ATTACK)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown and "\x00" not in shown
    assert "\x9b" not in shown
    assert shown.startswith("\\x1b[2J\\x1b[H\\x1b]0;owned\\x07OK")
    assert "\\u202eevil\\x00\\x9b" in shown


def test_safe_text_keeps_letters_and_optionally_newlines():
    assert safe_text("Västerås – åäö ÅÄÖ é ü") == "Västerås – åäö ÅÄÖ é ü"
    assert safe_text("two\nlines") == "two\nlines"
    assert safe_text("two\nlines", keep_newlines=False) == "two\\nlines"
    assert safe_text("tab\there") == "tab\\there"


def test_safe_json_decodes_to_the_same_data():
    data = {"value": ATTACK + "\u2028\U000e0041", "rows": [1, 2]}
    text = safe_json(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(text) == data
    assert "\u202e" not in text and "\x9b" not in text and "\u2028" not in text


@pytest.fixture
def hostile_study(tmp_path: Path) -> Path:
    study = tmp_path / "demo-county"
    shutil.copytree(FIXTURE, study)
    path = study / "coordinators.csv"
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    role = header.split(",").index("role")
    cells = first.split(",")
    cells[role] = ATTACK + "strategic"
    path.write_text("\n".join([header, ",".join(cells), rest]), encoding="utf-8")
    return study


def test_validate_prints_no_escape_sequence(hostile_study, capsys):
    """P56: a crafted cell can neither clear the screen nor forge an 'OK' line."""
    assert main(["validate", str(hostile_study)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x00" not in out
    lines = out.splitlines()
    assert not any(line.startswith("OK") for line in lines)
    assert any("coordinators.csv, row 2, column role" in line and "\\x1b[2J" in line for line in lines)


def test_validate_json_is_terminal_safe_and_exact(hostile_study, capsys):
    assert main(["validate", str(hostile_study), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x9b" not in out
    values = [problem["value"] for problem in json.loads(out)["problems"]]
    assert ATTACK + "strategic" in values


def test_new_reports_an_unwritable_place_without_traceback(tmp_path, capsys):
    """P35b: a file in the way, or a folder that cannot be created, gives one line."""
    blocker = tmp_path / "empty-file"
    blocker.write_text("", encoding="utf-8")
    assert main(["new", str(blocker)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().out
    assert main(["new", str(blocker / "inside")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"error: cannot create the study folder {blocker / 'inside'}:") and "Traceback" not in out


def test_output_cut_short_by_a_pipe_gives_no_traceback(hostile_study):
    """`evalkit validate STUDY | head -1` stops quietly, also when the output is longer than a pipe buffer."""
    import subprocess
    import sys

    path = hostile_study / "documents.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    header = lines[0].split(",")
    extra = []
    for number in range(400):
        cells = lines[1].split(",")
        cells[header.index("document_id")] = f"X{number}"
        cells[header.index("year")] = "not-a-year"
        extra.append(",".join(cells))
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    command = f"{sys.executable} -m evalkit.cli validate {hostile_study} | head -1"
    completed = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in completed.stderr and "BrokenPipeError" not in completed.stderr
