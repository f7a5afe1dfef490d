"""Render the reference of every finding id as Markdown (``docs/findings.md``).

The reference is generated from the code, so that it cannot drift from what the
findings table produces: every section of :data:`evalkit.analysis.findings.SECTIONS`
is run on the studies shipped under ``data/``, and the ids it produces are
folded into patterns (``qa.<indicator_id>``, ``cases.<municipality_id>.<measure>.<year>``,
``org.placement.<q4_placement>``) with their unit, whether they have a denominator,
and an example statement. A test checks that the committed file equals the
rendered text. Regenerate with::

    python -m evalkit.analysis.finding_docs > docs/findings.md
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalkit import paths

YEAR = re.compile(r"^(19|20|21)[0-9]{2}$")


def shipped_studies(data_dir: Path | None = None) -> list[Path]:
    """The study folders under ``data/`` (those with a descriptor), sorted by name."""
    folder = Path(data_dir or paths.DATA_DIR)
    return sorted(p for p in folder.iterdir() if (p / paths.STUDY_DESCRIPTOR).is_file())


def _entity_placeholders(study) -> dict[str, str]:
    """``{segment: placeholder}`` for the ids of the study's entities and codebook entries."""
    sources = (
        ("<municipality_id>", study.tables["municipalities"]["municipality_id"]),
        ("<coordinator_id>", study.tables["coordinators"]["coordinator_id"]),
        ("<indicator_id>", study.codebook["indicators"]["indicator_id"]),
        ("<condition_id>", study.codebook["conditions"]["condition_id"]),
        ("<measure>", study.codebook["measures"]["measure"]),
        ("<quality_area_id>", study.codebook["quality_areas"]["quality_area_id"]),
    )
    placeholders = {}
    for placeholder, values in sources:
        for value in values.dropna():
            placeholders.setdefault(str(value), placeholder)
    return placeholders


#: Placeholders whose values are listed in the reference (codebook entries, not data).
LISTED_PLACEHOLDERS = ("<indicator_id>", "<condition_id>")


def generalise(finding_id: str, placeholders: dict[str, str]) -> tuple[str, str | None]:
    """Replace the study-specific segments of an id (after the first) by placeholders.

    Returns
    -------
    (str, str or None)
        The pattern, and the replaced segment when it is a codebook entry worth listing.
    """
    segments = finding_id.split(".")
    out, listed = segments[:1], None
    for segment in segments[1:]:
        placeholder = "<year>" if YEAR.match(segment) else placeholders.get(segment, segment)
        if placeholder in LISTED_PLACEHOLDERS:
            listed = segment
        out.append(placeholder)
    return ".".join(out), listed


def _vocabulary_for(codes: set[str], prefix_word: str, vocabularies: pd.DataFrame) -> str | None:
    """The vocabulary holding every code in ``codes`` (preferring one named like the id's prefix)."""
    candidates = []
    for vocabulary, own in vocabularies.groupby("vocabulary"):
        if codes <= set(own["code"].astype(str)):
            candidates.append(str(vocabulary))
    if not candidates:
        return None
    return sorted(candidates, key=lambda v: (prefix_word not in v, len(v), v))[0]


@dataclass
class Pattern:
    """One documented finding-id pattern and what the reference studies show of it."""

    pattern: str
    section: str
    units: set = field(default_factory=set)
    counted: set = field(default_factory=set)
    values: set = field(default_factory=set)
    example: str = ""
    example_study: str = ""

    def add(self, row, study_name: str, value: str | None) -> None:
        self.units.add(str(row["unit"]))
        self.counted.add("k of n" if not pd.isna(row["denominator"]) else "count")
        if value is not None:
            self.values.add(value)
        if not self.example:
            self.example, self.example_study = str(row["statement_en"]), study_name


def collect_patterns(studies: Iterable) -> dict[str, dict[str, Pattern]]:
    """``{section: {pattern: Pattern}}`` from the findings the sections produce for ``studies``.

    Ids sharing everything but their last segment, whose last segments are all codes of one
    codebook vocabulary, fold into one pattern ending in ``<vocabulary>``; the codes seen are kept.
    """
    from evalkit.analysis.findings import SECTIONS

    found: dict[str, dict[str, Pattern]] = {name: {} for name in SECTIONS}
    for study in studies:
        placeholders = _entity_placeholders(study)
        vocabularies = study.codebook["vocabularies"]
        for name, section in SECTIONS.items():
            frame = section(study)
            generalised = [generalise(str(f), placeholders) for f in frame["finding_id"]]
            general = [pattern for pattern, _ in generalised]
            groups: dict[str, list[str]] = {}
            for pattern in general:
                prefix, _, last = pattern.rpartition(".")
                if prefix and not last.startswith("<"):
                    groups.setdefault(prefix, []).append(last)
            folded = {}
            for prefix, lasts in groups.items():
                vocabulary = _vocabulary_for(set(lasts), prefix.rsplit(".", 1)[-1], vocabularies)
                if vocabulary is not None and len(lasts) > 1:
                    folded.update({f"{prefix}.{last}": (f"{prefix}.<{vocabulary}>", last) for last in lasts})
            for (pattern, listed), (_, row) in zip(generalised, frame.iterrows()):
                key, value = folded.get(pattern, (pattern, listed))
                entry = found[name].setdefault(key, Pattern(key, name))
                entry.add(row, study.name, value)
    return found


