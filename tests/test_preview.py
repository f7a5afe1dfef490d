"""`evalkit preview`: serves the report, rebuilds what a change touches, reloads the page, stops on Ctrl-C."""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request

import pytest
from rich.console import Console
from test_faults import alive, cmdline, descendants
from test_runner import FIXTURES, GOOD, make_study, stub_findings

from evalkit import paths
from evalkit.preview import EVENTS_PATH, preview_study, signature
from evalkit.report.artefacts import ReportArtefact


def test_the_watch_signature_sees_a_saved_file_but_not_excels_lock_file(tmp_path):
    study = make_study(tmp_path / "study")
    before = signature(study)
    (study / "~$workbook.xlsx").write_text("lock")
    (study / ".hidden").write_text("x")
    assert signature(study) == before
    time.sleep(0.01)
    make_study(study, b_value=7)
    assert signature(study) != before


def read_events(address: str, received: queue.Queue, stop: threading.Event) -> None:
    with urllib.request.urlopen(address + EVENTS_PATH.lstrip("/"), timeout=600) as stream:
        kind = None
        while not stop.is_set():
            line = stream.readline().decode()
            if line.startswith("event: "):
                kind = line.split(": ", 1)[1].strip()
            elif line.startswith("data: "):
                received.put((kind, line.split(": ", 1)[1].strip()))


@pytest.mark.slow
def test_preview_serves_the_report_and_shows_a_change_on_the_open_page(tmp_path):
    study = make_study(tmp_path / "data" / "fixture-study")
    stop, ready, pages, events = threading.Event(), queue.Queue(), queue.Queue(), queue.Queue()
    output = io.StringIO()
    options = dict(
        language="en",
        port=0,
        jobs=1,
        chapters=GOOD,
        notebooks_dir=FIXTURES,
        reports_root=tmp_path / "reports",
        cache_dir=tmp_path / "cache",
        checks=(),
        artefacts=[ReportArtefact("findings", "findings.csv", stub_findings)],
        stop=stop,
        on_ready=ready.put,
        on_page=pages.put,
        console=Console(file=output, width=200),
    )
    thread = threading.Thread(target=preview_study, args=(study,), kwargs=options, daemon=True)
    thread.start()
    try:
        address = ready.get(timeout=600)
        assert address.startswith("http://127.0.0.1:")
        page = urllib.request.urlopen(address + "en/10_table.html", timeout=60).read().decode()
        assert EVENTS_PATH in page, "the served page carries the reload script"
        assert EVENTS_PATH not in (tmp_path / "reports" / ".fixture-study.preview" / "en" / "10_table.html").read_text()
        assert "total: 10" in page
        with urllib.request.urlopen(address, timeout=60) as start:
            assert start.url.endswith("/en/report.html")
        threading.Thread(target=read_events, args=(address, events, stop), daemon=True).start()
        time.sleep(1)
        make_study(study, b_value=7)
        assert pages.get(timeout=600) in ("en/10_table.html", "en/11_plot.html")
        deadline = time.monotonic() + 600
        while "total: 12" not in urllib.request.urlopen(address + "en/10_table.html", timeout=60).read().decode():
            assert time.monotonic() < deadline, output.getvalue()
            time.sleep(0.5)
        seen = []
        while not events.empty():
            seen.append(events.get())
        assert ("changed", "en/10_table.html") in seen or ("changed", "*") in seen, seen
    finally:
        stop.set()
        thread.join(timeout=120)
    assert not thread.is_alive()
    assert not (tmp_path / "reports" / "fixture-study").exists(), "the published report is never written"
    assert "Preview updated" in output.getvalue()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process tree read from /proc")
def test_ctrl_c_stops_the_preview_cleanly(tmp_path):
    study = make_study(tmp_path / "data" / "fixture-study")
    driver = tmp_path / "driver.py"
    driver.write_text(
        textwrap.dedent(
            f"""
            import sys
            from pathlib import Path
            from evalkit import cli, paths, runner
            from evalkit.chapters import Chapter
            from evalkit.report import artefacts, checks
            import evalkit.chapters
            evalkit.chapters.CHAPTERS = (Chapter("10_table", "a", "a"),)
            paths.NOTEBOOKS_DIR = Path({str(FIXTURES)!r})
            checks.PRE_RUN_CHECKS[:] = []
            artefacts.REPORT_ARTEFACTS[:] = []
            if __name__ == "__main__":
                sys.exit(cli.main(["preview", {str(study)!r}, "--language", "en", "--port", "0",
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
        start_new_session=True,
    )
    seen: set[int] = set()
    try:
        lines = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            seen |= descendants(process.pid)
            if "Serving the preview at http://127.0.0.1:" in line:
                break
        else:
            pytest.fail("".join(lines))
        seen |= descendants(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, (out, err)
    assert "Traceback" not in out + err
    assert "evalkit preview: stopped (Ctrl-C)" in out
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [cmdline(pid) for pid in seen if alive(pid)]
