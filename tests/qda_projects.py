"""REFI-QDA projects built from the schema, shaped the way NVivo, ATLAS.ti, MAXQDA and QualCoder write them.

Every flavour holds the same invented interviews, codes and codings; only what
the exporters are known to do differently changes (see FLAVOURS): the XML
namespace (1.0, 1.5 or none), the folder of the source files (``sources/`` or
``Sources/``), GUID spelling (lower, upper, braced), line ends, how text
positions are counted (characters, UTF-16 units, a Windows line end as one),
categories that are also codes, memo-only selections, variables on sources and
on nameless cases, case nodes that share a GUID with a code, codes without
codings. Keyword arguments of :func:`build` switch single quirks on or off so
that a test can show each one matters.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

NS = "urn:QDA-XML:project:1.0"

# Invented interview texts (no real quotes). The emoji in I12 is one character but two UTF-16 units.
TEXTS = {
    "I05": "Fråga: Hur arbetar ni med våld?\nSvar: Personalen frågar nu om våld i varje nytt ärende.\n"
    "Det har blivit en del av rutinen sedan vi gick utbildningen.\n",
    "I12": "Vi har lärt oss mycket 🙂 under året.\nJag vet nu vart jag ska skicka en kvinna som utsatts.\n",
    "I06": "Chefen menar att kunskapen har ökat i gruppen.\nMen det är ojämnt mellan enheterna.\n",
    "I01": "Samordnaren följer upp varje ärende efter tre månader.\nDet görs i en tabell.\n",
    "I17": "Polisen vet vem de ska ringa i kommunen.\nKontakten är tydlig.\n",
}
SOURCE_NAMES = {"I05": "I05", "I12": "I12", "I06": "Intervju chef kommun 2", "I01": "I01", "I17": "Samtal med polisen"}
CODES = {
    "more": ("Ökad kunskap hos personalen", "Kunskap"),
    "none": ("Ingen förändring i kunskap", "Kunskap"),
    "follow": ("Uppföljning sker", None),
    "contact": ("Känd kontaktperson", None),
    "other": ("Övrigt", None),
}
USERS = {"u1": "Anna Andersson", "u2": "Bertil Berg"}
# (interview, code, coded text, user)
CODINGS = [
    ("I05", "more", "Personalen frågar nu om våld i varje nytt ärende.", "u1"),
    ("I05", "none", "Det har blivit en del av rutinen", "u2"),
    ("I05", "other", "Fråga: Hur arbetar ni med våld?", "u1"),
    ("I12", "more", "Jag vet nu vart jag ska skicka en kvinna som utsatts.", "u1"),
    ("I06", "more", "kunskapen har ökat i gruppen", "u1"),
    ("I06", "more", "kunskapen har ökat i gruppen", "u2"),
    ("I01", "follow", "följer upp varje ärende efter tre månader", "u1"),
    ("I17", "contact", "Polisen vet vem de ska ringa i kommunen.", "u1"),
]
MAPPING = """kind,qda,indicator_id,valence,interview_id,coder
code,Kunskap/Ökad kunskap hos personalen,kb_staff_knowledge,ja,,
code,Ingen förändring i kunskap,kb_staff_knowledge,nej,,
code,Uppföljning sker,ef_follow_up,yes,,
code,Känd kontaktperson,ac_known_contact,Yes,,
source,Intervju chef kommun 2,,,I06,
source,Samtal med polisen,,,I17,
user,Anna Andersson,,,,coder1
user,Bertil Berg,,,,coder2
"""
# A sixth interview the study does not hold yet: its case carries group, role and municipality as variables.
NEW_TEXT = "Vi har fått en rutin för frågor om våld.\n"
NEW_CASE = {"name": "Ny chef K03", "Grupp": "Kommunal chef", "Roll": "IFO-chef", "Kommun": "K03"}

FLAVOURS = {
    "qualcoder": dict(origin="QualCoder 3.5", namespace=NS, folder="sources", guid="lower", newline="\n", unit="chars"),
    "nvivo": dict(
        origin="NVivo 14 (14.23.0)",
        namespace=NS,
        folder="Sources",
        guid="upper",
        newline="\r\n",
        unit="utf16",
        case_nodes=True,
    ),
    "atlas": dict(
        origin="ATLAS.ti 23.2.1", namespace=NS, folder="sources", guid="braces", newline="\r\n", unit="crlf_as_one"
    ),
    "maxqda": dict(
        origin="MAXQDA 2022 (Release 22.0.1)",
        namespace="urn:QDA-XML:project:1.5",
        folder="sources",
        guid="upper",
        newline="\n",
        unit="chars",
        codable_categories=True,
        memo_selections=True,
        source_variables=True,
    ),
}


def guid(seed: str, style: str = "lower") -> str:
    """A fixed GUID for ``seed`` in the exporter's spelling."""
    value = str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
    return {"lower": value, "upper": value.upper(), "braces": "{" + value.upper() + "}"}[style]


