"""Which conclusions hold in every allocation consistent with the report, and which rest on the reconstruction.

:mod:`evalkit.analysis.allocations` describes every allocation of a study's reconstructed
cells that satisfies the report's counts and the study's written constraints. This module counts,
for every finding of the findings table and every QCA solution (success factors and explanations
of failure; conservative, parsimonious and intermediate), in how many of those allocations it
holds:

* a counted finding holds when it has the same count as in the study (``qa.*``, ``sf.*`` and the
  organisation counts are counted exactly from the cells they count; ``cases.<m>.*`` holds where
  the table of yearly counts belongs to municipality ``m``; findings that read no modelled cell
  hold everywhere);
* a QCA solution holds when the minimisation of that allocation returns it among its minimal
  solutions. Every solution that any allocation returns gets a row, so the table also shows the
  alternatives the study's own allocation does not.

Everything is exact (weighted sums over the factorised solution space, no sampling).
:func:`qca_by_reading` splits the QCA rows by which municipalities function poorly, for the two
readings of the second poorly functioning municipality.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from evalkit.analysis import qca
from evalkit.analysis.allocations import Allocations, consistent_allocations, count_finding_cells
from evalkit.analysis.populations import population_members
from evalkit.analysis.success_factors import (
    OUTCOME,
    SOLUTION_TYPES,
    crisp_membership,
    directional_expectations,
    ordered_conditions,
    truth_table_sets,
)

ROBUSTNESS_COLUMNS = ("finding_id", "kind", "holds_in", "of_allocations", "share", "in_study", "holds_everywhere")
#: The two QCA analyses: (name in the finding id, condition kind, outcome).
ANALYSES = (("success", "success_factor", OUTCOME), ("failure", "failure_explanation", "~" + OUTCOME))
NO_SOLUTION = "(none)"


def _finding_rows(study, allocations: Allocations, findings: pd.DataFrame) -> list[dict]:
    total = allocations.count
    rows = []
    for _, finding in findings.iterrows():
        fid = str(finding["finding_id"])
        counted = count_finding_cells(study, fid)
        if counted is not None:
            cells, value = counted
            holds = allocations.count_distribution(cells, value).get(int(finding["numerator"]), 0)
        elif fid.startswith("cases."):
            cell = ("case_statistics", fid.split(".")[1], "municipality_id")
            if cell in allocations.model.variables:
                holds = allocations.projection([cell]).get((cell[1],), 0)
            else:
                holds = total
        else:
            holds = total
        rows.append({"finding_id": fid, "kind": "finding", "holds_in": holds, "in_study": True})
    return rows


def _case_codes(study, allocations: Allocations, conditions: list, partly_as) -> tuple[list, list, dict]:
    """The cells one QCA analysis reads and, per cell, the bits it sets in its case's code.

    A case's code holds one bit per condition (bit j), the well-functioning outcome (bit n) and
    a flag (bit n + 1) for a case left out because a value is unknown.
    """
    members = population_members(study, "municipalities_with_coordinator")
    baseline = allocations.model.baseline
    n = len(conditions)
    cells, bits = [], {}
    for i, m in enumerate(members):
        cell = ("municipalities", m, "coordinator_functioning")
        cells.append(cell)
        bits[cell] = (i, lambda code: (1 << n) if code == "well" else (0 if code == "poorly" else 1 << (n + 1)))
        for j, c in enumerate(conditions):
            cell = ("conditions", f"{m}/{c}", "value")
            if cell not in baseline:
                continue
            cells.append(cell)

            def bit(code, j=j):
                membership = crisp_membership(code, partly_as)
                return (1 << (n + 1)) if membership is None else membership << j

            bits[cell] = (i, bit)
    missing = [
        i for i, m in enumerate(members) if any(("conditions", f"{m}/{c}", "value") not in baseline for c in conditions)
    ]
    return members, cells, {"bits": bits, "missing": missing}


def _signatures(allocations: Allocations, members: list, cells: list, coding: dict) -> Counter:
    """Exact distribution of the case codes (tuple per case, in ``members`` order) over all allocations."""
    bits, flag = coding["bits"], coding["missing"]
    out: Counter = Counter()
    for hub, weight in zip(allocations.hub_solutions, allocations._hub_weights):
        rest, parts = allocations.parts(hub, cells, weight)
        if not rest:
            continue
        in_part = {p for positions, _ in parts for p in positions}
        base = np.zeros(len(members), dtype=np.int64)
        for p, cell in enumerate(cells):
            if p not in in_part:
                case, bit = bits[cell]
                base[case] |= bit(hub.get(cell, allocations.model.baseline[cell]))
        for case in flag:
            base[case] |= 1 << 62
        codes = base[None, :]
        weights = np.ones(1, dtype=object)
        for positions, counter in parts:
            masks = np.zeros((len(counter), len(members)), dtype=np.int64)
            multiplicity = np.empty(len(counter), dtype=object)
            for r, (values, count) in enumerate(counter.items()):
                for p, value in zip(positions, values):
                    case, bit = bits[cells[p]]
                    masks[r, case] |= bit(value)
                multiplicity[r] = count
            codes = (codes[:, None, :] | masks[None, :, :]).reshape(-1, len(members))
            weights = (weights[:, None] * multiplicity[None, :]).reshape(-1)
        unique, inverse = np.unique(codes, axis=0, return_inverse=True)
        totals = [0] * len(unique)
        for index, weight in zip(inverse.reshape(-1), weights):
            totals[index] += weight
        for row, total in zip(unique, totals):
            out[tuple(int(v) for v in row)] += total * rest
    return out


def _qca_tallies(study, allocations: Allocations, partly_as, consistency_cut) -> dict:
    """(analysis, poorly-functioning set) -> solution type -> expression -> allocations."""
    tallies: dict = defaultdict(lambda: defaultdict(Counter))
    for name, kind, outcome in ANALYSES:
        conditions = ordered_conditions(study, kind)
        expectations = directional_expectations(study, conditions)
        negate = outcome.startswith("~")
        if negate:
            expectations = {c: 1 - v for c, v in expectations.items()}
        members, cells, coding = _case_codes(study, allocations, conditions, partly_as)
        n = len(conditions)
        memo: dict = {}
        for signature, weight in _signatures(allocations, members, cells, coding).items():
            cases = []
            for code in signature:
                if code >> (n + 1):
                    continue
                well = (code >> n) & 1
                cases.append((tuple((code >> j) & 1 for j in range(n)), 1 - well if negate else well))
            key = truth_table_sets(cases, consistency_cut)
            if key not in memo:
                memo[key] = qca.solution_expressions(*key, conditions, directional_expectations=expectations)
            poorly = "|".join(m for m, code in zip(members, signature) if not (code >> n) & 1 and not code >> (n + 1))
            for solution_type in SOLUTION_TYPES:
                for expression in memo[key][solution_type] or (NO_SOLUTION,):
                    tallies[(name, poorly)][solution_type][expression] += weight
    return tallies


def _study_solutions(study, partly_as, consistency_cut) -> set:
    """Finding ids of the QCA solutions of the study's own allocation."""
    from evalkit.analysis.success_factors import qca_analysis

    out = set()
    for name, kind, outcome in ANALYSES:
        result = qca_analysis(study, kind=kind, partly_as=partly_as, consistency_cut=consistency_cut, outcome=outcome)
        frame = result.solutions_frame()
        for solution_type in SOLUTION_TYPES:
            expressions = frame.loc[frame["solution_type"] == solution_type, "expression"]
            for expression in list(expressions) or [NO_SOLUTION]:
                out.add(f"qca.{name}.{solution_type}.{expression}")
    return out


