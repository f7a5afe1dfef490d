"""The typed contract between plan, pool, execute and publish: what to execute and what came of it.

:func:`evalkit.report.plan.chapter_tasks` makes one :class:`ChapterTask` per
chapter and language; a worker process executes it
(:func:`evalkit.report.execute.execute_notebook`) and returns a
:class:`TaskResult`; the pipeline collects the result, caches the chapter and
reports failures. Both are frozen: a stage that needs to say more returns a
new value (:func:`dataclasses.replace`) instead of adding keys to a shared dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

OK = "ok"
FAILED = "failed"


@dataclass(frozen=True)
class ChapterTask:
    """One chapter notebook to execute in one language.

    Attributes
    ----------
    key : str
        Display key, ``"01_organisation [sv]"``.
    chapter, language : str
        The chapter id and the language.
    source : str
        The chapter's source (``notebooks/<id>.py`` or ``.ipynb``), named in messages.
    notebook : str
        The ``.ipynb`` that is executed (a jupytext source converted once per run).
    output : str
        Where the normalised executed notebook is written (in ``cwd``).
    cwd : str
        The kernel's working folder, ``<report>.partial-chapters/<language>-<chapter>/``
        (at the depth of a language folder, so relative study paths resolve the same way).
    parameters : mapping
        Injected by papermill (run parameters, then the chapter's ``-p`` values).
    cache_key : str
        The base key of the chapter's cache entries (:func:`evalkit.report.plan.chapter_base_key`).
    timeout : float or None
        Seconds one cell may take.
    page : mapping or None
        Keyword arguments of :func:`evalkit.report.html.chapter_page` (None: no HTML page).
    """

    key: str
    chapter: str
    language: str
    source: str
    notebook: str
    output: str
    cwd: str
    parameters: Mapping = field(default_factory=dict)
    cache_key: str = ""
    timeout: float | None = None
    page: Mapping | None = None


@dataclass(frozen=True)
class TaskResult:
    """What executing one :class:`ChapterTask` gave.

    Attributes
    ----------
    key, chapter, language : str
        As in the task.
    status : str
        ``"ok"`` or ``"failed"``.
    seconds : float
        Wall time in the worker.
    cell : int or None
        Failed cell, numbered as in the source notebook.
    execution_count : int or None
        Its ``In [n]``.
    error : str or None
        One line: the error's name and message.
    partial : str or None
        The partially executed notebook a failure left (for ``failed/``).
    """

    key: str
    chapter: str
    language: str
    status: str = OK
    seconds: float = 0.0
    cell: int | None = None
    execution_count: int | None = None
    error: str | None = None
    partial: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass(frozen=True)
class ChapterFailure:
    """A failed chapter as the run reports it: its result and the notebook it came from."""

    result: TaskResult
    notebook: str

    @property
    def key(self) -> str:
        return self.result.key
