"""``with chapter.part(...)``: a part that cannot run shows a box instead of empty tables or NaN."""

from __future__ import annotations

import pytest

from evalkit import notebook
from evalkit.analysis import case_statistics, comparison
from evalkit.notebook import open_chapter
from evalkit.present import notices
from evalkit.scaffold import create_study
from evalkit.study.readiness import NotEnoughData

DEMO = notebook.paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


@pytest.fixture
def shown(monkeypatch):
    """Everything the session displays, in order."""
    displayed = []
    monkeypatch.setattr(notebook, "_display", displayed.append)
    monkeypatch.setattr(notebook, "_display_html", lambda markup, text: displayed.append(RenderedTable(text)))
    return displayed


class RenderedTable(str):
    """A table or figure the session rendered as HTML (its plain-text version)."""


@pytest.fixture(scope="module")
def empty_study(tmp_path_factory):
    return create_study(tmp_path_factory.mktemp("scaffold") / "empty-2026")


def test_a_part_that_cannot_run_shows_the_box_and_nothing_else(shown, empty_study):
    chapter = open_chapter("03_comparison", study=empty_study, language="sv")
    ran = []
    with chapter.part("team_comparison"):
        ran.append("before")
        chapter.table(comparison.team_vs_coordinator(chapter.study), "team_vs_coordinator")
        ran.append("after")  # never reached: chapter.study is withheld
    assert ran == ["before"]
    assert len(shown) == 1 and isinstance(shown[0], notices.Notice)
    assert shown[0].kind == notices.NOT_ENOUGH_DATA
    assert shown[0].title == "Underlaget räcker inte: Team mot samordnare"
    assert shown[0].reasons == ("municipalities.csv: inga kommuner (0 rader)",)
    assert chapter.study.name == "empty-2026", "the study is available again after the part"


def test_a_ready_part_runs_without_a_box(shown):
    chapter = open_chapter("03_comparison", study=DEMO, language="en")
    with chapter.part("team_comparison") as state:
        chapter.table(comparison.team_vs_coordinator(chapter.study), "team_vs_coordinator")
    assert state.status == "ready"
    assert len(shown) == 1 and not isinstance(shown[0], notices.Notice)


def test_a_partial_part_shows_what_is_missing_above_the_result(shown):
    chapter = open_chapter("03_comparison", study=DEMO, language="en")
    with chapter.part("case_statistics"):
        chapter.table(case_statistics.before_after_summary(chapter.study), "before_after")
    assert [type(item).__name__ for item in shown] == ["Notice", "RenderedTable"]
    assert shown[0].kind == notices.PARTIAL_DATA
    assert shown[0].reasons[0].startswith("case_statistics.csv: 3 of 6 series lack a start")


def test_not_enough_data_raised_by_an_analysis_becomes_a_box(shown):
    chapter = open_chapter("03_comparison", study=DEMO, language="en")
    with chapter.part("team_comparison"):
        raise NotEnoughData("för få år", "too few years")
    assert len(shown) == 1 and shown[0].reasons == ("too few years",)


def test_other_errors_are_not_hidden(shown, empty_study):
    chapter = open_chapter("03_comparison", study=DEMO, language="en")
    with pytest.raises(ZeroDivisionError), chapter.part("team_comparison"):
        1 / 0  # noqa: B018
    blocked = open_chapter("03_comparison", study=empty_study, language="en")
    with pytest.raises(ZeroDivisionError), blocked.part("team_comparison"):
        1 / 0  # noqa: B018


def test_a_later_cell_of_a_part_that_cannot_run_shows_the_box_again(shown, empty_study):
    chapter = open_chapter("04_success_factors", study=empty_study, language="en")
    with chapter.part("success_factor_qca"):
        success = chapter.study  # never assigned: the study is withheld
    with chapter.part("success_factor_qca"):
        chapter.table(success.truth_table, "truth_table")  # noqa: F821 - as in a notebook's next cell
    assert [box.title for box in shown] == ["Not enough data: QCA of the success factors"] * 2
    ready = open_chapter("04_success_factors", study=DEMO, language="en")
    with pytest.raises(NameError), ready.part("failure_qca"):
        undefined_name  # noqa: B018, F821


def test_a_part_of_another_chapter_is_a_mistake(shown):
    chapter = open_chapter("03_comparison", study=DEMO, language="en")
    with pytest.raises(ValueError, match="belongs to chapter 04_success_factors"):
        with chapter.part("failure_qca"):
            pass
    with pytest.raises(KeyError, match="no readiness part 'nonsense'"):
        with chapter.part("nonsense"):
            pass


def test_notice_html_is_a_marked_escaped_box():
    box = notices.not_enough_data("Team", ["municipalities.csv: <script>x</script>"], "en")
    html = box._repr_html_()
    assert "class='evalkit-notice evalkit-notice-not-enough-data'" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert repr(box).splitlines() == [
        "[Not enough data: Team]",
        "This part is not shown, because the study lacks what it needs:",
        "- municipalities.csv: <script>x</script>",
    ]
    assert repr(notices.information("Inga påståenden.", "sv")).splitlines() == ["[Obs]", "Inga påståenden."]