def _merge_folded(section: dict[str, Pattern]) -> dict[str, Pattern]:
    """Fold a pattern listed on its own in one study into the ``<vocabulary>`` pattern of another."""
    out = dict(section)
    for key in list(out):
        prefix, _, last = key.rpartition(".")
        if last.startswith("<"):
            continue
        folded = [p for p in out if p.startswith(prefix + ".<") and p.count(".") == key.count(".") and p != key]
        if prefix and len(folded) == 1:
            target = out[folded[0]]
            target.values.add(last)
            target.units |= out[key].units
            target.counted |= out[key].counted
            del out[key]
    return out


def pattern_regex(pattern: str) -> re.Pattern:
    """A regular expression matching the finding ids of a documented pattern (placeholders = one segment)."""
    parts = re.split(r"(<[a-z_0-9]+>)", pattern)
    return re.compile("^" + "".join("[^.]+" if p.startswith("<") else re.escape(p) for p in parts) + "$")


def documented_patterns(markdown: str) -> list[str]:
    """The finding-id patterns listed in a rendered reference (first column of its tables)."""
    return re.findall(r"^\| `([^`]+)` \|", markdown, flags=re.MULTILINE)


def section_summary(name: str) -> str:
    """The first paragraph of the section function's docstring, as one line."""
    from evalkit.analysis.findings import SECTIONS

    doc = inspect.getdoc(SECTIONS[name]) or ""
    return " ".join(doc.split("\n\n", 1)[0].split()).replace("``", "`")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


PLACEHOLDERS = (
    ("<municipality_id>", "a municipality's pseudonymous id (`municipalities.csv`)"),
    ("<coordinator_id>", "a coordinator's id (`coordinators.csv`)"),
    ("<indicator_id>", "an indicator of the study's codebook (`codebook/indicators.csv`)"),
    ("<condition_id>", "a condition of the study's codebook (`codebook/conditions.csv`)"),
    ("<measure>", "a case-statistics measure (`codebook/measures.csv`)"),
    ("<year>", "a calendar year with a value in `case_statistics.csv`"),
    ("<vocabulary>", "any other `<name>`: a code of that vocabulary in `codebook/vocabularies.csv`"),
)


def findings_markdown(study_dirs: Iterable[Path] | None = None) -> str:
    """Return the finding-id reference as Markdown.

    Parameters
    ----------
    study_dirs : iterable of path, optional
        The studies whose findings are folded into patterns and give the examples (default:
        :func:`shipped_studies`, in name order; the first study that has a pattern gives its example).
    """
    from evalkit.study import load_study

    dirs = list(study_dirs) if study_dirs is not None else shipped_studies()
    studies = [load_study(d) for d in dirs]
    found = collect_patterns(studies)
    names = ", ".join(f"`data/{s.name}`" for s in studies)
    lines = [
        "# Finding ids (generated)",
        "",
        "Generated by `python -m evalkit.analysis.finding_docs > docs/findings.md` from the findings sections in",
        f"`evalkit/analysis/findings.py`, run on the shipped studies ({names}). Do not edit by hand.",
        "",
        "Every counted statement of a report is one row of the findings table (`findings.csv` in each report),",
        "identified by a `finding_id`. A study's `published_claims.csv` names these ids: `evalkit validate`",
        "checks that each named id is one the study's findings table produces, and `evalkit run` recomputes",
        "each claim (see `claims.csv` in the report).",
        "",
        "Columns of the findings table: `finding_id, chapter, quality_area, numerator, denominator, unit,",
        "statement_sv, statement_en, source, basis`. *k of n* findings have a denominator (the size of the",
        "population the statement names); *count* findings have none.",
        "",
        "Placeholders in the ids below:",
        "",
    ]
    lines += [f"- `{placeholder}`: {meaning}" for placeholder, meaning in PLACEHOLDERS]
    for name, patterns in found.items():
        patterns = _merge_folded(patterns)
        lines += ["", f"## `{name}`", "", section_summary(name), ""]
        if not patterns:
            lines.append("No finding in the shipped studies.")
            continue
        lines += ["| finding id | unit | counted as | values seen | example (study) |", "|---|---|---|---|---|"]
        for key in sorted(patterns):
            entry = patterns[key]
            codes = ", ".join(f"`{v}`" for v in sorted(entry.values))
            lines.append(
                f"| `{_cell(entry.pattern)}` | {', '.join(sorted(entry.units))} | "
                f"{', '.join(sorted(entry.counted))} | {codes} | "
                f"{_cell(entry.example)} ({entry.example_study}) |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(findings_markdown(), end="")
