"""What changed in an output, in words an auditor can check: CSV cells and page text, not only a file name.

:func:`describe_change` compares two versions of one output file of a report
(as made, and as found or re-made) and returns a few lines:

* a CSV table: the columns added or removed, the rows added or removed, and
  each changed cell with its row (and the value of the row's first column,
  which is its id in every evalkit table), its column and both values;
* an HTML page: the lines of visible text that differ (a unified diff of the
  page's text, tags left out);
* anything else (a PDF, a figure): that the bytes differ.

Each list is cut after :data:`MAX_LINES` lines with a count of the rest.
"""

from __future__ import annotations

import csv
import difflib
import io
import re

MAX_LINES = 12
_SPACE = re.compile(r"\s+")


def _shorten(value: str, limit: int = 80) -> str:
    value = value.replace("\n", "\\n")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _cut(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return lines[:MAX_LINES] + [f"… and {len(lines) - MAX_LINES} more"]


def csv_changes(old: str, new: str) -> list[str]:
    """Describe the difference of two CSV tables: columns, rows and each changed cell with both values."""
    old_rows = list(csv.reader(io.StringIO(old)))
    new_rows = list(csv.reader(io.StringIO(new)))
    if not old_rows or not new_rows:
        return ["the table is empty in one version"]
    old_header, new_header = old_rows[0], new_rows[0]
    lines = [f"column added: {name}" for name in new_header if name not in old_header]
    lines += [f"column removed: {name}" for name in old_header if name not in new_header]
    shared = [name for name in old_header if name in new_header]
    old_body, new_body = old_rows[1:], new_rows[1:]

    def keyed(rows: list[list[str]]) -> dict[str, list[str]] | None:
        keys = [row[0] if row else "" for row in rows]
        return dict(zip(keys, rows)) if len(set(keys)) == len(keys) else None

    old_keyed, new_keyed = keyed(old_body), keyed(new_body)
    if old_keyed is not None and new_keyed is not None and old_header[:1] == new_header[:1]:
        pairs = [(f"row {key!r}", old_keyed[key], new_keyed[key]) for key in old_keyed if key in new_keyed]
        lines += [f"row removed: {key!r}" for key in old_keyed if key not in new_keyed]
        lines += [f"row added: {key!r}" for key in new_keyed if key not in old_keyed]
    else:
        pairs = [(f"row {index + 2}", a, b) for index, (a, b) in enumerate(zip(old_body, new_body))]
        if len(old_body) != len(new_body):
            lines.append(f"rows: {len(old_body)} in one version, {len(new_body)} in the other")
    for where, before, after in pairs:
        for name in shared:
            a = before[old_header.index(name)] if old_header.index(name) < len(before) else ""
            b = after[new_header.index(name)] if new_header.index(name) < len(after) else ""
            if a != b:
                lines.append(f"{where}, column {name}: {_shorten(a)!r} → {_shorten(b)!r}")
    return _cut(lines) or ["the same cells, written differently (quoting or line ends)"]


def page_text(html: str) -> list[str]:
    """The visible text of an HTML page, one line per block, spaces collapsed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head"]):
        hidden.decompose()
    lines = (_SPACE.sub(" ", line).strip() for line in soup.get_text("\n").splitlines())
    return [line for line in lines if line]


def html_changes(old: str, new: str) -> list[str]:
    """Describe the difference of two HTML pages by their text (a unified diff, tags left out)."""
    diff = [
        line
        for line in difflib.unified_diff(page_text(old), page_text(new), "as made", "now", n=0, lineterm="")
        if not line.startswith(("---", "+++", "@@"))
    ]
    return _cut([_shorten(line, 160) for line in diff]) or ["the same text; the markup differs"]


def describe_change(relpath: str, old: bytes, new: bytes) -> list[str]:
    """Return lines that say what differs between two versions of the report file ``relpath``."""
    suffix = relpath.rsplit(".", 1)[-1].lower() if "." in relpath else ""
    try:
        if suffix == "csv":
            return csv_changes(old.decode("utf-8"), new.decode("utf-8"))
        if suffix in ("html", "htm"):
            return html_changes(old.decode("utf-8"), new.decode("utf-8"))
    except UnicodeDecodeError:
        return ["one version is not UTF-8 text"]
    if suffix == "pdf":
        return ["the PDF's bytes differ (it is printed from report.html, which is compared too)"]
    return [f"the bytes differ ({len(old)} bytes as made, {len(new)} now)"]
