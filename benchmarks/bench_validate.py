"""Peak memory and time of ``evalkit validate`` on the default study and on the largest study evalkit reads.

``evalkit/study/limits.py`` refuses a table of more than ``MAX_ROWS`` rows and a
workbook of more than ``MAX_CELLS`` cells before loading it, and says that
this keeps reading a workbook under about half a gigabyte. This benchmark
measures that claim: it copies the default study, grows its case statistics
to just under the row limit (synthetic measures for every municipality and
year, every key distinct, so the table is as large as a study may have it), writes the same study as one
workbook (``evalkit convert --to xlsx``), and runs ``evalkit validate`` on
each in its own process, reading the process's peak resident memory from the
kernel (``os.wait4``).

    .venv/bin/python benchmarks/bench_validate.py            # rows = MAX_ROWS - 1
    .venv/bin/python benchmarks/bench_validate.py --rows 20000 --json

The grown study stays valid (synthetic measures, declared in the codebook,
observed for every municipality and year), so ``validate`` does all its
work on it, the checks across tables and the allocation check included. Run
it alone on the machine: time depends on load, peak memory hardly does.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalkit import paths  # noqa: E402
from evalkit.study.limits import MAX_CELLS, MAX_ROWS  # noqa: E402

#: The years the study format accepts (``schema``: year from 1990 to 2100).
YEARS = (1990, 2100)
EVALKIT = [sys.executable, "-c", "import sys; from evalkit.cli import main; sys.exit(main())"]


def grow_case_statistics(study: Path, rows: int) -> int:
    """Grow ``case_statistics.csv`` of ``study`` to ``rows`` data rows that keep every rule; return its cell count.

    The rows added are observed yearly counts of synthetic measures (declared in
    the codebook's ``measures.csv``) for every municipality of the study and
    every year the format accepts, so keys stay distinct and the study stays
    valid: ``validate`` reads and checks all of it, across tables too.
    """
    path = study / "case_statistics.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, out = reader.fieldnames, list(reader)
    with (study / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        municipalities = [row["municipality_id"] for row in csv.DictReader(handle)]
    measures_path = study / "codebook" / "measures.csv"
    with measures_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        measure_fields, measures = reader.fieldnames, list(reader)
    years = range(YEARS[0], YEARS[1] + 1)
    number = 0
    while len(out) < rows:
        number += 1
        measure = f"synthetic_measure_{number:04d}"
        measures.append(
            {field: "" for field in measure_fields}
            | {
                "measure": measure,
                "label_sv": f"Syntetiskt mått {number}",
                "label_en": f"Synthetic measure {number}",
                "definition_sv": "Antal per år (prestandamätning).",
                "definition_en": "Count per year (benchmark).",
            }
        )
        for municipality in municipalities:
            for year in years:
                if len(out) == rows:
                    break
                out.append(
                    {field: "" for field in fields}
                    | {
                        "municipality_id": municipality,
                        "year": str(year),
                        "measure": measure,
                        "value": str(20 + (year * 7 + number) % 50),
                        "basis": "observed",
                        "source": "Ärendestatistik",
                    }
                )
    for target, names, table in ((path, fields, out), (measures_path, measure_fields, measures)):
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)
    return len(out) * len(fields)


def measure(command: list[str], cwd: Path) -> dict:
    """Run ``command`` to its end; its wall time, exit status and peak resident memory (MiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # wait4 returns this child's own resource usage; ru_maxrss is in KiB on Linux
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = output.decode("utf-8", "replace").strip().splitlines()
    return {
        "seconds": round(seconds, 2),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "exit": process.returncode,
        "last_line": lines[-1][:100] if lines else "",
    }


def size_of(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1024 / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=MAX_ROWS - 1, help="rows of the grown case statistics")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.rows < MAX_ROWS:
        parser.error(f"--rows must lie between 1 and {MAX_ROWS - 1} (the row limit is {MAX_ROWS})")

    results = []
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-validate-") as temporary:
        work = Path(temporary)
        default = work / "default"
        shutil.copytree(paths.DATA_DIR / "vastmanland-2019", default)
        grown = work / "grown"
        shutil.copytree(default, grown)
        cells = grow_case_statistics(grown, args.rows)
        if cells >= MAX_CELLS:
            parser.error(f"{args.rows} rows make {cells} cells, over the workbook limit {MAX_CELLS}")
        for name, folder in (("default", default), ("grown", grown)):
            workbook = work / f"{name}-xlsx"
            converted = measure([*EVALKIT, "convert", "--to", "xlsx", str(folder), str(workbook)], work)
            if converted["exit"] != 0:
                raise SystemExit(f"convert {name} failed: {converted['last_line']}")
            for form, path in (("csv", folder), ("xlsx", workbook)):
                figures = measure([*EVALKIT, "validate", str(path)], work)
                results.append({"study": name, "form": form, "size_mib": round(size_of(path), 2), **figures})
    base = {row["form"]: row for row in results if row["study"] == "default"}
    for row in results:
        row["memory_ratio"] = round(row["peak_mib"] / base[row["form"]]["peak_mib"], 2)
        row["time_ratio"] = round(row["seconds"] / base[row["form"]]["seconds"], 2)
    if args.json:
        print(json.dumps({"rows": args.rows, "load": os.getloadavg(), "results": results}, indent=2))
        return 0
    print(f"evalkit validate: default study and its case statistics grown to {args.rows} rows")
    print(f"load average before/after: {os.getloadavg()[0]:.2f} (1 min)")
    print(f"{'study':8} {'form':5} {'MiB on disk':>11} {'seconds':>8} {'peak MiB':>9} {'x memory':>9} {'x time':>7}")
    for row in results:
        print(
            f"{row['study']:8} {row['form']:5} {row['size_mib']:11.2f} {row['seconds']:8.2f} {row['peak_mib']:9.1f}"
            f" {row['memory_ratio']:9.2f} {row['time_ratio']:7.2f}  {row['last_line']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
