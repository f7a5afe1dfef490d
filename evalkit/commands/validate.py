"""``evalkit validate STUDY``: check a study folder and print every problem, then its readiness.

The checks are :func:`evalkit.study.validate.inspect_study` (files, cells,
consistency) and, for a study without problems,
:func:`evalkit.study.completeness.completeness` (readiness of each part of
the report and the published claims). ``--format json`` prints the same as
one JSON object; each problem carries its stable ``code``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from evalkit import paths
from evalkit.study.completeness import completeness
from evalkit.study.validate import inspect_study, personal_data
from evalkit.study.validate.problems import note_count_phrase, problem_count_phrase
from evalkit.terminal import safe_json, safe_text


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit validate``."""
    parser.add_argument(
        "study",
        metavar="STUDY",
        nargs="?",
        default=str(paths.DEFAULT_STUDY_DIR),
        help=f"study folder (default: {paths.DEFAULT_STUDY_DIR})",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output as readable lines (text, default) or as JSON",
    )
    parser.add_argument(
        "--allow-personal-data",
        action="store_true",
        help="list personal data found in free text as a note instead of failing (as evalkit run --allow-personal-data)",
    )


def cli_validate(args: argparse.Namespace) -> int:
    """Validate a study and print the result; return 1 if there are problems."""
    study_dir = Path(getattr(args, "study", None) or paths.DEFAULT_STUDY_DIR)
    inspection = inspect_study(study_dir)
    problems = inspection.problems
    personal = personal_data(inspection)
    allowed = bool(getattr(args, "allow_personal_data", False))
    table_count = len(inspection.tables)
    row_count = sum(len(table.rows) for table in inspection.tables.values())
    checks = completeness(study_dir, inspection) if not problems else None
    if checks is not None:
        problems = checks.problems
    if getattr(args, "format", "text") == "json":
        print(
            safe_json(
                json.dumps(
                    {
                        "study": str(study_dir),
                        "valid": not problems,
                        "tables": table_count,
                        "rows": row_count,
                        "problems": [problem.to_dict() for problem in problems],
                        "notes": [note.to_dict() for note in inspection.notes],
                        **(checks.to_dict() if checks is not None else {}),
                        "personal_data": [{**asdict(hit), "text": hit.render()} for hit in personal],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        )
        return 1 if problems or (personal and not allowed) else 0
    if inspection.notes:
        print(f"Read with {note_count_phrase(len(inspection.notes))} (not problems; check they are what you meant):")
        for note in inspection.notes:
            print(safe_text("  note: " + note.render(), keep_newlines=False))
    for problem in problems:
        print(problem.render())
    for hit in personal:
        print(safe_text(f"personal data: {hit.render()}", keep_newlines=False))
    if personal:
        verdict = "allowed by --allow-personal-data" if allowed else "evalkit run refuses the study"
        print(
            f"{len(personal)} cell{'s' if len(personal) != 1 else ''} with personal data ({verdict}). Outputs "
            "name roles, never people: remove names, personal identity numbers, e-mail addresses and phone "
            "numbers from the free text."
        )
    if problems:
        print(safe_text(f"{problem_count_phrase(len(problems))} found in {study_dir}; the study is not valid."))
    elif personal and not allowed:
        print(safe_text(f"{study_dir} is a valid study but holds personal data."))
    else:
        print(safe_text(f"OK: {study_dir} is a valid study ({table_count} tables, {row_count} rows)"))
    if checks is not None:
        print()
        print(safe_text(checks.render(str(study_dir))))
    return 1 if problems or (personal and not allowed) else 0
