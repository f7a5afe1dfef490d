"""``evalkit survey form | import``: the coordinator survey out to respondents and back into the study.

* ``evalkit survey form [STUDY] [--out DIR]`` writes ``survey_form_sv.html``
  and ``survey_form_en.html`` (see :mod:`evalkit.survey.form`).
* ``evalkit survey import EXPORT.csv|xlsx --study DIR [--mapping MAP.csv]
  [--write-mapping MAP.csv]`` adds the answers of a web-survey export to
  ``survey_responses`` (see :mod:`evalkit.survey.importer`); with
  ``--write-mapping`` it writes a mapping to fill in instead;
  ``--allow-personal-data`` lets personal data and formula-like text in.

Every failure is a message naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from evalkit import paths
from evalkit.terminal import safe_text


def cli_form(args) -> int:
    from evalkit.study import load_study
    from evalkit.study.validate import StudyValidationError
    from evalkit.survey.form import FormError, write_forms

    try:
        study = load_study(args.study)
    except StudyValidationError as error:
        print(safe_text(f"error: {error}\nCorrect the study first (evalkit validate {args.study})."))
        return 1
    out = Path(args.out) if args.out else Path(args.study)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = write_forms(out, study.codebook)
    except (FormError, OSError) as error:
        print(safe_text(f"error: {error}"))
        return 1
    for path in written:
        print(safe_text(f"Wrote {path}"))
    print("Print them, or save them as PDF from a browser, and send them to the coordinators.")
    return 0


def cli_import(args) -> int:
    from evalkit.survey.importer import SurveyImportError, import_survey

    if args.write_mapping:
        return write_mapping(args)
    try:
        result = import_survey(args.export, args.study, args.mapping, args.allow_personal_data)
    except SurveyImportError as error:
        print(safe_text(f"error: {error}"))
        return 1
    if result.unmapped:
        print(f"Not imported ({len(result.unmapped)} export column{'s' if len(result.unmapped) != 1 else ''}):")
        for header in result.unmapped:
            print(safe_text(f"  {header}"))
    added = result.added
    print(
        safe_text(
            f"Added {len(added)} survey response{'s' if len(added) != 1 else ''}"
            + (f" ({', '.join(added)})" if added else "")
            + f" to {args.study}."
        )
    )
    for note in result.notes:
        print(safe_text(f"  note: {note}"))
    for line in result.state:
        print(safe_text(line))
    return 0


def write_mapping(args) -> int:
    from evalkit.safeio import neutralise_cell, write_text_atomic
    from evalkit.study.partial import NeedsError, load_for
    from evalkit.study.storage import csv_text
    from evalkit.survey.importer import SurveyImportError, mapping_template, read_export

    target = Path(args.write_mapping)
    if target.exists():
        print(safe_text(f"error: {target} exists; evalkit never overwrites it. Choose another name."))
        return 1
    try:
        export = read_export(args.export)
        codebook = load_for(args.study, ("codebook_vocabularies", "codebook_survey_questions"), "evalkit survey import")
    except (SurveyImportError, NeedsError) as error:
        print(safe_text(f"error: {error}"))
        return 1
    rows = [[str(neutralise_cell(cell)) for cell in row] for row in mapping_template(export, codebook.study.codebook)]
    try:
        write_text_atomic(target, csv_text(rows))
    except OSError as error:
        print(safe_text(f"error: cannot write {target}: {error.strerror or type(error).__name__}."))
        return 1
    print(safe_text(f"Wrote {target}: fill in 'column' for the export columns to import, then import with --mapping."))
    return 0


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add ``form`` and ``import``."""
    sub = parser.add_subparsers(dest="survey_command", required=True)
    form = sub.add_parser("form", help="write the survey as printable HTML forms in Swedish and English")
    form.add_argument("study", nargs="?", type=Path, default=paths.DEFAULT_STUDY_DIR, metavar="STUDY")
    form.add_argument("--out", type=Path, metavar="DIR", help="folder for the forms (default: the study folder)")
    form.set_defaults(survey_handler=cli_form)
    imports = sub.add_parser("import", help="add the answers of a web-survey export to survey_responses")
    imports.add_argument("export", type=Path, metavar="EXPORT.csv|xlsx")
    imports.add_argument("--study", type=Path, required=True, metavar="DIR")
    imports.add_argument("--mapping", type=Path, metavar="MAP.csv", help="export columns and answers to map")
    imports.add_argument("--write-mapping", type=Path, metavar="MAP.csv", help="write a mapping to fill in")
    imports.add_argument(
        "--allow-personal-data",
        action="store_true",
        help="import answers with personal data or text that begins like a formula all the same (the latter as "
        "plain text); evalkit run needs the flag too for personal data",
    )
    imports.set_defaults(survey_handler=cli_import)


def cli_survey(args) -> int:
    return args.survey_handler(args)
