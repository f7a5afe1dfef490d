"""``evalkit qda inspect | import | confirm``: coded interviews from QDA programs.

* ``evalkit qda inspect FILE.qdpx [--json] [--write-mapping MAP.csv]`` lists
  what a REFI-QDA project holds (origin, sources, codes with the code tree,
  codings, users, cases, variables) and where it deviates from the schema;
  ``--write-mapping`` writes a mapping to fill in (never over a file).
* ``evalkit qda import FILE.qdpx --study DIR --mapping MAP.csv`` writes the
  coded segments and a review file of proposed assessments (see
  :mod:`evalkit.qda.importer`).
* ``evalkit qda confirm REVIEW.csv --study DIR`` adds the proposals marked in
  the ``accept`` column to ``assessments`` (see :mod:`evalkit.qda.confirm`).

Every failure is a message naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from evalkit.qda.project import QdaError, QdaProject, read_project
from evalkit.terminal import safe_text


def code_tree(project: QdaProject) -> list[dict]:
    """The code book as nested dicts with the number of codings of each code."""
    counts: dict[str, int] = {}
    for coding in project.codings:
        counts[coding.code] = counts.get(coding.code, 0) + 1
    nodes = {
        code.guid: {
            "name": code.name,
            "path": code.path,
            "guid": code.guid,
            "codable": code.codable,
            "codings": counts.get(code.guid, 0),
            "children": [],
        }
        for code in project.codes
    }
    roots = []
    for code in project.codes:
        (nodes[code.parent]["children"] if code.parent in nodes else roots).append(nodes[code.guid])
    return roots


def summary(project: QdaProject) -> dict:
    """What ``qda inspect --json`` prints."""
    from evalkit.qda.schema import schema_deviations

    count, listed = schema_deviations(project.root)
    return {
        "file": project.path.name,
        "name": project.name,
        "origin": project.origin,
        "namespace": project.namespace,
        "sources": len(project.sources),
        "codes": len(project.codes),
        "codings": len(project.codings),
        "users": len(project.users),
        "cases": len(project.cases),
        "variables": len(project.variables),
        "code_tree": code_tree(project),
        "schema_deviations": count,
        "schema_deviations_listed": listed,
        "deviations": project.deviations,
    }


def print_tree(nodes: list[dict], depth: int = 0) -> None:
    for node in nodes:
        print(safe_text(f"  {'  ' * depth}{node['name']}  ({node['codings']} codings)"))
        print_tree(node["children"], depth + 1)


def mapping_template(project: QdaProject) -> pd.DataFrame:
    """A mapping to fill in: one row per code, source, named case and user (targets empty, coders numbered)."""
    from evalkit.qda.importer import MAPPING_COLUMNS

    rows = [{"kind": "code", "qda": code.path} for code in project.codes]
    rows += [{"kind": "source", "qda": source.name or source.guid} for source in project.sources]
    rows += [{"kind": "case", "qda": case.name} for case in project.cases if case.name]
    rows += [
        {"kind": "user", "qda": name or guid, "coder": f"coder{number}"}
        for number, (guid, name) in enumerate(project.users.items(), start=1)
    ]
    return pd.DataFrame([{column: row.get(column, "") for column in MAPPING_COLUMNS} for row in rows])


def write_mapping(project: QdaProject, path: Path) -> None:
    """Write :func:`mapping_template` to ``path``; an existing file is never overwritten (``FileExistsError``)."""
    from evalkit.safeio import write_csv

    if Path(path).exists():
        raise FileExistsError(path)
    write_csv(mapping_template(project), path)


def cli_inspect(args) -> int:
    project = read_project(args.file)
    info = summary(project)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        print(
            safe_text(
                f"{info['file']}: REFI-QDA project {info['name']!r} from {info['origin'] or 'an unnamed program'}"
            )
        )
        print(
            f"  {info['sources']} sources, {info['codes']} codes, {info['codings']} codings, {info['users']} users, "
            f"{info['cases']} cases, {info['variables']} variables"
        )
        print("Code tree:")
        print_tree(info["code_tree"])
        print("Sources:")
        for source in project.sources:
            print(safe_text(f"  {source.name}  ({source.kind})"))
        if project.users:
            print("Users (map them to coder ids; names never enter the study):")
            for name in project.users.values():
                print(safe_text(f"  {name}"))
        if info["schema_deviations"]:
            print(f"Deviations from the REFI-QDA schema ({info['schema_deviations']}; read all the same):")
            for line in info["schema_deviations_listed"]:
                print(safe_text(f"  {line}"))
        for line in info["deviations"]:
            print(safe_text(f"  note: {line}"))
    if args.write_mapping:
        try:
            write_mapping(project, args.write_mapping)
        except FileExistsError:
            print(safe_text(f"error: {args.write_mapping} exists; evalkit never overwrites it. Choose another name."))
            return 1
        print(f"Wrote {args.write_mapping}: fill in indicator_id and valence for codes, interview_id for sources.")
    return 0


def cli_import(args) -> int:
    from evalkit.qda.importer import ImportError_, import_project

    project = read_project(args.file)
    try:
        result = import_project(project, args.study, args.mapping, args.min_groups, args.allow_personal_data)
    except ImportError_ as error:
        print(safe_text(f"error: {error}"))
        return 1
    if result.interviews_added:
        print(f"Added {len(result.interviews_added)} interviews: {', '.join(result.interviews_added)}.")
    print(safe_text(f"Wrote {result.segments} coded segments to {Path(args.study) / result.segments_table}."))
    for what, count in result.skipped.items():
        if count:
            print(f"  {count} {what} (not imported)")
    for note in result.notes:
        print(safe_text(f"  note: {note}"))
    counts = result.proposals["proposed_value"].value_counts().to_dict()
    shown = ", ".join(f"{value} {counts[value]}" for value in ("yes", "partly", "no", "unknown") if value in counts)
    print(safe_text(f"Proposed {len(result.proposals)} assessments ({shown}) in {result.review_file}."))
    print(
        safe_text(
            f"Review it: write ja (take the proposal) or the value you decide (delvis, nej …) in 'accept', then: "
            f"evalkit qda confirm {result.review_file} --study {args.study}"
        )
    )
    for line in result.state:
        print(safe_text(line))
    return 0


def cli_confirm(args) -> int:
    from evalkit.qda.confirm import ConfirmError, confirm_review

    try:
        added, kept, state = confirm_review(args.review, args.study, args.allow_personal_data)
    except ConfirmError as error:
        print(safe_text(f"error: {error}"))
        return 1
    print(safe_text(f"Added {added} assessments to {args.study}; {kept} rows already there were left unchanged."))
    for line in state:
        print(safe_text(line))
    return 0


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add ``inspect``, ``import`` and ``confirm``."""
    sub = parser.add_subparsers(dest="qda_command", required=True)
    inspect = sub.add_parser("inspect", help="list what a REFI-QDA project (.qdpx) holds")
    inspect.add_argument("file", type=Path, metavar="FILE.qdpx")
    inspect.add_argument("--json", action="store_true", help="print a JSON object")
    inspect.add_argument("--write-mapping", type=Path, metavar="MAP.csv", help="write a mapping to fill in")
    inspect.set_defaults(qda_handler=cli_inspect)
    imports = sub.add_parser("import", help="import coded segments and propose assessments for review")
    imports.add_argument("file", type=Path, metavar="FILE.qdpx")
    imports.add_argument("--study", type=Path, required=True, metavar="DIR")
    imports.add_argument("--mapping", type=Path, required=True, metavar="MAP.csv")
    imports.add_argument("--min-groups", type=int, default=2, help="respondent groups needed for a proposed yes")
    imports.add_argument(
        "--allow-personal-data",
        action="store_true",
        help="import excerpts with personal data or text that begins like a formula all the same (the latter as "
        "plain text); evalkit run needs the flag too for personal data",
    )
    imports.set_defaults(qda_handler=cli_import)
    confirm = sub.add_parser("confirm", help="add the accepted proposals of a review file to assessments")
    confirm.add_argument("review", type=Path, metavar="REVIEW.csv")
    confirm.add_argument("--study", type=Path, required=True, metavar="DIR")
    confirm.add_argument(
        "--allow-personal-data", action="store_true", help="write formula-like text from the review as plain text"
    )
    confirm.set_defaults(qda_handler=cli_confirm)


def cli_qda(args) -> int:
    try:
        return args.qda_handler(args)
    except QdaError as error:
        print(safe_text(f"error: {error} {error.fix}".rstrip()))
        return 1
