"""Adding rows to a workbook's sheets at the XML level, changing nothing else.

Loading a workbook with openpyxl and saving it again rewrites every part of
it: the saved values of all formulas are dropped (so a sheet that was valid
is not any more), and parts openpyxl does not model are lost. The imports
(``evalkit survey import``, ``qda import``, ``qda confirm``) therefore edit
the workbook the way a careful person would, part by part
(``docs/decisions.md`` says why):

* only the edited sheets' XML, and ``xl/styles.xml`` when a text cell needs
  Excel's quote prefix, are changed; every other part of the archive is
  copied byte for byte (other sheets with their formulas and saved values,
  comments, drop-down lists, drawings, the shared strings);
* in an edited sheet, the rows already there keep their cells, styles and
  formulas; new rows go below the last row that holds a value, into rows the
  user may have formatted in advance (their cell styles are kept, and a new
  cell takes its column's style);
* a number is written as a number, a text as an inline string, so a text is
  never a formula: a text that begins like one (``=``, ``+``, ``-``, ``@``,
  tab, carriage return) also gets Excel's quote prefix, so that editing the
  cell in Excel keeps it a text;
* a new column gets its header cell in row 1 (styled like the header cell
  before it); a table the workbook lacks becomes a new sheet at the end;
* rows an import replaces (its own earlier coded segments) are removed and
  the rows below move up.

The result is the new workbook as bytes; :mod:`evalkit.study.writeset`
writes it in one step.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from evalkit.safeio import needs_neutralising
from evalkit.study import xlsxparts as parts
from evalkit.study.workbook import column_letter

CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
STYLES_PART = "xl/styles.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"


class EditError(ValueError):
    """The workbook cannot be edited safely; the message says why."""


@dataclass
class SheetEdit:
    """What to do to one sheet.

    Attributes
    ----------
    sheet : str
        The sheet's name (a new sheet is added when the workbook lacks it).
    header : list of str
        The header after the edit: the sheet's columns, then any new ones.
    rows : list of list
        New rows in ``header`` order: ``int``/``float`` are written as numbers,
        ``str`` as text, ``None`` or ``""`` as an empty cell.
    remove : set of int
        Sheet rows (as Excel numbers them) to delete before adding.
    """

    sheet: str
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    remove: set[int] = field(default_factory=set)


def column_index(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def split_ref(ref: str) -> tuple[int, int]:
    """``B12`` -> (row 12, column 2)."""
    match = CELL_REF.match(ref or "")
    if not match:
        raise EditError(f"a cell reference {ref!r} cannot be read.")
    return int(match.group(2)), column_index(match.group(1))


def has_value(cell) -> bool:
    """Whether a ``<c>`` element holds a value or a formula (not just a style)."""
    for child in cell:
        name = parts.local(child)
        if name == "f" or (name == "v" and (child.text or "") != ""):
            return True
        if name == "is" and "".join(child.itertext()) != "":
            return True
    return False


class Styles:
    """``xl/styles.xml``, for the quote-prefix variants of cell styles."""

    def __init__(self, data: bytes | None):
        self.root = parts.parse(data, STYLES_PART) if data is not None else None
        self.changed = False
        self.quoted: dict[int, int] = {}

    def quote_prefixed(self, style: int) -> int | None:
        """The index of a style like ``style`` with ``quotePrefix="1"`` (added when missing)."""
        if self.root is None:
            return None
        if style in self.quoted:
            return self.quoted[style]
        cell_xfs = self.root.find(parts.tag("cellXfs"))
        if cell_xfs is None:
            return None
        xfs = list(cell_xfs.iter(parts.tag("xf")))
        if style >= len(xfs):
            style = 0
        if not xfs:
            return None
        base = xfs[style]
        if base.get("quotePrefix") in ("1", "true"):
            self.quoted[style] = style
            return style
        copy = etree.fromstring(etree.tostring(base))
        copy.set("quotePrefix", "1")
        cell_xfs.append(copy)
        cell_xfs.set("count", str(len(xfs) + 1))
        self.changed = True
        self.quoted[style] = len(xfs)
        return len(xfs)


class SheetXml:
    """One sheet's XML with its rows by number."""

    def __init__(self, data: bytes, member: str):
        self.member = member
        self.root = parts.parse(data, member)
        self.data = self.root.find(parts.tag("sheetData"))
        if self.data is None:
            raise EditError(f"{member} has no sheetData element.")
        self.rows = {}
        self.number_rows()
        self.column_styles = {}
        cols = self.root.find(parts.tag("cols"))
        for col in cols.iter(parts.tag("col")) if cols is not None else ():
            if col.get("style"):
                for position in range(int(col.get("min", "1")), int(col.get("max", col.get("min", "1"))) + 1):
                    self.column_styles[position] = int(col.get("style"))

    def number_rows(self) -> None:
        """Index the rows by number; rows and cells without an ``r`` attribute (allowed, rare) get theirs."""
        number = 0
        for row in self.data.findall(parts.tag("row")):
            number = int(row.get("r")) if row.get("r") else number + 1
            if not row.get("r"):
                row.set("r", str(number))
            position = 0
            for cell in row.findall(parts.tag("c")):
                position = split_ref(cell.get("r"))[1] if cell.get("r") else position + 1
                if not cell.get("r"):
                    cell.set("r", f"{column_letter(position - 1)}{number}")
            self.rows[number] = row

    def last_filled_row(self) -> int:
        """The last row with a value in any cell (1 when only the header, 0 when empty)."""
        filled = [number for number, row in self.rows.items() if any(has_value(c) for c in row.iter(parts.tag("c")))]
        return max(filled, default=0)

    def remove_rows(self, numbers: set[int]) -> None:
        """Delete rows and move the rows below them up."""
        if not numbers:
            return
        ordered = sorted(self.rows)
        for number in numbers:
            if number in self.rows:
                self.data.remove(self.rows[number])
        renumbered = {}
        for number in ordered:
            if number in numbers:
                continue
            shift = sum(1 for removed in numbers if removed < number)
            row = self.rows[number]
            if shift:
                new = number - shift
                row.set("r", str(new))
                for cell in row.iter(parts.tag("c")):
                    if cell.get("r"):
                        _, position = split_ref(cell.get("r"))
                        cell.set("r", f"{column_letter(position - 1)}{new}")
                renumbered[new] = row
            else:
                renumbered[number] = row
        self.rows = renumbered

    def row(self, number: int):
        """The ``<row>`` element for a row number, created in order when missing."""
        if number in self.rows:
            return self.rows[number]
        element = etree.Element(parts.tag("row"), r=str(number))
        later = [n for n in self.rows if n > number]
        if later:
            self.rows[min(later)].addprevious(element)
        else:
            self.data.append(element)
        self.rows[number] = element
        return element

    def cell(self, number: int, position: int):
        """The ``<c>`` element at a row and 1-based column, created in order when missing."""
        row = self.row(number)
        ref = f"{column_letter(position - 1)}{number}"
        after = None
        for cell in row.findall(parts.tag("c")):
            _, at = split_ref(cell.get("r"))
            if at == position:
                return cell
            if at > position:
                after = cell
                break
        element = etree.Element(parts.tag("c"), r=ref)
        if position in self.column_styles:
            element.set("s", str(self.column_styles[position]))
        if after is not None:
            after.addprevious(element)
        else:
            row.append(element)
        return element

    def update_dimension(self) -> None:
        """Set ``<dimension ref>`` to the cells now in the sheet."""
        last_row = max(self.rows, default=1)
        last_column = 1
        for row in self.rows.values():
            for cell in row.findall(parts.tag("c")):
                last_column = max(last_column, split_ref(cell.get("r"))[1])
        dimension = self.root.find(parts.tag("dimension"))
        if dimension is not None:
            dimension.set("ref", f"A1:{column_letter(last_column - 1)}{last_row}")

    def bytes(self) -> bytes:
        return parts.serialise(self.root)


