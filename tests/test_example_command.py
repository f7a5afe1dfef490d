"""``evalkit example``: the shipped studies written out, byte for byte, never over a user's folder."""

from __future__ import annotations

import filecmp

from evalkit import paths
from evalkit.cli import main
from evalkit.commands.example import shipped_studies


def test_lists_the_shipped_studies(capsys):
    assert main(["example"]) == 0
    out = capsys.readouterr().out
    assert set(shipped_studies()) >= {"vastmanland-2019", "ovningslan-2025"}
    assert "vastmanland-2019 (default study): " in out and "ovningslan-2025: Kvinnofridssamordnare" in out


def test_writes_a_study_byte_for_byte(tmp_path, capsys):
    target = tmp_path / "mine"
    assert main(["example", "ovningslan-2025", str(target)]) == 0
    comparison = filecmp.dircmp(paths.DATA_DIR / "ovningslan-2025", target, ignore=[".gitkeep"])
    assert not comparison.left_only and not comparison.right_only and not comparison.diff_files
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folder is left"
    assert f"evalkit validate {target}" in capsys.readouterr().out


def test_never_writes_into_a_non_empty_folder_or_an_unknown_study(tmp_path, capsys):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["example", "ovningslan-2025", str(target)]) == 1
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert main(["example", "stockholm-2030", str(tmp_path / "other")]) == 1
    out = capsys.readouterr().out
    assert "not an empty folder" in out and "no shipped study 'stockholm-2030'" in out
    assert not (tmp_path / "other").exists()


def test_a_checkout_reads_its_own_folders():
    assert paths.CHECKOUT and not paths.SHIPPED_DIR.exists()
    assert paths.DATA_DIR == paths.PROJECT_ROOT / "data" and paths.NOTEBOOKS_DIR == paths.PROJECT_ROOT / "notebooks"


def test_the_source_digest_ignores_the_shipped_copies(tmp_path, monkeypatch):
    """A wheel and a checkout of the same source give the same digest (the copies are hashed as inputs)."""
    from evalkit.report.manifest import evalkit_source_digest

    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path)
    monkeypatch.setattr(paths, "SHIPPED_DIR", tmp_path / "_shipped")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    before = evalkit_source_digest()
    (tmp_path / "_shipped" / "notebooks").mkdir(parents=True)
    (tmp_path / "_shipped" / "notebooks" / "00_study.py").write_text("y = 2\n", encoding="utf-8")
    assert evalkit_source_digest() == before
    (tmp_path / "b.py").write_text("z = 3\n", encoding="utf-8")
    assert evalkit_source_digest() != before
