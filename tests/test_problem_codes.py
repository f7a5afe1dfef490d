"""Every problem the validator reports carries a stable code out of ``CODES``.

Codes are what ``evalkit validate --format json`` gives a script to rely on
and what the tests of validation compare; the sentences may be reworded. The
scan reads the source, so a new problem without a code fails here, before a
user meets it.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

import evalkit
from evalkit.cli import main
from evalkit.study.validate import CODES, Problem

PACKAGE_DIR = Path(evalkit.__file__).parent
FIXTURE = Path(__file__).parent / "fixtures" / "demo-county"
#: The constructors whose calls must name a code.
CONSTRUCTORS = {"Problem", "problem_at", "SheetFinding"}


def constructor_calls():
    """(path, line, call) for every call of a problem constructor in evalkit."""
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in CONSTRUCTORS:
                    yield path.relative_to(PACKAGE_DIR.parent), node.lineno, node


def code_argument(call: ast.Call) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == "code"), None)


def literal_codes() -> set[str]:
    """Every string written as a code in evalkit: ``code="..."``, ``code = "..."`` and the values of ``*_CODES`` maps."""
    found = set()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if path.name == "problems.py" and path.parent.name == "validate":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                found.add(node.value.value)
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "code" for t in node.targets):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    found.add(node.value.value)
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "").endswith("_CODES") for t in node.targets):
                if isinstance(node.value, ast.Dict):
                    found |= {v.value for v in node.value.values if isinstance(v, ast.Constant)}
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get" and node.args[1:]:
                default = node.args[1]
                if isinstance(default, ast.Constant) and default.value in CODES:
                    found.add(default.value)
    return found


def test_every_problem_names_its_code():
    missing = [f"{path}:{line}" for path, line, call in constructor_calls() if code_argument(call) is None]
    assert missing == [], "problems without code=...: " + ", ".join(missing)


def test_every_code_written_is_known_and_every_known_code_is_used():
    written = literal_codes()
    assert written - set(CODES) == set()
    assert set(CODES) - written == set()


def test_codes_are_lower_case_words_joined_by_hyphens():
    for code in CODES:
        assert code == code.lower() and " " not in code and "_" not in code, code


def test_an_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem("a.csv", 2, "x", "1", "m.", "f.", code="no-such-code")


def test_the_json_output_carries_each_problems_code(tmp_path, capsys):
    study = tmp_path / "demo-county"
    shutil.copytree(FIXTURE, study)
    (study / "documents.csv").unlink()
    assert main(["validate", str(study), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(p["file"], p["code"]) for p in report["problems"]] == [("documents.csv", "missing-file")]
