"""How well the personal-data scan finds names, and how often it flags ordinary text (issue 19.8).

Prints two figures and the detail behind them:

* **recall on held-out names**: names from another source than the scan's lists
  (``tests/data/held_out_names/names.tsv``, from Faker: Isof's commonest first names and the Tax
  Agency's commonest surnames for Sweden, and lists of countries many people in Sweden come from),
  never used to choose a list or a rule, put into sentences a study might hold; a sentence counts
  as found when the scan reports a personal name in it. Per context, per locale, and the share of
  names each list holds;
* **false positives on the default studies' text**: every text cell of every CSV file of
  ``data/vastmanland-2019`` and ``data/ovningslan-2025`` (codebook included), their commentary
  paragraphs and descriptors, none of which names a person, so every personal name reported there is
  a false positive. Also on ordinary prose (evalkit's docs, README and notebook prose), listed
  for reading.

Run: ``python benchmarks/name_scan.py`` (a few seconds). ``tests/test_name_scan.py`` checks the
figures stay above (recall) and below (false positives) the levels recorded in docs/privacy.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from evalkit import privacy

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "data" / "held_out_names" / "names.tsv"
STUDIES = (ROOT / "data" / "vastmanland-2019", ROOT / "data" / "ovningslan-2025")
#: Sentences with a name, per context: (id, template, whether the rules are meant to find it).
CONTEXTS = (
    ("full name", "Intervju med {G} {S} på socialtjänsten.", True),
    ("full name, lower case", "samtalet fördes med {g} {s} igår", True),
    ("full name, upper case", "KONTAKTPERSON: {GU} {SU}", True),
    ("surname, given", "{S}, {G} ringde i morse.", True),
    ("full name, English", "The interview with {G} {S} took place in May.", True),
    ("given name inside a sentence", "Handläggaren och {G} gick igenom planen.", True),
    ("given name after a cue", "enligt {G} var det svårt", True),
    ("given name before a verb of speech", "{G} berättade om hemmet.", True),
    ("surname alone inside a sentence", "I anteckningen nämns {S} flera gånger.", False),
)


def held_out() -> dict[str, dict[str, list[str]]]:
    """``locale -> kind -> names`` of the held-out list."""
    table = defaultdict(lambda: defaultdict(list))
    with HELD_OUT.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            table[row["locale"]][row["kind"]].append(row["name"])
    return table


def found_name(text: str) -> bool:
    return any(kind == "personal name" for kind, _ in privacy.find_personal_data(text))


def recall() -> dict:
    """Recall per context and locale, over every held-out given name (paired with a surname of its locale)."""
    results = {"contexts": {}, "locales": {}, "lists": {}}
    per_locale = defaultdict(lambda: [0, 0])
    for context, template, meant in CONTEXTS:
        hits = total = 0
        for locale, kinds in sorted(held_out().items()):
            given, family = kinds.get("given", []), kinds.get("surname", []) or held_out()["sv_SE"]["surname"]
            for number, name in enumerate(given):
                surname = family[number % len(family)]
                text = template.format(
                    G=name, S=surname, g=name.lower(), s=surname.lower(), GU=name.upper(), SU=surname.upper()
                )
                hit = found_name(text)
                hits, total = hits + hit, total + 1
                if meant:
                    per_locale[locale][0] += hit
                    per_locale[locale][1] += 1
        results["contexts"][context] = (hits, total, meant)
    results["locales"] = {locale: tuple(counts) for locale, counts in sorted(per_locale.items())}
    for kind, index in (("given", privacy.given_names()), ("surname", privacy.surnames())):
        names = [n for kinds in held_out().values() for n in kinds.get(kind, [])]
        sweden = held_out()["sv_SE"][kind]
        results["lists"][kind] = (
            sum(n.casefold() in index for n in names),
            len(names),
            sum(n.casefold() in index for n in sweden),
            len(sweden),
        )
    return results


def study_cells() -> list[tuple[str, str]]:
    """``(where, text)`` for every text cell, commentary paragraph and descriptor text of the default studies."""
    cells = []
    for study in STUDIES:
        for path in sorted(study.rglob("*.csv")):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
            for number, row in enumerate(rows[1:], start=2):
                for column, value in zip(rows[0], row):
                    if value.strip() and not re.fullmatch(r"[-+0-9.,: ]*", value):
                        cells.append((f"{path.relative_to(ROOT)}, row {number}, column {column}", value))
        for path in sorted((study / "commentary").glob("*.md")):
            for number, paragraph in enumerate(re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))):
                if paragraph.strip():
                    cells.append((f"{path.relative_to(ROOT)}, paragraph {number + 1}", paragraph))
        descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
        for key in ("title", "description"):
            if isinstance(descriptor.get(key), str):
                cells.append((f"{study.name}/datapackage.json, {key}", descriptor[key]))
    return cells


def prose_cells() -> list[tuple[str, str]]:
    """Paragraphs of ordinary Swedish and English prose: evalkit's docs, README and notebook text."""
    cells = []
    for path in sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "notebooks").glob("*.py")]):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            text = "\n".join(line[2:] for line in text.splitlines() if line.startswith("# "))
        for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
            if paragraph.strip():
                cells.append((f"{path.relative_to(ROOT)}, paragraph {number + 1}", paragraph))
    return cells


def false_positives(cells: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The cells in which the scan reports a personal name, with what it reports (masked)."""
    flagged = []
    for where, text in cells:
        names = [shown for kind, shown in privacy.find_personal_data(text) if kind == "personal name"]
        if names:
            flagged.append((where, ", ".join(names)))
    return flagged


def main(out=sys.stdout) -> None:
    results = recall()
    print("Recall on held-out names (tests/data/held_out_names, from Faker; never used for tuning)", file=out)
    meant_hits = meant_total = 0
    for context, (hits, total, meant) in results["contexts"].items():
        print(
            f"  {context:40s} {hits:5d}/{total:<5d} {100 * hits / total:5.1f} %{'' if meant else '  (not claimed)'}",
            file=out,
        )
        if meant:
            meant_hits, meant_total = meant_hits + hits, meant_total + total
    print(
        f"  {'all claimed contexts':40s} {meant_hits:5d}/{meant_total:<5d} {100 * meant_hits / meant_total:5.1f} %",
        file=out,
    )
    for locale, (hits, total) in results["locales"].items():
        print(f"    {locale:10s} {hits:5d}/{total:<5d} {100 * hits / total:5.1f} %", file=out)
    for kind, (listed, total, listed_se, total_se) in results["lists"].items():
        print(
            f"  {kind} names in the shipped list: {listed}/{total} ({100 * listed / total:.1f} %); "
            f"Sweden's: {listed_se}/{total_se} ({100 * listed_se / total_se:.1f} %)",
            file=out,
        )
    for label, cells in (
        ("default studies' text", study_cells()),
        ("ordinary prose (docs, README, notebooks)", prose_cells()),
    ):
        flagged = false_positives(cells)
        print(
            f"False positives on the {label}: {len(flagged)} of {len(cells)} cells "
            f"({100 * len(flagged) / len(cells):.2f} %)",
            file=out,
        )
        for where, shown in flagged:
            print(f"  {where}: {shown}", file=out)


if __name__ == "__main__":
    buffer = io.StringIO()
    main(buffer)
    sys.stdout.write(buffer.getvalue())
