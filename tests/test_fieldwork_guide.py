"""docs/fieldwork.md, walked literally: every command of the guide, in its order, to a report.

The commands are read from the guide's code blocks and run as written (inside a scratch folder,
so that ``data/lan-2026``, ``svar.xlsx``, ``kodning.qdpx`` and ``kodkarta.csv`` are the guide's
own paths); ``evalkit run`` gets only a reports root and ``--no-pdf`` (the PDF is tested
elsewhere). Between the commands the test does what the guide tells the evaluator to do, and
nothing else: it types the county, the interviews, the remaining assessments, the conditions,
case statistics and documents into the workbook's sheets (the data of the invented teaching county
``data/ovningslan-2025``, coded columns picked from the Swedish drop-down lists), exports a web
survey the way Microsoft Forms does, exports a REFI-QDA project coded by two coders, fills in the
mapping and accepts the proposals. No placeholder row is ever typed.
"""

from __future__ import annotations

import re
import shlex
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evalkit import paths
from evalkit.cli import main
from evalkit.study.model import resource_schema
from evalkit.survey.items import survey_questions

GUIDE = paths.PROJECT_ROOT / "docs" / "fieldwork.md"
TRUTH = paths.DATA_DIR / "ovningslan-2025"
STUDY = Path("data/lan-2026")
NAMES = {
    "P": "Pilby",
    "Q": "Kvarnby",
    "R": "Rödsta",
    "S": "Sjöholm",
    "T": "Tallvik",
    "U": "Udden",
    "V": "Vallby",
    "W": "Vretstad",
    "X": "Ximsta",
}
QDA_INDICATORS = ("knowledge_improved", "external_partner_knows_coordinators")
NS = "urn:QDA-XML:project:1.0"


def guide_commands() -> list[tuple[int, list[str]]]:
    """(section number, argv) of every ``evalkit`` line in a plain code block of the guide, in order."""
    commands, section, in_block, plain = [], 0, False, False
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\d+)\. ", line)
        if heading:
            section = int(heading.group(1))
        if line.startswith("```"):
            in_block, plain = (False, False) if in_block else (True, line.strip() == "```")
            continue
        if in_block and plain and line.startswith("evalkit "):
            commands.append((section, shlex.split(line)[1:]))
    return commands


