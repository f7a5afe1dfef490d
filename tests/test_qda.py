"""REFI-QDA import: every exporter quirk the reader claims to handle, hostile archives, mapping, import, confirm."""

from __future__ import annotations

import json
import re
import zipfile

import pandas as pd
import pytest
import qda_projects as qp

from evalkit import paths
from evalkit.cli import main
from evalkit.qda.cli import mapping_template
from evalkit.qda.importer import import_project
from evalkit.qda.project import QdaError, clean_excerpt, excerpt, read_project, source_text
from evalkit.qda.schema import schema_deviations
from evalkit.study import load_study
from evalkit.study.storage import convert_study
from evalkit.study.validate import validate_study

DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"
FLAVOURS = list(qp.FLAVOURS)


def excerpts(project) -> list[str]:
    """The excerpt of every coding, in file order, read as the project's origin says."""
    found = []
    for coding in project.codings:
        text, _ = source_text(project, coding.text_source)
        found.append(excerpt(text, coding.start, coding.end, project.origin) if text else "")
    return found


def expected_fragments(new_interview: bool = False) -> list[str]:
    order = list(qp.TEXTS) + (["NEW"] if new_interview else [])
    codings = qp.CODINGS + (
        [("NEW", "more", "Vi har fått en rutin för frågor om våld.", "u1")] if new_interview else []
    )
    return [clean_excerpt(f) for interview in order for where, _, f, _ in codings if where == interview]


@pytest.fixture
def study(tmp_path):
    return convert_study(DEMO, tmp_path / "study", "csv")


def mapping_file(tmp_path, text: str = qp.MAPPING):
    path = tmp_path / "mapping.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(capsys, *argv) -> tuple[int, str]:
    status = main(list(map(str, argv)))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


# --------------------------------------------------------------------------- reading what the exporters write


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_flavour_is_read_with_the_same_content(tmp_path, flavour):
    project = read_project(qp.build(tmp_path / f"{flavour}.qdpx", flavour))
    assert len(project.sources) == 5
    assert len(project.codes) == 6  # five codes and the category 'Kunskap'; NVivo's case node is not a code
    assert len(project.codings) == len(qp.CODINGS)
    assert len(project.users) == 2
    assert {code.path for code in project.codes} >= {"Kunskap/Ökad kunskap hos personalen", "Övrigt"}
    assert all(code.guid == code.guid.lower() and "{" not in code.guid for code in project.codes)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_excerpts_are_cut_where_each_program_counts_positions(tmp_path, flavour):
    project = read_project(qp.build(tmp_path / f"{flavour}.qdpx", flavour))
    assert excerpts(project) == expected_fragments()


@pytest.mark.parametrize(("flavour", "wrong_origin"), [("nvivo", "QualCoder"), ("atlas", "QualCoder")])
def test_the_counting_rule_matters(tmp_path, flavour, wrong_origin):
    """Counting NVivo's UTF-16 units or ATLAS.ti's one-character line ends as plain characters cuts wrong text."""
    project = read_project(qp.build(tmp_path / f"{flavour}.qdpx", flavour))
    project.origin = wrong_origin
    assert excerpts(project) != expected_fragments()


def test_nvivo_counts_utf16_units_and_windows_line_ends_as_two(tmp_path):
    project = read_project(qp.build(tmp_path / "n.qdpx", "nvivo"))
    i12 = next(c for c in project.codings if c.start and c.source == qp.guid("src-I12"))
    text = qp.TEXTS["I12"].replace("\n", "\r\n")
    assert i12.start == text.index("Jag vet") + 1  # the emoji before it counts twice


def test_atlas_counts_a_windows_line_end_as_one(tmp_path):
    project = read_project(qp.build(tmp_path / "a.qdpx", "atlas"))
    stored = qp.TEXTS["I05"].replace("\n", "\r\n")
    coding = next(c for c in project.codings if c.code == qp.guid("none"))
    assert coding.start == stored.index("Det har blivit") - 2  # two line ends before it, each counted as one


