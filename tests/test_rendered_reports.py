"""Every county gets a report about itself: no rendered report carries another study's facts.

Each study is rendered once (``evalkit run STUDY --no-pdf --allow-incomplete`` into a temporary
folder, all studies at the same time) and the text of its Swedish and English
report is scanned for the facts of every *other* study: its county, its total
numbers of municipalities, coordinators and interviews written as words and
as digits, the ids only it uses, and its sources. The lists are derived from
the studies' own data, and every scan is checked against the study's own
report first (its own facts must be found there), so a scan cannot pass
because it looks for nothing.

A fieldwork study's report may not say "stated in the report" or cite a
section of the 2019 report.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import bs4
import pandas as pd
import pytest

from evalkit import paths
from evalkit.present.language import number_word
from evalkit.study import load_study
from evalkit.study.kind import is_published_evaluation

pytestmark = pytest.mark.slow
LANGUAGES = ("sv", "en")
NOUNS = {
    "municipalities": {"sv": ("kommun", "kommuner"), "en": ("municipality", "municipalities")},
    "coordinators": {"sv": ("samordnare", "samordnare"), "en": ("coordinator", "coordinators")},
    "interviews": {"sv": ("intervju", "intervjuer"), "en": ("interview", "interviews")},
}
FIELDWORK_FORBIDDEN = ("stated in the report", "angivet i rapporten")


def study_folders() -> dict[str, Path]:
    """The default study, every other study shipped under data/ (e.g. the teaching county), the demo county."""
    folders = {paths.DEFAULT_STUDY_DIR.name: paths.DEFAULT_STUDY_DIR}
    for descriptor in sorted((paths.PROJECT_ROOT / "data").glob("*/datapackage.json")):
        folders.setdefault(descriptor.parent.name, descriptor.parent)
    demo = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"
    folders[demo.name] = demo
    return folders


@dataclass
class Facts:
    """What one study says about itself, as it would be written in a report."""

    name: str
    published: bool
    counties: set[str]
    totals: dict[str, int]
    counts: dict[str, set[int]]
    municipality_ids: set[str]
    other_ids: set[str]
    sources: set[str]
    labels: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)


def county_names(values) -> set[str]:
    """``'Västmanlands län'`` -> {'Västmanlands län', 'Västmanland'}; ``'Exempellän'`` stays as it is."""
    names = set()
    for value in values:
        value = str(value).strip()
        if not value:
            continue
        names.add(value)
        if value.endswith(" län"):
            stem = value[: -len(" län")]
            names.add(stem[:-1] if stem.endswith("s") else stem)
    return names


def citations(values) -> set[str]:
    """Distinct citations ('Kap. 2, Heading') in source cells."""
    found = set()
    for value in values:
        if value is None or pd.isna(value):
            continue
        found |= {part.strip() for part in str(value).split("; ") if part.strip()}
    return found


def study_facts(folder: Path) -> Facts:
    from evalkit.analysis.findings import findings_table

    study = load_study(folder)
    tables = study.tables
    findings = findings_table(study)
    counts: dict[str, set[int]] = {}
    for unit in NOUNS:
        own = findings[findings["unit"] == unit]
        numbers = pd.concat([own["numerator"], own["denominator"], own["unknown"]]).dropna()
        counts[unit] = {int(n) for n in numbers}
    sources = set()
    for table in tables.values():
        if "source" in table:
            sources |= citations(table["source"])
    for table in ("indicators", "conditions"):
        sources |= citations(study.codebook[table]["report_section"])
    facts = Facts(
        name=study.name,
        published=is_published_evaluation(study),
        counties=county_names(tables["municipalities"]["county"].dropna()),
        totals={
            "municipalities": len(tables["municipalities"]),
            "coordinators": len(tables["coordinators"]),
            "interviews": len(tables["interviews"]),
        },
        counts=counts,
        municipality_ids=set(tables["municipalities"]["municipality_id"].astype(str)),
        other_ids=set(tables["coordinators"]["coordinator_id"].astype(str))
        | set(tables["interviews"]["interview_id"].astype(str))
        | set(tables["documents"]["document_id"].astype(str)),
        sources=sources,
        labels={
            str(label).lower()
            for table in study.codebook.values()
            for column in ("label_sv", "label_en")
            if column in table
            for label in table[column].dropna()
        },
    )
    if facts.published:
        facts.sections = {s for s in sources if re.match(r"^(Kap\. \d+|Bilaga \d+|Sammanfattning)\b", s)}
    return facts


def total_phrases(n: int, unit: str) -> list[tuple[str, str]]:
    """``(language, phrase)`` for a count written as a word and as digits: 'tio kommuner', '10 municipalities'."""
    phrases = []
    for language in LANGUAGES:
        singular, plural = NOUNS[unit][language]
        noun = singular if n == 1 else plural
        for number in {number_word(n, language), str(n)}:
            phrases.append((language, f"{number} {noun}"))
    return phrases


def heading(citation: str) -> str:
    """The heading part of 'Kap. 2, Heading'."""
    return citation.split(", ", 1)[1] if ", " in citation else citation


def foreign_patterns(own: Facts, other: Facts) -> list[tuple[str, re.Pattern]]:
    """What a report of ``own`` must not contain: ``other``'s facts that are not also ``own``'s."""
    patterns: list[tuple[str, re.Pattern]] = []
    for county in sorted(other.counties - own.counties):
        if not any(county in mine for mine in own.counties):
            patterns.append((f"county {county!r}", re.compile(rf"\b{re.escape(county)}\b", re.I)))
    for unit, total in other.totals.items():
        if total in own.counts[unit] or total == own.totals[unit]:
            continue  # a number this study may state itself about this unit
        for language, phrase in total_phrases(total, unit):
            patterns.append(
                (f"{other.name}'s {unit} total ({language})", re.compile(rf"\b{re.escape(phrase)}\b", re.I))
            )
    for mid in sorted(other.municipality_ids - own.municipality_ids):
        for word in ("Kommun", "kommun", "Municipality", "municipality"):
            patterns.append((f"pseudonym {mid}", re.compile(rf"\b{word} {re.escape(mid)}\b")))
        if len(mid) > 1:
            patterns.append((f"pseudonym {mid}", re.compile(rf"\b{re.escape(mid)}\b")))
    for other_id in sorted(other.other_ids - own.other_ids):
        patterns.append((f"id {other_id}", re.compile(rf"\b{re.escape(other_id)}\b")))
    for source in sorted(other.sources - own.sources):
        # a citation of one word ('ärendestatistik', 'enkät') names a kind of source any study has, not a fact
        if len(source) >= 12 and len(source.split()) > 1 and not any(source in mine for mine in own.sources):
            patterns.append((f"source {source!r}", re.compile(re.escape(source), re.I)))
    for section in sorted(other.sections - own.sections):
        title = heading(section)
        if len(title.split()) >= 3 and title.lower() not in own.labels:  # a codebook label the study shares
            patterns.append((f"report heading {title!r}", re.compile(re.escape(title), re.I)))
    return patterns


def own_patterns(own: Facts) -> list[tuple[str, re.Pattern]]:
    """A study's own facts, which its report must show (the scan's positive control)."""
    patterns = [(f"county {c!r}", re.compile(rf"\b{re.escape(c)}\b", re.I)) for c in sorted(own.counties)]
    for unit in ("municipalities", "coordinators", "interviews"):
        total = own.totals[unit]
        for language in LANGUAGES:
            alternatives = "|".join(re.escape(p) for lang, p in total_phrases(total, unit) if lang == language)
            patterns.append((f"{unit} total ({language})", re.compile(rf"\b(?:{alternatives})\b", re.I)))
    mid = sorted(own.municipality_ids)[0]
    patterns.append((f"pseudonym {mid}", re.compile(rf"\b(?:Kommun|kommun|Municipality) {re.escape(mid)}\b")))
    return patterns


#: Headers of table columns that hold labels evalkit makes, not study facts: a QCA model is labelled
#: as R QCA prints it ("C1", "C1P1"), which reads like a coordinator id of another study.
LABEL_COLUMNS = {"Modell", "Model"}


def _drop_label_columns(soup) -> None:
    for table in soup("table"):
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        drop = [i for i, header in enumerate(headers) if header in LABEL_COLUMNS]
        for row in table("tr"):
            cells = row.find_all(["th", "td"], recursive=False)
            for i in drop:
                if i < len(cells):
                    cells[i].decompose()


def report_text(path: Path) -> str:
    soup = bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for element in soup(["style", "script"]):
        element.decompose()
    _drop_label_columns(soup)
    return re.sub(r"\s+", " ", soup.get_text(" "))


@pytest.fixture(scope="module")
def rendered_root(tmp_path_factory) -> Path:
    """The reports root: every study rendered once (``<root>/<study>/<language>/report.html``), all at the same time."""
    root = tmp_path_factory.mktemp("rendered")
    environment = dict(os.environ, EVALKIT_CACHE_DIR=str(root / "cache"))
    runs = {
        name: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "evalkit.cli",
                "run",
                str(folder),
                "--no-pdf",
                "--allow-incomplete",  # the demo county lacks data for some parts: they show as boxes
                "--reports-root",
                str(root),
                "--jobs",
                "1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
        )
        for name, folder in study_folders().items()
    }
    for name, process in runs.items():
        output, _ = process.communicate(timeout=1800)
        assert process.returncode == 0, f"evalkit run {name} failed:\n{output[-3000:]}"
    return root


@pytest.fixture(scope="module")
def rendered(rendered_root) -> dict[str, dict[str, str]]:
    """``{study: {language: report text}}``."""
    return {
        name: {language: report_text(rendered_root / name / language / "report.html") for language in LANGUAGES}
        for name in study_folders()
    }


@pytest.fixture(scope="module")
def facts() -> dict[str, Facts]:
    return {name: study_facts(folder) for name, folder in study_folders().items()}


def test_there_is_more_than_one_study_and_their_facts_differ(facts):
    assert len(facts) >= 2
    for name, own in facts.items():
        others = [other for other_name, other in facts.items() if other_name != name]
        assert all(foreign_patterns(own, other) for other in others), f"nothing to look for in {name}'s report"


@pytest.mark.parametrize("study", list(study_folders()))
def test_each_report_shows_its_own_facts(rendered, facts, study):
    """The scan's positive control: the patterns find the study's own facts in its own report."""
    for language, text in rendered[study].items():
        missing = [label for label, pattern in own_patterns(facts[study]) if not pattern.search(text)]
        missing = [m for m in missing if not m.endswith(f"({'en' if language == 'sv' else 'sv'})")]
        assert not missing, f"{study} ({language}) does not show its own {missing}"


@pytest.mark.parametrize("study", list(study_folders()))
def test_no_report_carries_another_studys_facts(rendered, facts, study):
    found = []
    for other_name, other in facts.items():
        if other_name == study:
            continue
        for label, pattern in foreign_patterns(facts[study], other):
            for language, text in rendered[study].items():
                match = pattern.search(text)
                if match:
                    context = text[max(0, match.start() - 80) : match.end() + 80]
                    found.append(f"{language}: {other_name}'s {label}: …{context}…")
    assert not found, f"the {study} report states facts of other studies:\n" + "\n".join(found[:30])


@pytest.mark.parametrize("study", list(study_folders()))
def test_a_fieldwork_report_claims_no_published_source(rendered, facts, study):
    if facts[study].published:
        pytest.skip("a published evaluation cites its report")
    sections = set().union(*(f.sections for f in facts.values()))
    assert sections, "the default study cites the sections of its report"
    for language, text in rendered[study].items():
        lowered = text.lower()
        for phrase in FIELDWORK_FORBIDDEN:
            assert phrase not in lowered, f"{study} ({language}) says {phrase!r}"
        cited = [s for s in sections if s in text]
        assert not cited, f"{study} ({language}) cites sections of the 2019 report: {cited[:5]}"


# ---- tables and figures for readers --------------------------------------------------------------

ARTEFACTS = {
    "NaN": re.compile(r"\bNaN\b"),
    "<NA>": re.compile(r"<NA>"),
    "None": re.compile(r"\bNone\b(?! of\b)"),  # "None of the six …" is English, a bare None is Python
    "-0.00": re.compile(r"[-−]0[.,]0+\b(?![.,]?\d*[1-9])"),
    "truncation note": re.compile(r"\d+ rows × \d+ columns|^…$"),
    "True/False": re.compile(r"^(True|False)$"),
}
PLAIN_WORDS = {"yes", "no", "unknown", "ja", "nej", "okänt"}
SPLIT_PART = ("(forts.)", "(continued)")
CAPTION = {
    "sv": (re.compile(r"^Tabell (\d+)\.(\d+)\. \S"), re.compile(r"^Figur (\d+)\.(\d+)\. \S")),
    "en": (re.compile(r"^Table (\d+)\.(\d+)\. \S"), re.compile(r"^Figure (\d+)\.(\d+)\. \S")),
}
NBCONVERT_ALT = "No description has been provided for this image"


def internal_codes(folder: Path) -> set[str]:
    """The ids a reader must never see: indicator, condition, quality-area and measure ids, vocabulary codes and
    the column names of the study's tables and codebook (collected from the study itself)."""
    study = load_study(folder)
    codebook = study.codebook
    codes = set()
    for table, key in (
        ("quality_areas", "quality_area_id"),
        ("indicators", "indicator_id"),
        ("conditions", "condition_id"),
        ("measures", "measure"),
    ):
        codes |= set(codebook[table][key].dropna().astype(str))
    codes |= set(codebook["vocabularies"]["code"].dropna().astype(str))
    for frame in [*study.tables.values(), *codebook.values()]:
        codes |= {str(column) for column in frame.columns}
    return {code for code in codes if code.strip()}


