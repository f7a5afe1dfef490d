"""Benchmark ``evalkit run`` against plain Python scripts.

Measures, each as the median of ``--repeat`` runs:

cold
    ``evalkit run`` into a fresh reports folder with an empty cache.
cached
    the same command again, unchanged (served from cache).
floor
    the same chapters converted with jupytext to ``.py`` scripts, the same
    parameters injected, run with ``python`` one after another (``floor``)
    and ``--jobs`` at a time (``floor-parallel``).

and prints the ratios to the floors. Nothing is written to ``reports/`` or
``.evalkit-cache/``: everything goes to a temporary folder.

Usage::

    .venv/bin/python benchmarks/bench_run.py                 # default study and notebooks
    .venv/bin/python benchmarks/bench_run.py --fixtures      # tests/fixtures notebooks on a tiny study
    .venv/bin/python benchmarks/bench_run.py --repeat 5 --jobs 2 --no-pdf
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS, Chapter
from evalkit.report.plan import language_parameters, parse_languages

FIXTURE_NOTEBOOKS = paths.PROJECT_ROOT / "tests" / "fixtures" / "notebooks"
FIXTURE_CHAPTERS = (Chapter("10_table", "Tabell", "Table"), Chapter("11_plot", "Figur", "Figure"))


def timed(command: list[str], env: dict, cwd: Path | None = None) -> float:
    """Run ``command``; return its wall time in seconds; raise with its output when it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"command failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return seconds


def run_command(args, reports_root: Path) -> list[str]:
    """The ``evalkit run`` command (a tiny driver for fixture chapters, which the CLI cannot select)."""
    if not args.fixtures:
        command = [
            sys.executable,
            "-m",
            "evalkit.cli",
            "run",
            str(args.study),
            "--language",
            args.language,
            "--jobs",
            str(args.jobs),
            "--reports-root",
            str(reports_root),
        ]
        return command + (["--no-pdf"] if args.no_pdf else [])
    driver = (
        "import sys\n"
        "from pathlib import Path\n"
        "from evalkit.chapters import Chapter\n"
        "from evalkit.report.pipeline import run_study\n"
        "if __name__ == '__main__':\n"
        f"    chapters = {[(c.id, c.title_sv, c.title_en) for c in FIXTURE_CHAPTERS]!r}\n"
        f"    result = run_study({str(args.study)!r}, languages={args.language!r}, jobs={args.jobs}, pdf={not args.no_pdf},\n"
        f"        reports_root={str(reports_root)!r}, chapters=[Chapter(*c) for c in chapters],\n"
        f"        notebooks_dir={str(args.notebooks_dir)!r}, artefacts=(), checks=())\n"
        "    sys.exit(0 if result.ok else 1)\n"
    )
    script = reports_root.parent / "driver.py"
    script.write_text(driver, encoding="utf-8")
    return [sys.executable, str(script)]


def floor_scripts(args, chapters, work: Path) -> list[tuple[Path, Path]]:
    """Convert each (chapter, language) to a parameterised plain script; return (script, cwd) pairs.

    The working directory has the same depth as a report language folder, so
    the relative ``study`` parameter resolves the same way.
    """
    import jupytext
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from evalkit.report.execute import materialise_notebook

    jobs = []
    report_dir = work / "floor" / Path(args.study).resolve().name
    for language in parse_languages(args.language):
        cwd = report_dir / language
        cwd.mkdir(parents=True, exist_ok=True)
        parameters = language_parameters(Path(args.study).resolve(), report_dir, language, False)
        for chapter in chapters:
            source = materialise_notebook(chapter.notebook_path(args.notebooks_dir), work / "sources")
            nb = parameterize_notebook(load_notebook_node(str(source)), parameters)
            script = cwd / f"{chapter.id}.py"
            text = jupytext.writes(nb, fmt="py:percent")
            script.write_text("from IPython.display import display\n" + text, encoding="utf-8")
            jobs.append((script, cwd))
    return jobs


def run_floor(jobs: list[tuple[Path, Path]], env: dict, parallel: int) -> float:
    """Run all floor scripts, ``parallel`` at a time; return the wall time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(lambda job: timed([sys.executable, str(job[0])], env, cwd=job[1]), jobs))
    return time.perf_counter() - started


def make_fixture_study(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "values.csv").write_text("name,count\na,3\nb,5\nc,2\n", encoding="utf-8")
    return folder


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=paths.DEFAULT_STUDY_DIR)
    parser.add_argument("--notebooks-dir", type=Path, default=paths.NOTEBOOKS_DIR)
    parser.add_argument("--fixtures", action="store_true", help="benchmark the test fixture notebooks on a tiny study")
    parser.add_argument("--language", default="sv,en")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the result as JSON as well")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="evalkit-bench-"))
    try:
        if args.fixtures:
            args.study = make_fixture_study(work / "data" / "fixture-study")
            args.notebooks_dir = FIXTURE_NOTEBOOKS
        chapters = FIXTURE_CHAPTERS if args.fixtures else CHAPTERS
        env = {**os.environ, "EVALKIT_CACHE_DIR": str(work / "cache"), "MPLBACKEND": "Agg"}
        reports_root = work / "reports"
        command = run_command(args, reports_root)
        cold, cached = [], []
        for _ in range(args.repeat):
            shutil.rmtree(reports_root, ignore_errors=True)
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold.append(timed(command, env))
            cached.append(timed(command, env))
        scripts = floor_scripts(args, chapters, work)
        floor = [run_floor(scripts, env, 1) for _ in range(args.repeat)]
        floor_parallel = [run_floor(scripts, env, args.jobs) for _ in range(args.repeat)]
        result = {
            name: round(statistics.median(values), 2)
            for name, values in (
                ("cold", cold),
                ("cached", cached),
                ("floor", floor),
                ("floor_parallel", floor_parallel),
            )
        }
        notebooks = len(scripts)
        print(
            f"evalkit run benchmark: {notebooks} notebooks ({len(chapters)} chapters × {args.language}), "
            f"--jobs {args.jobs}, {'no PDF' if args.no_pdf else 'with PDF'}, median of {args.repeat}"
        )
        print(
            f"  cold run            {result['cold']:7.2f} s   {result['cold'] / result['floor']:5.2f} × floor   "
            f"{result['cold'] / result['floor_parallel']:5.2f} × parallel floor"
        )
        print(
            f"  unchanged re-run    {result['cached']:7.2f} s   {100 * result['cached'] / result['cold']:5.1f} % of cold"
        )
        print(f"  floor (scripts, 1 at a time)     {result['floor']:7.2f} s")
        print(f"  floor (scripts, {args.jobs} at a time)     {result['floor_parallel']:7.2f} s")
        if args.json:
            print(json.dumps(result, sort_keys=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