@pytest.mark.parametrize("namespace", [qp.NS, "urn:QDA-XML:project:1.5", ""])
def test_namespace_10_15_or_none(tmp_path, namespace):
    project = read_project(qp.build(tmp_path / "p.qdpx", "qualcoder", namespace=namespace))
    assert project.namespace == namespace
    assert len(project.codings) == len(qp.CODINGS) and excerpts(project) == expected_fragments()
    noted = [d for d in project.deviations if "namespace" in d]
    assert bool(noted) == (namespace != qp.NS)
    assert schema_deviations(project.root)[0] == 0  # checked as if in the schema's namespace


@pytest.mark.parametrize(("flavour", "folder"), [("qualcoder", "Sources"), ("nvivo", "sources")])
def test_source_files_in_sources_or_Sources(tmp_path, flavour, folder):
    project = read_project(qp.build(tmp_path / "p.qdpx", flavour, folder=folder))
    assert excerpts(project) == expected_fragments()


@pytest.mark.parametrize("external", ["relative", "absolute"])
def test_sources_outside_the_archive_are_never_opened(tmp_path, external, monkeypatch):
    (tmp_path / "secret.txt").write_text("Polisen vet vem de ska ringa i kommunen. HEMLIGT", encoding="utf-8")
    monkeypatch.chdir(tmp_path / ".")
    opened = []
    real_open = open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    project = read_project(qp.build(tmp_path / "sub.qdpx", "qualcoder", external=external))
    found = excerpts(project)
    assert found[-1] == "" and found[:-1] == expected_fragments()[:-1]
    assert not any("secret" in name or "passwd" in name for name in opened)
    assert source_text(project, qp.guid("src-I17"))[1] == "the source is outside the project file"
    assert any("outside the project file" in d for d in project.deviations)


@pytest.mark.parametrize("style", ["upper", "braces"])
def test_guids_in_upper_case_or_braces_are_one_guid(tmp_path, style, study):
    path = qp.build(tmp_path / "p.qdpx", "qualcoder", guid=style)
    project = read_project(path)
    assert {c.code for c in project.codings} <= {code.guid for code in project.codes}
    assert qp.guid("more") in {code.guid for code in project.codes}
    mapping = mapping_file(tmp_path, qp.MAPPING.replace("Uppföljning sker", qp.guid("follow", "braces")))
    result = import_project(project, study, mapping)
    assert "ef_follow_up" in set(pd.read_csv(study / "coded_segments.csv")["indicator_id"])
    assert result.segments == 7


def test_codings_without_user_are_one_unnamed_coder(tmp_path, study):
    project = read_project(qp.build(tmp_path / "p.qdpx", "qualcoder", with_users=False))
    assert all(coding.user is None for coding in project.codings)
    assert any("name no user" in d for d in project.deviations)
    mapping = mapping_file(tmp_path, "\n".join(qp.MAPPING.splitlines()[:7]) + "\n")
    import_project(project, study, mapping)
    segments = pd.read_csv(study / "coded_segments.csv", dtype=str, keep_default_na=False)
    assert set(segments["coder"]) == {""}  # one coder: the agreed value


def test_a_code_book_without_codings_is_reported_and_not_imported(tmp_path, study, capsys):
    path = qp.build(tmp_path / "codebook-only.qdpx", "nvivo", with_codings=False)
    status, out = run_cli(capsys, "qda", "inspect", path, "--json")
    info = json.loads(out)
    assert status == 0 and info["codings"] == 0 and info["codes"] == 6
    assert any("no codings" in d for d in info["deviations"])
    before = sorted(p.name for p in study.iterdir())
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping_file(tmp_path))
    assert status == 1 and "holds no codings" in out and "Traceback" not in out
    assert sorted(p.name for p in study.iterdir()) == before


def test_a_project_without_sources_is_read(tmp_path):
    project = read_project(qp.build(tmp_path / "p.qdpx", "qualcoder", with_sources=False))
    assert project.sources == [] and project.codings == [] and len(project.codes) == 6
    assert any("no Sources element" in d for d in project.deviations)


