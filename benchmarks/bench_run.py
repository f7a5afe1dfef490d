"""Benchmark ``evalkit run`` against a one-process floor.

Measures, each as the median of ``--repeat`` runs, in a temporary folder
(reports, cache and analysis store included; ``reports/`` and
``.evalkit-cache/`` are never touched):

cold
    a full run (every chapter, ``--language`` languages, HTML and, unless
    ``--no-pdf``, PDF) in a fresh Python process with an empty cache.
cached
    the same run again, unchanged (served from the cache).
one chapter changed
    the same run after a change to one chapter's notebook source (a sentence
    appended to its last markdown cell): only that chapter is executed again
    (in every language); the benchmark prints how many notebooks ran.
one-process floor
    every chapter's code for every language exec'd one after another in ONE
    Python process: imports once, no kernels, no papermill, no HTML or PDF,
    each shared analysis computed once (an empty analysis store).

and prints cold / floor, cached / cold and the one-chapter figures. Then the
**edit loop** (issue 17 item 6), once for a CSV study and once for the same
study as one workbook (copies in the temporary folder): after a cold run, one
case-statistics value and then one assessment value are changed (in the
CSV file, or in the workbook's sheet as Excel would save it) and

run
    ``evalkit run`` again: the time to the updated report, and which chapter
    notebooks were executed (the others come from the chapter cache);
preview
    ``evalkit preview`` (one language, no PDF) watching the study: the time
    from the save to the changed chapter's page being rebuilt (the open page
    reloads then) and to the whole preview being updated, and which chapters
    were executed.

The 1-minute load average is printed before and after each figure: measure
on an idle machine (load below 0.5); a shared machine flatters the parallel
run against the one-process floor.

Usage::

    .venv/bin/python benchmarks/bench_run.py                 # default study, sv and en, with PDF
    .venv/bin/python benchmarks/bench_run.py --repeat 3 --jobs 2 --no-pdf --json
    .venv/bin/python benchmarks/bench_run.py --repeat 1 --no-edit-loop
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS
from evalkit.report.plan import language_parameters, parse_languages

CHANGED_CHAPTER = "02_quality_areas"
#: The case count the edit loop changes (not a published claim, so the run is not refused).
CASE_ROW = ("D", 2014, "family_violence_investigations")
#: Overrides of the edit-loop runs: a changed assessment may make a published claim disagree.
EDIT_OVERRIDES = ("published-claims",)
DRIVER = """\
import json, sys
from pathlib import Path
from evalkit.report.pipeline import run_study
if __name__ == "__main__":
    result = run_study({study!r}, languages={language!r}, jobs={jobs}, pdf={pdf}, reports_root={reports!r},
                       notebooks_dir={notebooks!r}, cache_dir={cache!r}, overrides={overrides!r})
    print("\\n".join(result.messages))
    print("EXECUTED " + json.dumps(result.executed))
    sys.exit(0 if result.ok else 1)
"""
PREVIEW_DRIVER = """\
import json, queue, sys, threading, time
from rich.console import Console
sys.path.insert(0, {benchmarks!r})
from bench_run import change_assessment, change_case_value
from evalkit.preview import preview_study
if __name__ == "__main__":
    ready, pages, built, stop = threading.Event(), queue.Queue(), queue.Queue(), threading.Event()
    options = dict(language={language!r}, port=0, jobs={jobs}, pdf=False, cache_dir={cache!r},
                   reports_root={reports!r}, notebooks_dir={notebooks!r}, overrides={overrides!r},
                   stop=stop, on_ready=lambda address: ready.set(),
                   on_page=lambda page: pages.put((time.perf_counter(), page)),
                   on_built=lambda ok, executed, cached: built.put((time.perf_counter(), ok, list(executed))),
                   console=Console(file=sys.stderr))
    started = time.perf_counter()
    thread = threading.Thread(target=preview_study, args=({study!r},), kwargs=options, daemon=True)
    thread.start()
    first = built.get(timeout=3600)
    ready.wait(timeout=60)
    results = {{"first_build": round(first[0] - started, 2)}}
    for name, change, page in (("case", change_case_value, "03_comparison"), ("assessment", change_assessment, "02_quality_areas")):
        while not pages.empty():
            pages.get()
        saved = time.perf_counter()
        change({study!r}, {workbook!r})
        while True:
            at, shown = pages.get(timeout=3600)
            if shown.endswith(page + ".html"):
                break
        done, ok, executed = built.get(timeout=3600)
        results[name] = {{"page": round(at - saved, 2), "build": round(done - saved, 2), "ok": ok, "executed": executed}}
    stop.set()
    thread.join(timeout=120)
    print("PREVIEW " + json.dumps(results))
