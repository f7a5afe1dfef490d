"""Boxes a chapter shows instead of, or above, an analysis: "not enough data" and "partial data".

A :class:`Notice` is displayed like a table or figure. It renders as a marked
HTML box in the report (class ``evalkit-notice``, with inline styles so that it
also reads as a box in JupyterLab) and as plain text elsewhere; all study text
in it is HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

NOT_ENOUGH_DATA = "not_enough_data"
PARTIAL_DATA = "partial_data"
INFORMATION = "information"
WARNING = "warning"

TITLES = {
    NOT_ENOUGH_DATA: {"sv": "Underlaget räcker inte", "en": "Not enough data"},
    PARTIAL_DATA: {"sv": "Delvis underlag", "en": "Partial data"},
    INFORMATION: {"sv": "Obs", "en": "Note"},
    WARNING: {"sv": "Varning", "en": "Warning"},
}
LEADS = {
    NOT_ENOUGH_DATA: {
        "sv": "Delen visas inte, eftersom studien saknar det som behövs:",
        "en": "This part is not shown, because the study lacks what it needs:",
    },
    PARTIAL_DATA: {
        "sv": "Delen visas, men en del av den har inget känt värde bakom sig:",
        "en": "This part is shown, but some of it has no known value behind it:",
    },
    INFORMATION: {"sv": "", "en": ""},
    WARNING: {"sv": "", "en": ""},
}
STYLES = {
    NOT_ENOUGH_DATA: "border-left: 6px solid #b35900; background: #fff4e5;",
    PARTIAL_DATA: "border-left: 6px solid #4a6fa5; background: #eef3fa;",
    INFORMATION: "border-left: 6px solid #777777; background: #f4f4f4;",
    WARNING: "border-left: 6px solid #b30000; background: #fdeaea;",
}


@dataclass(frozen=True)
class Notice:
    """A marked box with a title, a lead sentence and a list of reasons.

    Attributes
    ----------
    kind : str
        :data:`NOT_ENOUGH_DATA`, :data:`PARTIAL_DATA`, :data:`INFORMATION` or :data:`WARNING`.
    language : str
        ``"sv"`` or ``"en"``.
    subject : str
        What the box is about (the part's title); may be empty.
    reasons : tuple of str
        One line per reason (study text, escaped when rendered).
    text : str
        Replaces the standard lead sentence of ``kind`` (for plain notes).
    """

    kind: str
    language: str
    subject: str
    reasons: tuple = ()
    text: str = ""

    @property
    def title(self) -> str:
        title = TITLES[self.kind][self.language]
        return f"{title}: {self.subject}" if self.subject else title

    @property
    def lead(self) -> str:
        return self.text or LEADS[self.kind][self.language]

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(reason)}</li>" for reason in self.reasons)
        lead = f"<p style='margin: 0.3rem 0;'>{html.escape(self.lead)}</p>" if self.lead else ""
        listing = f"<ul style='margin: 0.3rem 0;'>{items}</ul>" if items else ""
        return (
            f"<div class='evalkit-notice evalkit-notice-{self.kind.replace('_', '-')}' role='note' "
            f"style='{STYLES[self.kind]} padding: 0.5rem 1rem; margin: 0.5rem 0;'>"
            f"<p style='margin: 0.2rem 0; font-weight: 600;'>{html.escape(self.title)}</p>"
            f"{lead}{listing}</div>"
        )

    def __repr__(self) -> str:
        lines = [f"[{self.title}]"]
        if self.lead:
            lines.append(self.lead)
        lines += [f"- {reason}" for reason in self.reasons]
        return "\n".join(lines)

    __str__ = __repr__


def not_enough_data(subject: str, reasons, language: str) -> Notice:
    """The box shown instead of a part that cannot run."""
    return Notice(NOT_ENOUGH_DATA, language, subject, tuple(reasons))


def partial_data(subject: str, reasons, language: str) -> Notice:
    """The box shown above a part that runs on incomplete data."""
    return Notice(PARTIAL_DATA, language, subject, tuple(reasons))


def information(text: str, language: str) -> Notice:
    """A plain note (e.g. "the study holds no published claims")."""
    return Notice(INFORMATION, language, "", (), text)


def warning(text: str, language: str) -> Notice:
    """A warning (e.g. "2 of 51 published claims disagree with the data")."""
    return Notice(WARNING, language, "", (), text)