def robustness_table(
    study, allocations: Allocations | None = None, partly_as: int | None = 1, consistency_cut: float = 1.0
) -> pd.DataFrame:
    """In how many consistent allocations each finding and each QCA solution holds.

    Parameters
    ----------
    study : Study
    allocations : Allocations, optional
        From :func:`evalkit.analysis.allocations.consistent_allocations` (computed when not given).
    partly_as, consistency_cut
        As in :func:`evalkit.analysis.success_factors.qca_analysis`.

    Returns
    -------
    pandas.DataFrame
        Columns ``finding_id, kind ('finding' or 'qca'), holds_in, of_allocations, share,
        in_study (the finding or solution is the study's own), holds_everywhere``. Findings in
        findings-table order, then QCA rows ``qca.<success|failure>.<type>.<expression>`` sorted
        by analysis, type, share (descending) and expression. Counts are exact integers (Python
        ints, possibly very large, in an object column).
    """
    from evalkit.analysis.findings import findings_table

    if allocations is None:
        allocations = consistent_allocations(study)
    total = allocations.count
    rows = _finding_rows(study, allocations, findings_table(study))
    own = _study_solutions(study, partly_as, consistency_cut)
    merged: dict = defaultdict(Counter)
    for (name, _), by_type in _qca_tallies(study, allocations, partly_as, consistency_cut).items():
        for solution_type, counter in by_type.items():
            merged[(name, solution_type)].update(counter)
    order = {name: i for i, (name, _, _) in enumerate(ANALYSES)}
    qca_rows = []
    for (name, solution_type), counter in merged.items():
        for expression, holds in counter.items():
            fid = f"qca.{name}.{solution_type}.{expression}"
            qca_rows.append(
                {
                    "finding_id": fid,
                    "kind": "qca",
                    "holds_in": holds,
                    "in_study": fid in own,
                    "_order": (order[name], SOLUTION_TYPES.index(solution_type), -holds, expression),
                }
            )
    for fid in sorted(own - {r["finding_id"] for r in qca_rows}):  # pragma: no cover - the study is an allocation
        raise AssertionError(f"the study's own solution {fid} is missing from the allocations")
    qca_rows.sort(key=lambda r: r.pop("_order"))
    frame = pd.DataFrame(rows + qca_rows)
    frame["of_allocations"] = total
    frame["share"] = [float(h) / float(total) for h in frame["holds_in"]]
    frame["holds_everywhere"] = [h == total for h in frame["holds_in"]]
    frame["holds_in"] = frame["holds_in"].astype(object)
    frame["of_allocations"] = frame["of_allocations"].astype(object)
    return frame[list(ROBUSTNESS_COLUMNS)].reset_index(drop=True)