def test_maxqda_categories_memos_and_variables(tmp_path):
    project = read_project(qp.build(tmp_path / "m.qdpx", "maxqda"))
    category = next(code for code in project.codes if code.name == "Kunskap")
    assert category.codable is True  # a category that is also a code
    assert len(project.codings) == len(qp.CODINGS)  # memo-only selections are not codings
    assert project.source_variables[qp.guid("src-I12")] == {"Grupp": "intervju"}  # variables on a source
    assert project.source_variables[qp.guid("src-I05")] == {"Grupp": "Kommunal chef"}  # from the nameless case
    assert any("no name" in d for d in project.deviations)


def test_nvivo_case_nodes_are_cases_not_codes(tmp_path):
    project = read_project(qp.build(tmp_path / "n.qdpx", "nvivo"))
    assert "Kommun K01" not in {code.name for code in project.codes}
    assert [case.name for case in project.cases] == ["Kommun K01"]
    assert len(project.case_codings) == 1 and len(project.codings) == len(qp.CODINGS)
    assert any("share their GUID with a case" in d for d in project.deviations)


def test_a_project_xml_with_another_name(tmp_path):
    project = read_project(qp.build(tmp_path / "p.qdpx", "qualcoder", qde_name="Exempelprojekt.qde"))
    assert len(project.codings) == len(qp.CODINGS)
    assert "Exempelprojekt.qde" in project.deviations[0]


def test_schema_deviations_are_reported_not_refused(tmp_path):
    path = qp.build(tmp_path / "p.qdpx", "qualcoder")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("project.qde").decode("utf-8")
    broken = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.qde", xml.replace(' isCodable="true"', "", 1).replace(' name="Exempelprojekt"', ""))
    project = read_project(broken)
    count, listed = schema_deviations(project.root)
    assert count == 2 and any("isCodable" in line for line in listed) and any("name" in line for line in listed)
    assert len(project.codings) == len(qp.CODINGS)


# --------------------------------------------------------------------------- inspect


def test_inspect_json_lists_counts_and_the_code_tree(tmp_path, capsys):
    status, out = run_cli(capsys, "qda", "inspect", qp.build(tmp_path / "m.qdpx", "maxqda"), "--json")
    info = json.loads(out)
    assert status == 0
    assert {k: info[k] for k in ("sources", "codes", "codings", "users", "cases", "variables")} == {
        "sources": 5,
        "codes": 6,
        "codings": 8,
        "users": 2,
        "cases": 1,
        "variables": 1,
    }
    assert info["origin"].startswith("MAXQDA")
    tree = {node["name"]: node for node in info["code_tree"]}
    assert [c["name"] for c in tree["Kunskap"]["children"]] == [
        "Ökad kunskap hos personalen",
        "Ingen förändring i kunskap",
    ]
    assert tree["Kunskap"]["children"][0]["codings"] == 4


def test_inspect_text_and_mapping_template(tmp_path, capsys):
    path = qp.build(tmp_path / "q.qdpx", "qualcoder")
    target = tmp_path / "map.csv"
    status, out = run_cli(capsys, "qda", "inspect", path, "--write-mapping", target)
    assert status == 0 and "5 sources, 6 codes, 8 codings, 2 users" in out and "Kunskap" in out
    template = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(template.columns[:6]) == ["kind", "qda", "indicator_id", "valence", "interview_id", "coder"]
    assert (template["kind"] == "code").sum() == 6 and list(template[template["kind"] == "user"]["coder"]) == [
        "coder1",
        "coder2",
    ]
    status, out = run_cli(capsys, "qda", "inspect", path, "--write-mapping", target)
    assert status == 1 and "never overwrites" in out
    assert len(mapping_template(read_project(path))) == len(template)


# --------------------------------------------------------------------------- hostile or broken files


