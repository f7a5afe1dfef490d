"""An exact crisp-set QCA engine (truth table, necessity, Boolean minimisation).

The module implements the standard analysis of crisp-set Qualitative
Comparative Analysis as described by Ragin (1987, 2008), Rihoux and De Meur
(2009) and Dusa (2019, *QCA with R*, chapters 5-8):

* :func:`truth_table` groups the cases by configuration of the conditions and
  scores every row's sufficiency consistency (inclusion) and PRI.
* :func:`necessity` scores every condition and its negation as a necessary
  condition (consistency, coverage, relevance of necessity).
* :func:`minimise` derives the conservative, parsimonious or intermediate
  solution with an exact Quine-McCluskey step and an exact solution of the
  prime-implicant chart that returns *every* minimal solution (model
  ambiguity is reported, never hidden).
* :func:`analyse` runs all of the above in one call.

Everything is exact and deterministic: no heuristics, no randomness, and every
table and list comes out in a documented order.

Notation
--------
Terms are written with ``*`` for AND and ``~`` for NOT, e.g. ``DEV*~URB*STB``;
literals follow the order of the conditions given by the caller. A solution is
a tuple of terms, shown joined with `` + `` by :func:`format_solution`.

Canonical order
---------------
Terms within a solution are sorted by number of literals, then condition by
condition with a present literal before a negated literal before an absent
condition (so ``DEV*~URB*LIT*STB`` precedes ``DEV*LIT*IND*STB``). Solutions
are sorted by total number of literals, then term by term.

Internally a *cube* is a tuple with one entry per condition: ``1`` (present),
``0`` (negated) or ``None`` (minimised away). A *configuration* (minterm) is a
cube without ``None``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd

Cube = tuple  # tuple[int | None, ...]; see module docstring
Configuration = tuple  # tuple[int, ...]

NEGATION = "~"
CONJUNCTION = "*"
DISJUNCTION = " + "

_EXPECTATION_NONE = (None, "-", "")


# ---------------------------------------------------------------------------
# Set-theoretic measures (work on crisp and fuzzy membership vectors alike)
# ---------------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else math.nan


def sufficiency_consistency(x: Sequence[float], y: Sequence[float]) -> float:
    """Consistency (inclusion) of X as sufficient for Y: sum min(X,Y) / sum X.

    Parameters
    ----------
    x, y : array-like of float
        Set memberships of the cases in the condition (or term) and outcome.

    Returns
    -------
    float
        ``nan`` when no case is a member of X.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _ratio(np.minimum(x, y).sum(), x.sum())


def sufficiency_coverage(x: Sequence[float], y: Sequence[float]) -> float:
    """Coverage of Y by a sufficient X: sum min(X,Y) / sum Y (``nan`` if Y is empty)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _ratio(np.minimum(x, y).sum(), y.sum())


def proportional_reduction_in_inconsistency(x: Sequence[float], y: Sequence[float]) -> float:
    """PRI of X for Y.

    ``(sum min(X,Y) - sum min(X,Y,~Y)) / (sum X - sum min(X,Y,~Y))``. For crisp
    data ``min(Y, ~Y)`` is always 0, so PRI equals the sufficiency consistency.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    both = np.minimum(x, y)
    simultaneous = np.minimum(both, 1.0 - y).sum()
    return _ratio(both.sum() - simultaneous, x.sum() - simultaneous)


def necessity_consistency(x: Sequence[float], y: Sequence[float]) -> float:
    """Consistency of X as necessary for Y: sum min(X,Y) / sum Y."""
    return sufficiency_coverage(x, y)


def necessity_coverage(x: Sequence[float], y: Sequence[float]) -> float:
    """Coverage of a necessary X: sum min(X,Y) / sum X."""
    return sufficiency_consistency(x, y)


def relevance_of_necessity(x: Sequence[float], y: Sequence[float]) -> float:
    """Relevance of necessity (Schneider & Wagemann 2012): sum(1-X) / sum(1-min(X,Y))."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _ratio((1.0 - x).sum(), (1.0 - np.minimum(x, y)).sum())


# ---------------------------------------------------------------------------
# Input validation and outcome handling
# ---------------------------------------------------------------------------


def _parse_outcome(outcome: str, negate_outcome: bool) -> tuple[str, bool]:
    """Split ``"~Y"`` into ``("Y", True)``; refuse a double negation."""
    name = outcome.strip()
    negated_by_name = name.startswith(NEGATION)
    if negated_by_name:
        name = name[len(NEGATION) :].strip()
    if negated_by_name and negate_outcome:
        raise ValueError(f"Outcome {outcome!r} is already negated with '~'; do not also pass negate_outcome=True.")
    return name, negated_by_name or negate_outcome


def _outcome_label(outcome_column: str, negated: bool) -> str:
    return f"{NEGATION}{outcome_column}" if negated else outcome_column


def _resolve_case_labels(data: pd.DataFrame, case_labels) -> list[str]:
    if case_labels is None:
        labels = [str(label) for label in data.index]
    elif isinstance(case_labels, str):
        if case_labels not in data.columns:
            raise ValueError(f"case_labels column {case_labels!r} is not in the data.")
        labels = [str(label) for label in data[case_labels]]
    else:
        labels = [str(label) for label in case_labels]
        if len(labels) != len(data):
            raise ValueError(f"case_labels has {len(labels)} labels but the data has {len(data)} cases.")
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"Case labels must be unique; repeated: {', '.join(duplicates)}.")
    return labels


def _crisp_memberships(data: pd.DataFrame, columns: Sequence[str], labels: Sequence[str]) -> pd.DataFrame:
    """Return the columns as a 0/1 int frame indexed by case label.

    Raises a ValueError naming the first case and column that is missing or is
    not a crisp (0/1) membership.
    """
    missing_columns = [column for column in columns if column not in data.columns]
    if missing_columns:
        raise ValueError(f"Columns not in the data: {', '.join(missing_columns)}.")
    frame = data.loc[:, list(columns)]
    for column in columns:
        for label, value in zip(labels, frame[column].tolist()):
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                raise ValueError(
                    f"Missing value for case {label!r} in {column!r}; "
                    "crisp-set QCA needs a 0/1 membership for every case and condition."
                )
            if isinstance(value, str) or value not in (0, 1):
                raise ValueError(f"Case {label!r} has {value!r} in {column!r}; crisp memberships must be 0 or 1.")
    crisp = frame.astype(float).astype(int)
    crisp.index = pd.Index(list(labels), name="case")
    return crisp


def _validate_cuts(consistency_cut: float, frequency_cut: int) -> None:
    if not 0.0 <= consistency_cut <= 1.0:
        raise ValueError(f"consistency_cut must lie in [0, 1], got {consistency_cut!r}.")
    if int(frequency_cut) != frequency_cut or frequency_cut < 1:
        raise ValueError(f"frequency_cut must be a whole number >= 1, got {frequency_cut!r}.")


def _natural_key(label: str) -> tuple:
    """Sort key that orders ``m2`` before ``m10``."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", label) if part)


