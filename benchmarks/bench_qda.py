"""Benchmark ``evalkit qda inspect`` and ``qda import`` on a large REFI-QDA project.

Builds a project like a busy fieldwork season would give: one transcript per
interview of the demo county (22 sources of about 60 000 characters), a code
book of 40 codes in 8 categories, ``--codings`` codings per source by two
coders, then measures (median of ``--repeat`` runs):

read      reading the archive and the XML (defusedxml) into a project
schema    checking it against the REFI-QDA schema (xmlschema)
import    mapping, coded segments with excerpts, proposals, writing the files

Everything is written to a temporary folder.

Usage::

    .venv/bin/python benchmarks/bench_qda.py
    .venv/bin/python benchmarks/bench_qda.py --codings 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from evalkit import paths
from evalkit.qda.importer import import_project
from evalkit.qda.project import read_project
from evalkit.qda.schema import schema_deviations

NS = "urn:QDA-XML:project:1.0"
DEMO = paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county"
INDICATORS = ("kb_staff_knowledge", "kb_freda", "ef_follow_up", "ac_known_contact")


def guid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def build(path: Path, codings_per_source: int) -> Path:
    """Write the benchmark project."""
    q = lambda tag: f"{{{NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("Project"), {"name": "Benchmark", "origin": "QualCoder 3.5"})
    users = ET.SubElement(root, q("Users"))
    for user in ("u1", "u2"):
        ET.SubElement(users, q("User"), {"guid": guid(user), "name": user})
    codes = ET.SubElement(ET.SubElement(root, q("CodeBook")), q("Codes"))
    for category in range(8):
        parent = ET.SubElement(
            codes, q("Code"), {"guid": guid(f"cat{category}"), "name": f"K{category}", "isCodable": "false"}
        )
        for number in range(5):
            ET.SubElement(
                parent,
                q("Code"),
                {"guid": guid(f"c{category}.{number}"), "name": f"Kod {category}.{number}", "isCodable": "true"},
            )
    sources = ET.SubElement(root, q("Sources"))
    files = {}
    line = "Svar: samordnaren har gjort att vi frågar om våld i fler ärenden än förut.\n"
    text = line * 800
    for index in range(1, 23):
        interview = f"I{index:02d}"
        file_name = f"{guid('file' + interview)}.txt"
        files[f"sources/{file_name}"] = text.encode("utf-8")
        source = ET.SubElement(
            sources,
            q("TextSource"),
            {"guid": guid(interview), "name": interview, "plainTextPath": f"internal://{file_name}"},
        )
        for number in range(codings_per_source):
            start = (number * 37) % (len(text) - 200)
            selection = ET.SubElement(
                source,
                q("PlainTextSelection"),
                {"guid": guid(f"s{interview}.{number}"), "startPosition": str(start), "endPosition": str(start + 150)},
            )
            user = guid("u1" if number % 2 else "u2")
            coding = ET.SubElement(
                selection, q("Coding"), {"guid": guid(f"k{interview}.{number}"), "creatingUser": user}
            )
            ET.SubElement(coding, q("CodeRef"), {"targetGUID": guid(f"c{number % 8}.{number % 5}")})
    ET.register_namespace("", NS)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def mapping(path: Path) -> Path:
    rows = ["kind,qda,indicator_id,valence,interview_id,coder"]
    for category in range(8):
        for number in range(5):
            value = ("yes", "partly", "no")[number % 3]
            rows.append(f"code,K{category}/Kod {category}.{number},{INDICATORS[category % 4]},{value},,")
    rows += ["user,u1,,,,coder1", "user,u2,,,,coder2"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=500, help="codings per source (22 sources)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        project_path = build(folder / "benchmark.qdpx", args.codings)
        map_path = mapping(folder / "map.csv")
        project = read_project(project_path)
        read = timed(lambda: read_project(project_path), args.repeat)
        schema = timed(lambda: schema_deviations(project.root), args.repeat)

        def one_import():
            study = folder / "study"
            shutil.rmtree(study, ignore_errors=True)
            shutil.copytree(DEMO, study)
            return import_project(read_project(project_path), study, map_path)

        result = one_import()
        imported = timed(one_import, args.repeat)
        size = project_path.stat().st_size / 1024 / 1024
        print(
            f"project: {len(project.sources)} sources, {len(project.codes)} codes, {len(project.codings)} codings, {size:.1f} MB"
        )
        print(f"read    {read:7.2f} s  ({len(project.codings) / read:,.0f} codings/s)")
        print(f"schema  {schema:7.2f} s")
        print(
            f"import  {imported:7.2f} s  ({result.segments} segments, {len(result.proposals)} proposals; "
            f"{result.segments / imported:,.0f} segments/s)"
        )


if __name__ == "__main__":
    main()
