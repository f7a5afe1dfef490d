"""The content store: every cache of evalkit, with one key function, one writer, one prune and one lock.

evalkit keeps four kinds of cached result, all here (issue 20 item 4):

``reports``
    a finished report folder, under its run key (an unchanged re-run is served from it);
``chapters``
    the outputs of one chapter in one language (executed notebook, page, tables, figures);
``analyses``
    a pickled analysis result shared by the chapters of a run (:mod:`evalkit.report.store`);
``validation``
    frictionless' verdict on one table (:mod:`evalkit.study.validate`).

Layout under the cache folder (:func:`evalkit.paths.cache_dir`)::

    blobs/<ab>/<sha256>          file contents, named by their SHA-256 and shared between entries
    <kind>/<key>.json            a signed record: the entry's files (relative path -> SHA-256) and notes
    <kind>/<base>/<variant>.json the same, for entries with several variants under one base key
    locks/                       the file locks (:meth:`ContentStore.lock`)
    discarded.log                one line per entry discarded as damaged or not signed by this user

**Nothing in the cache vouches for itself** (issue 19 item 4). Every entry is
found under a key derived from its inputs (:func:`key`, the one key function:
a SHA-256 over the kind and everything the result depends on), every record
carries an HMAC-SHA256 made with a per-user secret that lives outside the
cache folder (:func:`evalkit.paths.cache_secret_file`, created on first use
with permissions 0600), and every file is checked against the SHA-256 the
signed record names before it is used. A record someone edited (its files
and their hashes changed together), a file replaced in ``blobs/``, a record
copied from another user's cache: each is discarded with a note and the
result computed again. Pickled analyses are unpickled only after their record
and bytes verified, so a planted pickle is never loaded. The store is used
only when its folder is the user's own and not writable by others.

The cache is **bounded**: :meth:`ContentStore.prune` (called at the end of
every run) removes the least recently used entries until the store is under
``$EVALKIT_CACHE_MAX_BYTES`` (default :data:`DEFAULT_MAX_BYTES`), then every
file no entry names. Files are written with :func:`evalkit.safeio.write_bytes_atomic`
(a unique temporary name, renamed into place), and concurrent users of one
entry wait on a :class:`filelock.FileLock` (portable: fcntl on POSIX,
msvcrt on Windows).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import stat
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from evalkit import paths
from evalkit.safeio import write_bytes_atomic

KINDS = ("reports", "chapters", "analyses", "validation")
FORMAT = 1
BLOBS_DIRNAME = "blobs"
LOCKS_DIRNAME = "locks"
DISCARDED_LOG = "discarded.log"
MAX_BYTES_ENV = "EVALKIT_CACHE_MAX_BYTES"
#: The default bound of the whole cache folder (a report with PDFs is about 15 MB).
DEFAULT_MAX_BYTES = 1 << 30
#: Files younger than this are never removed as unreferenced (an entry may be being written).
GRACE_SECONDS = 3600
_HEX = frozenset("0123456789abcdef")
_CHUNK = 1 << 20
_secret_lock = threading.Lock()
_secrets: dict[Path, bytes] = {}
_secret_notes: list[str] = []


# --------------------------------------------------------------------------- the one key function


def canonical_json(material: object) -> bytes:
    """Return ``material`` as canonical JSON bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def key(kind: str, material: Mapping) -> str:
    """Return the key of a cached result: a SHA-256 over ``kind`` and everything the result depends on.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS` (or another name for a new kind of result).
    material : mapping
        JSON-serialisable description of every input: file hashes, parameters,
        code and software digests (:func:`evalkit.environment.software_digest`).

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    return hashlib.sha256(canonical_json({"kind": kind, "material": material})).hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- the per-user secret


def _private(path: Path) -> bool:
    """Whether ``path`` belongs to this user and nobody else can read or write it (always true off POSIX)."""
    if not hasattr(os, "getuid"):
        return True
    info = os.stat(path)
    return info.st_uid == os.getuid() and not info.st_mode & 0o077


def secret() -> bytes:
    """Return this user's cache secret, creating it (0600, outside the cache folder) on first use.

    A secret file that others can read or that belongs to someone else is
    replaced (entries signed with it are then not trusted). When the
    configuration folder cannot be written, a secret for this process only is
    used: nothing cached is trusted by a later run, which is slower but safe.
    """
    path = paths.cache_secret_file()
    with _secret_lock:
        if path in _secrets:
            return _secrets[path]
        value = _load_or_create_secret(path)
        _secrets[path] = value
        return value


def _load_or_create_secret(path: Path) -> bytes:
    for _attempt in range(20):
        try:
            if _private(path):
                text = path.read_text(encoding="ascii").strip()
                if len(text) == 64 and set(text) <= _HEX:
                    return bytes.fromhex(text)
                if text:  # damaged: replace
                    path.unlink()
                else:  # another process is writing it this moment
                    time.sleep(0.05)
                    continue
            else:
                _secret_notes.append(f"{path} could be read by other users; a new cache secret was made")
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            break
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue  # another process made it first: read theirs
        except OSError:
            break
        value = secrets.token_bytes(32)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(value.hex())
        return value
    _secret_notes.append(f"the cache secret {path} cannot be written; cached results are used within this run only")
    return secrets.token_bytes(32)


def _mac(record: Mapping) -> str:
    body = {name: value for name, value in record.items() if name != "mac"}
    return hmac.new(secret(), canonical_json(body), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Entry:
    """A verified record of the store: which files make up a cached result.

    Attributes
    ----------
    kind, key : str
        Where it is filed (``key`` may be ``<base>/<variant>``).
    files : mapping
        ``{relative path: sha256}`` of its files (``{"value": sha256}`` for a value).
    extra : mapping
        What the writer recorded beside the files (e.g. the inputs a chapter read).
    """

    kind: str
    key: str
    files: Mapping[str, str]
    extra: Mapping = field(default_factory=dict)


def _valid_key(text: str) -> bool:
    parts = text.split("/")
    return 1 <= len(parts) <= 2 and all(len(part) == 64 and set(part) <= _HEX for part in parts)


def _valid_relpath(relpath: object) -> bool:
    if not isinstance(relpath, str) or not relpath or "\\" in relpath or "\0" in relpath:
        return False
    parts = relpath.split("/")
    return not relpath.startswith("/") and all(part not in ("", ".", "..") for part in parts)


def _read_regular(path: Path) -> bytes:
    """Read a regular file without following a symbolic link (``OSError`` otherwise)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read()