def position(stored: str, index: int, unit: str) -> int:
    """Where character ``index`` of the stored text is, counted the way the exporter counts."""
    if unit == "utf16":
        return len(stored[:index].encode("utf-16-le")) // 2
    if unit == "crlf_as_one":
        return len(stored[:index].replace("\r\n", "\n"))
    return index


def build(
    path: Path,
    flavour: str,
    *,
    with_codings: bool = True,
    with_sources: bool = True,
    with_users: bool = True,
    new_interview: bool = False,
    external: str | None = None,
    duplicate_name: bool = False,
    qde_name: str = "project.qde",
    **overrides,
) -> Path:
    """Write a .qdpx file of the given flavour and return its path.

    Parameters
    ----------
    with_codings : bool
        False: the code book without any codings (as NVivo exports without sources).
    with_sources : bool
        False: no Sources element at all.
    with_users : bool
        False: no Users element and no user on any coding.
    new_interview : bool
        Add a source for an interview the study lacks, in a named case with group, role and municipality.
    external : {"relative", "absolute"} or None
        Point the I17 source at a file outside the archive.
    duplicate_name : bool
        Give the I01 source the same name as the I06 source.
    qde_name : str
        Name of the project XML in the archive.
    **overrides
        Replace a setting of the flavour (``namespace=""``, ``unit="chars"`` …).
    """
    spec = FLAVOURS[flavour] | overrides
    ns = spec["namespace"]
    q = (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)

    def g(seed: str) -> str:
        return guid(seed, spec["guid"])

    root = ET.Element(q("Project"), {"name": "Exempelprojekt", "origin": spec["origin"]})
    if with_users:
        users = ET.SubElement(root, q("Users"))
        for key, name in USERS.items():
            ET.SubElement(users, q("User"), {"guid": g(key), "name": name})
    codes = ET.SubElement(ET.SubElement(root, q("CodeBook")), q("Codes"))
    parents = {}
    for key, (name, parent) in CODES.items():
        holder = codes
        if parent:
            if parent not in parents:
                codable = "true" if spec.get("codable_categories") else "false"
                parents[parent] = ET.SubElement(
                    codes, q("Code"), {"guid": g(parent), "name": parent, "isCodable": codable}
                )
            holder = parents[parent]
        ET.SubElement(holder, q("Code"), {"guid": g(key), "name": name, "isCodable": "true"})
    if spec.get("case_nodes"):  # NVivo: the case is also a node in the code book, with the same GUID
        ET.SubElement(codes, q("Code"), {"guid": g("case-K01"), "name": "Kommun K01", "isCodable": "true"})
    variable_names = ["Grupp"] if spec.get("source_variables") else []
    if new_interview:
        variable_names += ["Roll", "Kommun"] + ([] if "Grupp" in variable_names else ["Grupp"])
    if variable_names:
        variables = ET.SubElement(root, q("Variables"))
        for name in dict.fromkeys(variable_names):
            ET.SubElement(variables, q("Variable"), {"guid": g("var-" + name), "name": name, "typeOfVariable": "Text"})
    cases = ET.SubElement(root, q("Cases"))
    if spec.get("case_nodes"):
        case = ET.SubElement(cases, q("Case"), {"guid": g("case-K01"), "name": "Kommun K01"})
        ET.SubElement(case, q("SourceRef"), {"targetGUID": g("src-I05")})
    if spec.get("source_variables"):  # MAXQDA: a nameless case holds one source's variables
        nameless = ET.SubElement(cases, q("Case"), {"guid": g("case-nameless")})
        value = ET.SubElement(nameless, q("VariableValue"))
        ET.SubElement(value, q("VariableRef"), {"targetGUID": g("var-Grupp")})
        ET.SubElement(value, q("TextValue")).text = "Kommunal chef"
        ET.SubElement(nameless, q("SourceRef"), {"targetGUID": g("src-I05")})
    if new_interview:
        case = ET.SubElement(cases, q("Case"), {"guid": g("case-new"), "name": NEW_CASE["name"]})
        for name in ("Grupp", "Roll", "Kommun"):
            value = ET.SubElement(case, q("VariableValue"))
            ET.SubElement(value, q("VariableRef"), {"targetGUID": g("var-" + name)})
            ET.SubElement(value, q("TextValue")).text = NEW_CASE[name]
        ET.SubElement(case, q("SourceRef"), {"targetGUID": g("src-NEW")})
    if not len(cases):
        root.remove(cases)
    files = {}
    texts = dict(TEXTS) | ({"NEW": NEW_TEXT} if new_interview else {})
    codings = CODINGS + ([("NEW", "more", "Vi har fått en rutin för frågor om våld.", "u1")] if new_interview else [])
    if spec.get("case_nodes"):
        codings = codings + [("I05", "case-K01", "Fråga: Hur arbetar ni med våld?", "u1")]
    if with_sources:
        sources = ET.SubElement(root, q("Sources"))
        for interview, text in texts.items():
            stored = text.replace("\n", spec["newline"])
            file_name = f"{guid('file-' + interview, 'upper')}.txt"
            text_path = f"internal://{file_name}"
            if external and interview == "I17":
                text_path = {"relative": "relative://../secret.txt", "absolute": "absolute:///etc/passwd"}[external]
            else:
                files[f"{spec['folder']}/{file_name}"] = stored.encode("utf-8")
            name = SOURCE_NAMES.get(interview, "Intervju ny chef")
            if duplicate_name and interview == "I01":
                name = SOURCE_NAMES["I06"]
            source = ET.SubElement(
                sources, q("TextSource"), {"guid": g("src-" + interview), "name": name, "plainTextPath": text_path}
            )
            for number, (where, code, fragment, user) in enumerate(codings if with_codings else []):
                if where != interview:
                    continue
                index = stored.index(fragment)
                attributes = {
                    "guid": g(f"sel-{number}"),
                    "startPosition": str(position(stored, index, spec["unit"])),
                    "endPosition": str(position(stored, index + len(fragment), spec["unit"])),
                }
                if with_users:
                    attributes["creatingUser"] = g(user)
                selection = ET.SubElement(source, q("PlainTextSelection"), attributes)
                coding_attributes = {"guid": g(f"coding-{number}")} | ({"creatingUser": g(user)} if with_users else {})
                coding = ET.SubElement(selection, q("Coding"), coding_attributes)
                ET.SubElement(coding, q("CodeRef"), {"targetGUID": g(code)})
            if spec.get("memo_selections"):  # MAXQDA: a selection with a memo and no coding
                memo = ET.SubElement(
                    source,
                    q("PlainTextSelection"),
                    {"guid": g("memo-" + interview), "startPosition": "0", "endPosition": "4"},
                )
                ET.SubElement(memo, q("Description")).text = "En anteckning utan kod."
            if spec.get("source_variables"):
                value = ET.SubElement(source, q("VariableValue"))
                ET.SubElement(value, q("VariableRef"), {"targetGUID": g("var-Grupp")})
                ET.SubElement(value, q("TextValue")).text = "intervju"
    if ns:
        ET.register_namespace("", ns)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, ET.tostring(root, encoding="utf-8", xml_declaration=True))
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def coding_count(flavour: str, new_interview: bool = False) -> int:
    """Codings a project of ``flavour`` holds (NVivo's case coding not counted)."""
    return len(CODINGS) + (1 if new_interview else 0)
