"""HTML pages for executed chapter notebooks and the combined report.

Both are rendered with nbconvert's ``HTMLExporter`` and the ``evalkit``
template (``evalkit/templates/nbconvert/evalkit``), which extends
JupyterLab's template without any ``<script>``: pages are self-contained
(CSS inlined, figures inline SVG or data URIs) and open offline. Code input
and prompts are hidden; cells tagged ``remove-cell`` (and papermill's
parameter cells) are dropped, cells tagged ``remove-input`` /
``remove-output`` lose that part.

One page serves the screen and print (decision 32 in ``docs/decisions.md``).
``evalkit.css`` fits figures to the width and hides what only works on
screen; tables never break a word: each sits in a box that scrolls on a
narrow screen and is printed at a size, on a page or in parts that fit
(:mod:`evalkit.report.fit`); :func:`page_style` adds the ``@page`` rule (A4, the
study title as running header, "page n of N" in the footer) that Chromium
prints. The combined report has a table of contents of its chapters and
their sections (:func:`add_section_entries`); chapter pages link to the
previous and next chapter, the contents and the other language
(:func:`chapter_navigation`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from functools import lru_cache

from evalkit import __version__, paths
from evalkit.report.fit import fit_tables

TEMPLATE_NAME = "evalkit"
REMOVE_CELL_TAGS = {"remove-cell", "injected-parameters", "parameters"}
LABELS = {
    "sv": {
        "contents": "Innehåll",
        "report": "Rapport",
        "generated": "Skapad med evalkit",
        "page": "Sida",
        "of": "av",
        "previous": "Föregående kapitel",
        "next": "Nästa kapitel",
        "chapters": "Kapitel",
        "bottom": "sidans slut",
        "skip": "Hoppa till innehållet",
    },
    "en": {
        "contents": "Contents",
        "report": "Report",
        "generated": "Generated with evalkit",
        "page": "Page",
        "of": "of",
        "previous": "Previous chapter",
        "next": "Next chapter",
        "chapters": "Chapters",
        "bottom": "end of page",
        "skip": "Skip to the content",
    },
}
#: Each language's name in that language (the link to a page's other language).
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}
#: Anchor of the combined report's table of contents (chapter pages link to it).
CONTENTS_ID = "evalkit-contents"
REPORT_PAGE = "report.html"
#: Where the template leaves room for a chapter's sections in the table of contents.
SECTIONS_SLOT = "<!--evalkit-sections:{}-->"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEADING_ID = re.compile(r'(<h[1-6][^>]*\sid=")([^"]+)("[^>]*>)(.*?)(</h[1-6]>)', re.S)
_CHAPTER_START = re.compile(r'<section class="evalkit-chapter-start" id="chapter-([^"]+)"')
_SECTION_HEADING = re.compile(r'<h2[^>]*\sid="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_TEXT = re.compile(r">([^<]+)<")
_LONG_TOKEN = re.compile(r"[^\s<>]{16,}")
_TOKEN_JOINT = re.compile(r"(?<=[._*/+~])(?=[^\s._*/+~])")


@lru_cache(maxsize=1)
def _exporter_class():
    """nbconvert's ``HTMLExporter`` with a Markdown renderer that keeps inline HTML intact.

    With ``embed_images`` nbconvert re-parses every inline HTML tag on its own to embed images,
    which turns ``10<sup>32</sup>`` into ``10<sup></sup>32`` (the exponent outside its empty
    superscript, in the page and the PDF printed from it). Only HTML that holds an ``<img`` needs
    that; everything else is passed through unchanged.
    """
    from jinja2 import pass_context
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class _Renderer(IPythonRenderer):
        def inline_html(self, html: str) -> str:
            if "<img" in html.lower():
                return super().inline_html(html)
            return super(IPythonRenderer, self).inline_html(html)

    class _Exporter(HTMLExporter):
        @pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = _Renderer(
                escape=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(source)

    return _Exporter


@lru_cache(maxsize=4)
def _exporter(language: str):
    """Return a configured nbconvert ``HTMLExporter`` for ``language`` (cached per process)."""
    from traitlets.config import Config

    HTMLExporter = _exporter_class()

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(paths.TEMPLATES_DIR / "nbconvert")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=language,
    )
    exporter.register_preprocessor("nbconvert.preprocessors.TagRemovePreprocessor", enabled=True)
    return exporter


def chapter_marker(chapter_id: str, title: str, show_title: bool = True) -> dict:
    """Return the markdown cell the template renders as a chapter anchor (and heading).

    With ``show_title`` False only the anchor is rendered: the notebook brings
    its own ``# Title``.
    """
    import nbformat

    metadata = {"evalkit": {"chapter": chapter_id, "title": title, "show_title": bool(show_title)}}
    cell = nbformat.v4.new_markdown_cell(source=f"# {title}", metadata=metadata)
    cell["id"] = f"chapter-{chapter_id}"
    return cell


def other_language_tags(language: str) -> set[str]:
    """Return the cell tags dropped from a ``language`` page (``lang-<other>``)."""
    from evalkit.chapters import LANGUAGES

    return {f"lang-{other}" for other in LANGUAGES if other != language}


def for_language(nb, language: str):
    """Return a copy of ``nb`` without the cells tagged for another language (``lang-sv`` / ``lang-en``)."""
    drop = other_language_tags(language)
    page = copy.deepcopy(nb)
    page.cells = [c for c in page.cells if not drop.intersection(c.get("metadata", {}).get("tags", []))]
    return page


def has_own_title(nb) -> bool:
    """Return whether a markdown cell of ``nb`` starts with a level-1 heading (``# ...``)."""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown" and REMOVE_CELL_TAGS.isdisjoint(
            cell.get("metadata", {}).get("tags", [])
        ):
            return cell.get("source", "").lstrip().startswith("# ")
    return False


