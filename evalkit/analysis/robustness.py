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

What a reader is shown is a **verdict**, not a share (:data:`VERDICTS`): a finding or solution
holds in *every* allocation the constraints admit, in *some* or in *none*, overall and under each
reading of who functions poorly (:func:`reading_verdicts`). Counting allocations weights every
allocation equally, and a share of them measures the size of the space as much as the evidence
(a finding over eight cells the source never addresses "holds" in 16 of 3^8 of them); so shares
stay in ``robustness.csv`` for auditors and are never shown as evidence. A finding that counts
cells which no published count and no constraint addresses (:func:`unaddressed_cells`) gets the
verdict *unaddressed* instead: the source says nothing about those values.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

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

ROBUSTNESS_COLUMNS = (
    "finding_id",
    "kind",
    "holds_in",
    "of_allocations",
    "share",
    "in_study",
    "holds_everywhere",
    "verdict",
    "unaddressed_cells",
)
#: What a finding or QCA solution is shown with: it holds in every allocation the constraints
#: admit, in some, in none, or it counts values the source never addresses (then no verdict on
#: the count is given; the reader is told the source is silent).
VERDICTS = ("every", "some", "none", "unaddressed")
#: The two QCA analyses: (name in the finding id, condition kind, outcome).
ANALYSES = (("success", "success_factor", OUTCOME), ("failure", "failure_explanation", "~" + OUTCOME))
NO_SOLUTION = "(none)"


def unaddressed_cells(model) -> list:
    """Reconstructed cells that no published count and no constraint names.

    The source says nothing about them: every value of their domain is admitted, and each one
    multiplies the number of allocations by its domain size.

    Parameters
    ----------
    model : evalkit.analysis.allocations.AllocationModel

    Returns
    -------
    list of tuple
        The cells ``(table, key, field)``, sorted.
    """
    named = {cell for constraint in model.constraints for cell in constraint.cells_used}
    return sorted(cell for cell in model.variables if cell not in named)


def unaddressed_table(model) -> pd.DataFrame:
    """:func:`unaddressed_cells` grouped by table and field.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, field, indicator (the indicator or condition id, empty otherwise),
        n_cells, n_values`` (the number of allocations they alone multiply the total by, an exact
        int).
    """
    rows: dict = {}
    for table, key, name in unaddressed_cells(model):
        group = key.split("/")[0] if table == "assessments" else (key.split("/")[1] if table == "conditions" else "")
        row = rows.setdefault((table, name, group), {"n_cells": 0, "n_values": 1})
        row["n_cells"] += 1
        row["n_values"] *= len(model.variables[(table, key, name)])
    frame = pd.DataFrame(
        [{"table": t, "field": f, "indicator": g, **v} for (t, f, g), v in sorted(rows.items())],
        columns=["table", "field", "indicator", "n_cells", "n_values"],
    )
    frame["n_values"] = frame["n_values"].astype(object)
    return frame


def _finding_cells(study, allocations: Allocations, finding_id: str):
    """``(cells, value, kind)`` a finding reads: counted cells (``kind`` 'count'), the cell of a case
    table (``'case'``) or nothing the model varies (``None``)."""
    counted = count_finding_cells(study, finding_id)
    if counted is not None:
        cells, value = counted
        return cells, value, "count"
    if finding_id.startswith("cases."):
        cell = ("case_statistics", finding_id.split(".")[1], "municipality_id")
        if cell in allocations.model.variables:
            return [cell], cell[1], "case"
    return [], None, None


def _finding_holds(study, allocations: Allocations, finding) -> int:
    cells, value, kind = _finding_cells(study, allocations, str(finding["finding_id"]))
    if kind == "count":
        return allocations.count_distribution(cells, value).get(int(finding["numerator"]), 0)
    if kind == "case":
        return allocations.projection(cells).get((value,), 0)
    return allocations.count


def verdict(holds: int, total: int, unaddressed: int = 0) -> str:
    """The verdict (:data:`VERDICTS`) of something that holds in ``holds`` of ``total`` allocations."""
    if total and holds == total:
        return "every"
    if unaddressed:
        return "unaddressed"
    return "none" if holds == 0 else "some"