def qca_by_reading(
    study, allocations: Allocations | None = None, partly_as: int | None = 1, consistency_cut: float = 1.0
) -> pd.DataFrame:
    """The QCA solutions under each set of poorly functioning municipalities.

    Returns
    -------
    pandas.DataFrame
        Columns ``poorly_functioning ('|'-joined ids), models ('|'-joined organisation models of
        those municipalities), analysis, solution_type, expression, holds_in, of_allocations
        (allocations with that set), share``; sorted by set, analysis, type, share descending.
    """
    if allocations is None:
        allocations = consistent_allocations(study)
    models = study.tables["municipalities"].set_index("municipality_id")["model"]
    rows = []
    for (name, poorly), by_type in sorted(_qca_tallies(study, allocations, partly_as, consistency_cut).items()):
        for solution_type in SOLUTION_TYPES:
            counter = by_type[solution_type]
            total = sum(counter.values()) if solution_type else 0
            # Every allocation gives at least one row per type (NO_SOLUTION when undefined), but
            # tied solutions count an allocation once per solution: the denominator is the
            # number of allocations in this reading, taken from the conservative tally below.
            for expression, holds in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
                rows.append(
                    {
                        "poorly_functioning": poorly,
                        "models": "|".join(str(models[m]) for m in poorly.split("|") if m),
                        "analysis": name,
                        "solution_type": solution_type,
                        "expression": expression,
                        "holds_in": holds,
                        "_total": total,
                    }
                )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(
            columns=[
                "poorly_functioning",
                "models",
                "analysis",
                "solution_type",
                "expression",
                "holds_in",
                "of_allocations",
                "share",
            ]
        )
    sizes = allocations_by_poorly_functioning(study, allocations)
    frame["of_allocations"] = [sizes[p] for p in frame["poorly_functioning"]]
    frame["share"] = [float(h) / float(n) for h, n in zip(frame["holds_in"], frame["of_allocations"])]
    frame["holds_in"] = frame["holds_in"].astype(object)
    frame["of_allocations"] = frame["of_allocations"].astype(object)
    return frame.drop(columns="_total").reset_index(drop=True)