def dedupe_heading_ids(html: str) -> str:
    """Make heading ids unique (``x``, ``x-2``, …) and keep each heading's own anchor link pointing at it."""
    seen: dict[str, int] = {}

    def rename(match: re.Match) -> str:
        old = match.group(2)
        seen[old] = seen.get(old, 0) + 1
        if seen[old] == 1:
            return match.group(0)
        new = f"{old}-{seen[old]}"
        inner = match.group(4).replace(f'href="#{old}"', f'href="#{new}"')
        return f"{match.group(1)}{new}{match.group(3)}{inner}{match.group(5)}"

    return _HEADING_ID.sub(rename, html)


def stable_random_ids(html: str) -> str:
    """Replace UUIDs (nbconvert uses them for some output containers) by ``evalkit-id-<n>``."""
    mapping: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        return mapping.setdefault(match.group(0), f"evalkit-id-{len(mapping) + 1}")

    return _UUID.sub(replace, html)


def css_string(text: str) -> str:
    """Return ``text`` as a CSS string literal (quoted; quotes, backslashes, ``<`` and controls escaped).

    ``<`` is escaped too, so the literal can never close the ``<style>``
    element it is written into.

    Examples
    --------
    >>> css_string('Rapport "A" <b>')
    '"Rapport \\\\22 A\\\\22  \\\\3c b>"'
    """
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<' or ord(char) < 0x20 or ord(char) == 0x7F else char for char in text
    )
    return f'"{escaped}"'


def page_style(language: str, running_header: str) -> str:
    """Return the ``@page`` rules printed with a page: the running header and "page n of N".

    Page size, margins and the look of the margin boxes are in
    ``evalkit.css``; these rules add only their text, which depends on the
    study and the language. The first page (title and contents) has no
    running header.

    Parameters
    ----------
    language : str
        ``"sv"`` or ``"en"`` (the words around the page number).
    running_header : str
        Text at the top of every page but the first, usually the study title.
    """
    labels = LABELS[language]
    number = f"{css_string(labels['page'] + ' ')} counter(page) {css_string(' ' + labels['of'] + ' ')} counter(pages)"
    return (
        f"@page {{ @top-center {{ content: {css_string(running_header)}; }} @bottom-right {{ content: {number}; }} }}\n"
        "@page :first { @top-center { content: none; } }\n"
    )


def language_links(page: str, language: str, languages: Sequence[str]) -> list[dict]:
    """Return links to the same ``page`` in the report's other languages (``../<lang>/<page>``).

    Parameters
    ----------
    page : str
        File name of the page in its language folder (``"report.html"``).
    language : str
        The page's own language (not linked).
    languages : sequence of str
        The languages the report is made in.
    """
    return [
        {"href": f"../{other}/{page}", "name": LANGUAGE_NAMES[other], "lang": other}
        for other in languages
        if other != language
    ]


