"""``evalkit example [NAME] [DIR]``: write a shipped study into a folder of one's own.

evalkit ships two studies: the default study (the 2019 Västmanland
evaluation re-run from its report) and the teaching county Övningslänet. In a
checkout they are ``data/<name>/``; in an installed wheel they sit inside the
package (:data:`evalkit.paths.DATA_DIR`), where they can be read and run but
should not be edited. This command copies one, byte for byte and without
fetching anything, into a new folder to change, validate and run. Without a
name it lists the shipped studies. An existing non-empty folder is never
touched, and the folder appears only when complete (copied into a temporary
sibling, then renamed).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from evalkit import paths
from evalkit.safeio import new_folder
from evalkit.terminal import safe_text


class ExampleError(Exception):
    """The shipped study cannot be written out."""


def shipped_studies() -> dict[str, Path]:
    """Return ``{name: folder}`` of the studies shipped with evalkit, sorted by name."""
    folder = paths.DATA_DIR
    if not folder.is_dir():
        return {}
    return {study.name: study for study in sorted(folder.iterdir()) if (study / paths.STUDY_DESCRIPTOR).is_file()}


def _ignored(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") or n == "__pycache__"}


def write_example(name: str, target: Path | None = None) -> Path:
    """Copy the shipped study ``name`` to ``target`` (default ``./<name>``) and return the folder.

    Raises
    ------
    ExampleError
        If there is no such study, or ``target`` exists and is a file or a non-empty folder.
    """
    studies = shipped_studies()
    if name not in studies:
        raise ExampleError(f"no shipped study {name!r}; the shipped studies are: {', '.join(studies) or 'none'}.")
    target = Path(target) if target is not None else Path(name)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExampleError(
            f"{target} already exists and is not an empty folder; nothing was written. Choose a new folder."
        )
    with new_folder(target) as building:
        shutil.copytree(studies[name], building, ignore=_ignored, dirs_exist_ok=True)
    return target


def _title(folder: Path) -> str:
    try:
        return str(json.loads((folder / paths.STUDY_DESCRIPTOR).read_text(encoding="utf-8")).get("title", ""))
    except (OSError, ValueError):
        return ""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit example``."""
    parser.add_argument("name", nargs="?", help="the shipped study to write out (without it: list them)")
    parser.add_argument("directory", nargs="?", type=Path, help="folder to create (default: ./NAME)")


def cli_example(args: argparse.Namespace) -> int:
    """List the shipped studies, or write one out; return 1 when nothing could be written."""
    if not getattr(args, "name", None):
        for name, folder in shipped_studies().items():
            default = " (default study)" if name == paths.DEFAULT_STUDY_NAME else ""
            print(safe_text(f"{name}{default}: {_title(folder)}"))
        return 0
    try:
        folder = write_example(args.name, getattr(args, "directory", None))
    except ExampleError as error:
        print(safe_text(f"error: {error}"))
        return 1
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(
            safe_text(f"error: cannot write {args.directory or args.name}: {reason}. Choose a folder you can write to.")
        )
        return 1
    print(
        safe_text(
            f"Wrote {folder}. Check it with: evalkit validate {folder}; make its report with: evalkit run {folder}"
        )
    )
    return 0