def _join_cases(labels: Iterable[str]) -> str:
    return ",".join(sorted(labels, key=_natural_key))


# ---------------------------------------------------------------------------
# Truth table
# ---------------------------------------------------------------------------


def _row_number(configuration: Configuration) -> int:
    """1-based row number of a configuration in the complete truth table.

    The first condition is the most significant bit, as in the R QCA package
    (so with five conditions ``11111`` is row 32 and ``00000`` is row 1).
    """
    number = 0
    for value in configuration:
        number = number * 2 + value
    return number + 1


def truth_table(
    data: pd.DataFrame,
    conditions: Sequence[str],
    outcome: str,
    consistency_cut: float = 1.0,
    frequency_cut: int = 1,
    case_labels=None,
    negate_outcome: bool = False,
    include_remainders: bool = False,
) -> pd.DataFrame:
    """Build the crisp-set truth table.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per case, 0/1 memberships in the conditions and the outcome.
        The index holds the case labels unless ``case_labels`` says otherwise.
    conditions : sequence of str
        Condition columns, in the order used for the table and all terms.
    outcome : str
        Outcome column; prefix with ``~`` to explain the outcome's absence.
    consistency_cut : float, default 1.0
        A row with at least ``frequency_cut`` cases gets ``outcome`` 1 when its
        consistency is at least this value, otherwise 0.
    frequency_cut : int, default 1
        Rows with fewer cases are treated as logical remainders (``outcome``
        missing) in the minimisation, as in the R QCA package.
    case_labels : None, str or sequence, optional
        ``None`` uses the index; a column name or a sequence gives the labels.
    negate_outcome : bool, default False
        Explain the absence of the outcome (same as ``outcome="~Y"``).
    include_remainders : bool, default False
        Also list the unobserved configurations (``n`` = 0).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``row`` (the configuration's number in the complete truth
        table, first condition most significant) in ascending order, with one
        column per condition (0/1), ``n`` (cases), ``n_outcome`` (cases in the
        outcome), ``consistency``, ``pri``, ``outcome`` (nullable Int64: 1, 0 or
        missing for remainders and rows below the frequency cut),
        ``contradiction`` (True when 0 < consistency < 1) and ``cases``
        (naturally sorted, comma-joined labels). ``attrs`` records the
        conditions, the outcome label and the cuts.

    Raises
    ------
    ValueError
        On a missing or non-0/1 value (naming the case and column), unknown
        columns, repeated case labels or invalid cuts.
    """
    _validate_cuts(consistency_cut, frequency_cut)
    conditions = list(conditions)
    if not conditions:
        raise ValueError("At least one condition is needed.")
    if len(set(conditions)) != len(conditions):
        raise ValueError("Conditions must be distinct.")
    outcome_column, negated = _parse_outcome(outcome, negate_outcome)
    if outcome_column in conditions:
        raise ValueError(f"The outcome {outcome_column!r} cannot also be a condition.")
    labels = _resolve_case_labels(data, case_labels)
    memberships = _crisp_memberships(data, [*conditions, outcome_column], labels)
    outcome_membership = memberships[outcome_column]
    if negated:
        outcome_membership = 1 - outcome_membership

    rows = []
    observed = memberships.groupby(conditions, sort=True)
    for configuration, group in observed:
        configuration = tuple(int(value) for value in np.atleast_1d(configuration))
        x = np.ones(len(group))
        y = outcome_membership.loc[group.index].to_numpy()
        rows.append(_truth_table_row(configuration, x, y, list(group.index), consistency_cut, frequency_cut))
    if include_remainders:
        seen = {row["configuration"] for row in rows}
        for configuration in product((0, 1), repeat=len(conditions)):
            if configuration not in seen:
                rows.append(_remainder_row(configuration))

    table = _rows_to_frame(rows, conditions)
    table.attrs.update(
        {
            "conditions": tuple(conditions),
            "outcome": _outcome_label(outcome_column, negated),
            "consistency_cut": float(consistency_cut),
            "frequency_cut": int(frequency_cut),
        }
    )
    return table


