"""A content-keyed store of analysis results, shared by the run and its notebooks.

Some analyses are needed by several chapters and by every language (the
findings table, the robustness analysis, QCA). :func:`shared` computes
``function(study, **params)`` at most once for the same study content, code
and parameters, across processes: the result is kept in
``<cache>/analyses/<key>.pickle`` and every later call, in any kernel,
reads it. ``evalkit run`` computes the expensive ones in the parent process
before and while the notebooks run (:data:`evalkit.report.artefacts.PRECOMPUTED`);
a notebook opened without a run computes what it needs itself, with the same
result.

The key is a SHA-256 over the function's qualified name, the parameters, the
study's content (every table, the descriptor and the hashes of the study's
files) and the software (evalkit's source digest, Python, pandas and NumPy
versions), so a stored result can only be served for the same inputs. A
file lock per key makes a second process wait for the first instead of
computing the same result again. Each entry carries the SHA-256 of its
payload and is ignored if it does not match. The store is a cache in the
project's cache folder, trusted like the code itself (it holds pickles); it
never lives in a study or report folder.

``EVALKIT_ANALYSIS_STORE`` overrides the folder (``evalkit run`` sets it
for its workers from ``--cache-dir``; ``evalkit audit`` points it at a fresh
temporary folder so that nothing is reused).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pickle
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from evalkit import paths

STORE_ENV = "EVALKIT_ANALYSIS_STORE"
MAGIC = b"evalkit-analysis-1\n"
KEEP_ENTRIES = 200
_digests: dict[int, tuple[object, str]] = {}
_lock = threading.Lock()


def store_dir() -> Path:
    """Return the store folder: ``$EVALKIT_ANALYSIS_STORE`` or ``<cache>/analyses``."""
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured)
    return Path(os.environ.get("EVALKIT_CACHE_DIR") or paths.CACHE_DIR) / "analyses"


def _frame_digest(frame) -> str:
    text = frame.to_json(orient="split", default_handler=str) + json.dumps([str(t) for t in frame.dtypes])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def study_digest(study) -> str:
    """Return a SHA-256 of a study's content: tables, codebook, descriptor and, if it has a folder, its files."""
    with _lock:
        cached = _digests.get(id(study))
        if cached is not None and cached[0] is study:
            return cached[1]
    from evalkit.report.manifest import digest_of, hash_tree

    content = {
        "name": study.name,
        "title": study.title,
        "tables": {name: _frame_digest(frame) for name, frame in sorted(study.tables.items())},
        "codebook": {name: _frame_digest(frame) for name, frame in sorted(study.codebook.items())},
        "descriptor": json.dumps(study.descriptor, sort_keys=True, default=str),
        "files": hash_tree(study.path) if study.path is not None and Path(study.path).is_dir() else None,
    }
    digest = digest_of(content)
    with _lock:
        _digests[id(study)] = (study, digest)
    return digest


def function_name(function: Callable) -> str:
    """Return ``module:qualified name`` of ``function``."""
    return f"{function.__module__}:{function.__qualname__}"


def analysis_key(function: Callable, study, params: dict) -> str:
    """Return the store key of ``function(study, **params)``."""
    import numpy
    import pandas

    from evalkit.report.manifest import digest_of, evalkit_source_digest

    return digest_of(
        {
            "function": function_name(function),
            "params": json.dumps(params, sort_keys=True, default=repr),
            "study": study_digest(study),
            "evalkit": evalkit_source_digest(),
            "python": sys.version,
            "pandas": pandas.__version__,
            "numpy": numpy.__version__,
        }
    )


def _read(path: Path):
    """Return the stored value, or raise ``LookupError`` if there is none or it is damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        raise LookupError(path) from None
    header_end = len(MAGIC) + 64
    if (
        not data.startswith(MAGIC)
        or hashlib.sha256(data[header_end:]).hexdigest().encode() != data[len(MAGIC) : header_end]
    ):
        raise LookupError(path)
    return pickle.loads(data[header_end:])


def _write(path: Path, value) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(MAGIC + hashlib.sha256(payload).hexdigest().encode() + payload)
    os.replace(temporary, path)


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _with_defaults(function: Callable, params: dict) -> dict:
    """``params`` completed with ``function``'s defaults, so that leaving a parameter out and giving
    its default value are the same entry."""
    import inspect

    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return dict(params)
    completed = dict(params)
    for name, parameter in list(signature.parameters.items())[1:]:
        if parameter.default is not inspect.Parameter.empty and parameter.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        ):
            completed.setdefault(name, parameter.default)
    return completed


def shared(function: Callable, study, **params):
    """Return ``function(study, **params)``, computed at most once for the same content.

    The store is :func:`store_dir`; see :func:`shared_in`.
    """
    return shared_in(store_dir(), function, study, **params)


def shared_in(folder: Path, function: Callable, study, **params):
    """Return ``function(study, **params)`` from the store in ``folder``, computing it at most once.

    Parameters
    ----------
    folder : pathlib.Path
        The store folder (created if needed).
    function : callable
        A pure analysis function of a study (and keyword parameters).
    study : Study
        The study.
    **params
        Keyword arguments for ``function`` (part of the key).

    Notes
    -----
    Every call returns a fresh copy (read from the store), so a caller that
    changes the result changes nothing for the next one. A store that cannot be written (read-only cache folder) is not an error:
    the value is then computed and kept in this process only.
    """
    params = _with_defaults(function, params)
    key = analysis_key(function, study, params)
    folder = Path(folder)
    path = folder / f"{key}.pickle"
    try:
        value = _read(path)
    except LookupError:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with _locked(folder / f".{key}.lock"):
                try:
                    value = _read(path)  # another process computed it while we waited
                except LookupError:
                    value = function(study, **params)
                    _write(path, value)
        except OSError:
            value = function(study, **params)
    return value


def prune(folder: Path | None = None, keep: int = KEEP_ENTRIES) -> None:
    """Remove all but the ``keep`` most recently written entries (and their lock files)."""
    folder = Path(folder or store_dir())
    if not folder.is_dir():
        return
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[keep:]:
        stale.unlink(missing_ok=True)
        (folder / f".{stale.stem}.lock").unlink(missing_ok=True)
