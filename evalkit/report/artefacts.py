"""Report artefacts: the second extension point of the build pipeline.

A report artefact is a table computed **once per run** in the parent process
(not in every notebook of every language), written atomically as CSV into the
report folder, hashed in the manifest like every other output, and named in
the run key. Today: ``findings.csv``, ``claims.csv``, ``agreement.csv`` and ``disagreements.csv``
(coder agreement; an artefact may also give a warning the run prints) and ``robustness.csv``
(in how many allocations consistent with the report each finding and QCA solution holds).

To add one, write ``def compute(context: RunContext) -> pandas.DataFrame`` and
append ``ReportArtefact("name", "name.csv", compute, "what it holds")`` to
:data:`REPORT_ARTEFACTS` (or call :func:`register`). The pipeline computes the
artefacts in a thread while the notebooks run; a failing artefact fails the
run like a failing chapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evalkit.report.plan import RunContext


@dataclass(frozen=True)
class ReportArtefact:
    """One table computed once per run and published with the report.

    Attributes
    ----------
    name : str
        Short id (``"findings"``).
    filename : str
        File name in the report folder (``"findings.csv"``).
    compute : callable
        ``compute(context: RunContext) -> pandas.DataFrame``.
    description : str
        One line for messages and docs.
    warning : callable or None
        ``warning(context: RunContext, frame) -> str | None``: a warning the
        run prints after the table is written (e.g. low coder agreement).
    """

    name: str
    filename: str
    compute: Callable[[RunContext], object]
    description: str = ""
    warning: Callable[[RunContext, object], str | None] | None = None

    @property
    def identity(self) -> list[str]:
        """What the run key records of this artefact: name, file and the computing function(s)."""
        functions = [self.compute] + ([self.warning] if self.warning is not None else [])
        return [self.name, self.filename] + [
            f"{getattr(f, '__module__', '?')}:{getattr(f, '__qualname__', '?')}" for f in functions
        ]


def findings(context: RunContext):
    """The findings table of the study (:func:`evalkit.analysis.findings.findings_table`), via the store.

    Counts are written as integers (``7``, not ``7.0``); a count that is not whole (a share of a
    post in percent) keeps its decimals.
    """
    from evalkit.analysis.findings import findings_table

    return whole_counts(context.shared(findings_table))


def whole_counts(frame):
    """``numerator`` and ``denominator`` as nullable integers when every value is whole."""
    import pandas as pd

    out = frame.copy()
    for column in ("numerator", "denominator"):
        values = pd.to_numeric(out[column], errors="coerce")
        known = values.dropna()
        if len(known) == 0 or (known == known.round()).all():
            out[column] = values.round().astype("Int64")
        else:
            out[column] = pd.Series(
                [pd.NA if pd.isna(v) else (int(v) if float(v).is_integer() else float(v)) for v in values],
                index=out.index,
                dtype=object,
            )
    return out


def claims(context: RunContext):
    """Every published claim recomputed (:func:`evalkit.analysis.claims.claims_table`); empty without claims."""
    from evalkit.analysis.claims import claims_table

    return claims_table(context.study)


def coder_agreement(context: RunContext):
    """Krippendorff's alpha per quality area and overall (:func:`evalkit.analysis.agreement.agreement_table`)."""
    from evalkit.analysis.agreement import agreement_table

    return agreement_table(context.study)


def low_agreement(context: RunContext, frame) -> str | None:
    """The run's warning when alpha is below the study's threshold."""
    from evalkit.analysis.agreement import agreement_warning, study_threshold
    from evalkit.present.labels import quality_area_label

    names = {area: quality_area_label(context.study, area, "en") for area in frame["quality_area_id"]}
    return agreement_warning(frame, study_threshold(context.study), names)


def coder_disagreements(context: RunContext):
    """Every subject × indicator the coders disagree on (:func:`evalkit.analysis.agreement.disagreements`)."""
    from evalkit.analysis.agreement import disagreements

    return disagreements(context.study)


def robustness(context: RunContext):
    """In how many allocations consistent with the report each finding and QCA solution holds.

    The table of :func:`evalkit.analysis.robustness.robustness_analysis`, from the analysis store:
    computed once per run and shared with the chapters that show it (00 and 04).
    """
    from evalkit.analysis.robustness import robustness_analysis

    return context.shared(robustness_analysis).table


REPORT_ARTEFACTS: list[ReportArtefact] = [
    ReportArtefact("findings", "findings.csv", findings, "every counted statement with numerator, denominator, source"),
    ReportArtefact("claims", "claims.csv", claims, "each published claim: expected, recomputed, agrees"),
    ReportArtefact(
        "agreement",
        "agreement.csv",
        coder_agreement,
        "Krippendorff's alpha between coders per quality area and overall (empty with one agreed value)",
        warning=low_agreement,
    ),
    ReportArtefact(
        "disagreements",
        "disagreements.csv",
        coder_disagreements,
        "every subject × indicator on which coders' values differ, with the value the findings use",
    ),
    ReportArtefact(
        "robustness",
        "robustness.csv",
        robustness,
        "every finding and QCA solution: in how many allocations consistent with the report it holds",
    ),
]


def precomputed_analyses() -> list[Callable]:
    """Analyses of the study computed once per run in the parent, before the notebooks need them.

    Each is a function of the study alone; a notebook gets its result with
    ``chapter.shared(function)`` from the analysis store
    (:mod:`evalkit.report.store`) instead of computing it again in every
    chapter and language. The report artefacts are computed the same way.
    """
    from evalkit.analysis.findings import findings_table
    from evalkit.analysis.robustness import robustness_analysis

    return [findings_table, robustness_analysis]


def register(artefact: ReportArtefact) -> None:
    """Add ``artefact`` to :data:`REPORT_ARTEFACTS` (replacing one of the same name)."""
    REPORT_ARTEFACTS[:] = [a for a in REPORT_ARTEFACTS if a.name != artefact.name] + [artefact]


def write_csv_atomic(frame, target: Path) -> None:
    """Write ``frame`` as UTF-8 CSV (no index), atomically and formula-safe: :func:`evalkit.safeio.write_csv`."""
    from evalkit.safeio import write_csv

    write_csv(frame, Path(target))


def published_warnings(context: RunContext, report_dir: Path) -> list[str]:
    """The warnings of the artefacts a published report holds, read back from its CSV files.

    A run served from the cache prints them again, so a low coder agreement is
    not forgotten on the second run of an unchanged study.
    """
    import pandas as pd

    warnings = []
    for artefact in context.plan.artefacts:
        path = Path(report_dir) / artefact.filename
        if artefact.warning is None or not path.is_file():
            continue
        frame = pd.read_csv(path)
        warning = artefact.warning(context, frame)
        if warning:
            warnings.append(f"Warning: {warning}")
    return warnings


def write_artefact(artefact: ReportArtefact, context: RunContext, folder: Path) -> str:
    """Compute ``artefact`` and write it into ``folder``; return a one-line message."""
    frame = artefact.compute(context)
    write_csv_atomic(frame, Path(folder) / artefact.filename)
    message = f"{artefact.filename}: {len(frame)} rows"
    warning = artefact.warning(context, frame) if artefact.warning is not None else None
    return message + (f"\nWarning: {warning}" if warning else "")
