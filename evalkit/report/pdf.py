"""PDF of a report page through headless Chromium (offline, no network use).

Chromium is looked up as ``$EVALKIT_CHROMIUM``, ``/usr/bin/chromium`` or
``chromium`` on ``PATH``. When none is found the PDF step is skipped with a
message; the HTML report is complete without it.

Chromium stamps every PDF with the time of printing (``/CreationDate``,
``/ModDate``, a random XMP document id). :func:`make_deterministic` rewrites
the file with pikepdf (qpdf): dated by the study (:func:`evalkit.report.pdfua.document_date`),
finished for PDF/UA-1 (:func:`evalkit.report.pdfua.make_accessible`: XMP
metadata with the PDF/UA identifier, alternate text for every figure,
described links) and with a document ``/ID`` derived from the content
(qpdf's deterministic id), so the same inputs give the same PDF bytes and the
PDF is hashed in the manifest like every other output.

The page itself says how it prints (``evalkit.css`` and
:func:`evalkit.report.html.page_style`): A4, margins, the study title as
running header and "page n of N" in CSS ``@page`` margin boxes, so
Chromium's own header and footer (date, file URL) are switched off. The
PDF outline (bookmarks) is made by Chromium from the page's headings
(``--generate-pdf-document-outline``); Chromium joins a heading's wrapped
lines without a space, so :func:`repair_outline_titles` gives each bookmark
its heading's text back.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from evalkit.report import pdfua

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--no-pdf-header-footer",
)
#: Flags of ``--print-to-pdf`` runs only.
PRINT_FLAGS = ("--generate-pdf-document-outline",)


_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


class ChromiumError(RuntimeError):
    """Chromium ran but did not produce the expected file."""


def find_chromium() -> str | None:
    """Return the path of a Chromium executable, or ``None`` when there is none."""
    for candidate in (os.environ.get("EVALKIT_CHROMIUM"), DEBIAN_CHROMIUM):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(args: list[str], chromium: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run headless Chromium with evalkit's offline flags plus ``args`` in a throw-away profile."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("Chromium not found (install the Debian package `chromium`)")
    with tempfile.TemporaryDirectory(prefix="evalkit-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, preexec_fn=_die_with_parent
        )


def _die_with_parent() -> None:
    """In the Chromium child: be killed when the process that started it dies (Linux)."""
    from evalkit.report.lifetime import die_with_parent

    die_with_parent()


def heading_texts(page: str) -> list[str]:
    """Return the text of every ``<h1>``–``<h6>`` of the HTML ``page`` in document order.

    Anchor links (``¶``) and tags are dropped, entities decoded and runs of
    whitespace made one space.
    """
    texts = []
    for _level, inner in _HEADING.findall(page):
        text = html.unescape(_TAG.sub("", _ANCHOR_LINK.sub("", inner)))
        texts.append(" ".join(text.split()))
    return texts


def repair_outline_titles(pdf, headings: Sequence[str]) -> int:
    """Give each bookmark of ``pdf`` the text of its heading; return how many titles changed.

    Chromium's bookmarks follow the headings in document order, but a heading
    that wraps loses the space at the line break ("Ett kraftfullt" becomes
    "Ettkraftfullt"). Bookmarks are matched in order to ``headings`` whose
    text is the same but for whitespace; unmatched ones are left as they are.

    Parameters
    ----------
    pdf : pikepdf.Pdf
        An open PDF (changed in place).
    headings : sequence of str
        The printed page's heading texts (:func:`heading_texts`).
    """

    def squeezed(text: str) -> str:
        return "".join(text.split())

    changed, position = 0, 0
    with pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            stack.extend(reversed(item.children))
            for index in range(position, len(headings)):
                if squeezed(headings[index]) == squeezed(item.title):
                    position = index + 1
                    if item.title != headings[index]:
                        item.title, changed = headings[index], changed + 1
                    break
    return changed


def make_deterministic(
    source: Path,
    target,
    headings: Sequence[str] = (),
    facts: pdfua.PageFacts | None = None,
    date: dt.datetime | None = None,
):
    """Rewrite the PDF ``source`` as ``target``: accessible (PDF/UA-1), dated by the study, with a content-derived id.

    Parameters
    ----------
    source : pathlib.Path
        Chromium's PDF.
    target : pathlib.Path or binary stream
        Where to write the finished copy (not the same file).
    headings : sequence of str, optional
        The printed page's headings, to repair the bookmark titles (:func:`repair_outline_titles`).
    facts : evalkit.report.pdfua.PageFacts, optional
        Title, language, alt texts and link texts of the printed page (:func:`evalkit.report.pdfua.page_facts`).
    date : datetime, optional
        The document's date; default the page's ``dcterms.created`` date, else
        :func:`evalkit.report.pdfua.document_date` (``SOURCE_DATE_EPOCH`` or 1980-01-01).
    """
    import pikepdf

    facts = facts or pdfua.PageFacts(title="", language="", alt_texts=(), link_texts={}, date=None)
    moment = date or facts.date or pdfua.document_date()
    with pikepdf.open(source) as pdf:
        if headings:
            repair_outline_titles(pdf, headings)
        elements = pdfua.structure_elements(pdf)  # walked once: the tree has thousands of elements
        renumber_structure_ids(pdf, elements)
        pdfua.make_accessible(pdf, facts, moment, elements)  # XMP (no random id, no time of printing), alt texts, links
        if "/ID" in pdf.trailer:  # qpdf keeps an existing first /ID element; derive both from the content
            del pdf.trailer["/ID"]
        # object streams regrouped by qpdf: Chromium groups objects by its own (timing-dependent) numbering
        pdf.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return target


def renumber_structure_ids(pdf, elements: Sequence | None = None) -> int:
    """Give the tagged-PDF structure elements ids in document order; return how many were renamed.

    Chromium names each structure element after its DOM node (``node00000068``),
    and DOM node numbers depend on the timing of page loading. The elements
    are renamed ``e00001``, ``e00002``, … in the order of the structure tree,
    and the id tree and table-header references (``/Headers``) follow.
    ``elements`` is :func:`evalkit.report.pdfua.structure_elements` of ``pdf``
    when the caller has it already.
    """
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/IDTree" not in root:
        return 0
    mapping: dict[bytes, str] = {}
    named = []
    elements = pdfua.structure_elements(pdf) if elements is None else elements
    for element in elements:
        identifier = element.get("/ID")
        if identifier is not None and (key := bytes(identifier)) not in mapping:
            mapping[key] = f"e{len(mapping) + 1:05d}"
            named.append((element, mapping[key]))
    for element, new in named:
        element.ID = pikepdf.String(new)
    for element in elements:
        if element.S not in (pikepdf.Name.TH, pikepdf.Name.TD):
            continue
        attributes = element.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and isinstance(attribute.get("/Headers"), pikepdf.Array):
                attribute.Headers = pikepdf.Array(
                    [pikepdf.String(mapping.get(bytes(h), str(h))) for h in attribute.Headers]
                )
    names = pikepdf.Array()
    for element, new in named:  # already in the order of their new ids
        names.append(pikepdf.String(new))
        names.append(element if element.is_indirect else pdf.make_indirect(element))
    root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    return len(mapping)


def print_pdf(
    html_path: Path,
    pdf_path: Path,
    chromium: str | None = None,
    timeout: float = 180,
    date: dt.datetime | None = None,
) -> Path:
    """Print the HTML page at ``html_path`` to ``pdf_path`` (written atomically), accessible and deterministic.

    ``date`` is the document's date (default: the page's own, see :func:`make_deterministic`).

    Raises
    ------
    FileNotFoundError
        No Chromium is installed.
    ChromiumError
        Chromium exited without writing a PDF (its stderr is included).
    """
    import io
    import secrets

    from evalkit.safeio import write_bytes_atomic

    pdf_path = Path(pdf_path)
    printed = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.{secrets.token_hex(4)}.chromium.pdf")
    try:
        done = run_chromium(
            [*PRINT_FLAGS, f"--print-to-pdf={printed}", Path(html_path).resolve().as_uri()], chromium, timeout
        )
        if not printed.is_file() or printed.stat().st_size == 0:
            said = done.stderr.strip()[-500:] or "it printed no message"
            raise ChromiumError(f"Chromium did not write {pdf_path.name} (exit {done.returncode}): {said}")
        page = Path(html_path).read_text(encoding="utf-8")
        buffer = io.BytesIO()
        make_deterministic(printed, buffer, heading_texts(page), pdfua.page_facts(page), date)
        write_bytes_atomic(pdf_path, buffer.getvalue())
    finally:
        printed.unlink(missing_ok=True)
    return pdf_path
