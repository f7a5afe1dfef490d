"""Tables that fit: no word is ever broken inside a table cell, on screen or on paper.

A browser breaks a word inside a table cell only when the table is forced
narrower than its *narrowest* width: the width at which every column is as
wide as its longest word. evalkit's stylesheet never forces that (no
``overflow-wrap: anywhere``, no ``word-break``, no automatic hyphenation: the
Chromium used for printing has no Swedish hyphenation dictionary), so a table
wider than the space it has must get more space instead:

* on screen every table sits in its own box (:func:`scroll_box`) that scrolls
  sideways when the window is narrower than the table; the box is a labelled
  region a keyboard user can focus and scroll (WCAG 2.1.1, axe
  ``scrollable-region-focusable``);
* in print the table is set in the first of these :data:`LAYOUTS` in which
  its narrowest width fits the A4 text width: portrait at the normal table
  size, portrait smaller, then a landscape page at the normal size and
  smaller. A table too wide for all of them is split into parts of whole
  columns, each repeating the row-header column (:func:`split_columns`).

The narrowest width is computed here, before any browser sees the page, from
the glyph widths of DejaVu Sans (the face the pages use; matplotlib ships it)
at the printed size (:func:`narrowest_width_pt`). The browser tests measure the
result: every word of every cell on one line at A4 print width and at 1280 px
and 400 px screen widths (``tests/test_accessibility.py``). Decision 61 in
``docs/decisions.md``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape

#: A4 text widths in pt: 210 mm and 297 mm less 2 × 16 mm margins (``@page`` in ``evalkit.css``).
PORTRAIT_WIDTH_PT = (210 - 32) / 25.4 * 72
LANDSCAPE_WIDTH_PT = (297 - 32) / 25.4 * 72
#: Table font sizes in print (pt), as in ``evalkit.css``: normal and the smaller "evalkit-wide" size.
NORMAL_PT, SMALL_PT = 8.5, 7.5
#: Horizontal padding of a printed cell (left + right) in em of the table's font size (``evalkit.css``).
CELL_PADDING_EM = 0.6
#: Share of the text width a table may fill: the widths computed here agree with Chromium's to 0.5 %.
SAFETY = 0.99
#: Identifiers in a table (cells of class ``evalkit-id``) are set in DejaVu Sans Mono at this size (em):
#: every glyph is 0.602 em wide.
ID_SIZE_EM, MONO_ADVANCE_EM = 0.85, 0.602


@dataclass(frozen=True)
class Layout:
    """How a table is printed: its font size (pt) and whether it gets a landscape page."""

    name: str
    size_pt: float
    landscape: bool

    @property
    def width_pt(self) -> float:
        return (LANDSCAPE_WIDTH_PT if self.landscape else PORTRAIT_WIDTH_PT) * SAFETY

    @property
    def classes(self) -> tuple[str, ...]:
        return (("evalkit-wide",) if self.size_pt < NORMAL_PT else ()) + (
            ("evalkit-landscape",) if self.landscape else ()
        )


#: Tried in order; the first in which the table's narrowest width fits is used.
LAYOUTS = (
    Layout("portrait", NORMAL_PT, False),
    Layout("portrait-small", SMALL_PT, False),
    Layout("landscape", NORMAL_PT, True),
    Layout("landscape-small", SMALL_PT, True),
)

_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_TABLE_TAG = re.compile(r"<table\b[^>]*>")
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
_THEAD = re.compile(r"<thead\b.*?</thead>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)
_COLSPAN = re.compile(r'colspan="?(\d+)')
_CLASS = re.compile(r'class="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")
_WBR = re.compile(r"<wbr\s*/?>")
#: Where a line may break in a cell's text: spaces, a ``<wbr>`` (NUL here), after a hyphen or a slash.
_BREAK = re.compile(r"[\s\x00]+|(?<=[-/\u2010\u2013])")


# ---------------------------------------------------------------- measuring


#: Held while a shared font object measures a text (see :func:`text_width_em`).
_MEASURING = threading.Lock()


@lru_cache(maxsize=2)
def _font(bold: bool):
    """DejaVu Sans (bold) as matplotlib ships it: the same face the pages and PDFs use."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(
        font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"), fallback_to_default=True
    )
    return FT2Font(path)


