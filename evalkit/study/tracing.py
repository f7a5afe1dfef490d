"""Which parts of a study a computation read: the inputs of a chapter and of a shared analysis.

A change to one table of a study should re-execute only the chapters, and
recompute only the shared analyses, that read it (issue 17 item 6). Which
tables a chapter reads is not declared by hand: it is *recorded* while the
chapter runs. :func:`traced` wraps a loaded :class:`~evalkit.study.model.Study`
so that every access to its parts is noted in the active :class:`ReadLog`\\ s:

========================  =========================================================
access                    read
========================  =========================================================
``study.tables[X]``       ``table:X`` (also ``get``, ``in``; iterating: ``table:*``)
:func:`columns`           ``table:X[a,b]``: only those columns of the table
``study.codebook[X]``     ``codebook:X`` (iterating: ``codebook:*``)
``study.coder_assessments``  ``table:assessments`` (coder rows come from that table)
``study.descriptor``, ``.title``  ``descriptor``
``study.path``            ``path``: every file of the study that is not a table
                          (commentary, ``DATALOG.md``, ``constraints.csv``, the descriptor)
:func:`note_file`         ``file:<relative path>`` (one such file, e.g. a commentary file)
========================  =========================================================

Tables are read only through the loader, so the ``path`` read covers every
other file a computation can reach. A result depends on the *content* of what
it read: :func:`read_digests` gives a digest per read name (a table's digest
is over its typed values, so rewriting a file without changing a value
changes nothing). A cached chapter or analysis is used again when the digests
of the reads it recorded are unchanged; that is sound for any deterministic
computation, whatever path through the data it takes, because a computation
that read the same values takes the same path again.

Logs nest: a shared analysis computed inside a chapter records its reads in
its own log *and* in the chapter's, since the chapter depends on the result.
``evalkit run`` sets :data:`READS_ENV` for its kernels; the chapter session
then writes every new read to :data:`READS_FILE` in the kernel's folder, one
per line, so the reads survive a kernel that dies.
"""

from __future__ import annotations

import contextvars
import dataclasses
import hashlib
import json
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from evalkit.study.model import Study

READS_ENV = "EVALKIT_TRACE_READS"
READS_FILE = ".evalkit-reads"
ALL_TABLES = "table:*"
ALL_CODEBOOK = "codebook:*"
DESCRIPTOR = "descriptor"
PATH = "path"
#: Every part of the study: what a computation that gave no account of its reads depends on.
EVERYTHING = "everything"

_context_logs: contextvars.ContextVar[tuple] = contextvars.ContextVar("evalkit_read_logs", default=())
_process_logs: list[ReadLog] = []  # logs active for the whole process (a chapter session in its kernel)
_lock = threading.Lock()


class ReadLog:
    """A set of read names; optionally appended to a file as they come.

    Use as a context manager for one computation (nested logs all receive a
    read), or :meth:`activate_for_process` for a chapter's kernel.
    """

    def __init__(self, file: Path | None = None):
        self.names: set[str] = set()
        self.file = Path(file) if file is not None else None
        self._token = None

    def add(self, name: str) -> None:
        with _lock:
            if name in self.names:
                return
            self.names.add(name)
            if self.file is not None:
                try:
                    with open(self.file, "a", encoding="utf-8") as handle:
                        handle.write(name + "\n")
                except OSError:
                    self.file = None  # the chapter then has no account of its reads: it depends on everything

    def __enter__(self) -> ReadLog:
        self._token = _context_logs.set((*_context_logs.get(), self))
        return self

    def __exit__(self, *exc) -> None:
        _context_logs.reset(self._token)

    def activate_for_process(self) -> ReadLog:
        """Record every read in this process from now on (a chapter session)."""
        _process_logs.append(self)
        if self.file is not None:
            self.file.write_text("", encoding="utf-8")
        return self


def record(name: str) -> None:
    """Note the read ``name`` in every active log."""
    for log in (*_process_logs, *_context_logs.get()):
        log.add(name)


def record_all(names: Iterable[str]) -> None:
    """Note several reads (those a cached result recorded when it was computed)."""
    for name in names:
        record(name)


