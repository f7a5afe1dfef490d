"""What every builder of the publication sees: the study, the language and the shared analyses.

The analyses come through ``shared`` – in a run, the run's analysis store
(:meth:`evalkit.report.plan.RunContext.shared`), so the findings table and the
robustness analysis are computed once for the notebooks, the report artefacts
and the publication; outside a run (tests, a notebook) each is computed on
first use.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import pandas as pd

from evalkit.publication import notes, wording
from evalkit.publication.document import Block, Box, Foreign, NoteRef, Paragraph, Table, blocks_from_markdown


class Context:
    """One language edition being built.

    Parameters
    ----------
    study : Study
    language : {"sv", "en"}
    shared : callable, optional
        ``shared(function, **params)`` returns ``function(study, **params)``,
        from a store when there is one.
    reveal_names : bool
        Real municipality names where the study has them (``evalkit run --reveal-names``).
    """

    def __init__(self, study, language: str, shared: Callable | None = None, reveal_names: bool = False):
        self.study = study
        self.language = language
        self.reveal_names = reveal_names
        self._shared = shared
        self._ready: dict[str, bool] = {}
        self.extra_notes: dict[str, tuple] = {}

    # ------------------------------------------------------------------ analyses

    def shared(self, function, **params):
        if self._shared is not None:
            return self._shared(function, **params)
        return function(self.study, **params)

    @cached_property
    def findings(self) -> pd.DataFrame:
        from evalkit.analysis.findings import findings_table

        return self.shared(findings_table)

    @cached_property
    def published(self) -> bool:
        from evalkit.study.kind import is_published_evaluation

        return is_published_evaluation(self.study)

    @cached_property
    def report(self) -> dict | None:
        from evalkit.study.kind import source_report

        return source_report(self.study)

    @cached_property
    def robustness(self):
        """The robustness analysis when the study has reconstructed values (else None)."""
        from evalkit.analysis.robustness import robustness_analysis

        if not self.published:
            return None
        analysis = self.shared(robustness_analysis)
        return analysis if analysis.allocations > 1 else None

    @cached_property
    def interpretation(self) -> dict[str, str]:
        from evalkit.study.interpretation import interpretation

        return {slot: text for slot, text in interpretation(self.study, self.language).items() if text.strip()}

    @cached_property
    def quotes(self) -> pd.DataFrame:
        from evalkit.analysis.quotes import quotes

        return quotes(self.study, self.language)

    @cached_property
    def _sources(self):
        return notes.source_notes(self.study, self.findings, self.language)

    @property
    def note_texts(self) -> dict[str, tuple]:
        return self._sources[1]

    # ------------------------------------------------------------------ helpers for builders

    def ready(self, part_id: str) -> bool:
        """Whether the analysis part ``part_id`` can run for this study (:mod:`evalkit.study.readiness`).

        A part that cannot run is left out of the publication (the analysis shows why).
        """
        from evalkit.study.readiness import CANNOT_RUN, part_readiness

        if part_id not in self._ready:
            self._ready[part_id] = part_readiness(self.study, part_id).status != CANNOT_RUN
        return self._ready[part_id]

    def t(self, swedish: str, english: str) -> str:
        return swedish if self.language == "sv" else english

    @cached_property
    def records(self) -> list[dict]:
        """The findings table as row dicts (:func:`evalkit.publication.evidence.records`)."""
        from evalkit.publication.evidence import records

        return records(self.findings)

    @cached_property
    def _by_id(self) -> dict[str, dict]:
        return {str(row["finding_id"]): row for row in self.records}

    def finding(self, finding_id: str) -> dict | None:
        """The findings-table row of ``finding_id`` (a dict), or None."""
        return self._by_id.get(finding_id)

    def note_refs(self, finding_id: str) -> tuple[NoteRef, ...]:
        return tuple(NoteRef(key) for key in self._sources[0].get(str(finding_id), ()))

    def box(self, slot: str) -> Box | None:
        """The evaluator's own text for ``slot`` as a box (its footnotes as numbered notes), or None."""
        text = self.interpretation.get(slot)
        if not text:
            return None
        return (
            Box("interpretation", wording.label("interpretation", self.language), self.markdown(text)) if text else None
        )

    def markdown(self, text: str) -> tuple:
        """The evaluator's Markdown as blocks; its footnotes become notes of the publication."""
        found = notes.footnotes(self.study, text, self.language)
        keys = {}
        for label, (key, content) in found.items():
            key = self._notes_by_text.get(notes.text_key(content), key)  # the same text is one note
            if key not in self.note_texts:
                self.extra_notes.setdefault(key, content)
            keys[label] = key
        return blocks_from_markdown(text, keys)

    @cached_property
    def _notes_by_text(self) -> dict[str, str]:
        """The findings' notes by their text (the first key of each text)."""
        found: dict[str, str] = {}
        for key, content in self.note_texts.items():
            found.setdefault(notes.text_key(content), key)
        return found

    @property
    def all_notes(self) -> dict[str, tuple]:
        """Every note the publication may refer to: the findings' sources and the evaluator's footnotes."""
        return {**self.note_texts, **{k: v for k, v in self.extra_notes.items() if k not in self.note_texts}}

    def title_text(self, text: str, own_language: str = "sv"):
        """A title in ``own_language`` for running text: marked as foreign in the other edition."""
        return text if self.language == own_language else Foreign(text, own_language)

    def municipality(self, municipality_id: str) -> str:
        from evalkit.present.labels import municipality_label

        return municipality_label(str(municipality_id), self.language, self.study, self.reveal_names)

    def vocabulary(self, vocabulary: str, code) -> str:
        from evalkit.present.labels import vocabulary_label

        return vocabulary_label(self.study, vocabulary, code, self.language)


def table_from(key: str, caption: str, shown: pd.DataFrame, row_header: bool = True, notes=()) -> Table:
    """A :class:`Table` from a frame of text (e.g. :func:`evalkit.present.tables.display_frame`)."""
    header = tuple(str(c) for c in shown.columns)
    numeric_headers = set(shown.attrs.get("numeric", []))
    numeric = tuple(h in numeric_headers for h in header)
    rows = tuple(tuple("" if v is None else str(v) for v in row) for row in shown.itertuples(index=False))
    return Table(key, caption, header, rows, numeric, row_header, tuple(notes))


def blocks(*items) -> tuple[Block, ...]:
    """The blocks among ``items`` (None and empty paragraphs left out)."""
    out = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, Paragraph) and not any(
            str(i).strip() if isinstance(i, str) else True for i in item.content
        ):
            continue
        if isinstance(item, (list, tuple)):
            out.extend(blocks(*item))
        else:
            out.append(item)
    return tuple(out)
