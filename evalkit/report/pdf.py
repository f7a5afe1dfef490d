"""PDF of a report page through headless Chromium (offline, no network use).

Chromium is looked up as ``$EVALKIT_CHROMIUM``, ``/usr/bin/chromium`` or
``chromium`` on ``PATH``. When none is found the PDF step is skipped with a
message; the HTML report is complete without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

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
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


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
    temporary = pdf_path.with_name(f".{pdf_path.name}.tmp.pdf")
    done = run_chromium([f"--print-to-pdf={temporary}", Path(html_path).resolve().as_uri()], chromium, timeout)
    if not temporary.is_file() or temporary.stat().st_size == 0:
        raise ChromiumError(
            f"Chromium did not write {pdf_path.name} (exit {done.returncode}): {done.stderr.strip()[-500:]}"
        )
    os.replace(temporary, pdf_path)
    return pdf_path