@lru_cache(maxsize=65536)
def text_width_em(text: str, bold: bool = False) -> float:
    """Width of ``text`` in DejaVu Sans, in em (multiply by the font size).

    Examples
    --------
    >>> round(text_width_em("Kommun"), 2)
    3.77
    """
    from matplotlib.ft2font import LoadFlags

    # One FT2Font per face is shared by every thread of the run (the combined reports and the
    # publications are built in parallel threads): set_size/set_text/get_width_height must not
    # interleave, or a width is measured for another thread's text, or FreeType fails
    # ("failed to load glyph").
    with _MEASURING:
        font = _font(bold)
        font.set_size(100, 72)  # 100 pt at 72 dpi: 1 em = 100 px
        font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
        return font.get_width_height()[0] / 64 / 100


def cell_words(content: str) -> list[str]:
    """The pieces of a cell's HTML that a line break may not split (words, by :data:`_BREAK`)."""
    text = unescape(_TAG.sub("", _WBR.sub("\x00", content)))
    return [piece for piece in _BREAK.split(text) if piece.strip()]


def column_widths_em(table: str) -> list[float]:
    """Each column's narrowest width in em: its longest word (bold in the header) plus the padding.

    Cells spanning several columns are left out; a numeric data cell
    (``td`` of class ``num``) does not wrap, so its whole text counts.
    """
    header_end = match.end() if (match := _THEAD.search(table)) else 0
    widths: dict[int, float] = {}
    for row in _ROW.finditer(table):
        bold_row = row.start() < header_end
        column = 0
        for tag, attributes, content in _CELL.findall(row.group(0)):
            span = int(found.group(1)) if (found := _COLSPAN.search(attributes)) else 1
            if span == 1:
                classes = found.group(1).split() if (found := _CLASS.search(attributes)) else []
                bold = bold_row or (tag == "th" and "evalkit-table" not in table[:200])
                if tag == "td" and "num" in classes:  # evalkit.css: td.num does not wrap
                    words = [" ".join(cell_words(content))]
                else:
                    words = cell_words(content)
                if "evalkit-id" in classes:
                    longest = max((len(word) for word in words), default=0) * MONO_ADVANCE_EM * ID_SIZE_EM
                else:
                    longest = max((text_width_em(word, bold) for word in words), default=0.0)
                widths[column] = max(widths.get(column, 0.0), longest + CELL_PADDING_EM)
            column += span
    return [widths[column] for column in sorted(widths)]


def narrowest_width_pt(table: str, size_pt: float) -> float:
    """The narrowest width (pt) ``table`` can take at font size ``size_pt`` without breaking a word."""
    return sum(column_widths_em(table)) * size_pt


def print_layout(table: str) -> Layout | None:
    """The first of :data:`LAYOUTS` in which ``table`` fits, or None when it fits none (split it)."""
    widths = column_widths_em(table)
    for layout in LAYOUTS:
        if sum(widths) * layout.size_pt <= layout.width_pt:
            return layout
    return None


# ---------------------------------------------------------------- rewriting the page


def caption_text(table: str) -> str:
    """The plain text of a table's ``<caption>`` ("" when it has none)."""
    found = _CAPTION.search(table)
    return " ".join(unescape(_TAG.sub("", found.group(1))).split()) if found else ""


def _add_classes(table: str, classes: tuple[str, ...]) -> str:
    if not classes:
        return table
    tag = _TABLE_TAG.match(table).group(0)
    joined = " ".join(classes)
    marked = tag.replace('class="', f'class="{joined} ', 1) if 'class="' in tag else tag[:-1] + f' class="{joined}">'
    return marked + table[len(tag) :]


