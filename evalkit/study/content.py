"""Checks on the characters inside a cell, whatever its column.

Two kinds of text are refused by ``evalkit validate`` because they would reach
the report as something other than what the evaluator meant:

* **invisible characters**: control characters (NUL, ESC and the rest of
  C0 and C1, except tab and line breaks) and the Unicode bidi controls that
  reorder text when shown (``U+202E`` and its relatives). They cannot be
  typed by accident in a spreadsheet, are invisible in most programs, and
  can hide or disguise text in a terminal, a web page or a PDF;
* **mojibake**: UTF-8 text that was once read as Windows-1252 (or Latin-1)
  and saved again, so that *ä* became ``Ã¤``, *ö* ``Ã¶`` and *å* ``Ã¥``. A
  pair of characters is flagged only when its Windows-1252 bytes form exactly
  one valid UTF-8 letter or punctuation mark, which ordinary Swedish or
  English text never does.

Each function takes one cell and returns what is wrong with it (or nothing);
:mod:`evalkit.study.validate` turns that into a located problem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from evalkit.terminal import BIDI_CONTROLS

#: Any control (C0 except tab and line breaks, DEL, C1) or bidi character.
BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")
#: Characters that begin a mojibake pair: Windows-1252 readings of UTF-8 lead bytes 0xC2-0xF4.
MOJIBAKE_LEADS = frozenset(bytes(range(0xC2, 0xF5)).decode("cp1252", errors="ignore"))


@dataclass(frozen=True)
class BadCharacter:
    """An invisible character found in a cell.

    Attributes
    ----------
    char : str
        The character.
    position : int
        1-based position in the cell.
    """

    char: str
    position: int

    @property
    def code(self) -> str:
        """``U+001B``."""
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        """The Unicode name, or a short name for controls (``ESCAPE``)."""
        return unicodedata.name(self.char, CONTROL_NAMES.get(self.char, "CONTROL CHARACTER"))


CONTROL_NAMES = {"\0": "NUL", "\x07": "BELL", "\x08": "BACKSPACE", "\x0b": "VERTICAL TAB", "\x0c": "FORM FEED"}
CONTROL_NAMES["\x1b"] = "ESCAPE"
CONTROL_NAMES["\x7f"] = "DELETE"


def bad_characters(cell: str) -> list[BadCharacter]:
    """Return the control and bidi characters in ``cell`` (tab and line breaks are allowed).

    Examples
    --------
    >>> [b.code for b in bad_characters("strat\\x00egic")]
    ['U+0000']
    """
    return [BadCharacter(match.group(), match.start() + 1) for match in BAD_CHARACTER.finditer(cell)]


def _repaired_pair(text: str) -> str | None:
    """The character ``text`` (2-4 characters) stood for before a UTF-8 -> Windows-1252 misreading."""
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        try:
            repaired = text.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
    if len(repaired) != 1 or repaired.isascii():
        return None
    category = unicodedata.category(repaired)
    return repaired if category[0] in "LPS" or repaired == "\u00a0" else None


def mojibake(cell: str) -> tuple[str, str] | None:
    """Find the first mojibake sequence in ``cell``.

    Returns
    -------
    (garbled, repaired) or None
        E.g. ``("Ã¤", "ä")``; None when the cell shows no sign of it.

    Examples
    --------
    >>> mojibake("VÃ¤stmanlands lÃ¤n")
    ('Ã¤', 'ä')
    >>> mojibake("Västmanlands län") is None
    True
    """
    if cell.isascii():
        return None
    for index, char in enumerate(cell):
        if char not in MOJIBAKE_LEADS:
            continue
        for length in (2, 3, 4):
            piece = cell[index : index + length]
            if len(piece) < length:
                break
            repaired = _repaired_pair(piece)
            if repaired is not None:
                return piece, repaired
    return None


def repaired_text(cell: str) -> str:
    """Return ``cell`` with every mojibake sequence replaced by what it stood for (for messages)."""
    out, index = [], 0
    while index < len(cell):
        found = None
        if cell[index] in MOJIBAKE_LEADS:
            for length in (2, 3, 4):
                piece = cell[index : index + length]
                if len(piece) == length and _repaired_pair(piece) is not None:
                    found = (length, _repaired_pair(piece))
                    break
        if found:
            out.append(found[1])
            index += found[0]
        else:
            out.append(cell[index])
            index += 1
    return "".join(out)