def write_zip(path, members: dict[str, bytes | str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


GOOD_XML = '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
)
DTD_ONLY = '<?xml version="1.0"?><!DOCTYPE Project SYSTEM "http://example.org/p.dtd"><Project name="x"/>'


def hostile(tmp_path, kind: str):
    path = tmp_path / f"{kind}.qdpx"
    if kind == "zip slip":
        return write_zip(path, {"project.qde": GOOD_XML, "../../evil.txt": "x"})
    if kind == "absolute member":
        return write_zip(path, {"project.qde": GOOD_XML, "/etc/evil.txt": "x"})
    if kind == "zip bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", GOOD_XML)
            with archive.open("sources/bomb.txt", "w") as handle:
                for _ in range(20):
                    handle.write(b"\0" * (1024 * 1024))
        return path
    if kind == "entity expansion":
        return write_zip(path, {"project.qde": BILLION_LAUGHS})
    if kind == "external entity":
        return write_zip(path, {"project.qde": EXTERNAL_ENTITY})
    if kind == "external DTD":
        return write_zip(path, {"project.qde": DTD_ONLY})
    if kind == "huge file":
        with open(path, "wb") as handle:
            handle.truncate(600 * 1024 * 1024)  # sparse: takes no disk space
        return path
    if kind == "not a zip":
        path.write_text("<Project/>", encoding="utf-8")
        return path
    if kind == "missing project.qde":
        return write_zip(path, {"sources/a.txt": "text"})
    if kind == "not XML":
        return write_zip(path, {"project.qde": "<Project><Users>"})
    if kind == "wrong root":
        return write_zip(path, {"project.qde": '<?xml version="1.0"?><CodeBook/>'})
    if kind == "missing file":
        return path
    raise AssertionError(kind)


HOSTILE = {
    "zip slip": "zip slip",
    "absolute member": "zip slip",
    "zip bomb": "zip bomb",
    "entity expansion": "declares a document type",
    "external entity": "declares a document type",
    "external DTD": "declares a document type",
    "huge file": "more than the 500 MB",
    "not a zip": "not a zip archive",
    "missing project.qde": "holds no project.qde",
    "not XML": "not well-formed XML",
    "wrong root": "not 'Project'",
    "missing file": "does not exist",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_and_broken_archives_are_refused_cleanly(tmp_path, capsys, kind, study):
    path = hostile(tmp_path, kind)
    with pytest.raises(QdaError, match=HOSTILE[kind]):
        read_project(path)
    for command in (
        ["inspect", path, "--json"],
        ["import", path, "--study", study, "--mapping", mapping_file(tmp_path)],
    ):
        status, out = run_cli(capsys, "qda", *command)
        assert status == 1 and out.startswith("error: ") and "Traceback" not in out, out
        assert HOSTILE[kind] in out
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert not (study / "coded_segments.csv").exists()


def test_entity_text_never_reaches_the_output(tmp_path, capsys):
    status, out = run_cli(capsys, "qda", "inspect", hostile(tmp_path, "external entity"))
    assert status == 1 and "root:" not in out and "hahaha" not in out


# --------------------------------------------------------------------------- import and confirm


def test_import_writes_segments_and_proposals_and_confirm_adds_two_coders(tmp_path, study, capsys):
    path = qp.build(tmp_path / "projekt.qdpx", "qualcoder")
    before = (study / "assessments.csv").read_bytes()
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping_file(tmp_path))
    assert status == 0, out
    assert "Wrote 7 coded segments" in out and "1 codings of unmapped codes" in out
    segments = pd.read_csv(study / "coded_segments.csv", dtype=str, keep_default_na=False)
    assert len(segments) == 7 and set(segments["coder"]) == {"coder1", "coder2"}
    assert "Anna" not in (study / "coded_segments.csv").read_text(encoding="utf-8")  # names never enter the study
    row = segments[(segments["interview_id"] == "I12")].iloc[0]
    assert row["excerpt"] == "Jag vet nu vart jag ska skicka en kvinna som utsatts."
    assert validate_study(study, use_cache=False) == []
    assert (study / "assessments.csv").read_bytes() == before  # nothing confirmed yet
    review = pd.read_csv(study / "qda_review_projekt.csv", dtype=str, keep_default_na=False)
    k01 = review[(review["indicator_id"] == "kb_staff_knowledge") & (review["subject_id"] == "K01")]
    assert dict(zip(k01["coder"], k01["proposed_value"])) == {"coder1": "yes", "coder2": "no"}
    k02 = review[(review["indicator_id"] == "kb_staff_knowledge") & (review["subject_id"] == "K02")]
    assert set(k02["proposed_value"]) == {"partly"}  # the managers say so; one respondent group only
    partner = review[(review["indicator_id"] == "ac_known_contact") & (review["subject_id"] == "I17")]
    assert list(partner["proposed_value"]) == ["yes"]
    review["accept"] = "ja"
    review.to_csv(study / "qda_review_projekt.csv", index=False)  # the evaluator's edit
    status, out = run_cli(capsys, "qda", "confirm", study / "qda_review_projekt.csv", "--study", study)
    assert status == 0 and f"Added {len(review)} assessments" in out
    after = (study / "assessments.csv").read_bytes()
    assert validate_study(study, use_cache=False) == []
    loaded = load_study(study, use_cache=False)
    assert set(loaded.coder_assessments["coder"]) == {"coder1", "coder2"}
    old_lines = before.decode("utf-8").splitlines()
    assert after.decode("utf-8").splitlines()[1 : len(old_lines)] == [line + "," for line in old_lines[1:]]
    status, out = run_cli(capsys, "qda", "confirm", study / "qda_review_projekt.csv", "--study", study)
    assert "Added 0 assessments" in out and f"{len(review)} rows already there" in out
    assert (study / "assessments.csv").read_bytes() == after


