"""``evalkit run``: the command line of the build pipeline (:mod:`evalkit.report.pipeline`).

This module only turns arguments into a call of
:func:`evalkit.report.pipeline.run_study` and its outcome into messages and
an exit status: 0 when the report was written or served from the cache, 1
when a chapter failed, 2 when the run could not start or a pre-run check
refused it, 130 when it was interrupted (Ctrl-C: one line, nothing published,
the previous report as it was, no process left). Each pre-run check with an
override adds its flag here (``--allow-...``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS, LANGUAGES, select_chapters
from evalkit.paths import display_path
from evalkit.report.checks import PRE_RUN_CHECKS
from evalkit.report.pipeline import DEFAULT_JOBS, RunError, run_study
from evalkit.terminal import safe_text


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit run``."""
    parser.add_argument(
        "study",
        nargs="?",
        type=Path,
        default=paths.DEFAULT_STUDY_DIR,
        help=f"study folder (default: {display_path(paths.DEFAULT_STUDY_DIR)})",
    )
    parser.add_argument(
        "--language",
        default=",".join(LANGUAGES),
        metavar="sv,en",
        help="comma-separated report languages (default: sv,en)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"notebooks executed in parallel (default: {DEFAULT_JOBS})",
    )
    parser.add_argument("--force", action="store_true", help="execute even if an identical run is cached")
    parser.add_argument(
        "--reports-root",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where report folders go (default: {display_path(paths.REPORTS_DIR)})",
    )
    parser.add_argument("--no-pdf", action="store_true", help="do not print the combined report to PDF")
    parser.add_argument(
        "--docx-template",
        type=Path,
        default=None,
        metavar="FILE",
        help="the county's Word template (.docx or .dotx) for the publication's Word file "
        "(default: the study's evalkit:docx_template, else Word's default styles)",
    )
    parser.add_argument("--reveal-names", action="store_true", help="show municipality names instead of codes")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="fail a cell that runs longer than this (default: no limit)",
    )
    parser.add_argument(
        "--chapter",
        "-c",
        action="append",
        metavar="ID",
        help="run only this chapter (id or number, e.g. 02; repeat or comma-separate); "
        "the report goes to a scratch folder under reports/.scratch/",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a chapter notebook parameter (papermill style, e.g. -p partly_score 0); "
        "typed from the notebook's default; the report goes to a scratch folder",
    )
    for check in PRE_RUN_CHECKS:
        if check.override:
            parser.add_argument(check.override, dest=check.dest, action="store_true", help=check.override_help)


def overrides(args: argparse.Namespace) -> list[str]:
    """Return the names of the pre-run checks whose override flag was given."""
    return [check.name for check in PRE_RUN_CHECKS if check.override and getattr(args, check.dest, False)]


def cli_run(args: argparse.Namespace) -> int:
    """Run ``evalkit run``; return 0 on success, 1 when a chapter failed or a file could not be written,
    2 on unusable input or a refusing pre-run check. Problems go to stderr, progress to stdout."""
    from rich.console import Console

    console = Console(highlight=False)
    errors = Console(highlight=False, stderr=True)
    if args.jobs < 1:
        errors.print("evalkit run: --jobs must be at least 1", style="red", markup=False)
        return 2
    try:
        chapters = select_chapters(args.chapter) if args.chapter else CHAPTERS
        parameters = dict(args.parameter or [])
    except KeyError as error:
        errors.print(f"evalkit run: --chapter: {error.args[0]}", style="red", markup=False, soft_wrap=True)
        return 2
    try:
        result = run_study(
            args.study,
            chapters=chapters,
            parameters=parameters,
            scratch=bool(args.chapter or args.parameter),
            languages=args.language,
            jobs=args.jobs,
            force=args.force,
            reports_root=args.reports_root,
            pdf=not args.no_pdf,
            reveal_names=args.reveal_names,
            timeout=args.timeout,
            docx_template=args.docx_template,
            overrides=overrides(args),
            console=console,
            error_console=errors,
        )
    except KeyboardInterrupt:
        return interrupted("evalkit run", paths.report_dir_for(args.study, args.reports_root), errors)
    except RunError as error:
        errors.print(safe_text(f"evalkit run: {error}"), style="red", markup=False, soft_wrap=True)
        return error.exit_code
    except OSError as error:  # read-only or full disk, a folder that cannot be renamed: one line, no traceback
        errors.print(safe_text(f"evalkit run: {os_error_text(error)}"), style="red", markup=False, soft_wrap=True)
        return 1
    return 0 if result.ok else 1


INTERRUPTED_EXIT = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C


def interrupted(command: str, report_dir: Path, errors) -> int:
    """Say in one line that the run was interrupted and what that left; return the exit status.

    The pipeline has already stopped every process it started and removed its
    partial folder; a second Ctrl-C while this is printed is ignored.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    previous = (Path(report_dir) / "manifest.json").is_file()
    kept = f"the previous report in {display_path(report_dir)} is unchanged" if previous else "no report was written"
    errors.print(
        safe_text(f"{command}: interrupted (Ctrl-C); nothing was published, {kept}"),
        style="red",
        markup=False,
        soft_wrap=True,
    )
    return INTERRUPTED_EXIT


def os_error_text(error: OSError) -> str:
    """One line for a file-system error: what failed, on which path, and what it means."""
    where = f" {display_path(error.filename)}" if error.filename else ""
    if error.filename2:
        where += f" -> {display_path(error.filename2)}"
    reason = error.strerror or str(error)
    return f"cannot write{where}: {reason}; no report was changed (free space or permissions, then run again)"
