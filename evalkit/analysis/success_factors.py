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

    def solutions_frame(self) -> pd.DataFrame:
        """Every solution of every type (all tied solutions), with its fit.

        Columns ``solution_type, solution, expression, consistency, pri, coverage``.
        """
        frames = []
        for kind in ("conservative", "parsimonious", "intermediate"):
            result = getattr(self, kind)
            if result is None:
                continue
            fit = result.model_fit.copy()
            fit.insert(0, "solution_type", kind)
            frames.append(fit)
        columns = ["solution_type", "solution", "expression", "consistency", "pri", "coverage"]
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

    A solution ``A*~B + C`` for the outcome reads (in English) "The coordinator function works
    well where 'A' holds and 'B' does not hold, or where 'C' holds. This covers municipalities
    X and Y." The outcome's wording comes from the ``coordinator_functioning`` vocabulary.

    Returns
    -------
    pandas.DataFrame
        Columns ``solution_type, solution, expression, cases (the municipalities with the
        outcome that the solution covers, '|'-joined), sentence``, in the order of
        :meth:`SuccessFactorQCA.solutions_frame`.
    """
    from evalkit.present.labels import municipality_label, vocabulary_label
    from evalkit.present.language import decapitalise

    labels = study.codebook["conditions"].set_index("condition_id")["label_" + language]
    state = "poorly" if outcome.startswith("~") else "well"
    verb = decapitalise(vocabulary_label(study, "coordinator_functioning", state, language))
    words = {
        "sv": ("Samordnarfunktionen", "där", "gäller", "inte gäller", "och", "eller", "Det gäller"),
        "en": ("The coordinator function", "where", "holds", "does not hold", "and", "or", "This covers"),
    }[language]
    subject, where, holds, fails, conjunction, disjunction, covers = words
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
                    name = literal.lstrip("~")
                    label = f"{quote[0]}{labels.get(name, name)}{quote[1]}"
                    literals.append(f"{label} {fails if negated else holds}")
                clauses.append(f"{where} " + f" {conjunction} ".join(literals))
            fit = solved.term_fit[solved.term_fit["solution"] == number]
            cases = sorted(
                {c for text in fit["cases"] for group in str(text).split("; ") for c in group.split(",") if c}
            )
            sentence = f"{subject} {verb} " + f", {disjunction} ".join(clauses) + "."
            if cases:
                names = [decapitalise(municipality_label(c, language)) for c in cases]
                listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {conjunction} " + names[-1]
                sentence += f" {covers} {listed}."
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
