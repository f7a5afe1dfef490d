"""docs/findings.md is generated from the findings sections and documents every id they produce."""

from __future__ import annotations

from studies import tiny_study

from evalkit import paths
from evalkit.analysis.finding_docs import documented_patterns, findings_markdown, pattern_regex, shipped_studies
from evalkit.analysis.findings import findings_table
from evalkit.study import load_study

DOC = paths.PROJECT_ROOT / "docs" / "findings.md"


def test_findings_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == findings_markdown(), (
        "docs/findings.md is out of date: run `python -m evalkit.analysis.finding_docs > docs/findings.md`"
    )


def test_every_finding_of_every_study_matches_a_documented_pattern():
    patterns = [pattern_regex(p) for p in documented_patterns(DOC.read_text(encoding="utf-8"))]
    studies = [load_study(d) for d in shipped_studies()]
    studies += [load_study(paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"), tiny_study()]
    for study in studies:
        undocumented = [f for f in findings_table(study)["finding_id"] if not any(p.match(f) for p in patterns)]
        assert not undocumented, f"{study.name}: finding ids missing from docs/findings.md: {undocumented}"


def test_pattern_regex_matches_one_segment_per_placeholder():
    regex = pattern_regex("cases.<municipality_id>.<measure>.<year>")
    assert regex.match("cases.K03.protected_housing.2019")
    assert not regex.match("cases.K03.protected_housing")
    assert not regex.match("cases.K03.protected.housing.2019")
    assert pattern_regex("org.role.<role>").match("org.role.mixed")
    assert not pattern_regex("org.full_time.municipalities").match("org.full_time.coordinators")
