"""The publication as a Word document (``publication.docx``), from the same document model as the HTML and PDF.

Made with python-docx (decision 64 in ``docs/decisions.md``): Word's own
styles (Title, Subtitle, Heading 1–3, Caption, List Bullet, List Number,
Quote), real Word tables whose header row repeats on every page
(``w:tblHeader``), figures as PNG pictures with their alt text
(``wp:docPr descr``) and a numbered caption, the title page, the document
language (``w:lang`` on the default run properties and on every
other-language run) and the core properties (title, language, dates).

A table gets fixed column widths, each at least as wide as the column's
longest word, so Word never breaks a word inside a cell: it is set in the
first of portrait, portrait smaller, a landscape section and landscape
smaller in which its words fit, and a table too wide for all of them is
split into parts of whole columns, each repeating the first column – the
same rule as the print (:mod:`evalkit.report.fit`, decision 61), measured
against the template's own page (:func:`table_layout`).

Numbers are the model's (:func:`evalkit.publication.document.number`):
headings, captions, cross-references and notes read as in the HTML and PDF.
The source notes are *endnotes as a numbered list* under the model's notes
heading, each note once, with superscript numbers in the text that link to
it: Word's own footnotes would give every reference a note of its own and
renumber them, while the model names each source once and refers to it by
one number from many places.

A county's own template (``template``: a .docx or .dotx made in Word with its
graphic profile) supplies the styles, page set-up, headers and footers: its
body is emptied and the publication written into it with the style names
above, so whatever those styles look like in the template is what the
document looks like.

The file is byte-identical between runs: every date is the document's date
(:func:`evalkit.report.pdfua.document_date`) and the ZIP entries carry that
date and a fixed order.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from evalkit.publication.document import (
    Box,
    BulletList,
    CrossRef,
    Document,
    Emphasis,
    Figure,
    Foreign,
    NoteRef,
    Paragraph,
    Quote,
    Section,
    Strong,
    Superscript,
    Table,
    caption_text,
    content_text,
    heading_text,
    is_note_list,
)

DOCX_NAME = "publication.docx"
#: Word's language tags for the editions' languages.
WORD_LANGUAGE = {"sv": "sv-SE", "en": "en-GB"}
#: Text width of an A4 page with 25 mm margins (the default page set-up without a template), in mm.
TEXT_WIDTH_MM = 160
#: Styles the document uses that a template may lack: name -> (type, base style, font size in pt).
EXTRA_STYLES = {"Table Text": ("paragraph", "Normal", 9), "Table Note": ("paragraph", "Normal", 8.5)}
NOTE_BOOKMARK = "note_{}"
#: Table font sizes (pt): "Table Text" and the smaller size of a wide table.
TABLE_PT, SMALL_TABLE_PT = 9.0, 8.0
#: Left plus right cell margin of a Word table (pt): 0.19 cm a side, Word's default.
CELL_MARGINS_PT = 2 * 5.4
#: Share of the text width a table may fill.
TABLE_SAFETY = 0.98
#: Words are measured in DejaVu Sans; a column gets this much more, for a template's or a substitute font
#: that is wider (DejaVu Serif, LibreOffice's stand-in for Word's Cambria, is 4 % wider in bold).
WORD_SLACK = 1.12
#: "(continued)" after the caption of a split table's later parts.
CONTINUED = {"sv": "forts.", "en": "continued"}
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


class TemplateError(ValueError):
    """The Word template cannot be used (not a .docx/.dotx, or unreadable)."""


# --------------------------------------------------------------------------- the template


def _open(template: Path | None):
    """A python-docx document: the county's template with its body emptied, or python-docx's default on A4."""
    import docx
    from docx.shared import Mm

    if template is None:
        document = docx.Document()
        section = document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(25))
        return document
    template = Path(template)
    if not template.is_file():
        raise TemplateError(f"Word template {template} not found: give the path of a .docx or .dotx file")
    try:
        with tempfile.TemporaryDirectory(prefix="evalkit-docx-") as folder:
            copy = Path(folder) / "template.docx"
            _as_document(template, copy)
            document = docx.Document(str(copy))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise TemplateError(
            f"{template} is not a Word document or template (.docx/.dotx) that can be read: {error}"
        ) from error
    body = document.element.body
    for child in list(body):
        if child.tag.endswith("}sectPr"):
            continue  # the template's page set-up, headers and footers stay
        body.remove(child)
    return document


def _as_document(template: Path, target: Path) -> None:
    """Copy a .dotx as a .docx (only its content type differs); a .docx is copied as it is."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE)
            out.writestr(item, data)


