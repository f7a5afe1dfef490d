"""No tracked file copies the source report's sentences: facts carry over, wording does not.

The seed documents (the 2019 report and its press release) are not part of the
repository. Where they are on the machine (``EVALKIT_SEED_DIR``, or ``shared/seeds``
beside the checkout), every tracked text file is scanned for a run of
:data:`RUN` or more words that also occurs in a seed. A section title may be
cited as a source however long it is, so a run that lies inside one of the
report's headings (a line of at most 20 words without a full stop) is allowed.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from evalkit import paths

RUN = 12
TEXT_SUFFIXES = {".py", ".md", ".csv", ".json", ".ipynb", ".txt", ".j2", ".yml", ".yaml", ".toml", ".html"}


def seed_dir() -> Path | None:
    """Where the seed documents are, if anywhere."""
    candidates = [os.environ.get("EVALKIT_SEED_DIR")]
    candidates += [str(parent / "shared" / "seeds") for parent in paths.PROJECT_ROOT.parents[:2]]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir() and list(Path(candidate).glob("*.txt")):
            return Path(candidate)
    return None


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def heading_runs(seed: str, n: int = RUN) -> set[tuple[str, ...]]:
    """The runs inside the seed's headings: lines of at most 20 words that end without a full stop."""
    found = set()
    for line in seed.splitlines():
        line = line.strip()
        if line and len(words(line)) <= 20 and not line.endswith((".", "?", "!", ":", "”", '"')):
            found |= runs(line, n)
    return found


def copied_runs(text: str, seed_runs: set[tuple[str, ...]], n: int = RUN) -> list[str]:
    w = words(text)
    return [" ".join(w[i : i + n]) for i in range(len(w) - n + 1) if tuple(w[i : i + n]) in seed_runs]


def test_the_scan_finds_a_copied_run():
    seed = runs("ett två tre fyra fem sex sju åtta nio tio elva tolv tretton", 12)
    assert copied_runs("x ett två tre fyra fem sex sju åtta nio tio elva tolv y", seed) != []
    assert copied_runs("ett två tre fyra fem sex sju åtta nio tio elva", seed) == []
    heading = "Ett två tre fyra fem sex sju åtta nio tio elva tolv tretton"
    assert runs(heading) <= heading_runs(heading + "\nEn mening som slutar med punkt.")


@pytest.mark.skipif(seed_dir() is None, reason="the seed documents are not on this machine")
def test_no_tracked_file_copies_a_run_of_words_from_the_seed():
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seed_dir().glob("*.txt"))]
    seed_runs = set().union(*(runs(seed) for seed in seeds)) - set().union(*(heading_runs(seed) for seed in seeds))
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=paths.PROJECT_ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    found = {}
    for name in filter(None, listed.split("\0")):
        path = paths.PROJECT_ROOT / name
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        copied = copied_runs(path.read_text(encoding="utf-8", errors="replace"), seed_runs)
        if copied:
            found[name] = copied[0]
    assert not found, found
