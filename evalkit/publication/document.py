"""The publication's document model: one source for the HTML, PDF and Word editions.

A publication is a :class:`Document` of frozen dataclasses (tuples, never
lists; no I/O). The builders (:mod:`evalkit.publication.build`) make one per
language from the study and its analyses; :func:`number` then assigns every
number once and resolves every cross-reference and note, and each renderer
(:mod:`evalkit.publication.html`, later Word) prints only those numbers, so the
contents, the headings, the captions and the cross-references cannot disagree.

The tree::

    Document
      title_page   TitlePage
      front        Section(kind="front")      foreword, summary: not numbered
      chapters     Section(kind="chapter")    1, 2, … with sections 2.1, 2.2, …
      appendices   Section(kind="appendix")   Bilaga 1, 2, … / Appendix 1, 2, …
      notes        (key, content)             numbered in order of first reference

A section holds blocks (:class:`Paragraph`, :class:`BulletList`,
:class:`Quote`, :class:`Table`, :class:`Figure`, :class:`Box`) and then its
subsections. Running text is a tuple of inlines: plain ``str``,
:class:`Emphasis`, :class:`Strong`, :class:`Superscript`, :class:`Foreign`
(text in the other language, e.g. a Swedish source's title), :class:`NoteRef`
(a numbered note: a source named once) and :class:`CrossRef` (``"kapitel 3"``,
``"tabell 3.2"``, ``"bilaga 2"``, ``"avsnitt 3.2"`` in the document's
language).

Numbering (:func:`number`):

* chapters ``1…n``; their sections ``n.1, n.2, …``; deeper sections are not numbered;
* appendices ``1…m`` (shown as "Bilaga 1" / "Appendix 1"); their sections are not numbered;
* tables and figures per chapter (``3.1, 3.2`` – one series each) and per
  appendix (``B2.1`` in Swedish, ``A2.1`` in English); a table or figure in the
  front matter is not numbered;
* notes ``1, 2, …`` in order of first reference; a note no text refers to is dropped.

:func:`walk` visits every node in reading order and :func:`plain_text` gives
the text a reader sees (for tests: machinery words, language, numbering).
:func:`blocks_from_markdown` turns an evaluator's Markdown into blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from evalkit.publication import wording
from evalkit.publication.inline import CrossRef, Emphasis, Foreign, NoteRef, Strong, Superscript

# --------------------------------------------------------------------------- inlines (evalkit.publication.inline)

Inline = str | Emphasis | Strong | Superscript | Foreign | NoteRef | CrossRef
#: Running text: a tuple of inlines.
Content = tuple[Inline, ...]
#: A table cell: plain text, or running text (with notes or emphasis).
Cell = str | Content

# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text."""

    content: Content


