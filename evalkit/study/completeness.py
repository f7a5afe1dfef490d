"""Is a valid study complete enough for its report? The checks ``evalkit validate`` and ``evalkit run`` share.

A study that passes validation can still lack what a chapter needs (see
:mod:`evalkit.study.readiness`) or hold published claims that its data do not
reproduce (see :mod:`evalkit.analysis.claims`). :func:`completeness` computes
both once, from the findings table:

* ``evalkit validate`` prints the readiness table and the claims summary, and
  reports a claim that names no finding of the study as a problem;
* ``evalkit run`` refuses a study with a part that cannot run (unless
  ``--allow-incomplete``) or with a disagreeing claim (unless
  ``--allow-claim-mismatch``), before any notebook is executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Completeness:
    """What :func:`completeness` found.

    Attributes
    ----------
    readiness : pandas.DataFrame
        :func:`evalkit.study.readiness.readiness_table`.
    claims : pandas.DataFrame
        :func:`evalkit.analysis.claims.claims_table` (empty without published claims).
    problems : list of evalkit.study.validate.Problem
        Claims naming a finding the study does not produce.
    broken_constraints : pandas.DataFrame
        The allocation check (:func:`allocation_check`): the rules of ``constraints.csv`` and the
        published counts that the study's own values break (empty when none does).
    """

    readiness: pd.DataFrame
    claims: pd.DataFrame
    problems: list = field(default_factory=list)
    broken_constraints: pd.DataFrame = None

    @property
    def blocked(self) -> pd.DataFrame:
        """Parts that cannot run."""
        from evalkit.study.readiness import blocking_parts

        return blocking_parts(self.readiness)

    @property
    def disagreeing_claims(self) -> pd.DataFrame:
        """Claims whose recomputed count differs from the published one (or that name no finding)."""
        from evalkit.analysis.claims import disagreeing

        return disagreeing(self.claims)

    def render(self, study_label: str) -> str:
        """The text ``evalkit validate`` prints after the validation result."""
        from evalkit.analysis.claims import format_summary
        from evalkit.study.readiness import format_readiness

        lines = ["Readiness: what each part of the report can show", format_readiness(self.readiness), ""]
        blocked = len(self.blocked)
        partial = int((self.readiness["status"] == "partial").sum())
        if blocked:
            lines.append(
                f"{blocked} part{'s' if blocked != 1 else ''} cannot run: `evalkit run {study_label}` refuses the "
                "study until the data are added, or shows them as 'not enough data' boxes with --allow-incomplete."
            )
        elif partial:
            lines.append(f"Every part can run; {partial} on partial data (the report says what is missing).")
        else:
            lines.append("Every part of the report is ready.")
        lines += ["", format_summary(self.claims)]
        broken = self.broken_constraints
        if broken is not None and len(broken):
            lines += [
                "",
                f"Allocation check: the study's values break {len(broken)} rule(s) of constraints.csv or a count:",
            ]
            lines += [f"  {r.constraint_id} ({r.source}): {r.note}" for r in broken.itertuples()]
            lines.append(
                "An edit that moves one value must move the values the rules tie to it (see DATALOG.md), or the "
                "report's counts and readings no longer hold together."
            )
        elif broken is not None:
            lines += ["", "Allocation check: the study's values keep every rule of constraints.csv and every count."]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready: the readiness rows and the claims rows."""
        claims = self.claims.astype(object).where(self.claims.notna(), None)
        broken = self.broken_constraints
        return {
            "readiness": self.readiness.astype(object).where(self.readiness.notna(), None).to_dict("records"),
            "claims": claims.to_dict("records"),
            "broken_constraints": [] if broken is None else broken.to_dict("records"),
        }


def completeness(study_dir: Path | str, inspection=None) -> Completeness:
    """Check a valid study's readiness and published claims.

    Parameters
    ----------
    study_dir : path-like
        The study folder.
    inspection : evalkit.study.validate.StudyInspection, optional
        The folder's inspection when the caller has it (nothing is read again); it must have
        no problems.

    Returns
    -------
    Completeness
    """
    from evalkit.analysis.claims import claim_problems, claims_table
    from evalkit.analysis.findings import findings_table
    from evalkit.study.load import load_study, study_from_inspection
    from evalkit.study.readiness import readiness_table

    study = load_study(study_dir) if inspection is None else study_from_inspection(study_dir, inspection)
    findings = findings_table(study)
    return Completeness(
        readiness=readiness_table(study),
        claims=claims_table(study, findings),
        problems=claim_problems(study, findings),
        broken_constraints=allocation_check(study),
    )


def allocation_check(study) -> pd.DataFrame:
    """The rules of the study's ``constraints.csv`` and the published counts its own values break.

    Returns
    -------
    pandas.DataFrame
        Columns ``constraint_id, source, note``; empty when the study's values are one of the
        allocations the constraints admit (always so for a study without constraints).
    """
    from evalkit.analysis.allocations import ConstraintError, build_model

    columns = ["constraint_id", "source", "note"]
    try:
        model = build_model(study)
    except ConstraintError as error:
        return pd.DataFrame([{"constraint_id": "constraints.csv", "source": "", "note": str(error)}], columns=columns)
    broken = set(model.is_consistent({}))
    rows = [
        {"constraint_id": k.constraint_id, "source": k.source, "note": k.note}
        for k in model.constraints
        if k.constraint_id in broken
    ]
    return pd.DataFrame(rows, columns=columns)