def scroll_box(table: str, label: str, classes: tuple[str, ...] = ()) -> str:
    """Wrap ``table`` in a focusable, labelled region that scrolls sideways on a narrow screen."""
    extra = "".join(f" {name}-box" for name in classes if name == "evalkit-landscape")
    return (
        f'<div class="evalkit-table-box{extra}" role="region" tabindex="0" aria-label="{escape(label, quote=True)}">'
        f"{table}</div>"
    )


def split_columns(table: str, layout: Layout = LAYOUTS[-1], continued: str = "continued") -> list[str]:
    """Split a table too wide for any layout into parts of whole columns, each repeating the first column.

    Every part keeps the caption (the later ones marked ``(continued)``), the
    header row and the row headers, so each part can be read on its own.
    Cells spanning several columns keep the table whole (returned unchanged).
    """
    rows = [row.group(0) for row in _ROW.finditer(table)]
    cells = [list(_CELL.finditer(row)) for row in rows]
    if not rows or any(_COLSPAN.search(cell.group(2)) for row in cells for cell in row):
        return [table]
    widths = column_widths_em(table)
    groups = _balanced_groups(widths[1:], layout.width_pt / layout.size_pt - widths[0])
    if len(groups) == 1:
        return [table]
    caption = _CAPTION.search(table)
    parts = []
    for number, group in enumerate(groups):
        part = table
        keep = {0, *(column + 1 for column in group)}
        for row, row_cells in zip(rows, cells, strict=True):
            kept = "".join(cell.group(0) for index, cell in enumerate(row_cells) if index in keep)
            opening = re.match(r"<tr\b[^>]*>", row).group(0)
            part = part.replace(row, f"{opening}{kept}</tr>", 1)
        if caption and number:
            part = part.replace(
                caption.group(0), caption.group(0).replace("</caption>", f" ({escape(continued)})</caption>"), 1
            )
        parts.append(part)
    return parts


def _balanced_groups(widths: list[float], budget: float) -> list[list[int]]:
    """Split columns ``0..n-1`` (in order) into the fewest groups within ``budget``, as even as can be.

    The fewest groups is what filling each group in turn gives; the widest
    group is then made as narrow as possible by searching the smallest
    budget that still needs no more groups.
    """

    def fill(limit: float) -> list[list[int]]:
        groups, current, used = [], [], 0.0
        for column, width in enumerate(widths):
            if current and used + width > limit:
                groups.append(current)
                current, used = [], 0.0
            current.append(column)
            used += width
        return [*groups, current] if current else groups

    fewest = len(fill(budget))
    low, high = max(widths, default=0.0), budget
    for _ in range(40):  # bisection on the budget: even parts, same count
        middle = (low + high) / 2
        low, high = (low, middle) if len(fill(middle)) <= fewest else (middle, high)
    return fill(high)


#: "(continued)" in the page's language, for the caption of a split table's later parts.
CONTINUED = {"sv": "forts.", "en": "continued"}
#: Name of a table without a caption (the label of its scroll box).
TABLE_WORD = {"sv": "Tabell", "en": "Table"}


def fit_tables(html: str, language: str = "en") -> str:
    """Give every table of the page its print layout and a scroll box (see the module docstring)."""
    counter = 0

    def fit(match: re.Match) -> str:
        nonlocal counter
        counter += 1
        table = match.group(0)
        label = caption_text(table) or f"{TABLE_WORD.get(language, 'Table')} {counter}"
        layout = print_layout(table)
        if layout is not None:
            return scroll_box(_add_classes(table, layout.classes), label, layout.classes)
        parts = split_columns(table, continued=CONTINUED.get(language, "continued"))
        classes = LAYOUTS[-1].classes + (("evalkit-split",) if len(parts) > 1 else ())
        return "".join(scroll_box(_add_classes(part, classes), caption_text(part) or label, classes) for part in parts)

    return _TABLE.sub(fit, html)