def reader_labels(folder: Path, language: str) -> set[str]:
    """Lower-cased labels of the study's codebook in ``language`` (a code spelt like a label is not a leak)."""
    study = load_study(folder)
    labels = set(PLAIN_WORDS)
    for table in study.codebook.values():
        if f"label_{language}" in table:
            labels |= {str(label).lower() for label in table[f"label_{language}"].dropna()}
    return labels


def table_problems(html_text: str, codes: set[str], labels: set[str]) -> tuple[list[str], int]:
    """Problems in the cells of every table (the findings id column left out), and how many id cells were skipped."""
    soup = bs4.BeautifulSoup(html_text, "html.parser")
    for opportunity in soup.find_all("wbr"):  # break opportunities inside long tokens: read the token whole
        opportunity.replace_with("")
    soup = bs4.BeautifulSoup(str(soup), "html.parser")
    snake = {code for code in codes if "_" in code}
    whole = {code for code in codes if code.lower() not in labels}
    problems, id_cells = [], 0
    for number, table in enumerate(soup.find_all("table"), start=1):
        caption = table.caption.get_text(" ", strip=True) if table.caption else f"table {number}"
        for cell in table.find_all(["th", "td"]):
            text = re.sub(r"\s+", " ", cell.get_text(" ", strip=True))
            if "evalkit-id" in (cell.get("class") or []):
                id_cells += 1
                continue
            for name, pattern in ARTEFACTS.items():
                if pattern.search(text):
                    problems.append(f"{caption}: {name} in {text[:80]!r}")
            tokens = set(re.split(r"[^0-9A-Za-z_]+", text))
            leaked = sorted(tokens & snake) + ([text] if text in whole else [])
            if leaked:
                problems.append(f"{caption}: code {leaked[0]!r} in {text[:80]!r}")
    return problems, id_cells