def allocations_by_poorly_functioning(study, allocations: Allocations) -> dict:
    """Number of consistent allocations for each set of poorly functioning municipalities ('|'-joined)."""
    members = population_members(study, "municipalities_with_coordinator")
    cells = [("municipalities", m, "coordinator_functioning") for m in members]
    out: Counter = Counter()
    for values, weight in allocations.projection(cells).items():
        out["|".join(m for m, v in zip(members, values) if v == "poorly")] += weight
    return dict(out)


def qca_by_model(study, allocations: Allocations | None = None, by_reading: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`qca_by_reading` summed over readings with the same organisation models.

    For the default study this sets the reading "the second poorly functioning municipality
    has a post of its own" (A or B) against "it shares the post" (F, G or H).

    Returns
    -------
    pandas.DataFrame
        Columns ``models, poorly_functioning (the sets summed, ', '-joined), analysis,
        solution_type, expression, holds_in, of_allocations, share``; sorted by models,
        analysis, type and share (descending).
    """
    if by_reading is None:
        by_reading = qca_by_reading(study, allocations)
    sizes = (
        by_reading.drop_duplicates("poorly_functioning")
        .groupby("models")["of_allocations"]
        .apply(lambda values: sum(int(v) for v in values))
    )
    sets = (
        by_reading.drop_duplicates("poorly_functioning")
        .groupby("models")["poorly_functioning"]
        .apply(lambda values: ", ".join(sorted(values)))
    )
    rows = []
    for (models, analysis, solution_type, expression), group in by_reading.groupby(
        ["models", "analysis", "solution_type", "expression"], sort=True
    ):
        holds = sum(int(v) for v in group["holds_in"])
        rows.append(
            {
                "models": models,
                "poorly_functioning": sets[models],
                "analysis": analysis,
                "solution_type": solution_type,
                "expression": expression,
                "holds_in": holds,
                "of_allocations": int(sizes[models]),
                "share": float(holds) / float(sizes[models]),
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    order = {name: i for i, (name, _, _) in enumerate(ANALYSES)}
    frame = frame.sort_values(
        ["models", "analysis", "solution_type", "share", "expression"],
        key=lambda column: column.map(order) if column.name == "analysis" else column,
        ascending=[True, True, True, False, True],
    ).reset_index(drop=True)
    frame["holds_in"] = frame["holds_in"].astype(object)
    frame["of_allocations"] = frame["of_allocations"].astype(object)
    return frame


def summary(table: pd.DataFrame, language: str = "en") -> list[str]:
    """Sentences on a robustness table, generated from it (Swedish or English).

    How many allocations are consistent; how many findings hold in all of them; which rest on
    the reconstruction, with their share; and whether any QCA solution holds in all of them.
    """
    findings = table[table["kind"] == "finding"]
    everywhere = findings[findings["holds_everywhere"]]
    resting = findings[~findings["holds_everywhere"]].sort_values("share")
    solutions = table[table["kind"] == "qca"]
    total = int(table["of_allocations"].iloc[0]) if len(table) else 0
    if language == "sv":
        out = [
            f"Rapportens antal och de nedskrivna villkoren tillåter {_big(total, 'sv')} olika fördelningar av de "
            "rekonstruerade värdena.",
            f"{len(everywhere)} av {len(findings)} resultat gäller i alla dessa fördelningar.",
        ]
        if len(resting):
            listed = ", ".join(f"{f} ({_percent(s, 'sv')})" for f, s in zip(resting["finding_id"], resting["share"]))
            out.append(f"Dessa vilar på rekonstruktionen (andel fördelningar där de gäller): {listed}.")
        robust = solutions[solutions["holds_everywhere"] & ~solutions["finding_id"].str.endswith(NO_SOLUTION)]
        out.append(
            "Ingen QCA-lösning gäller i alla fördelningar."
            if robust.empty
            else "QCA-lösningar som gäller i alla fördelningar: " + ", ".join(robust["finding_id"]) + "."
        )
        return out
    out = [
        f"The report's counts and the written constraints allow {_big(total, 'en')} different allocations of the "
        "reconstructed values.",
        f"{len(everywhere)} of {len(findings)} findings hold in all of them.",
    ]
    if len(resting):
        listed = ", ".join(f"{f} ({_percent(s, 'en')})" for f, s in zip(resting["finding_id"], resting["share"]))
        out.append(f"These rest on the reconstruction (share of allocations in which they hold): {listed}.")
    robust = solutions[solutions["holds_everywhere"] & ~solutions["finding_id"].str.endswith(NO_SOLUTION)]
    out.append(
        "No QCA solution holds in every allocation."
        if robust.empty
        else "QCA solutions that hold in every allocation: " + ", ".join(robust["finding_id"]) + "."
    )
    return out


def _big(number: int, language: str) -> str:
    """A count written in digits, or as a power of ten when it is longer than 12 digits."""
    if number < 10**12:
        grouped = f"{number:,}"
        return grouped.replace(",", "\u00a0") if language == "sv" else grouped
    mantissa, exponent = f"{number:.2e}".split("e")
    mantissa = mantissa.replace(".", ",") if language == "sv" else mantissa
    return f"{mantissa} × 10^{int(exponent)}"


def _percent(share: float, language: str) -> str:
    text = f"{100 * share:.1f}"
    if text in ("0.0", "100.0"):
        text = f"{100 * share:.3g}"
    return (text.replace(".", ",") + "\u00a0%") if language == "sv" else f"{text}%"


def study_digest(study, partly_as: int | None = 1, consistency_cut: float = 1.0) -> str:
    """Digest of everything :func:`robustness_table` depends on.

    The study's tables and codebook, its constraints file, the two parameters and the source of
    :mod:`evalkit.analysis` (so a change of the analysis code cannot serve a stale table).
    """
    import hashlib
    from pathlib import Path

    from evalkit.analysis import allocations as allocations_module

    digest = hashlib.sha256(f"{partly_as}|{consistency_cut}".encode())
    for group in (study.tables, study.codebook):
        for name in sorted(group):
            digest.update(name.encode("utf-8"))
            frame = group[name]
            digest.update(",".join(map(str, frame.columns)).encode("utf-8"))
            digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    if study.path is not None:
        constraints = Path(study.path) / allocations_module.CONSTRAINTS_FILE
        if constraints.exists():
            digest.update(constraints.read_bytes())
    for source in sorted(Path(allocations_module.__file__).parent.glob("*.py")):
        digest.update(source.name.encode("utf-8"))
        digest.update(source.read_bytes())
    return digest.hexdigest()


def cached_robustness_table(study, cache_dir=None, partly_as: int | None = 1, consistency_cut: float = 1.0):
    """:func:`robustness_table`, computed once per content and shared by a run and its chapters.

    The table is stored as CSV under ``<cache_dir>/robustness/<digest>.csv`` (default: the
    evalkit cache folder, see :mod:`evalkit.paths`), written atomically; a second call with the
    same study, parameters and code reads it back. The counts come back as Python ints.
    """
    from pathlib import Path

    from evalkit import paths
    from evalkit.safeio import write_csv

    folder = Path(cache_dir or paths.CACHE_DIR) / "robustness"
    target = folder / f"{study_digest(study, partly_as, consistency_cut)}.csv"
    if target.exists():
        frame = pd.read_csv(target, dtype=str, keep_default_na=False)
        frame["holds_in"] = [int(v) for v in frame["holds_in"]]
        frame["of_allocations"] = [int(v) for v in frame["of_allocations"]]
        frame["share"] = frame["share"].astype(float)
        for column in ("in_study", "holds_everywhere"):
            frame[column] = frame[column] == "True"
        frame["holds_in"] = frame["holds_in"].astype(object)
        frame["of_allocations"] = frame["of_allocations"].astype(object)
        return frame
    frame = robustness_table(study, partly_as=partly_as, consistency_cut=consistency_cut)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(frame, target)
    return frame


__all__ = [
    "ROBUSTNESS_COLUMNS",
    "robustness_table",
    "cached_robustness_table",
    "study_digest",
    "qca_by_reading",
    "qca_by_model",
    "summary",
    "allocations_by_poorly_functioning",
]