class ContentStore:
    """One cache folder: signed records of content-addressed files.

    Parameters
    ----------
    root : path, optional
        The folder (default :func:`evalkit.paths.cache_dir`). Created (0700) if missing.

    Attributes
    ----------
    usable : bool
        False when the folder is not this user's own or others may write it:
        nothing is then read from it or written to it.
    notes : list of str
        What the store discarded or refused, for the run to print.
    """

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else paths.cache_dir()
        self.notes: list[str] = list(_secret_notes)
        self.usable = self._check_root()

    # ----------------------------------------------------------------- the folder

    def _check_root(self) -> bool:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            info = os.stat(self.root)
        except OSError as error:
            self.notes.append(
                f"cache folder {paths.display_path(self.root)} cannot be used ({error.strerror or error})"
            )
            return False
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
            self.notes.append(
                f"cache folder {paths.display_path(self.root)} belongs to another user or others may write to it; "
                "it is not used (make it your own with mode 700, or set EVALKIT_CACHE_DIR)"
            )
            return False
        return True

    def _record_path(self, kind: str, entry_key: str) -> Path:
        if not _valid_key(entry_key) or not kind.isidentifier():
            raise ValueError(f"not a cache key: {kind}/{entry_key}")
        return self.root / kind / f"{entry_key}.json"

    def _blob_path(self, digest: str) -> Path:
        return self.root / BLOBS_DIRNAME / digest[:2] / digest

    # ----------------------------------------------------------------- writing

    def _put_blob(self, data: bytes) -> str:
        digest = sha256_bytes(data)
        path = self._blob_path(digest)
        try:
            if _read_regular(path) == data:
                os.utime(path)  # recently used: kept by prune's grace period
                return digest
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data)
        return digest

    def _put_record(self, kind: str, entry_key: str, files: Mapping[str, str], extra: Mapping | None) -> Entry:
        record = {"format": FORMAT, "kind": kind, "key": entry_key, "files": dict(files), "extra": dict(extra or {})}
        record["mac"] = _mac(record)
        path = self._record_path(kind, entry_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, canonical_json(record))
        return Entry(kind, entry_key, dict(files), dict(extra or {}))

    def put_files(
        self, kind: str, entry_key: str, folder: Path, relpaths: Iterable[str], extra: Mapping | None = None
    ) -> Entry | None:
        """Store the files ``relpaths`` of ``folder`` as one entry; return it (None if the store is not usable)."""
        if not self.usable:
            return None
        files = {}
        for relpath in sorted(relpaths):
            if not _valid_relpath(relpath):
                raise ValueError(f"not a relative path inside the entry: {relpath!r}")
            files[relpath] = self._put_blob(_read_regular(Path(folder) / relpath))
        return self._put_record(kind, entry_key, files, extra)

    def put_value(self, kind: str, entry_key: str, data: bytes, extra: Mapping | None = None) -> Entry | None:
        """Store ``data`` as one entry (a single file called ``value``)."""
        if not self.usable:
            return None
        return self._put_record(kind, entry_key, {"value": self._put_blob(data)}, extra)

    # ----------------------------------------------------------------- reading

    def entry(self, kind: str, entry_key: str) -> Entry | None:
        """Return the verified record of ``kind``/``entry_key``, or None (a forged or damaged one is discarded)."""
        if not self.usable:
            return None
        path = self._record_path(kind, entry_key)
        try:
            data = _read_regular(path)
        except FileNotFoundError:
            return None
        except OSError:
            self.discard(kind, entry_key, "its record is not a regular file")
            return None
        return self._verified(kind, entry_key, path, data)

    def _verified(self, kind: str, entry_key: str, path: Path, data: bytes) -> Entry | None:
        try:
            record = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            self.discard(kind, entry_key, "its record is not valid JSON")
            return None
        if not isinstance(record, dict) or not isinstance(record.get("mac"), str):
            self.discard(kind, entry_key, "its record is not signed")
            return None
        if not hmac.compare_digest(record["mac"], _mac(record)):
            self.discard(kind, entry_key, "its record is not signed by this user's cache secret (edited or copied)")
            return None
        files = record.get("files")
        if (
            record.get("format") != FORMAT
            or record.get("kind") != kind
            or record.get("key") != entry_key
            or not isinstance(files, dict)
            or not all(_valid_relpath(p) and isinstance(d, str) and _valid_key(d) for p, d in files.items())
        ):
            self.discard(kind, entry_key, "its record does not describe this entry")
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used: pruned last
        extra = record.get("extra") if isinstance(record.get("extra"), dict) else {}
        return Entry(kind, entry_key, files, extra)

    def variants(self, kind: str, base: str) -> list[Entry]:
        """Return the verified entries filed under ``<kind>/<base>/``, most recently used first."""
        if not self.usable:
            return []
        folder = self._record_path(kind, base).with_suffix("")
        try:
            paths_ = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return []
        entries = []
        for path in paths_:
            entry = self.entry(kind, f"{base}/{path.stem}") if _valid_key(path.stem) else None
            if entry is not None:
                entries.append(entry)
        return entries

    def read(self, entry: Entry, relpath: str) -> bytes | None:
        """Return the bytes of one file of ``entry`` if they have the recorded SHA-256 (else discard the entry)."""
        digest = entry.files.get(relpath)
        if digest is None:
            return None
        try:
            data = _read_regular(self._blob_path(digest))
        except OSError:
            self.discard(entry.kind, entry.key, f"its file {relpath} is missing")
            return None
        if sha256_bytes(data) != digest:
            self.discard(entry.kind, entry.key, f"its file {relpath} does not have the recorded SHA-256")
            return None
        return data

    def get_value(self, kind: str, entry_key: str) -> bytes | None:
        """Return the bytes stored with :meth:`put_value`, verified, or None."""
        entry = self.entry(kind, entry_key)
        return None if entry is None else self.read(entry, "value")

    def intact(self, entry: Entry) -> bool:
        """Return whether every file of ``entry`` is there with its recorded SHA-256 (discarding it if not)."""
        return all(self.read(entry, relpath) is not None for relpath in entry.files)

    def restore(self, entry: Entry, target: Path) -> list[str] | None:
        """Write the files of ``entry`` into ``target``; return their paths, or None if one is damaged.

        Each file is verified before it is written, so a damaged entry writes
        nothing it did not verify; the caller removes what was written.
        """
        written = []
        for relpath in sorted(entry.files):
            data = self.read(entry, relpath)
            if data is None:
                return None
            destination = Path(target) / relpath
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(destination, data)
            written.append(relpath)
        return written

    def discard(self, kind: str, entry_key: str, reason: str) -> None:
        """Remove a damaged or forged entry and note why (in :attr:`notes` and ``discarded.log``)."""
        note = f"cache: discarded {kind} entry {entry_key[:12]}…: {reason}"
        self.notes.append(note)
        with contextlib.suppress(OSError, ValueError):
            self._record_path(kind, entry_key).unlink(missing_ok=True)
        with contextlib.suppress(OSError), open(self.root / DISCARDED_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {note}\n")

    def log_position(self) -> int:
        """The current end of ``discarded.log`` (see :meth:`logged_since`)."""
        try:
            return (self.root / DISCARDED_LOG).stat().st_size
        except OSError:
            return 0

    def logged_since(self, position: int) -> list[str]:
        """The notes any process (a kernel too) logged after ``position``, without their time stamps."""
        try:
            with open(self.root / DISCARDED_LOG, "rb") as handle:
                handle.seek(position)
                text = handle.read().decode("utf-8", "replace")
        except OSError:
            return []
        return [line.split(" ", 1)[1] for line in text.splitlines() if " " in line]

    def remove(self, kind: str, entry_key: str) -> None:
        """Remove an entry (its files go at the next prune)."""
        with contextlib.suppress(OSError, ValueError):
            self._record_path(kind, entry_key).unlink(missing_ok=True)

    # ----------------------------------------------------------------- locks

    @contextlib.contextmanager
    def lock(self, kind: str, entry_key: str, timeout: float = -1) -> Iterator[None]:
        """Hold the lock of one entry (a second process computing the same result waits for the first).

        Raises ``filelock.Timeout`` after ``timeout`` seconds (-1: wait as long as it takes).
        """
        from filelock import FileLock

        folder = self.root / LOCKS_DIRNAME
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder / f"{kind}-{entry_key.replace('/', '-')}.lock"), timeout=timeout):
            yield

    # ----------------------------------------------------------------- prune

    def prune(self, max_bytes: int | None = None) -> dict:
        """Keep the store under ``max_bytes``: drop least recently used entries, then unreferenced files.

        Returns ``{"entries": removed, "files": removed, "bytes": size after}``;
        nothing happens while another process prunes.
        """
        from filelock import FileLock, Timeout

        outcome = {"entries": 0, "files": 0, "bytes": 0}
        if not self.usable:
            return outcome
        limit = configured_max_bytes() if max_bytes is None else max_bytes
        (self.root / LOCKS_DIRNAME).mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.root / LOCKS_DIRNAME / "prune.lock"), timeout=0):
                return self._prune(limit, outcome)
        except Timeout:
            return outcome

    def _prune(self, limit: int, outcome: dict) -> dict:
        now = time.time()
        records = []  # (mtime, path, size, blobs)
        for kind_dir in self.root.iterdir():
            if not kind_dir.is_dir() or kind_dir.name in (BLOBS_DIRNAME, LOCKS_DIRNAME):
                continue
            for path in kind_dir.rglob("*"):
                with contextlib.suppress(OSError):
                    info = path.lstat()
                    if path.name.startswith(".") and stat.S_ISREG(info.st_mode) and now - info.st_mtime > GRACE_SECONDS:
                        path.unlink()  # a temporary file of a writer that died
                    elif path.suffix == ".json" and stat.S_ISREG(info.st_mode):
                        try:
                            files = json.loads(path.read_bytes()).get("files", {})
                            blobs = {d for d in files.values() if isinstance(d, str) and _valid_key(d)}
                        except (ValueError, AttributeError):
                            blobs = set()
                        records.append((info.st_mtime, path, info.st_size, blobs))
        blobs = {}
        for path in (self.root / BLOBS_DIRNAME).rglob("*") if (self.root / BLOBS_DIRNAME).is_dir() else ():
            with contextlib.suppress(OSError):
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode):
                    continue
                if path.name.startswith("."):
                    if now - info.st_mtime > GRACE_SECONDS:
                        path.unlink()
                    continue
                blobs[path.name] = (path, info.st_size, info.st_mtime)
        references: dict[str, int] = {}
        for _mtime, _path, _size, names in records:
            for name in names:
                references[name] = references.get(name, 0) + 1

        def remove_blob(name: str) -> None:
            path, size, _ = blobs.pop(name)
            with contextlib.suppress(OSError):
                path.unlink()
                outcome["files"] += 1

        for name, (_, _, mtime) in list(blobs.items()):
            if name not in references and now - mtime > GRACE_SECONDS:
                remove_blob(name)
        total = sum(size for _, size, _ in blobs.values()) + sum(size for _, _, size, _ in records)
        for _mtime, path, size, names in sorted(records, key=lambda r: r[0]):
            if total <= limit:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            outcome["entries"] += 1
            total -= size
            for name in names:
                references[name] -= 1
                if references[name] == 0 and name in blobs:
                    total -= blobs[name][1]
                    remove_blob(name)
        outcome["bytes"] = total
        return outcome

    def size(self) -> int:
        """Return the bytes the store holds (files and records)."""
        total = 0
        for path in self.root.rglob("*"):
            with contextlib.suppress(OSError):
                info = path.lstat()
                if stat.S_ISREG(info.st_mode):
                    total += info.st_size
        return total

    def clear(self) -> None:
        """Remove everything in the store folder."""
        shutil.rmtree(self.root, ignore_errors=True)


def configured_max_bytes() -> int:
    """The bound of the cache folder: ``$EVALKIT_CACHE_MAX_BYTES`` (bytes; ``500M``, ``2G`` allowed) or the default."""
    text = os.environ.get(MAX_BYTES_ENV, "").strip().upper()
    if not text:
        return DEFAULT_MAX_BYTES
    factor = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    try:
        return max(0, int(float(text.rstrip("KMGB") or "0") * factor))
    except ValueError:
        print(f"evalkit: {MAX_BYTES_ENV}={text!r} is not a size; using {DEFAULT_MAX_BYTES} bytes", file=sys.stderr)
        return DEFAULT_MAX_BYTES