def _truth_table_row(configuration, x, y, labels, consistency_cut, frequency_cut) -> dict:
    consistency = sufficiency_consistency(x, y)
    enough_cases = len(labels) >= frequency_cut
    outcome_value = (1 if consistency >= consistency_cut else 0) if enough_cases else pd.NA
    return {
        "configuration": configuration,
        "n": len(labels),
        "n_outcome": int(np.asarray(y).sum()),
        "consistency": consistency,
        "pri": proportional_reduction_in_inconsistency(x, y),
        "outcome": outcome_value,
        "contradiction": bool(0.0 < consistency < 1.0),
        "cases": _join_cases(labels),
    }


def _remainder_row(configuration) -> dict:
    return {
        "configuration": configuration,
        "n": 0,
        "n_outcome": 0,
        "consistency": math.nan,
        "pri": math.nan,
        "outcome": pd.NA,
        "contradiction": False,
        "cases": "",
    }


def _rows_to_frame(rows: list[dict], conditions: list[str]) -> pd.DataFrame:
    rows = sorted(rows, key=lambda row: row["configuration"])
    frame = pd.DataFrame(
        {
            **{condition: [row["configuration"][i] for row in rows] for i, condition in enumerate(conditions)},
            "n": [row["n"] for row in rows],
            "n_outcome": [row["n_outcome"] for row in rows],
            "consistency": [row["consistency"] for row in rows],
            "pri": [row["pri"] for row in rows],
            "outcome": pd.array([row["outcome"] for row in rows], dtype="Int64"),
            "contradiction": [row["contradiction"] for row in rows],
            "cases": [row["cases"] for row in rows],
        },
        index=pd.Index([_row_number(row["configuration"]) for row in rows], name="row"),
    )
    return frame.astype({condition: "int64" for condition in conditions} | {"n": "int64", "n_outcome": "int64"})


# ---------------------------------------------------------------------------
# Necessity
# ---------------------------------------------------------------------------


def necessity(
    data: pd.DataFrame,
    conditions: Sequence[str],
    outcome: str,
    case_labels=None,
    negate_outcome: bool = False,
) -> pd.DataFrame:
    """Score every condition and its negation as necessary for the outcome.

    Parameters
    ----------
    data, conditions, outcome, case_labels, negate_outcome
        As in :func:`truth_table`.

    Returns
    -------
    pandas.DataFrame
        Columns ``condition`` (``A`` or ``~A``), ``consistency``
        (sum min(X,Y)/sum Y), ``coverage`` (sum min(X,Y)/sum X) and
        ``relevance`` (RoN = sum(1-X)/sum(1-min(X,Y))). Rows follow the order
        of ``conditions``, each condition directly followed by its negation.
    """
    outcome_column, negated = _parse_outcome(outcome, negate_outcome)
    labels = _resolve_case_labels(data, case_labels)
    memberships = _crisp_memberships(data, [*conditions, outcome_column], labels)
    y = memberships[outcome_column].to_numpy()
    if negated:
        y = 1 - y
    records = []
    for condition in conditions:
        present = memberships[condition].to_numpy()
        for name, x in ((condition, present), (f"{NEGATION}{condition}", 1 - present)):
            records.append(
                {
                    "condition": name,
                    "consistency": necessity_consistency(x, y),
                    "coverage": necessity_coverage(x, y),
                    "relevance": relevance_of_necessity(x, y),
                }
            )
    return pd.DataFrame.from_records(records, columns=["condition", "consistency", "coverage", "relevance"])


# ---------------------------------------------------------------------------
# Cubes, terms and their text form
# ---------------------------------------------------------------------------


def _cube_contains(cube: Cube, configuration: Configuration) -> bool:
    return all(value is None or value == bit for value, bit in zip(cube, configuration))


def _cube_is_within(inner: Cube, outer: Cube) -> bool:
    """True when every configuration of ``inner`` lies in ``outer``."""
    return all(o is None or o == i for i, o in zip(inner, outer))


def _literal_count(cube: Cube) -> int:
    return sum(value is not None for value in cube)


def _term_text(cube: Cube, conditions: Sequence[str]) -> str:
    literals = [
        condition if value == 1 else f"{NEGATION}{condition}"
        for condition, value in zip(conditions, cube)
        if value is not None
    ]
    return CONJUNCTION.join(literals)


def _term_sort_key(cube: Cube) -> tuple:
    rank = {1: 0, 0: 1, None: 2}
    return (_literal_count(cube), tuple(rank[value] for value in cube))


def _canonical_solution(cubes: Iterable[Cube]) -> tuple:
    return tuple(sorted(set(cubes), key=_term_sort_key))


def _solution_sort_key(solution: tuple) -> tuple:
    return (
        sum(_literal_count(cube) for cube in solution),
        len(solution),
        tuple(_term_sort_key(cube) for cube in solution),
    )


def parse_term(term: str, conditions: Sequence[str]) -> Cube:
    """Parse ``"A*~B"`` into a cube over ``conditions``.

    Raises
    ------
    ValueError
        On an unknown condition or a condition used twice.
    """
    cube = [None] * len(conditions)
    position = {condition: i for i, condition in enumerate(conditions)}
    for literal in term.split(CONJUNCTION):
        literal = literal.strip()
        negated = literal.startswith(NEGATION)
        name = literal[len(NEGATION) :].strip() if negated else literal
        if name not in position:
            raise ValueError(f"Unknown condition {name!r} in term {term!r}.")
        if cube[position[name]] is not None:
            raise ValueError(f"Condition {name!r} appears twice in term {term!r}.")
        cube[position[name]] = 0 if negated else 1
    return tuple(cube)


