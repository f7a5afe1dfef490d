"""What an import may write into a study: the same guard as ``evalkit run``, before anything is written.

``evalkit run`` refuses a study that holds personal data, and ``evalkit
validate`` refuses control and text-direction characters. An import must not
let in what they refuse, and must not write text that a spreadsheet would run
as a formula. So every import (``survey import``, ``qda import``, ``qda
confirm``) passes each text cell it is about to write through :func:`check`
first, located where the user can fix it (the export's row and column, the
QDA project's coding, the review file's row):

* **invisible characters** (control characters other than tab and line
  breaks, and text-direction characters such as U+202E) are always refused:
  the study would not validate with them;
* **personal data** in free text (personal identity numbers, e-mail
  addresses, phone numbers, personal names; :func:`evalkit.privacy.find_personal_data`)
  is refused unless ``--allow-personal-data``, the flag ``evalkit run`` takes
  for the same data;
* **text that begins like a formula** (``=``, ``+``, ``-``, ``@``, tab or
  carriage return, and is not a number) is refused unless
  ``--allow-personal-data``; with the flag it is written as plain text (in a
  workbook a text cell with Excel's quote prefix, in a CSV file with a leading
  ``'``), never as a formula.

Every hit is listed with where it is and a masked value; nothing is written
when anything is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from evalkit import privacy
from evalkit.safeio import needs_neutralising
from evalkit.study import content
from evalkit.terminal import escape_char

INVISIBLE = "invisible character"
PERSONAL = "personal data"
FORMULA = "formula-like text"


@dataclass(frozen=True)
class Cell:
    """One text cell an import is about to write.

    Attributes
    ----------
    where : str
        Where the user can find and fix it (``svar.csv, row 4, column J (…)``).
    text : str
        The cell.
    free_text : bool
        Whether the column holds free text (scanned for personal data).
    """

    where: str
    text: str
    free_text: bool = True


@dataclass(frozen=True)
class Hit:
    """Something :func:`check` found in one cell."""

    where: str
    kind: str
    detail: str

    def render(self) -> str:
        return f"{self.where}: {self.detail}"


def masked_start(text: str) -> str:
    """The first characters of a formula-like text, the rest hidden (``=HYPE***``)."""
    start = "".join(escape_char(char) if not char.isprintable() else char for char in text[:5])
    return start + ("***" if len(text) > 5 else "")


def cell_hits(cell: Cell) -> list[Hit]:
    """Every hit in one cell."""
    hits = []
    bad = content.bad_characters(cell.text)
    if bad:
        first = bad[0]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        hits.append(
            Hit(
                cell.where,
                INVISIBLE,
                f"the invisible character {first.code} {first.name} at position {first.position}{more}.",
            )
        )
    if needs_neutralising(cell.text):
        hits.append(
            Hit(
                cell.where,
                FORMULA,
                f"the text begins like a spreadsheet formula ({masked_start(cell.text.lstrip(' '))}).",
            )
        )
    if cell.free_text:
        for kind, shown in privacy.find_personal_data(cell.text):
            hits.append(Hit(cell.where, PERSONAL, f"{privacy.with_article(kind)} ({shown})."))
    return hits


@dataclass
class Verdict:
    """What :func:`check` decided."""

    refused: list[Hit]
    allowed: list[Hit]

    def message(self, what: str) -> str:
        """The refusal, one line per hit, and what to do."""
        kinds = {hit.kind for hit in self.refused}
        lines = [f"{what} holds what a study may not take in ({len(self.refused)} cells); nothing was written:"]
        lines += [f"  {hit.render()}" for hit in self.refused]
        fixes = []
        if INVISIBLE in kinds:
            fixes.append("delete the invisible characters (retype the text if you cannot see them)")
        if PERSONAL in kinds:
            fixes.append("remove names, personal identity numbers, e-mail addresses and phone numbers")
        if FORMULA in kinds:
            fixes.append("remove the leading =, +, -, @ or tab")
        fix = "Correct the source: " + "; ".join(fixes) + "."
        if kinds - {INVISIBLE}:
            fix += (
                " To import personal data or formula-like text all the same, add --allow-personal-data (formula-like "
                "text is then written as plain text; evalkit run needs the flag too for personal data)."
            )
        return "\n".join(lines + [fix])


def check(cells, allow_personal_data: bool = False) -> Verdict:
    """Check the cells an import is about to write.

    Parameters
    ----------
    cells : iterable of Cell
    allow_personal_data : bool
        ``--allow-personal-data``: let personal data and formula-like text through.

    Returns
    -------
    Verdict
        ``refused`` empty when the import may go ahead; ``allowed`` lists what
        the flag let through (to print as notes).
    """
    refused, allowed = [], []
    for cell in cells:
        if not cell.text:
            continue
        for hit in cell_hits(cell):
            (allowed if allow_personal_data and hit.kind != INVISIBLE else refused).append(hit)
    return Verdict(refused, allowed)