def write_cell(cell, value: object, styles: Styles) -> None:
    """Put ``value`` into a ``<c>`` element: a number, or an inline string (never a formula)."""
    for child in list(cell):
        cell.remove(child)
    for attribute in ("t", "cm", "vm"):
        cell.attrib.pop(attribute, None)
    if value is None or value == "":
        return
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        etree.SubElement(cell, parts.tag("v")).text = repr(value) if isinstance(value, float) else str(value)
        return
    text = str(value)
    cell.set("t", "inlineStr")
    holder = etree.SubElement(etree.SubElement(cell, parts.tag("is")), parts.tag("t"))
    try:
        holder.text = text
    except ValueError:
        raise EditError("a cell holds a character that an Excel workbook cannot store (a control character).") from None
    if text != text.strip() or "\n" in text:
        holder.set(XML_SPACE, "preserve")
    if needs_neutralising(text):
        quoted = styles.quote_prefixed(int(cell.get("s", "0")))
        if quoted is not None:
            cell.set("s", str(quoted))


def apply_edit(sheet: SheetXml, edit: SheetEdit, styles: Styles) -> None:
    """Remove rows, add header cells for new columns, then add the new rows below the last filled row."""
    sheet.remove_rows(edit.remove)
    header_row = sheet.rows.get(1)
    existing = {}
    if header_row is not None:
        for cell in header_row.findall(parts.tag("c")):
            existing[split_ref(cell.get("r"))[1]] = cell
    previous_style = None
    for position, name in enumerate(edit.header, start=1):
        if position in existing and has_value(existing[position]):
            previous_style = existing[position].get("s")
            continue
        cell = sheet.cell(1, position)
        if previous_style is not None and cell.get("s") is None:
            cell.set("s", previous_style)
        write_cell(cell, name, styles)
    start = max(sheet.last_filled_row(), 1) + 1
    for offset, values in enumerate(edit.rows):
        for position, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            write_cell(sheet.cell(start + offset, position), value, styles)
    sheet.update_dimension()