def _finding_rows(study, allocations: Allocations, findings: pd.DataFrame) -> list[dict]:
    silent = set(unaddressed_cells(allocations.model))
    rows = []
    for _, finding in findings.iterrows():
        fid = str(finding["finding_id"])
        cells, _, _ = _finding_cells(study, allocations, fid)
        rows.append(
            {
                "finding_id": fid,
                "kind": "finding",
                "holds_in": _finding_holds(study, allocations, finding),
                "in_study": True,
                "unaddressed_cells": sum(1 for c in cells if c in silent),
            }
        )
    return rows


def _case_codes(study, allocations: Allocations, conditions: list, partly_as) -> tuple[list, list, dict]:
    """The cells one QCA analysis reads and, per cell, the bits it sets in its case's code.

    A case's code holds one bit per condition (bit j), the well-functioning outcome (bit n), a
    flag (bit n + 1) for a case left out because a value is unknown and the poorly-functioning
    outcome (bit n + 2; a case can be poorly functioning and still be left out).
    """
    members = population_members(study, "municipalities_with_coordinator")
    baseline = allocations.model.baseline
    n = len(conditions)
    cells, bits = [], {}
    for i, m in enumerate(members):
        cell = ("municipalities", m, "coordinator_functioning")
        cells.append(cell)
        bits[cell] = (
            i,
            lambda code: (1 << n) if code == "well" else (1 << (n + 2) if code == "poorly" else 1 << (n + 1)),
        )
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
    return members, cells, {"bits": bits, "missing": missing, "n": n}


def _signatures(allocations: Allocations, members: list, cells: list, coding: dict) -> Counter:
    """Exact distribution of the case codes (tuple per case, in ``members`` order) over all allocations."""
    bits, flag, n_conditions = coding["bits"], coding["missing"], coding["n"]
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
            base[case] |= 1 << (n_conditions + 1)
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
                if (code >> (n + 1)) & 1:
                    continue
                well = (code >> n) & 1
                cases.append((tuple((code >> j) & 1 for j in range(n)), 1 - well if negate else well))
            key = truth_table_sets(cases, consistency_cut)
            if key not in memo:
                memo[key] = qca.solution_expressions(*key, conditions, directional_expectations=expectations)
            poorly = "|".join(m for m, code in zip(members, signature) if (code >> (n + 2)) & 1)
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
    study,
    allocations: Allocations | None = None,
    partly_as: int | None = 1,
    consistency_cut: float = 1.0,
    tallies: dict | None = None,
) -> pd.DataFrame:
    """In how many consistent allocations each finding and each QCA solution holds.

    Parameters
    ----------
    study : Study
    allocations : Allocations, optional
        From :func:`evalkit.analysis.allocations.consistent_allocations` (computed when not given).
    partly_as, consistency_cut
        As in :func:`evalkit.analysis.success_factors.qca_analysis`.
    tallies : dict, optional
        The QCA tallies of these allocations (computed when not given; :func:`robustness_analysis`
        computes them once for this table and :func:`qca_by_reading`).

    Returns
    -------
    pandas.DataFrame
        Columns ``finding_id, kind ('finding' or 'qca'), holds_in, of_allocations, share,
        in_study (the finding or solution is the study's own), holds_everywhere, verdict
        (:data:`VERDICTS`), unaddressed_cells`` (how many of the cells a finding counts no count
        or constraint addresses; 0 for QCA rows). Findings in findings-table order, then QCA rows
        ``qca.<success|failure>.<type>.<expression>`` sorted by analysis, type, number of
        allocations (descending) and expression. Counts are exact integers (Python ints,
        possibly very large, in an object column). ``share`` = holds_in / of_allocations counts
        every allocation once: it is a property of the space of allocations, not a probability,
        and is not shown to readers.
    """
    from evalkit.analysis.findings import findings_table

    if allocations is None:
        allocations = consistent_allocations(study)
    if tallies is None:
        tallies = _qca_tallies(study, allocations, partly_as, consistency_cut)
    total = allocations.count
    rows = _finding_rows(study, allocations, findings_table(study))
    own = _study_solutions(study, partly_as, consistency_cut)
    merged: dict = defaultdict(Counter)
    for (name, _), by_type in tallies.items():
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
                    "unaddressed_cells": 0,
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
    frame["verdict"] = [verdict(h, total, u) for h, u in zip(frame["holds_in"], frame["unaddressed_cells"])]
    frame["unaddressed_cells"] = frame["unaddressed_cells"].astype(int)
    frame["holds_in"] = frame["holds_in"].astype(object)
    frame["of_allocations"] = frame["of_allocations"].astype(object)
    return frame[list(ROBUSTNESS_COLUMNS)].reset_index(drop=True)