def test_the_table_scan_finds_what_it_looks_for():
    """The scan can fail: a planted NaN, -0.00, tuple-free code and truncation note are each caught."""
    codes, labels = {"proximity_to_social_workers", "team"}, {"yes"}
    planted = (
        "<table><tr><td>NaN</td><td>-0.00</td><td>-0,00</td><td>&lt;NA&gt;</td><td>None</td>"
        "<td>proximity_to_<wbr>social_workers*right_person</td><td>team</td><td>232 rows × 1 columns</td>"
        '<td class="evalkit-id">proximity_to_social_workers</td><td>None of them</td><td>0,05</td></tr></table>'
    )
    problems, id_cells = table_problems(planted, codes, labels)
    assert len(problems) == 8 and id_cells == 1, problems


@pytest.mark.parametrize("study", list(study_folders()))
def test_report_tables_show_labels_not_codes_or_artefacts(rendered_root, study):
    """No NaN, <NA>, None, -0.00, truncation note or internal code in any table cell, except the findings id column."""
    folder = study_folders()[study]
    codes = internal_codes(folder)
    found = []
    for language in LANGUAGES:
        page = (rendered_root / study / language / "report.html").read_text(encoding="utf-8")
        problems, id_cells = table_problems(page, codes, reader_labels(folder, language))
        assert id_cells > 0, f"{study} ({language}): no findings id column found; the scan would prove nothing"
        found += [f"{language}: {p}" for p in problems]
    assert not found, f"{len(found)} problems in the {study} report tables:\n" + "\n".join(found[:40])