"""
FLOOR = """\
import os, sys, time
started = time.perf_counter()
from IPython.display import display  # what the notebooks' display() falls back to outside a kernel
for cwd, name, code in {jobs!r}:
    os.chdir(cwd)
    exec(compile(code, name, "exec"), {{"__name__": "__main__", "display": display}})
"""


def timed(command: list[str], env: dict) -> tuple[float, str]:
    """Run ``command``; return its wall time and output; stop with its output when it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return seconds, done.stdout


def floor_jobs(study: Path, notebooks: Path, languages, work: Path) -> list[tuple[str, str, str]]:
    """(working folder, name, code) for every chapter and language, parameters injected as papermill does."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from evalkit.report.execute import materialise_notebook

    report_dir = work / "floor" / study.name
    jobs = []
    for language in languages:
        cwd = report_dir / language
        cwd.mkdir(parents=True, exist_ok=True)
        parameters = language_parameters(study, report_dir, language, False)
        for chapter in CHAPTERS:
            source = materialise_notebook(notebooks / f"{chapter.id}.py", work / "sources")
            nb = parameterize_notebook(load_notebook_node(str(source)), parameters)
            code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
            jobs.append((str(cwd), f"{chapter.id} [{language}]", code))
    return jobs


def change_one_chapter(notebooks: Path) -> None:
    """Append a sentence to the last markdown cell of one chapter's source (its output is unchanged)."""
    source = notebooks / f"{CHANGED_CHAPTER}.py"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.rstrip("\n") + "\n# Benchmark: one changed sentence.\n", encoding="utf-8")


def change_case_value(study: Path, workbook: bool, step: int = -1) -> None:
    """Change the case count :data:`CASE_ROW` by ``step`` in the study's CSV file or workbook sheet."""
    study = Path(study)
    if workbook:
        import openpyxl

        path = next(study.glob("*.xlsx"))
        book = openpyxl.load_workbook(path)
        sheet = book["case_statistics"]
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            values = [cell.value for cell in row]
            key = (
                values[header.index("municipality_id")],
                int(values[header.index("year")]),
                values[header.index("measure")],
            )
            if key == CASE_ROW:
                cell = row[header.index("value")]
                cell.value = int(cell.value) + step
                book.save(path)
                return
        raise SystemExit(f"no case statistics row {CASE_ROW} in {path}")
    path = study / "case_statistics.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    prefix = ",".join(str(part) for part in CASE_ROW) + ","
    for index, line in enumerate(lines):
        if line.startswith(prefix):
            value = line[len(prefix) :].split(",", 1)
            lines[index] = prefix + str(int(value[0]) + step) + "," + value[1]
            path.write_text("\n".join(lines), encoding="utf-8")
            return
    raise SystemExit(f"no case statistics row {CASE_ROW} in {path}")


def change_assessment(study: Path, workbook: bool) -> None:
    """Turn the first agreed 'yes' assessment into 'partly' (or 'partly' back into 'yes')."""
    study = Path(study)
    if workbook:
        import openpyxl

        path = next(study.glob("*.xlsx"))
        book = openpyxl.load_workbook(path)
        sheet = book["assessments"]
        column = [cell.value for cell in sheet[1]].index("value")
        for row in sheet.iter_rows(min_row=2):
            if row[column].value in ("yes", "partly"):
                row[column].value = "partly" if row[column].value == "yes" else "yes"
                book.save(path)
                return
        raise SystemExit(f"no yes/partly assessment in {path}")
    import csv
    import io

    path = study / "assessments.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index("value")
    for row in rows[1:]:
        if row[column] in ("yes", "partly"):
            row[column] = "partly" if row[column] == "yes" else "yes"
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            path.write_text(buffer.getvalue(), encoding="utf-8")
            return
    raise SystemExit(f"no yes/partly assessment in {path}")


