"""Command line: ``evalkit validate | run | audit | preview | new | example | convert | qda | survey``.

Each sub-command is a thin wrapper; the work is done in the module named in
its ``handler``. Exit status: 0 on success, 1 when the work found problems
(invalid study, differing outputs, failed chapter), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from evalkit import __version__

COMMANDS = {
    # name: (module, function, help)
    "validate": ("evalkit.commands.validate", "cli_validate", "check a study folder and report every problem"),
    "run": ("evalkit.runner", "cli_run", "execute every chapter notebook for a study into reports/<study>/"),
    "audit": ("evalkit.audit", "cli_audit", "re-execute a report from its manifest and show what differs"),
    "preview": (
        "evalkit.preview",
        "cli_preview",
        "serve a study's report on this computer and update it as the study changes",
    ),
    "new": ("evalkit.scaffold", "cli_new", "create an empty study folder for another county"),
    "example": (
        "evalkit.commands.example",
        "cli_example",
        "write a shipped study (the default study, the teaching county) into a folder of your own",
    ),
    "convert": (
        "evalkit.study.storage",
        "cli_convert",
        "write a study with its tables as one workbook or as CSV files",
    ),
    "qda": ("evalkit.qda.cli", "cli_qda", "inspect a REFI-QDA project (.qdpx) and import its coded interviews"),
    "survey": (
        "evalkit.survey.cli",
        "cli_survey",
        "write the coordinator survey as a form, or import a web-survey export",
    ),
}


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """Build the parser; only the ``selected`` command's module is imported."""
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"evalkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, function_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == selected:
            configure = getattr(importlib.import_module(module_name), "configure_parser", None)
            if configure is not None:
                configure(command)
        command.set_defaults(handler=(module_name, function_name))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    selected = next((word for word in argv if word in COMMANDS), None)
    parser = build_parser(selected)
    args = parser.parse_args(argv)
    module_name, function_name = args.handler
    handler = getattr(importlib.import_module(module_name), function_name)
    try:
        return int(handler(args) or 0)
    except BrokenPipeError:  # the reader stopped early (`evalkit validate | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
