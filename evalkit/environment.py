"""The software a result depends on: evalkit's own source and the whole installed environment.

Every cached result of evalkit (a report, a chapter, an analysis, a
validation result; :mod:`evalkit.cache`) and every report's manifest record
the software that made them, so that a result made with another version of
any package is never served. "Any package" means every distribution installed
in the running Python environment, not only evalkit's direct dependencies:
a conda environment (floors, not pins) may hold another ``mistune`` or
``ipython`` than the one a cached report was made with, and either changes the
HTML of a chapter (issue 20 item 4).

:func:`software` is what the manifest records; :func:`software_digest` is one
SHA-256 over it, which the cache keys include.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from evalkit import __version__, paths

#: File suffixes of evalkit's own source that can change an output (code, templates, schema, data).
SOURCE_SUFFIXES = (".py", ".j2", ".json", ".css", ".html", ".csv", ".tpl", ".txt")
_CHUNK = 1 << 20


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _source_files(folder: Path, suffixes: tuple[str, ...]) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        if Path(root) == paths.PACKAGE_DIR and paths.SHIPPED_DIR.name in dirs:
            dirs.remove(paths.SHIPPED_DIR.name)  # a wheel's notebooks and studies are inputs, not source
        for name in sorted(files):
            if not name.startswith(".") and name.endswith(suffixes):
                yield Path(root) / name


def source_digest() -> str:
    """Return one SHA-256 over evalkit's package source (code, templates, schema, data files).

    An installed wheel's copy of the notebooks and studies (``evalkit/_shipped/``) is
    not source: they are hashed as inputs, so a checkout and a wheel give the same digest.
    """
    folder = paths.PACKAGE_DIR
    files = {path.relative_to(folder).as_posix(): _sha256_file(path) for path in _source_files(folder, SOURCE_SUFFIXES)}
    return hashlib.sha256(json.dumps(files, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _canonical_name(name: str) -> str:
    """The normalised distribution name of PEP 503 (``Jinja2`` -> ``jinja2``, ``ruamel.yaml`` -> ``ruamel-yaml``)."""
    return "-".join(part for part in name.lower().replace("_", "-").replace(".", "-").split("-") if part)


@functools.lru_cache(maxsize=1)
def installed_packages() -> dict[str, str]:
    """Return ``{normalised name: version}`` of every distribution installed in this environment.

    Read from the names of the ``<name>-<version>.dist-info`` (and ``.egg-info``)
    folders on ``sys.path``, as :mod:`importlib.metadata` finds them, which
    takes a millisecond where parsing every ``METADATA`` file takes half a
    second (it is on the path of an unchanged re-run); a folder whose name
    gives no version is read with :mod:`importlib.metadata`. evalkit itself is
    left out (its source digest stands for it, also in an editable install).
    The result is cached for the process.
    """
    packages: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = sorted(os.scandir(folder or "."), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith((".dist-info", ".egg-info")):
                continue
            name, _, version = entry.name.rsplit(".", 1)[0].partition("-")
            if not version:
                try:
                    found = metadata.PathDistribution(Path(entry.path))
                    name, version = found.metadata["Name"] or name, found.version or ""
                except Exception:  # noqa: S112 - an unreadable folder is not a distribution
                    continue
            canonical = _canonical_name(name)
            if canonical and canonical != "evalkit":
                # two installations of one name: the one Python imports (earlier on sys.path) counts
                packages.setdefault(canonical, version)
    return dict(sorted(packages.items()))


def software() -> dict:
    """Return what the manifest records of the software: evalkit, Python and every installed package."""
    return {
        "evalkit_version": __version__,
        "evalkit_source_sha256": source_digest(),
        "python_version": platform.python_version(),
        "packages": installed_packages(),
    }


def software_digest(recorded: dict | None = None) -> str:
    """Return one SHA-256 over :func:`software` (or over ``recorded``, a manifest's copy of it)."""
    material = software() if recorded is None else recorded
    text = json.dumps(material, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_differences(recorded: dict[str, str | None], now: dict[str, str] | None = None) -> list[str]:
    """Return one line per package whose version differs between ``recorded`` and ``now``.

    Names are compared in their normalised form, so a manifest written before
    names were normalised compares equal.
    """
    now = installed_packages() if now is None else now
    old = {_canonical_name(name): version for name, version in (recorded or {}).items()}
    lines = []
    for name in sorted(set(old) | set(now)):
        before, after = old.get(name), now.get(name)
        if before == after:
            continue
        if before is None:
            lines.append(f"{name} {after} installed now, not in the report's environment")
        elif after is None:
            lines.append(f"{name} {before} in the report's environment, not installed now")
        else:
            lines.append(f"{name} {after} now, {before} in the report")
    return lines
