"""Report artefacts: the second extension point of the build pipeline.

A report artefact is a table computed **once per run** in the parent process
(not in every notebook of every language), written atomically as CSV into the
report folder, hashed in the manifest like every other output, and named in
the run key. Today: ``findings.csv`` and ``claims.csv``. Coming: ``robustness.csv``.

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
    """

    name: str
    filename: str
    compute: Callable[[RunContext], object]
    description: str = ""

    @property
    def identity(self) -> list[str]:
        """What the run key records of this artefact: name, file and the computing function."""
        function = f"{getattr(self.compute, '__module__', '?')}:{getattr(self.compute, '__qualname__', '?')}"
        return [self.name, self.filename, function]


def findings(context: RunContext):
    """The findings table of the study (:func:`evalkit.analysis.findings.findings_table`)."""
    from evalkit.analysis.findings import findings_table

    return findings_table(context.study)


def claims(context: RunContext):
    """Every published claim recomputed (:func:`evalkit.analysis.claims.claims_table`); empty without claims."""
    from evalkit.analysis.claims import claims_table

    return claims_table(context.study)


REPORT_ARTEFACTS: list[ReportArtefact] = [
    ReportArtefact("findings", "findings.csv", findings, "every counted statement with numerator, denominator, source"),
    ReportArtefact("claims", "claims.csv", claims, "each published claim: expected, recomputed, agrees"),
]


def register(artefact: ReportArtefact) -> None:
    """Add ``artefact`` to :data:`REPORT_ARTEFACTS` (replacing one of the same name)."""
    REPORT_ARTEFACTS[:] = [a for a in REPORT_ARTEFACTS if a.name != artefact.name] + [artefact]


def write_csv_atomic(frame, target: Path) -> None:
    """Write ``frame`` as UTF-8 CSV (no index), atomically and formula-safe: :func:`evalkit.safeio.write_csv`."""
    from evalkit.safeio import write_csv

    write_csv(frame, Path(target))


def write_artefact(artefact: ReportArtefact, context: RunContext, folder: Path) -> str:
    """Compute ``artefact`` and write it into ``folder``; return a one-line message."""
    frame = artefact.compute(context)
    write_csv_atomic(frame, Path(folder) / artefact.filename)
    return f"{artefact.filename}: {len(frame)} rows"