@pytest.mark.parametrize("study", list(study_folders()))
def test_every_table_and_figure_has_a_numbered_caption(rendered_root, study):
    """Tables: "Tabell 2.3. …"; figures: "Figur 2.1. …" with alt text in the report's language; numbered 1, 2, …
    per chapter. Every ``<img>`` is a figure evalkit made."""
    for language in LANGUAGES:
        soup = bs4.BeautifulSoup(
            (rendered_root / study / language / "report.html").read_text(encoding="utf-8"), "html.parser"
        )
        # Tables evalkit shows (a Markdown table in a study's own commentary is the study's text, not numbered)
        tables, figures = soup.find_all("table", class_="evalkit-table"), soup.find_all("img")
        assert len(tables) >= len(soup.find_all("table")) - 3, f"{study} ({language}): tables not made by evalkit"
        assert tables and figures, f"{study} ({language}) shows no table or no figure"
        numbered = {"table": {}, "figure": {}}
        for kind, elements in (("table", tables), ("figure", figures)):
            pattern = CAPTION[language][0 if kind == "table" else 1]
            for element in elements:
                if kind == "table":
                    caption = element.caption
                else:
                    parent = element.find_parent("figure")
                    caption = parent.figcaption if parent is not None else None
                text = caption.get_text(" ", strip=True) if caption else ""
                match = pattern.match(text)
                assert match, f"{study} ({language}): {kind} without a numbered caption: {str(element)[:120]!r}"
                if kind == "table" and text.endswith(SPLIT_PART):
                    continue  # a later part of a table split for print (report/fit.py) keeps its number
                chapter, number = int(match.group(1)), int(match.group(2))
                numbered[kind].setdefault(chapter, []).append(number)
                if kind == "figure":
                    alt = element.get("alt", "")
                    assert alt and alt != NBCONVERT_ALT, f"{study} ({language}): figure {text!r} has no alt text"
        for kind, chapters in numbered.items():
            for chapter, numbers in chapters.items():
                assert numbers == list(range(1, len(numbers) + 1)), (
                    f"{study} ({language}) {kind}s of {chapter}: {numbers}"
                )
