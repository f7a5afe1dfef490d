"""``manifest.json``: everything a report was made from, without timestamps.

The manifest records, relative to the report folder, the study's input files
and the chapter notebooks with their SHA-256, the notebook parameters per
language, the version of every package installed in the environment, the Python
version, the git commit (and whether the tree was dirty), a digest of
evalkit's own source, and the SHA-256 of the deterministic outputs. It is
written with sorted keys, so equal content gives equal bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from evalkit import environment as software_environment
from evalkit import paths
from evalkit.safeio import write_text_atomic

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 2
MANIFEST_SCHEMA = paths.SCHEMA_DIR / "manifest.schema.json"
SHOWN_SCHEMA_ERRORS = 10
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _visible_files(folder: Path) -> Iterable[Path]:
    """Yield files under ``folder`` except hidden ones and ``__pycache__``, sorted."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith((".pyc", "~")):
                yield Path(root) / name


def hash_tree(folder: Path, suffixes: tuple[str, ...] | None = None) -> dict[str, str]:
    """Return ``{posix relative path: sha256}`` for the files under ``folder``.

    Parameters
    ----------
    folder : pathlib.Path
        Folder to walk. Hidden files and folders are skipped.
    suffixes : tuple of str, optional
        Only files with these suffixes; all files when omitted.
    """
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in _visible_files(folder)
        if suffixes is None or path.suffix in suffixes
    }


def digest_of(mapping: Mapping) -> str:
    """Return the SHA-256 of ``mapping`` serialised as canonical JSON."""
    return sha256_text(json.dumps(mapping, sort_keys=True, separators=(",", ":")))


def evalkit_source_digest() -> str:
    """Return one SHA-256 over evalkit's package source (:func:`evalkit.environment.source_digest`)."""
    return software_environment.source_digest()


def git_state(root: Path | None = None) -> dict:
    """Return ``{"commit": sha or None, "dirty": bool or None}`` for the checkout at ``root``.

    Without ``root``, evalkit's own checkout; an installed wheel has none (both ``None``),
    whatever repository the environment happens to sit in.
    """
    if root is None and not paths.CHECKOUT:
        return {"commit": None, "dirty": None}
    root = Path(root or paths.PROJECT_ROOT)

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.strip(), "dirty": None if status is None else bool(status.strip())}


def environment() -> dict:
    """Return the software part of the manifest: evalkit, Python and every installed package (no git state).

    Every distribution installed in the environment is recorded, not only
    evalkit's direct dependencies (:mod:`evalkit.environment`), so the run key
    (which covers this) changes with any package that could change an output.
    """
    return {**software_environment.software(), "evalkit_source_sha256": evalkit_source_digest()}


def relative(path: Path, start: Path) -> str:
    """Return ``path`` relative to ``start`` in POSIX form (``..`` allowed)."""
    return Path(os.path.relpath(Path(path).resolve(), Path(start).resolve())).as_posix()


def write_json_atomic(path: Path, data: Mapping) -> None:
    """Write ``data`` as sorted, indented JSON to ``path`` atomically (:func:`evalkit.safeio.write_text_atomic`)."""
    write_text_atomic(path, json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n")


class ManifestError(ValueError):
    """``manifest.json`` is not valid JSON, not an object, or does not match the manifest schema."""


def read_manifest(report_dir: Path) -> dict:
    """Read ``manifest.json`` from ``report_dir`` (a JSON object; the schema is not checked).

    Raises
    ------
    FileNotFoundError
        There is no manifest (with a hint).
    ManifestError
        The file is not UTF-8 JSON or not a JSON object.
    """
    path = Path(report_dir) / MANIFEST_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: is {report_dir} a report folder made by `evalkit run`?")
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except UnicodeDecodeError as error:
        raise ManifestError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"{path} must hold a JSON object, not {type(manifest).__name__}")
    return manifest


def schema_problems(manifest: object) -> list[str]:
    """Return one line per place where ``manifest`` breaks ``evalkit/schema/manifest.schema.json``."""
    import jsonschema

    with open(MANIFEST_SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(manifest), key=lambda e: [str(p) for p in e.absolute_path]):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path) or "(top level)"
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        problems.append(f"{where.lstrip('.')}: {message}")
    return problems


def load_manifest(report_dir: Path) -> dict:
    """Read ``manifest.json`` and check it against the manifest schema.

    Raises
    ------
    FileNotFoundError, ManifestError
        The message names the file and, for schema problems, each place and what is wrong.
    """
    manifest = read_manifest(report_dir)
    problems = schema_problems(manifest)
    if problems:
        path = Path(report_dir) / MANIFEST_NAME
        shown = problems[:SHOWN_SCHEMA_ERRORS]
        more = [f"... and {len(problems) - len(shown)} more"] if len(problems) > len(shown) else []
        raise ManifestError(
            f"{path} does not match the manifest schema (format {MANIFEST_FORMAT}; "
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''}):\n"
            + "\n".join(f"  {line}" for line in shown + more)
        )
    return manifest
