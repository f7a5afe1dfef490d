"""Writing several files of a study as one change: all of them, or none.

An import changes more than one file (``qda import`` adds interviews, writes
the coded segments, may register a table in ``datapackage.json`` and writes a
review file). :class:`FileSet` collects the new contents and writes them in
two phases:

1. every new content goes to a hidden temporary file beside its target; if
   any of these writes fails (a read-only folder, a full disk), the temporary
   files are removed and nothing in the study has changed;
2. each target is kept as a hidden backup (a hard link, or a copy where links
   are not possible) and the temporary file is renamed into place; if a
   rename fails, the targets already replaced are put back from their
   backups and new files are removed.

A failure is a :class:`WriteError` with one line that names the file and the
reason, never a traceback.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path


class WriteError(OSError):
    """A file of the study cannot be written; nothing was changed. ``str(error)`` is one line."""


def reason(error: OSError) -> str:
    """The operating system's reason, in words (``Read-only file system``)."""
    return error.strerror or type(error).__name__


def hidden_sibling(path: Path, what: str) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.{what}")


class FileSet:
    """New contents for several files, written together (see the module docstring)."""

    def __init__(self) -> None:
        self.staged: dict[Path, bytes] = {}

    def stage(self, path: Path | str, data: bytes) -> None:
        """Set the new content of ``path`` (the last one staged wins)."""
        self.staged[Path(path)] = data

    def __bool__(self) -> bool:
        return bool(self.staged)

    def commit(self) -> list[Path]:
        """Write every staged file, or none.

        Returns
        -------
        list of pathlib.Path
            The files written, in the order staged.

        Raises
        ------
        WriteError
            If any file cannot be written; every file is then as it was.
        """
        temporaries: dict[Path, Path] = {}
        try:
            for path, data in self.staged.items():
                temporary = hidden_sibling(path, "tmp")
                descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                temporaries[path] = temporary
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                if path.exists():
                    os.chmod(temporary, path.stat().st_mode & 0o7777)
        except OSError as error:
            remove(temporaries.values())
            raise WriteError(f"cannot write {path}: {reason(error)}; nothing in the study was changed.") from None
        backups: dict[Path, Path | None] = {}
        try:
            for path in self.staged:
                backups[path] = backup_of(path)
                os.replace(temporaries[path], path)
        except OSError as error:
            for done, backup in backups.items():
                restore(done, backup, replaced=done != path)
            remove(temporaries.values())
            raise WriteError(f"cannot write {path}: {reason(error)}; nothing in the study was changed.") from None
        finally:
            remove(b for b in backups.values() if b is not None)
        return list(self.staged)


def backup_of(path: Path) -> Path | None:
    """A hidden copy of ``path`` as it is now (``None`` when it does not exist)."""
    if not path.exists():
        return None
    backup = hidden_sibling(path, "bak")
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def restore(path: Path, backup: Path | None, replaced: bool) -> None:
    """Put ``path`` back as it was before the commit (best effort)."""
    try:
        if backup is not None:
            os.replace(backup, path)
        elif replaced:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def remove(paths) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass
