"""The publication's notes: where a finding comes from and the footnotes of the evaluator's text.

A source is named once, as a numbered note, however many findings or
footnotes cite it. The notes' words are :mod:`evalkit.present.sources`'s
(a source cell written in the edition's language); this module gives each
note a key and marks a quoted title of the Swedish source report as
:class:`~evalkit.publication.inline.Foreign` in the English edition.

* :func:`source_notes` — every finding's notes (:func:`evalkit.present.sources.finding_notes`);
* :func:`footnotes` — the footnotes of one text of the evaluator
  (:func:`evalkit.present.sources.note_text`).

Two notes with the same text are one note: :class:`~evalkit.publication.context.Context`
keys a footnote whose text is already a finding's note with that note's key.
"""

from __future__ import annotations

import re

import pandas as pd

from evalkit.present.sources import finding_notes, note_text
from evalkit.publication.inline import Foreign
from evalkit.study.kind import is_published_evaluation

_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.*)$", re.M)
_QUOTED = re.compile(r"([”“])([^”“]+)(”)")
#: The language of the source reports evalkit re-encodes.
SOURCE_LANGUAGE = "sv"


def text_key(text) -> str:
    """What makes two notes the same note: their running text, spaces squeezed, case ignored."""
    parts = text if isinstance(text, tuple) else (text,)
    joined = "".join(part if isinstance(part, str) else getattr(part, "text", "") for part in parts)
    return re.sub(r"\s+", " ", joined).strip().lower()


def footnotes(study, text: str, language: str) -> dict[str, tuple[str, tuple]]:
    """The footnotes of an evaluator's text: ``label -> (note key, note text as running text)``.

    A footnote's text is a source cell (``Kap. 2, …``, ``intervjuer``), written
    as a note in the edition's language by :func:`evalkit.present.sources.note_text`;
    the same text is the same note wherever it is cited.
    """
    found = {}
    for label, cell in _FOOTNOTE_DEFINITION.findall(text or ""):
        written = note_text(study, cell, language)
        if written:
            found[label] = ("note:" + text_key(written), _marked(study, written, language))
    return found


def source_notes(study, findings: pd.DataFrame, language: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple]]:
    """Where each finding comes from, as numbered notes.

    Returns
    -------
    (dict, dict)
        ``finding_id -> note keys`` (in the order the source cell names them)
        and ``note key -> note text`` (running text) in ``language``. A source is one note,
        however many findings cite it.
    """
    by_finding, texts = finding_notes(study, findings, language)
    return by_finding, {key: _marked(study, str(text), language) for key, text in texts.items()}


def _marked(study, text: str, language: str) -> tuple:
    """A note as running text: quoted titles of a source report in another language marked as :class:`Foreign`."""
    if language == SOURCE_LANGUAGE or not is_published_evaluation(study):
        return (text,)
    out: list = []
    position = 0
    for match in _QUOTED.finditer(text):
        out.append(text[position : match.start()] + match.group(1))
        out.append(Foreign(match.group(2), SOURCE_LANGUAGE))
        out.append(match.group(3))
        position = match.end()
    out.append(text[position:])
    merged: list = []
    for part in out:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)
