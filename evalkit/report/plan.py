"""The plan of a run: what will be executed, with which parameters, under which run key.

:func:`make_plan` is the first stage of the build pipeline
(:mod:`evalkit.report.pipeline`). It resolves the study and report folders,
hashes the inputs, the chapter notebooks and the software environment, and
derives the *run key*: one key (:func:`evalkit.cache.key`) over everything
that can change an output. Nothing is executed or written here.

The kernel's working directory is the language folder, so the notebook
parameters are relative paths (``study="../../../data/<study>"``,
``output_dir="."``) and the executed notebooks do not depend on where the
project is checked out.
"""

from __future__ import annotations

import json
import os
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from evalkit import paths
from evalkit.cache import key
from evalkit.chapters import (
    LANGUAGES,
    RUN_PARAMETERS,
    Chapter,
    ParameterError,
    check_parameter,
    declared_parameters,
    notebook_parameters,
    parameter_ranges,
    parse_parameter,
)
from evalkit.paths import display_path
from evalkit.report import manifest as manifest_module
from evalkit.report.pdfua import document_date

REPORT_NAME = "report.html"
SCRATCH_DIRNAME = ".scratch"


class RunError(RuntimeError):
    """The run could not start or was refused; the message says why.

    Attributes
    ----------
    exit_code : int
        What ``evalkit run`` exits with (2: unusable input or a refusing pre-run check).
    """

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Plan:
    """Everything a run needs, computed before anything is executed.

    Attributes
    ----------
    study_dir, report_dir, notebooks_dir : pathlib.Path
        Resolved folders.
    languages : tuple of str
    chapters : tuple of Chapter
    reveal_names, pdf : bool
        ``pdf`` is False when Chromium is missing.
    chromium : str or None
        The Chromium that prints the PDFs (found once, in the parent process).
    docx_template : pathlib.Path or None
        The Word template of the publication's .docx (``--docx-template`` or the study's
        ``evalkit:docx_template``); None for Word's default styles.
    scratch : bool
        A student's run (some chapters, or ``-p`` parameters): written to
        ``reports/.scratch/<study>-<digest>/``, never to the published report folder.
    artefacts : tuple of ReportArtefact
        The report artefacts computed once per run (:mod:`evalkit.report.artefacts`).
    parameters : dict
        ``{language: notebook parameters}`` set by ``evalkit run`` for every chapter.
    chapter_parameters : dict
        ``{chapter id: {name: value}}`` given with ``-p`` (each checked against the notebook's own parameters).
    inputs, notebooks : dict
        SHA-256 of the study's files and of each chapter's notebook.
    environment : dict
        evalkit's version and source digest, Python's version and every installed package
        (:func:`evalkit.report.manifest.environment`).
    products : tuple of LanguageProduct
        What is built per language in the parent process (:mod:`evalkit.report.products`).
    identity : dict
        The study's identity (:func:`study_identity`), recorded in the manifest.
    run_key : str
        :func:`evalkit.cache.key` of :func:`key_material`.
    """

    study_dir: Path
    report_dir: Path
    languages: tuple
    chapters: tuple
    notebooks_dir: Path
    reveal_names: bool
    pdf: bool
    artefacts: tuple
    parameters: dict
    inputs: dict
    notebooks: dict
    environment: dict
    chapter_parameters: dict = field(default_factory=dict)
    chromium: str | None = None
    docx_template: Path | None = None
    scratch: bool = False
    products: tuple = ()
    identity: dict = field(default_factory=dict)
    run_key: str = ""

    @property
    def expected_pdfs(self) -> tuple[str, ...]:
        """The PDFs a complete report of this plan holds: its products' (none when PDFs are off)."""
        if not self.pdf:
            return ()
        return tuple(
            f"{product.folder_for(language)}/{name}"
            for product in self.products
            for language in self.languages
            for name in product.pdfs
        )


