"""The run key and the manifest cover the whole installed environment (issue 20 item 4)."""

from __future__ import annotations

from importlib import metadata
from unittest import mock

from evalkit import environment, paths
from evalkit.chapters import CHAPTERS
from evalkit.report.plan import make_plan


def test_every_installed_distribution_is_recorded_but_evalkit_itself():
    packages = environment.installed_packages()
    assert packages["pandas"] == metadata.version("pandas")
    assert packages["mistune"] == metadata.version("mistune"), "an indirect dependency (through nbconvert)"
    assert packages["ipython"] == metadata.version("ipython")
    assert "evalkit" not in packages, "evalkit is recorded by its source digest"
    assert len(packages) > 50


def test_the_run_key_changes_with_any_package_version(tmp_path):
    def plan():
        return make_plan(paths.DEFAULT_STUDY_DIR, ("sv",), tmp_path, CHAPTERS, None, False, False)

    before = plan()
    assert before.environment["packages"]["mistune"] == metadata.version("mistune")
    other = {**environment.installed_packages(), "mistune": "0.0.1"}
    with mock.patch("evalkit.environment.installed_packages", return_value=other):
        after = plan()
    assert after.run_key != before.run_key


def test_package_differences_name_each_package():
    lines = environment.package_differences({"Jinja2": "3.0", "gone": "1"}, {"jinja2": "3.1", "new-one": "2"})
    assert lines == [
        "gone 1 in the report's environment, not installed now",
        "jinja2 3.1 now, 3.0 in the report",
        "new-one 2 installed now, not in the report's environment",
    ]