def format_solution(solution: Sequence[str], outcome: str | None = None) -> str:
    """Join the terms of a solution with `` + ``; append `` -> OUTCOME`` if given.

    >>> format_solution(("DEV*~URB*LIT*STB", "DEV*LIT*IND*STB"), "SURV")
    'DEV*~URB*LIT*STB + DEV*LIT*IND*STB -> SURV'
    """
    expression = DISJUNCTION.join(solution)
    return f"{expression} -> {outcome}" if outcome else expression


# ---------------------------------------------------------------------------
# Quine-McCluskey prime implicants
# ---------------------------------------------------------------------------


def _merge_cubes(first: Cube, second: Cube) -> Cube | None:
    """Merge two cubes that differ in exactly one specified position."""
    difference = None
    for i, (a, b) in enumerate(zip(first, second)):
        if a == b:
            continue
        if a is None or b is None or difference is not None:
            return None
        difference = i
    if difference is None:
        return None
    merged = list(first)
    merged[difference] = None
    return tuple(merged)


def prime_implicants(configurations: Iterable[Configuration], dont_cares: Iterable[Configuration] = ()) -> list[Cube]:
    """Quine-McCluskey prime implicants of ``configurations`` + ``dont_cares``.

    Returns only primes that cover at least one configuration of the first
    argument (primes made only of don't-cares can never enter a solution),
    in canonical term order.
    """
    required = set(configurations)
    current = set(required) | set(dont_cares)
    primes: set[Cube] = set()
    while current:
        merged_away: set[Cube] = set()
        next_level: set[Cube] = set()
        for group in _group_by_shape(current).values():
            for first, second in _adjacent_pairs(group):
                merged = _merge_cubes(first, second)
                if merged is not None:
                    next_level.add(merged)
                    merged_away.update((first, second))
        primes.update(current - merged_away)
        current = next_level
    useful = [cube for cube in primes if any(_cube_contains(cube, c) for c in required)]
    return sorted(useful, key=_term_sort_key)


def _group_by_shape(cubes: set[Cube]) -> dict:
    """Group cubes by which positions are minimised; only those can merge."""
    groups: dict = {}
    for cube in cubes:
        shape = tuple(value is None for value in cube)
        groups.setdefault(shape, []).append(cube)
    return groups


def _adjacent_pairs(cubes: list[Cube]):
    """Pairs of cubes whose numbers of present literals differ by one."""
    by_ones: dict[int, list[Cube]] = {}
    for cube in cubes:
        by_ones.setdefault(sum(value == 1 for value in cube), []).append(cube)
    for ones in sorted(by_ones):
        for first in by_ones[ones]:
            for second in by_ones.get(ones + 1, ()):
                yield first, second


# ---------------------------------------------------------------------------
# Exact solution of the prime implicant chart
# ---------------------------------------------------------------------------


def minimal_covers(chart: Mapping[Cube, frozenset], fewest_literals: bool = True) -> list[tuple]:
    """All minimal covers of a prime implicant chart.

    Parameters
    ----------
    chart : mapping
        Prime implicant (a cube) -> the set of columns (configurations) it
        covers. Every column must be covered by at least one key.
    fewest_literals : bool, default True
        Among the covers with the fewest prime implicants keep only those with
        the fewest literals in total. ``False`` keeps them all, as the R QCA
        package does.

    Returns
    -------
    list of tuple
        Every minimal cover, each as a tuple of keys in canonical term order.
        Essential prime implicants are fixed first; the rest of the chart is
        solved by an exact search (see ``_smallest_covers``). No row dominance
        is applied, since it can discard tied solutions.
    """
    columns = frozenset().union(*chart.values()) if chart else frozenset()
    if not columns:
        return [()]
    essential = _essential_keys(chart, columns)
    still_open = columns - frozenset().union(*(chart[key] for key in essential))
    candidates = sorted(
        (key for key in chart if key not in essential and chart[key] & still_open),
        key=_term_sort_key,
    )
    rest_covers = _smallest_covers(chart, candidates, still_open)
    covers = [tuple(essential) + rest for rest in rest_covers]
    if not fewest_literals:
        return covers
    least = min(_cover_literals(cover) for cover in covers)
    return [cover for cover in covers if _cover_literals(cover) == least]


def _cover_literals(cover: tuple) -> int:
    return sum(_literal_count(key) for key in cover)


def _essential_keys(chart: Mapping, columns: frozenset) -> list:
    """Keys that are the only cover of some column."""
    essential = set()
    for column in columns:
        covering = [key for key, covered in chart.items() if column in covered]
        if len(covering) == 1:
            essential.add(covering[0])
    return sorted(essential, key=_term_sort_key)


