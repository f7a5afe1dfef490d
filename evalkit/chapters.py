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

import math
import re
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
    Chapter("01_organisation", "Hur samordnarfunktionen är organiserad", "How the coordinator function is organised"),
    Chapter("02_quality_areas", "De sex kvalitetsområdena", "The six quality areas"),
    Chapter(
        "03_comparison",
        "Kommuner med familjefridsteam, och ärendestatistik före och efter",
        "Team-based municipalities, and case statistics before and after",
    ),
    Chapter(
        "04_success_factors",
        "Framgångsfaktorer och förklaringar till svårigheter",
        "Success factors and explanations of failure",
    ),
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


# --------------------------------------------------------------------------- a notebook's own parameters

RUN_PARAMETERS = frozenset(PARAMETER_NAMES)  # set by evalkit run itself, not with -p


class ParameterError(ValueError):
    """A parameter name a notebook does not declare, or a value of the wrong type."""


def parameters_cell(nb) -> str:
    """Return the source of the cell tagged ``parameters`` ("" if there is none)."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell.get("source", "")
    return ""


def read_notebook(path: Path):
    """Read a chapter notebook (``.ipynb``, or a jupytext ``.py`` script) without executing anything."""
    path = Path(path)
    if path.suffix == ".py":
        import jupytext

        return jupytext.read(path)
    import nbformat

    return nbformat.read(path, as_version=4)


#: ``# in [0, 1]: help`` (a closed interval) or ``# one of 0, 1: help`` at the start of a parameter's comment.
_RANGE = re.compile(r"^\s*in\s*\[\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\]")
_CHOICES = re.compile(r"^\s*one of\s+([^:]+):")


@dataclass(frozen=True)
class ParameterRange:
    """The values a notebook parameter accepts, declared in its comment in the ``parameters`` cell.

    ``partly_score: float = 0.5  # in [0, 1]: how much a 'partly' counts`` gives
    ``ParameterRange(low=0, high=1)``; ``partly_as: int = 1  # one of 0, 1: ...``
    gives ``ParameterRange(choices=(0, 1))``.
    """

    low: float | None = None
    high: float | None = None
    choices: tuple = ()

    def problem(self, value: object) -> str | None:
        """Return why ``value`` is outside the range (None when it is inside)."""
        if self.choices and value not in self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.low is not None and isinstance(value, (int, float)) and not self.low <= value <= self.high:
            return f"between {self.low:g} and {self.high:g}"
        return None


def parameter_ranges(path: Path) -> dict[str, ParameterRange]:
    """Return the declared range of each parameter of a notebook that declares one (see :class:`ParameterRange`)."""
    import ast
    import io
    import tokenize

    source = parameters_cell(read_notebook(path))
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#")
    ranges = {}
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        comment = comments.get(getattr(node, "end_lineno", node.lineno), "")
        if not isinstance(target, ast.Name) or not comment:
            continue
        interval, choices = _RANGE.match(comment), _CHOICES.match(comment)
        if interval:
            ranges[target.id] = ParameterRange(float(interval.group(1)), float(interval.group(2)))
        elif choices:
            values = tuple(ast.literal_eval(item.strip()) for item in choices.group(1).split(",") if item.strip())
            ranges[target.id] = ParameterRange(choices=values)
    return ranges


def declared_parameters(path: Path) -> dict[str, object]:
    """Return ``{name: default}`` of the notebook's ``parameters`` cell, in cell order.

    Only plain assignments of literals (``name = 0.5  # help``) count; the
    cell is parsed, never executed.
    """
    import ast

    declared = {}
    for node in ast.parse(parameters_cell(read_notebook(path))).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
        if isinstance(target, ast.Name):
            try:
                declared[target.id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return declared


def _kind(default: object) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    return "str"


def check_parameter(
    name: str, value: object, declared: dict[str, object], ranges: dict[str, ParameterRange] | None = None
) -> object:
    """Return ``value`` if it suits the notebook parameter ``name`` (typed from its default, within its range).

    Raises
    ------
    ParameterError
        For a name the notebook does not declare (listing the ones it does), a
        value of another type than the default's (a ``None`` default takes
        text), a number that is not finite (``nan``, ``inf``), or a value
        outside the range the notebook declares for it (``ranges``).
    """
    if name not in declared:
        known = ", ".join(n for n in declared if n not in RUN_PARAMETERS) or "(none)"
        raise ParameterError(f"unknown parameter {name!r}; this notebook's parameters are: {known}")
    kind = _kind(declared[name])
    ok = {
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "str": isinstance(value, str) or (declared[name] is None and value is None),
    }[kind]
    if not ok:
        raise ParameterError(f"parameter {name!r} takes a {kind} (its default is {declared[name]!r}), not {value!r}")
    if kind in ("int", "float") and not math.isfinite(value):
        raise ParameterError(f"parameter {name!r} takes a finite number, not {value!r}")
    allowed = (ranges or {}).get(name)
    problem = allowed.problem(value) if allowed is not None else None
    if problem is not None:
        raise ParameterError(f"parameter {name!r} must be {problem} (its default is {declared[name]!r}), not {value!r}")
    return float(value) if kind == "float" else value


def parse_parameter(name: str, text: str, declared: dict[str, object]) -> object:
    """Convert the command-line text of ``-p NAME VALUE`` to the type of the parameter's default."""
    if name not in declared:
        check_parameter(name, None, declared)  # raises, naming the known parameters
    kind = _kind(declared[name])
    try:
        if kind == "bool":
            lowered = text.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return lowered in ("true", "1", "yes")
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text.replace(",", "."))
    except ValueError:
        raise ParameterError(
            f"parameter {name!r} takes a {kind} (its default is {declared[name]!r}), not {text!r}"
        ) from None
    return text


def select_chapters(specs, chapters: tuple[Chapter, ...] = CHAPTERS) -> tuple[Chapter, ...]:
    """Return the chapters named by ``specs`` (ids or number prefixes, comma lists allowed), in report order.

    ``["02"]``, ``["2"]``, ``["02_quality_areas"]`` and ``["00,3"]`` all work.

    Raises
    ------
    KeyError
        For a name that is no chapter, listing the known ones.
    """
    wanted = set()
    for spec in specs or ():
        for token in (part.strip() for part in str(spec).split(",")):
            if not token:
                continue
            number = token.zfill(2) if token.isdigit() else None
            matches = [c for c in chapters if c.id == token or (number is not None and c.id.split("_", 1)[0] == number)]
            if not matches:
                raise KeyError(f"no chapter {token!r}; known: {', '.join(c.id for c in chapters)}")
            wanted.update(c.id for c in matches)
    return tuple(c for c in chapters if c.id in wanted)
