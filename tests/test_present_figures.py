"""Figures: matplotlib Figures, no pyplot state, localised labels, deterministic."""

import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from studies import tiny_study

from evalkit.analysis import case_statistics as cs
from evalkit.analysis import organisation as org
from evalkit.analysis import quality_areas as qa
from evalkit.present import figures as F


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def test_heatmap_labels_and_no_pyplot_state():
    study = tiny_study()
    open_before = plt.get_fignums()
    figure = F.quality_area_heatmap(qa.quality_area_matrix(study), study, "sv")
    assert isinstance(figure, Figure)
    assert plt.get_fignums() == open_before
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Kommun A", "Kommun B", "Kommun C", "Kommun D"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Kunskap", "Trygghet", "Tillgänglighet"]


def test_heatmap_is_deterministic():
    study = tiny_study()
    matrix = qa.quality_area_matrix(study)
    assert _png(F.quality_area_heatmap(matrix, study, "en")) == _png(F.quality_area_heatmap(matrix, study, "en"))


def test_case_series_figure_marks_start():
    study = tiny_study()
    figure = F.case_series_figure(cs.case_series(study), study, "A", "en")
    ax = figure.axes[0]
    assert ax.get_title() == "Municipality A"
    vertical = [line for line in ax.get_lines() if list(line.get_xdata()) == [2016, 2016]]
    assert vertical, "no vertical line at the start year"
    assert any("Coordinator starts" in t.get_text() for t in ax.texts)
    empty = F.case_series_figure(cs.case_series(study), study, "Z", "sv")
    assert any(t.get_text() == "Inga data" for t in empty.axes[0].texts)


def test_time_split_figure():
    study = tiny_study()
    figure = F.time_split_figure(org.time_split(study), study, "sv")
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Samordnare C2", "Samordnare C1"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "Samordning på strategisk nivå"
    assert ax.get_xlabel() == "Andel av tjänsten (%)"


def test_time_split_reads_without_colour_hatching_per_activity_and_shares_written_on_the_bars():
    study = tiny_study()
    split = org.time_split(study)
    ax = F.time_split_figure(split, study, "en").axes[0]
    hatches = [handle.get_hatch() or "" for handle in ax.get_legend().legend_handles]
    assert len(set(hatches)) == len(hatches) == split["activity"].nunique()  # one pattern per activity
    written = {text.get_text() for text in ax.texts if text.get_text()}
    wide_enough = split.loc[split["pct"] >= F.SEGMENT_LABEL_MIN_PCT, "pct"]
    assert {f"{value:.0f}" for value in wide_enough} <= written