def _smallest_covers(chart: Mapping, candidates: list, columns: frozenset) -> list[tuple]:
    """Every cover of ``columns`` by the fewest ``candidates`` (exact).

    Columns become bits. A column whose candidates include all candidates of
    another column is dropped (covering the other covers it too), which keeps
    every solution. Then, by iterative deepening on the cover size, the
    search branches on the open column with the fewest candidates: any cover
    must contain one of them, so no cover of the current size is missed.
    Sub-results are memoised on (open columns, budget).
    """
    if not columns:
        return [()]
    kept_columns = _drop_dominated_columns(
        {column: frozenset(key for key in candidates if column in chart[key]) for column in columns}
    )
    bit_of = {column: 1 << i for i, column in enumerate(sorted(kept_columns, key=repr))}
    masks = {key: sum(bit_of[c] for c in chart[key] if c in bit_of) for key in candidates}
    candidates_of_bit = {
        bit_of[column]: tuple(key for key in candidates if column in chart[key]) for column in kept_columns
    }
    search = _CoverSearch(masks, candidates_of_bit)
    all_columns = sum(bit_of.values())
    order = {key: position for position, key in enumerate(candidates)}
    for size in range(1, len(candidates) + 1):
        found = search.covers(all_columns, size)
        if found:
            covers = [tuple(sorted(cover, key=order.__getitem__)) for cover in found]
            return sorted(covers, key=lambda cover: [order[key] for key in cover])
    raise ValueError("The prime implicant chart cannot be covered.")  # pragma: no cover


def _drop_dominated_columns(candidates_of: dict) -> dict:
    """Keep only the columns whose candidate set contains no other column's set."""
    kept = {}
    for column, keys in sorted(candidates_of.items(), key=lambda item: (len(item[1]), repr(item[0]))):
        if not any(other <= keys for other in kept.values()):
            kept[column] = keys
    return kept


class _CoverSearch:
    """Memoised enumeration of all covers of a column mask within a budget."""

    def __init__(self, masks: dict, candidates_of_bit: dict):
        self.masks = masks
        self.candidates_of_bit = candidates_of_bit
        self.largest = max(mask.bit_count() for mask in masks.values())
        self.memo: dict = {}

    def covers(self, still_open: int, budget: int) -> frozenset:
        """All sets of at most ``budget`` candidates reached by branching that cover ``still_open``."""
        if not still_open:
            return frozenset({frozenset()})
        if budget * self.largest < still_open.bit_count():
            return frozenset()
        state = (still_open, budget)
        if state not in self.memo:
            self.memo[state] = self._branch(still_open, budget)
        return self.memo[state]

    def _branch(self, still_open: int, budget: int) -> frozenset:
        open_bits = [bit for bit in self.candidates_of_bit if bit & still_open]
        hardest = min(open_bits, key=lambda bit: (len(self.candidates_of_bit[bit]), bit))
        results = set()
        for key in self.candidates_of_bit[hardest]:
            for rest in self.covers(still_open & ~self.masks[key], budget - 1):
                results.add(rest | {key})
        return frozenset(results)


# ---------------------------------------------------------------------------
# Minimisation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QCASolutions:
    """The minimal solutions of one minimisation and their parameters of fit.

    Attributes
    ----------
    kind : str
        ``"conservative"``, ``"parsimonious"`` or ``"intermediate"``.
    outcome : str
        The explained outcome (``"~Y"`` when negated).
    conditions : tuple of str
        Condition order used in every term.
    solutions : list of tuple of str
        Every minimal solution (model ambiguity is reported in full), each a
        tuple of terms in canonical order; solutions in canonical order.
    prime_implicants : tuple of str
        The prime implicants of the chart that was solved.
    essential : tuple of str
        Terms that appear in every solution.
    remainders_used : list of tuple of str
        Per solution, the remainder configurations it covers (the simplifying
        assumptions; for the intermediate solution, the easy counterfactuals
        it rests on), each written as a full term.
    models : tuple of str
        Per solution, its label as R's QCA package prints it: ``C1``, ``C2`` (conservative),
        ``P1``, ``P2`` (parsimonious) and, for an intermediate solution, the conservative x
        parsimonious pair(s) it comes from (``C1P1``; ``C1P1, C1P2`` when two pairs give it).
    model_fit : pandas.DataFrame
        One row per solution: ``solution`` (1-based), ``expression``,
        ``consistency``, ``pri``, ``coverage``.
    term_fit : pandas.DataFrame
        One row per solution and term: ``solution``, ``term``, ``consistency``,
        ``pri``, ``raw_coverage``, ``unique_coverage`` (within that solution),
        ``cases`` (cases of the explained rows the term covers, rows
        separated by ``"; "``).
    """

    kind: str
    outcome: str
    conditions: tuple
    solutions: list
    prime_implicants: tuple
    essential: tuple
    remainders_used: list
    model_fit: pd.DataFrame
    term_fit: pd.DataFrame
    models: tuple = ()

    def expressions(self) -> list[str]:
        """Every solution as text, e.g. ``['A*B + ~C']``."""
        return [format_solution(solution) for solution in self.solutions]


@dataclass(frozen=True)
class _TableContent:
    """What the minimisation needs from a truth table."""

    conditions: tuple
    outcome: str
    positives: frozenset
    negatives: frozenset
    remainders: frozenset  # every configuration that is neither positive nor negative
    observed: pd.DataFrame  # rows with cases: configuration columns, n, n_outcome, outcome, cases
    observed_configurations: tuple  # the configuration of each row of ``observed``


def _read_table(table: pd.DataFrame) -> _TableContent:
    columns = list(table.columns)
    if "n" not in columns or "outcome" not in columns:
        raise ValueError("The truth table needs the columns 'n' and 'outcome' (see truth_table()).")
    conditions = tuple(table.attrs.get("conditions") or columns[: columns.index("n")])
    outcome = table.attrs.get("outcome", "OUTCOME")
    positives, negatives = set(), set()
    for configuration, value in zip(_configurations(table, conditions), table["outcome"]):
        if pd.isna(value):
            continue
        (positives if int(value) == 1 else negatives).add(configuration)
    observed = table.loc[table["n"] > 0]
    everything = product((0, 1), repeat=len(conditions))
    remainders = frozenset(c for c in everything if c not in positives and c not in negatives)
    return _TableContent(
        conditions=conditions,
        outcome=outcome,
        positives=frozenset(positives),
        negatives=frozenset(negatives),
        remainders=remainders,
        observed=observed,
        observed_configurations=tuple(_configurations(observed, conditions)),
    )


