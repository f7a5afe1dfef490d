"""Kernels forked from a pre-imported zygote give the bytes a fresh kernel gives (issue 16 item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from evalkit import paths
from evalkit.chapters import CHAPTERS, LANGUAGES
from evalkit.report import execute, kernels
from evalkit.report.plan import language_parameters
from evalkit.report.tasks import ChapterTask

pytestmark = pytest.mark.skipif(not kernels.supported(), reason="kernels are forked on Linux only")


@pytest.fixture(scope="module")
def zygote():
    home = Path(tempfile.mkdtemp(prefix="evalkit-test-kernels-"))
    fresh = execute.prepare_kernel_home(home / "fresh")
    started = kernels.start_zygote(home, {**os.environ, **fresh})
    assert started is not None and started.ready(), (home / "zygote.log").read_text()
    forked = execute.prepare_kernel_home(home / "forked", zygote=started.socket_path)
    kernels.register_provisioner()
    yield fresh, forked
    started.stop()


def execute_in(environment: dict, chapter_id: str, language: str, folder: Path) -> dict[str, bytes]:
    """Execute one chapter with the kernelspec ``environment`` selects; return what it wrote."""
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        source = execute.materialise_notebook(paths.NOTEBOOKS_DIR / f"{chapter_id}.py", folder / "sources")
        report = folder / "vastmanland-2019"
        cwd = report / language
        cwd.mkdir(parents=True, exist_ok=True)
        page = {"chapter_id": chapter_id, "title": chapter_id, "language": language, "study_name": "s"}
        result = execute.execute_notebook(
            ChapterTask(
                key=f"{chapter_id} [{language}]",
                chapter=chapter_id,
                language=language,
                source=str(source),
                notebook=str(source),
                output=str(cwd / f"{chapter_id}.ipynb"),
                cwd=str(cwd),
                parameters=language_parameters(paths.DEFAULT_STUDY_DIR, report, language, False),
                page={**page, "report_title": None, "navigation": {}},
            )
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert result.ok, result
    return {p.relative_to(cwd).as_posix(): p.read_bytes() for p in sorted(cwd.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("chapter", [c.id for c in CHAPTERS])
def test_a_forked_kernel_writes_the_bytes_of_a_fresh_kernel(zygote, chapter, tmp_path):
    """Every chapter, both languages: executed notebook, page, tables and figures are identical."""
    fresh, forked = zygote
    for language in LANGUAGES:
        assert execute_in(forked, chapter, language, tmp_path / "forked") == execute_in(
            fresh, chapter, language, tmp_path / "fresh"
        ), f"{chapter} [{language}]"


@pytest.mark.slow
def test_the_zygote_imports_nothing_that_acts_on_a_running_shell():
    """matplotlib_inline registers with IPython when imported: a fork must import it afresh in the kernel."""
    code = (
        "import sys; from evalkit.report import kernels; kernels._preload(); "
        "print(sorted(n for n in kernels.NEVER_PRELOAD if n in sys.modules)); "
        "print(all(n in sys.modules for n in ('pandas', 'seaborn', 'evalkit.notebook')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert done.stdout.split() == ["[]", "True"], done.stderr