def _ensure_styles(document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    names = {style.name for style in document.styles}
    for name, (_kind, base, size) in EXTRA_STYLES.items():
        if name in names:
            continue
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[base]
        style.font.size = Pt(size)
        style.paragraph_format.space_after = Pt(0)
    for name in ("Caption", "Quote", "List Bullet", "List Number", "Title", "Subtitle"):
        if name not in names:  # a template without Word's built-in style: make a plain one
            document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Normal"]


def _set_language(document, language: str) -> None:
    """``w:lang`` on the document's default run properties (and the core properties' language)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), WORD_LANGUAGE.get(language, language))
    document.core_properties.language = WORD_LANGUAGE.get(language, language)


class Writer:
    """A python-docx document being written, with its style ids looked up once.

    python-docx looks a style up by name on every assignment, which is slow
    for thousands of table cells; :meth:`paragraph` writes the id into
    ``w:pStyle`` directly.
    """

    def __init__(self, document):
        self.document = document
        self._ids: dict[str, str] = {}
        self.landscape = False
        self.keep = False  # True while a landscape table is written: its paragraphs stay in its section

    def style_id(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = self.document.styles[name].style_id
        return self._ids[name]

    def paragraph(self, style: str | None = None, text: str | None = None, container=None):
        if container is None and self.landscape and not self.keep:
            self.orient(False)
        paragraph = (container or self.document).add_paragraph()
        if style:
            self.set_style(paragraph, style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def set_style(self, paragraph, style: str) -> None:
        paragraph._p.style = self.style_id(style)

    def orient(self, landscape: bool) -> None:
        """Start a new section on a new page, turned to ``landscape`` (or back), unless it already is.

        The new section keeps the template's margins, headers and footers
        (python-docx links them to the previous section's).
        """
        from docx.enum.section import WD_ORIENT, WD_SECTION

        if landscape == self.landscape:
            return
        previous = self.document.sections[-1]
        width, height = previous.page_width, previous.page_height
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = height, width
        self.landscape = landscape

    def text_width_pt(self, landscape: bool) -> float:
        """The text width (pt) of the document's page, portrait or turned to landscape."""
        section = self.document.sections[-1]
        short, long = sorted((section.page_width, section.page_height))
        if self.landscape:  # margins keep their sides when the page turns
            short, long = long, short
        page = long if landscape else short
        return (page - section.left_margin - section.right_margin) / 12700


# --------------------------------------------------------------------------- running text


def _run_language(run, language: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = run._r.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), WORD_LANGUAGE.get(language, language))
    properties.append(lang)


def _note_link(paragraph, number: int, superscript: bool = True) -> None:
    """The note's number, linked to its entry in the notes list."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), NOTE_BOOKMARK.format(number))
    run = OxmlElement("w:r")
    if superscript:
        properties = OxmlElement("w:rPr")
        align = OxmlElement("w:vertAlign")
        align.set(qn("w:val"), "superscript")
        properties.append(align)
        run.append(properties)
    text = OxmlElement("w:t")
    text.text = str(number)
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def add_content(paragraph, content, in_cell: bool = False) -> None:
    """Write running text (a tuple of inlines, or a plain string) into a python-docx paragraph."""
    if isinstance(content, str):
        paragraph.add_run(content)
        return
    previous_note = False
    for inline in content:
        if isinstance(inline, NoteRef):
            if previous_note:
                run = paragraph.add_run(",")
                run.font.superscript = not in_cell
            _note_link(paragraph, inline.number, superscript=not in_cell)
            previous_note = True
            continue
        previous_note = False
        if isinstance(inline, str):
            paragraph.add_run(inline)
        elif isinstance(inline, Emphasis):
            paragraph.add_run(inline.text).italic = True
        elif isinstance(inline, Strong):
            paragraph.add_run(inline.text).bold = True
        elif isinstance(inline, Superscript):
            paragraph.add_run(inline.text).font.superscript = True
        elif isinstance(inline, Foreign):
            _run_language(paragraph.add_run(inline.text), inline.language)
        elif isinstance(inline, CrossRef):
            paragraph.add_run(inline.text or "")
        else:
            raise TypeError(f"not an inline: {inline!r}")


# --------------------------------------------------------------------------- blocks


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


@dataclass(frozen=True)
class TableLayout:
    """How a table is set: its font size, whether on a landscape page, its column widths (pt)."""

    size_pt: float
    landscape: bool
    widths: tuple[float, ...]


def _cell_words(text: str, whole: bool) -> list[str]:
    from evalkit.report.fit import cell_words

    words = cell_words(text)
    return [" ".join(words)] if whole and words else words


def column_widths_em(table: Table) -> tuple[list[float], list[float]]:
    """Per column: the narrowest width without breaking a word, and the width of its longest cell (em, with margins).

    A number cell does not wrap (its whole text counts); the header is bold.
    Measured in DejaVu Sans (:func:`evalkit.report.fit.text_width_em`), wider than
    Word's usual fonts, so a column of this width holds its words in any of them.
    """
    from evalkit.report.fit import text_width_em

    narrowest, natural = [], []
    for position, (header, numeric) in enumerate(zip(table.header, table.numeric, strict=True)):
        texts = [(header, True)] + [(_cell_text(row[position]), False) for row in table.rows]
        words = [text_width_em(word, bold) for text, bold in texts for word in _cell_words(text, numeric and not bold)]
        whole = [text_width_em(" ".join(text.split()), bold) for text, bold in texts]
        narrowest.append(max(words, default=0.0))
        natural.append(max(whole, default=0.0))
    return narrowest, natural


def _cell_text(cell) -> str:
    if not isinstance(cell, str) and is_note_list(cell):
        return ", ".join(str(inline.number) for inline in cell if isinstance(inline, NoteRef))
    return content_text(cell)


def table_layout(table: Table, portrait_pt: float, landscape_pt: float) -> TableLayout | None:
    """The first of portrait, portrait smaller, landscape, landscape smaller in which no word of ``table`` breaks.

    The column widths give each column its narrowest width and share the rest
    of the line by how much more each column's longest cell needs; a table
    that fits whole keeps its natural widths. None when it fits none (split it).
    """
    narrowest, natural = column_widths_em(table)
    for landscape, size in ((False, TABLE_PT), (False, SMALL_TABLE_PT), (True, TABLE_PT), (True, SMALL_TABLE_PT)):
        available = (landscape_pt if landscape else portrait_pt) * TABLE_SAFETY
        least = [width * size * WORD_SLACK + CELL_MARGINS_PT for width in narrowest]
        if sum(least) > available:
            continue
        full = [width * size * WORD_SLACK + CELL_MARGINS_PT for width in natural]
        if sum(full) <= available:
            return TableLayout(size, landscape, tuple(full))
        extra = available - sum(least)
        wants = [f - m for f, m in zip(full, least, strict=True)]
        total = sum(wants) or 1.0
        return TableLayout(size, landscape, tuple(m + extra * w / total for m, w in zip(least, wants, strict=True)))
    return None


def split_table(table: Table, landscape_pt: float, language: str) -> list[Table]:
    """Parts of whole columns, each repeating the first, that fit a landscape page at the smaller size.

    The rule of the print (:func:`evalkit.report.fit.split_columns`): the fewest
    parts, as even as can be; later parts' captions say "(continued)" and the
    notes follow the last part.
    """
    from evalkit.report.fit import _balanced_groups

    narrowest, _ = column_widths_em(table)
    widths = [width * WORD_SLACK + CELL_MARGINS_PT / SMALL_TABLE_PT for width in narrowest]  # em, smaller size
    budget = landscape_pt * TABLE_SAFETY / SMALL_TABLE_PT - widths[0]
    groups = _balanced_groups(widths[1:], max(budget, max(widths[1:], default=0.0)))
    if len(groups) <= 1:
        return [table]
    parts = []
    for number, group in enumerate(groups):
        keep = [0, *(column + 1 for column in group)]
        parts.append(
            replace(
                table,
                caption=table.caption if number == 0 else f"{table.caption} ({CONTINUED.get(language, 'continued')})",
                header=tuple(table.header[i] for i in keep),
                rows=tuple(tuple(row[i] for i in keep) for row in table.rows),
                numeric=tuple(table.numeric[i] for i in keep),
                notes=table.notes if number == len(groups) - 1 else (),
            )
        )
    return parts


def _keep_together(row) -> None:
    """A body row is not split across pages (``w:cantSplit``)."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _caption(writer: Writer, text: str) -> None:
    paragraph = writer.paragraph("Caption")
    label, dot, rest = text.partition(". ")
    if dot:
        paragraph.add_run(label + ".").bold = True
        paragraph.add_run(" " + rest)
    else:
        paragraph.add_run(text)
    paragraph.paragraph_format.keep_with_next = True


def add_table(writer: Writer, table: Table, language: str) -> None:
    """A numbered caption, then a Word table whose header row repeats, then the table's notes.

    Set by :func:`table_layout` (on a landscape page if need be) or split by
    :func:`split_table` when even a landscape page is too narrow.
    """
    portrait, landscape = writer.text_width_pt(False), writer.text_width_pt(True)
    layout = table_layout(table, portrait, landscape)
    if layout is None:
        for part in split_table(table, landscape, language):
            _write_table(writer, part, language, table_layout(part, portrait, landscape) or _squeezed(part, landscape))
        return
    _write_table(writer, table, language, layout)


def _squeezed(table: Table, landscape_pt: float) -> TableLayout:
    """A table no page holds unbroken (one enormous word): landscape, smaller, its columns shared by need."""
    narrowest, _ = column_widths_em(table)
    total = sum(narrowest) or 1.0
    return TableLayout(SMALL_TABLE_PT, True, tuple(landscape_pt * TABLE_SAFETY * w / total for w in narrowest))


def _write_table(writer: Writer, table: Table, language: str, layout: TableLayout) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = writer.document
    writer.orient(layout.landscape)
    writer.keep = layout.landscape
    _caption(writer, caption_text(table, language))
    word_table = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    if "Table Grid" in {style.name for style in document.styles}:
        word_table.style = document.styles["Table Grid"]
    word_table.alignment = WD_TABLE_ALIGNMENT.LEFT
    word_table.autofit = False  # fixed layout: the widths below hold, Word does not re-flow the columns
    widths = [Pt(width) for width in layout.widths]
    for column, width in zip(word_table.columns, widths, strict=True):
        column.width = width
    small = layout.size_pt != TABLE_PT
    _repeat_header(word_table.rows[0])
    for position, (header, numeric) in enumerate(zip(table.header, table.numeric, strict=True)):
        cell = word_table.rows[0].cells[position]
        cell.width = widths[position]
        paragraph = cell.paragraphs[0]
        writer.set_style(paragraph, "Table Text")
        run = paragraph.add_run(header)
        run.bold = True
        if small:
            run.font.size = Pt(layout.size_pt)
        if numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row_index, row in enumerate(table.rows, start=1):
        _keep_together(word_table.rows[row_index])
        cells = word_table.rows[row_index].cells
        for position, (cell, numeric) in enumerate(zip(row, table.numeric, strict=True)):
            cells[position].width = widths[position]
            paragraph = cells[position].paragraphs[0]
            writer.set_style(paragraph, "Table Text")
            add_content(paragraph, cell, in_cell=True)
            if small:
                for run in paragraph.runs:
                    run.font.size = Pt(layout.size_pt)
            if numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for note in table.notes:
        add_content(writer.paragraph("Table Note"), note)
    writer.paragraph()
    writer.keep = False


def add_figure(writer: Writer, figure: Figure, language: str, width_mm: float = TEXT_WIDTH_MM) -> None:
    """The figure as a PNG picture with its alt text (``wp:docPr descr``), then its numbered caption."""
    from docx.shared import Mm

    paragraph = writer.paragraph()
    paragraph.paragraph_format.keep_with_next = True
    if figure.png:
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(figure.png), width=Mm(width_mm))
        properties = shape._inline.docPr
        properties.set("descr", figure.alt)
        properties.set("title", "")
    else:
        paragraph.add_run(figure.alt)
    _caption(writer, caption_text(figure, language))


