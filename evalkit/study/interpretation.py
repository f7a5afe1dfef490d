"""The evaluator's interpretation: the study's own analysis text, shown beside the evidence in the publication.

The publication generates what the data say (counts, message headings,
tables) and never pretends that this is interpretation. What the evaluator
concludes goes in one Markdown file per language in the study folder::

    <study>/publication/sv.md
    <study>/publication/en.md

divided into **slots** by marker lines, like the commentary files
(:mod:`evalkit.study.commentary`)::

    <!-- slot: summary -->
    Samordnarna höjer kvaliteten där funktionen fungerar …[^1]

    [^1]: Kap. 2, Kvinnofridssamordnarna bidrar generellt till att höja kvaliteten i arbetet

    <!-- slot: quality_area.knowledge_based -->
    …

The slots (:func:`slots`) are, in reading order: ``foreword``, ``summary``,
``introduction``, ``organisation``, ``quality_areas``, one
``quality_area.<quality_area_id>`` per quality area of the codebook,
``comparison``, ``success_factors``, one ``condition.<condition_id>`` per
success factor and failure explanation of the codebook, and ``conclusions``.
Every slot is optional. The publication shows each in a box of its own
("Utvärderarens bedömning" / "The evaluator's assessment") at its place.

**Sources as notes.** Where a statement rests on a source, write a Markdown
footnote ``[^1]`` and, in the same slot, its text ``[^1]: …`` as a source
cell: ``Kap. 2, Samordnarna bidrar till ökad kunskap om våld`` for a section
of a source report, ``intervjuer`` / ``enkät`` / ``dokument`` for the
study's own material (:mod:`evalkit.present.sources`), which the publication
writes as a numbered note in each edition's language. Any other note text is
shown as written.

``evalkit validate`` reports (:func:`interpretation_problems`) a file that is
not ``sv.md`` or ``en.md``, text outside a slot, a slot given twice, an
unknown slot (also a quality area or condition the codebook does not hold), a
slot written in one language only, and a footnote without its text (or a
text no footnote points to). The files are scanned for personal data like
every free text (:func:`personal_data`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from evalkit.study.commentary import parse_commentary, read_slot_file

FOLDER = "publication"
LANGUAGES = ("sv", "en")
#: Slots before the quality areas, between them and the conditions, and after.
LEADING_SLOTS = ("foreword", "summary", "introduction", "organisation", "quality_areas")
MIDDLE_SLOTS = ("comparison", "success_factors")
TRAILING_SLOTS = ("conclusions",)
QUALITY_AREA_PREFIX = "quality_area."
CONDITION_PREFIX = "condition."
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.*)$", re.M)


def interpretation_path(study_dir: Path | str, language: str) -> Path:
    """Where the interpretation of one language lives: ``<study>/publication/<language>.md``."""
    return Path(study_dir) / FOLDER / f"{language}.md"


def slots(quality_area_ids: Iterable[str], condition_ids: Iterable[str]) -> tuple[str, ...]:
    """Every slot a study with these quality areas and conditions offers, in reading order."""
    return (
        *LEADING_SLOTS,
        *(QUALITY_AREA_PREFIX + str(q) for q in quality_area_ids),
        *MIDDLE_SLOTS,
        *(CONDITION_PREFIX + str(c) for c in condition_ids),
        *TRAILING_SLOTS,
    )


def study_slots(study) -> tuple[str, ...]:
    """The slots of a loaded study (quality areas in codebook order, conditions as listed)."""
    areas = study.codebook["quality_areas"].sort_values("order", kind="stable")["quality_area_id"]
    return slots(list(areas), list(study.codebook["conditions"]["condition_id"]))


def read_slots(path: Path) -> dict[str, str]:
    """The non-empty slots of one interpretation file (``{}`` when there is none)."""
    if not path.is_file():
        return {}
    parsed, _ = parse_commentary(path.read_text(encoding="utf-8-sig"))
    return {slot: text for slot, text in parsed.items() if text}


def interpretation(study, language: str) -> Mapping[str, str]:
    """The evaluator's text per slot in ``language`` (Markdown), in reading order.

    Parameters
    ----------
    study : Study
        A loaded study (its folder is read; a study without a folder has none).
    language : {"sv", "en"}

    Returns
    -------
    dict
        ``{slot: markdown}`` for every slot the study fills, in the order of
        :func:`study_slots`; footnotes stay in the text (``[^1]`` and
        ``[^1]: source cell``). Empty when the study has no interpretation.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    if getattr(study, "path", None) is None:
        return {}
    found = read_slots(interpretation_path(study.path, language))
    order = {slot: position for position, slot in enumerate(study_slots(study))}
    return {slot: found[slot] for slot in sorted(found, key=lambda s: order.get(s, len(order))) if slot in order}


def footnotes(text: str) -> tuple[list[str], dict[str, str]]:
    """The footnote labels a text refers to (in order) and its footnote texts by label."""
    definitions = {match[1]: match[2].strip() for match in _FOOTNOTE_DEF.finditer(text)}
    body = _FOOTNOTE_DEF.sub("", text)
    return list(dict.fromkeys(_FOOTNOTE_REF.findall(body))), definitions