@dataclass
class RunContext:
    """What pre-run checks and report artefacts see: the plan, the overrides and the loaded study.

    The study is loaded once, on first use, and shared (thread-safe).
    ``store`` is the folder of the run's analysis store, also given to the
    notebooks; ``cache`` the run's content store (:mod:`evalkit.cache`).
    """

    plan: Plan
    overrides: frozenset = frozenset()
    store: Path | None = None
    cache: object = None
    _study: object = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def study_dir(self) -> Path:
        return self.plan.study_dir

    @property
    def study(self):
        """The loaded :class:`~evalkit.study.Study` (raises ``StudyValidationError`` if invalid)."""
        with self._lock:
            if self._study is None:
                from evalkit.study import load_study

                self._study = load_study(self.plan.study_dir)
            return self._study

    def shared(self, function, **params):
        """Return ``function(self.study, **params)`` through the run's analysis store (:mod:`evalkit.report.store`)."""
        from evalkit.report import store

        return store.shared_in(self.store or store.store_dir(), function, self.study, **params)


def parse_languages(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Parse ``"sv,en"`` (or a sequence) into a tuple of known languages, order kept."""
    if text is None:
        return LANGUAGES
    items = text.split(",") if isinstance(text, str) else list(text)
    languages = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown or not languages:
        raise RunError(
            f"unknown language(s) {', '.join(unknown) or '(none)'}; use a comma-separated subset of {','.join(LANGUAGES)}"
        )
    return languages


def check_inputs(study_dir: Path, chapters: Sequence[Chapter], notebooks_dir: Path, report_dir: Path) -> None:
    """Raise :class:`RunError` when the study, a notebook or the report location is unusable."""
    if not study_dir.is_dir():
        raise RunError(f"study folder not found: {display_path(study_dir)}")
    missing = [c.notebook for c in chapters if not c.notebook_path(notebooks_dir).is_file()]
    if missing:
        raise RunError(f"chapter notebook(s) missing in {display_path(notebooks_dir)}: {', '.join(missing)}")
    if not chapters:
        raise RunError("no chapters to run")
    resolved_report = report_dir.resolve()
    resolved_study = study_dir.resolve()
    if resolved_report == resolved_study or resolved_study in resolved_report.parents:
        raise RunError(
            f"the report folder {display_path(report_dir)} would be inside the study folder; choose another --reports-root"
        )
    problems = study_folder_problems(study_dir) + report_folder_problems(study_dir, report_dir)
    if problems:
        raise RunError("\n".join(problems))


def study_folder_problems(study_dir: Path) -> list[str]:
    """Return why a study folder cannot be run safely: symbolic links, hidden resources, a hidden name.

    A run's key and manifest record the SHA-256 of every visible regular file in
    the study folder. A symbolic link (to a file or a folder, possibly outside
    the study) or a resource in a hidden file would be read by the loader but
    not recorded, so a change to it could be served stale from the cache.
    """
    problems = []
    if study_dir.name.startswith("."):
        problems.append(
            f"the study folder {display_path(study_dir)} has a hidden name; its report folder would be "
            "hidden too. Rename the folder without the leading '.'"
        )
    links = []
    for root, dirs, files in os.walk(study_dir):
        for name in sorted(dirs + files):
            path = Path(root) / name
            if path.is_symlink():
                links.append(f"{path.relative_to(study_dir).as_posix()} -> {os.readlink(path)}")
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
    if links:
        problems.append(
            f"the study {display_path(study_dir)} holds symbolic links: {'; '.join(links)}. evalkit reads only "
            "regular files inside the study folder, so that every input is recorded in the manifest; "
            "replace each link by a copy of what it points to"
        )
    problems.extend(hidden_resource_problems(study_dir))
    return problems


def hidden_resource_problems(study_dir: Path) -> list[str]:
    """Return a line per resource of ``datapackage.json`` whose path has a hidden part (``.x.csv``)."""
    try:
        with open(study_dir / paths.STUDY_DESCRIPTOR, encoding="utf-8") as handle:
            descriptor = json.load(handle)
    except (OSError, ValueError):
        return []  # validation reports an unreadable descriptor
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    problems = []
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict):
            continue
        for path in resource.get("path") if isinstance(resource.get("path"), list) else [resource.get("path")]:
            if isinstance(path, str) and any(part.startswith(".") for part in Path(path).parts):
                problems.append(
                    f"{paths.STUDY_DESCRIPTOR}: resource {resource.get('name')!r} is in the hidden file {path!r}; "
                    "hidden files are not recorded in a report's manifest. Rename the file without the leading "
                    f"'.' and change its path in {paths.STUDY_DESCRIPTOR}"
                )
    return problems


def report_folder_problems(study_dir: Path, report_dir: Path) -> list[str]:
    """Return why ``report_dir`` may not be replaced by a report of ``study_dir``.

    The report folder is named after the study folder. It may not be a file
    (``reports/README.md``), a folder that is not a report, or the report of a
    different study folder with the same name.
    """
    from evalkit.report import manifest as manifest_module

    shown = display_path(report_dir)
    if report_dir.is_symlink() or (report_dir.exists() and not report_dir.is_dir()):
        return [
            f"{shown} exists and is not a report folder; a study folder named {study_dir.name!r} would replace it. "
            "Rename the study folder or choose another --reports-root"
        ]
    if not report_dir.is_dir():
        return []
    try:
        manifest = manifest_module.read_manifest(report_dir)
    except FileNotFoundError:
        if {p.name for p in report_dir.iterdir()} <= {"failed"}:
            return []
        return [
            f"{shown} exists but holds no manifest.json: it is not a report folder; move it or choose another --reports-root"
        ]
    except manifest_module.ManifestError as error:
        return [f"{error}; move {shown} away or choose another --reports-root"]
    recorded = manifest.get("study") if isinstance(manifest.get("study"), dict) else {}
    path = recorded.get("path")
    if isinstance(path, str) and (report_dir / path).resolve() == study_dir.resolve():
        return []
    if same_study(recorded, study_dir):
        return []  # the report folder (or the study) was moved: recognised by the study's identity
    return [
        f"{shown} holds the report of another study ({describe_identity(recorded)}); a run of "
        f"{display_path(study_dir)} ({describe_identity({'identity': study_identity(study_dir)})}) would replace it. "
        "Use --reports-root to write elsewhere"
    ]


def study_identity(study_dir: Path) -> dict:
    """Return what identifies a study wherever its folder is: folder name, data-package name and id.

    Recorded in the manifest (``study.identity``), so a report folder moved to
    another root (or a study folder moved) is still recognised as that study's
    report, while the report of a different study with the same folder name is not.
    """
    try:
        with open(Path(study_dir) / paths.STUDY_DESCRIPTOR, encoding="utf-8") as handle:
            descriptor = json.load(handle)
    except (OSError, ValueError):
        descriptor = {}
    descriptor = descriptor if isinstance(descriptor, dict) else {}
    identity = {"folder": Path(study_dir).name}
    for name in ("name", "id"):
        if isinstance(descriptor.get(name), str) and descriptor[name]:
            identity[name] = descriptor[name]
    return identity


def same_study(recorded: dict, study_dir: Path) -> bool:
    """Whether a manifest's ``study`` entry names the study in ``study_dir`` (by identity, not by path).

    A manifest written before identities were recorded is recognised by its
    folder name and the SHA-256 of its descriptor.
    """
    identity = recorded.get("identity")
    if isinstance(identity, dict):
        # a folder without a data-package name or id (not a study) is known only by its path
        return bool(identity.get("name") or identity.get("id")) and identity == study_identity(study_dir)
    files = recorded.get("files") if isinstance(recorded.get("files"), dict) else {}
    descriptor = Path(study_dir) / paths.STUDY_DESCRIPTOR
    return (
        recorded.get("name") == Path(study_dir).name
        and descriptor.is_file()
        and files.get(paths.STUDY_DESCRIPTOR) == manifest_module.sha256_file(descriptor)
    )


def describe_identity(recorded: dict) -> str:
    """``study folder 'x', data package 'y'`` for messages (never a path that may not exist)."""
    identity = recorded.get("identity") if isinstance(recorded.get("identity"), dict) else {}
    folder = identity.get("folder") or recorded.get("name") or "?"
    parts = [f"study folder {folder!r}"]
    if identity.get("name"):
        parts.append(f"data package {identity['name']!r}")
    if identity.get("id"):
        parts.append(f"id {identity['id']!r}")
    return ", ".join(parts)


def language_parameters(study_dir: Path, report_dir: Path, language: str, reveal_names: bool) -> dict:
    """Return the notebook parameters for ``language``; paths relative to the kernel's working directory."""
    working_dir = report_dir / language
    return notebook_parameters(
        study=manifest_module.relative(study_dir, working_dir),
        language=language,
        output_dir=".",
        reveal_names=reveal_names,
    )


def chapter_parameter_values(chapters: Sequence[Chapter], notebooks_dir: Path, given: dict) -> dict:
    """Check ``-p`` parameters against the selected notebooks' own; return ``{chapter id: {name: value}}``.

    A value given as text (from the command line) is converted to the type of
    the parameter's default; any other value must already have that type. Each
    parameter goes to every selected chapter that declares it.

    Raises
    ------
    RunError
        A name no selected notebook declares (listing the ones they do), a
        name that ``evalkit run`` sets itself, a value of the wrong type, a
        number that is not finite, or a value outside the range the notebook
        declares for the parameter (``# in [0, 1]: …``).
    """
    if not given:
        return {}
    declared = {c.id: declared_parameters(c.notebook_path(notebooks_dir)) for c in chapters}
    ranges = {c.id: parameter_ranges(c.notebook_path(notebooks_dir)) for c in chapters}
    values: dict[str, dict] = {}
    for name, value in given.items():
        if name in RUN_PARAMETERS:
            raise RunError(
                f"-p {name}: set by evalkit run itself (use the study argument, --language or --reveal-names)"
            )
        owners = [chapter_id for chapter_id, names in declared.items() if name in names]
        if not owners:
            known = sorted({n for names in declared.values() for n in names} - RUN_PARAMETERS)
            raise RunError(
                f"-p {name}: unknown parameter; the selected chapters' parameters are: "
                + (
                    ", ".join(f"{n} ({', '.join(c for c, names in declared.items() if n in names)})" for n in known)
                    or "(none)"
                )
            )
        for chapter_id in owners:
            names = declared[chapter_id]
            try:
                typed = parse_parameter(name, value, names) if isinstance(value, str) else value
                typed = check_parameter(name, typed, names, ranges[chapter_id])
            except ParameterError as error:
                raise RunError(f"-p {name}: {error}") from None
            values.setdefault(chapter_id, {})[name] = typed
    return {chapter_id: dict(sorted(items.items())) for chapter_id, items in values.items()}


def scratch_dir_for(study_dir: Path, reports_root: Path | None, material: dict) -> Path:
    """Return ``<reports root>/.scratch/<study>-<digest>``: one folder per chapter selection and parameters."""
    digest = manifest_module.digest_of(material)[:10]
    return (reports_root or paths.REPORTS_DIR) / SCRATCH_DIRNAME / f"{study_dir.name}-{digest}"


def make_plan(
    study_dir,
    languages: Sequence[str],
    reports_root,
    chapters: Sequence[Chapter],
    notebooks_dir,
    reveal_names: bool,
    pdf: bool,
    artefacts: Sequence = (),
    parameters: dict | None = None,
    scratch: bool = False,
    products: Sequence | None = None,
    report_dir: Path | None = None,
    docx_template=None,
) -> Plan:
    """Hash inputs, notebooks and environment and derive the run key (nothing is executed).

    With ``parameters`` (``-p``) or ``scratch`` the report goes to a scratch
    folder (:func:`scratch_dir_for`), never to the published one; ``report_dir``
    names another folder (``evalkit preview``'s, beside the published one).
    """
    from evalkit.report.pdf import find_chromium

    study_dir = Path(study_dir).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR).resolve()
    reports_root = Path(reports_root).resolve() if reports_root else None
    missing = [c.notebook for c in chapters if not c.notebook_path(notebooks_dir).is_file()]
    if missing:
        raise RunError(f"chapter notebook(s) missing in {display_path(notebooks_dir)}: {', '.join(missing)}")
    chapter_parameters = chapter_parameter_values(chapters, notebooks_dir, dict(parameters or {}))
    scratch = bool(scratch or chapter_parameters)
    if report_dir is not None:
        report_dir = Path(report_dir).resolve()
    elif scratch:
        selection = {
            "chapters": [c.id for c in chapters],
            "languages": list(languages),
            "parameters": chapter_parameters,
            "reveal_names": bool(reveal_names),
        }
        report_dir = scratch_dir_for(study_dir, reports_root, selection)
    else:
        report_dir = paths.report_dir_for(study_dir, reports_root)
    check_inputs(study_dir, chapters, notebooks_dir, report_dir)
    template = word_template(study_dir, docx_template)
    chromium = find_chromium() if pdf else None
    plan = Plan(
        study_dir=study_dir,
        report_dir=report_dir,
        languages=tuple(languages),
        chapters=tuple(chapters),
        notebooks_dir=notebooks_dir,
        reveal_names=bool(reveal_names),
        pdf=chromium is not None,
        chromium=chromium,
        docx_template=template,
        artefacts=tuple(artefacts),
        parameters={lang: language_parameters(study_dir, report_dir, lang, reveal_names) for lang in languages},
        chapter_parameters=chapter_parameters,
        scratch=scratch,
        inputs=manifest_module.hash_tree(study_dir),
        notebooks={c.id: manifest_module.sha256_file(c.notebook_path(notebooks_dir)) for c in chapters},
        environment=manifest_module.environment(),
        products=tuple(products or ()),
        identity=study_identity(study_dir),
    )
    plan = replace(plan, products=tuple(product for product in plan.products if product.applies(plan)))
    return replace(plan, run_key=key("reports", key_material(plan)))