def add_block(writer: Writer, block, language: str) -> None:
    if isinstance(block, Paragraph):
        add_content(writer.paragraph(), block.content)
    elif isinstance(block, BulletList):
        style = "List Number" if block.ordered else "List Bullet"
        for item in block.items:
            add_content(writer.paragraph(style), item)
    elif isinstance(block, Quote):
        writer.paragraph("Quote", block.text)
        writer.paragraph("Quote", "– " + block.attribution)
    elif isinstance(block, Table):
        add_table(writer, block, language)
    elif isinstance(block, Figure):
        add_figure(writer, block, language)
    elif isinstance(block, Box):
        if block.title:
            writer.paragraph().add_run(block.title).bold = True
        for inner in block.blocks:
            add_block(writer, inner, language)
    else:
        raise TypeError(f"not a block: {block!r}")


def add_section(writer: Writer, section: Section, language: str, level: int = 1) -> None:
    heading = writer.paragraph(f"Heading {min(level, 3)}", heading_text(section, language))
    if level == 1:  # each chapter on a new page, as in the PDF
        heading.paragraph_format.page_break_before = True
    for block in section.blocks:
        add_block(writer, block, language)
    for child in section.sections:
        add_section(writer, child, language, level + 1)


def add_title_page(writer: Writer, model: Document) -> None:
    from docx.enum.text import WD_BREAK

    page = model.title_page
    if page.publisher:
        writer.paragraph(None, page.publisher)
    writer.paragraph("Title", page.title)
    if page.subtitle:
        writer.paragraph("Subtitle", page.subtitle)
    for value in (page.year, page.series, page.diary_number, page.isbn, page.date):
        if value:
            writer.paragraph(None, str(value))
    for line in page.colophon:
        writer.paragraph(None, line)
    writer.paragraph().add_run().add_break(WD_BREAK.PAGE)