def chapter_navigation(
    chapters: Sequence[tuple[str, str]], index: int, language: str, languages: Sequence[str] = ()
) -> dict:
    """Return the links of chapter ``index``'s page: previous and next chapter, contents, other languages.

    Parameters
    ----------
    chapters : sequence of (page, title)
        The report's chapter pages (file names in the language folder) and
        their titles in ``language``, in report order.
    index : int
        Position of the page's chapter in ``chapters``.
    language : str
        The page's language.
    languages : sequence of str, optional
        The languages the report is made in (links to the others).

    Returns
    -------
    dict
        ``previous`` and ``next`` (``{"href", "title"}`` or None),
        ``contents`` (href of the combined report's table of contents) and
        ``languages`` (see :func:`language_links`).
    """

    def link(position: int) -> dict | None:
        if not 0 <= position < len(chapters):
            return None
        page, title = chapters[position]
        return {"href": page, "title": title}

    return {
        "previous": link(index - 1),
        "next": link(index + 1),
        "contents": f"{REPORT_PAGE}#{CONTENTS_ID}",
        "languages": language_links(chapters[index][0], language, languages),
    }


def section_entries(html: str) -> dict[str, list[tuple[str, str]]]:
    """Return each chapter's sections (level-2 headings) of a rendered combined report.

    Returns
    -------
    dict
        ``{chapter_id: [(heading id, heading HTML text), ...]}`` in document
        order; the heading text is kept escaped, without its ``¶`` anchor link.
    """
    starts = list(_CHAPTER_START.finditer(html))
    sections = {}
    for position, start in enumerate(starts):
        end = starts[position + 1].start() if position + 1 < len(starts) else len(html)
        sections[start.group(1)] = [
            (match.group(1), _TAG.sub("", _ANCHOR_LINK.sub("", match.group(2))).strip())
            for match in _SECTION_HEADING.finditer(html, start.end(), end)
        ]
    return sections


def add_section_entries(html: str) -> str:
    """Fill the table of contents' slot of each chapter with a list of its sections (links)."""
    for chapter_id, sections in section_entries(html).items():
        items = "".join(f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in sections if text)
        html = html.replace(SECTIONS_SLOT.format(chapter_id), f"<ol>{items}</ol>" if items else "", 1)
    return html


def table_break_opportunities(html: str) -> str:
    """Let long tokens in tables (ids, expressions) wrap after ``.``, ``_``, ``*``, ``/``, ``+`` or ``~``.

    A ``<wbr>`` is inserted at those points of every token of 16 or more
    characters in a table cell, so an identifier such as
    ``study.staff.former_coordinator`` no longer sets the narrowest width of
    its column; the text itself is unchanged.

    Examples
    --------
    >>> table_break_opportunities("<table><td>study.staff.former_coordinator</td></table>")
    '<table><td>study.<wbr>staff.<wbr>former_<wbr>coordinator</td></table>'
    """

    def in_text(match: re.Match) -> str:
        return ">" + _LONG_TOKEN.sub(lambda token: _TOKEN_JOINT.sub("<wbr>", token.group(0)), match.group(1)) + "<"

    return _TABLE.sub(lambda table: _TEXT.sub(in_text, table.group(0)), html)


_JP_DIV = re.compile(r'<div class="jp-[^"]*"[^>]*>')


def drop_output_tabindex(html: str) -> str:
    """Remove ``tabindex="0"`` from nbconvert's cell and output containers.

    JupyterLab makes every output focusable so that a wide one can be
    scrolled; here nothing but a table scrolls, and each table has its own
    focusable box (:func:`evalkit.report.fit.scroll_box`), so the many tab
    stops on plain text would only slow a keyboard user down.

    Examples
    --------
    >>> drop_output_tabindex('<div class="jp-Cell-inputWrapper" tabindex="0">')
    '<div class="jp-Cell-inputWrapper">'
    """
    return _JP_DIV.sub(lambda match: match.group(0).replace(' tabindex="0"', ""), html)


def _render(nb, language: str, meta: dict) -> str:
    """Render ``nb`` with the evalkit template, fit its tables (:mod:`evalkit.report.fit`) and normalise ids."""
    exporter = _exporter(language)
    body, _ = exporter.from_notebook_node(nb, resources={"evalkit": meta})
    body = fit_tables(table_break_opportunities(drop_output_tabindex(body)), language)
    return stable_random_ids(dedupe_heading_ids(body))