def word_template(study_dir: Path, option=None) -> Path | None:
    """The Word template of the run (the option, else the study's ``evalkit:docx_template``), checked to exist."""
    from evalkit.publication.docx import template_of

    template = template_of(study_dir, option)
    if template is None:
        return None
    where = "--docx-template" if option else f"{paths.STUDY_DESCRIPTOR}: evalkit:docx_template"
    if not template.is_file():
        raise RunError(f"{where}: the Word template {display_path(template)} is not a file; give a .docx or .dotx")
    if not zipfile.is_zipfile(template):
        raise RunError(f"{where}: {display_path(template)} is not a Word document or template; give a .docx or .dotx")
    return template.resolve()


def chapter_key(plan: Plan, chapter: Chapter, language: str) -> str:
    """Return the base key of one chapter in one language: everything that can change its outputs but the study.

    Under it, each cached run of the chapter is filed with the parts of the
    study it read and their digests (:mod:`evalkit.study.tracing`), so a
    change to the study executes only the chapters that read what changed;
    a change to the chapter's notebook, its parameters, its page (titles,
    navigation) or the software executes it again whatever it read.
    """
    return key(
        "chapters",
        {
            "notebook": plan.notebooks[chapter.id],
            "chapter": [chapter.id, chapter.title_sv, chapter.title_en],
            "language": language,
            "parameters": {**plan.parameters[language], **plan.chapter_parameters.get(chapter.id, {})},
            "page": [plan.study_dir.name, study_title(plan.study_dir, language), study_date(plan)],
            "identity": plan.identity,
            "navigation": chapter_navigation(plan, chapter, language),
            "environment": plan.environment,
        },
    )


