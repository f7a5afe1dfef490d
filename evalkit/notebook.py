"""What a chapter notebook calls: one object per chapter run.

A chapter notebook sets its parameters, then::

    from evalkit.notebook import open_chapter
    chapter = open_chapter("01_organisation", study=study, language=language,
                           output_dir=output_dir, reveal_names=reveal_names)
    chapter.say(narrative.posts_summary)          # sentences about this study, from its data
    chapter.commentary("posts")                   # the study's own notes, if it has any
    chapter.table(organisation.posts_by_coordinator(chapter.study), "posts_by_coordinator")

The notebook's own prose states only what is true of the method for every
study; :meth:`ChapterSession.say` shows sentences generated from the study's
data (:mod:`evalkit.present.narrative`) and :meth:`ChapterSession.commentary`
what the study's folder says about itself (:mod:`evalkit.study.commentary`).

:func:`open_chapter` makes plotting deterministic, loads (and so validates) the
study and remembers the language. :meth:`ChapterSession.table` and
:meth:`ChapterSession.figure` show a result with localised labels and, when an
``output_dir`` is given, also write it there (``tables/<chapter>__<name>.csv``,
``figures/<chapter>__<name>.svg``) so that an evaluator can reuse them. All
analysis stays in :mod:`evalkit.analysis`; nothing here computes a result.

An analysis that needs data the study may lack runs inside a *part*::

    with chapter.part("team_comparison"):
        chapter.table(comparison.team_vs_coordinator(chapter.study), "team_vs_coordinator")

When the part cannot run for the study (see :mod:`evalkit.study.readiness`),
the cell shows a "not enough data" box naming what is missing instead of empty
tables or NaN; when it runs on partial data, a box above the result says what
is missing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evalkit import paths
from evalkit.chapters import LANGUAGES, chapter_by_id
from evalkit.present import captions
from evalkit.present.figures import figure_html
from evalkit.present.tables import DASH_NOTE, display_findings, display_frame, table_html, table_text
from evalkit.report.determinism import configure_plotting, save_figure
from evalkit.safeio import write_csv
from evalkit.study import Study, load_study
from evalkit.study.commentary import SLOTS, commentary_path, read_commentary
from evalkit.study.tracing import READS_ENV, READS_FILE, ReadLog, note_file, traced, untraced


@dataclass
class ChapterSession:
    """The state of one chapter notebook run.

    Attributes
    ----------
    chapter_id : str
        E.g. ``"02_quality_areas"``.
    study : Study
        The loaded, validated study.
    language : str
        ``"sv"`` or ``"en"``.
    output_dir : pathlib.Path or None
        Where tables and figures are also written; None = display only.
    reveal_names : bool
        Whether real municipality names may be shown.
    """

    chapter_id: str
    study: Study
    language: str
    output_dir: Path | None = None
    reveal_names: bool = False
    _findings: pd.DataFrame | None = None
    _blocked: object = None
    _numbers: dict = dataclasses.field(default_factory=lambda: {"table": {}, "figure": {}})

    def __getattribute__(self, name: str):
        # Inside a part that cannot run, the study is withheld: the analysis calls of the block
        # (which all take ``chapter.study``) raise NotEnoughData instead of computing empty results.
        if name == "study":
            blocked = object.__getattribute__(self, "_blocked")
            if blocked is not None:
                raise blocked.error()
        return object.__getattribute__(self, name)

    @contextlib.contextmanager
    def part(self, part_id: str) -> Iterator[object]:
        """Run one analysis part of the chapter, or show why it cannot run.

        Parameters
        ----------
        part_id : str
            A part of this chapter in :data:`evalkit.study.readiness.PARTS`.

        Yields
        ------
        evalkit.study.readiness.PartReadiness

        Notes
        -----
        * Cannot run: a "not enough data" box lists what is missing (tables and counts);
          inside the block ``chapter.study`` raises :class:`~evalkit.study.readiness.NotEnoughData`,
          which the part catches, so nothing else of the block is shown.
        * Partial: a "partial data" box lists what is missing, then the block runs.
        * An analysis in the block may itself raise ``NotEnoughData``; the part then shows a box
          with that reason.
        * A part may span several cells (each with its own ``with chapter.part(...)``). When it
          cannot run, a result assigned in an earlier cell does not exist; the ``NameError`` of a
          later cell is part of "cannot run" and is not raised. In a part that runs it is raised.
        """
        from evalkit.present import notices
        from evalkit.study import readiness

        state = readiness.part_readiness(self.study, part_id)
        if state.part.chapter != self.chapter_id:
            raise ValueError(f"part {part_id!r} belongs to chapter {state.part.chapter}, not {self.chapter_id}")
        title = state.part.title(self.language)
        if state.status == readiness.CANNOT_RUN:
            _display(notices.not_enough_data(title, state.reasons(self.language, readiness.CANNOT_RUN), self.language))
            self._blocked = state
        elif state.status == readiness.PARTIAL:
            _display(notices.partial_data(title, state.reasons(self.language), self.language))
        try:
            yield state
        except readiness.NotEnoughData as error:
            if self._blocked is None:
                _display(notices.not_enough_data(title, [error.reason(self.language)], self.language))
        except NameError:
            # A later cell of a part that cannot run uses a result its earlier cell never made.
            if self._blocked is None:
                raise
        finally:
            self._blocked = None

    def text(self, swedish: str, english: str) -> str:
        """Return the text for the session's language."""
        return swedish if self.language == "sv" else english

    def display_table(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return ``frame`` as text for a reader (labels, numbers by locale), its first column as the row labels."""
        shown = display_frame(frame, self.study, self.language, self.reveal_names, findings=self._shared_findings())
        return shown.set_index(shown.columns[0]) if len(shown.columns) > 1 else shown

    def save_table(self, frame: pd.DataFrame, name: str) -> None:
        """Write an analysis table as CSV (codes, not labels) when an output folder is set."""
        if self.output_dir is None:
            return
        target = self.output_dir / "tables" / f"{self.chapter_id}__{name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_csv(frame, target, index=frame.index.name is not None)

    def _number(self, kind: str, name: str) -> str:
        """``"Tabell 2.3"``: the next number of this chapter for ``kind``; a name shown again keeps its number."""
        numbers = self._numbers[kind]
        if name not in numbers:
            numbers[name] = len(numbers) + 1
        return captions.label(kind, self.chapter_id, numbers[name], self.language)

    def _shared_findings(self) -> pd.DataFrame:
        from evalkit.analysis.findings import findings_table

        if self._findings is None:
            self._findings = self.shared(findings_table)
        return self._findings

    def _show_table(self, shown: pd.DataFrame, name: str, css_class: str = "", id_column: str | None = None) -> None:
        caption = f"{self._number('table', name)}. {captions.table_caption(name, self.language)}"
        if shown.attrs.get("dash"):
            caption += ". " + self.text(*DASH_NOTE)
        caption = caption if caption.endswith(".") else caption + "."
        _display_html(table_html(shown, caption, css_class, id_column), table_text(shown, caption))

    def table(self, frame: pd.DataFrame, name: str) -> None:
        """Show an analysis table for a reader, numbered and captioned; also save it as CSV when an output folder is set.

        The CSV keeps the codes (machine-readable); a table without rows is saved but not
        shown. The display shows labels,
        numbers written for the session's language, and a caption
        ("Tabell 2.3. …") from :data:`evalkit.present.captions.TABLE_CAPTIONS`.
        Small case counts and identifying attributes are protected in both
        (:func:`evalkit.privacy.protect_table`).

        Raises
        ------
        KeyError
            If ``name`` has no caption in :mod:`evalkit.present.captions`.
        """
        from evalkit.privacy import protect_table

        captions.table_caption(name, self.language)  # a table without a caption is a mistake: stop before saving
        frame = protect_table(frame, self.study, self.language, self.reveal_names)
        self.save_table(frame, name)
        if not len(frame):
            return  # saved but not shown: the sentences above the table say why it is empty
        findings = self._shared_findings() if "finding_id" in frame.columns else None
        self._show_table(display_frame(frame, self.study, self.language, self.reveal_names, findings=findings), name)

    def figure(self, figure, name: str, subject: str = "", series: str | None = None) -> None:
        """Show a matplotlib figure, numbered, with a caption and alt text; also save it as SVG when an output folder is set.

        Parameters
        ----------
        figure : matplotlib.figure.Figure
        name : str
            File name stem of the saved SVG (``figures/<chapter>__<name>.svg``).
        subject : str
            What one figure of a series shows (e.g. "Kommun C"), for its caption.
        series : str, optional
            The caption entry (default ``name``), for a figure of a series.
        """
        key = series or name
        caption = f"{self._number('figure', name)}. {captions.figure_caption(key, self.language, subject)}."
        alt = captions.figure_alt_text(key, self.language, subject)
        if self.output_dir is not None:
            save_figure(figure, self.output_dir / "figures" / f"{self.chapter_id}__{name}.svg")
        _display_html(figure_html(figure, caption, alt), f"{caption}\n{alt}")

    def figures(self, figures: dict, name: str) -> None:
        """Show several figures (one per municipality), each numbered and saved as ``<name>_<key>.svg``."""
        from evalkit.present.labels import municipality_label

        for key, figure in figures.items():
            subject = municipality_label(str(key), self.language, self.study, self.reveal_names)
            self.figure(figure, f"{name}_{key}", subject=subject, series=name)

    def say(self, text, *inputs) -> None:
        """Show sentences about the study, generated from its data, as Markdown.

        Parameters
        ----------
        text : callable or str
            A function of :mod:`evalkit.present.narrative` or
            :func:`evalkit.present.agreement.agreement_markdown` (called as
            ``text(study, *inputs, language=..., reveal_names=...)``), or ready
            Markdown. Nothing is shown for an empty text.
        *inputs
            Analysis results the function needs (e.g. a QCA result).
        """
        if callable(text):
            text = text(self.study, *inputs, language=self.language, reveal_names=self.reveal_names)
        if text and str(text).strip():
            _display_markdown(str(text))

    def commentary(self, slot: str) -> None:
        """Show the study's own commentary for ``slot`` of this chapter, if the study has any.

        Commentary is Markdown in ``<study>/commentary/<chapter>.<language>.md``,
        divided into slots (see :mod:`evalkit.study.commentary`). A study without
        commentary for this slot shows nothing here.

        Raises
        ------
        ValueError
            If the chapter offers no slot of that name.
        """
        allowed = SLOTS.get(self.chapter_id, ())
        if slot not in allowed:
            raise ValueError(f"chapter {self.chapter_id} has no commentary slot {slot!r}; known: {', '.join(allowed)}")
        relpath = commentary_path(Path("."), self.chapter_id, self.language).as_posix()
        folder = note_file(self.study, relpath)  # this one file is what the chapter reads, not the whole folder
        text = read_commentary(None if folder is None else untraced(self.study).path, self.chapter_id, self.language)
        text = text.get(slot, "")
        if text.strip():
            _display_markdown(text)

    def shared(self, function, **params):
        """Return ``function(self.study, **params)``, computed once per study content and shared.

        The result comes from the run's analysis store (:mod:`evalkit.report.store`):
        computed once for every chapter and language of a run, or by the first
        notebook that needs it when a notebook runs on its own.
        """
        from evalkit.report.store import shared

        return shared(function, self.study, **params)

    def findings(self) -> None:
        """Show this chapter's findings for reading: statement, count, basis, source, and last the finding id.

        The table closes the chapter's section "Resultat i kapitlet" / "Findings in this chapter"
        (decision in docs/decisions.md); its id column is the only place a reader meets internal ids.
        Only the chapter's own sections of the findings table are computed (and read), so a change
        to another chapter's data does not touch this chapter.
        """
        from evalkit.analysis.findings import findings_table, sections_of_chapter

        chapter = self.chapter_id.split("_", 1)[1]
        own = self._findings if self._findings is not None else None
        if own is None:
            own = self.shared(findings_table, sections=list(sections_of_chapter(chapter)))
        shown = display_findings(own, self.study, self.language, chapter=chapter)
        id_column = shown.columns[-1]
        self._show_table(shown, "findings", css_class="evalkit-findings", id_column=id_column)

    def claims(self) -> None:
        """Show the study's published claims recomputed: expected, recomputed, whether they agree.

        A box above the table says how many agree (or that the study holds no published claims).
        ``evalkit run`` also writes the table as ``claims.csv`` and stops on a disagreement
        unless ``--allow-claim-mismatch``.
        """
        from evalkit.analysis.claims import claims_table
        from evalkit.present.claims import claims_summary, display_claims

        table = claims_table(self.study, self._shared_findings())
        _display(claims_summary(table, self.language))
        if len(table):
            self._show_table(display_claims(table, self.study, self.language), "claims")

    def codebook_table(self, name: str, columns: list[str] | None = None) -> None:
        """Show a codebook table in the session's language.

        Parameters
        ----------
        name : str
            Codebook table, e.g. ``"quality_areas"``.
        columns : list of str, optional
            Columns to show, without language suffix (``["question_id", "text"]``);
            default every column, with ``_sv``/``_en`` pairs reduced to the session's language.
        """
        frame = self.study.codebook[name]
        suffix = "_" + self.language
        if columns is None:
            keep = [c for c in frame.columns if not c.endswith(("_sv", "_en")) or c.endswith(suffix)]
        else:
            keep = [c + suffix if c + suffix in frame.columns else c for c in columns]
        self.table(frame[keep], "codebook_" + name)


def _display_markdown(text: str) -> None:
    """Display Markdown (the plain-text version is the same text, for terminals and nbval)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - ipykernel is a dependency
        print(text)
        return
    if get_ipython() is None:  # a plain Python session: print the text
        print(text)
        return
    display({"text/markdown": text, "text/plain": text}, raw=True)


def _display_html(markup: str, text: str) -> None:
    """Display HTML with a plain-text version (for terminals and nbval); print the text outside IPython."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - ipykernel is a dependency
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    display({"text/html": markup, "text/plain": text}, raw=True)


def _display(obj) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - ipykernel is a dependency
        print(obj)
        return
    display(obj)


def open_chapter(
    chapter_id: str,
    study: str | Path | None = None,
    language: str = "en",
    output_dir: str | Path | None = None,
    reveal_names: bool = False,
) -> ChapterSession:
    """Start a chapter: configure plotting, load the study, check the parameters.

    Parameters
    ----------
    chapter_id : str
        One of the ids in :data:`evalkit.chapters.CHAPTERS`.
    study : str or pathlib.Path, optional
        Study folder; default the shipped study.
    language : {"sv", "en"}
    output_dir : str or pathlib.Path, optional
        Folder for table CSVs and figure SVGs.
    reveal_names : bool
        Show real municipality names where the study holds them.

    Returns
    -------
    ChapterSession

    Raises
    ------
    ValueError
        For an unknown chapter or language.
    evalkit.study.StudyValidationError
        If the study is not valid (the message lists every problem).
    """
    chapter_by_id(chapter_id)
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    configure_plotting()
    pd.set_option("display.max_colwidth", None)  # show whole sentences, sources and QCA expressions
    pd.set_option("display.max_columns", None)
    loaded = load_study(Path(study) if study is not None else paths.DEFAULT_STUDY_DIR)
    if os.environ.get(READS_ENV):  # evalkit run: record what this chapter reads (its cache entry's inputs)
        ReadLog(Path.cwd() / READS_FILE).activate_for_process()
        loaded = traced(loaded)
    return ChapterSession(
        chapter_id=chapter_id,
        study=loaded,
        language=language,
        output_dir=Path(output_dir) if output_dir is not None else None,
        reveal_names=bool(reveal_names),
    )