def test_a_confirmed_value_is_never_overwritten(tmp_path, study, capsys):
    path = qp.build(tmp_path / "p.qdpx", "qualcoder", with_users=False)
    mapping = mapping_file(tmp_path, "\n".join(qp.MAPPING.splitlines()[:7]) + "\n")
    assert run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping)[0] == 0
    review_path = study / "qda_review_p.csv"
    review = pd.read_csv(review_path, dtype=str, keep_default_na=False)
    assert (review["in_assessments"] != "").all()  # the demo study has an agreed value for every subject
    before = (study / "assessments.csv").read_bytes()
    review["accept"] = "nej"
    review.to_csv(review_path, index=False)  # the evaluator's edit
    status, out = run_cli(capsys, "qda", "confirm", review_path, "--study", study)
    assert status == 0 and "Added 0 assessments" in out
    assert (study / "assessments.csv").read_bytes() == before


def test_a_new_interview_comes_from_case_variables(tmp_path, study, capsys):
    path = qp.build(tmp_path / "p.qdpx", "qualcoder", new_interview=True)
    mapping = mapping_file(tmp_path, qp.MAPPING + "case,Ny chef K03,,,I30,\n")
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping)
    assert status == 0 and "Added 1 interviews: I30." in out, out
    interviews = pd.read_csv(study / "interviews.csv", dtype=str, keep_default_na=False).set_index("interview_id")
    assert interviews.loc["I30", ["respondent_group", "respondent_role", "municipality_id", "basis"]].tolist() == [
        "municipal_manager",
        "ifo_head",
        "K03",
        "observed",
    ]
    assert validate_study(study, use_cache=False) == []
    segments = pd.read_csv(study / "coded_segments.csv", dtype=str, keep_default_na=False)
    assert "I30" in set(segments["interview_id"])


def test_a_source_in_a_case_gets_the_cases_variables(tmp_path, study, capsys):
    path = qp.build(tmp_path / "p.qdpx", "qualcoder", new_interview=True)
    mapping = mapping_file(tmp_path, qp.MAPPING + "source,Intervju ny chef,,,I31,\n")
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping)
    assert status == 0 and "Added 1 interviews: I31." in out, out


