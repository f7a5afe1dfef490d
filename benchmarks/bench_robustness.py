"""Benchmark the constraint model of a study: every consistent allocation and the robustness table.

Measures, each as the median of ``--repeat`` runs in fresh Python state (the study is loaded
once, outside the timing):

solve
    building the model from the study and its ``constraints.csv`` and enumerating it
    (:func:`evalkit.analysis.allocations.consistent_allocations`);
analysis
    :func:`evalkit.analysis.robustness.robustness_analysis`, which is what a run computes once
    per study and shares with chapters 00 and 04: it solves the model again, tallies the QCA
    solutions of every allocation once, and builds the robustness table (every finding and every
    QCA solution) and the split by reading from that tally (wall time; the CPU time of the
    process is printed too, since wall time grows when other processes share the cores).

and prints the number of consistent allocations, of hub solutions and of rows, and the ratio of
the total to the budget of issue 9 (10 s for the default study on 2 cores).

Usage::

    .venv/bin/python benchmarks/bench_robustness.py                 # default study
    .venv/bin/python benchmarks/bench_robustness.py --study PATH --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import time

from evalkit import paths
from evalkit.analysis import allocations, robustness
from evalkit.study import load_study

BUDGET_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default=str(paths.DEFAULT_STUDY_DIR))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    study = load_study(args.study)
    solve_times, analysis_times, cpu_times = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        solved = allocations.consistent_allocations(study)
        solve_times.append(time.perf_counter() - start)
        cpu = time.process_time()
        start = time.perf_counter()
        analysis = robustness.robustness_analysis(study)
        analysis_times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
    table = analysis.table
    solve, total = statistics.median(solve_times), statistics.median(analysis_times)
    print(f"study: {study.name}")
    print(f"consistent allocations: {solved.count} ({solved.count:.3e})")
    print(f"hub solutions (functioning, roles, seats): {len(solved.hub_solutions)}")
    print(f"robustness rows: {len(table)} ({int((table['kind'] == 'qca').sum())} QCA solutions)")
    print(f"readings of who functions poorly: {analysis.by_reading['poorly_functioning'].nunique()}")
    print(
        f"solve alone: {solve:.2f} s   analysis (solve, tally, table, readings): {total:.2f} s (median of {args.repeat})"
    )
    print(f"CPU time: {statistics.median(cpu_times):.2f} s (wall time exceeds it when the machine is shared)")
    print(f"total / budget ({BUDGET_SECONDS:.0f} s): {total / BUDGET_SECONDS:.2f}")


if __name__ == "__main__":
    main()
