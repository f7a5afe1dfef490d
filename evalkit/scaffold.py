"""``evalkit new DIR``: create an empty study for another county.

The new folder holds the descriptor (a *fieldwork* study: values observed by
the evaluators or their judgements, see :mod:`evalkit.study.kind`) with the
study information given on the command line (``--title``, ``--title-en``,
``--county``, ``--year``, ``--publisher``, ``--language``; see
:mod:`evalkit.study.information`), every data table with its header and no
rows, the **standard codebook** (:data:`STANDARD_CODEBOOK`,
``evalkit/templates/codebook/``: the method's quality areas, indicators,
conditions, measures, survey questions and vocabularies, worded for any
county, with no source-report sections and no proper name or initiative of
one county), a survey form and an interview guide in Swedish and English
generated from that codebook, and README/DATALOG templates. With
``--excel`` the tables are sheets of one workbook, with a study-information
sheet and drop-down lists in the workbook's language. An existing non-empty
folder is never touched, and the folder appears only when complete (built in
a temporary sibling, then renamed).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import jinja2
import pandas as pd

from evalkit import paths
from evalkit.safeio import new_folder, write_csv
from evalkit.study.model import CODEBOOK_TABLES, template_descriptor


class ScaffoldError(Exception):
    """The study folder cannot be created."""


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.TEMPLATES_DIR / "study")),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def read_codebook(codebook_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the codebook tables of a study folder as string DataFrames."""
    return {
        table: pd.read_csv(codebook_dir / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for table in CODEBOOK_TABLES
    }


def quality_areas_with_indicators(codebook: dict[str, pd.DataFrame], language: str) -> list[dict]:
    """Return the quality areas in order, each with its indicators, in ``language``."""
    areas = codebook["quality_areas"].assign(order=lambda f: f["order"].astype(int)).sort_values("order")
    indicators = codebook["indicators"]
    return [
        {
            "label": area["label_" + language],
            "definition": area["definition_" + language],
            "indicators": [
                {"label": indicator["label_" + language]}
                for _, indicator in indicators[indicators["quality_area_id"] == area["quality_area_id"]].iterrows()
            ],
        }
        for _, area in areas.iterrows()
    ]


#: The standard codebook a new study starts from.
STANDARD_CODEBOOK = paths.TEMPLATES_DIR / "codebook"


def default_titles(name: str, county: str | None, year: int | None) -> tuple[str, str]:
    """The Swedish and English titles of a new study when none is given: from the county, else the folder name."""
    if not county:
        return name, name
    suffix = f" {year}" if year else ""
    return (
        f"Utvärdering av kvinnofridssamordnarna i {county}{suffix}",
        f"Evaluation of the coordinators against violence in close relationships in {county}{suffix}",
    )


def descriptor_for(name: str, information: dict | None = None) -> dict:
    """Return a study descriptor for a new study called ``name``.

    Parameters
    ----------
    name : str
        The folder name.
    information : dict, optional
        Study information by sheet key (``title``, ``title_en``, ``county``, ``year``, ``publisher``,
        ``language``; see :mod:`evalkit.study.information`); ``None`` values are left out.
    """
    from evalkit.study.information import BY_KEY

    information = {key: value for key, value in (information or {}).items() if value not in (None, "")}
    descriptor = copy.deepcopy(template_descriptor())
    descriptor["name"] = name
    given_title = information.pop("title", None)
    title_sv, title_en = default_titles(name, information.get("county"), information.get("year"))
    descriptor["title"] = given_title or title_sv
    if not given_title and "title_en" not in information and title_en != title_sv:
        information["title_en"] = title_en
    descriptor["description"] = "A study in the evalkit format. Describe it here."
    for key, value in information.items():
        descriptor[BY_KEY[key].descriptor_key] = value
    return descriptor


#: How a fieldwork study labels its bases (the standard codebook's labels speak of "the report").
FIELDWORK_BASIS_LABELS = {
    "stated": ("Angivet i en publicerad källa", "Stated in a published source"),
    "observed": ("Insamlat i utvärderingen", "Observed in this evaluation"),
    "judgement": ("Utvärderarens bedömning", "Evaluator's judgement"),
    "reconstructed": ("Rekonstruerat (antagande)", "Reconstructed (assumption)"),
}
#: Codebook tables whose ``report_section`` cites the source report of the standard codebook.
REPORT_SECTION_TABLES = ("indicators", "conditions")


def fieldwork_codebook(codebook: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Adapt the standard codebook to a fieldwork study.

    The indicators and conditions keep their definitions, but their
    ``report_section`` (a section of the report the standard codebook comes
    from) is emptied: it is not the source of another county's data, whose
    findings cite the study's own interviews, survey and documents. The
    ``basis`` labels speak of a published source, not of "the report".
    """
    adapted = {name: frame.copy() for name, frame in codebook.items()}
    for table in REPORT_SECTION_TABLES:
        if "report_section" in adapted[table].columns:
            adapted[table]["report_section"] = ""
    vocabularies = adapted["vocabularies"]
    for code, (sv, en) in FIELDWORK_BASIS_LABELS.items():
        rows = (vocabularies["vocabulary"] == "basis") & (vocabularies["code"] == code)
        vocabularies.loc[rows, ["label_sv", "label_en"]] = [sv, en]
    return adapted


def write_codebook(codebook_dir: Path, codebook: dict[str, pd.DataFrame]) -> None:
    """Write codebook tables as UTF-8 CSV files."""
    from evalkit.safeio import write_csv

    for table, frame in codebook.items():
        write_csv(frame, codebook_dir / f"{table}.csv")


def write_empty_tables(folder: Path, descriptor: dict) -> None:
    """Write every non-codebook table of ``descriptor`` as a header-only CSV."""
    for resource in descriptor["resources"]:
        if resource.get("evalkit:codebook"):
            continue
        write_csv(
            pd.DataFrame(columns=[field["name"] for field in resource["schema"]["fields"]]), folder / resource["path"]
        )


def render_guides(folder: Path, codebook: dict[str, pd.DataFrame]) -> None:
    """Write the survey form (printable HTML, :mod:`evalkit.survey.form`) and the interview guide in Swedish and English."""
    from evalkit.survey.form import write_forms

    environment = _environment()
    conditions = codebook["conditions"]
    write_forms(folder, codebook)
    for language in ("sv", "en"):
        (folder / f"interview_guide_{language}.md").write_text(
            environment.get_template("interview_guide.md.j2").render(
                language=language,
                areas=quality_areas_with_indicators(codebook, language),
                conditions=[{"label": label} for label in conditions["label_" + language]],
            ),
            encoding="utf-8",
        )


def create_study(
    target: Path, codebook_source: Path | None = None, excel: bool = False, information: dict | None = None
) -> Path:
    """Create an empty study folder at ``target``.

    Parameters
    ----------
    target : pathlib.Path
        Folder to create. Must not exist, or be empty.
    codebook_source : pathlib.Path, optional
        Study whose codebook is copied (adapted to fieldwork, see :func:`fieldwork_codebook`); default the
        standard codebook :data:`STANDARD_CODEBOOK`.
    excel : bool, optional
        Keep every table (codebook included) as a sheet of one workbook
        ``<folder name>.xlsx`` instead of CSV files (see
        :mod:`evalkit.study.storage`).
    information : dict, optional
        Study information by key (``title``, ``title_en``, ``county``, ``year``, ``publisher``,
        ``language``), see :func:`descriptor_for`.

    Returns
    -------
    pathlib.Path
        The created folder.

    Raises
    ------
    ScaffoldError
        If ``target`` exists and is not empty, or is a file.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ScaffoldError(
            f"{target} already exists and is a file, not a folder; evalkit new never overwrites. Choose a new folder."
        )
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(
            f"{target} already exists and is not empty; evalkit new never overwrites. Choose a new folder."
        )
    source_codebook = (
        Path(codebook_source) / paths.CODEBOOK_DIRNAME if codebook_source is not None else STANDARD_CODEBOOK
    )
    descriptor = descriptor_for(target.name, information)
    problems = information_problems(descriptor)
    if problems:
        raise ScaffoldError(" ".join(problems))
    with new_folder(target) as building:
        (building / paths.STUDY_DESCRIPTOR).write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        write_empty_tables(building, descriptor)
        codebook = fieldwork_codebook(read_codebook(source_codebook))
        (building / paths.CODEBOOK_DIRNAME).mkdir()
        write_codebook(building / paths.CODEBOOK_DIRNAME, codebook)
        render_guides(building, codebook)
        environment = _environment()
        for template in ("README.md", "DATALOG.md"):
            (building / template).write_text(
                environment.get_template(template + ".j2").render(
                    name=target.name, title=descriptor["title"], county=descriptor.get("evalkit:county", "")
                ),
                encoding="utf-8",
            )
        if excel:
            tables_to_workbook(building, descriptor, f"{target.name}.xlsx")
    return target


def tables_to_workbook(folder: Path, descriptor: dict, workbook_name: str) -> None:
    """Move the CSV tables just written in ``folder`` into one workbook and point the descriptor at it."""
    import csv

    from evalkit.study import storage

    tables = []
    for resource in descriptor["resources"]:
        path = folder / resource["path"]
        with open(path, encoding="utf-8", newline="") as handle:
            records = list(csv.reader(handle))
        tables.append(storage.RawTable(resource, records[0], records[1:]))
    new_descriptor = storage.write_tables(folder, descriptor, tables, "xlsx", workbook_name)
    for resource in descriptor["resources"]:
        (folder / resource["path"]).unlink()
    shutil.rmtree(folder / paths.CODEBOOK_DIRNAME, ignore_errors=True)
    (folder / paths.STUDY_DESCRIPTOR).write_text(
        json.dumps(new_descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def information_problems(descriptor: dict) -> list[str]:
    """What is wrong with the study information given to ``evalkit new`` (one sentence each)."""
    from evalkit.study.information import descriptor_problems

    return [f"{message} {fix}" for message, fix, _ in descriptor_problems(descriptor)]


def configure_parser(parser) -> None:
    parser.add_argument("directory", type=Path, help="folder to create (must not exist or be empty)")
    parser.add_argument(
        "--excel",
        action="store_true",
        help="keep every table as a sheet of one workbook <folder>.xlsx (with drop-down lists) instead of CSV files",
    )
    parser.add_argument("--title", help="the study's title (Swedish edition); default from --county")
    parser.add_argument("--title-en", help="the title of the English edition (default: --title)")
    parser.add_argument("--county", help="the county, e.g. 'Norrlandia län'")
    parser.add_argument("--year", type=int, help="year of publication")
    parser.add_argument("--publisher", help="who publishes the report, e.g. 'Länsstyrelsen i Norrlandia län'")
    parser.add_argument(
        "--language",
        choices=("sv", "en"),
        default="sv",
        help="the workbook's language: drop-down lists and the study-information sheet (default sv)",
    )


def cli_new(args) -> int:
    from evalkit.terminal import safe_text

    information = {
        "title": getattr(args, "title", None),
        "title_en": getattr(args, "title_en", None),
        "county": getattr(args, "county", None),
        "year": getattr(args, "year", None),
        "publisher": getattr(args, "publisher", None),
        "language": getattr(args, "language", "sv"),
    }
    try:
        folder = create_study(args.directory, excel=getattr(args, "excel", False), information=information)
    except ScaffoldError as error:
        print(safe_text(f"error: {error}"))
        return 1
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(
            safe_text(
                f"error: cannot create the study folder {args.directory}: {reason}. Choose a folder you can write to."
            )
        )
        return 1
    print(safe_text(f"Created {folder}. Fill in the tables, then run: evalkit validate {folder}"))
    if not information["title"] and not information["county"]:
        where = "the sheet studieinformation of the workbook" if getattr(args, "excel", False) else "datapackage.json"
        print(safe_text(f"Give the study its title in {where} (or next time with --title)."))
    return 0
