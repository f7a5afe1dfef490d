"""Language products: the third extension point of the build pipeline.

A *language product* is a set of files made once per report language **in the
parent process** (a thread of ``evalkit run``), from the executed chapters or
from the shared analyses, while the other language's notebooks still run:

* with ``after_chapters=True`` (the default) it is built as soon as every
  chapter of its language has been executed (or restored from the cache); it
  reads the executed notebooks in ``ProductContext.folder``;
* with ``after_chapters=False`` it is built as soon as the study has passed
  the pre-run checks, in parallel with the notebooks; it needs no notebook and
  takes what it shows from the shared analyses (``context.run.shared(f)``),
  e.g. a publication made from the findings, in HTML, PDF or Word.

Today:

* ``publication`` (``after_chapters=False``): the report a county publishes,
  ``publication/<language>/publication.html``, ``.pdf`` and ``.docx``
  (:mod:`evalkit.publication.product`), with the report folder's ``README.txt``;
  made for a published run of a study (not for a scratch run, nor for a folder
  without a study descriptor);
* ``report``: ``<language>/report.html``, all chapters with a table of
  contents, and ``<language>/report.pdf`` printed by headless Chromium.

Every file a product writes into its folder (``LanguageProduct.folder``) is
hashed in the manifest like any other output; a product that raises fails the
run like a failing chapter; a missing optional file (a PDF without Chromium)
is a *note*: the report is published without it and not cached.

To add one, write ``def build(context: ProductContext) -> ProductOutcome`` and
call :func:`register` with a :class:`LanguageProduct` (or append it to
:data:`LANGUAGE_PRODUCTS`). What it reads must be covered by the run key
(the study, the notebooks, evalkit's source and the environment).
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalkit import paths
from evalkit.publication import product as publication_product
from evalkit.report.plan import REPORT_NAME, Plan, RunContext
from evalkit.safeio import write_text_atomic


@dataclass(frozen=True)
class ProductContext:
    """What a language product sees.

    Attributes
    ----------
    run : RunContext
        The plan, the loaded study and the run's analysis store (``run.shared(f)``).
    language : str
        The language to build.
    folder : pathlib.Path
        Where the product writes its files: its :attr:`LanguageProduct.folder` in the
        partial report (``<partial report>/<language>/`` for the combined report).
    chapters : tuple of (chapter id, title, executed notebook path)
        The language's chapters in report order (empty for ``after_chapters=False``).
    report_folder : pathlib.Path or None
        The partial report folder itself (for a file of the whole report, such as ``README.txt``).
    """

    run: RunContext
    language: str
    folder: Path
    chapters: tuple = ()
    report_folder: Path | None = None

    @property
    def plan(self) -> Plan:
        return self.run.plan


@dataclass(frozen=True)
class ProductOutcome:
    """What a product made.

    Attributes
    ----------
    files : tuple of str
        Paths it wrote, relative to its folder.
    notes : tuple of str
        Expected files it could not make and why (printed; the run is then not cached).
    missing : tuple of str
        Those expected files, relative to the report folder (``"sv/report.pdf"``).
    messages : tuple of str
        Lines for the run's output (what it made, how long it took).
    """

    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    seconds: float = 0.0
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageProduct:
    """Files made once per language in the parent process.

    Attributes
    ----------
    name : str
        Short id (``"report"``).
    build : callable
        ``build(context: ProductContext) -> ProductOutcome``.
    description : str
        One line for messages and docs.
    after_chapters : bool
        True: built when the language's chapters are done; False: right after the checks.
    folder : str
        Its folder in the report, ``{language}`` standing for the language (``"{language}"``,
        ``"publication/{language}"``).
    pdfs : tuple of str
        The PDFs a complete report holds from it when PDFs are printed, relative to its folder
        (a report without one is published but not served from the cache).
    wanted : callable or None
        ``wanted(plan) -> bool``: whether the plan makes this product (default: always).
    """

    name: str
    build: Callable[[ProductContext], ProductOutcome]
    description: str = ""
    after_chapters: bool = True
    folder: str = "{language}"
    pdfs: tuple[str, ...] = ()
    wanted: Callable[[Plan], bool] | None = None

    @property
    def identity(self) -> list[str]:
        """What the run key records of this product: its name and building function."""
        return [self.name, f"{getattr(self.build, '__module__', '?')}:{getattr(self.build, '__qualname__', '?')}"]

    def applies(self, plan: Plan) -> bool:
        """Whether ``plan`` makes this product (:attr:`wanted`)."""
        return self.wanted is None or bool(self.wanted(plan))

    def folder_for(self, language: str) -> str:
        """Its folder in the report for ``language``, relative to the report folder."""
        return self.folder.format(language=language)


@dataclass(frozen=True)
class ProductResult:
    """One product built (or failed) for one language, as the pipeline collects it."""

    name: str
    language: str
    outcome: ProductOutcome = field(default_factory=ProductOutcome)
    error: str | None = None

    @property
    def key(self) -> str:
        return f"{self.name} [{self.language}]"

    @property
    def ok(self) -> bool:
        return self.error is None


def combined_report(context: ProductContext) -> ProductOutcome:
    """``report.html`` (every chapter, with a table of contents) and, when Chromium is there, ``report.pdf``."""
    import nbformat

    from evalkit.report import pdf as pdf_module
    from evalkit.report.html import combined_report as render
    from evalkit.report.plan import study_date, study_title

    started = time.perf_counter()
    plan, language = context.plan, context.language
    parts = [(cid, title, nbformat.read(path, as_version=4)) for cid, title, path in context.chapters]
    output = context.folder / REPORT_NAME
    date = study_date(plan)
    write_text_atomic(
        output,
        render(parts, language, plan.study_dir.name, study_title(plan.study_dir, language), plan.languages, date=date),
    )
    files, notes, missing = [REPORT_NAME], [], []
    if plan.pdf:
        target = output.with_suffix(".pdf")
        try:
            pdf_module.print_pdf(output, target, plan.chromium)
            files.append(target.name)
        except (FileNotFoundError, pdf_module.ChromiumError, OSError, subprocess.SubprocessError) as error:
            notes.append(f"{language}: {error}")
        except Exception as error:  # noqa: BLE001 - pikepdf could not read Chromium's file
            notes.append(f"{language}: {type(error).__name__}: {error}")
        if target.name not in files:
            missing.append(f"{language}/{target.name}")
    return ProductOutcome(tuple(files), tuple(notes), tuple(missing), round(time.perf_counter() - started, 2))


def publishable(plan: Plan) -> bool:
    """A published run of a study: not a scratch run (``--chapter``/``-p``), and a study descriptor is there.

    The runner's fixture folders, which are not studies, get no publication.
    """
    return not plan.scratch and (plan.study_dir / paths.STUDY_DESCRIPTOR).is_file()


def publication(context: ProductContext) -> ProductOutcome:
    """``publication.html``, ``.docx`` and, when Chromium is there, ``.pdf`` (:mod:`evalkit.publication.product`).

    Made from the study and the run's shared analyses, no notebook; the first
    language also writes the report folder's ``README.txt``.
    """
    started = time.perf_counter()
    language = context.language
    with _FIGURES:  # matplotlib draws in one thread at a time ("failed to load glyph" otherwise)
        written, why = _write_publication(context)
    files = tuple(path.relative_to(context.folder).as_posix() for path in written)
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    if why:
        where = f"{PUBLICATION_FOLDER.format(language=language)}/{PUBLICATION_PDF}"
        notes, missing = (f"{where}: {why}",), (where,)
    seconds = round(time.perf_counter() - started, 2)
    message = f"publication [{language}]: {', '.join(Path(f).name for f in files)} ({seconds:.1f} s)"
    return ProductOutcome(files, notes, missing, seconds, (message,))


def _write_publication(context: ProductContext) -> tuple[list[Path], str | None]:
    plan, language, run = context.plan, context.language, context.run
    if context.report_folder is not None and language == plan.languages[0]:
        readme = publication_product.folder_readme(plan.languages)
        write_text_atomic(context.report_folder / publication_product.README_NAME, readme)
    return publication_product.write_publication(
        run.study,
        language,
        context.folder,
        shared=run.shared,
        reveal_names=plan.reveal_names,
        pdf=plan.pdf,
        chromium=plan.chromium,
        docx_template=plan.docx_template,
    )


#: The publications of two languages are built one after the other: matplotlib is not thread-safe.
_FIGURES = threading.Lock()

#: Where the publication goes (:func:`evalkit.publication.product.publication_folder`).
PUBLICATION_FOLDER = f"{publication_product.PUBLICATION_DIR}/{{language}}"
PUBLICATION_PDF = publication_product.PDF_NAME

LANGUAGE_PRODUCTS: list[LanguageProduct] = [
    LanguageProduct(
        "publication",
        publication,
        "the publication in HTML, PDF and Word, from the shared analyses",
        after_chapters=False,
        folder=PUBLICATION_FOLDER,
        pdfs=(PUBLICATION_PDF,),
        wanted=publishable,
    ),
    LanguageProduct(
        "report", combined_report, "every chapter in one page with contents, and its PDF", pdfs=("report.pdf",)
    ),
]


def register(product: LanguageProduct) -> None:
    """Add ``product`` to :data:`LANGUAGE_PRODUCTS` (replacing one of the same name)."""
    LANGUAGE_PRODUCTS[:] = [p for p in LANGUAGE_PRODUCTS if p.name != product.name] + [product]


def build(product: LanguageProduct, context: ProductContext) -> ProductResult:
    """Build one product for one language; never raises (a failure is in the result)."""
    try:
        return ProductResult(product.name, context.language, product.build(context))
    except Exception as error:  # noqa: BLE001 - reported as a failed run, with the cause
        return ProductResult(product.name, context.language, error=f"{type(error).__name__}: {error}")


def chapter_parts(plan: Plan, folder: Path, language: str) -> tuple:
    """The (chapter id, title, executed notebook) of ``language`` in report order."""
    return tuple((c.id, c.title(language), str(Path(folder) / c.notebook)) for c in plan.chapters)


__all__: Sequence[str] = [
    "LANGUAGE_PRODUCTS",
    "LanguageProduct",
    "ProductContext",
    "ProductOutcome",
    "ProductResult",
    "build",
    "combined_report",
    "publication",
    "register",
]