def new_sheet_xml(edit: SheetEdit) -> bytes:
    """A sheet for a table the workbook lacks: a frozen header row and the rows."""
    root = etree.Element(parts.tag("worksheet"), nsmap={None: parts.MAIN, "r": parts.RELATIONSHIPS})
    etree.SubElement(root, parts.tag("dimension"), ref="A1")
    views = etree.SubElement(root, parts.tag("sheetViews"))
    view = etree.SubElement(views, parts.tag("sheetView"), workbookViewId="0")
    etree.SubElement(view, parts.tag("pane"), ySplit="1", topLeftCell="A2", activePane="bottomLeft", state="frozen")
    etree.SubElement(root, parts.tag("sheetData"))
    return parts.serialise(root)


def add_sheet_parts(members: dict[str, bytes], name: str) -> str:
    """Register a new sheet in the workbook, its relationships and the content types; return its member name."""
    taken = set(members)
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in taken:
        number += 1
    member = f"xl/worksheets/sheet{number}.xml"
    book = parts.parse(members[parts.WORKBOOK_PART], parts.WORKBOOK_PART)
    rels = parts.parse(members[parts.WORKBOOK_RELS], parts.WORKBOOK_RELS)
    ids = {rel.get("Id") for rel in rels}
    rel_number = 1
    while f"rId{rel_number}" in ids:
        rel_number += 1
    rel_id = f"rId{rel_number}"
    etree.SubElement(
        rels,
        f"{{{parts.PACKAGE_RELATIONSHIPS}}}Relationship",
        Id=rel_id,
        Type=parts.WORKSHEET_RELATION,
        Target=f"worksheets/sheet{number}.xml",
    )
    sheets = book.find(parts.tag("sheets"))
    sheet_ids = [int(s.get("sheetId", "0")) for s in sheets.iter(parts.tag("sheet"))]
    element = etree.SubElement(sheets, parts.tag("sheet"), name=name, sheetId=str(max(sheet_ids, default=0) + 1))
    element.set(f"{{{parts.RELATIONSHIPS}}}id", rel_id)
    types = parts.parse(members[CONTENT_TYPES_PART], CONTENT_TYPES_PART)
    etree.SubElement(
        types, f"{{{parts.CONTENT_TYPES}}}Override", PartName=f"/{member}", ContentType=parts.WORKSHEET_TYPE
    )
    members[parts.WORKBOOK_PART] = parts.serialise(book)
    members[parts.WORKBOOK_RELS] = parts.serialise(rels)
    members[CONTENT_TYPES_PART] = parts.serialise(types)
    return member


def edited_workbook(path: Path, edits: list[SheetEdit]) -> bytes:
    """The workbook at ``path`` with ``edits`` applied, as the bytes of a new .xlsx file.

    Raises
    ------
    EditError
        If the workbook cannot be read or edited safely.
    """
    from evalkit.safezip import UnsafeArchiveError, open_zip, read_member
    from evalkit.study.workbook import WORKBOOK_LIMITS

    try:
        with open_zip(Path(path), WORKBOOK_LIMITS, "an Excel workbook (.xlsx)") as archive:
            infos = archive.infolist()
            members = {info.filename: read_member(archive, info.filename, WORKBOOK_LIMITS) for info in infos}
            sheet_members = parts.sheet_parts(archive)
    except (UnsafeArchiveError, parts.UnreadablePart) as error:
        raise EditError(f"{Path(path).name}: {error}") from None
    styles = Styles(members.get(STYLES_PART))
    order = [info.filename for info in infos]
    for edit in edits:
        member = sheet_members.get(edit.sheet)
        if member is None:
            member = add_sheet_parts(members, edit.sheet)
            members[member] = new_sheet_xml(edit)
            sheet_members[edit.sheet] = member
            order.append(member)
        try:
            sheet = SheetXml(members[member], member)
        except parts.UnreadablePart as error:
            raise EditError(str(error)) from None
        apply_edit(sheet, edit, styles)
        members[member] = sheet.bytes()
    if styles.changed:
        members[STYLES_PART] = parts.serialise(styles.root)
    output = io.BytesIO()
    dates = {info.filename: info.date_time for info in infos}
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            entry = zipfile.ZipInfo(name, date_time=dates.get(name, (1980, 1, 1, 0, 0, 0)))
            target.writestr(entry, members[name], compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()
