"""The publication as one self-contained, accessible HTML page per language (also what is printed to PDF).

:func:`render` turns a numbered :class:`~evalkit.publication.document.Document`
into a page with:

* ``lang`` on ``<html>`` (and on every piece of text in the other language), a
  skip link to the main content, landmarks (``header`` for the title page,
  ``nav`` for the contents, ``main``), one ``h1`` (the title) and headings in order;
* tables with a ``<caption>`` (numbered), header cells with ``scope`` and
  numbers right-aligned; figures as ``<figure>`` with alt text and a numbered
  ``<figcaption>``; quotes as ``<blockquote>`` with the respondent's role after it (a ``<div>``, not
  a ``<figure>``, which the printed PDF would tag as a Figure);
  the evaluator's text in a box of its own; notes as a numbered list that the
  note references link to;
* print rules for A4 (``publication.css``): the title page alone on the first
  page, the contents on the next, each chapter on a new page, a running header
  with the title and "Sida n av N" in the footer.

The contents can show page numbers: :func:`render` takes ``pages``
(``{anchor: page}``), which :mod:`evalkit.publication.product` reads from a
first print of the page (:func:`pages_of_anchors`) before printing it again.
Everything is escaped; no script, no external resource.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from functools import lru_cache

from evalkit import paths
from evalkit.publication import wording
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
    is_note_list,
)
from evalkit.report.html import css_string

CSS_PATH = paths.TEMPLATES_DIR / "publication" / "publication.css"
NOTES_ID = "notes"
CONTENTS_ID = "contents"
MAIN_ID = "main"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")
NUM = ' class="num"'


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The page's CSS (``evalkit/templates/publication/publication.css``)."""
    return CSS_PATH.read_text(encoding="utf-8")


def anchor(key: str) -> str:
    """The HTML id of a section, table or figure key."""
    return _UNSAFE_ID.sub("-", key)


def note_anchor(number: int) -> str:
    return f"note-{number}"


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------- inlines


def inline_html(inline, in_cell: bool = False) -> str:
    if isinstance(inline, str):
        return _e(inline)
    if isinstance(inline, Emphasis):
        return f"<em>{_e(inline.text)}</em>"
    if isinstance(inline, Strong):
        return f"<strong>{_e(inline.text)}</strong>"
    if isinstance(inline, Superscript):
        return f"<sup>{_e(inline.text)}</sup>"
    if isinstance(inline, Foreign):
        return f'<span lang="{_e(inline.language)}">{_e(inline.text)}</span>'
    if isinstance(inline, NoteRef):
        number = inline.number
        if in_cell:
            return f'<a class="noteref" href="#{note_anchor(number)}">{number}</a>'
        return f'<a class="noteref" href="#{note_anchor(number)}"><sup>{number}</sup></a>'
    if isinstance(inline, CrossRef):
        return f'<a class="xref" href="#{anchor(inline.target)}">{_e(inline.text or "")}</a>'
    raise TypeError(f"not an inline: {inline!r}")


def content_html(content, in_cell: bool = False) -> str:
    """Running text as HTML; neighbouring note references share one superscript (``³,⁷``), in number order."""
    if isinstance(content, str):
        return _e(content)
    parts, run = [], []

    def flush():
        if run:
            links = ",".join(inline_html(n, in_cell=True) for n in sorted(run, key=lambda n: n.number))
            parts.append(links if in_cell else f"<sup>{links}</sup>")
            run.clear()

    for inline in content:
        if isinstance(inline, NoteRef):
            run.append(inline)
            continue
        flush()
        parts.append(inline_html(inline, in_cell))
    flush()
    return "".join(parts)


def note_list_html(cell) -> str:
    """Note references in a cell, consecutive numbers joined: ``3–5, 9``."""
    notes = [i for i in cell if isinstance(i, NoteRef)]
    runs: list[list[NoteRef]] = []
    for note in notes:
        if runs and note.number == runs[-1][-1].number + 1:
            runs[-1].append(note)
        else:
            runs.append([note])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{inline_html(run[0], True)}–{inline_html(run[-1], True)}")
        else:
            parts.extend(inline_html(n, True) for n in run)
    return ", ".join(parts)


# --------------------------------------------------------------------------- blocks