def key_material(plan: Plan) -> dict:
    """Return what the run key is a digest of (everything that can change an output)."""
    return {
        "inputs": plan.inputs,
        "notebooks": plan.notebooks,
        "chapters": [[c.id, c.title_sv, c.title_en] for c in plan.chapters],
        "languages": list(plan.languages),
        "parameters": plan.parameters,
        "chapter_parameters": plan.chapter_parameters,
        "environment": plan.environment,
        "pdf": plan.pdf,
        "artefacts": [artefact.identity for artefact in plan.artefacts],
        "products": [product.identity for product in plan.products],
        "identity": plan.identity,
        **({"docx_template": manifest_module.sha256_file(plan.docx_template)} if plan.docx_template else {}),
        "date": study_date(plan),
    }


def study_date(plan: Plan) -> str:
    """The date the study's pages and PDFs carry (:func:`evalkit.report.pdfua.document_date`), ``YYYY-MM-DD``.

    It may come from ``SOURCE_DATE_EPOCH`` rather than the study, so the run key and the
    chapter keys hold it; read once per study state and environment value.
    """
    return _study_date(plan.study_dir, key("inputs", plan.inputs), os.environ.get("SOURCE_DATE_EPOCH", ""))


@lru_cache(maxsize=16)
def _study_date(study_dir: Path, inputs: str, epoch: str) -> str:
    return document_date(study_dir).date().isoformat()


