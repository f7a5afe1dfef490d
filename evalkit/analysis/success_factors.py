"""Chapter 04: success factors and explanations of failure.

The condition table is crisp: every condition is 1 (present) or 0 (absent)
per municipality with a coordinator; ``partly`` is mapped by the caller's
choice (``partly_as``), ``unknown`` and missing cells become NA and are
reported. The outcome is the evaluation's judgement of the coordinator
function (``well`` = 1, ``poorly`` = 0).

Success factors and failure explanations are kept apart following the
codebook's ``kind``. The crisp-set QCA (truth table, necessity, conservative,
parsimonious and intermediate solutions) is run by
:mod:`evalkit.analysis.qca`; directional expectations follow the report's
reading: success factors are expected to contribute to a well-functioning
coordinator when present (1), failure explanations when absent (0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from evalkit.analysis import qca
from evalkit.analysis.populations import (
    combine_basis,
    count_statement,
    findings_frame,
    population_basis,
    population_members,
    row_is_reconstructed,
    rows_allocation,
    rows_basis,
    rows_sources,
)

CHAPTER = "success_factors"
OUTCOME = "outcome"
#: Truth-table column of the failure analysis: 1 = the coordinator function works poorly.
OUTCOME_POORLY = "outcome_poorly"
KINDS = ("success_factor", "failure_explanation")


def ordered_conditions(study, kind: str | None = None) -> list[str]:
    """Condition ids in codebook order, success factors first; optionally one kind only."""
    codebook = study.codebook["conditions"]
    out = []
    for k in KINDS:
        if kind is not None and k != kind:
            continue
        out += [str(c) for c in codebook.loc[codebook["kind"] == k, "condition_id"]]
    return out


def condition_kinds(study) -> dict[str, list[str]]:
    """``{'success_factor': [...], 'failure_explanation': [...]}`` in codebook order."""
    return {kind: ordered_conditions(study, kind) for kind in KINDS}


def condition_table(study, partly_as: int | None = 1, conditions: list[str] | None = None) -> pd.DataFrame:
    """Crisp condition table of the municipalities with a coordinator.

    Parameters
    ----------
    study : Study
    partly_as : {1, 0, None}
        Crisp value given to ``partly`` (None: treat as unknown).
    conditions : list of str, optional
        Conditions to include (default: every codebook condition, success
        factors first).

    Returns
    -------
    pandas.DataFrame
        Index ``municipality_id`` (sorted), one ``Int64`` column per condition
        (1, 0 or NA) and ``outcome`` (1 well, 0 poorly, NA otherwise). ``attrs``:
        ``unknown`` (list of (municipality, column) pairs left NA), ``partly_as``.
    """
    if partly_as not in (0, 1, None):
        raise ValueError("partly_as must be 1, 0 or None")
    mapping = {"yes": 1, "no": 0}
    if partly_as is not None:
        mapping["partly"] = int(partly_as)
    conditions = list(conditions) if conditions is not None else ordered_conditions(study)
    municipalities = population_members(study, "municipalities_with_coordinator")
    values = study.tables["conditions"]
    table = pd.DataFrame(index=pd.Index(municipalities, name="municipality_id"))
    lookup = {(m, c): v for m, c, v in zip(values["municipality_id"], values["condition_id"], values["value"])}
    for condition in conditions:
        table[condition] = pd.array(
            [mapping.get(lookup.get((m, condition)), pd.NA) for m in municipalities], dtype="Int64"
        )
    functioning = study.tables["municipalities"].set_index("municipality_id")["coordinator_functioning"]
    table[OUTCOME] = pd.array(
        [{"well": 1, "poorly": 0}.get(functioning.get(m), pd.NA) for m in municipalities], dtype="Int64"
    )
    unknown = [(m, c) for c in [*conditions, OUTCOME] for m in municipalities if pd.isna(table.at[m, c])]
    table.attrs["unknown"] = unknown
    table.attrs["partly_as"] = partly_as
    return table


def unknown_conditions(study, partly_as: int | None = 1) -> pd.DataFrame:
    """The condition-table cells that are NA, with the reason.

    Returns
    -------
    pandas.DataFrame
        Columns ``municipality_id, column, raw_value`` (``unknown``, ``partly`` when
        ``partly_as`` is None, or ``missing`` when no row exists).
    """
    table = condition_table(study, partly_as)
    values = study.tables["conditions"]
    lookup = {(m, c): v for m, c, v in zip(values["municipality_id"], values["condition_id"], values["value"])}
    functioning = study.tables["municipalities"].set_index("municipality_id")["coordinator_functioning"]
    rows = []
    for municipality, column in table.attrs["unknown"]:
        raw = functioning.get(municipality) if column == OUTCOME else lookup.get((municipality, column))
        rows.append(
            {
                "municipality_id": municipality,
                "column": column,
                "raw_value": "missing" if raw is None or pd.isna(raw) else str(raw),
            }
        )
    return pd.DataFrame(rows, columns=["municipality_id", "column", "raw_value"])


def condition_summary(study) -> pd.DataFrame:
    """Each condition's values and how they line up with the outcome.

    Returns
    -------
    pandas.DataFrame
        Columns ``condition_id, kind, yes, partly, no, unknown, denominator (municipalities
        with a coordinator), yes_well, yes_poorly, no_well, no_poorly, basis``; success
        factors first, codebook order.
    """
    municipalities = population_members(study, "municipalities_with_coordinator")
    values = study.tables["conditions"]
    values = values[values["municipality_id"].isin(municipalities)]
    functioning = study.tables["municipalities"].set_index("municipality_id")["coordinator_functioning"]
    kinds = study.codebook["conditions"].set_index("condition_id")["kind"]
    rows = []
    for condition in ordered_conditions(study):
        own = values[values["condition_id"] == condition]
        counts = own["value"].value_counts()
        outcome = own["municipality_id"].map(functioning)
        rows.append(
            {
                "condition_id": condition,
                "kind": kinds[condition],
                "yes": int(counts.get("yes", 0)),
                "partly": int(counts.get("partly", 0)),
                "no": int(counts.get("no", 0)),
                "unknown": int(counts.get("unknown", 0)) + len(set(municipalities) - set(own["municipality_id"])),
                "denominator": len(municipalities),
                "yes_well": int(((own["value"] == "yes") & (outcome == "well")).sum()),
                "yes_poorly": int(((own["value"] == "yes") & (outcome == "poorly")).sum()),
                "no_well": int(((own["value"] == "no") & (outcome == "well")).sum()),
                "no_poorly": int(((own["value"] == "no") & (outcome == "poorly")).sum()),
                "basis": rows_basis(own, ["value"]),
            }
        )
    columns = [
        "condition_id",
        "kind",
        "yes",
        "partly",
        "no",
        "unknown",
        "denominator",
        "yes_well",
        "yes_poorly",
        "no_well",
        "no_poorly",
        "basis",
    ]
    return pd.DataFrame(rows, columns=columns)


def directional_expectations(study, conditions: list[str] | None = None) -> dict[str, int]:
    """Success factors expected present (1), failure explanations expected absent (0)."""
    kinds = study.codebook["conditions"].set_index("condition_id")["kind"]
    conditions = conditions if conditions is not None else ordered_conditions(study)
    return {c: 1 if kinds.get(c) == "success_factor" else 0 for c in conditions}


@dataclass
class SuccessFactorQCA:
    """Result of :func:`qca_analysis`.

    Attributes
    ----------
    conditions : list of str
        Conditions used, in order.
    data : pandas.DataFrame
        The crisp cases analysed (complete cases only).
    dropped_cases : list of str
        Municipalities left out because a condition or the outcome was NA.
    truth_table, necessity : pandas.DataFrame
        From :func:`evalkit.analysis.qca.truth_table` / :func:`~evalkit.analysis.qca.necessity`.
        When the absence of the outcome is explained, the truth table's outcome column is
        ``outcome_poorly`` (1 = works poorly).
    conservative, parsimonious, intermediate : QCASolutions or None
        None when the solution is undefined (e.g. no case with outcome 0 for the
        parsimonious solution); the reason is in ``notes``.
    expectations : dict
        Directional expectations used for the intermediate solution.
    notes : list of str
        Plain-language notes on anything left out or undefined.
    """

    conditions: list
    data: pd.DataFrame
    dropped_cases: list
    truth_table: pd.DataFrame
    necessity: pd.DataFrame
    conservative: object = None
    parsimonious: object = None
    intermediate: object = None
    expectations: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    partly_as: int | None = 1
    consistency_cut: float = 1.0
    outcome: str = OUTCOME

    def solutions_frame(self) -> pd.DataFrame:
        """Every solution of every type (all tied solutions), with its fit.

        Columns ``solution_type, solution, qca_model, expression, consistency, pri, coverage``;
        ``qca_model`` is the label R's QCA package prints (``C1``, ``P2``, and for an intermediate
        solution the conservative x parsimonious pair it comes from, ``C1P2``).
        """
        frames = []
        for kind in ("conservative", "parsimonious", "intermediate"):
            result = getattr(self, kind)
            if result is None:
                continue
            fit = result.model_fit.copy()
            fit.insert(0, "solution_type", kind)
            fit.insert(2, "qca_model", list(result.models) or [f"M{i}" for i in fit["solution"]])
            frames.append(fit)
        columns = ["solution_type", "solution", "qca_model", "expression", "consistency", "pri", "coverage"]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True)[columns]


def qca_analysis(
    study,
    kind: str | None = None,
    partly_as: int | None = 1,
    conditions: list[str] | None = None,
    consistency_cut: float = 1.0,
    frequency_cut: int = 1,
    outcome: str = OUTCOME,
) -> SuccessFactorQCA:
    """Crisp-set QCA of the coordinator outcome on the conditions.

    Parameters
    ----------
    study : Study
    kind : {"success_factor", "failure_explanation"}, optional
        Use only conditions of this kind (default: all, success factors first).
    partly_as : {1, 0, None}
        See :func:`condition_table`.
    conditions : list of str, optional
        Explicit condition list (overrides ``kind``).
    consistency_cut, frequency_cut
        Truth-table cuts (see :func:`evalkit.analysis.qca.truth_table`).
    outcome : str
        ``"outcome"`` (well-functioning) or ``"~outcome"`` (poorly functioning).

    Returns
    -------
    SuccessFactorQCA
        Cases with an NA in a used column are dropped (listed in
        ``dropped_cases``). The intermediate solution uses
        :func:`directional_expectations` (reversed for ``~outcome``).
    """
    if conditions is None:
        conditions = ordered_conditions(study, kind)
    table = condition_table(study, partly_as, conditions)
    used = table[[*conditions, OUTCOME]]
    complete = used.dropna()
    dropped = sorted(set(used.index) - set(complete.index))
    data = complete.astype(int)
    notes = []
    if dropped:
        notes.append("Left out for unknown values: " + ", ".join(dropped) + ".")
    expectations = directional_expectations(study, conditions)
    if outcome.startswith("~"):
        expectations = {c: 1 - v for c, v in expectations.items()}
    truth = qca.truth_table(data, conditions, outcome, consistency_cut=consistency_cut, frequency_cut=frequency_cut)
    result = SuccessFactorQCA(
        conditions=list(conditions),
        data=data,
        dropped_cases=dropped,
        truth_table=truth,
        necessity=qca.necessity(data, conditions, outcome),
        expectations=expectations,
        notes=notes,
        partly_as=partly_as,
        consistency_cut=consistency_cut,
        outcome=outcome,
    )
    for attribute, kwargs in (
        ("conservative", {}),
        ("parsimonious", {"include_remainders": True}),
        ("intermediate", {"include_remainders": True, "directional_expectations": expectations}),
    ):
        try:
            setattr(result, attribute, qca.minimise(truth, **kwargs))
        except ValueError as error:
            notes.append(f"No {attribute} solution: {error}")
    if outcome.startswith("~"):
        # In the truth table of the absence, 1 means the function works poorly: say so in the header.
        result.truth_table = truth.rename(columns={"outcome": OUTCOME_POORLY})
    return result


SOLUTION_TYPES = ("conservative", "parsimonious", "intermediate")
CRISP = {"yes": 1, "no": 0}
#: A condition or outcome present (or absent) in at least this share of the cases is skewed (with eight
#: cases, six or more on one side leave two to compare): a
#: sufficiency or necessity result on it says little (Schneider & Wagemann 2012, 6.2.3).
SKEW_THRESHOLD = 0.75


def simplifying_assumptions(result: SuccessFactorQCA) -> pd.DataFrame:
    """The logical remainders each solution rests on.

    The parsimonious solution may use any unobserved configuration as a *simplifying
    assumption*; the intermediate solution only those in line with the directional expectations
    (*easy counterfactuals*); the conservative solution none.

    Returns
    -------
    pandas.DataFrame
        Columns ``solution_type, qca_model, row (the configuration's row in the complete truth
        table), configuration (written as a term of every condition), assumption``
        (``simplifying`` or ``easy_counterfactual``); one row per solution and remainder.
    """
    rows = []
    for kind in ("parsimonious", "intermediate"):
        solved = getattr(result, kind)
        if solved is None:
            continue
        for model, used in zip(solved.models, solved.remainders_used):
            for term in used:
                cube = qca.parse_term(term, result.conditions)
                rows.append(
                    {
                        "solution_type": kind,
                        "qca_model": model,
                        "row": qca._row_number(cube),
                        "configuration": term,
                        "assumption_kind": "simplifying" if kind == "parsimonious" else "easy_counterfactual",
                    }
                )
    return pd.DataFrame(rows, columns=["solution_type", "qca_model", "row", "configuration", "assumption_kind"])


def diversity(result: SuccessFactorQCA) -> dict:
    """How much of the truth table the cases fill: ``observed`` configurations of ``possible`` (2^k)."""
    observed = int((result.truth_table["n"] > 0).sum())
    return {"observed": observed, "possible": 2 ** len(result.conditions), "cases": len(result.data)}


def skew_table(result: SuccessFactorQCA) -> pd.DataFrame:
    """Share of the analysed cases in which each condition, and the outcome, is present.

    Returns
    -------
    pandas.DataFrame
        Columns ``condition (condition id, or outcome / outcome_poorly), present, n, share,
        skewed`` (the share is at least :data:`SKEW_THRESHOLD` or at most 1 minus it).
    """
    data = result.data
    outcome = OUTCOME_POORLY if OUTCOME_POORLY in result.truth_table.columns else OUTCOME
    rows = []
    for column in [*result.conditions, outcome]:
        values = data[OUTCOME] if column in (OUTCOME, OUTCOME_POORLY) else data[column]
        present = int((1 - values).sum()) if column == OUTCOME_POORLY else int(values.sum())
        n = len(values)
        share = present / n if n else float("nan")
        rows.append(
            {
                "condition": column,
                "present": present,
                "n": n,
                "share": share,
                "skewed": bool(n and (share >= SKEW_THRESHOLD or share <= 1 - SKEW_THRESHOLD)),
            }
        )
    return pd.DataFrame(rows, columns=["condition", "present", "n", "share", "skewed"])


def qca_skew(*results) -> pd.DataFrame:
    """:func:`skew_table` of several analyses in one table (None entries are skipped).

    Returns
    -------
    pandas.DataFrame
        Columns ``kind (success_factor, failure_explanation or outcome), condition, present, n,
        share, skewed``; each outcome once.
    """
    frames, seen = [], set()
    for result in results:
        if result is None:
            continue
        table = skew_table(result)
        kind = "failure_explanation" if result.outcome.startswith("~") else "success_factor"
        table.insert(0, "kind", ["outcome" if c in (OUTCOME, OUTCOME_POORLY) else kind for c in table["condition"]])
        keep = [c not in seen for c in table["condition"]]
        seen.update(table["condition"])
        frames.append(table[keep])
    columns = ["kind", "condition", "present", "n", "share", "skewed"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def baseline_summary(study, partly_as: int | None = 1, consistency_cut: float = 1.0) -> pd.DataFrame:
    """:func:`outcome_assignment_baseline` of both analyses in one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind, n_assignments, n_as_good, consistency, coverage`` (the study's best
        parsimonious model, which the other assignments are compared with).
    """
    rows = []
    for kind, outcome in (("success_factor", OUTCOME), ("failure_explanation", "~" + OUTCOME)):
        try:
            frame = outcome_assignment_baseline(study, kind, outcome, partly_as, consistency_cut)
        except ValueError:
            continue
        rows.append(
            {"kind": kind, **{k: frame.attrs[k] for k in ("n_assignments", "n_as_good", "consistency", "coverage")}}
        )
    return pd.DataFrame(rows, columns=["kind", "n_assignments", "n_as_good", "consistency", "coverage"])


def solutions_by_partly(
    study, kind: str, outcome: str = OUTCOME, consistency_cut: float = 1.0, values=(1, 0)
) -> pd.DataFrame:
    """The solutions when *partly* counts as present (``partly_as = 1``) and as absent (0).

    Returns
    -------
    pandas.DataFrame
        Columns ``partly_as, solution_type, qca_model, expression, consistency, coverage``; an
        undefined solution type has one row with expression ``(none)``.
    """
    rows = []
    for partly in values:
        result = qca_analysis(study, kind=kind, partly_as=partly, consistency_cut=consistency_cut, outcome=outcome)
        frame = result.solutions_frame()
        for solution_type in SOLUTION_TYPES:
            own = frame[frame["solution_type"] == solution_type]
            if own.empty:
                rows.append({"partly_as": partly, "solution_type": solution_type, "qca_model": pd.NA,
                             "expression": "(none)", "consistency": float("nan"), "coverage": float("nan")})  # fmt: skip
            for _, row in own.iterrows():
                rows.append(
                    {
                        "partly_as": partly,
                        "solution_type": solution_type,
                        "qca_model": row["qca_model"],
                        "expression": row["expression"],
                        "consistency": float(row["consistency"]),
                        "coverage": float(row["coverage"]),
                    }
                )
    return pd.DataFrame(
        rows, columns=["partly_as", "solution_type", "qca_model", "expression", "consistency", "coverage"]
    )


def outcome_assignment_baseline(
    study,
    kind: str,
    outcome: str = OUTCOME,
    partly_as: int | None = 1,
    consistency_cut: float = 1.0,
    solution_type: str = "parsimonious",
) -> pd.DataFrame:
    """How often an arbitrary assignment of the outcome gives a solution as good as the study's.

    The conditions stay as they are; the outcome is given, in turn, to every set of cases of
    the same size as the study's (for the default study: every pair of the eight municipalities
    as the two that function poorly, 28 in all). Each assignment is minimised like the study's.
    An assignment is *as good* when one of its ``solution_type`` models reaches at least the
    consistency and the coverage of the study's best model. When most assignments are as good,
    the study's solution says little about these cases: with few cases and several conditions,
    almost any outcome can be "explained" (Marx & Dusa 2011).

    Returns
    -------
    pandas.DataFrame
        One row per assignment: ``poorly (the '|'-joined cases that function poorly),
        is_study, expression (the first model; '(none)' when undefined), consistency,
        coverage, as_good``. ``attrs``: ``consistency`` and ``coverage`` of the study's model,
        ``n_assignments``, ``n_as_good``.
    """
    from itertools import combinations

    result = qca_analysis(study, kind=kind, partly_as=partly_as, consistency_cut=consistency_cut, outcome=outcome)
    data = result.data
    conditions = result.conditions
    expectations = result.expectations
    cases = list(data.index)
    poorly = tuple(c for c in cases if int(data.at[c, OUTCOME]) == 0)

    def best(frame_data) -> tuple:
        truth = qca.truth_table(frame_data, conditions, outcome, consistency_cut=consistency_cut)
        try:
            if solution_type == "conservative":
                solved = qca.minimise(truth)
            elif solution_type == "parsimonious":
                solved = qca.minimise(truth, include_remainders=True)
            else:
                solved = qca.minimise(truth, include_remainders=True, directional_expectations=expectations)
        except ValueError:
            return "(none)", float("nan"), float("nan")
        fit = solved.model_fit.sort_values(["coverage", "consistency"], ascending=False, kind="stable")
        top = fit.iloc[0]
        return str(fit["expression"].iloc[0]), float(top["consistency"]), float(top["coverage"])

    _, study_consistency, study_coverage = best(data)
    rows = []
    for chosen in combinations(cases, len(poorly)):
        assigned = data.copy()
        assigned[OUTCOME] = [0 if c in chosen else 1 for c in cases]
        expression, consistency, coverage = best(assigned)
        as_good = (
            not pd.isna(consistency) and consistency >= study_consistency - 1e-9 and coverage >= study_coverage - 1e-9
        )
        rows.append(
            {
                "poorly": "|".join(chosen),
                "is_study": tuple(chosen) == poorly,
                "expression": expression,
                "consistency": consistency,
                "coverage": coverage,
                "as_good": bool(as_good),
            }
        )
    frame = pd.DataFrame(rows, columns=["poorly", "is_study", "expression", "consistency", "coverage", "as_good"])
    frame.attrs.update(
        {
            "consistency": study_consistency,
            "coverage": study_coverage,
            "n_assignments": len(frame),
            "n_as_good": int(frame["as_good"].sum()),
            "solution_type": solution_type,
        }
    )
    return frame


def crisp_membership(code, partly_as: int | None = 1):
    """0/1 membership of a yes/partly/no code (None for unknown, missing, or partly when ``partly_as`` is None)."""
    if code == "partly":
        return partly_as
    return CRISP.get(code)


def truth_table_sets(
    cases: Iterable, consistency_cut: float = 1.0, frequency_cut: int = 1
) -> tuple[frozenset, frozenset]:
    """Positive and negative configurations of a crisp truth table, as :func:`evalkit.analysis.qca.truth_table` decides them.

    ``cases`` holds one ``(configuration, outcome)`` pair per case (0/1 values, the outcome
    already negated when the absence is explained). A configuration is positive when its
    consistency reaches ``consistency_cut`` and it has at least ``frequency_cut`` cases,
    negative when it has enough cases but a lower consistency.
    """
    tally: dict = {}
    for configuration, outcome in cases:
        n, k = tally.get(configuration, (0, 0))
        tally[configuration] = (n + 1, k + outcome)
    positives = frozenset(c for c, (n, k) in tally.items() if n >= frequency_cut and k / n >= consistency_cut)
    negatives = frozenset(c for c, (n, k) in tally.items() if n >= frequency_cut and k / n < consistency_cut)
    return positives, negatives


def success_factor_findings(study, conditions: list[str] | None = None) -> pd.DataFrame:
    """``sf.<condition_id>``: municipalities where the condition is ``yes`` / with a coordinator.

    ``conditions`` restricts the output to those conditions (default: all).
    ``unknown`` counts the municipalities whose value is ``unknown`` or not
    given; they are never counted as *no*. Source: the condition's report
    section in a published evaluation, the rows' own sources and evidence in
    fieldwork.
    """
    from evalkit.study.kind import is_published_evaluation

    published = is_published_evaluation(study)
    members = population_members(study, "municipalities_with_coordinator")
    values = study.tables["conditions"]
    values = values[values["municipality_id"].isin(members)]
    codebook = study.codebook["conditions"].set_index("condition_id")
    rows = []
    for condition in ordered_conditions(study):
        if conditions is not None and condition not in conditions:
            continue
        own = values[values["condition_id"] == condition]
        numerator = int((own["value"] == "yes").sum())
        known = set(own.loc[own["value"].isin(["yes", "partly", "no"]), "municipality_id"].astype(str))
        unknown = len(set(members) - known)
        label_sv = str(codebook.at[condition, "label_sv"])
        label_en = str(codebook.at[condition, "label_en"])
        sv, en = count_statement(
            study,
            numerator,
            "municipalities",
            label_sv + " – gäller i {count}",
            label_en + " – holds in {count}",
            denominator=len(members),
            population="municipalities_with_coordinator",
            unknown=unknown,
        )
        section = codebook.at[condition, "report_section"]
        rows.append(
            {
                "finding_id": f"sf.{condition}",
                "chapter": CHAPTER,
                "quality_area": pd.NA,
                "numerator": numerator,
                "denominator": len(members),
                "unknown": unknown,
                "unit": "municipalities",
                "statement_sv": sv,
                "statement_en": en,
                "source": str(section) if published and not pd.isna(section) else rows_sources(own),
                "basis": combine_basis(
                    rows_basis(own, ["value"], study), population_basis(study, "municipalities_with_coordinator")
                ),
                "allocation": rows_allocation(own),
            }
        )
    return findings_frame(rows)


def reconstruction_counts(study) -> pd.DataFrame:
    """How many condition values and outcomes of the QCA rest on a reconstruction.

    Returns
    -------
    pandas.DataFrame
        One row per condition kind and one for the outcome: ``part`` (``success_factor``,
        ``failure_explanation`` or ``outcome``), ``n_values`` (municipalities with a
        coordinator x conditions of the kind, or municipalities for the outcome),
        ``n_reconstructed``, ``n_stated`` (the rest).
    """
    members = population_members(study, "municipalities_with_coordinator")
    conditions = study.tables["conditions"]
    conditions = conditions[conditions["municipality_id"].isin(members)]
    rows = []
    for kind in KINDS:
        own = conditions[conditions["condition_id"].isin(ordered_conditions(study, kind))]
        reconstructed = sum(
            row_is_reconstructed(b, f, ["value"]) for b, f in zip(own["basis"], own["reconstructed_fields"])
        )
        rows.append({"part": kind, "n_values": len(own), "n_reconstructed": int(reconstructed)})
    municipalities = study.tables["municipalities"]
    own = municipalities[municipalities["municipality_id"].isin(members)]
    reconstructed = sum(
        row_is_reconstructed(b, f, ["coordinator_functioning"])
        for b, f in zip(own["basis"], own["reconstructed_fields"])
    )
    rows.append({"part": "outcome", "n_values": len(own), "n_reconstructed": int(reconstructed)})
    frame = pd.DataFrame(rows, columns=["part", "n_values", "n_reconstructed"])
    frame["n_stated"] = frame["n_values"] - frame["n_reconstructed"]
    return frame


def solution_sentences(study, result: SuccessFactorQCA, language: str = "en", outcome: str = OUTCOME) -> pd.DataFrame:
    """Every printed solution in words, generated from the codebook's condition labels.

    The wording is that of an association among these cases, never of a cause. A solution
    ``A*~B + C`` for the outcome reads (in English) "A coordinator function that works well is
    associated with 'A' holding and 'B' not holding, or with 'C' holding. This covers
    municipalities X and Y." The outcome's wording comes from the ``coordinator_functioning``
    vocabulary.

    Returns
    -------
    pandas.DataFrame
        Columns ``solution_type, solution, expression, cases (the municipalities with the
        outcome that the solution covers, '|'-joined), sentence``, in the order of
        :meth:`SuccessFactorQCA.solutions_frame`.
    """
    from evalkit.present.labels import municipality_label, vocabulary_label
    from evalkit.present.language import decapitalise, join_words

    labels = study.codebook["conditions"].set_index("condition_id")["label_" + language]
    state = "poorly" if outcome.startswith("~") else "well"
    verb = decapitalise(vocabulary_label(study, "coordinator_functioning", state, language))
    quote = ("”", "”") if language == "sv" else ("'", "'")
    rows = []
    for kind in ("conservative", "parsimonious", "intermediate"):
        solved = getattr(result, kind)
        if solved is None:
            continue
        for number, solution in enumerate(solved.solutions, start=1):
            clauses = []
            for term in solution:
                literals = []
                for literal in term.split("*"):
                    negated = literal.startswith("~")
                    label = f"{quote[0]}{labels.get(literal.lstrip('~'), literal.lstrip('~'))}{quote[1]}"
                    if language == "sv":
                        literals.append(f"{label} {'inte gäller' if negated else 'gäller'}")
                    else:
                        literals.append(f"{label} {'not holding' if negated else 'holding'}")
                clauses.append(join_words(literals, language))
            if language == "sv":
                sentence = f"En samordnarfunktion som {verb} går samman med att " + ", eller med att ".join(clauses)
            else:
                sentence = f"A coordinator function that {verb} is associated with " + ", or with ".join(clauses)
            sentence += "."
            fit = solved.term_fit[solved.term_fit["solution"] == number]
            cases = sorted(
                {c for text in fit["cases"] for group in str(text).split("; ") for c in group.split(",") if c}
            )
            if cases:
                names = [municipality_label(c, language) for c in cases]
                word = "Kommun " if language == "sv" else "Municipality "
                if len(names) > 1 and all(n.startswith(word) for n in names):
                    listed = ("kommunerna " if language == "sv" else "municipalities ") + join_words(cases, language)
                else:
                    listed = join_words([decapitalise(n) for n in names], language)
                sentence += (" Det gäller " if language == "sv" else " This covers ") + listed + "."
            rows.append(
                {
                    "solution_type": kind,
                    "solution": number,
                    "expression": qca.format_solution(solution),
                    "cases": "|".join(cases),
                    "sentence": sentence,
                }
            )
    return pd.DataFrame(rows, columns=["solution_type", "solution", "expression", "cases", "sentence"])