def test_a_new_interview_without_its_group_is_a_problem_and_nothing_is_written(tmp_path, study, capsys):
    path = qp.build(tmp_path / "p.qdpx", "qualcoder")
    mapping = mapping_file(tmp_path, qp.MAPPING + "source,I01,,,I33,\n")
    snapshot = {p.name: p.read_bytes() for p in study.iterdir() if p.is_file()}
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping)
    assert status == 1 and "interview I33 is not in the study's interviews" in out and "respondent_group" in out
    assert {p.name: p.read_bytes() for p in study.iterdir() if p.is_file()} == snapshot
    given = qp.MAPPING + "source,I01,,,I33,,external_partner,police,,,\n"
    mapping = mapping_file(
        tmp_path,
        given.replace(
            "coder\n", "coder,respondent_group,respondent_role,municipality_id,coordinator_id,organisation\n", 1
        ),
    )
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping)
    assert status == 1 and "external_partner interview and needs organisation" in out
    mapping = mapping_file(
        tmp_path,
        given.replace("police,,,", "Polisen,,,Polisen").replace(
            "coder\n", "coder,respondent_group,respondent_role,municipality_id,coordinator_id,organisation\n", 1
        ),
    )
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping)
    assert status == 0 and "Added 1 interviews: I33." in out and "proposals are in the review file" in out, out
    assert validate_study(study, use_cache=False) == []  # a missing assessment is readiness, not a problem
    from evalkit.study.readiness import readiness_table

    readiness = readiness_table(load_study(study, use_cache=False)).set_index("part")
    assert "ac_known_contact × I33" in readiness.loc["quality_areas", "missing_en"]
    review = pd.read_csv(study / "qda_review_p.csv", dtype=str, keep_default_na=False)
    review.loc[review["subject_id"] == "I33", "accept"] = "ja"
    review.to_csv(study / "qda_review_p.csv", index=False)  # the evaluator's edit
    assert run_cli(capsys, "qda", "confirm", study / "qda_review_p.csv", "--study", study)[0] == 0
    assert validate_study(study, use_cache=False) == []


def test_mapping_problems_are_all_listed_and_nothing_is_written(tmp_path, study, capsys):
    text = (
        qp.MAPPING
        + "code,Finns inte,kb_freda,ja,,\n"
        + "code,Övrigt,no_such_indicator,ja,,\n"
        + "code,Uppföljning sker,ef_follow_up,kanske,,\n"
        + "colour,x,,,,\n"
    )
    snapshot = {p.name: p.read_bytes() for p in study.iterdir() if p.is_file()}
    status, out = run_cli(
        capsys,
        "qda",
        "import",
        qp.build(tmp_path / "p.qdpx", "qualcoder"),
        "--study",
        study,
        "--mapping",
        mapping_file(tmp_path, text),
    )
    assert status == 1 and "nothing was written" in out
    for fragment in (
        "row 10, column qda: no code 'Finns inte'",
        "row 11, column indicator_id",
        "row 12, column valence",
        "row 13, column kind",
    ):
        assert fragment in out
    assert {p.name: p.read_bytes() for p in study.iterdir() if p.is_file()} == snapshot


def test_two_sources_with_one_name_need_a_guid(tmp_path, study, capsys):
    path = qp.build(tmp_path / "p.qdpx", "maxqda", duplicate_name=True)
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping_file(tmp_path))
    assert status == 1 and "2 sources are named 'Intervju chef kommun 2'" in out and "GUID" in out
    fixed = qp.MAPPING.replace("source,Intervju chef kommun 2", "source," + qp.guid("src-I06", "upper"))
    status, out = run_cli(capsys, "qda", "import", path, "--study", study, "--mapping", mapping_file(tmp_path, fixed))
    assert status == 0, out


def test_reimport_replaces_the_files_own_segments_and_keeps_others(tmp_path, study):
    first = qp.build(tmp_path / "a.qdpx", "qualcoder")
    second = qp.build(tmp_path / "b.qdpx", "maxqda")
    import_project(read_project(first), study, mapping_file(tmp_path))
    import_project(read_project(second), study, mapping_file(tmp_path))
    import_project(read_project(first), study, mapping_file(tmp_path))
    segments = pd.read_csv(study / "coded_segments.csv", dtype=str, keep_default_na=False)
    assert segments["source"].value_counts().to_dict() == {
        "b.qdpx (evalkit qda import)": 7,
        "a.qdpx (evalkit qda import)": 7,
    }


