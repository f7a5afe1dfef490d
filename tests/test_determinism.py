"""Same inputs, same bytes: executed notebooks, HTML pages and the findings CSV."""

from __future__ import annotations

import io
import shutil

import pytest
from test_runner import make_study, run

from evalkit.report.manifest import sha256_file

DETERMINISTIC_SUFFIXES = (".ipynb", ".html", ".csv", ".json")


def test_configure_plotting_gives_identical_svg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from evalkit.report.determinism import configure_plotting

    def draw() -> bytes:
        configure_plotting()
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], [3, 1, 2])
        ax.set_title("x")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
        return buffer.getvalue()

    first, second = draw(), draw()
    assert first == second
    assert b"<dc:date>" not in first
    assert matplotlib.rcParams["svg.hashsalt"] == "evalkit"


def test_save_figure_is_reproducible(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from evalkit.report.determinism import configure_plotting, save_figure

    configure_plotting()
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    a = save_figure(fig, tmp_path / "a.svg").read_bytes()
    b = save_figure(fig, tmp_path / "b.svg").read_bytes()
    plt.close(fig)
    assert a == b and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.slow
def test_two_runs_give_identical_bytes(tmp_path):
    study = make_study(tmp_path / "data" / "fixture-study")
    first = run(study, tmp_path, languages="sv,en")
    assert first.status == "ran", first.messages
    report = tmp_path / "reports" / "fixture-study"
    copy = tmp_path / "first"
    shutil.copytree(report, copy)
    second = run(study, tmp_path, languages="sv,en", force=True)
    assert second.status == "ran"
    compared = 0
    for path in sorted(copy.rglob("*")):
        if path.is_file() and path.suffix in DETERMINISTIC_SUFFIXES:
            other = report / path.relative_to(copy)
            assert sha256_file(path) == sha256_file(other), f"{path.relative_to(copy)} differs between runs"
            compared += 1
    # 2 languages x (2 notebooks + 2 pages + report + values_copy) + findings + manifest
    assert compared == 2 * 6 + 2