def table_html(table: Table, language: str) -> str:
    label, _, text = caption_text(table, language).partition(". ")
    caption = (
        f'<span class="caption-label">{_e(label)}.</span> {_e(text)}' if table.number is not None else _e(table.caption)
    )
    lines = [f'<div class="table-block"><table id="{anchor(table.key)}">', f"<caption>{caption}</caption>"]
    head = "".join(
        f'<th scope="col"{NUM if numeric else ""}>{_e(h)}</th>' for h, numeric in zip(table.header, table.numeric)
    )
    lines.append(f"<thead><tr>{head}</tr></thead>")
    lines.append("<tbody>")
    for row in table.rows:
        cells = []
        for position, (cell, numeric) in enumerate(zip(row, table.numeric)):
            body = note_list_html(cell) if is_note_list(cell) else content_html(cell, in_cell=True)
            css = ' class="num"' if numeric else ""
            if position == 0 and table.row_header:
                cells.append(f'<th scope="row"{css}>{body}</th>')
            else:
                cells.append(f"<td{css}>{body}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    for note in table.notes:
        lines.append(f'<p class="table-note">{content_html(note)}</p>')
    lines.append("</div>")
    return "\n".join(lines)


def figure_html(figure: Figure, language: str) -> str:
    label, _, text = caption_text(figure, language).partition(". ")
    caption = (
        f'<span class="caption-label">{_e(label)}.</span> {_e(text)}'
        if figure.number is not None
        else _e(figure.caption)
    )
    data = base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="figure" id="{anchor(figure.key)}">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{_e(figure.alt)}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def block_html(block, language: str) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{content_html(block.content)}</p>"
    if isinstance(block, BulletList):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{content_html(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Quote):
        return (
            f'<div class="quote"><blockquote><p>{_e(block.text)}</p></blockquote>'
            f'<p class="attribution">{_e(block.attribution)}</p></div>'  # not <figure>: a PDF Figure needs alt text
        )
    if isinstance(block, Table):
        return table_html(block, language)
    if isinstance(block, Figure):
        return figure_html(block, language)
    if isinstance(block, Box):
        title = f'<p class="box-title">{_e(block.title)}</p>' if block.title else ""
        label = f' aria-label="{_e(block.title)}"' if block.title else ""
        inner = "\n".join(block_html(b, language) for b in block.blocks)
        return f'<div class="box box-{_e(block.kind)}" role="note"{label}>{title}\n{inner}</div>'
    raise TypeError(f"not a block: {block!r}")


# --------------------------------------------------------------------------- structure


def heading_inner(section: Section, language: str) -> str:
    """The text of a heading: the number (or "Bilaga 2.") set apart, then the title."""
    if section.number is None:
        return _e(section.title)
    number = wording.appendix_label(section.number, language) + "." if section.kind == "appendix" else section.number
    return f'<span class="number">{_e(number)}</span> {_e(section.title)}'


def section_html(section: Section, language: str, level: int) -> str:
    ident = anchor(section.key)
    classes = {"front": "front", "chapter": "chapter", "appendix": "appendix"}.get(section.kind, "section")
    tag = f"h{min(level, 6)}"
    message = ' class="message"' if section.finding else ""
    parts = [
        f'<section class="{classes}" id="{ident}" aria-labelledby="{ident}-h">',
        f'<{tag} id="{ident}-h"{message}>{heading_inner(section, language)}</{tag}>',
    ]
    parts += [block_html(b, language) for b in section.blocks]
    parts += [section_html(child, language, level + 1) for child in section.sections]
    parts.append("</section>")
    return "\n".join(parts)


def _contents_entry(section: Section, language: str, pages: Mapping[str, int], depth: int) -> str:
    ident = anchor(section.key)
    number = ""
    if section.number is not None:
        number = wording.appendix_label(section.number, language) if section.kind == "appendix" else section.number
    page = pages.get(ident)
    page_html = f'<span class="toc-page">{page}</span>' if page is not None else '<span class="toc-page"></span>'
    children = ""
    if depth == 0 and section.kind == "chapter" and section.sections:
        children = "<ol>" + "".join(_contents_entry(c, language, pages, depth + 1) for c in section.sections) + "</ol>"
    number_html = f'<span class="toc-number">{_e(number)}</span> ' if number else ""
    return (
        f'<li><a href="#{ident}">{number_html}<span class="toc-title">{_e(section.title)}</span>{page_html}</a>'
        f"{children}</li>"
    )


def contents_html(document: Document, pages: Mapping[str, int]) -> str:
    language = document.language
    entries = [
        _contents_entry(s, language, pages, 0) for s in (*document.front, *document.chapters, *document.appendices)
    ]
    if document.notes:
        page = pages.get(NOTES_ID)
        entries.append(
            f'<li><a href="#{NOTES_ID}"><span class="toc-title">{_e(document.notes_title)}</span>'
            f'<span class="toc-page">{"" if page is None else page}</span></a></li>'
        )
    title = wording.label("contents", language)
    return (
        f'<nav class="contents" id="{CONTENTS_ID}" aria-labelledby="{CONTENTS_ID}-h">'
        f'<h2 id="{CONTENTS_ID}-h">{_e(title)}</h2><ol>{"".join(entries)}</ol></nav>'
    )


def title_page_html(document: Document) -> str:
    page = document.title_page
    language = document.language
    facts = [
        (wording.label(name, language), getattr(page, name))
        for name in ("series", "diary_number", "isbn", "date")
        if getattr(page, name)
    ]
    parts = ['<header class="title-page">']
    if page.publisher:
        parts.append(f'<p class="publisher">{_e(page.publisher)}</p>')
    parts.append(f'<h1 class="title">{_e(page.title)}</h1>')
    if page.subtitle:
        parts.append(f'<p class="subtitle">{_e(page.subtitle)}</p>')
    if page.year:
        parts.append(f'<p class="year">{_e(page.year)}</p>')
    if facts:
        parts.append('<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>")
    for line in page.colophon:
        parts.append(f'<p class="colophon">{_e(line)}</p>')
    parts.append("</header>")
    return "\n".join(parts)


def notes_html(document: Document) -> str:
    if not document.notes:
        return ""
    items = "".join(
        f'<li id="{note_anchor(index)}">{content_html(content)}</li>'
        for index, (_, content) in enumerate(document.notes, start=1)
    )
    return (
        f'<section class="notes" id="{NOTES_ID}" aria-labelledby="{NOTES_ID}-h">'
        f'<h2 id="{NOTES_ID}-h">{_e(document.notes_title)}</h2><ol>{items}</ol></section>'
    )


def page_style(language: str, running_header: str) -> str:
    """The ``@page`` rules with the study's text: the running header and "Sida n av N"."""
    number = (
        f"{css_string(wording.label('page', language) + ' ')} counter(page) "
        f"{css_string(' ' + wording.label('of', language) + ' ')} counter(pages)"
    )
    return (
        f"@page {{ @top-center {{ content: {css_string(running_header)}; }} "
        f"@bottom-center {{ content: {number}; }} }}\n"
        "@page :first { @top-center { content: none; } @bottom-center { content: none; } }\n"
    )


def render(document: Document, pages: Mapping[str, int] | None = None) -> str:
    """The publication as one HTML page (a string).

    Parameters
    ----------
    document : Document
        A numbered document (:func:`evalkit.publication.document.number`).
    pages : mapping, optional
        ``{anchor: page number}`` for the contents (from a first print).
    """
    if not document.numbered:
        raise ValueError("render a numbered document (evalkit.publication.document.number)")
    language = document.language
    pages = pages or {}
    title = document.title_page.title
    body = [
        f'<a class="skip-link" href="#{MAIN_ID}">{_e(wording.label("skip", language))}</a>',
        title_page_html(document),
        contents_html(document, pages),
        f'<main id="{MAIN_ID}">',
        *(section_html(s, language, 2) for s in (*document.front, *document.chapters, *document.appendices)),
        notes_html(document),
        "</main>",
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>\n{stylesheet()}\n{page_style(language, title)}</style>\n"
        "</head>\n<body>\n" + "\n".join(p for p in body if p) + "\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- page numbers from a printed PDF


def pages_of_anchors(pdf_path) -> dict[str, int]:
    """``{anchor: page number}`` of the named destinations Chromium wrote for the page's internal links.

    Page numbers count from 1 at the title page, as the footer does.
    """
    import pikepdf

    pages: dict[str, int] = {}
    with pikepdf.open(pdf_path) as pdf:
        index = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        names = pdf.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        if dests is None:
            old = pdf.Root.get("/Dests")
            items = [(str(k)[1:], v) for k, v in old.items()] if old is not None else []
        else:
            items = list(pikepdf.NameTree(dests).items())
        for name, destination in items:
            target = destination.get("/D") if isinstance(destination, pikepdf.Dictionary) else destination
            if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in index:
                pages[str(name)] = index[target[0].objgen]
    return pages