def add_notes(writer: Writer, model: Document) -> None:
    """The notes heading and one numbered paragraph per note, each with a bookmark its references link to."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not model.notes:
        return
    writer.paragraph("Heading 1", model.notes_title).paragraph_format.page_break_before = True
    for number, (_key, content) in enumerate(model.notes, start=1):
        paragraph = writer.paragraph()
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), NOTE_BOOKMARK.format(number))
        end.set(qn("w:id"), str(number))
        paragraph._p.append(start)
        paragraph.add_run(f"{number}. ")
        paragraph._p.append(end)
        add_content(paragraph, content)


# --------------------------------------------------------------------------- the file


def render(model: Document, date: dt.datetime, template: Path | None = None) -> bytes:
    """The Word document of ``model`` (numbered) as bytes: the same bytes for the same inputs."""
    document = _open(template)
    _ensure_styles(document)
    _set_language(document, model.language)
    writer = Writer(document)
    add_title_page(writer, model)
    for top in (*model.front, *model.chapters, *model.appendices):
        add_section(writer, top, model.language)
    add_notes(writer, model)
    properties = document.core_properties
    properties.title = model.title_page.title
    properties.subject = model.title_page.subtitle or ""
    properties.author = model.title_page.publisher or ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.keywords = ""
    properties.category = ""
    properties.revision = 1
    naive = date.astimezone(dt.timezone.utc).replace(tzinfo=None)
    properties.created = properties.modified = naive
    properties.last_printed = naive
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), date)


def stable_zip(data: bytes, date: dt.datetime) -> bytes:
    """``data`` (a ZIP) rewritten with every entry dated ``date`` (at least 1980) in a fixed order."""
    stamp = max(date.astimezone(dt.timezone.utc), dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        first = [name for name in names if name == "[Content_Types].xml"]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def write_docx(model: Document, target: Path, date: dt.datetime, template: Path | None = None) -> Path:
    """Write :func:`render` of ``model`` to ``target`` atomically."""
    from evalkit.safeio import write_bytes_atomic

    write_bytes_atomic(Path(target), render(model, date, template))
    return Path(target)


def template_of(study_dir: Path, option: Path | str | None = None) -> Path | None:
    """The Word template to use: the command-line option, else the study's ``evalkit:docx_template``.

    The study setting is a path relative to the study folder (or absolute).
    """
    import json

    if option:
        return Path(option)
    try:
        descriptor = json.loads((Path(study_dir) / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = descriptor.get("evalkit:docx_template") if isinstance(descriptor, dict) else None
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path(study_dir) / path


def outline(data: bytes) -> Sequence[tuple[str, str]]:
    """``(style name, text)`` of every heading and title paragraph of a Word file (for tests and checks)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and (p.style.name.startswith("Heading") or p.style.name in ("Title", "Subtitle"))
    ]