def _footer(language: str, study_name: str) -> str:
    return f"{LABELS[language]['generated']} {__version__} · {study_name}"


def chapter_page(
    nb,
    chapter_id: str,
    title: str,
    language: str,
    study_name: str,
    report_title: str | None = None,
    navigation: dict | None = None,
    date: str | None = None,
) -> str:
    """Return the self-contained HTML page of one executed chapter notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed, normalised notebook (not modified).
    chapter_id, title : str
        Chapter id and its title in ``language``.
    language : str
        ``"sv"`` or ``"en"``; sets ``<html lang>`` and fixed labels.
    study_name : str
        Shown in the header and footer.
    report_title : str, optional
        Header line and running header of printed pages; defaults to the study name.
    navigation : dict, optional
        Links to the neighbouring chapters (:func:`chapter_navigation`); none when omitted.
    date : str, optional
        The document's date (``YYYY-MM-DD``, :func:`evalkit.report.pdfua.document_date`), written
        as ``<meta name="dcterms.created">``; the PDF takes its dates from it.
    """
    page = for_language(nb, language)
    page.cells.insert(0, chapter_marker(chapter_id, title, show_title=not has_own_title(page)))
    page.metadata["title"] = title
    meta = {
        "title": report_title or study_name,
        "title_is_heading": False,
        "subtitle": title,
        "toc": [],
        "toc_heading": "",
        "navigation": navigation,
        "labels": LABELS[language],
        "page_style": page_style(language, report_title or study_name),
        "footer": _footer(language, study_name),
        "date": date,
    }
    return _render(page, language, meta)


def combined_notebook(parts: Sequence[tuple[str, str, object]], title: str, language: str | None = None):
    """Concatenate executed chapters into one notebook with chapter markers.

    Parameters
    ----------
    parts : sequence of (chapter_id, title, notebook)
        In report order.
    title : str
        The combined report's title (``<title>``).
    """
    import nbformat

    combined = nbformat.v4.new_notebook()
    first = parts[0][2] if parts else None
    if first is not None:
        combined.metadata.update(
            {k: copy.deepcopy(v) for k, v in first.metadata.items() if k in ("kernelspec", "language_info")}
        )
    combined.metadata["title"] = title
    for chapter_id, chapter_title, nb in parts:
        nb = for_language(nb, language) if language else nb
        combined.cells.append(chapter_marker(chapter_id, chapter_title, show_title=not has_own_title(nb)))
        for cell in nb.cells:
            cell = copy.deepcopy(cell)
            cell["id"] = f"{chapter_id}-{cell.get('id', '')}"[:64]
            combined.cells.append(cell)
    return combined


def combined_report(
    parts: Sequence[tuple[str, str, object]],
    language: str,
    study_name: str,
    report_title: str | None = None,
    languages: Sequence[str] = (),
    date: str | None = None,
) -> str:
    """Return the combined report page: all chapters in order with a table of contents.

    Parameters
    ----------
    parts : sequence of (chapter_id, title, notebook)
        Executed, normalised chapter notebooks in report order.
    language : str
        ``"sv"`` or ``"en"``.
    study_name : str
        Name of the study folder, shown in header and footer.
    report_title : str, optional
        Title line; defaults to "Report: <study>" in ``language``.
    languages : sequence of str, optional
        The languages the report is made in (the header links to the others).
    date : str, optional
        The document's date (``YYYY-MM-DD``), as for :func:`chapter_page`.
    """
    title = report_title or f"{LABELS[language]['report']}: {study_name}"
    toc = [
        {"id": cid, "title": ctitle, "href": f"#chapter-{cid}", "sections": SECTIONS_SLOT.format(cid)}
        for cid, ctitle, _ in parts
    ]
    meta = {
        "title": title,
        "title_is_heading": True,
        "subtitle": "",
        "toc": toc,
        "toc_heading": LABELS[language]["contents"],
        "contents_id": CONTENTS_ID,
        "navigation": {"languages": language_links(REPORT_PAGE, language, languages)} if languages else None,
        "labels": LABELS[language],
        "page_style": page_style(language, title),
        "footer": _footer(language, study_name),
        "date": date,
    }
    return add_section_entries(_render(combined_notebook(parts, title, language), language, meta))
