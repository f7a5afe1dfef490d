"""The content store (evalkit.cache): one key, signed records, verified files, a bounded size (issues 19.4, 20.4)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest
from test_runner import make_study, run

from evalkit import cache, paths
from evalkit.cache import ContentStore
from evalkit.report import store as analysis_store
from evalkit.study import load_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"


@pytest.fixture(autouse=True)
def private_secret(tmp_path, monkeypatch):
    """Each test signs with its own secret, outside the cache folder."""
    monkeypatch.setenv(paths.CONFIG_ENV, str(tmp_path / "config"))
    cache._secrets.clear()
    yield
    cache._secrets.clear()


def record_of(store: ContentStore, kind: str, key: str) -> Path:
    return store.root / kind / f"{key}.json"


def blob_of(store: ContentStore, digest: str) -> Path:
    return store.root / "blobs" / digest[:2] / digest


def test_one_key_function_separates_kinds_and_is_canonical():
    assert cache.key("chapters", {"a": 1, "b": [1, 2]}) == cache.key("chapters", {"b": [1, 2], "a": 1})
    assert cache.key("chapters", {"a": 1}) != cache.key("analyses", {"a": 1})
    assert len(cache.key("reports", {})) == 64


def test_the_secret_lives_outside_the_cache_and_only_its_owner_reads_it(tmp_path):
    store = ContentStore(tmp_path / "cache")
    store.put_value("analyses", "a" * 64, b"x")
    secret = paths.cache_secret_file()
    assert secret.is_file() and tmp_path / "cache" not in secret.parents
    if hasattr(os, "getuid"):
        assert secret.stat().st_mode & 0o077 == 0


def test_a_value_round_trips_and_a_damaged_file_is_discarded_with_a_note(tmp_path):
    store = ContentStore(tmp_path / "cache")
    entry = store.put_value("analyses", "b" * 64, b"payload")
    assert store.get_value("analyses", "b" * 64) == b"payload"
    blob_of(store, entry.files["value"]).write_bytes(b"poison!")
    assert store.get_value("analyses", "b" * 64) is None
    assert any("does not have the recorded SHA-256" in note for note in store.notes)
    assert "does not have the recorded SHA-256" in (store.root / cache.DISCARDED_LOG).read_text(encoding="utf-8")
    assert not record_of(store, "analyses", "b" * 64).exists(), "a poisoned entry is removed"


def test_a_record_edited_together_with_its_files_is_not_trusted(tmp_path):
    """N30 in the store's own layout: new bytes, their SHA-256 put into the record; the signature no longer fits."""
    store = ContentStore(tmp_path / "cache")
    store.put_value("analyses", "c" * 64, b"36 interviews")
    path = record_of(store, "analyses", "c" * 64)
    record = json.loads(path.read_text(encoding="utf-8"))
    forged = b"63 interviews"
    digest = cache.sha256_bytes(forged)
    blob_of(store, digest).parent.mkdir(parents=True, exist_ok=True)
    blob_of(store, digest).write_bytes(forged)
    record["files"]["value"] = digest
    path.write_text(json.dumps(record), encoding="utf-8")
    assert store.get_value("analyses", "c" * 64) is None
    assert any("not signed by this user's cache secret" in note for note in store.notes)


def test_a_record_signed_with_another_secret_is_not_trusted(tmp_path, monkeypatch):
    store = ContentStore(tmp_path / "cache")
    store.put_value("analyses", "d" * 64, b"mine")
    monkeypatch.setenv(paths.CONFIG_ENV, str(tmp_path / "other-user"))
    cache._secrets.clear()
    assert ContentStore(tmp_path / "cache").get_value("analyses", "d" * 64) is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_folder_others_may_write_is_not_used(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o777)
    store = ContentStore(folder)
    assert not store.usable and "not used" in store.notes[-1]
    assert store.put_value("analyses", "e" * 64, b"x") is None and not list(folder.iterdir())