def codebook_ids(checked) -> tuple[list[str] | None, list[str] | None]:
    """The quality areas (by ``order``) and conditions (as listed) of the validator's records; None if unread."""

    def listed(table: str, column: str, key=None) -> list[str] | None:
        if table not in checked.records:
            return None
        rows = [r for r in checked.rows(table) if r.get(column)]
        if key is not None:
            rows = sorted(rows, key=lambda r: (r.get(key) is None, r.get(key) or 0))
        return list(dict.fromkeys(r[column] for r in rows))

    return listed("codebook_quality_areas", "quality_area_id", "order"), listed("codebook_conditions", "condition_id")


def _slot_line(text: str, slot: str) -> int | None:
    marker = re.compile(r"^\s*<!--\s*slot:\s*" + re.escape(slot) + r"\s*-->\s*$")
    return next((number for number, line in enumerate(text.splitlines(), 1) if marker.match(line)), None)


def interpretation_problems(
    study_dir: Path | str, quality_area_ids: Iterable[str] | None = None, condition_ids: Iterable[str] | None = None
) -> list[tuple[str, int | None, str, str]]:
    """Check a study's interpretation files.

    Parameters
    ----------
    study_dir : path-like
    quality_area_ids, condition_ids : iterable of str, optional
        The codebook's ids; ``None`` when the codebook could not be read (the
        slots of quality areas and conditions are then not checked).

    Returns
    -------
    list of (file, line, message, fix)
        ``file`` relative to the study folder; empty when there is no
        ``publication/`` folder or all is in order.
    """
    folder = Path(study_dir) / FOLDER
    if not folder.is_dir():
        return []
    check_ids = quality_area_ids is not None and condition_ids is not None
    allowed = slots(quality_area_ids or (), condition_ids or ())
    problems: list[tuple[str, int | None, str, str]] = []
    found: dict[str, set[str]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        relative = f"{FOLDER}/{path.name}"
        language = path.name[:-3] if path.name.endswith(".md") else None
        if language not in LANGUAGES:
            problems.append(
                (
                    relative,
                    None,
                    "the file is not an interpretation file.",
                    "Name the evaluator's text sv.md (Swedish) or en.md (English); keep other files elsewhere.",
                )
            )
            continue
        read = read_slot_file(path, relative, problems)
        if read is None:
            continue
        text, parsed = read
        for slot, body in parsed.items():
            line = _slot_line(text, slot)
            if slot not in allowed and (check_ids or not slot.startswith((QUALITY_AREA_PREFIX, CONDITION_PREFIX))):
                problems.append((relative, line, f"there is no slot '{slot}'.", _unknown_slot_fix(slot, allowed)))
            references, definitions = footnotes(body)
            for label in references:
                if label not in definitions:
                    problems.append(
                        (
                            relative,
                            line,
                            f"the slot '{slot}' refers to the note [^{label}] but does not give its text.",
                            f"Add a line '[^{label}]: Kap. 2, …' (the source) in the same slot, or remove the reference.",
                        )
                    )
            for label, note in definitions.items():
                if label not in references:
                    problems.append(
                        (
                            relative,
                            line,
                            f"the slot '{slot}' gives the note [^{label}] but nothing refers to it.",
                            f"Put [^{label}] after the sentence it supports, or remove the note.",
                        )
                    )
                elif not note:
                    problems.append(
                        (relative, line, f"the note [^{label}] of the slot '{slot}' is empty.", "Write its source.")
                    )
        found[language] = {slot for slot, body in parsed.items() if body}
    for language, filled in sorted(found.items()):
        other = "en" if language == "sv" else "sv"
        missing = [slot for slot in allowed if slot in filled and slot not in found.get(other, set())]
        missing += sorted(slot for slot in filled - set(allowed) - found.get(other, set()))
        if missing:
            problems.append(
                (
                    f"{FOLDER}/{language}.md",
                    None,
                    f"the slot(s) {', '.join(missing)} have no {other} version, so the {other} edition would lack them.",
                    f"Write the same slots in {FOLDER}/{other}.md.",
                )
            )
    return problems


def _unknown_slot_fix(slot: str, allowed: tuple[str, ...]) -> str:
    if slot.startswith(QUALITY_AREA_PREFIX):
        known = [s[len(QUALITY_AREA_PREFIX) :] for s in allowed if s.startswith(QUALITY_AREA_PREFIX)]
        return "Use a quality area of codebook/quality_areas.csv: " + ", ".join(known) + "."
    if slot.startswith(CONDITION_PREFIX):
        known = [s[len(CONDITION_PREFIX) :] for s in allowed if s.startswith(CONDITION_PREFIX)]
        return "Use a condition of codebook/conditions.csv: " + ", ".join(known) + "."
    return (
        "Use one of: "
        + ", ".join((*LEADING_SLOTS, *MIDDLE_SLOTS, *TRAILING_SLOTS))
        + ", quality_area.<id> or condition.<id>."
    )


def personal_data(study_dir: Path | str) -> list:
    """Personal data in the interpretation files (see :mod:`evalkit.privacy`), located by file and line."""
    from evalkit import privacy

    found = []
    for language in LANGUAGES:
        path = interpretation_path(study_dir, language)
        if not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            continue
        relative = f"{FOLDER}/{path.name}"
        for number, line in enumerate(lines, start=1):
            found += [
                privacy.PersonalData(relative, number, None, kind, shown)
                for kind, shown in privacy.find_personal_data(line)
            ]
    return found
