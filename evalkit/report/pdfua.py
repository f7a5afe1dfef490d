"""PDF/UA-1 for the PDFs Chromium prints: finish its tagged PDF, and check what a machine can check.

Chromium (``--print-to-pdf``) already writes a tagged PDF: a structure tree
whose headings, lists, tables (header cells with their scope), links and
figures follow the HTML, the document language (``/Lang``), ``/MarkInfo``,
``/DisplayDocTitle`` and tab order on pages with links. What PDF/UA-1
(ISO 14289-1) asks beyond that, :func:`make_accessible` adds with pikepdf:

* XMP metadata with ``dc:title``, ``dc:language``, the dates and the PDF/UA
  identifier ``pdfuaid:part = 1`` (written here, byte for byte the same for
  the same inputs);
* alternate text for every ``Figure``: Chromium tags an HTML ``<figure>``
  as a ``Figure`` without ``/Alt`` around the image's own ``Figure``, which
  has the image's alt text. Such a wrapper becomes a ``Div`` (it groups the
  image and its caption, as ``<figure>`` does); a ``Figure`` still without
  ``/Alt`` gets the page's alt texts in document order;
* a description (``/Contents``) for every link annotation: the link's text
  in the HTML page, found through the link's destination;
* the creation and modification dates of the document (:func:`document_date`),
  in the document information and the XMP, instead of the time of printing.

:func:`problems` lists what breaks the machine-checkable rules of PDF/UA-1
(the tests run it on every printed PDF); ``docs/accessibility.md`` says what
a person still has to check.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

#: Used when neither the study nor ``SOURCE_DATE_EPOCH`` gives a date: 1980-01-01, the usual fixed
#: date of reproducible builds (the earliest date a ZIP file can hold).
FALLBACK_DATE = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
_IMG_ALT = re.compile(r"<img\b[^>]*?\balt=\"([^\"]*)\"", re.S)
_ANCHOR = re.compile(r'<a\b[^>]*\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")
_HIDDEN_IN_PRINT = re.compile(r'class="(?:anchor-link|evalkit-skip|evalkit-to-contents)"')
_HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]+)\"")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_META = re.compile(r"<meta\b[^>]*>")
_CONTENT = re.compile(r'\bcontent="([^"]*)"')


# ---------------------------------------------------------------- the document's date


def document_date(study_dir: Path | None = None, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The date a study's documents carry: from its descriptor, else ``SOURCE_DATE_EPOCH``, else 1980-01-01.

    In the study's ``datapackage.json`` (or its information sheet, for a
    workbook study): ``evalkit:date`` (``YYYY-MM-DD``, or ``YYYY-MM`` for the month's first day), else ``evalkit:year``, else the year of the report it re-runs
    (``evalkit:source_report.year``); a year means 1 January. Without any,
    the environment variable ``SOURCE_DATE_EPOCH`` (seconds since 1970, the
    reproducible-builds convention) is used; without that,
    :data:`FALLBACK_DATE`. Always midnight UTC, so the same study gives the
    same bytes on every machine.
    """
    environ = os.environ if environ is None else environ
    descriptor = {}
    if study_dir is not None:
        try:
            descriptor = json.loads((Path(study_dir) / "datapackage.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            descriptor = {}
    if not isinstance(descriptor, dict):
        descriptor = {}
    if descriptor and study_dir is not None:  # a workbook study keeps its year on its information sheet
        try:
            from evalkit.study.information import apply

            descriptor = apply(Path(study_dir), descriptor, {})[0]
        except Exception:  # noqa: BLE001 - a broken sheet is validate's to report; the date falls back
            pass
    source = descriptor.get("evalkit:source_report")
    for value in (
        descriptor.get("evalkit:date"),
        descriptor.get("evalkit:year"),
        source.get("year") if isinstance(source, dict) else None,
    ):
        parsed = _parse_date(value)
        if parsed is not None:
            return parsed
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return FALLBACK_DATE


def _parse_date(value) -> dt.datetime | None:
    text = str(value).strip() if value is not None else ""
    if re.fullmatch(r"\d{4}", text):
        return dt.datetime(int(text), 1, 1, tzinfo=dt.timezone.utc)
    month = re.fullmatch(r"(\d{4})-(\d{2})", text)  # a month of publication: its first day
    if month and 1 <= int(month.group(2)) <= 12:
        return dt.datetime(int(month.group(1)), int(month.group(2)), 1, tzinfo=dt.timezone.utc)
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def pdf_date(moment: dt.datetime) -> str:
    """``D:YYYYMMDDHHmmSSZ``: a date as the PDF document information writes it."""
    return moment.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%SZ")


def date_meta(moment: dt.datetime) -> str:
    """The ``<meta>`` element that carries the document date in an HTML page (read back by :func:`page_facts`)."""
    return f'<meta name="dcterms.created" content="{moment.date().isoformat()}">'


# ---------------------------------------------------------------- what the HTML page says


@dataclass(frozen=True)
class PageFacts:
    """What the PDF takes from the HTML page it was printed from."""

    title: str
    language: str
    alt_texts: tuple[str, ...]
    link_texts: Mapping[str, str]
    date: dt.datetime | None


def page_facts(page: str) -> PageFacts:
    """Read title, language, image alt texts (document order), link texts (by target) and date of an HTML page."""
    title = _TITLE.search(page)
    language = _HTML_LANG.search(page)
    created = next(
        (
            _CONTENT.search(tag)
            for tag in _META.findall(page)
            if 'name="dcterms.created"' in tag and _CONTENT.search(tag)
        ),
        None,
    )
    links: dict[str, str] = {}
    for href, inner in _ANCHOR.findall(page):
        text = " ".join(html.unescape(_TAG.sub("", inner)).split())
        if text and not _HIDDEN_IN_PRINT.search(inner):
            links.setdefault(html.unescape(href), text)
    return PageFacts(
        title=" ".join(html.unescape(title.group(1)).split()) if title else "",
        language=language.group(1) if language else "",
        alt_texts=tuple(html.unescape(alt) for alt in _IMG_ALT.findall(page)),
        link_texts=links,
        date=_parse_date(created.group(1)) if created else None,
    )


# ---------------------------------------------------------------- the structure tree


def structure_elements(pdf) -> list:
    """Every structure element of ``pdf`` (dictionaries with ``/S``), depth first in document order."""
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return []
    found, stack = [], [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                stack.append(node.K)
    return found


def _contains(element, kind: str) -> bool:
    import pikepdf

    stack = [element.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.S == kind:
                return True
            stack.append(node.get("/K"))
    return False


def fix_figures(pdf, alt_texts: Sequence[str], elements: Sequence | None = None) -> int:
    """Give every ``Figure`` alternate text (see the module docstring); return how many were changed."""
    import pikepdf

    changed, remaining = 0, list(alt_texts)
    elements = structure_elements(pdf) if elements is None else elements
    figures = [element for element in elements if element.S == pikepdf.Name.Figure]
    for figure in figures:
        if "/Alt" not in figure and _contains(figure, "/Figure"):
            figure.S = pikepdf.Name.Div  # an HTML <figure>: groups the image and its caption
            changed += 1
    for figure in (f for f in figures if f.S == "/Figure"):
        alt = remaining.pop(0) if remaining else None
        if "/Alt" not in figure and alt is not None:
            figure.Alt = pikepdf.String(alt)
            changed += 1
    return changed


def describe_links(pdf, link_texts: Mapping[str, str]) -> int:
    """Give each link annotation a ``/Contents`` (its text in the page, by destination); return how many."""
    import pikepdf

    described = 0
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link" or "/Contents" in annotation:
                continue
            target = None
            if "/Dest" in annotation and isinstance(annotation.Dest, (pikepdf.Name, pikepdf.String)):
                target = "#" + str(annotation.Dest).lstrip("/")
            elif "/A" in annotation and "/URI" in annotation.A:
                target = str(annotation.A.URI)
            text = link_texts.get(target) if target else None
            if text:
                annotation.Contents = pikepdf.String(text)
                described += 1
    return described


# ---------------------------------------------------------------- content outside the structure

#: Operators that show text, paint a path, an image or a shading (a path ending in ``n`` paints nothing).
TEXT_SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})
PATH_PAINTING = frozenset({b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})
PATH_CONSTRUCTION = frozenset({b"m", b"l", b"c", b"v", b"y", b"h", b"re"})
OTHER_PAINTING = frozenset({b"Do", b"sh"})
#: Marked-content operators (begin with properties, begin, end), or a literal string (skipped: it may
#: hold any word, e.g. an /ActualText). Whole words only, checked in :func:`_unmarked_regions`.
_MARK = re.compile(rb"\((?:[^()\\]|\\.)*\)|[BE][DM]C", re.S)
#: A token of a content stream: a literal string, a hex string, a name, or an operator (group 1).
_TOKEN = re.compile(rb"""\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>|/[^\s/\[\]<>()%{}]*|([A-Za-z'"][A-Za-z0-9*'"]*)""", re.S)
_KEYWORDS = frozenset({b"true", b"false", b"null"})
_DELIMITERS = frozenset(bytes([c]) for c in b" \t\r\n\f\x00>])")
_AFTER = _DELIMITERS | {b"", b"/", b"<", b"[", b"("}


class UnsupportedContent(ValueError):
    """A content stream this scanner does not read (an inline image): left as it is."""


def _unmarked_regions(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of ``data`` outside any marked-content sequence (between them and around them)."""
    regions, depth, start = [], 0, 0
    for match in _MARK.finditer(data):
        at, word = match.start(), match.group(0)
        if (
            word[:1] == b"("
            or word == b"EDC"
            or (at and data[at - 1 : at] not in _DELIMITERS)
            or data[at + 3 : at + 4] not in _AFTER
        ):
            continue  # part of a longer word or a name, not an operator
        if word == b"EMC":
            depth -= 1
            if depth == 0:
                start = match.end()
        else:
            if depth == 0:
                regions.append((start, match.start()))
            depth += 1
    if depth == 0:
        regions.append((start, len(data)))
    return regions


def unmarked_spans(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of a content stream that paint something outside marked content.

    A span is a run of text-showing operators in one text object, a path from
    its first construction operator to its painting operator, or one XObject
    or shading, each with its operands; wrapping each in a marked-content
    sequence keeps marked content nested properly with text objects and
    paths. Only the parts outside marked content are tokenised (Chromium's
    pages are mostly marked), so a 60-page report takes a fraction of a second.

    Raises
    ------
    UnsupportedContent
        The stream has an inline image outside marked content.
    """
    spans: list[tuple[int, int]] = []
    for region_start, region_end in _unmarked_regions(data):
        operands_start = region_start
        text = path = None  # (start of the run, end of its last operator)
        for match in _TOKEN.finditer(data, region_start, region_end):
            operator = match.group(1)
            if operator is None or operator in _KEYWORDS:
                continue
            begin, end = operands_start, match.end()
            operands_start = end
            if operator == b"BI":
                raise UnsupportedContent("inline image")
            if operator in TEXT_SHOWING:
                text = (text[0] if text else begin, end)
            elif operator == b"ET" and text:
                spans.append(text)
                text = None
            elif operator in PATH_CONSTRUCTION:
                path = path or (begin, end)
            elif operator in PATH_PAINTING and path:
                spans.append((path[0], end))
                path = None
            elif operator == b"n":
                path = None
            elif operator in OTHER_PAINTING:
                spans.append((begin, end))
        if text:  # the text object goes on inside a marked-content sequence
            spans.append(text)
    return spans


def _page_content(pdf, page) -> bytes:
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    import pikepdf

    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return contents.read_bytes()


def mark_untagged_content_as_artifacts(pdf) -> int:
    """Wrap content painted outside the structure tree in ``/Artifact`` sequences; return how many.

    Chromium paints the page background and the ``@page`` margin boxes (the
    running header and "page n of N") without marking them; PDF/UA wants
    every piece of content either tagged or an artifact, and a running header
    is an artifact (a reader's software skips it, as it should). A page with
    an inline image outside marked content is left as it is (Chromium draws
    images as XObjects); :func:`problems` would report it.
    """
    wrapped = 0
    for page in pdf.pages:
        data = _page_content(pdf, page)
        try:
            spans = unmarked_spans(data)
        except UnsupportedContent:
            continue
        if not spans:
            continue
        pieces, position = [], 0
        for start, end in spans:
            pieces += [data[position:start], b"\n/Artifact BMC\n", data[start:end], b"\nEMC\n"]
            position = end
        pieces.append(data[position:])
        page.obj.Contents = pdf.make_stream(b"".join(pieces))
        wrapped += len(spans)
    return wrapped


# ---------------------------------------------------------------- metadata


def xmp_packet(title: str, language: str, moment: dt.datetime, producer: str, creator_tool: str) -> bytes:
    """The XMP metadata (Dublin Core title and language, dates, producer, PDF/UA-1 identifier) as bytes."""
    stamp = moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
   <xmp:CreatorTool>{escape(creator_tool)}</xmp:CreatorTool>
   <pdf:Producer>{escape(producer)}</pdf:Producer>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return text.encode("utf-8")


def make_accessible(pdf, facts: PageFacts, moment: dt.datetime, elements: Sequence | None = None) -> None:
    """Add to Chromium's tagged ``pdf`` (pikepdf, changed in place) what PDF/UA-1 needs (module docstring).

    ``elements`` is :func:`structure_elements` of ``pdf`` when the caller has it already.
    """
    import pikepdf

    title = facts.title or str(pdf.docinfo.get("/Title", ""))
    language = facts.language or str(pdf.Root.get("/Lang", ""))
    if title:
        pdf.docinfo["/Title"] = pikepdf.String(title)
    if language:
        pdf.Root.Lang = pikepdf.String(language)
    stamp = pdf_date(moment)
    pdf.docinfo["/CreationDate"] = stamp
    pdf.docinfo["/ModDate"] = stamp
    preferences = pdf.Root.get("/ViewerPreferences")
    if not isinstance(preferences, pikepdf.Dictionary):
        preferences = pdf.Root.ViewerPreferences = pikepdf.Dictionary()
    preferences.DisplayDocTitle = True
    mark = pdf.Root.get("/MarkInfo")
    if not isinstance(mark, pikepdf.Dictionary):
        mark = pdf.Root.MarkInfo = pikepdf.Dictionary()
    mark.Marked = True
    fix_figures(pdf, facts.alt_texts, elements)
    describe_links(pdf, facts.link_texts)
    mark_untagged_content_as_artifacts(pdf)
    producer = str(pdf.docinfo.get("/Producer", "Chromium"))
    creator = str(pdf.docinfo.get("/Creator", "Chromium"))
    metadata = pdf.make_stream(xmp_packet(title, language, moment, producer, creator))
    metadata.Type = pikepdf.Name.Metadata
    metadata.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = metadata


# ---------------------------------------------------------------- checking


def _content_outside_marks(pdf, page) -> int:
    """How many pieces of content of ``page`` are painted outside marked content (tagged or artifact)."""
    try:
        return len(unmarked_spans(_page_content(pdf, page)))
    except UnsupportedContent:
        return 1


def problems(pdf) -> list[str]:
    """What breaks the machine-checkable rules of PDF/UA-1 in ``pdf`` (pikepdf); empty when none do.

    Checked: tagged (``/MarkInfo /Marked``, a structure tree), document
    language, XMP metadata with ``dc:title`` and ``pdfuaid:part`` 1, the
    title shown as window title, every ``Figure`` with alternate text,
    headings present and not skipping a level, every table with header
    cells, every link annotation tagged and described and its page in
    structure tab order, fonts embedded, and no text or image outside
    marked content (tagged or marked as artifact).
    """
    import pikepdf

    found = []
    mark = pdf.Root.get("/MarkInfo")
    if not (isinstance(mark, pikepdf.Dictionary) and bool(mark.get("/Marked", False))):
        found.append("not marked as tagged (/MarkInfo /Marked true)")
    if isinstance(mark, pikepdf.Dictionary) and bool(mark.get("/Suspects", False)):
        found.append("/MarkInfo /Suspects is true")
    if "/StructTreeRoot" not in pdf.Root:
        found.append("no structure tree")
    if not str(pdf.Root.get("/Lang", "")).strip():
        found.append("no document language (/Lang)")
    preferences = pdf.Root.get("/ViewerPreferences", {})
    if not bool(preferences.get("/DisplayDocTitle", False)):
        found.append("the title is not shown as window title (/DisplayDocTitle)")
    if "/Metadata" not in pdf.Root:
        found.append("no XMP metadata")
    else:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8", "replace")
        if not re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp):
            found.append("XMP metadata without the PDF/UA identifier (pdfuaid:part 1)")
        if not re.search(r"<dc:title>.*?<rdf:li[^>]*>[^<]+</rdf:li>", xmp, re.S):
            found.append("XMP metadata without dc:title")
    elements = structure_elements(pdf)
    kinds = [str(element.S) for element in elements]
    for element in elements:
        if element.S == "/Figure" and not str(element.get("/Alt", "")).strip() and "/ActualText" not in element:
            found.append("a Figure without alternate text")
    levels = [int(kind[2]) for kind in kinds if re.fullmatch(r"/H[1-6]", kind)]
    if not levels:
        found.append("no headings tagged")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            found.append(f"heading level skipped: H{before} then H{after}")
    tables = [element for element in elements if element.S == "/Table"]
    for table in tables:
        if not _contains(table, "/TH"):
            found.append("a table without header cells (TH)")
    link_elements = sum(1 for kind in kinds if kind == "/Link")
    annotations = 0
    for number, page in enumerate(pdf.pages, start=1):
        links = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        annotations += len(links)
        if links and page.obj.get("/Tabs") != "/S":
            found.append(f"page {number} has links but no structure tab order (/Tabs /S)")
        for link in links:
            if "/StructParent" not in link:
                found.append(f"page {number}: a link annotation that is not tagged")
            if not str(link.get("/Contents", "")).strip():
                found.append(f"page {number}: a link without a description (/Contents)")
        untagged = _content_outside_marks(pdf, page)
        if untagged:
            found.append(f"page {number}: {untagged} pieces of text, paths or images outside marked content")
    if annotations and not link_elements:
        found.append("link annotations but no Link structure elements")
    for font in _fonts(pdf):
        descriptor = font.get("/FontDescriptor")
        if descriptor is not None and not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            found.append(f"font {font.get('/BaseFont')} not embedded")
    return found


def _fonts(pdf):
    import pikepdf

    seen = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            key = font.objgen
            if key in seen:
                continue
            seen.add(key)
            descendants = font.get("/DescendantFonts")
            if isinstance(descendants, pikepdf.Array):
                yield from descendants
            else:
                yield font