def _configurations(table: pd.DataFrame, conditions: Sequence[str]) -> list[Configuration]:
    values = table.loc[:, list(conditions)].to_numpy(dtype=int)
    return [tuple(int(v) for v in row) for row in values]


def minimise(
    table: pd.DataFrame,
    include_remainders: bool = False,
    directional_expectations: Mapping[str, object] | None = None,
    fewest_literals: bool = True,
) -> QCASolutions:
    """Minimise a truth table into all minimal solutions.

    Parameters
    ----------
    table : pandas.DataFrame
        A truth table from :func:`truth_table`. Rows with ``outcome`` 1 are
        explained, rows with 0 are never covered, and rows with a missing
        outcome (below the frequency cut) as well as unobserved configurations
        are logical remainders.
    include_remainders : bool, default False
        ``False`` gives the conservative (complex) solution; ``True`` the
        parsimonious solution, using every remainder as a don't-care.
    directional_expectations : mapping, optional
        Condition -> 1 (presence expected to contribute to the outcome), 0
        (absence expected to contribute) or ``None``/``"-"`` (no expectation).
        Conditions left out have no expectation. Gives the intermediate
        solution and requires ``include_remainders=True``.
    fewest_literals : bool, default True
        A minimal solution has the fewest prime implicants and, among those,
        the fewest literals. ``False`` drops the second criterion and returns
        every cover with the fewest prime implicants (as the R QCA package).

    Returns
    -------
    QCASolutions

    Notes
    -----
    The intermediate solution follows Ragin & Sonnett (2005) as implemented
    in the R QCA package (Dusa 2019, section 8.8): for every pair of a
    conservative and a parsimonious solution, each conservative term that is a
    subset of a parsimonious term is widened by dropping the literals that
    contradict a directional expectation (literals of the parsimonious term,
    literals that agree with an expectation and literals without expectation
    are kept). The simplifying assumptions of the parsimonious solution that
    fall inside a widened term are the easy counterfactuals; the positive
    configurations plus these easy counterfactuals (and no other remainder)
    are then minimised exactly. The union of the solutions over all pairs is
    returned.
    """
    content = _read_table(table)
    if not content.positives:
        raise ValueError("No truth table row has outcome 1; there is nothing to explain.")
    if directional_expectations is not None:
        if not include_remainders:
            raise ValueError("Directional expectations need include_remainders=True.")
        expectations = _validate_expectations(directional_expectations, content.conditions)
        return _intermediate(content, expectations, fewest_literals)
    if include_remainders:
        return _parsimonious(content, fewest_literals)
    return _conservative(content, fewest_literals)


def _conservative(content: _TableContent, fewest_literals: bool) -> QCASolutions:
    primes, solutions = _conservative_cubes(content, fewest_literals)
    labels = [f"C{i}" for i in range(1, len(solutions) + 1)]
    return _build_solutions("conservative", content, primes, solutions, labels)


def _parsimonious(content: _TableContent, fewest_literals: bool) -> QCASolutions:
    primes, solutions = _parsimonious_cubes(content, fewest_literals)
    labels = [f"P{i}" for i in range(1, len(solutions) + 1)]
    return _build_solutions("parsimonious", content, primes, solutions, labels)


def _conservative_cubes(content, fewest_literals: bool) -> tuple[list, list]:
    primes = prime_implicants(content.positives)
    return primes, _solve(primes, content.positives, fewest_literals)


def _parsimonious_cubes(content, fewest_literals: bool) -> tuple[list, list]:
    if not content.negatives:
        raise ValueError(
            "No truth table row has outcome 0, so with remainders every condition would be "
            "minimised away; the parsimonious solution is undefined."
        )
    primes = prime_implicants(content.positives, content.remainders)
    return primes, _solve(primes, content.positives, fewest_literals)


def _solve(primes: Sequence[Cube], positives: frozenset, fewest_literals: bool) -> list[tuple]:
    chart = {prime: frozenset(c for c in positives if _cube_contains(prime, c)) for prime in primes}
    chart = {prime: covered for prime, covered in chart.items() if covered}
    covers = minimal_covers(chart, fewest_literals)
    return sorted({_canonical_solution(cover) for cover in covers}, key=_solution_sort_key)


def _validate_expectations(expectations: Mapping[str, object], conditions: tuple) -> tuple:
    unknown = sorted(set(expectations) - set(conditions))
    if unknown:
        raise ValueError(f"Directional expectations for unknown conditions: {', '.join(unknown)}.")
    resolved = []
    for condition in conditions:
        value = expectations.get(condition)
        if value in _EXPECTATION_NONE:
            resolved.append(None)
        elif value in (0, 1) and not isinstance(value, str):
            resolved.append(int(value))
        else:
            raise ValueError(f"Directional expectation for {condition!r} must be 1, 0, None or '-', got {value!r}.")
    return tuple(resolved)


def _intermediate(content: _TableContent, expectations: tuple, fewest_literals: bool) -> QCASolutions:
    primes, ordered, origins = _intermediate_cubes(content, expectations, fewest_literals)
    labels = [", ".join(origins[solution]) for solution in ordered]
    return _build_solutions("intermediate", content, primes, ordered, labels)


