"""Codes typed as labels: ``Ja``, ``delvis``, ``Yes `` read as ``yes``, ``partly``, ``yes``.

Coded columns hold codes (``yes``, ``own_coordinator``). An evaluator working
in Swedish writes ``ja``, ``Delvis`` or the Swedish label of the vocabulary
("Egen kvinnofridssamordnare"); a spreadsheet adds a capital or a trailing
space. This module maps such a cell to its code when the mapping is certain:

* the text, with case and surrounding or repeated spaces ignored, equals the
  code, the Swedish label or the English label of exactly one code of the
  column's vocabulary (``codebook/vocabularies.csv``, vocabulary = column
  name; the four answers yes/partly/no/unknown are always known as
  ja/delvis/nej/okänt);
* anything else is left as written, and the validator reports it as an
  unknown code.

Every mapping is reported as a note naming file, rows, column, the text and
the code, so nothing is changed silently. The study's files are never
changed; the mapping applies to what evalkit reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Swedish answers known even when the study's vocabulary table cannot be read.
BUILT_IN_LABELS = {"yes": ("ja",), "partly": ("delvis",), "no": ("nej",), "unknown": ("okänt", "okänd", "vet ej")}


def fold(text: str) -> str:
    """Text compared without case and with runs of white space as one space."""
    return " ".join(str(text).split()).casefold()


def vocabulary_lookup(vocabulary_rows: Iterable[dict]) -> dict[str, dict[str, set[str]]]:
    """Map each vocabulary's folded codes and labels to the codes they may mean.

    Parameters
    ----------
    vocabulary_rows : iterable of dict
        Rows with ``vocabulary``, ``code``, ``label_sv``, ``label_en``.

    Returns
    -------
    dict
        ``vocabulary -> folded text -> set of codes``; a text with two codes
        is ambiguous and is not mapped.
    """
    lookup: dict[str, dict[str, set[str]]] = {}
    for row in vocabulary_rows:
        vocabulary, code = row.get("vocabulary"), row.get("code")
        if not vocabulary or not code:
            continue
        texts = lookup.setdefault(vocabulary, {})
        for text in (code, row.get("label_sv"), row.get("label_en")):
            if text:
                texts.setdefault(fold(text), set()).add(code)
    return lookup


def code_for(text: str, allowed: Iterable[str], texts: dict[str, set[str]]) -> str | None:
    """The one code ``text`` stands for among ``allowed``, or ``None``."""
    allowed = list(allowed)
    folded = fold(text)
    candidates = {code for code in texts.get(folded, set()) if not allowed or code in allowed}
    for code, labels in BUILT_IN_LABELS.items():
        if (not allowed or code in allowed) and (folded == code or folded in labels):
            candidates.add(code)
    for code in allowed:
        if fold(code) == folded:
            candidates.add(code)
    return candidates.pop() if len(candidates) == 1 else None


@dataclass(frozen=True)
class CodeReading:
    """One text read as a code in one column: where, what and as what."""

    column: str
    text: str
    code: str
    rows: tuple[int, ...]

    def message(self) -> str:
        """The note, one sentence."""
        others = self.rows[1:]
        also = ""
        if others:
            listed = ", ".join(str(r) for r in others[:8]) + (f" and {len(others) - 8} more" if len(others) > 8 else "")
            also = f" (also row{'s' if len(others) > 1 else ''} {listed})"
        return f"'{self.text}' read as the code '{self.code}'{also}."


def read_codes(
    columns: list[str],
    rows: list[list[str]],
    coded: dict[str, list[str]],
    lookup: dict[str, dict[str, set[str]]],
    first_row: int = 2,
) -> tuple[list[list[str]], list[CodeReading]]:
    """Replace labels in coded columns by their codes.

    Parameters
    ----------
    columns : list of str
        Column names of ``rows``.
    rows : list of list of str
        Cell texts.
    coded : dict of str to list of str
        Coded column → its allowed codes (empty list: any code of its vocabulary).
    lookup : dict
        From :func:`vocabulary_lookup`.
    first_row : int
        Spreadsheet row of ``rows[0]``.

    Returns
    -------
    rows : list of list of str
        A new list; cells that are already exact codes are kept.
    readings : list of CodeReading
        One per column and distinct text that was mapped.
    """
    positions = {name: i for i, name in enumerate(columns) if name in coded}
    if not positions:
        return rows, []
    found: dict[tuple[str, str, str], list[int]] = {}
    new_rows = []
    for number, row in enumerate(rows, start=first_row):
        row = list(row)
        for name, position in positions.items():
            if position >= len(row):
                continue
            text = row[position]
            allowed = coded[name]
            texts = lookup.get(name, {})
            known = set(allowed) or set().union(*texts.values())
            if text == "" or text in known:
                continue
            code = code_for(text, allowed, texts)
            if code is not None and code != text:
                row[position] = code
                found.setdefault((name, text, code), []).append(number)
        new_rows.append(row)
    readings = [CodeReading(name, text, code, tuple(numbers)) for (name, text, code), numbers in found.items()]
    return new_rows, readings
