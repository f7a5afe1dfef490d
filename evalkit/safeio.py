"""Writing output files safely: atomically, and CSV that a spreadsheet cannot execute.

Every file evalkit writes for a reader goes through this module:

* :func:`write_text_atomic` and :func:`write_bytes_atomic` write to a hidden
  temporary sibling and rename it into place, so a reader (or a crash) never
  sees half a file and an existing file is replaced in one step;
* :func:`write_csv` writes a DataFrame as CSV through :func:`write_text_atomic`
  after two transformations:

  - **formula neutralisation** (CSV injection, CWE-1236, OWASP "CSV Injection"):
    a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
    return, a line feed or a NUL (also after leading spaces, and the full-width
    forms ``＝ ＋ － ＠``) is prefixed with a single quote ``'``, which
    spreadsheet programs read as "this is text". A cell that is a plain number
    (``-3``, ``+1.5``, ``2e-3``) is left alone, so numbers stay numbers;
  - **line breaks** inside a cell are written as ``\\n`` (a lone carriage
    return would otherwise end the row for most readers);
  - **machine-independent numbers**: floating-point values are written with at
    most 12 significant digits and ``-0.0`` becomes ``0``, so the last bits of
    a computation, which may differ between CPUs and BLAS builds, never reach
    the file.

A test (``tests/test_safeio.py``) scans the package for any other CSV writer.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a table is written: the atomic writers serve light callers too
    import pandas as pd

#: Characters that make a spreadsheet treat a cell as a formula when they come first.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")
#: The prefix that makes a spreadsheet read a cell as text.
TEXT_PREFIX = "'"
#: A cell that is nothing but a number (then a leading ``-`` or ``+`` is harmless).
PLAIN_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?\s*$")
#: Significant digits kept for floating-point values in CSV output.
SIGNIFICANT_DIGITS = 12


def needs_neutralising(text: str) -> bool:
    """Whether a text cell would be read as a formula by a spreadsheet program.

    Parameters
    ----------
    text : str
        The cell as it would be written.

    Returns
    -------
    bool
        True when the first character (after any leading spaces) is a formula
        trigger and the cell is not a plain number.
    """
    if not text:
        return False
    if text[:1] not in FORMULA_TRIGGERS and text.lstrip(" ")[:1] not in FORMULA_TRIGGERS:
        return False
    return not PLAIN_NUMBER.match(text)


def _safe_text(text: str) -> str:
    """Neutralise a text cell and write its line breaks as ``\\n`` (a bare ``\\r`` would split the row)."""
    text = neutralise_cell(text)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def neutralise_cell(value: object) -> object:
    """Return ``value`` made safe for a spreadsheet; non-text values are returned unchanged.

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("-3")
    '-3'
    >>> neutralise_cell(-3.5)
    -3.5
    """
    if isinstance(value, str) and needs_neutralising(value):
        return TEXT_PREFIX + value
    return value


def format_float(value: float) -> str:
    """Format a float for CSV: at most 12 significant digits, no ``-0``, empty for NaN.

    Examples
    --------
    >>> format_float(0.1 + 0.2)
    '0.3'
    >>> format_float(-0.0)
    '0.0'
    >>> format_float(float("nan"))
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    rounded = float(f"{value:.{SIGNIFICANT_DIGITS}g}") + 0.0
    return repr(rounded)


def _safe_cell(value: object) -> object:
    import pandas as pd

    if isinstance(value, float):
        return format_float(value)
    if value is pd.NA or value is pd.NaT:
        return ""
    return _safe_text(value) if isinstance(value, str) else value


def csv_ready(frame: pd.DataFrame, index: bool = False) -> pd.DataFrame:
    """Return a copy of ``frame`` whose cells and headers are safe to write as CSV.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.
    index : bool
        Keep the index as the first column(s) (as ``DataFrame.to_csv(index=True)`` would).

    Returns
    -------
    pandas.DataFrame
        Object columns of text and formatted numbers; integers stay integers.
    """
    import pandas as pd

    out = frame.reset_index() if index else frame.reset_index(drop=True)
    columns = {}
    for position in range(len(out.columns)):
        column = out.iloc[:, position]
        if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_integer_dtype(column.dtype):
            columns[position] = column.astype(object).where(column.notna(), "")
        else:
            columns[position] = column.astype(object).map(_safe_cell)
    safe = pd.DataFrame(columns)
    safe.columns = [_safe_text(str(name)) for name in out.columns]
    return safe


def csv_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """The CSV text :func:`write_csv` writes (formula-safe cells, ``\n`` line ends), for callers that write it themselves."""
    return csv_ready(frame, index=index).to_csv(index=False, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: Path | str, *, index: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV (``\\n`` line ends), formula-safe and atomically.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table. Text cells that a spreadsheet would run as a formula get a
        leading ``'``; floats are written with at most 12 significant digits.
    path : path-like
        Target file; its folder must exist. An existing file is replaced in one step.
    index : bool, optional
        Write the index as the first column(s).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    return write_text_atomic(path, csv_text(frame, index=index))


def write_bytes_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a hidden temporary sibling, then rename it into place.

    The temporary file is removed if anything fails, and the target is never
    seen half-written. New files get the usual permissions (``0666`` less the umask).
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`write_bytes_atomic`).

    Line ends are written as given (use ``\\n``).
    """
    return write_bytes_atomic(path, text.encode("utf-8"))


@contextlib.contextmanager
def new_folder(target: Path | str) -> Iterator[Path]:
    """Build a new folder at ``target`` all or nothing: yield a temporary sibling, then rename it into place.

    ``target`` must be absent or an empty folder (the caller checks and says so
    in its own words). When the block raises, or is interrupted, the temporary
    folder is removed and ``target`` is left as it was, so a reader never sees
    half a study.

    Examples
    --------
    >>> import tempfile
    >>> with new_folder(Path(tempfile.mkdtemp()) / "study") as building:
    ...     _ = (building / "datapackage.json").write_text("{}", encoding="utf-8")
    """
    import shutil
    import tempfile

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield building
        if target.exists():
            target.rmdir()
        os.replace(building, target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
