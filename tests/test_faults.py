"""Faults and hostile study folders: kill -9, a dying kernel, unwritable reports, name collisions, links.

reviews/reliability.md P44 (orphans after kill -9), P48b (dead kernel), P46/P63 (unwritable or full
reports/), P49b (failed PDF cached), P31/P31c/P55 (links and hidden resources read but not hashed,
reviews/repro/stale_cache_hidden_input.sh), P58/P59 (report folder collisions).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from test_runner import FIXTURES, GOOD, make_study, run

from evalkit import paths
from evalkit.chapters import Chapter
from evalkit.report.plan import RunError
from evalkit.runner import cli_run, configure_parser

STUDY = paths.DEFAULT_STUDY_NAME


def chapter_notebook(folder: Path, chapter_id: str, *sources: str) -> Chapter:
    """Write a fixture chapter notebook whose code cells are ``sources`` (after the parameters cell)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell(
        'study = "."\nlanguage = "en"\noutput_dir = "."\nreveal_names = False', metadata={"tags": ["parameters"]}
    )
    nb.cells = [parameters, *(nbformat.v4.new_code_cell(source) for source in sources)]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{chapter_id}.ipynb")
    return Chapter(chapter_id, chapter_id, chapter_id)


def children_of() -> dict[int, list[int]]:
    """``{pid: [child pids]}`` of every process, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> set[int]:
    tree, found, todo = children_of(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def parent_of(pid: int) -> int | None:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_kill_9_of_a_run_leaves_no_orphan_process(tmp_path):
    """P44: fork server, workers, kernels all die with a killed `evalkit run`."""
    notebooks = tmp_path / "notebooks"
    chapter_notebook(notebooks, "20_sleep_a", "import time\ntime.sleep(120)")
    chapter_notebook(notebooks, "21_sleep_b", "import time\ntime.sleep(120)")
    study = make_study(tmp_path / "data" / "fixture-study")
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(
            f"""
            from evalkit.chapters import Chapter
            from evalkit.report.pipeline import run_study
            if __name__ == "__main__":
                run_study({str(study)!r}, languages="en", pdf=False, checks=(), artefacts=(),
                          chapters=[Chapter("20_sleep_a", "a", "a"), Chapter("21_sleep_b", "b", "b")],
                          notebooks_dir={str(notebooks)!r}, reports_root={str(tmp_path / "reports")!r},
                          cache_dir={str(tmp_path / "cache")!r})
            """
        )
    )
    process = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            started = descendants(process.pid)
            # a kernel is forked from the kernel zygote (evalkit.report.kernels), or started afresh
            # (kernel_launcher) where kernels cannot be forked
            named = [pid for pid in started if "kernel_launcher" in cmdline(pid) or "report.kernels" in cmdline(pid)]
            kernels = [pid for pid in named if parent_of(pid) in named or "kernel_launcher" in cmdline(pid)]
            if len(kernels) == 2:
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"the kernels did not start: {[cmdline(p) for p in descendants(process.pid)]}")
        time.sleep(1)
        started = descendants(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(alive(pid) for pid in started):
            time.sleep(0.2)
        orphans = {pid: cmdline(pid) for pid in started if alive(pid)}
        assert orphans == {}, f"still running after kill -9 of evalkit run: {orphans}"
        assert len(started) >= 5, started  # fork server, 2 workers, 2 kernels (+ zygote, resource tracker)
    finally:
        for pid in descendants(process.pid) | {process.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


@pytest.mark.slow
def test_a_dying_kernel_names_the_cell_and_keeps_the_partial_notebook(tmp_path, capsys):
    """P48b: os._exit in cell 3 is reported as cell 3, with the last finished cell, and the partial notebook kept."""
    notebooks = tmp_path / "notebooks"
    chapter = chapter_notebook(notebooks, "30_dies", "x = 1", "print('before')", "import os\nos._exit(1)", "y = 2")
    study = make_study(tmp_path / "data" / "fixture-study")
    result = run(study, tmp_path, chapters=(chapter,), notebooks_dir=notebooks)
    out = capsys.readouterr().out
    assert result.status == "failed"
    assert "30_dies [en] failed in cell 4: DeadKernelError: Kernel died (the last cell that finished was cell 3)" in out
    partial = tmp_path / "reports" / "fixture-study" / "failed" / "en" / "30_dies.ipynb"
    kept = nbformat.read(partial, as_version=4)
    printed = next(cell for cell in kept.cells if cell.source == "print('before')")
    assert printed.outputs[0]["text"] == "before\n"
    assert "partial executed notebook" in out


def test_a_failure_outside_any_cell_reads_as_a_sentence():
    """P63: a full disk failed a notebook 'in before any cell finished'."""
    from dataclasses import replace

    from evalkit.report.pipeline import failure_message
    from evalkit.report.tasks import ChapterFailure, TaskResult

    result = TaskResult(
        "04_success_factors [en]",
        "04_success_factors",
        "en",
        "failed",
        error="OSError: [Errno 28] No space left on device",
    )
    message = failure_message(ChapterFailure(result, "notebooks/04_success_factors.py"))
    assert message.splitlines()[0] == (
        "04_success_factors [en] failed before any cell finished: OSError: [Errno 28] No space left on device"
    )
    failure = ChapterFailure(replace(result, cell=4, execution_count=3), "notebooks/04_success_factors.py")
    message = failure_message(failure)
    assert message.splitlines()[0].startswith("04_success_factors [en] failed in cell 4 (In [3]): OSError")


@pytest.mark.parametrize("failing_rename", [1, 2])
def test_a_report_that_cannot_be_swapped_in_leaves_the_previous_one(tmp_path, failing_rename):
    """P46b: the report folder cannot be renamed (EBUSY) at swap time; rename 2 failing lost the folder."""
    import errno
    from unittest import mock

    from evalkit.report import publish

    study = make_study(tmp_path / "data" / "fixture-study")
    run(study, tmp_path)
    report_dir = tmp_path / "reports" / "fixture-study"
    before = {p.relative_to(report_dir): p.read_bytes() for p in report_dir.rglob("*") if p.is_file()}
    real_replace = os.replace

    def replace(source, target):
        moves_old_report = Path(source) == report_dir
        moves_new_report = Path(target) == report_dir and Path(source).name.endswith(".partial")
        if (moves_old_report, moves_new_report)[failing_rename - 1]:
            raise OSError(errno.EBUSY, "Device or resource busy", str(source), None, str(target))
        return real_replace(source, target)

    with mock.patch.object(publish.os, "replace", replace), pytest.raises(OSError, match="Device or resource busy"):
        run(study, tmp_path, force=True)
    after = {p.relative_to(report_dir): p.read_bytes() for p in report_dir.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in (tmp_path / "reports").iterdir() if not p.name.endswith(".lock")) == ["fixture-study"]


def cli(*arguments: str) -> int:
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    return cli_run(parser.parse_args(list(arguments)))


def test_an_unwritable_reports_folder_is_one_line_on_stderr(tmp_path, capsys):
    """P46/P63: a reports root that cannot be created or written gives one line, exit 1, no traceback."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the reports root should be")
    code = cli(str(paths.DEFAULT_STUDY_DIR), "--reports-root", str(blocker / "reports"), "--no-pdf")
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("evalkit run: cannot write") and "Not a directory" in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert captured.out == ""


