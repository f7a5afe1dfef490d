"""Study commentary: what an evaluator writes about one study, shown at named places in a chapter.

The chapter notebooks hold only what is true of the method for every study.
Notes that belong to one study (how its data were reconstructed, its own
limits, exercises about its municipalities) live in the study folder::

    data/<study>/commentary/<chapter_id>.<language>.md

e.g. ``commentary/01_organisation.sv.md``. A file is Markdown, divided into
*slots* by marker lines; the text under a marker is shown where the chapter
notebook calls ``chapter.commentary("<slot>")``::

    <!-- slot: time_split -->
    The report publishes no individual time splits; the values shown are …

    <!-- slot: limits -->
    - **Who chose the interviewees.** …

The markers are HTML comments, so the file also previews cleanly as Markdown.
A slot may be left out (nothing is shown there); a chapter without a file
shows no commentary. :data:`SLOTS` lists the slots each chapter offers, in the
order they appear; :func:`commentary_problems` reports unknown files, unknown
slots, text outside any slot and slots that exist in one language only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

COMMENTARY_DIRNAME = "commentary"
LANGUAGES = ("sv", "en")
#: The slots each chapter notebook shows, in the order they appear.
SLOTS: dict[str, tuple[str, ...]] = {
    "00_study": (
        "introduction",
        "municipalities",
        "interviews",
        "survey",
        "provenance",
        "robustness",
        "limits",
        "exercises",
        "findings",
    ),
    "01_organisation": (
        "introduction",
        "posts",
        "time_split",
        "placement",
        "findings",
        "limits",
        "exercises",
    ),
    "02_quality_areas": (
        "introduction",
        "indicators",
        "heatmap",
        "groups",
        "findings",
        "limits",
        "exercises",
    ),
    "03_comparison": (
        "introduction",
        "team_vs_coordinator",
        "team_model",
        "case_statistics",
        "pre_trend",
        "level_change",
        "findings",
        "limits",
        "exercises",
    ),
    "04_success_factors": (
        "introduction",
        "conditions",
        "necessity",
        "success_solutions",
        "failure_solutions",
        "qca_assumptions",
        "qca_robustness",
        "findings",
        "limits",
        "exercises",
    ),
}
_MARKER = re.compile(r"^\s*<!--\s*slot:\s*([A-Za-z0-9_.]+)\s*-->\s*$")
_FILE = re.compile(r"^(?P<chapter>[0-9]{2}_[a-z_]+)\.(?P<language>[a-z]{2})\.md$")


def commentary_path(study_dir: Path, chapter_id: str, language: str) -> Path:
    """Where the commentary of one chapter and language lives."""
    return Path(study_dir) / COMMENTARY_DIRNAME / f"{chapter_id}.{language}.md"


def parse_commentary(text: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """Split a commentary file into slots.

    Parameters
    ----------
    text : str
        The file's text.

    Returns
    -------
    (dict, list)
        ``{slot: markdown}`` (text stripped, in file order) and the problems
        found as ``(line number, message)``: text before the first marker, a
        slot given twice.
    """
    slots: dict[str, list[str]] = {}
    problems: list[tuple[int, str]] = []
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.match(line)
        if marker:
            current = marker.group(1)
            if current in slots:
                problems.append((number, f"the slot '{current}' is given twice."))
            slots[current] = []
            continue
        if current is None:
            if line.strip():
                problems.append((number, "text before the first '<!-- slot: NAME -->' line belongs to no slot."))
            continue
        slots[current].append(line)
    return {slot: "\n".join(lines).strip() for slot, lines in slots.items()}, problems


@lru_cache(maxsize=64)
def _read(path: Path, stamp: tuple[int, int]) -> dict[str, str]:
    return parse_commentary(path.read_text(encoding="utf-8-sig"))[0]


def read_commentary(study_dir: Path | None, chapter_id: str, language: str) -> dict[str, str]:
    """The commentary slots of one chapter in one language (``{}`` when the study has none)."""
    if study_dir is None:
        return {}
    path = commentary_path(study_dir, chapter_id, language)
    if not path.is_file():
        return {}
    stat = path.stat()
    return _read(path, (stat.st_mtime_ns, stat.st_size))


def read_slot_file(path: Path, relative: str, problems: list) -> tuple[str, dict[str, str]] | None:
    """Read and parse one file of slots (commentary or interpretation), adding what is wrong to ``problems``.

    Returns ``(text, slots)``, or None when the file is not UTF-8 text (the
    problem is added). Parse problems (text before the first slot, a slot
    named twice) are added as ``(relative, line, message, fix)``.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append((relative, None, "the file is not UTF-8 text.", "Save it as UTF-8."))
        return None
    slots, parse_problems = parse_commentary(text)
    for line, message in parse_problems:
        problems.append((relative, line, message, "Start every part with a line '<!-- slot: NAME -->'."))
    return text, slots


def commentary_problems(study_dir: Path) -> list[tuple[str, int | None, str, str]]:
    """Check a study's commentary folder.

    Returns
    -------
    list of (file, line, message, fix)
        ``file`` relative to the study folder; empty when the folder is absent
        or in order.
    """
    folder = Path(study_dir) / COMMENTARY_DIRNAME
    if not folder.is_dir():
        return []
    problems = []
    found: dict[tuple[str, str], set[str]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        relative = f"{COMMENTARY_DIRNAME}/{path.name}"
        match = _FILE.match(path.name)
        if not match or match["chapter"] not in SLOTS or match["language"] not in LANGUAGES:
            problems.append(
                (
                    relative,
                    None,
                    "the file is not named after a chapter and a language.",
                    "Name it <chapter>.<language>.md, with chapter one of "
                    + ", ".join(SLOTS)
                    + " and language sv or en.",
                )
            )
            continue
        read = read_slot_file(path, relative, problems)
        if read is None:
            continue
        text, slots = read
        allowed = SLOTS[match["chapter"]]
        for slot in slots:
            if slot not in allowed:
                line = next(i for i, t in enumerate(text.splitlines(), 1) if _MARKER.match(t) and slot in t)
                problems.append(
                    (
                        relative,
                        line,
                        f"the chapter {match['chapter']} has no slot '{slot}'.",
                        "Use one of: " + ", ".join(allowed) + ".",
                    )
                )
        found[(match["chapter"], match["language"])] = {s for s, body in slots.items() if body}
    for (chapter, language), slots in sorted(found.items()):
        other = "en" if language == "sv" else "sv"
        missing = sorted(slots - found.get((chapter, other), set()))
        if missing:
            problems.append(
                (
                    f"{COMMENTARY_DIRNAME}/{chapter}.{language}.md",
                    None,
                    f"the slot(s) {', '.join(missing)} have no {other} version, so the {other} report would lack them.",
                    f"Write the same slots in {COMMENTARY_DIRNAME}/{chapter}.{other}.md.",
                )
            )
    return problems
