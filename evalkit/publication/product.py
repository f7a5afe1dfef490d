"""The publication step of ``evalkit run``: build, render and print the publication in each language.

Runs in the parent process as the ``publication`` language product
(:func:`evalkit.report.products.publication`, ``after_chapters=False``): one
thread per language beside the chapter notebooks, from the study and the
run's shared analyses – no kernel, no notebook. For each language it writes,
into the report folder::

    publication/<language>/publication.html   one self-contained, accessible page
    publication/<language>/publication.pdf    that page printed by headless Chromium (A4)
    publication/<language>/publication.docx   the same document for Word (:mod:`evalkit.publication.docx`)

The PDF is printed twice: the first print tells on which page each chapter
and section starts (:func:`evalkit.publication.html.pages_of_anchors`), the
second has those page numbers in its contents. Both prints are byte-stable
(:func:`evalkit.report.pdf.print_pdf`) and carry the study's date
(:func:`evalkit.report.pdfua.document_date`). Without Chromium the PDF is left
out with a note, as for the analysis's PDF. The Word file needs no browser: it
is written in the county's template when the run or the study names one
(``evalkit run --docx-template FILE`` or the study's ``evalkit:docx_template``).
The files are hashed in the manifest and re-made by ``evalkit audit`` like
every other output.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

PUBLICATION_DIR = "publication"
HTML_NAME = "publication.html"
PDF_NAME = "publication.pdf"
DOCX_NAME = "publication.docx"


def publication_folder(report_dir: Path, language: str) -> Path:
    """``<report>/publication/<language>/``."""
    return Path(report_dir) / PUBLICATION_DIR / language


def write_publication(
    study,
    language: str,
    folder: Path,
    *,
    shared=None,
    reveal_names: bool = False,
    pdf: bool = True,
    chromium: str | None = None,
    docx_template: Path | str | None = None,
) -> tuple[list[Path], str | None]:
    """Write ``publication.html``, ``publication.docx`` (and ``publication.pdf``) of ``study`` in ``language``.

    ``docx_template`` is the Word template given to the run (else the study's
    ``evalkit:docx_template``, else Word's default styles on A4).

    Returns
    -------
    (list of Path, str or None)
        The files written, and why the PDF is missing (None when it was made or not asked for).
    """
    from evalkit.publication import docx
    from evalkit.publication.build import build_document
    from evalkit.publication.html import pages_of_anchors, render
    from evalkit.report import pdf as pdf_module
    from evalkit.report.pdfua import document_date
    from evalkit.safeio import write_text_atomic

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    document = build_document(study, language, shared=shared, reveal_names=reveal_names)
    date = document_date(study.path)
    html_path = folder / HTML_NAME
    write_text_atomic(html_path, render(document))
    word = docx.write_docx(document, folder / DOCX_NAME, date, docx.template_of(study.path, docx_template))
    written = [html_path, word]
    if not pdf:
        return written, None
    target = folder / PDF_NAME
    try:
        pdf_module.print_pdf(html_path, target, chromium, date=date)
        pages = pages_of_anchors(target)
        write_text_atomic(html_path, render(document, pages))
        pdf_module.print_pdf(html_path, target, chromium, date=date)
    except (FileNotFoundError, pdf_module.ChromiumError, OSError, subprocess.SubprocessError) as error:
        target.unlink(missing_ok=True)
        return written, f"{type(error).__name__}: {error}"
    return [*written, target], None


README_NAME = "README.txt"


def folder_readme(languages) -> str:
    """The report folder's ``README.txt``: which files are the publication and which the analysis (sv and en)."""
    sv = [f"  publication/{lang}/publication.pdf  (och .html, .docx för Word)" for lang in languages]
    en = [f"  publication/{lang}/publication.pdf  (and .html, .docx for Word)" for lang in languages]
    analysis = [f"  {lang}/report.pdf, {lang}/report.html, {lang}/<kapitel>.ipynb|.html" for lang in languages]
    analysis_en = [f"  {lang}/report.pdf, {lang}/report.html, {lang}/<chapter>.ipynb|.html" for lang in languages]
    return "\n".join(
        [
            "Den här mappen har två produkter av samma körning.",
            "",
            "PUBLIKATIONEN - rapporten för allmänheten, den som länsstyrelsen publicerar:",
            *sv,
            "  Titelsida, sammanfattning, resultatkapitel, bilagor och källor; inga filnamn, kommandon eller övningar.",
            "",
            "ANALYSEN - för studenter och granskare: de körda kapitlen med metod, övningar och hela resultattabellen:",
            *analysis,
            "  findings.csv, claims.csv, robustness.csv, agreement.csv, disagreements.csv: tabellerna bakom båda.",
            "  manifest.json: kontrollsummor för allt i mappen; evalkit audit <den här mappen> kör om och jämför.",
            "",
            "This folder holds two products of one run.",
            "",
            "THE PUBLICATION - the report for the public, the one the county publishes:",
            *en,
            "  Title page, summary, findings chapters, appendices and sources; no file names, commands or exercises.",
            "",
            "THE ANALYSIS - for students and auditors: the executed chapters with method, exercises and the full findings table:",
            *analysis_en,
            "  findings.csv, claims.csv, robustness.csv, agreement.csv, disagreements.csv: the tables behind both.",
            "  manifest.json: checksums of everything in the folder; evalkit audit <this folder> re-runs and compares.",
            "",
        ]
    )