# --------------------------------------------------------------------------- tasks for the pool


def study_title(study_dir: Path, language: str) -> str | None:
    """Return the study's title in ``language`` (the running header of the analysis's pages), or None.

    The title of that language edition (:func:`evalkit.study.metadata.edition_title`:
    ``evalkit:title_<language>``, else the descriptor's ``title`` when the study is
    written in that language, else a title made from the study's county), so an
    English page never carries the Swedish title. None when the study has no
    readable descriptor.
    """
    from evalkit.study.metadata import edition_title

    try:
        with open(Path(study_dir) / paths.STUDY_DESCRIPTOR, encoding="utf-8") as handle:
            descriptor = json.load(handle)
    except (OSError, ValueError):
        return None
    return edition_title(descriptor, language) if isinstance(descriptor, dict) else None


def chapter_navigation(plan: Plan, chapter: Chapter, language: str) -> dict:
    """Return the links of ``chapter``'s page: its neighbours in the plan, the contents, other languages."""
    from evalkit.report.html import chapter_navigation as navigation

    pages = [(f"{Path(c.notebook).stem}.html", c.title(language)) for c in plan.chapters]
    return navigation(pages, list(plan.chapters).index(chapter), language, plan.languages)


def chapter_tasks(plan: Plan, chapters_dir: Path, sources_dir: Path, html: bool = True, timeout: float | None = None):
    """Return one :class:`~evalkit.report.tasks.ChapterTask` per (language, chapter), language by language.

    Each task runs in its own folder ``chapters_dir/<language>-<chapter>/``, at the
    depth of a language folder so the relative ``study`` parameter resolves the
    same way; the pipeline then moves what it wrote into the language folder.
    Chapters kept as jupytext scripts are converted to notebooks in ``sources_dir``.
    """
    from evalkit.report.execute import materialise_notebook
    from evalkit.report.tasks import ChapterTask

    notebooks = {c.id: materialise_notebook(c.notebook_path(plan.notebooks_dir), sources_dir) for c in plan.chapters}
    date = study_date(plan)
    tasks = []
    for language in plan.languages:
        for chapter in plan.chapters:
            folder = Path(chapters_dir) / f"{language}-{chapter.id}"
            page = None
            if html:
                page = {
                    "chapter_id": chapter.id,
                    "title": chapter.title(language),
                    "language": language,
                    "study_name": plan.study_dir.name,
                    "report_title": study_title(plan.study_dir, language),
                    "navigation": chapter_navigation(plan, chapter, language),
                    "date": date,
                }
            tasks.append(
                ChapterTask(
                    key=f"{chapter.id} [{language}]",
                    chapter=chapter.id,
                    language=language,
                    source=str(chapter.notebook_path(plan.notebooks_dir)),
                    notebook=str(notebooks[chapter.id]),
                    output=str(folder / chapter.notebook),
                    cwd=str(folder),
                    parameters={**plan.parameters[language], **plan.chapter_parameters.get(chapter.id, {})},
                    cache_key=chapter_key(plan, chapter, language),
                    timeout=timeout,
                    page=page,
                )
            )
    return tasks