BY_READING_COLUMNS = (
    "poorly_functioning",
    "models",
    "analysis",
    "solution_type",
    "expression",
    "holds_in",
    "of_allocations",
    "share",
)


def qca_by_reading(
    study,
    allocations: Allocations | None = None,
    partly_as: int | None = 1,
    consistency_cut: float = 1.0,
    tallies: dict | None = None,
) -> pd.DataFrame:
    """The QCA solutions under each set of poorly functioning municipalities.

    Returns
    -------
    pandas.DataFrame
        Columns ``poorly_functioning ('|'-joined ids), models ('|'-joined organisation models of
        those municipalities, sorted), analysis, solution_type, expression, holds_in,
        of_allocations (allocations with that set), share``; sorted by set, analysis, type,
        share descending.
    """
    if allocations is None:
        allocations = consistent_allocations(study)
    if tallies is None:
        tallies = _qca_tallies(study, allocations, partly_as, consistency_cut)
    models = study.tables["municipalities"].set_index("municipality_id")["model"]
    sizes = allocations_by_poorly_functioning(study, allocations)
    order = {name: i for i, (name, _, _) in enumerate(ANALYSES)}
    rows = []
    for (name, poorly), by_type in sorted(tallies.items(), key=lambda item: (item[0][1], order[item[0][0]])):
        for solution_type in SOLUTION_TYPES:
            # Tied solutions count an allocation once per solution; the denominator is the number
            # of allocations with this set of poorly functioning municipalities.
            for expression, holds in sorted(by_type[solution_type].items(), key=lambda item: (-item[1], item[0])):
                rows.append(
                    {
                        "poorly_functioning": poorly,
                        "models": "|".join(sorted(str(models[m]) for m in poorly.split("|") if m)),
                        "analysis": name,
                        "solution_type": solution_type,
                        "expression": expression,
                        "holds_in": holds,
                        "of_allocations": sizes.get(poorly, 0),
                    }
                )
    frame = pd.DataFrame(rows, columns=[c for c in BY_READING_COLUMNS if c != "share"])
    frame["share"] = [float(h) / float(n) if n else 0.0 for h, n in zip(frame["holds_in"], frame["of_allocations"])]
    frame["holds_in"] = frame["holds_in"].astype(object)
    frame["of_allocations"] = frame["of_allocations"].astype(object)
    return frame[list(BY_READING_COLUMNS)].reset_index(drop=True)


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
    columns = [
        "models",
        "poorly_functioning",
        "analysis",
        "solution_type",
        "expression",
        "holds_in",
        "of_allocations",
        "share",
    ]
    if by_reading.empty:
        return pd.DataFrame(columns=columns)
    sets = by_reading.drop_duplicates("poorly_functioning")
    sizes = sets.groupby("models")["of_allocations"].apply(lambda values: sum(int(v) for v in values))
    names = sets.groupby("models")["poorly_functioning"].apply(lambda values: ", ".join(sorted(values)))
    rows = []
    for (models, analysis, solution_type, expression), group in by_reading.groupby(
        ["models", "analysis", "solution_type", "expression"], sort=True
    ):
        holds = sum(int(v) for v in group["holds_in"])
        rows.append(
            {
                "models": models,
                "poorly_functioning": names[models],
                "analysis": analysis,
                "solution_type": solution_type,
                "expression": expression,
                "holds_in": holds,
                "of_allocations": int(sizes[models]),
                "share": float(holds) / float(sizes[models]) if int(sizes[models]) else 0.0,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    order = {name: i for i, (name, _, _) in enumerate(ANALYSES)}
    types = {t: i for i, t in enumerate(SOLUTION_TYPES)}
    frame = frame.sort_values(
        ["models", "analysis", "solution_type", "share", "expression"],
        key=lambda column: (
            column.map(order)
            if column.name == "analysis"
            else (column.map(types) if column.name == "solution_type" else column)
        ),
        ascending=[True, True, True, False, True],
    ).reset_index(drop=True)
    frame["holds_in"] = frame["holds_in"].astype(object)
    frame["of_allocations"] = frame["of_allocations"].astype(object)
    return frame


# Readings: the verdicts under each set of poorly functioning municipalities ------------------


def _models_key(study, poorly: str) -> str:
    models = study.tables["municipalities"].set_index("municipality_id")["model"]
    return "|".join(sorted(str(models[m]) for m in poorly.split("|") if m))


def _hubs_by_reading(study, allocations: Allocations) -> dict:
    """Reading key ('|'-joined organisation models of the poorly functioning set) -> its hub solutions."""
    members = population_members(study, "municipalities_with_coordinator")
    cells = [("municipalities", m, "coordinator_functioning") for m in members]
    baseline = allocations.model.baseline
    out: dict = defaultdict(list)
    for hub in allocations.hub_solutions:
        poorly = "|".join(m for m, c in zip(members, cells) if hub.get(c, baseline.get(c)) == "poorly")
        out[_models_key(study, poorly)].append(hub)
    return dict(out)


def reading_verdicts(
    study,
    allocations: Allocations,
    table: pd.DataFrame,
    tallies: dict,
    findings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The verdict of every finding and QCA solution under each reading of who functions poorly.

    A reading is a set of organisation models of the poorly functioning municipalities (for the
    default study: the second one has a post of its own, A or B, or shares one, F, G or H). The
    verdicts are computed within the allocations of each reading, without weighing the readings
    against each other.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`robustness_table` of these allocations.
    tallies : dict
        The QCA tallies of these allocations.
    findings : pandas.DataFrame, optional
        The findings table (computed when not given).

    Returns
    -------
    pandas.DataFrame
        Columns ``finding_id, kind, reading, holds_in, of_allocations, verdict``; rows in the
        order of ``table``, readings sorted within each id.
    """
    from evalkit.analysis.findings import findings_table

    if findings is None:
        findings = findings_table(study)
    silent = dict(zip(table["finding_id"], table["unaddressed_cells"]))
    hubs = _hubs_by_reading(study, allocations)
    sub = {
        key: Allocations(
            model=allocations.model,
            hub_solutions=own,
            _solutions=allocations._solutions,
            _projections=allocations._projections,
        )
        for key, own in sorted(hubs.items())
    }
    qca: dict = defaultdict(Counter)
    for (name, poorly), by_type in tallies.items():
        for solution_type, counter in by_type.items():
            for expression, holds in counter.items():
                qca[(_models_key(study, poorly), f"qca.{name}.{solution_type}.{expression}")] += Counter({"": holds})
    by_id = {str(f): row for f, (_, row) in zip(findings["finding_id"], findings.iterrows())}
    rows = []
    for fid, kind in zip(table["finding_id"], table["kind"]):
        for key, own in sub.items():
            total = own.count
            if kind == "finding":
                holds = _finding_holds(study, own, by_id[fid]) if fid in by_id else total
            else:
                holds = qca.get((key, fid), Counter()).get("", 0)
            rows.append(
                {
                    "finding_id": fid,
                    "kind": kind,
                    "reading": key,
                    "holds_in": holds,
                    "of_allocations": total,
                    "verdict": verdict(holds, total, int(silent.get(fid, 0))),
                }
            )
    frame = pd.DataFrame(rows, columns=["finding_id", "kind", "reading", "holds_in", "of_allocations", "verdict"])
    frame["holds_in"] = frame["holds_in"].astype(object)
    frame["of_allocations"] = frame["of_allocations"].astype(object)
    return frame


# The analysis a run computes once --------------------------------------------------------


@dataclass(frozen=True)
class RobustnessAnalysis:
    """Everything the chapters show about robustness, computed once per run.

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`robustness_table` (also ``robustness.csv`` of a run).
    by_reading : pandas.DataFrame
        :func:`qca_by_reading`.
    allocations : int
        Number of allocations consistent with the study's counts and constraints (1 when no
        modelled cell is reconstructed).
    variables : int
        Number of reconstructed cells the model lets vary.
    findings : pandas.DataFrame
        ``finding_id, chapter, statement_sv, statement_en, claimed`` (a published claim checks
        the finding), in findings-table order.
    reading_verdicts : pandas.DataFrame
        :func:`reading_verdicts`: the verdict of every row of ``table`` under each reading.
    readings : pandas.DataFrame
        :func:`reading_table`: one row per reading, with the municipalities it concerns.
    unaddressed : pandas.DataFrame
        :func:`unaddressed_table`: the reconstructed cells no count and no constraint names.
    """

    table: pd.DataFrame
    by_reading: pd.DataFrame
    allocations: int
    variables: int
    findings: pd.DataFrame
    reading_verdicts: pd.DataFrame = None
    readings: pd.DataFrame = None
    unaddressed: pd.DataFrame = None


def robustness_analysis(study, partly_as: int | None = 1, consistency_cut: float = 1.0) -> RobustnessAnalysis:
    """Solve the study's allocations once and give the verdict of every finding and QCA solution.

    The chapters get it with ``chapter.shared(robustness.robustness_analysis)`` and the run's
    ``robustness.csv`` is its :attr:`RobustnessAnalysis.table`, so one run computes it once
    (:mod:`evalkit.report.store`).
    """
    from evalkit.analysis.findings import findings_table

    allocations = consistent_allocations(study)
    tallies = _qca_tallies(study, allocations, partly_as, consistency_cut)
    findings = findings_table(study)
    claimed = set(study.tables["published_claims"]["finding_id"]) if "published_claims" in study.tables else set()
    table = robustness_table(study, allocations, partly_as, consistency_cut, tallies=tallies)
    by_reading = qca_by_reading(study, allocations, partly_as, consistency_cut, tallies=tallies)
    return RobustnessAnalysis(
        table=table,
        by_reading=by_reading,
        allocations=int(allocations.count),
        variables=len(allocations.model.variables),
        findings=pd.DataFrame(
            {
                "finding_id": findings["finding_id"],
                "chapter": findings["chapter"],
                "statement_sv": findings["statement_sv"],
                "statement_en": findings["statement_en"],
                "claimed": findings["finding_id"].isin(claimed),
            }
        ).reset_index(drop=True),
        reading_verdicts=reading_verdicts(study, allocations, table, tallies, findings),
        readings=reading_table(study, by_reading),
        unaddressed=unaddressed_table(allocations.model),
    )


def reading_table(study, by_reading: pd.DataFrame) -> pd.DataFrame:
    """The readings of which municipalities function poorly, grouped by their organisation models.

    Sets of poorly functioning municipalities whose models are the same form one reading: for
    the default study, E with A or B (posts of their own) against E with F, G or H (one of the
    municipalities that share a post).

    Returns
    -------
    pandas.DataFrame
        Columns ``reading (the key of reading_verdicts), always ('|'-joined municipalities poorly
        functioning in every set of the reading), one_of ('|'-joined municipalities of which one
        is), varying_models, allocations`` (exact int); sorted by ``one_of``. No weights: each
        reading is shown on its own.
    """
    columns = ["reading", "always", "one_of", "varying_models", "allocations"]
    sets = by_reading.drop_duplicates("poorly_functioning")
    if sets.empty:
        return pd.DataFrame(columns=columns)
    models = study.tables["municipalities"].set_index("municipality_id")["model"]
    order = {m: i for i, m in enumerate(study.tables["municipalities"]["municipality_id"])}
    rows = []
    for key, group in sets.groupby("models", sort=True):
        members = [set(filter(None, p.split("|"))) for p in group["poorly_functioning"]]
        always = set.intersection(*members)
        varying = set.union(*members) - always
        rows.append(
            {
                "reading": key,
                "always": "|".join(sorted(always, key=order.get)),
                "one_of": "|".join(sorted(varying, key=order.get)),
                "varying_models": "|".join(sorted({str(models[m]) for m in varying})),
                "allocations": sum(int(v) for v in group["of_allocations"]),
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame["allocations"] = frame["allocations"].astype(object)
    return frame.sort_values(["one_of", "reading"]).reset_index(drop=True)


def readings(study, analysis: RobustnessAnalysis) -> pd.DataFrame:
    """:attr:`RobustnessAnalysis.readings` (computed for an analysis made without it)."""
    if analysis.readings is not None:
        return analysis.readings
    return reading_table(study, analysis.by_reading)


# Tables the chapters show ------------------------------------------------------------------


def _verdict_label(study, code: str, language: str) -> str:
    from evalkit.present.labels import vocabulary_label

    return vocabulary_label(study, "robustness", code, language)


def reading_label(study, reading: pd.Series, language: str = "en", reveal_names: bool = False) -> str:
    """A reading as a reader sees it: ``'Om kommun A eller B fungerar dåligt'`` / ``'If municipality A or B works poorly'``."""
    from evalkit.present.labels import municipality_label
    from evalkit.present.language import decapitalise, join_words

    ids = [m for m in str(reading["one_of"]).split("|") if m] or [m for m in str(reading["always"]).split("|") if m]
    labels = [decapitalise(municipality_label(m, language, study, reveal_names)) for m in ids]
    prefix = "kommun " if language == "sv" else "municipality "
    if len(labels) > 1 and all(label.startswith(prefix) for label in labels):
        labels = [labels[0]] + [label[len(prefix) :] for label in labels[1:]]
    joined = join_words(labels, language).replace(" och ", " eller ").replace(" and ", " or ")
    if language == "sv":
        return f"Om {joined} fungerar dåligt"
    return f"If {joined} works poorly"


def _with_reading_columns(study, analysis: RobustnessAnalysis, frame: pd.DataFrame, language: str, reveal_names):
    """``frame`` with one verdict column per reading (headed by the reading, in ``language``)."""
    groups = readings(study, analysis)
    verdicts = analysis.reading_verdicts
    if verdicts is None or len(groups) < 2:
        return frame
    for _, reading in groups.iterrows():
        own = verdicts[verdicts["reading"] == reading["reading"]].set_index("finding_id")["verdict"]
        frame[reading_label(study, reading, language, reveal_names)] = [
            _verdict_label(study, own.get(f, "none"), language) for f in frame["finding_id"]
        ]
    return frame


def resting_findings(
    analysis: RobustnessAnalysis, language: str = "en", study=None, reveal_names: bool = False
) -> pd.DataFrame:
    """The findings that do not hold in every consistent allocation.

    Returns
    -------
    pandas.DataFrame
        Columns ``finding_id, statement (in language), robustness`` (the verdict's label: holds in
        some allocations, or rests on values the source does not address) and, when ``study`` is
        given and the study has two readings or more, one column per reading with the verdict
        under it. Findings that hold in some allocations first, then those on unaddressed values,
        each in findings-table order; empty when every finding holds everywhere (always so for a
        study with one allocation). No share of allocations is given: it would weight every
        allocation equally without saying so.
    """
    table = analysis.table
    resting = table[(table["kind"] == "finding") & ~table["holds_everywhere"]]
    statements = analysis.findings.set_index("finding_id")["statement_" + language]
    order = {code: i for i, code in enumerate(VERDICTS)}
    frame = pd.DataFrame(
        {
            "finding_id": resting["finding_id"].astype(str).to_numpy(),
            "statement": [statements.get(f, pd.NA) for f in resting["finding_id"]],
            "robustness": [_verdict_label(study, v, language) for v in resting["verdict"]],
            "_order": [order[v] for v in resting["verdict"]],
        }
    )
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    if study is not None:
        frame = _with_reading_columns(study, analysis, frame, language, reveal_names)
    return frame


def study_solutions(
    analysis: RobustnessAnalysis, language: str | None = None, study=None, reveal_names: bool = False
) -> pd.DataFrame:
    """The QCA solutions of the study's own allocation, with their verdict overall and per reading.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind (success_factor or failure_explanation), solution_type, expression,
        verdict`` (code of :data:`VERDICTS`); with ``language`` the verdict is the reader's label
        in a column ``robustness`` instead, and with ``study`` one column per reading follows.
        Empty for a study with one allocation (every solution then holds in the only one).
    """
    columns = ["kind", "solution_type", "expression", "verdict"]
    if analysis.allocations <= 1:
        return pd.DataFrame(columns=columns)
    table = analysis.table
    own = table[(table["kind"] == "qca") & table["in_study"]]
    parts = own["finding_id"].str.split(".", n=3)
    kinds = {name: kind for name, kind, _ in ANALYSES}
    frame = pd.DataFrame(
        {
            "finding_id": own["finding_id"].astype(str).to_numpy(),
            "kind": [kinds[p[1]] for p in parts],
            "solution_type": [p[2] for p in parts],
            "expression": [p[3] for p in parts],
            "verdict": own["verdict"].to_numpy(),
        }
    ).reset_index(drop=True)
    if language is None:
        return frame[columns]
    frame["robustness"] = [_verdict_label(study, v, language) for v in frame["verdict"]]
    frame = frame.drop(columns="verdict")
    if study is not None:
        frame = _with_reading_columns(study, analysis, frame, language, reveal_names)
    return frame.drop(columns="finding_id")


def solutions_by_reading(study, analysis: RobustnessAnalysis) -> pd.DataFrame:
    """Per reading, analysis and solution type: the solution every allocation of the reading returns, if any.

    Returns
    -------
    pandas.DataFrame
        Columns ``poorly_one_of ('|'-joined: the municipalities of which one functions
        poorly in this reading, besides those that always do), kind, solution_type, expression
        (the solution that holds in every allocation of the reading; :data:`VARIES` when none
        does), n_solutions (different solutions the reading's allocations return)``. Empty when
        the study has one allocation or only one reading.
    """
    columns = ["poorly_one_of", "kind", "solution_type", "expression", "n_solutions"]
    groups = readings(study, analysis)
    if analysis.allocations <= 1 or len(groups) < 2:
        return pd.DataFrame(columns=columns)
    by_model = qca_by_model(study, by_reading=analysis.by_reading)
    kinds = {name: kind for name, kind, _ in ANALYSES}
    rows = []
    for _, reading in groups.iterrows():
        own = by_model[by_model["models"] == reading["reading"]]
        for name, _, _ in ANALYSES:
            for solution_type in SOLUTION_TYPES:
                solutions = own[(own["analysis"] == name) & (own["solution_type"] == solution_type)]
                if solutions.empty:
                    continue
                everywhere = solutions[
                    [int(h) == int(n) for h, n in zip(solutions["holds_in"], solutions["of_allocations"])]
                ]
                rows.append(
                    {
                        "poorly_one_of": reading["one_of"],
                        "kind": kinds[name],
                        "solution_type": solution_type,
                        "expression": everywhere["expression"].iloc[0] if len(everywhere) else VARIES,
                        "n_solutions": len(solutions),
                    }
                )
    return pd.DataFrame(rows, columns=columns)


#: ``expression`` of :func:`solutions_by_reading` when no solution holds in every allocation of a reading.
VARIES = "(varies)"


__all__ = [
    "ROBUSTNESS_COLUMNS",
    "VERDICTS",
    "VARIES",
    "NO_SOLUTION",
    "RobustnessAnalysis",
    "robustness_analysis",
    "robustness_table",
    "reading_verdicts",
    "reading_table",
    "reading_label",
    "unaddressed_cells",
    "unaddressed_table",
    "verdict",
    "qca_by_reading",
    "qca_by_model",
    "allocations_by_poorly_functioning",
    "readings",
    "resting_findings",
    "study_solutions",
    "solutions_by_reading",
]
