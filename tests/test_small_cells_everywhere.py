"""Small cells everywhere (issue 19.5): no protected count, nor anything computed from one, in any output of a run.

A copy of the default study gets a small-cell threshold of 1000 and a distinctive count below it
in every year of every case series (C's and D's), in the coordinator's start year, in the cells
that published claims check, and one count above it as a control. Then the whole product runs
(every chapter, both languages, no PDF) and every file it writes is searched: the chapters' HTML
and notebooks, the CSV files of the report folder and of the chapters' ``tables/`` folders, the
figures' SVG text and the combined report. Neither a planted count nor a mean, change or model
estimate of a protected series may appear; the control count must (so the search can find one).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from evalkit import paths, privacy
from evalkit.analysis import case_statistics
from evalkit.present.numbers import format_number
from evalkit.report.pipeline import run_study
from evalkit.study import load_study

pytestmark = pytest.mark.slow
STUDY = paths.DEFAULT_STUDY_NAME
THRESHOLD = 1000
#: (municipality, measure) -> {year: planted count}; all below THRESHOLD except the control.
PLANTED = {
    ("D", "family_violence_investigations"): {2013: 731, 2014: 743, 2015: 757, 2016: 769, 2017: 781, 2018: 793},
    ("D", "protected_housing_placements"): {2015: 613, 2016: 627, 2017: 641, 2018: 659},
    ("D", "children_witnessing_violence"): {2013: 811, 2014: 823, 2015: 839, 2016: 847, 2017: 859, 2018: 1357},
    ("C", "actualised_violence_cases"): {2016: 911, 2017: 929, 2018: 947},
}
CONTROL = 1357  # above the threshold: shown (findings, figure), proving the search finds a planted count
#: Files whose text is searched (everything a run writes that a person or program reads).
TEXT_SUFFIXES = {".html", ".csv", ".svg", ".json", ".md", ".txt", ".ipynb"}


def _plant(study: Path) -> None:
    descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
    descriptor[privacy.THRESHOLD_KEY] = THRESHOLD
    (study / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    stats = pd.read_csv(study / "case_statistics.csv", dtype=str, keep_default_na=False)
    for (municipality, measure), years in PLANTED.items():
        for year, value in years.items():
            row = (stats["municipality_id"] == municipality) & (stats["measure"] == measure)
            row &= stats["year"] == str(year)
            assert row.sum() == 1, (municipality, measure, year)
            stats.loc[row, "value"] = str(value)
    stats.to_csv(study / "case_statistics.csv", index=False, lineterminator="\n")
    # the published claims on case counts state the planted counts (a study whose source printed them)
    claims = pd.read_csv(study / "published_claims.csv", dtype=str, keep_default_na=False)
    for index, finding_id in claims["finding_id"].items():
        if finding_id.startswith("cases."):
            _, municipality, measure, year = finding_id.split(".")
            value = PLANTED[(municipality, measure)][int(year)]
            old = claims.at[index, "numerator"]
            claims.at[index, "claim_en"] = re.sub(rf"\b{old}\b", str(value), claims.at[index, "claim_en"])
            claims.at[index, "numerator"] = str(value)
    claims.to_csv(study / "published_claims.csv", index=False, lineterminator="\n")


def _forbidden(study: Path) -> set[float]:
    """The planted protected counts and every statistic the analyses compute from their series."""
    loaded = load_study(study)
    raw = type(loaded)(**{**loaded.__dict__, "descriptor": {**loaded.descriptor, privacy.THRESHOLD_KEY: 1}})
    numbers = {float(v) for years in PLANTED.values() for v in years.values() if v < THRESHOLD}
    for table in (
        case_statistics.before_after_summary(raw),
        case_statistics.pre_existing_trend(raw),
        case_statistics.level_change_model(raw),
    ):
        for column in table.columns:
            if column in privacy.STRUCTURAL_COLUMNS or column.startswith("n_") or column == "t_crit":
                continue
            for value in table[column]:
                if isinstance(value, (int, float)) and not isinstance(value, bool) and not pd.isna(value):
                    if abs(value) >= 100:  # smaller statistics are checked cell by cell in the CSV files below
                        numbers.add(float(value))
    return numbers


def _forms(value: float) -> set[str]:
    """How a number can be written in an output: CSV, English and Swedish with 0-2 decimals."""
    forms = {repr(value), f"{value:.12g}", str(int(value)) if value == int(value) else f"{value:g}"}
    for language in ("en", "sv"):
        for decimals in (0, 1, 2):
            if decimals == 0 and value != round(value):
                continue
            forms.add(format_number(value, language, decimals))
            forms.add(format_number(value, language, decimals, grouping=False))
    return forms


def _texts(report: Path):
    """``(file, text)`` for every readable output; a notebook's cell sources and text outputs (not PNG data)."""
    for path in sorted(report.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            notebook = json.loads(text)
            parts = []
            for cell in notebook["cells"]:
                parts.append("".join(cell.get("source", "")))
                for output in cell.get("outputs", []):
                    parts.append("".join(output.get("text", "")))
                    for kind, data in output.get("data", {}).items():
                        if not kind.startswith("image/png"):
                            parts.append(data if isinstance(data, str) else "".join(data))
            text = "\n".join(parts)
        yield path, text


def _occurrences(text: str, form: str) -> list[str]:
    pattern = rf"(?<![\w.,+/\u00a0\u202f]){re.escape(form)}(?![\w]|[.,\u00a0\u202f]\d)"
    return [text[max(0, m.start() - 60) : m.end() + 20] for m in re.finditer(pattern, text)]


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("small-cells")
    study = root / "data" / STUDY
    shutil.copytree(paths.DEFAULT_STUDY_DIR, study)
    _plant(study)
    quiet = Console(file=io.StringIO(), width=200)
    result = run_study(
        study,
        languages="sv,en",
        pdf=False,
        reports_root=root / "reports",
        cache_dir=root / "cache",
        console=quiet,
        error_console=quiet,
    )
    assert result.status == "ran", "\n".join(result.messages)
    return study, root / "reports" / STUDY


def test_no_protected_count_or_statistic_appears_in_any_output(planted_run):
    study, report = planted_run
    forbidden = {value: _forms(value) for value in _forbidden(study)}
    texts = list(_texts(report))
    suffixes = {path.suffix for path, _ in texts}
    assert {".html", ".csv", ".svg", ".ipynb"} <= suffixes
    assert any(path.parent.name == "tables" for path, _ in texts) and any(p.name == "findings.csv" for p, _ in texts)
    leaks = [
        f"{path.relative_to(report)}: {value:g} as {form!r} in …{context}…"
        for value, forms in forbidden.items()
        for path, text in texts
        for form in sorted(forms)
        for context in _occurrences(text, form)
    ]
    assert not leaks, "\n".join(leaks[:20])


def test_the_search_finds_a_count_that_may_be_shown(planted_run):
    _, report = planted_run
    found = {path.name for path, text in _texts(report) for form in _forms(CONTROL) if _occurrences(text, form)}
    assert "findings.csv" in found and any(name.endswith(".html") for name in found), found
    assert any(name.endswith(".svg") for name in found) or any(name.endswith(".ipynb") for name in found)


def test_every_cell_of_a_protected_series_in_the_chapter_csvs_is_withheld(planted_run):
    """The CSVs of chapter 03: every non-structural cell of a protected series reads as a marker."""
    _, report = planted_run
    markers = {str(privacy.Suppressed(reason, THRESHOLD)) for reason in (privacy.SMALL_COUNT, privacy.FEW_CASES)}
    checked = 0
    for path in sorted(report.rglob("tables/03_comparison__*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if not {"municipality_id", "measure"} <= set(table.columns) or "year" in table.columns:
            continue
        for column in table.columns:
            if column in privacy.STRUCTURAL_COLUMNS or column.startswith("n_"):
                continue
            values = set(table[column])
            assert values <= markers, f"{path.name}, column {column}: {sorted(values - markers)}"
            checked += 1
    assert checked >= 10  # before/after, pre-existing trend and level-change tables in both languages


def test_claims_on_protected_counts_agree_but_show_no_count(planted_run):
    _, report = planted_run
    claims = pd.read_csv(report / "claims.csv", dtype=str, keep_default_na=False)
    cases = claims[claims["finding_id"].str.startswith("cases.")]
    assert (cases["agrees"] == "True").all()
    protected = cases[~cases["finding_id"].str.endswith("children_witnessing_violence.2018")]
    assert set(protected["expected"]) == set(protected["recomputed"]) == {f"< {THRESHOLD}"}
    assert protected["claim_en"].str.contains(f"< {THRESHOLD}").all()