def test_a_planted_pickle_is_never_loaded(tmp_path):
    """The analysis store unpickles only what its signed record names: a planted entry runs no code."""
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (Path.write_text, (marker, "x"))

    study = load_study(DEMO)

    def counted(study):
        return len(study.tables["municipalities"])

    folder = tmp_path / "store"
    assert analysis_store.shared_in(folder, counted, study) == 7
    store = ContentStore(folder)
    (record_path,) = (folder / "analyses").rglob("*.json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    payload = pickle.dumps(Exploit())
    digest = cache.sha256_bytes(payload)
    blob_of(store, digest).parent.mkdir(parents=True, exist_ok=True)
    blob_of(store, digest).write_bytes(payload)
    record["files"]["value"] = digest
    record_path.write_text(json.dumps(record), encoding="utf-8")
    assert analysis_store.shared_in(folder, counted, study) == 7
    assert not marker.exists()


def test_prune_keeps_the_store_under_its_bound_dropping_the_least_recently_used(tmp_path, monkeypatch):
    store = ContentStore(tmp_path / "cache")
    keys = [f"{n:x}" * 64 for n in range(1, 6)]
    keys = [k[:64] for k in keys]
    for number, entry_key in enumerate(keys):
        store.put_value("chapters", entry_key, bytes([number]) * 10_000)
        stamp = time.time() - 10_000 + number  # older entries first; the files are past the grace period
        os.utime(record_of(store, "chapters", entry_key), (stamp, stamp))
        for blob in (store.root / "blobs").rglob("*"):
            if blob.is_file():
                os.utime(blob, (time.time() - 10_000, time.time() - 10_000))
    store.get_value("chapters", keys[0])  # used now: kept
    outcome = store.prune(max_bytes=35_000)
    kept = [k for k in keys if record_of(store, "chapters", k).exists()]
    assert kept == [keys[0], keys[3], keys[4]]
    assert outcome["entries"] == 2 and outcome["bytes"] <= 35_000
    assert store.size() <= 35_000 + 4096  # records and the lock file


def test_prune_leaves_files_that_may_be_being_written(tmp_path):
    store = ContentStore(tmp_path / "cache")
    digest = store._put_blob(b"an entry being written")  # no record names it yet
    store.prune(max_bytes=0)
    assert blob_of(store, digest).exists()


def test_the_bound_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(cache.MAX_BYTES_ENV, "500M")
    assert cache.configured_max_bytes() == 500 << 20
    monkeypatch.setenv(cache.MAX_BYTES_ENV, "")
    assert cache.configured_max_bytes() == cache.DEFAULT_MAX_BYTES


def test_every_run_prunes_the_cache(tmp_path, monkeypatch):
    """The store's prune has a caller: each run (the analysis store used to grow for ever)."""
    calls = []
    monkeypatch.setattr(ContentStore, "prune", lambda self, max_bytes=None: calls.append(self.root) or {})
    study = make_study(tmp_path / "data" / "fixture-study")
    from unittest import mock

    with mock.patch("evalkit.report.pipeline.execute_and_publish", return_value=False):
        run(study, tmp_path)
    assert calls == [tmp_path / "cache"]


def test_every_cache_path_comes_from_paths(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "elsewhere"))
    assert paths.cache_dir() == tmp_path / "elsewhere"
    assert paths.cache_dir("validation") == tmp_path / "elsewhere" / "validation"
    assert ContentStore().root == tmp_path / "elsewhere"
    assert analysis_store.store_dir() == tmp_path / "elsewhere"
    for module in Path(paths.PACKAGE_DIR).rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "evalkit-cache" not in text or module.name == "paths.py", f"{module} names the cache folder itself"


# --------------------------------------------------------------------------- the report cache (N30)


@pytest.mark.slow
def test_a_poisoned_report_entry_is_discarded_and_the_report_made_again(tmp_path, capsys):
    """repro/cache_poisoning_served.sh in the new layout: the entry's file and its hash edited together."""
    study = make_study(tmp_path / "data" / "fixture-study")
    assert run(study, tmp_path).status == "ran"
    report = tmp_path / "reports" / "fixture-study"
    good = (report / "findings.csv").read_bytes()
    store = ContentStore(tmp_path / "cache")
    (record_path,) = (store.root / "reports").glob("*.json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    forged = good.replace(b"fixture.a", b"fixture.POISON")
    digest = cache.sha256_bytes(forged)
    blob_of(store, digest).parent.mkdir(parents=True, exist_ok=True)
    blob_of(store, digest).write_bytes(forged)
    record["files"]["findings.csv"] = digest
    record["extra"]["manifest"]["outputs"]["findings.csv"] = digest
    record_path.write_text(json.dumps(record), encoding="utf-8")
    shutil.rmtree(report)
    capsys.readouterr()
    again = run(study, tmp_path)
    assert again.status == "ran", "not served: executed again"
    assert (report / "findings.csv").read_bytes() == good
    assert "not signed by this user's cache secret" in capsys.readouterr().err + "\n".join(again.messages)


@pytest.mark.slow
def test_a_report_folder_edited_with_its_manifest_is_not_served_as_current(tmp_path):
    """An output and its manifest hash edited together in the report folder: the signed record decides."""
    study = make_study(tmp_path / "data" / "fixture-study")
    assert run(study, tmp_path).status == "ran"
    report = tmp_path / "reports" / "fixture-study"
    good = (report / "findings.csv").read_bytes()
    (report / "findings.csv").write_bytes(good.replace(b"fixture.a", b"fixture.POISON"))
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"]["findings.csv"] = cache.sha256_bytes((report / "findings.csv").read_bytes())
    (report / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    again = run(study, tmp_path)
    assert again.status == "cached" and any("restored" in m for m in again.messages), again.messages
    assert (report / "findings.csv").read_bytes() == good


@pytest.mark.slow
def test_a_changed_input_is_never_served_from_the_cache(tmp_path):
    study = make_study(tmp_path / "data" / "fixture-study")
    assert run(study, tmp_path).status == "ran"
    make_study(study, b_value=6)
    again = run(study, tmp_path)
    assert again.status == "ran"
    assert "b,6" in (study / "values.csv").read_text(encoding="utf-8")