def test_reimport_keeps_the_evaluators_quote_marks(tmp_path, study):
    """The evaluator marks quotes in coded_segments; importing the project again keeps the marks."""
    first = qp.build(tmp_path / "a.qdpx", "qualcoder")
    second = qp.build(tmp_path / "b.qdpx", "maxqda")
    import_project(read_project(first), study, mapping_file(tmp_path))
    import_project(read_project(second), study, mapping_file(tmp_path))
    segments = pd.read_csv(study / "coded_segments.csv", dtype=str, keep_default_na=False)
    assert set(segments["quotable"]) == {""}  # the import leaves the column empty
    marked = {segments.index[0], segments.index[-1]}  # one row of each file
    segments.loc[list(marked), "quotable"] = "no"
    segments.to_csv(study / "coded_segments.csv", index=False)
    keys = {tuple(segments.loc[i, ["segment_id", "indicator_id"]]) for i in marked}
    import_project(read_project(first), study, mapping_file(tmp_path))
    again = pd.read_csv(study / "coded_segments.csv", dtype=str, keep_default_na=False)
    assert len(again) == len(segments)
    kept = {tuple(row) for row in again.loc[again["quotable"] == "no", ["segment_id", "indicator_id"]].values}
    assert kept == keys


def test_import_into_a_workbook_study(tmp_path, capsys):
    book = convert_study(DEMO, tmp_path / "book", "xlsx")
    path = qp.build(tmp_path / "p.qdpx", "atlas")
    assert run_cli(capsys, "qda", "import", path, "--study", book, "--mapping", mapping_file(tmp_path))[0] == 0
    review_path = book / "qda_review_p.csv"
    review = pd.read_csv(review_path, dtype=str, keep_default_na=False)
    review["accept"] = "x"
    review.to_csv(review_path, index=False)  # the evaluator's edit
    status, out = run_cli(capsys, "qda", "confirm", review_path, "--study", book)
    assert status == 0 and f"Added {len(review)} assessments" in out
    assert validate_study(book, use_cache=False) == []
    assert set(load_study(book, use_cache=False).coder_assessments["coder"]) == {"coder1", "coder2"}


def test_an_invalid_study_is_refused_before_anything_is_written(tmp_path, study, capsys):
    (study / "municipalities.csv").write_text("municipality_id\n", encoding="utf-8")
    status, out = run_cli(
        capsys,
        "qda",
        "import",
        qp.build(tmp_path / "p.qdpx", "qualcoder"),
        "--study",
        study,
        "--mapping",
        mapping_file(tmp_path),
    )
    assert status == 1 and "must be corrected first" in out and "municipalities.csv" in out
    assert not (study / "coded_segments.csv").exists()


def test_no_report_reads_the_excerpts():
    """Excerpts are sensitive: nothing that makes a report reads them, but the quotes the evaluator marks.

    Only :mod:`evalkit.analysis.quotes` reads ``coded_segments``, and only its rows marked
    ``quotable = yes`` (``tests/test_quotes.py`` checks that no other excerpt is ever returned).
    """
    sources = [
        *(paths.PACKAGE_DIR / "analysis").rglob("*.py"),
        *(paths.PACKAGE_DIR / "present").rglob("*.py"),
        *(paths.PACKAGE_DIR / "report").rglob("*.py"),
        paths.PACKAGE_DIR / "notebook.py",
        *paths.NOTEBOOKS_DIR.glob("*.py"),
    ]
    assert sources
    # Naming the table in a label entry (``"coded_segments": ("Kodade textavsnitt", …)``) is not reading it.
    mention = re.compile(r'coded_segments(?!"\s*:\s*\()')
    readers = [source for source in sources if mention.search(source.read_text(encoding="utf-8"))]
    assert readers == [paths.PACKAGE_DIR / "analysis" / "quotes.py"]
