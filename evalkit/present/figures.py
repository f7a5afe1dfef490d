"""Seaborn figures for the chapters.

Every function returns a :class:`matplotlib.figure.Figure` built without
pyplot (no global state, no ``show``, nothing written to disk); the caller
saves or displays it. Labels follow the language argument and municipalities
stay pseudonymous unless ``reveal_names`` is set.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from evalkit.present.labels import (
    coordinator_label,
    measure_label,
    municipality_label,
    quality_area_label,
    vocabulary_label,
)
from evalkit.present.language import LANGUAGES
from evalkit.present.numbers import decimals_needed, format_number

_TEXT = {
    "score": ("Medelvärde (ja = 1, delvis = {partly}, nej = 0)", "Mean score (yes = 1, partly = {partly}, no = 0)"),
    "start": ("Samordnaren börjar", "Coordinator starts"),
    "year": ("År", "Year"),
    "count": ("Antal", "Count"),
    "share": ("Andel av tjänsten (%)", "Share of the post (%)"),
    "no_data": ("Inga data", "No data"),
    "unknown": ("Okänt: inget känt värde", "Unknown: no known value"),
}
#: How a heat-map cell without a known value looks: grey with diagonal hatching.
UNKNOWN_FACE = "0.88"
UNKNOWN_HATCH = "///"
UNKNOWN_EDGE = "0.55"
ACTIVITY_ORDER = ("strategic", "individual", "direct_client", "other")
#: Hatching per activity (same order): the bars are told apart without colour, e.g. printed in greyscale.
ACTIVITY_HATCHES = ("", "///", "...", "xx")
#: A bar segment this wide (per cent) or wider carries its share as a number, on a white label.
SEGMENT_LABEL_MIN_PCT = 8.0
SEGMENT_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}


def _t(key: str, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    return _TEXT[key][0 if language == "sv" else 1]


def quality_area_heatmap(
    matrix: pd.DataFrame,
    study,
    language: str = "en",
    reveal_names: bool = False,
    annotate: bool = True,
    title: str | None = None,
    partly_score: float = 0.5,
) -> Figure:
    """Heat map of :func:`evalkit.analysis.quality_areas.quality_area_matrix`.

    Rows are municipalities (pseudonymous labels), columns quality areas
    (codebook labels). The colour runs from dark purple (0: no indicator met)
    to light yellow (1: every indicator met) on viridis; a cell with no known
    value is grey and hatched, and the legend below the map says so. Numbers
    in the cells and on the colour bar are written for ``language``.

    Parameters
    ----------
    partly_score : float
        The score a *partly* got in ``matrix`` (named in the colour-bar label).
    """
    data = matrix.astype(float).copy()
    data.index = [municipality_label(m, language, study, reveal_names) for m in data.index]
    data.columns = [quality_area_label(study, c, language) for c in data.columns]
    figure = Figure(figsize=(1.6 + 1.3 * max(1, data.shape[1]), 1.9 + 0.45 * max(1, data.shape[0])))
    ax = figure.add_subplot(1, 1, 1)
    ax.patch.set_facecolor(UNKNOWN_FACE)  # seaborn leaves missing cells empty: the hatched background shows
    ax.patch.set_hatch(UNKNOWN_HATCH)
    ax.patch.set_edgecolor(UNKNOWN_EDGE)
    labels = data.map(lambda v: "" if pd.isna(v) else format_number(v, language, 2))
    colour_label = _t("score", language).format(
        partly=format_number(partly_score, language, 2).rstrip("0").rstrip(",.")
    )
    sns.heatmap(
        data,
        ax=ax,
        vmin=0,
        vmax=1,
        cmap="viridis",
        annot=labels.to_numpy() if annotate else False,
        fmt="",
        linewidths=0.5,
        cbar_kws={"label": colour_label},
    )
    colour_bar = ax.collections[0].colorbar
    colour_bar.set_ticks([0, 0.25, 0.5, 0.75, 1])
    colour_bar.set_ticklabels([format_number(t, language, 2) for t in (0, 0.25, 0.5, 0.75, 1)])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", labelrotation=30)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    unknown = Patch(facecolor=UNKNOWN_FACE, edgecolor=UNKNOWN_EDGE, hatch=UNKNOWN_HATCH, label=_t("unknown", language))
    figure.legend(handles=[unknown], loc="lower left", frameon=False, fontsize=9)
    if title:
        ax.set_title(title)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    return figure


def case_series_figure(
    series: pd.DataFrame,
    study,
    municipality_id: str,
    language: str = "en",
    measures: list[str] | None = None,
    reveal_names: bool = False,
) -> Figure:
    """Yearly case counts of one municipality with a line at the coordinator's start.

    Parameters
    ----------
    series : pandas.DataFrame
        :func:`evalkit.analysis.case_statistics.case_series`.
    municipality_id : str
    measures : list of str, optional
        Measures to draw (default: all of that municipality's, sorted).
    """
    if "protected" not in series.columns:  # safety: a series straight from the analysis holds markers, not counts
        from evalkit.privacy import protect_series

        series = protect_series(series, study)
    own = series[(series["municipality_id"] == municipality_id) & series["value"].notna()].copy()
    if measures is not None:
        own = own[own["measure"].isin(measures)]
    figure = Figure(figsize=(7, 4))
    ax = figure.add_subplot(1, 1, 1)
    if own.empty:
        ax.text(0.5, 0.5, _t("no_data", language), ha="center", va="center", transform=ax.transAxes)
    else:
        own["year"] = own["year"].astype(int)
        own["value"] = own["value"].astype(float)
        own["label"] = [measure_label(study, m, language) for m in own["measure"]]
        hue_order = [measure_label(study, m, language) for m in sorted(own["measure"].unique())]
        sns.lineplot(
            data=own,
            x="year",
            y="value",
            hue="label",
            hue_order=hue_order,
            style="label",  # a marker of its own per measure: the lines are told apart without colour
            style_order=hue_order,
            markers=True,
            dashes=False,
            ax=ax,
        )
        start = own["start_year"].dropna()
        if len(start):
            year = int(start.iloc[0])
            ax.axvline(year, color="0.3", linestyle="--", linewidth=1)
            at_right_edge = year >= int(own["year"].max())  # write the label to the left, inside the axes
            ax.annotate(
                _t("start", language) + f" ({own['start_date'].dropna().iloc[0]})",
                xy=(year, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-4 if at_right_edge else 4, -12),
                textcoords="offset points",
                ha="right" if at_right_edge else "left",
                fontsize=9,
                color="0.2",
            )
        ax.set_xticks(sorted(own["year"].unique()))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda value, _: format_number(value, language, decimals_needed([value])))
        )
        ax.legend(title="", frameon=False)
    _annotate_protected(ax, series, municipality_id, study, language)
    ax.set_xlabel(_t("year", language))
    ax.set_ylabel(_t("count", language))
    ax.set_title(municipality_label(municipality_id, language, study, reveal_names))
    figure.tight_layout()
    return figure


def _annotate_protected(ax, series: pd.DataFrame, municipality_id: str, study, language: str = "en") -> None:
    """Mark counts withheld by :func:`evalkit.privacy.protect_series` with "färre än 3" at their year (safety)."""
    if "protected" not in series.columns:
        return
    from evalkit.privacy import SMALL_COUNT, Suppressed, small_cell_threshold

    rows = series[(series["municipality_id"] == municipality_id) & series["protected"].astype(bool)]
    for year in sorted({int(y) for y in rows["year"]}):
        ax.annotate(
            Suppressed(SMALL_COUNT, small_cell_threshold(study)).text(language),
            xy=(year, 0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            color="0.2",
        )


def time_split_figure(split: pd.DataFrame, study, language: str = "en") -> Figure:
    """Stacked horizontal bars of how each coordinator splits the post (survey Q3).

    Each activity has its own colour (colour-blind-safe palette) *and* its own
    hatching, and every segment wide enough for it carries its share as a
    number, so the figure reads the same printed in black and white.

    Parameters
    ----------
    split : pandas.DataFrame
        :func:`evalkit.analysis.organisation.time_split` in long format.
    """
    wide = split.pivot(index="coordinator_id", columns="activity", values="pct")
    wide = wide.reindex(columns=[a for a in ACTIVITY_ORDER if a in wide.columns]).fillna(0.0)
    wide = wide.sort_index(ascending=False)
    figure = Figure(figsize=(7, 1.2 + 0.5 * max(1, len(wide))))
    ax = figure.add_subplot(1, 1, 1)
    colours = sns.color_palette("colorblind", n_colors=len(ACTIVITY_ORDER))
    left = np.zeros(len(wide))
    labels = [coordinator_label(c, language) for c in wide.index]
    for activity in wide.columns:
        values = wide[activity].to_numpy(dtype=float)
        position = ACTIVITY_ORDER.index(activity)
        bars = ax.barh(
            labels,
            values,
            left=left,
            color=colours[position],
            hatch=ACTIVITY_HATCHES[position],
            edgecolor="white",
            linewidth=0.8,
            label=vocabulary_label(study, "activity", activity, language),
        )
        shown = [format_number(v, language, 0) if v >= SEGMENT_LABEL_MIN_PCT else "" for v in values]
        ax.bar_label(bars, labels=shown, label_type="center", fontsize=8, color="black", bbox=SEGMENT_LABEL_BOX)
        left += values
    ax.set_xlim(0, max(100.0, float(left.max()) if len(left) else 100.0))
    ax.set_xlabel(_t("share", language))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False)
    sns.despine(ax=ax)
    figure.tight_layout()
    return figure


def case_series_figures(study, language: str = "en", reveal_names: bool = False) -> dict:
    """One :func:`case_series_figure` per municipality with case statistics.

    Returns
    -------
    dict
        ``municipality_id -> Figure``, in sorted municipality order; empty when
        the study has no case statistics.
    """
    from evalkit.analysis.case_statistics import case_series
    from evalkit.privacy import protect_series

    series = protect_series(case_series(study), study)  # safety: small counts are not drawn, only marked
    shown = series["value"].notna() | series["protected"]
    with_data = sorted(series.loc[shown, "municipality_id"].astype(str).unique())
    return {
        municipality: case_series_figure(series, study, municipality, language=language, reveal_names=reveal_names)
        for municipality in with_data
    }


def figure_html(figure, caption: str, alt: str) -> str:
    """A figure for the report: ``<figure>`` with the SVG as an image, its alt text and a ``<figcaption>``.

    The SVG is written as :func:`evalkit.report.determinism.save_figure` writes
    it (no date, tight box), so the same figure gives the same bytes.
    """
    from evalkit.report.determinism import SVG_METADATA

    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=dict(SVG_METADATA))
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    number, _, text = caption.partition(". ")
    return (
        '<figure class="evalkit-figure">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}">'
        f'<figcaption><span class="evalkit-caption-label">{html.escape(number)}.</span> {html.escape(text)}</figcaption>'
        "</figure>"
    )
