"""Each analysis once: a content-keyed store of analysis results, shared by the run and its notebooks.

Some analyses are needed by several chapters and by every language (the
findings table, the robustness analysis, QCA). :func:`shared` computes
``function(study, **params)`` at most once for the same study content, code
and parameters, across processes: the result is pickled into the content
store (:mod:`evalkit.cache`, kind ``analyses``) and every later call, in any
kernel, reads it. ``evalkit run`` computes the expensive ones in the parent
process while the notebooks start (:func:`evalkit.report.artefacts.precomputed_analyses`);
a notebook opened without a run computes what it needs itself, with the same
result.

The key (:func:`analysis_key`, through :func:`evalkit.cache.key`) covers the
function's qualified name, the parameters, the study's name and the software
(evalkit's source digest and every installed package). Under it, each stored
result records which parts of the study the computation read, with their
digests (:mod:`evalkit.study.tracing`): a result is served when those parts
are unchanged, so a change to a table recomputes only the analyses that read
it. A pickle is loaded only after its record verified against the user's
cache secret and its bytes against the recorded SHA-256: an entry planted or
edited in the cache folder is discarded, never unpickled. A file lock per key
makes a second process wait for the first instead of computing the same
result again.

``EVALKIT_ANALYSIS_STORE`` moves the store to another folder (``evalkit
audit`` points it at a fresh temporary folder so that nothing is reused).
"""

from __future__ import annotations

import json
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path

from evalkit import paths
from evalkit.cache import ContentStore, key
from evalkit.study import tracing

STORE_ENV = "EVALKIT_ANALYSIS_STORE"
KIND = "analyses"
_digests: dict[int, tuple[object, str]] = {}
_lock = threading.Lock()


def store_dir() -> Path:
    """Return the store folder: ``$EVALKIT_ANALYSIS_STORE`` or the cache folder (:func:`evalkit.paths.cache_dir`)."""
    configured = os.environ.get(STORE_ENV)
    return Path(configured) if configured else paths.cache_dir()


def function_name(function: Callable) -> str:
    """Return ``module:qualified name`` of ``function``."""
    return f"{function.__module__}:{function.__qualname__}"


def analysis_key(function: Callable, study, params: dict) -> str:
    """Return the base key of ``function(study, **params)``: function, parameters, study and software.

    The study's *content* is not part of it: the entries under one base key
    are variants, each recording the parts of the study the computation read
    and their digests (:mod:`evalkit.study.tracing`); a variant is used when
    those parts are unchanged. So an analysis is computed again only when
    something it reads changes (issue 17 item 6).
    """
    from evalkit.environment import software_digest

    return key(
        KIND,
        {
            "function": function_name(function),
            "params": json.dumps(params, sort_keys=True, default=repr),
            "study": study.name,
            "software": software_digest(),
        },
    )


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
        The content store's folder (created if needed).
    function : callable
        A pure analysis function of a study (and keyword parameters).
    study : Study
        The study.
    **params
        Keyword arguments for ``function`` (part of the key).

    Notes
    -----
    Every call returns a fresh copy (read from the store), so a caller that
    changes the result changes nothing for the next one. The reads of the
    computation are noted in the caller's read logs too (a chapter depends on
    what its shared analyses read). A store that cannot be used (read-only,
    or another user's folder) is not an error: the value is then computed and
    kept in this process only.
    """
    params = _with_defaults(function, params)
    base = analysis_key(function, study, params)
    store = ContentStore(folder)
    found = _lookup(store, base, study)
    if found is not None:
        return found[0]
    if not store.usable:
        return _compute(function, study, params)[0]
    try:
        with store.lock(KIND, base):
            found = _lookup(store, base, study)  # another process computed it while we waited
            if found is not None:
                return found[0]
            value, reads = _compute(function, study, params)
            digests = tracing.read_digests(study, reads or {tracing.EVERYTHING})
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            store.put_value(KIND, f"{base}/{key('reads', digests)}", payload, extra={"reads": digests})
            return value
    except OSError:
        return function(study, **params)


def _lookup(store: ContentStore, base: str, study) -> tuple[object] | None:
    """The stored value of a variant of ``base`` whose reads are unchanged, as a 1-tuple (None: none)."""
    for entry in store.variants(KIND, base):
        reads = entry.extra.get("reads")
        if not isinstance(reads, dict) or not tracing.reads_unchanged(study, reads):
            continue
        data = store.read(entry, "value")
        if data is None:
            continue
        tracing.record_all(reads)
        return (pickle.loads(data),)  # noqa: S301 - verified: signed record, recorded SHA-256
    return None


def _compute(function: Callable, study, params: dict) -> tuple[object, set[str]]:
    """Compute ``function(study, **params)`` on a traced study; return the value and what it read."""
    with tracing.ReadLog() as log:
        value = function(tracing.traced(study), **params)
    return value, log.names