def executed_chapters(output: str) -> list[str]:
    """The chapter notebooks a run executed (the driver prints them)."""
    for line in output.splitlines():
        if line.startswith("EXECUTED "):
            return json.loads(line[len("EXECUTED ") :])
    return []


def load() -> str:
    """The 1-minute load average, for the record."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def executed_count(output: str, total: int) -> int:
    """How many chapter notebooks the run executed (the rest came from the chapter cache)."""
    match = re.search(r"(\d+) of (\d+) chapter notebooks unchanged", output)
    return total - int(match.group(1)) if match else total


def edit_loop(args, study: Path, notebooks: Path, work: Path, env: dict, cold: float) -> dict:
    """Time ``evalkit run`` and ``evalkit preview`` after one changed value, in a CSV and a workbook study."""
    from evalkit.study.storage import convert_study

    figures = {}
    print("edit loop: one value changed after a cold run (time to the updated report; chapters executed)")
    for kind in ("csv", "workbook"):
        root = work / f"edit-{kind}"
        copy = root / "data" / study.name
        if kind == "csv":
            shutil.copytree(study, copy)
        else:
            convert_study(study, copy, "xlsx")
        driver = root / "driver.py"
        driver.write_text(
            DRIVER.format(
                study=str(copy),
                language=args.language,
                jobs=args.jobs,
                pdf=not args.no_pdf,
                reports=str(root / "reports"),
                notebooks=str(notebooks),
                cache=str(root / "cache"),
                overrides=EDIT_OVERRIDES,
            ),
            encoding="utf-8",
        )
        before = load()
        first, _ = timed([sys.executable, str(driver)], env)
        print(f"  {kind} study: cold run {first:.2f} s (load {before} / {load()})")
        figures[kind] = {"cold": round(first, 2)}
        for name, change in (("case", change_case_value), ("assessment", change_assessment)):
            change(copy, kind == "workbook")
            before = load()
            seconds, output = timed([sys.executable, str(driver)], env)
            executed = executed_chapters(output)
            figures[kind][name] = {"run": round(seconds, 2), "executed": executed}
            print(
                f"    run, {name} value changed: {seconds:6.2f} s ({100 * seconds / cold:4.1f} % of cold); "
                f"executed {', '.join(executed) or 'none'} (load {before} / {load()})"
            )
        preview = root / "preview.py"
        preview.write_text(
            PREVIEW_DRIVER.format(
                benchmarks=str(Path(__file__).resolve().parent),
                study=str(copy),
                workbook=kind == "workbook",
                language=args.preview_language,
                jobs=args.jobs,
                cache=str(root / "cache"),
                reports=str(root / "reports"),
                notebooks=str(notebooks),
                overrides=EDIT_OVERRIDES,
            ),
            encoding="utf-8",
        )
        before = load()
        _, output = timed([sys.executable, str(preview)], env)
        measured = json.loads(next(line for line in output.splitlines() if line.startswith("PREVIEW "))[8:])
        figures[kind]["preview"] = measured
        print(f"    preview [{args.preview_language}]: first build {measured['first_build']:.2f} s (load {before})")
        for name in ("case", "assessment"):
            item = measured[name]
            print(
                f"    preview, {name} value changed: page {item['page']:6.2f} s ({100 * item['page'] / cold:4.1f} % "
                f"of cold), whole preview {item['build']:6.2f} s; executed {', '.join(item['executed']) or 'none'}"
            )
        untouched = not {c for c in figures[kind]["case"]["executed"] if c.startswith(("01_", "02_"))}
        print(
            f"    a case-statistics change leaves chapters 01 and 02 alone: {'yes' if untouched else 'NO'} (load {load()})"
        )
    return figures


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=paths.DEFAULT_STUDY_DIR)
    parser.add_argument("--language", default="sv,en")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--no-edit-loop", action="store_true", help="leave out the edit-loop figures")
    parser.add_argument("--preview-language", default="sv", help="language of the preview measured in the edit loop")
    parser.add_argument("--json", action="store_true", help="print the result as JSON as well")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    study = args.study.resolve()
    languages = parse_languages(args.language)
    work = Path(tempfile.mkdtemp(prefix="evalkit-bench-"))
    try:
        notebooks = work / "notebooks"
        notebooks.mkdir()
        for chapter in CHAPTERS:
            shutil.copy(paths.NOTEBOOKS_DIR / f"{chapter.id}.py", notebooks)
        pristine = {p.name: p.read_bytes() for p in notebooks.iterdir()}
        env = {**os.environ, "EVALKIT_CACHE_DIR": str(work / "cache"), "MPLBACKEND": "Agg"}
        env.pop("EVALKIT_ANALYSIS_STORE", None)
        driver = work / "driver.py"
        driver.write_text(
            DRIVER.format(
                study=str(study),
                language=args.language,
                jobs=args.jobs,
                pdf=not args.no_pdf,
                reports=str(work / "reports"),
                notebooks=str(notebooks),
                cache=str(work / "cache"),
                overrides=(),
            ),
            encoding="utf-8",
        )
        loads = [load()]
        total = len(CHAPTERS) * len(languages)
        cold, cached, changed, executed, floor = [], [], [], [], []
        for _ in range(args.repeat):
            for name, data in pristine.items():
                (notebooks / name).write_bytes(data)
            shutil.rmtree(work / "reports", ignore_errors=True)
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold.append(timed([sys.executable, str(driver)], env)[0])
            cached.append(timed([sys.executable, str(driver)], env)[0])
            change_one_chapter(notebooks)
            seconds, output = timed([sys.executable, str(driver)], env)
            changed.append(seconds)
            executed.append(executed_count(output, total))
        for name, data in pristine.items():
            (notebooks / name).write_bytes(data)
        script = work / "floor.py"
        script.write_text(FLOOR.format(jobs=floor_jobs(study, notebooks, languages, work)), encoding="utf-8")
        for index in range(args.repeat):
            store = work / f"floor-store-{index}"
            floor_env = {**env, "EVALKIT_ANALYSIS_STORE": str(store)}
            floor.append(timed([sys.executable, str(script)], floor_env)[0])
        result = {
            name: round(statistics.median(values), 2)
            for name, values in (("cold", cold), ("cached", cached), ("one_chapter", changed), ("floor", floor))
        }
        result["one_chapter_executed"] = max(executed)
        loads.append(load())
        print(
            f"evalkit run benchmark: {total} notebooks ({len(CHAPTERS)} chapters × {', '.join(languages)}), "
            f"--jobs {args.jobs}, {'no PDF' if args.no_pdf else 'HTML and PDF'}, median of {args.repeat}"
        )
        print(f"  cold run               {result['cold']:7.2f} s   {result['cold'] / result['floor']:5.2f} × floor")
        print(
            f"  unchanged re-run       {result['cached']:7.2f} s   {100 * result['cached'] / result['cold']:5.1f} % of cold"
        )
        print(
            f"  one chapter changed    {result['one_chapter']:7.2f} s   {100 * result['one_chapter'] / result['cold']:5.1f} % "
            f"of cold; notebooks executed: {result['one_chapter_executed']} of {total}"
        )
        print(f"  one-process floor      {result['floor']:7.2f} s   (every chapter × language exec'd in one process)")
        print(f"  load average (1 min) before / after: {loads[0]} / {loads[1]}")
        if not args.no_edit_loop:
            result["edit_loop"] = edit_loop(args, study, notebooks, work, env, result["cold"])
        if args.json:
            print(json.dumps(result, sort_keys=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
