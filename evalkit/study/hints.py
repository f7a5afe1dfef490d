"""Hints for values that are wrong in a way a spreadsheet user would not guess.

Excel stores a date as the number of days since 30 December 1899 and shows
it as a date only when the cell is formatted as one. A date typed into a text
or General cell, or copied from another workbook, can therefore arrive as a
number such as 42597: :func:`date_serial_hint` says which date it stands for.
"""

from __future__ import annotations

import datetime as _dt
import re

#: Excel's day zero (1900 date system, with its leap-year quirk folded in).
EXCEL_EPOCH = _dt.date(1899, 12, 30)
#: Serials of the dates a study can hold (1954-10-04 to 2119-01-11).
SERIAL_RANGE = (20_000, 80_000)
SERIAL = re.compile(r"^\s*(\d{5})(?:\.0+)?\s*$")
DATE_COLUMNS = frozenset({"start_date"})


def excel_serial_date(text: str) -> _dt.date | None:
    """The date an Excel date serial stands for (``"42597"`` -> 2016-08-15), or ``None``.

    Examples
    --------
    >>> excel_serial_date("42597")
    datetime.date(2016, 8, 15)
    >>> excel_serial_date("2016") is None
    True
    """
    match = SERIAL.match(text or "")
    if not match or not SERIAL_RANGE[0] <= int(match.group(1)) <= SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + _dt.timedelta(days=int(match.group(1)))


def date_serial_hint(column: str, text: str) -> str:
    """A sentence to add to a date column's problem when the value looks like an Excel date serial ('' otherwise)."""
    date = excel_serial_date(text) if column in DATE_COLUMNS else None
    if date is None:
        return ""
    return (
        f" {text.strip()} looks like the number Excel stores for the date {date.isoformat()}: type the date as "
        f"{date.isoformat()} (format the cell as text first), or as {date.year}-{date.month:02d} if the day is not known."
    )
