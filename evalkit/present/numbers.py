"""Numbers written the way a reader of each language expects (with Babel).

Swedish: decimal comma, a no-break space between thousands, a space before
the per cent sign ("1 234,5", "25 %"). English: decimal point, comma between
thousands, no space ("1,234.5", "25%"). The rules come from the CLDR data
that Babel bundles, so the output does not depend on the machine's locale
settings (``LANG``, ``LC_NUMERIC``): the same value gives the same bytes
everywhere.

Every number shown in a table, a caption or a generated sentence goes through
:func:`format_number` or :func:`format_percent`.
"""

from __future__ import annotations

import math
import numbers

from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_percent

from evalkit.chapters import LANGUAGES

#: Babel locale of each report language.
LOCALES = {"sv": "sv_SE", "en": "en"}
#: Written between a year range's ends and in place of a value that cannot be computed.
DASH = "–"


def _locale(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return LOCALES[language]


def _pattern(decimals: int, grouping: bool) -> str:
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    whole = "#,##0" if grouping else "0"
    return whole + ("." + "0" * decimals if decimals else "")


def _clean(value: float, decimals: int) -> float:
    """``value`` rounded to ``decimals``, with a rounded-away sign dropped (no "-0,00")."""
    rounded = round(float(value), decimals)
    return 0.0 if rounded == 0 else rounded


def is_number(value) -> bool:
    """True for a real number that is not missing (bools are not numbers here)."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, numbers.Real):
        return not math.isnan(float(value))
    return False


def format_number(value, language: str, decimals: int = 0, grouping: bool = True) -> str:
    """Write a number with exactly ``decimals`` decimals in the language's style.

    Parameters
    ----------
    value : int or float
    language : {"sv", "en"}
    decimals : int
        Number of decimals shown (fixed, so a column lines up).
    grouping : bool
        Separate thousands (False for years: "2018").

    Returns
    -------
    str
        E.g. ``format_number(1234.5, "sv", 1)`` -> ``"1 234,5"`` (no-break space),
        ``format_number(1234.5, "en", 1)`` -> ``"1,234.5"``.

    Raises
    ------
    ValueError
        For a missing value or an unknown language.
    """
    locale = _locale(language)
    if not is_number(value):
        raise ValueError(f"not a number: {value!r}")
    return format_decimal(_clean(value, decimals), format=_pattern(decimals, grouping), locale=locale)


def format_percent(fraction, language: str, decimals: int = 0) -> str:
    """Write a share (0–1) as a percentage: ``0.25`` -> ``"25 %"`` (sv) / ``"25%"`` (en)."""
    locale = _locale(language)
    if not is_number(fraction):
        raise ValueError(f"not a number: {fraction!r}")
    from babel import Locale

    pattern = Locale.parse(locale).percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    value = _clean(float(fraction) * 100, decimals) / 100
    return _babel_percent(value, format=pattern, locale=locale)


def format_points(value, language: str, decimals: int = 0) -> str:
    """Write a value already on the 0–100 scale as a percentage: ``25`` -> ``"25 %"`` / ``"25%"``."""
    if not is_number(value):
        raise ValueError(f"not a number: {value!r}")
    return format_percent(float(value) / 100, language, decimals)


def decimals_needed(values, most: int = 2) -> int:
    """The fewest decimals (at most ``most``) that show every value of ``values`` as it is.

    A column is written with one number of decimals: ``[70.0, 35.0]`` -> 0,
    ``[0.44, 0.6]`` -> 2 (so "0,60", not "0,6" next to "0,44").
    """
    needed = 0
    for value in values:
        if not is_number(value):
            continue
        for places in range(needed, most + 1):
            if abs(round(float(value), places) - round(float(value), most)) < 10 ** -(most + 3):
                needed = places
                break
        else:  # pragma: no cover - the loop always reaches ``most``
            needed = most
    return needed
