"""The parts of an .xlsx workbook that evalkit reads or edits without openpyxl.

An .xlsx file is a zip archive of XML parts. Two things evalkit does with a
workbook need the parts themselves rather than openpyxl's object model:

* counting a sheet's rows and cells before anything is loaded
  (:mod:`evalkit.study.limits`), and
* adding rows to a sheet without rewriting the rest of the workbook
  (:mod:`evalkit.study.xlsxedit`): openpyxl drops the saved values of formulas
  and parts it does not understand when it saves.

This module finds a sheet's part by its name (``xl/workbook.xml`` and its
relationships) and parses XML with lxml under the same rules as the rest of
evalkit: no document type declarations, no entities, no network.
"""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


class UnreadablePart(ValueError):
    """A part of the workbook cannot be read safely; the message names it."""


def parser() -> etree.XMLParser:
    """An XML parser that resolves no entity, loads no DTD and never uses the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def parse(data: bytes, part: str) -> etree._Element:
    """Parse one part; a document type declaration or malformed XML is refused."""
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:
        raise UnreadablePart(f"{part} is not well-formed XML ({error}).") from None
    if root.getroottree().docinfo.doctype:
        raise UnreadablePart(f"{part} declares a document type; evalkit does not read such XML.")
    return root


def serialise(root: etree._Element) -> bytes:
    """A part as bytes, with the XML declaration Excel writes."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def tag(name: str) -> str:
    return f"{{{MAIN}}}{name}"


def local(element) -> str:
    """An element's name without its namespace."""
    name = element.tag
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the archive member holding its XML, in the workbook's order.

    Raises
    ------
    UnreadablePart
        If the workbook part or its relationships cannot be read.
    """
    names = set(archive.namelist())
    if WORKBOOK_PART not in names or WORKBOOK_RELS not in names:
        raise UnreadablePart(f"the workbook has no {WORKBOOK_PART} or {WORKBOOK_RELS}.")
    book = parse(archive.read(WORKBOOK_PART), WORKBOOK_PART)
    rels = parse(archive.read(WORKBOOK_RELS), WORKBOOK_RELS)
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = member
    parts = {}
    for sheet in book.iter(tag("sheet")):
        member = targets.get(sheet.get(f"{{{RELATIONSHIPS}}}id"))
        if member in names:
            parts[sheet.get("name")] = member
    return parts