def _intermediate_cubes(content, expectations: tuple, fewest_literals: bool) -> tuple[list, list, dict]:
    """Primes, solutions and, per solution, the conservative x parsimonious pairs it comes from.

    Pairs are labelled as R's QCA package prints them: ``C1P2`` is the first conservative and the
    second parsimonious solution (in canonical order); a pair that gives several intermediate
    solutions labels them ``C1P1-M1``, ``C1P1-M2``.
    """
    positives = content.positives
    conservative = _solve(prime_implicants(positives), positives, fewest_literals)
    parsimonious = _solve(prime_implicants(positives, content.remainders), positives, fewest_literals)
    origins: dict = {}
    all_primes: set = set()
    for i, conservative_solution in enumerate(conservative, start=1):
        for j, parsimonious_solution in enumerate(parsimonious, start=1):
            easy = _easy_counterfactuals(conservative_solution, parsimonious_solution, expectations, content)
            primes = prime_implicants(positives, easy)
            all_primes.update(primes)
            found = _solve(primes, positives, fewest_literals)
            for k, solution in enumerate(found, start=1):
                label = f"C{i}P{j}" if len(found) == 1 else f"C{i}P{j}-M{k}"
                origins.setdefault(solution, []).append(label)
    ordered = sorted(origins, key=_solution_sort_key)
    return sorted(all_primes, key=_term_sort_key), ordered, origins


@dataclass(frozen=True)
class _Sets:
    """Positive, negative and remainder configurations: all that the solutions depend on."""

    positives: frozenset
    negatives: frozenset
    remainders: frozenset


def solution_expressions(
    positives: Iterable[tuple],
    negatives: Iterable[tuple],
    conditions: Sequence[str],
    directional_expectations: Mapping[str, object] | None = None,
    fewest_literals: bool = True,
) -> dict[str, tuple]:
    """Expressions of every minimal solution of each type, from the positive and negative configurations alone.

    Gives the same expressions as :func:`minimise` on a truth table whose rows with outcome 1
    are ``positives`` and with outcome 0 are ``negatives`` (every other configuration is a
    remainder), at a fraction of the cost, for analyses that minimise many truth tables (one per
    allocation of a reconstruction). No parameters of fit are computed.

    Returns
    -------
    dict
        ``conservative``, ``parsimonious`` and ``intermediate`` (the latter only with
        ``directional_expectations``) -> tuple of expressions; empty when the solution is
        undefined (nothing to explain; no negative configuration for the parsimonious one).
    """
    positives, negatives = frozenset(map(tuple, positives)), frozenset(map(tuple, negatives))
    everything = product((0, 1), repeat=len(conditions))
    sets = _Sets(positives, negatives, frozenset(c for c in everything if c not in positives and c not in negatives))
    out = {"conservative": (), "parsimonious": (), "intermediate": ()}
    if not positives:
        return out

    def text(cubes):
        return tuple(format_solution(tuple(_term_text(cube, conditions) for cube in solution)) for solution in cubes)

    conservative = _solve(prime_implicants(positives), positives, fewest_literals)
    parsimonious = _solve(prime_implicants(positives, sets.remainders), positives, fewest_literals)
    out["conservative"] = text(conservative)
    if negatives:
        out["parsimonious"] = text(parsimonious)
    if directional_expectations is not None:
        expectations = _validate_expectations(directional_expectations, tuple(conditions))
        solutions: set = set()
        for conservative_solution in conservative:
            for parsimonious_solution in parsimonious:
                easy = _easy_counterfactuals(conservative_solution, parsimonious_solution, expectations, sets)
                solutions.update(_solve(prime_implicants(positives, easy), positives, fewest_literals))
        out["intermediate"] = text(sorted(solutions, key=_solution_sort_key))
    return out


def _easy_counterfactuals(
    conservative_solution: tuple, parsimonious_solution: tuple, expectations: tuple, content
) -> frozenset:
    assumptions = _covered_remainders(parsimonious_solution, content)
    easy = set()
    for complex_term in conservative_solution:
        for parsimonious_term in parsimonious_solution:
            if _cube_is_within(complex_term, parsimonious_term):
                widened = _widen_by_expectations(complex_term, parsimonious_term, expectations)
                easy.update(c for c in assumptions if _cube_contains(widened, c))
    return frozenset(easy)


def _widen_by_expectations(complex_term: Cube, parsimonious_term: Cube, expectations: tuple) -> Cube:
    """Drop the literals of ``complex_term`` that contradict an expectation.

    Literals that belong to the parsimonious term, agree with the expectation
    or have no expectation are kept.
    """
    widened = []
    for value, kept_by_parsimonious, expected in zip(complex_term, parsimonious_term, expectations):
        contradicts = value is not None and kept_by_parsimonious is None and expected is not None and expected != value
        widened.append(None if contradicts else value)
    return tuple(widened)


def _covered_remainders(solution: tuple, content: _TableContent) -> frozenset:
    return frozenset(c for c in content.remainders if any(_cube_contains(term, c) for term in solution))


# ---------------------------------------------------------------------------
# Parameters of fit, computed from the cases of the truth table
# ---------------------------------------------------------------------------


def _term_memberships(content: _TableContent, terms: Sequence[Cube]) -> np.ndarray:
    """Membership (0/1) of every observed truth table row in every term (rows x terms)."""
    configurations = content.observed_configurations
    return np.array([[1.0 if _cube_contains(term, c) else 0.0 for term in terms] for c in configurations]).reshape(
        len(configurations), len(terms)
    )


