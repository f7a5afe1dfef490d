"""Opening zip containers (.xlsx workbooks, .qdpx projects) without trusting them.

Both an Excel workbook and a REFI-QDA project are zip archives that a user
receives from someone else. Before any member is read, :func:`open_zip`
checks the archive against fixed limits, so that a hostile or broken file is
refused with a clear message instead of exhausting memory or disk:

* the file itself is at most ``max_file_bytes`` and is a zip archive;
* it has at most ``max_members`` members;
* every member name is a relative path inside the archive (no ``..``, no
  absolute path, no drive letter): "zip slip";
* the declared uncompressed size of every member and of all members together
  stays under the limits, and no member expands more than
  ``max_ratio`` times: "zip bomb".

:func:`read_member` then reads one member while counting the bytes actually
produced, so a member whose header lies about its size is stopped as well.
Nothing is ever extracted to disk.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """Limits an archive must respect.

    Attributes
    ----------
    max_file_bytes : int
        Size of the archive file on disk.
    max_members : int
        Number of members.
    max_member_bytes : int
        Uncompressed size of one member.
    max_total_bytes : int
        Uncompressed size of all members together.
    max_ratio : float
        Uncompressed size divided by compressed size, per member (members
        under 1 MB uncompressed are exempt: tiny XML files compress well).
    """

    max_file_bytes: int = 200 * MB
    max_members: int = 10_000
    max_member_bytes: int = 200 * MB
    max_total_bytes: int = 1024 * MB
    max_ratio: float = 200.0


class UnsafeArchiveError(ValueError):
    """An archive cannot be read safely; ``str(error)`` says why and what to do."""


def unsafe_member_name(name: str) -> bool:
    """Whether a member name would point outside the archive's own folder."""
    normalised = name.replace("\\", "/")
    path = PurePosixPath(normalised)
    return (
        normalised.startswith("/")
        or ".." in path.parts
        or (len(normalised) > 1 and normalised[1] == ":")
        or "\x00" in normalised
    )


def open_zip(path: Path, limits: ZipLimits, what: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip archive after checking it against ``limits``.

    Parameters
    ----------
    path : pathlib.Path
        The archive.
    limits : ZipLimits
    what : str
        What the file should be, for messages (``"an Excel workbook (.xlsx)"``).

    Returns
    -------
    zipfile.ZipFile
        Open for reading; the caller closes it.

    Raises
    ------
    UnsafeArchiveError
        If the file is missing, too large, not a zip archive, or breaks a limit.
    """
    path = Path(path)
    if not path.is_file():
        raise UnsafeArchiveError(f"{path.name} does not exist or is not a file.")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise UnsafeArchiveError(
            f"{path.name} is {size / MB:.0f} MB, more than the {limits.max_file_bytes / MB:.0f} MB evalkit reads "
            f"for {what}."
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsafeArchiveError(
            f"{path.name} is not {what}: it is not a zip archive (it may be damaged, or another format renamed)."
        ) from None
    try:
        check_members(archive, limits, path.name)
    except UnsafeArchiveError:
        archive.close()
        raise
    return archive


def check_members(archive: zipfile.ZipFile, limits: ZipLimits, name: str) -> None:
    """Raise :class:`UnsafeArchiveError` if the archive's members break a limit."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise UnsafeArchiveError(f"{name} holds {len(members)} files, more than the {limits.max_members} allowed.")
    total = 0
    for member in members:
        if unsafe_member_name(member.filename):
            raise UnsafeArchiveError(
                f"{name} contains a file named {member.filename!r} that points outside the archive "
                "(a 'zip slip' path); evalkit does not read such archives."
            )
        if member.file_size > limits.max_member_bytes:
            raise UnsafeArchiveError(
                f"{name}: {member.filename} would expand to {member.file_size / MB:.0f} MB, more than the "
                f"{limits.max_member_bytes / MB:.0f} MB allowed for one file."
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MB and ratio > limits.max_ratio:
            raise UnsafeArchiveError(
                f"{name}: {member.filename} expands {ratio:.0f} times (a 'zip bomb'); evalkit does not read it."
            )
        total += member.file_size
    if total > limits.max_total_bytes:
        raise UnsafeArchiveError(
            f"{name} would expand to {total / MB:.0f} MB in total, more than the {limits.max_total_bytes / MB:.0f} MB "
            "allowed."
        )


def find_member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The member called ``name`` (compared without case, ``\\`` read as ``/``), or ``None``."""
    wanted = name.replace("\\", "/").lstrip("/").casefold()
    for member in archive.namelist():
        if member.replace("\\", "/").lstrip("/").casefold() == wanted:
            return member
    return None


def read_member(archive: zipfile.ZipFile, member: str, limits: ZipLimits) -> bytes:
    """Read one member, stopping as soon as it produces more than the member limit.

    Raises
    ------
    UnsafeArchiveError
        If the member expands beyond ``limits.max_member_bytes`` or cannot be
        decompressed.
    """
    chunks, produced = [], 0
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(MB):
                produced += len(chunk)
                if produced > limits.max_member_bytes:
                    raise UnsafeArchiveError(
                        f"{member} expands beyond {limits.max_member_bytes / MB:.0f} MB; evalkit stops reading it."
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise UnsafeArchiveError(f"{member} cannot be read from the archive ({error}).") from None
    return b"".join(chunks)
