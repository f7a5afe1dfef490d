"""``evalkit run`` refuses an incomplete study or disagreeing published claims before any notebook runs."""

from __future__ import annotations

import shutil

import pytest

from evalkit import paths
from evalkit.cli import main
from evalkit.report.pipeline import run_study
from evalkit.report.plan import RunError
from evalkit.scaffold import create_study

DEMO_DIR = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


def test_an_untouched_scaffold_is_refused_naming_what_is_missing(tmp_path, capsys):
    study = create_study(tmp_path / "data" / "new-county-2026")
    code = main(["run", str(study), "--no-pdf", "--language", "en", "--reports-root", str(tmp_path / "reports")])
    out = capsys.readouterr().err  # refusals go to stderr (ux.md §3)
    assert code == 1
    assert "lacks what 17 parts of the report need; nothing was run and no report was changed." in out
    assert "00_study / municipalities: municipalities.csv: no municipalities (0 rows)" in out
    assert "01_organisation / posts: coordinators.csv: no coordinators (0 rows)" in out
    assert "03_comparison / case_statistics: case_statistics.csv: no case counts (0 rows with a value)" in out
    assert "--allow-incomplete" in out
    assert not (tmp_path / "reports" / "new-county-2026").exists()


def test_disagreeing_claims_are_refused_naming_each(tmp_path):
    study = tmp_path / "data" / "demo"
    shutil.copytree(DEMO_DIR, study)
    claims = study / "published_claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("P03,org.coordinators_total,4", "P03,org.coordinators_total,5")
    )
    with pytest.raises(RunError) as raised:
        run_study(
            study,
            languages="en",
            pdf=False,
            reports_root=tmp_path / "reports",
            cache_dir=tmp_path / "cache",
            overrides=["readiness"],
        )
    assert raised.value.exit_code == 1
    message = str(raised.value)
    assert "1 of 5 published claims of" in message
    assert "  P03 (org.coordinators_total): expected 5 coordinators, recomputed 4 coordinators" in message
    assert "(to run anyway: --allow-claim-mismatch)" in message
    assert not (tmp_path / "reports" / "demo").exists()


def test_the_run_command_offers_both_overrides():
    from evalkit.cli import build_parser

    parser = build_parser("run")
    args = parser.parse_args(["run", "data/x", "--allow-incomplete", "--allow-claim-mismatch"])
    from evalkit.runner import overrides

    assert overrides(args) == ["readiness", "published-claims"]


@pytest.mark.slow
def test_allow_incomplete_renders_a_box_for_each_missing_part_in_both_languages(tmp_path):
    import io

    import nbformat
    from rich.console import Console

    from evalkit.chapters import CHAPTERS
    from evalkit.report import manifest

    study = create_study(tmp_path / "data" / "new-county-2026")
    result = run_study(
        study,
        languages="sv,en",
        pdf=False,
        reports_root=tmp_path / "reports",
        cache_dir=tmp_path / "cache",
        overrides=["readiness"],
        console=Console(file=io.StringIO(), width=200),
    )
    assert result.status == "ran", "\n".join(result.messages)
    report = tmp_path / "reports" / "new-county-2026"
    assert manifest.read_manifest(report)["checks"]["readiness"] == "overridden"
    titles = {"sv": "Underlaget räcker inte: ", "en": "Not enough data: "}
    for language in ("sv", "en"):
        shown = []
        for chapter in CHAPTERS:
            notebook = nbformat.read(report / language / chapter.notebook, as_version=4)
            outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
            assert not [o for o in outputs if o.get("output_type") == "error"], chapter.id
            shown += [str(o.get("data", {}).get("text/plain", "")) for o in outputs]
        boxes = [text for text in shown if text.startswith("[" + titles[language])]
        from evalkit.study.readiness import PARTS

        expected = {"[" + titles[language] + part.title(language) + "]" for part in PARTS}
        assert {box.splitlines()[0] for box in boxes} == expected, language
        html = (report / language / "report.html").read_text(encoding="utf-8")
        assert html.count("evalkit-notice-not-enough-data") >= len(PARTS)