def _expand_to_cases(content: _TableContent, membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Case-level memberships: each row repeated once per case, outcome 1 for n_outcome of them.

    Crisp cases in one row share their condition memberships, so this gives
    exactly the sums over the original cases.
    """
    counts = content.observed["n"].to_numpy()
    in_outcome = content.observed["n_outcome"].to_numpy()
    x = np.repeat(membership, counts, axis=0)
    y = np.concatenate([np.r_[np.ones(k), np.zeros(n - k)] for n, k in zip(counts, in_outcome)])
    return x, y


def _explained_cases(content: _TableContent, term: Cube) -> str:
    """Cases of the explained (outcome 1) rows a term covers; rows separated by '; '."""
    groups = []
    rows = content.observed
    for configuration, outcome, cases in zip(content.observed_configurations, rows["outcome"], rows["cases"]):
        if _cube_contains(term, configuration) and not pd.isna(outcome) and int(outcome) == 1:
            groups.append(cases)
    return "; ".join(groups)


def _unique_coverage(union: np.ndarray, union_of_others: np.ndarray, y: np.ndarray) -> float:
    """Share of the outcome covered by the solution but by none of its other terms."""
    covered = np.minimum(union, y).sum() - np.minimum(union_of_others, y).sum()
    return _ratio(covered, y.sum())


def _build_solutions(kind: str, content: _TableContent, primes, solutions, labels=None) -> QCASolutions:
    conditions = content.conditions
    text_solutions = [tuple(_term_text(cube, conditions) for cube in s) for s in solutions]
    common = set(solutions[0]).intersection(*solutions[1:]) if solutions else set()
    model_rows, term_rows = [], []
    for number, solution in enumerate(solutions, start=1):
        x, y = _expand_to_cases(content, _term_memberships(content, solution))
        union = x.max(axis=1)
        model_rows.append(
            {
                "solution": number,
                "expression": format_solution(text_solutions[number - 1]),
                "consistency": sufficiency_consistency(union, y),
                "pri": proportional_reduction_in_inconsistency(union, y),
                "coverage": sufficiency_coverage(union, y),
            }
        )
        for index, term in enumerate(solution):
            others = np.delete(x, index, axis=1)
            union_of_others = others.max(axis=1) if others.shape[1] else np.zeros(len(y))
            # A one-term model has no other term to be unique against: not defined (R prints "-").
            unique = _unique_coverage(union, union_of_others, y) if len(solution) > 1 else math.nan
            term_rows.append(
                {
                    "solution": number,
                    "term": _term_text(term, conditions),
                    "consistency": sufficiency_consistency(x[:, index], y),
                    "pri": proportional_reduction_in_inconsistency(x[:, index], y),
                    "raw_coverage": sufficiency_coverage(x[:, index], y),
                    "unique_coverage": unique,
                    "cases": _explained_cases(content, term),
                }
            )
    remainders_used = [
        tuple(_term_text(c, conditions) for c in sorted(_covered_remainders(solution, content), key=_row_number))
        for solution in solutions
    ]
    return QCASolutions(
        kind=kind,
        outcome=content.outcome,
        conditions=conditions,
        solutions=text_solutions,
        prime_implicants=tuple(_term_text(cube, conditions) for cube in primes),
        essential=tuple(_term_text(c, conditions) for c in sorted(common, key=_term_sort_key)),
        remainders_used=remainders_used,
        models=tuple(labels) if labels is not None else tuple(f"M{i}" for i in range(1, len(solutions) + 1)),
        model_fit=pd.DataFrame.from_records(
            model_rows, columns=["solution", "expression", "consistency", "pri", "coverage"]
        ),
        term_fit=pd.DataFrame.from_records(
            term_rows,
            columns=[
                "solution",
                "term",
                "consistency",
                "pri",
                "raw_coverage",
                "unique_coverage",
                "cases",
            ],
        ),
    )


# ---------------------------------------------------------------------------
# One-call analysis
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QCAAnalysis:
    """Result of :func:`analyse`.

    Attributes
    ----------
    truth_table : pandas.DataFrame
    necessity : pandas.DataFrame
    conservative, parsimonious : QCASolutions
    intermediate : QCASolutions or None
        ``None`` when no directional expectations were given.
    """

    truth_table: pd.DataFrame
    necessity: pd.DataFrame
    conservative: QCASolutions
    parsimonious: QCASolutions
    intermediate: QCASolutions | None


def analyse(
    data: pd.DataFrame,
    conditions: Sequence[str],
    outcome: str,
    consistency_cut: float = 1.0,
    frequency_cut: int = 1,
    directional_expectations: Mapping[str, object] | None = None,
    case_labels=None,
    negate_outcome: bool = False,
) -> QCAAnalysis:
    """Truth table, necessity and the three solution types in one call.

    Parameters are those of :func:`truth_table` and :func:`minimise`. The
    intermediate solution is computed only when ``directional_expectations``
    is given.
    """
    table = truth_table(
        data,
        conditions,
        outcome,
        consistency_cut=consistency_cut,
        frequency_cut=frequency_cut,
        case_labels=case_labels,
        negate_outcome=negate_outcome,
    )
    return QCAAnalysis(
        truth_table=table,
        necessity=necessity(data, conditions, outcome, case_labels=case_labels, negate_outcome=negate_outcome),
        conservative=minimise(table),
        parsimonious=minimise(table, include_remainders=True),
        intermediate=(
            minimise(table, include_remainders=True, directional_expectations=directional_expectations)
            if directional_expectations is not None
            else None
        ),
    )