@dataclass(frozen=True)
class BulletList:
    """A list; each item is running text."""

    items: tuple[Content, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Quote:
    """A respondent's own words, attributed by role only (``"Chef"``), never by person or municipality."""

    text: str
    attribution: str


@dataclass(frozen=True)
class Table:
    """A table with a numbered caption.

    Attributes
    ----------
    key : str
        Unique key (target of cross-references).
    caption : str
        Caption text without its number.
    header : tuple of str
        Column headers.
    rows : tuple of tuple of Cell
        The body; every row as long as ``header``.
    numeric : tuple of bool
        Per column: numbers (right-aligned).
    row_header : bool
        The first cell of each row is the row's header (``<th scope="row">``).
    notes : tuple of Content
        Notes printed under the table (what a value means, why a cell is empty).
    number : str or None
        Set by :func:`number` (``"3.2"``, ``"B2.1"``).
    """

    key: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: tuple[bool, ...]
    row_header: bool = True
    notes: tuple[Content, ...] = ()
    number: str | None = None

    def __post_init__(self):
        width = len(self.header)
        if len(self.numeric) != width or any(len(row) != width for row in self.rows):
            raise ValueError(f"table {self.key!r}: every row and the numeric flags must have {width} cells")


@dataclass(frozen=True)
class Figure:
    """A figure: the image as SVG (HTML, PDF) and PNG (Word), its alt text and a numbered caption."""

    key: str
    caption: str
    alt: str
    svg: str
    png: bytes = b""
    number: str | None = None


@dataclass(frozen=True)
class Box:
    """A framed box: the evaluator's interpretation, a note, or a caution."""

    kind: str  # "interpretation" | "note" | "caution"
    title: str | None
    blocks: tuple[Block, ...]


Block = Paragraph | BulletList | Quote | Table | Figure | Box

# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Section:
    """A front-matter part, chapter, appendix or section.

    Attributes
    ----------
    key : str
        Unique key (the HTML anchor and the target of cross-references).
    title : str
        The heading without its number.
    blocks : tuple of Block
        What comes under the heading, before the subsections.
    sections : tuple of Section
        Subsections.
    kind : {"front", "chapter", "appendix", "section"}
        Set by the builders for the top level; subsections are ``"section"``.
    number : str or None
        Set by :func:`number`: ``"3"``, ``"3.2"`` or ``"2"`` for Bilaga 2; None when not numbered.
    finding : str or None
        The finding (its id in the findings table) the heading states, when it
        is a message heading; None for a heading that names a topic.
    """

    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    kind: str = "section"
    number: str | None = None
    finding: str | None = None


@dataclass(frozen=True)
class TitlePage:
    """What the title page shows (every field but the title may be empty)."""

    title: str
    subtitle: str | None = None
    publisher: str | None = None
    year: str | None = None
    series: str | None = None
    diary_number: str | None = None
    isbn: str | None = None
    date: str | None = None
    language: str = "sv"
    colophon: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One language edition of the publication."""

    language: str
    title_page: TitlePage
    front: tuple[Section, ...] = ()
    chapters: tuple[Section, ...] = ()
    appendices: tuple[Section, ...] = ()
    notes: tuple[tuple[str, Content], ...] = ()
    numbered: bool = False
    notes_title: str = ""

    def sections(self) -> Iterator[Section]:
        """Every section in reading order (front, chapters, appendices, with their subsections)."""
        for top in (*self.front, *self.chapters, *self.appendices):
            yield from _sections(top)


def _sections(section: Section) -> Iterator[Section]:
    yield section
    for child in section.sections:
        yield from _sections(child)


# --------------------------------------------------------------------------- numbering


class NumberingError(ValueError):
    """A duplicate key, or a cross-reference or note reference to nothing."""


def _appendix_prefix(language: str) -> str:
    return wording.appendix_table_prefix(language)


def number(document: Document) -> Document:
    """Return ``document`` with every number assigned and every reference resolved.

    Raises
    ------
    NumberingError
        Two nodes share a key, a cross-reference names no numbered node, or a
        note reference names no note.
    """
    if document.numbered:
        return document
    language = document.language
    targets: dict[str, str] = {}
    keys: set[str] = set()

    def claim(key: str) -> None:
        if key in keys:
            raise NumberingError(f"duplicate key {key!r} in the publication")
        keys.add(key)

    def number_blocks(blocks, prefix: str | None, counters: dict) -> tuple:
        out = []
        for block in blocks:
            if isinstance(block, (Table, Figure)):
                claim(block.key)
                kind = "table" if isinstance(block, Table) else "figure"
                if prefix is None:
                    out.append(replace(block, number=None))
                    continue
                counters[kind] = counters.get(kind, 0) + 1
                label = f"{prefix}.{counters[kind]}"
                targets[block.key] = wording.reference(kind, label, language)
                out.append(replace(block, number=label))
            elif isinstance(block, Box):
                out.append(replace(block, blocks=number_blocks(block.blocks, prefix, counters)))
            else:
                out.append(block)
        return tuple(out)

    def number_section(section: Section, label: str | None, depth: int, prefix: str | None, counters: dict):
        claim(section.key)
        if label is not None:
            kind = {"chapter": "chapter", "appendix": "appendix"}.get(section.kind, "section")
            targets[section.key] = wording.reference(kind, label, language)
        blocks = number_blocks(section.blocks, prefix, counters)
        children = []
        for index, child in enumerate(section.sections, start=1):
            child_label = f"{label}.{index}" if (section.kind == "chapter" and label is not None) else None
            children.append(number_section(child, child_label, depth + 1, prefix, counters))
        return replace(section, number=label, blocks=blocks, sections=tuple(children))

    front = tuple(number_section(s, None, 0, None, {}) for s in document.front)
    chapters = tuple(number_section(s, str(i), 0, str(i), {}) for i, s in enumerate(document.chapters, start=1))
    appendices = tuple(
        number_section(s, str(i), 0, f"{_appendix_prefix(language)}{i}", {})
        for i, s in enumerate(document.appendices, start=1)
    )
    numbered = replace(document, front=front, chapters=chapters, appendices=appendices)

    # Notes: numbered in order of first reference, in reading order.
    note_texts = dict(document.notes)
    if len(note_texts) != len(document.notes):
        raise NumberingError("duplicate note key in the publication")
    order: dict[str, int] = {}
    for node in walk(numbered):
        if isinstance(node, NoteRef):
            if node.key not in note_texts:
                raise NumberingError(f"note {node.key!r} is referred to but has no text")
            order.setdefault(node.key, len(order) + 1)
        elif isinstance(node, CrossRef) and node.target not in targets:
            raise NumberingError(f"cross-reference to {node.target!r}, which is not a numbered part of the publication")

    def resolve(node):
        if isinstance(node, NoteRef):
            return replace(node, number=order[node.key])
        if isinstance(node, CrossRef):
            text = targets[node.target]
            return replace(node, text=text[:1].upper() + text[1:] if node.capital else text)
        return node

    resolved = _sort_note_cells(_map_inlines(numbered, resolve))
    notes = tuple(
        (key, _map_content(note_texts[key], resolve)) for key in sorted(order, key=order.get)
    )  # a note may itself cite a chapter
    return replace(resolved, notes=notes, numbered=True)


def is_note_list(cell: Cell) -> bool:
    """Whether a table cell holds only note references (and the separators between them)."""
    return (
        not isinstance(cell, str)
        and any(isinstance(i, NoteRef) for i in cell)
        and all(isinstance(i, NoteRef) or (isinstance(i, str) and not i.strip(", ")) for i in cell)
    )


def _sort_note_cells(document: Document) -> Document:
    """Cells that only list notes list them in number order (a renderer may then join runs: 3–7)."""

    def sort_block(block):
        if isinstance(block, Table):
            rows = tuple(
                tuple(
                    _joined(sorted((i for i in cell if isinstance(i, NoteRef)), key=lambda n: n.number))
                    if is_note_list(cell)
                    else cell
                    for cell in row
                )
                for row in block.rows
            )
            return replace(block, rows=rows)
        if isinstance(block, Box):
            return replace(block, blocks=tuple(sort_block(b) for b in block.blocks))
        return block

    def sort_section(section: Section) -> Section:
        return replace(
            section,
            blocks=tuple(sort_block(b) for b in section.blocks),
            sections=tuple(sort_section(s) for s in section.sections),
        )

    return replace(
        document,
        front=tuple(sort_section(s) for s in document.front),
        chapters=tuple(sort_section(s) for s in document.chapters),
        appendices=tuple(sort_section(s) for s in document.appendices),
    )


def _joined(notes: list) -> Content:
    out: list[Inline] = []
    for index, note in enumerate(notes):
        if index:
            out.append(", ")
        out.append(note)
    return tuple(out)


def _map_content(content: Content, function) -> Content:
    return tuple(function(inline) for inline in content)


def _map_cell(cell: Cell, function) -> Cell:
    return cell if isinstance(cell, str) else _map_content(cell, function)


def _map_block(block, function):
    if isinstance(block, Paragraph):
        return replace(block, content=_map_content(block.content, function))
    if isinstance(block, BulletList):
        return replace(block, items=tuple(_map_content(item, function) for item in block.items))
    if isinstance(block, Table):
        rows = tuple(tuple(_map_cell(cell, function) for cell in row) for row in block.rows)
        notes = tuple(_map_content(note, function) for note in block.notes)
        return replace(block, rows=rows, notes=notes)
    if isinstance(block, Box):
        return replace(block, blocks=tuple(_map_block(b, function) for b in block.blocks))
    return block


def _map_section(section: Section, function) -> Section:
    return replace(
        section,
        blocks=tuple(_map_block(b, function) for b in section.blocks),
        sections=tuple(_map_section(s, function) for s in section.sections),
    )


def _map_inlines(document: Document, function) -> Document:
    return replace(
        document,
        front=tuple(_map_section(s, function) for s in document.front),
        chapters=tuple(_map_section(s, function) for s in document.chapters),
        appendices=tuple(_map_section(s, function) for s in document.appendices),
    )


# --------------------------------------------------------------------------- reading


def _walk_content(content: Content) -> Iterator[object]:
    yield from content


def _walk_block(block) -> Iterator[object]:
    yield block
    if isinstance(block, Paragraph):
        yield from _walk_content(block.content)
    elif isinstance(block, BulletList):
        for item in block.items:
            yield from _walk_content(item)
    elif isinstance(block, Table):
        for row in block.rows:
            for cell in row:
                if not isinstance(cell, str):
                    yield from _walk_content(cell)
        for note in block.notes:
            yield from _walk_content(note)
    elif isinstance(block, Box):
        for child in block.blocks:
            yield from _walk_block(child)


def _walk_section(section: Section) -> Iterator[object]:
    yield section
    for block in section.blocks:
        yield from _walk_block(block)
    for child in section.sections:
        yield from _walk_section(child)


def walk(document: Document) -> Iterator[object]:
    """Yield every node in reading order: title page, sections, blocks, inlines, then the notes' inlines."""
    yield document.title_page
    for section in (*document.front, *document.chapters, *document.appendices):
        yield from _walk_section(section)
    for _, content in document.notes:
        yield from _walk_content(content)


def inline_text(inline: Inline) -> str:
    """The text of one inline as a reader sees it (a note reference as its number, ``[3]``)."""
    if isinstance(inline, str):
        return inline
    if isinstance(inline, (Emphasis, Strong, Superscript, Foreign)):
        return inline.text
    if isinstance(inline, NoteRef):
        return f"[{inline.number}]" if inline.number is not None else ""
    if isinstance(inline, CrossRef):
        return inline.text or ""
    raise TypeError(f"not an inline: {inline!r}")


def content_text(content: Content | str) -> str:
    """Running text (or a plain cell) as one string."""
    if isinstance(content, str):
        return content
    return "".join(inline_text(inline) for inline in content)


def heading_text(section: Section, language: str) -> str:
    """A section's heading as printed: ``"3.2 Title"``, ``"Bilaga 2. Title"`` or the bare title."""
    if section.number is None:
        return section.title
    if section.kind == "appendix":
        return f"{wording.appendix_label(section.number, language)}. {section.title}"
    return f"{section.number} {section.title}"


def caption_text(block: Table | Figure, language: str) -> str:
    """A caption as printed: ``"Tabell 3.2. Caption"`` (or the bare caption when not numbered)."""
    kind = "table" if isinstance(block, Table) else "figure"
    if block.number is None:
        return block.caption
    return f"{wording.caption_label(kind, block.number, language)}. {block.caption}"


def _block_lines(block, language: str) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield content_text(block.content)
    elif isinstance(block, BulletList):
        for item in block.items:
            yield "- " + content_text(item)
    elif isinstance(block, Quote):
        yield f"”{block.text}” ({block.attribution})"
    elif isinstance(block, Table):
        yield caption_text(block, language)
        yield " | ".join(block.header)
        for row in block.rows:
            yield " | ".join(content_text(cell) for cell in row)
        for note in block.notes:
            yield content_text(note)
    elif isinstance(block, Figure):
        yield caption_text(block, language)
        yield block.alt
    elif isinstance(block, Box):
        if block.title:
            yield block.title
        for child in block.blocks:
            yield from _block_lines(child, language)


def _section_lines(section: Section, language: str) -> Iterator[str]:
    yield heading_text(section, language)
    for block in section.blocks:
        yield from _block_lines(block, language)
    for child in section.sections:
        yield from _section_lines(child, language)


def plain_text(document: Document) -> str:
    """Everything a reader of ``document`` sees, as lines of text, in reading order.

    The title page, every heading (with its number), paragraph, list item,
    quote, table (caption, header, cells, notes), figure (caption and alt
    text), box and the notes. Use it on a numbered document.
    """
    language = document.language
    page = document.title_page
    lines = [
        value
        for value in (
            page.title,
            page.subtitle,
            page.publisher,
            page.year,
            page.series,
            page.diary_number,
            page.isbn,
            page.date,
            *page.colophon,
        )
        if value
    ]
    for section in (*document.front, *document.chapters, *document.appendices):
        lines.extend(_section_lines(section, language))
    if document.notes:
        lines.append(document.notes_title)
        lines.extend(f"{index}. {content_text(content)}" for index, (_, content) in enumerate(document.notes, 1))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the evaluator's Markdown


def _inline_tokens(children) -> Content:
    out: list[Inline] = []
    stack: list[str] = []
    for token in children or ():
        if token.type == "text" or token.type == "code_inline":
            text = token.content
            if "strong" in stack:
                out.append(Strong(text))
            elif "em" in stack:
                out.append(Emphasis(text))
            else:
                out.append(text)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type.endswith("_open") and token.type[:-5] in ("strong", "em"):
            stack.append(token.type[:-5])
        elif token.type.endswith("_close") and token.type[:-6] in ("strong", "em"):
            if stack:
                stack.pop()
        # links keep their text (the text tokens between link_open and link_close); images are dropped
    return _merge(out)


def _merge(content: list[Inline]) -> Content:
    """Join neighbouring plain strings."""
    merged: list[Inline] = []
    for inline in content:
        if isinstance(inline, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + inline
        else:
            merged.append(inline)
    return tuple(merged)


_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[^\n]*$", re.M)
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
_NOTE_MARK = re.compile("\ue000([^\ue001]*)\ue001")


def _with_notes(content: Content, notes: Mapping[str, str]) -> Content:
    """Plain strings with footnote marks split into text and :class:`NoteRef` (marks without a note dropped)."""
    out: list[Inline] = []
    for inline in content:
        if not isinstance(inline, str) or "\ue000" not in inline:
            out.append(inline)
            continue
        position = 0
        for match in _NOTE_MARK.finditer(inline):
            if match.start() > position:
                out.append(inline[position : match.start()])
            if match.group(1) in notes:
                out.append(NoteRef(notes[match.group(1)]))
            position = match.end()
        if position < len(inline):
            out.append(inline[position:])
    return _merge(out)


def blocks_from_markdown(text: str, notes: Mapping[str, str] | None = None) -> tuple[Block, ...]:
    """Turn an evaluator's Markdown into blocks.

    Paragraphs, bullet and numbered lists (one level; a nested list's items
    join its parent's), ``*emphasis*`` and ``**strong**``; a heading becomes a
    paragraph in bold and a block quote a :class:`Box` of kind ``"note"``.
    Links keep their text, images and raw HTML are left out (an HTML comment
    such as a slot marker never reaches the reader). Footnotes (``[^1]`` in
    the text, ``[^1]: …`` on a line of its own) become :class:`NoteRef` to
    ``notes[label]``; the definitions are left out (the caller makes them
    notes of the document), a reference without an entry in ``notes`` too.

    Examples
    --------
    >>> blocks_from_markdown("One *two*.\\n\\n- a\\n- **b**")
    (Paragraph(content=('One ', Emphasis(text='two'), '.')), BulletList(items=(('a',), (Strong(text='b'),)), ordered=False))
    """
    from markdown_it import MarkdownIt

    text = _FOOTNOTE_DEFINITION.sub("", text or "")
    text = _FOOTNOTE_REFERENCE.sub(lambda m: f"\ue000{m.group(1)}\ue001", text)
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[Block] = []
    lists: list[tuple[bool, list[Content]]] = []
    quote_depth = 0
    quoted: list[Block] = []

    def emit(block: Block) -> None:
        (quoted if quote_depth else blocks).append(block)

    heading = False
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append((kind == "ordered_list_open", []))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ordered, items = lists.pop()
            if lists:
                lists[-1][1].extend(items)
            elif items:
                emit(BulletList(tuple(items), ordered))
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
            if quote_depth == 0 and quoted:
                blocks.append(Box("note", None, tuple(quoted)))
                quoted = []
        elif kind == "inline":
            content = _with_notes(_inline_tokens(token.children), notes or {})
            if not content_text(content).strip():
                continue
            if heading:
                content = (Strong(content_text(content)),)
            if lists:
                lists[-1][1].append(content)
            else:
                emit(Paragraph(content))
    return tuple(blocks)


def is_empty(section: Section) -> bool:
    """A section with neither blocks nor subsections."""
    return not section.blocks and not section.sections


__all__ = [
    "Block",
    "Box",
    "BulletList",
    "Cell",
    "Content",
    "CrossRef",
    "Document",
    "Emphasis",
    "Figure",
    "Foreign",
    "Inline",
    "NoteRef",
    "NumberingError",
    "Paragraph",
    "Quote",
    "Section",
    "Strong",
    "Superscript",
    "Table",
    "TitlePage",
    "blocks_from_markdown",
    "caption_text",
    "content_text",
    "heading_text",
    "inline_text",
    "number",
    "plain_text",
    "walk",
]
