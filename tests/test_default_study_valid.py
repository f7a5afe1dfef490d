"""The shipped study data/vastmanland-2019 must pass ``evalkit validate``."""

from __future__ import annotations

import pytest

from evalkit import paths
from evalkit.study import validate_study


@pytest.mark.skipif(
    not (paths.DEFAULT_STUDY_DIR / paths.STUDY_DESCRIPTOR).is_file(),
    reason=f"the default study {paths.DEFAULT_STUDY_DIR} has not been written yet",
)
def test_default_study_is_valid():
    problems = validate_study(paths.DEFAULT_STUDY_DIR)
    listing = "\n".join(problem.render() for problem in problems)
    assert not problems, f"{len(problems)} problems in {paths.DEFAULT_STUDY_DIR}:\n{listing}"


@pytest.mark.skipif(
    not (paths.DEFAULT_STUDY_DIR / paths.STUDY_DESCRIPTOR).is_file(),
    reason=f"the default study {paths.DEFAULT_STUDY_DIR} has not been written yet",
)
def test_cli_validates_the_default_study_without_arguments(capsys):
    from evalkit.cli import main

    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {paths.DEFAULT_STUDY_DIR} is a valid study (16 tables, ")
