"""HTML pages for executed chapter notebooks and the combined report.

Both are rendered with nbconvert's ``HTMLExporter`` and the ``evalkit``
template (``evalkit/templates/nbconvert/evalkit``), which extends
JupyterLab's template without any ``<script>``: pages are self-contained
(CSS inlined, figures inline SVG or data URIs) and open offline. Code input
and prompts are hidden; cells tagged ``remove-cell`` (and papermill's
parameter cells) are dropped, cells tagged ``remove-input`` /
``remove-output`` lose that part.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from functools import lru_cache

from evalkit import __version__, paths

TEMPLATE_NAME = "evalkit"
REMOVE_CELL_TAGS = {"remove-cell", "injected-parameters", "parameters"}
LABELS = {
    "sv": {"contents": "Innehåll", "report": "Rapport", "generated": "Skapad med evalkit"},
    "en": {"contents": "Contents", "report": "Report", "generated": "Generated with evalkit"},
}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEADING_ID = re.compile(r'(<h[1-6][^>]*\sid=")([^"]+)("[^>]*>)(.*?)(</h[1-6]>)', re.S)


@lru_cache(maxsize=4)
def _exporter(language: str):
    """Return a configured nbconvert ``HTMLExporter`` for ``language`` (cached per process)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

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


def _render(nb, language: str, meta: dict) -> str:
    """Render ``nb`` with the evalkit template and normalise ids."""
    exporter = _exporter(language)
    body, _ = exporter.from_notebook_node(nb, resources={"evalkit": meta})
    return stable_random_ids(dedupe_heading_ids(body))


def _footer(language: str, study_name: str) -> str:
    return f"{LABELS[language]['generated']} {__version__} · {study_name}"


def chapter_page(
    nb, chapter_id: str, title: str, language: str, study_name: str, report_title: str | None = None
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
        Header line; defaults to the study name.
    """
    page = for_language(nb, language)
    page.cells.insert(0, chapter_marker(chapter_id, title, show_title=not has_own_title(page)))
    page.metadata["title"] = title
    meta = {
        "title": report_title or study_name,
        "subtitle": title,
        "toc": [],
        "toc_heading": "",
        "footer": _footer(language, study_name),
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
    parts: Sequence[tuple[str, str, object]], language: str, study_name: str, report_title: str | None = None
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
    """
    title = report_title or f"{LABELS[language]['report']}: {study_name}"
    toc = [{"id": cid, "title": ctitle, "href": f"#chapter-{cid}"} for cid, ctitle, _ in parts]
    meta = {
        "title": title,
        "subtitle": "",
        "toc": toc,
        "toc_heading": LABELS[language]["contents"],
        "footer": _footer(language, study_name),
    }
    return _render(combined_notebook(parts, title, language), language, meta)
