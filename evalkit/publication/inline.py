"""The inlines of the publication's running text (re-exported by :mod:`evalkit.publication.document`).

A module of its own so that :mod:`evalkit.publication.wording` can return
running text (a superscript, a foreign title) without importing the document
model, which imports the wording for its numbering.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Emphasis:
    """Text in italics."""

    text: str


@dataclass(frozen=True)
class Strong:
    """Text in bold."""

    text: str


@dataclass(frozen=True)
class Superscript:
    """Text set as a superscript (an exponent: ``10`` with ``Superscript("32")``)."""

    text: str


@dataclass(frozen=True)
class Foreign:
    """Text in another language than the edition's, marked as such (a Swedish source's title in English)."""

    text: str
    language: str


@dataclass(frozen=True)
class NoteRef:
    """A reference to the note ``key`` of :attr:`Document.notes`; ``number`` is set by :func:`number`."""

    key: str
    number: int | None = None


@dataclass(frozen=True)
class CrossRef:
    """A reference to a chapter, section, appendix, table or figure by its ``key``.

    :func:`number` sets ``text`` (``"kapitel 3"``, ``"table 3.2"``, ``"bilaga 2"``);
    ``capital`` asks for a capital first letter (a reference that starts a sentence).
    """

    target: str
    text: str | None = None
    capital: bool = False
