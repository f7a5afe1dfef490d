"""The ordered list of chapter notebooks and the parameters they take.

Every chapter is one Jupyter notebook in ``notebooks/<id>.ipynb`` (or its
jupytext percent twin ``notebooks/<id>.py`` when the ``.ipynb`` is absent). The
notebook's cell tagged ``parameters`` declares (with defaults for interactive
use) the names in :data:`PARAMETER_NAMES`; ``evalkit run`` injects the values
through papermill.

Parameters a chapter notebook receives
--------------------------------------
study : str
    Path of the study folder, relative to the kernel's working directory.
language : str
    ``"sv"`` or ``"en"``.
output_dir : str
    Folder the notebook may write extra files into (figures, tables); it is
    the kernel's working directory, so ``"."`` when run by ``evalkit run``.
reveal_names : bool
    Show municipality names instead of anonymous codes (default False).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evalkit import paths

LANGUAGES = ("sv", "en")
PARAMETER_NAMES = ("study", "language", "output_dir", "reveal_names")


@dataclass(frozen=True)
class Chapter:
    """One chapter of the report.

    Attributes
    ----------
    id : str
        Stable identifier, also the notebook's file stem (``"01_organisation"``).
    title_sv, title_en : str
        Chapter title in Swedish and English.
    """

    id: str
    title_sv: str
    title_en: str

    @property
    def notebook(self) -> str:
        """File name of the chapter notebook (``"<id>.ipynb"``)."""
        return f"{self.id}.ipynb"

    def title(self, language: str) -> str:
        """Return the title in ``language`` (``"sv"`` or ``"en"``)."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
        return self.title_sv if language == "sv" else self.title_en

    def notebook_path(self, notebooks_dir: Path | None = None) -> Path:
        """Return the source of the chapter in ``notebooks_dir`` (default ``notebooks/``).

        ``<id>.ipynb`` when it exists; otherwise a jupytext percent script
        ``<id>.py`` if there is one (``evalkit run`` converts it); otherwise
        the (missing) ``<id>.ipynb`` path.
        """
        folder = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
        notebook = folder / self.notebook
        script = folder / f"{self.id}.py"
        return script if not notebook.exists() and script.is_file() else notebook


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("00_study", "Studiens underlag och datainsamling", "Study material and data collection"),
    Chapter("01_organisation", "Organisation av samordnarfunktionen", "How the coordinator function is organised"),
    Chapter("02_quality_areas", "Kvalitetsområden", "Quality areas"),
    Chapter(
        "03_comparison",
        "Kommuner med team och ärendestatistik",
        "Team-based municipalities and case statistics",
    ),
    Chapter("04_success_factors", "Framgångsfaktorer", "Success factors"),
)


def chapter_by_id(chapter_id: str, chapters: tuple[Chapter, ...] = CHAPTERS) -> Chapter:
    """Return the chapter with ``chapter_id``; raise ``KeyError`` listing the known ids."""
    for chapter in chapters:
        if chapter.id == chapter_id:
            return chapter
    raise KeyError(f"no chapter {chapter_id!r}; known: {', '.join(c.id for c in chapters)}")


def notebook_parameters(study: str, language: str, output_dir: str = ".", reveal_names: bool = False) -> dict:
    """Return the papermill parameters for one chapter run, in :data:`PARAMETER_NAMES` order."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return {
        "study": str(study),
        "language": language,
        "output_dir": str(output_dir),
        "reveal_names": bool(reveal_names),
    }