def truth(table: str) -> pd.DataFrame:
    return pd.read_csv(TRUTH / f"{table}.csv", dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- typing into the workbook


def swedish_labels() -> dict[str, dict[str, str]]:
    vocabularies = pd.read_csv(TRUTH / "codebook" / "vocabularies.csv", dtype=str, keep_default_na=False)
    labels: dict[str, dict[str, str]] = {}
    for vocabulary, code, label in zip(vocabularies["vocabulary"], vocabularies["code"], vocabularies["label_sv"]):
        labels.setdefault(vocabulary, {})[code] = label
    return labels


def typed(table: str, column: str, text: str, labels: dict) -> object:
    """What an evaluator puts in a cell: a number in number columns, the drop-down's label in coded ones."""
    spec = next((f for f in resource_schema(table)["fields"] if f["name"] == column), {})
    if text == "":
        return None
    if spec.get("type") in ("number", "integer"):
        number = float(text)
        return int(number) if number.is_integer() else number
    if "enum" in spec.get("constraints", {}) and text in labels.get(column, {}):
        return labels[column][text]
    return text


def type_rows(book: Path, table: str, frame: pd.DataFrame) -> None:
    """Type ``frame``'s rows below the last filled row of the sheet, as the evaluator would in Excel."""
    labels = swedish_labels()
    workbook = openpyxl.load_workbook(book)
    sheet = workbook[table]
    header = [cell.value for cell in sheet[1]]
    row = max((r for r in range(1, sheet.max_row + 1) if any(c.value is not None for c in sheet[r])), default=1) + 1
    for record in frame.to_dict("records"):
        for column, text in record.items():
            if column in header:
                value = typed(table, column, text, labels)
                if value is not None:
                    sheet.cell(row=row, column=header.index(column) + 1, value=value)
        row += 1
    workbook.save(book)


# --------------------------------------------------------------------------- the web survey and the QDA project


def forms_export(path: Path) -> None:
    """The survey as Microsoft Forms exports it: extra columns, numbered Swedish question texts, names in Q1."""
    codebook = {"survey_questions": pd.read_csv(TRUTH / "codebook" / "survey_questions.csv", dtype=str)}
    codebook["vocabularies"] = pd.read_csv(TRUTH / "codebook" / "vocabularies.csv", dtype=str, keep_default_na=False)
    labels = swedish_labels()["q4_placement"]
    headers = {}
    for question in survey_questions(codebook, "sv"):
        for position, item in enumerate(question.items):
            if len(question.items) == 1:
                headers[item.column] = f"{question.number}. {question.text}" if question.number else item.label
            else:
                headers[item.column] = f"{question.number}{'abcdefgh'[position]}. {item.label}"
    answers = truth("survey_responses")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Starttid", "Tid för slutförande", "E-post", "Namn", *headers.values()])
    for number, record in enumerate(answers.to_dict("records"), start=1):
        row = [number, "2026-03-02 09:14", "2026-03-02 09:31", "anonymous", ""]
        for column in headers:
            text = record[column]
            if column == "q1_municipalities":
                names = [NAMES[m] for m in text.split("|")]
                text = ", ".join(f"{name} kommun" if i == 0 else name for i, name in enumerate(names))
            elif column.endswith("_pct") and text:
                text = f"{text} %"
            elif column == "q4_placement":
                text = labels[text]
            row.append(text)
        sheet.append(row)
    book.save(path)


def guid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fieldwork-guide/" + seed))


#: (interview, code, coded sentence, user): two coders, knowledge coded for the coordinator municipalities,
#: the partners' knowledge of the coordinators for two of five partner interviews.
CODINGS = [
    ("IV05", "more", "Personalen frågar nu om våld i varje ärende.", "u1"),
    ("IV05", "more", "Personalen frågar nu om våld i varje ärende.", "u2"),
    ("IV14", "more", "Vi har lärt oss mycket om våld det här året.", "u1"),
    ("IV14", "more", "Vi har lärt oss mycket om våld det här året.", "u2"),
    ("IV06", "none", "Kunskapen är densamma som förut.", "u1"),
    ("IV16", "none", "Inget har ändrats i hur vi arbetar.", "u2"),
    ("IV07", "more", "Personalen frågar nu om våld i varje ärende.", "u1"),
    ("IV07", "more", "Personalen frågar nu om våld i varje ärende.", "u2"),
    ("IV17", "more", "Vi har lärt oss mycket om våld det här året.", "u1"),
    ("IV17", "more", "Vi har lärt oss mycket om våld det här året.", "u2"),
    ("IV08", "more", "Personalen frågar nu om våld i varje ärende.", "u1"),
    ("IV18", "more", "Vi har lärt oss mycket om våld det här året.", "u2"),
    ("IV09", "more", "Personalen frågar nu om våld i varje ärende.", "u1"),
    ("IV09", "none", "Kunskapen är densamma som förut.", "u2"),
    ("IV22", "contact", "Vi vet vem vi ska ringa i kommunen.", "u1"),
    ("IV22", "contact", "Vi vet vem vi ska ringa i kommunen.", "u2"),
    ("IV23", "contact", "Vi vet vem vi ska ringa i kommunen.", "u1"),
    ("IV01", "other", "Samordnaren började för några år sedan.", "u1"),
]
SENTENCES = sorted({sentence for _, _, sentence, _ in CODINGS})


def qda_project(path: Path) -> None:
    """A REFI-QDA project as a QDA program exports it: sources, a code tree, two users, a case with variables."""
    interviews = list(truth("interviews")["interview_id"])
    root = ET.Element(f"{{{NS}}}Project", {"name": "Norrlandia", "origin": "QualCoder 3.5"})
    users = ET.SubElement(root, f"{{{NS}}}Users")
    for key, name in (("u1", "Anna Andersson"), ("u2", "Bertil Berg")):
        ET.SubElement(users, f"{{{NS}}}User", {"guid": guid(key), "name": name})
    codes = ET.SubElement(ET.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    category = ET.SubElement(codes, f"{{{NS}}}Code", {"guid": guid("cat"), "name": "Kunskap", "isCodable": "false"})
    for key, name, parent in (
        ("more", "Ökad kunskap – ja", category),
        ("none", "Ökad kunskap – nej", category),
        ("contact", "Extern part känner samordnaren", codes),
        ("other", "Övrigt", codes),
    ):
        ET.SubElement(parent, f"{{{NS}}}Code", {"guid": guid(key), "name": name, "isCodable": "true"})
    variables = ET.SubElement(root, f"{{{NS}}}Variables")
    for name in ("Grupp", "Roll", "Kommun"):
        ET.SubElement(
            variables, f"{{{NS}}}Variable", {"guid": guid("var-" + name), "name": name, "typeOfVariable": "Text"}
        )
    case = ET.SubElement(
        ET.SubElement(root, f"{{{NS}}}Cases"), f"{{{NS}}}Case", {"guid": guid("case"), "name": "Ny chef i kommun X"}
    )
    for name, value in (("Grupp", "Chefer i kommunerna"), ("Roll", "ifo_head"), ("Kommun", "X")):
        holder = ET.SubElement(case, f"{{{NS}}}VariableValue")
        ET.SubElement(holder, f"{{{NS}}}VariableRef", {"targetGUID": guid("var-" + name)})
        ET.SubElement(holder, f"{{{NS}}}TextValue").text = value
    ET.SubElement(case, f"{{{NS}}}SourceRef", {"targetGUID": guid("src-IV13")})
    sources = ET.SubElement(root, f"{{{NS}}}Sources")
    files = {}
    text = "Intervju.\n" + "\n".join(SENTENCES) + "\n"
    for interview in interviews:
        name = {"IV22": "Samtal med polisen", "IV13": "Ny chef X"}.get(interview, interview)
        file_name = f"{guid('file-' + interview)}.txt"
        files[f"sources/{file_name}"] = text.encode("utf-8")
        source = ET.SubElement(
            sources,
            f"{{{NS}}}TextSource",
            {"guid": guid("src-" + interview), "name": name, "plainTextPath": f"internal://{file_name}"},
        )
        for number, (where, code, sentence, user) in enumerate(CODINGS):
            if where != interview:
                continue
            start = text.index(sentence)
            selection = ET.SubElement(
                source,
                f"{{{NS}}}PlainTextSelection",
                {"guid": guid(f"sel-{number}"), "startPosition": str(start), "endPosition": str(start + len(sentence))},
            )
            coding = ET.SubElement(
                selection, f"{{{NS}}}Coding", {"guid": guid(f"coding-{number}"), "creatingUser": guid(user)}
            )
            ET.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": guid(code)})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        for name, data in files.items():
            archive.writestr(name, data)


# --------------------------------------------------------------------------- what the guide tells the evaluator to do


def describe_the_county(book: Path) -> None:
    """§2: municipalities (with their real names), coordinators and who works where."""
    municipalities = truth("municipalities")
    municipalities["name"] = municipalities["municipality_id"].map(NAMES)
    municipalities["county"] = "Norrlandia län"
    type_rows(book, "municipalities", municipalities)
    type_rows(book, "coordinators", truth("coordinators"))
    type_rows(book, "coordinator_municipalities", truth("coordinator_municipalities"))


def type_the_interviews(book: Path) -> None:
    """§4: every interview but one, which the QDA import adds from its case variables."""
    interviews = truth("interviews")
    type_rows(book, "interviews", interviews[interviews["interview_id"] != "IV13"])


def fill_in_the_mapping(mapping: Path) -> None:
    """§5: indicator and valence for the codes used, interview ids for the sources and cases not named by them."""
    frame = pd.read_csv(mapping, dtype=str, keep_default_na=False)
    targets = {
        ("code", "Kunskap/Ökad kunskap – ja"): {"indicator_id": "knowledge_improved", "valence": "ja"},
        ("code", "Kunskap/Ökad kunskap – nej"): {"indicator_id": "knowledge_improved", "valence": "nej"},
        ("code", "Extern part känner samordnaren"): {
            "indicator_id": "external_partner_knows_coordinators",
            "valence": "ja",
        },
        ("source", "Samtal med polisen"): {"interview_id": "IV22"},
        ("case", "Ny chef i kommun X"): {"interview_id": "IV13"},
    }
    for (kind, qda), values in targets.items():
        rows = (frame["kind"] == kind) & (frame["qda"] == qda)
        assert rows.sum() == 1, (kind, qda)
        for column, value in values.items():
            frame.loc[rows, column] = value
    assert set(frame.loc[frame["kind"] == "user", "coder"]) == {"coder1", "coder2"}, "the coders are filled in"
    frame.to_csv(mapping, index=False)


def accept_the_proposals(review: Path) -> None:
    """§6: ja in accept for every proposal."""
    frame = pd.read_csv(review, dtype=str, keep_default_na=False)
    frame["accept"] = "ja"
    frame.to_csv(review, index=False)


def type_the_other_assessments(book: Path) -> None:
    """§6: the indicators not coded in the QDA program, typed into the assessments sheet (both coders' rows too)."""
    assessments = truth("assessments")
    type_rows(book, "assessments", assessments[~assessments["indicator_id"].isin(QDA_INDICATORS)])


def the_rest_of_the_material(book: Path) -> None:
    """§8: conditions, case statistics, documents."""
    for table in ("conditions", "case_statistics", "documents"):
        type_rows(book, table, truth(table))


@pytest.mark.slow
def test_the_fieldwork_guide_works_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(tmp_path / "cache"))
    commands = guide_commands()
    verbs = [(section, " ".join(argv[:2]) if argv[0] in ("survey", "qda") else argv[0]) for section, argv in commands]
    assert verbs == [
        (1, "new"),
        (2, "validate"),
        (3, "survey import"),
        (5, "qda inspect"),
        (6, "qda import"),
        (6, "qda confirm"),
        (9, "validate"),
        (9, "run"),
    ], "the guide's commands changed: update this walk-through"
    book = STUDY / "lan-2026.xlsx"
    before = {
        3: lambda: forms_export(Path("svar.xlsx")),
        5: lambda: (type_the_interviews(book), qda_project(Path("kodning.qdpx"))),
    }
    after = {
        "new": lambda: describe_the_county(book),
        "qda inspect": lambda: fill_in_the_mapping(Path("kodkarta.csv")),
        "qda import": lambda: accept_the_proposals(STUDY / "qda_review_kodning.csv"),
        "qda confirm": lambda: (type_the_other_assessments(book), the_rest_of_the_material(book)),
    }
    done = set()
    outputs = []
    for (section, argv), (_, verb) in zip(commands, verbs):
        if section in before and section not in done:
            before[section]()
            done.add(section)
        if argv[0] == "run":
            argv = [*argv, "--reports-root", str(tmp_path / "reports"), "--no-pdf"]
        status = main(argv)
        out = capsys.readouterr()
        outputs.append(out.out + out.err)
        assert status == 0, f"evalkit {' '.join(argv)}:\n{outputs[-1]}"
        assert "Traceback" not in outputs[-1]
        if verb in after:
            after[verb]()
    survey, inspected, qda_import, confirm, validate, run = outputs[2:]
    assert "Anna Andersson" in inspected  # the users are listed, to be mapped to coder ids
    assert "Added 4 survey responses (K1, K2, K3, K4)" in survey
    assert "Not imported (5 export columns)" in survey
    assert "Added 1 interviews: IV13." in qda_import and "Wrote 17 coded segments" in qda_import
    assert "sheet coded_segments" in qda_import
    review = pd.read_csv(STUDY / "qda_review_kodning.csv", dtype=str, keep_default_na=False)
    partners = review[review["indicator_id"] == "external_partner_knows_coordinators"]
    assert set(partners["subject_id"]) == {"IV22", "IV23", "IV24", "IV25", "IV26"}
    assert f"Added {len(review)} assessments" in confirm
    assert "is a valid study" in validate
    assert not list(STUDY.glob("*.csv"))[1:], "one workbook: the review file is the only CSV"
    report = tmp_path / "reports" / "lan-2026"
    assert (report / "findings.csv").is_file(), run
    html = (report / "sv" / "report.html").read_text(encoding="utf-8")
    assert "Kvinnofridssamordnarna i Norrlandia län" in html
    assert not any(name in html for name in NAMES.values()), "real municipality names stay out of the report"
