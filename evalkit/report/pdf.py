"""PDF of a report page through headless Chromium (offline, no network use).

Chromium is looked up as ``$EVALKIT_CHROMIUM``, ``/usr/bin/chromium`` or
``chromium`` on ``PATH``. When none is found the PDF step is skipped with a
message; the HTML report is complete without it.

Chromium stamps every PDF with the time of printing (``/CreationDate``,
``/ModDate``). :func:`make_deterministic` rewrites the file with pikepdf
(qpdf) with a fixed date, no XMP metadata and a document ``/ID`` derived from
the content (qpdf's deterministic id), so the same inputs give the same PDF
bytes and the PDF is hashed in the manifest like every other output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"
# 1980-01-01, the earliest date a ZIP file can hold: the usual fixed date of reproducible builds.
FIXED_PDF_DATE = "D:19800101000000Z"
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


def make_deterministic(source: Path, target: Path) -> Path:
    """Rewrite the PDF ``source`` as ``target`` with a fixed date and a content-derived document id.

    Parameters
    ----------
    source, target : pathlib.Path
        Chromium's PDF and where to write the deterministic copy (may not be the same file).
    """
    import pikepdf

    with pikepdf.open(source) as pdf:
        pdf.docinfo["/CreationDate"] = FIXED_PDF_DATE
        pdf.docinfo["/ModDate"] = FIXED_PDF_DATE
        if "/Metadata" in pdf.Root:  # XMP repeats the dates and holds a random document id
            del pdf.Root["/Metadata"]
        renumber_structure_ids(pdf)
        if "/ID" in pdf.trailer:  # qpdf keeps an existing first /ID element; derive both from the content
            del pdf.trailer["/ID"]
        # object streams regrouped by qpdf: Chromium groups objects by its own (timing-dependent) numbering
        pdf.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return Path(target)


def renumber_structure_ids(pdf) -> int:
    """Give the tagged-PDF structure elements ids in document order; return how many were renamed.

    Chromium names each structure element after its DOM node (``node00000068``),
    and DOM node numbers depend on the timing of page loading. The elements
    are renamed ``e00001``, ``e00002``, … in the order of the structure tree,
    and the id tree and table-header references (``/Headers``) follow.
    """
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/IDTree" not in root:
        return 0
    mapping: dict[str, str] = {}
    elements, everything = [], []
    stack = [root.get("/K")]
    while stack:  # depth first, in document order
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type", "/StructElem") == "/StructElem":
            everything.append(node)
            if "/ID" in node and str(node.ID) not in mapping:
                mapping[str(node.ID)] = f"e{len(mapping) + 1:05d}"
                elements.append(node)
            if "/K" in node:
                stack.append(node.K)
    for element in elements:
        element.ID = pikepdf.String(mapping[str(element.ID)])
    for element in everything:
        attributes = element.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and isinstance(attribute.get("/Headers"), pikepdf.Array):
                attribute.Headers = pikepdf.Array(
                    [pikepdf.String(mapping.get(str(h), str(h))) for h in attribute.Headers]
                )
    names = pikepdf.Array()
    for element in elements:  # already in the order of their new ids
        names.append(element.ID)
        names.append(element if element.is_indirect else pdf.make_indirect(element))
    root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    return len(mapping)


def print_pdf(html_path: Path, pdf_path: Path, chromium: str | None = None, timeout: float = 180) -> Path:
    """Print the HTML page at ``html_path`` to ``pdf_path`` (written atomically).

    Raises
    ------
    FileNotFoundError
        No Chromium is installed.
    ChromiumError
        Chromium exited without writing a PDF (its stderr is included).
    """
    pdf_path = Path(pdf_path)
    printed = pdf_path.with_name(f".{pdf_path.name}.chromium.pdf")
    temporary = pdf_path.with_name(f".{pdf_path.name}.tmp.pdf")
    try:
        done = run_chromium([f"--print-to-pdf={printed}", Path(html_path).resolve().as_uri()], chromium, timeout)
        if not printed.is_file() or printed.stat().st_size == 0:
            raise ChromiumError(
                f"Chromium did not write {pdf_path.name} (exit {done.returncode}): {done.stderr.strip()[-500:]}"
            )
        make_deterministic(printed, temporary)
        os.replace(temporary, pdf_path)
    finally:
        printed.unlink(missing_ok=True)
        temporary.unlink(missing_ok=True)
    return pdf_path