def test_errors_go_to_stderr(tmp_path, capsys):
    """ux.md §3: every evalkit run error goes to stderr."""
    assert cli(str(tmp_path / "missing")) == 2
    captured = capsys.readouterr()
    assert "study folder not found" in captured.err and captured.out == ""
    assert cli(str(paths.DEFAULT_STUDY_DIR), "--language", "de") == 2
    assert "unknown language" in capsys.readouterr().err


def copy_default_study(root: Path, name: str = STUDY) -> Path:
    study = root / "data" / name
    shutil.copytree(paths.DEFAULT_STUDY_DIR, study)
    return study


def test_a_hidden_resource_file_is_refused_before_anything_runs(tmp_path):
    """reviews/repro/stale_cache_hidden_input.sh (P55): a resource in a hidden file would not be hashed."""
    study = copy_default_study(tmp_path)
    (study / "municipalities.csv").rename(study / ".municipalities.csv")
    descriptor = json.loads((study / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "municipalities":
            resource["path"] = ".municipalities.csv"
    (study / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RunError, match=r"resource 'municipalities' is in the hidden file '\.municipalities\.csv'"):
        run(study, tmp_path, chapters=GOOD, notebooks_dir=FIXTURES)
    assert not (tmp_path / "reports" / STUDY).exists()


def test_symbolic_links_in_a_study_are_refused(tmp_path):
    """P31/P31c: a linked file or folder (possibly outside the study) would be read but not hashed."""
    study = copy_default_study(tmp_path)
    outside = tmp_path / "elsewhere" / "codebook"
    shutil.move(study / "codebook", outside)
    (study / "codebook").symlink_to(outside, target_is_directory=True)
    with pytest.raises(RunError, match=r"holds symbolic links: codebook -> "):
        run(study, tmp_path, chapters=GOOD, notebooks_dir=FIXTURES)


def test_a_study_named_like_a_file_in_reports_is_refused(tmp_path):
    """P58: a study folder named README.md may not replace reports/README.md."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "README.md").write_text("kept")
    study = make_study(tmp_path / "data" / "README.md")
    with pytest.raises(RunError, match=r"README.md exists and is not a report folder"):
        run(study, tmp_path)
    assert (tmp_path / "reports" / "README.md").read_text() == "kept"


@pytest.mark.slow
def test_a_study_with_the_name_of_another_studys_report_is_refused(tmp_path):
    """P59: two study folders with the same name may not overwrite each other's report."""
    first = make_study(tmp_path / "data" / "county")
    assert run(first, tmp_path).status == "ran"
    second = make_study(tmp_path / "other" / "county", b_value=9)
    with pytest.raises(RunError, match=r"holds the report of another study \(study folder 'county'\)"):
        run(second, tmp_path)
    assert run(second, tmp_path, reports_root=tmp_path / "elsewhere").status == "ran"


def small_study(folder: Path, name: str) -> Path:
    """A fixture study with a data-package descriptor (what identifies a study wherever it is)."""
    make_study(folder)
    (folder / "datapackage.json").write_text(json.dumps({"name": name, "resources": []}), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_moved_report_folder_is_recognised_by_its_study_identity(tmp_path):
    """N29: a report folder copied to another root at another depth is still the report of that study."""
    study = small_study(tmp_path / "data" / "county", "county-2024")
    assert run(study, tmp_path).status == "ran"
    moved_root = tmp_path / "w" / "f1"
    moved_root.mkdir(parents=True)
    shutil.copytree(tmp_path / "reports" / "county", moved_root / "county", symlinks=True)
    again = run(study, tmp_path, reports_root=moved_root, force=True)
    assert again.status == "ran", again.messages
    manifest = json.loads((moved_root / "county" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["study"]["identity"] == {"folder": "county", "name": "county-2024"}
    other = small_study(tmp_path / "other" / "county", "another-county")
    with pytest.raises(RunError) as refused:
        run(other, tmp_path, reports_root=moved_root)
    message = str(refused.value)
    assert "holds the report of another study (study folder 'county', data package 'county-2024')" in message
    assert "data/county" not in message, "the refusal names the study by identity, not by a path that may not exist"


@pytest.mark.slow
def test_a_run_whose_pdf_failed_is_not_served_from_the_cache(tmp_path, monkeypatch, capsys):
    """P49b: Chromium failing once must not leave a report without PDF that later runs serve as complete."""
    monkeypatch.setenv("EVALKIT_CHROMIUM", "/bin/false")
    study = make_study(tmp_path / "data" / "fixture-study")
    first = run(study, tmp_path, pdf=True)
    assert first.status == "ran"
    out = capsys.readouterr().out
    assert "PDF not made for en: Chromium did not write report.pdf (exit 1): it printed no message" in out
    assert not list((tmp_path / "cache" / "reports").glob("*.json")), "an incomplete report is not cached"
    second = run(study, tmp_path, pdf=True)
    assert second.status == "ran", "the incomplete report is made again, not served"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process tree read from /proc")
def test_ctrl_c_ends_a_run_with_one_line_and_leaves_the_previous_report(tmp_path):
    """N38: SIGINT to the run's process group while kernels execute: one line, exit 130, nothing left behind."""
    notebooks = tmp_path / "notebooks"
    chapter_notebook(notebooks, "20_sleep_a", "import time\ntime.sleep(120)")
    chapter_notebook(notebooks, "21_sleep_b", "import time\ntime.sleep(120)")
    study = make_study(tmp_path / "data" / "fixture-study")
    assert run(study, tmp_path).status == "ran"  # the previous report
    report = tmp_path / "reports" / "fixture-study"
    before = {p.relative_to(report).as_posix(): p.read_bytes() for p in report.rglob("*") if p.is_file()}
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            from evalkit import cli, paths, runner
            from evalkit.chapters import Chapter
            from evalkit.report import artefacts, checks
            runner.CHAPTERS = (Chapter("20_sleep_a", "a", "a"), Chapter("21_sleep_b", "b", "b"))
            paths.NOTEBOOKS_DIR = Path({str(notebooks)!r})
            checks.PRE_RUN_CHECKS[:] = []
            artefacts.REPORT_ARTEFACTS[:] = []
            if __name__ == "__main__":
                sys.exit(cli.main(["run", {str(study)!r}, "--language", "en", "--no-pdf",
                                   "--reports-root", {str(tmp_path / "reports")!r}]))
            """
        )
    )
    environment = {**os.environ, paths.CACHE_ENV: str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, str(driver)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=True,  # its own process group, as a shell gives a command
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            seen |= descendants(process.pid)
            # Ctrl-C once the notebooks execute cells (a kernel merely forked is too early: twice in CI
            # under full load a SIGINT sent then was not acted on; open, see docs/reliability-probes.md)
            running = [p for p in (tmp_path / "reports").glob(".fixture-study.partial-chapters/*/.*.raw.ipynb")]
            if running:
                time.sleep(2)  # the kernels have started executing cells
                break
            time.sleep(0.5)
        else:
            pytest.fail("the notebooks did not start")
        seen |= descendants(process.pid)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        # It ends in seconds on an idle machine; once in CI, with the other worker at full load,
        # it took more than 60 s (not reproduced since, cause not found): the bound says "it ends".
        out, err = process.communicate(timeout=240)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in out + err
    assert err.strip().splitlines() == [
        f"evalkit run: interrupted (Ctrl-C); nothing was published, the previous report in "
        f"{paths.display_path(report)} is unchanged"
    ]
    after = {p.relative_to(report).as_posix(): p.read_bytes() for p in report.rglob("*") if p.is_file()}
    assert after == before, "the previous report is byte-identical"
    assert not [p.name for p in (tmp_path / "reports").iterdir() if p.name.startswith(".fixture-study.partial")]
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [cmdline(pid) for pid in seen if alive(pid)], "no process of the run is left"
