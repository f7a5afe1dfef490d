"""What kind of study a study is, read from its descriptor.

A study declares in ``datapackage.json`` what its values are:

``"evalkit:kind": "published_evaluation"``
    A published evaluation re-encoded as data. Values are *stated* in the
    source report or *reconstructed* from it (the report leaves them open and
    an assumption fixes them). The descriptor names the report in
    ``"evalkit:source_report"`` (an object with at least a ``title``; optional
    ``publisher``, ``year``, ``url``). Findings cite the report's sections.

``"evalkit:kind": "fieldwork"``
    An evaluation the evaluators carry out themselves. Values are *observed*
    (collected: survey answers, interview records, documents, statistics) or
    the evaluator's *judgement* with its evidence; a value taken from a
    published document is *stated* with that document as its source. Findings
    cite the study's own interviews, survey and documents. ``evalkit new``
    writes this kind.

Everything here is pure: a descriptor (a dict) in, values or problems out.
"""

from __future__ import annotations

from collections.abc import Mapping

KIND_KEY = "evalkit:kind"
SOURCE_REPORT_KEY = "evalkit:source_report"
PUBLISHED_EVALUATION = "published_evaluation"
FIELDWORK = "fieldwork"
KINDS = (PUBLISHED_EVALUATION, FIELDWORK)
#: The kind a study has when its descriptor does not say (what ``evalkit new`` writes).
DEFAULT_KIND = FIELDWORK


def descriptor_of(study_or_descriptor) -> Mapping:
    """Return the descriptor of a :class:`~evalkit.study.model.Study`, or the mapping itself."""
    if isinstance(study_or_descriptor, Mapping):
        return study_or_descriptor
    descriptor = getattr(study_or_descriptor, "descriptor", None)
    return descriptor if isinstance(descriptor, Mapping) else {}


def study_kind(study_or_descriptor) -> str:
    """Return ``"published_evaluation"`` or ``"fieldwork"`` (the default when not declared or not valid)."""
    kind = descriptor_of(study_or_descriptor).get(KIND_KEY)
    return kind if kind in KINDS else DEFAULT_KIND


def is_published_evaluation(study_or_descriptor) -> bool:
    """Whether the study re-encodes a published evaluation."""
    return study_kind(study_or_descriptor) == PUBLISHED_EVALUATION


def source_report(study_or_descriptor) -> dict | None:
    """Return the source report of a published evaluation (``{"title": ..., ...}``), else None."""
    if not is_published_evaluation(study_or_descriptor):
        return None
    report = descriptor_of(study_or_descriptor).get(SOURCE_REPORT_KEY)
    if isinstance(report, Mapping) and isinstance(report.get("title"), str) and report["title"].strip():
        return dict(report)
    return None


def primary_basis(study_or_descriptor) -> str:
    """The basis of a value the study gives as its source gives it: ``stated`` (published) or ``observed``."""
    return "stated" if is_published_evaluation(study_or_descriptor) else "observed"


def descriptor_problems(descriptor: Mapping) -> list[tuple[str, str, str | None]]:
    """Check the study-kind properties of a descriptor.

    Returns
    -------
    list of (message, fix, value)
        One entry per problem; empty when the kind is declared and complete.
    """
    problems = []
    kind = descriptor.get(KIND_KEY)
    if kind is None:
        problems.append(
            (
                f"the descriptor does not say what kind of study this is ('{KIND_KEY}' is missing).",
                f'Add "{KIND_KEY}": "{FIELDWORK}" for an evaluation you carry out yourselves, or '
                f'"{KIND_KEY}": "{PUBLISHED_EVALUATION}" with "{SOURCE_REPORT_KEY}": {{"title": ...}} for a '
                "published evaluation encoded as data (see docs/study-format.md).",
                None,
            )
        )
        return problems
    if kind not in KINDS:
        problems.append(
            (
                f"'{KIND_KEY}' is {kind!r}, which is not a kind of study evalkit knows.",
                f"Write one of: {', '.join(KINDS)}.",
                str(kind),
            )
        )
        return problems
    if kind == PUBLISHED_EVALUATION:
        report = descriptor.get(SOURCE_REPORT_KEY)
        if not (isinstance(report, Mapping) and isinstance(report.get("title"), str) and report["title"].strip()):
            problems.append(
                (
                    f"a published evaluation must name its source report, but '{SOURCE_REPORT_KEY}' is missing "
                    "or has no title.",
                    f'Add "{SOURCE_REPORT_KEY}": {{"title": "...", "publisher": "...", "year": ...}}.',
                    None,
                )
            )
    return problems
