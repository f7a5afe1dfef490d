"""The coordinator survey as a printable HTML form, in Swedish and English.

``evalkit survey form STUDY`` (and ``evalkit new``) writes
``survey_form_sv.html`` and ``survey_form_en.html``: the study's survey
questions (``codebook/survey_questions.csv``) with an answer field per item,
labelled in words (:mod:`evalkit.survey.items`), never with column ids. The
choices of a choice item are the labels of its vocabulary. A coordinator can
fill the form in print or in a PDF; an evaluator who builds a web survey from
it and keeps its texts as the questions can import the export without a
mapping (``evalkit survey import``).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd

from evalkit import paths
from evalkit.safeio import write_text_atomic
from evalkit.survey.items import survey_questions

LANGUAGES = ("sv", "en")
TEXT = {
    "sv": {
        "title": "Enkät till kvinnofridssamordnare",
        "intro": [
            "Enkäten handlar om hur din tjänst som samordnare är organiserad och vad du har åstadkommit. "
            "Svara utifrån din egen tjänst.",
            "Skriv inga namn på klienter eller kollegor. Procentsatser får vara ungefärliga.",
        ],
        "choose_one": "(markera ett alternativ)",
        "footer": [
            "Lämna eller skicka den ifyllda enkäten till utvärderaren. Svaren förs in i studien med ditt "
            "samordnar-id, aldrig med ditt namn.",
        ],
    },
    "en": {
        "title": "Survey for coordinators against violence against women",
        "intro": [
            "The survey is about how your coordinator post is organised and what you have achieved. "
            "Answer for your own post.",
            "Do not write names of clients or colleagues. Percentages may be approximate.",
        ],
        "choose_one": "(tick one)",
        "footer": [
            "Hand or send the completed survey to the evaluator. Your answers enter the study under your "
            "coordinator id, never under your name.",
        ],
    },
}


class FormError(ValueError):
    """The form cannot be written; the message says why."""


def render_form(codebook: dict[str, pd.DataFrame], language: str) -> str:
    """The HTML form in ``language`` for a study's codebook."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.PACKAGE_DIR / "templates" / "survey")),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("form.html.j2").render(
        language=language, text=TEXT[language], questions=survey_questions(codebook, language)
    )


def write_forms(folder: Path, codebook: dict[str, pd.DataFrame]) -> list[Path]:
    """Write ``survey_form_sv.html`` and ``survey_form_en.html`` into ``folder``; never over an existing file.

    Raises
    ------
    FormError
        If a form file already exists (nothing is written then).
    """
    folder = Path(folder)
    targets = [folder / f"survey_form_{language}.html" for language in LANGUAGES]
    existing = [target.name for target in targets if target.exists()]
    if existing:
        raise FormError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} in {folder}; evalkit never "
            "overwrites a file. Remove or rename it, or write the forms elsewhere with --out."
        )
    for language, target in zip(LANGUAGES, targets):
        write_text_atomic(target, render_form(codebook, language))
    return targets