def read_names(file: Path) -> set[str] | None:
    """The reads a kernel wrote to ``file``; None when it wrote none (then it depends on everything)."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError:
        return None
    return {line.strip() for line in text.splitlines() if line.strip()}


class _TracedMapping(dict):
    """A dict of tables that notes which are read (a plain dict when pickled or copied)."""

    def __init__(self, data: Mapping, prefix: str):
        super().__init__(data)
        self._prefix = prefix

    def __getitem__(self, name):
        record(f"{self._prefix}:{name}")
        return super().__getitem__(name)

    def get(self, name, default=None):
        record(f"{self._prefix}:{name}")
        return super().get(name, default)

    def __contains__(self, name) -> bool:
        record(f"{self._prefix}:{name}")
        return super().__contains__(name)

    def _everything(self) -> None:
        record(f"{self._prefix}:*")

    def __iter__(self):
        self._everything()
        return super().__iter__()

    def __len__(self) -> int:
        self._everything()
        return super().__len__()

    def keys(self):
        self._everything()
        return super().keys()

    def values(self):
        self._everything()
        return super().values()

    def items(self):
        self._everything()
        return super().items()

    def copy(self) -> dict:
        self._everything()
        return dict(super().items())

    def __reduce__(self):
        return (dict, (dict(super().items()),))


_ATTRIBUTE_READS = {
    "descriptor": DESCRIPTOR,
    "title": DESCRIPTOR,
    "path": PATH,
    "coder_assessments": "table:assessments",
}


class TracedStudy(Study):
    """A :class:`~evalkit.study.model.Study` whose reads are noted (see the module docstring)."""

    def __getattribute__(self, name: str):
        read = _ATTRIBUTE_READS.get(name)
        if read is not None:
            record(read)
        return object.__getattribute__(self, name)

    def __reduce__(self):
        return (_plain_study, (untraced(self),))


def _plain_study(study: Study) -> Study:
    return study


def untraced(study: Study) -> Study:
    """Return the plain study behind ``study`` (``study`` itself if it is not traced)."""
    if not isinstance(study, TracedStudy):
        return study
    plain = object.__getattribute__(study, "__dict__").get("_evalkit_plain")
    if plain is not None:
        return plain
    values = {f.name: object.__getattribute__(study, f.name) for f in dataclasses.fields(Study)}
    for name in ("tables", "codebook"):
        if isinstance(values[name], _TracedMapping):
            values[name] = dict(dict.items(values[name]))
    return Study(**values)


def traced(study: Study) -> Study:
    """Return ``study`` with its reads noted in the active logs (the same frames, not copies)."""
    plain = untraced(study)
    values = {f.name: getattr(plain, f.name) for f in dataclasses.fields(Study)}
    values["tables"] = _TracedMapping(plain.tables, "table")
    values["codebook"] = _TracedMapping(plain.codebook, "codebook")
    result = TracedStudy(**values)
    object.__setattr__(result, "_evalkit_plain", plain)  # digests are memoised on the plain study
    return result


def columns(study: Study, table: str, names) -> object:
    """Return only the columns ``names`` of ``table``, noting the read ``table:<table>[<names>]``.

    For a computation that needs a few columns of a table whose other values
    change often (which municipality a series of case counts belongs to, not
    the counts): it then depends on those columns alone.
    """
    names = sorted(names)
    record(f"table:{table}[{','.join(names)}]")
    return untraced(study).tables[table][list(names)]


def note_file(study: Study, relpath: str) -> Path | None:
    """Return ``<study folder>/<relpath>`` and note it as the read ``file:<relpath>`` (not all of ``path``)."""
    folder = object.__getattribute__(study, "path")
    record(f"file:{relpath}")
    return None if folder is None else Path(folder) / relpath


# --------------------------------------------------------------------------- digests of reads

_digest_cache: dict[int, tuple[object, dict]] = {}


def _frame_digest(frame) -> str:
    text = frame.to_json(orient="split", default_handler=str) + json.dumps([str(t) for t in frame.dtypes])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(material: object) -> str:
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def table_files(study: Study) -> set[str]:
    """The study files that hold tables (resource paths of its descriptor)."""
    descriptor = object.__getattribute__(study, "descriptor")
    files = set()
    for resource in descriptor.get("resources", []) if isinstance(descriptor, Mapping) else []:
        path = resource.get("path") if isinstance(resource, Mapping) else None
        for item in path if isinstance(path, list) else [path]:
            if isinstance(item, str):
                files.add(Path(item).as_posix())
    return files


def _other_files(study: Study) -> dict[str, str]:
    folder = object.__getattribute__(study, "path")
    if folder is None or not Path(folder).is_dir():
        return {}
    skip = table_files(study)
    found = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            relpath = path.relative_to(folder).as_posix()
            if not name.startswith(".") and relpath not in skip:
                found[relpath] = _sha256_file(path)
    return found


def read_digest(study: Study, name: str) -> str:
    """Return the digest of the part of ``study`` that the read ``name`` stands for."""
    plain = untraced(study)
    with _lock:
        cached = _digest_cache.get(id(plain))
        if cached is None or cached[0] is not plain:
            cached = (plain, {})
            _digest_cache[id(plain)] = cached
        memo = cached[1]
        if name in memo:
            return memo[name]
    kind, _, part = name.partition(":")
    if name == EVERYTHING:
        value = _digest({n: read_digest(plain, n) for n in (ALL_TABLES, ALL_CODEBOOK, DESCRIPTOR, PATH)})
    elif kind in ("table", "codebook") and part == "*":
        mapping = plain.tables if kind == "table" else plain.codebook
        value = _digest({n: read_digest(plain, f"{kind}:{n}") for n in sorted(mapping)})
    elif kind == "table" and part.endswith("]") and "[" in part:
        table, _, listed = part[:-1].partition("[")
        frame = plain.tables.get(table)
        value = "absent" if frame is None else _frame_digest(frame[[c for c in listed.split(",") if c]])
    elif kind == "table":
        frame = plain.tables.get(part)
        value = "absent" if frame is None else _frame_digest(frame)
        if part == "assessments":
            value = _digest([value, _frame_digest(plain.coder_assessments)])
    elif kind == "codebook":
        frame = plain.codebook.get(part)
        value = "absent" if frame is None else _frame_digest(frame)
    elif name == DESCRIPTOR:
        value = _digest([plain.title, plain.descriptor])
    elif name == PATH:
        value = _digest(_other_files(plain))
    elif kind == "file":
        path = None if plain.path is None else Path(plain.path) / part
        value = _sha256_file(path) if path is not None and path.is_file() else "absent"
    else:
        value = "unknown:" + name  # a read this version does not know: never equal to a digest
    with _lock:
        memo[name] = value
    return value


def read_digests(study: Study, names: Iterable[str]) -> dict[str, str]:
    """Return ``{read name: digest}`` for ``names``."""
    return {name: read_digest(study, name) for name in sorted(set(names))}


def reads_unchanged(study: Study, recorded: Mapping[str, str]) -> bool:
    """Whether every read in ``recorded`` (``{name: digest}``) still has its digest in ``study``."""
    return bool(recorded) and all(read_digest(study, name) == digest for name, digest in recorded.items())
