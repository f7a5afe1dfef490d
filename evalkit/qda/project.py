"""Reading a REFI-QDA project (``.qdpx``) as NVivo, ATLAS.ti, MAXQDA and QualCoder write it.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (REFI-QDA Project XML)
and, usually, the source texts in ``sources/`` (MAXQDA, QualCoder) or
``Sources/`` (NVivo). :func:`read_project` reads it defensively and returns a
:class:`QdaProject`: users, the code tree, sources, every coding (a code
applied to a selection of a source by a user), cases and variables.

Reading never trusts the file:

* the archive is checked by :mod:`evalkit.safezip` (size, number of members,
  zip slip, zip bomb) and nothing is extracted to disk;
* the XML is parsed with defusedxml with document type declarations
  forbidden, so there is no entity expansion and no external reference;
* sources outside the archive (``absolute://``, ``relative://``) are never
  opened: a hostile project could otherwise copy any file of the user's disk
  into the study.

What the exporters really write differs from the schema in known ways, and
none of it is refused; each is listed in :attr:`QdaProject.deviations`:

* the namespace is ``urn:QDA-XML:project:1.0`` (REFI-QDA 1.0 and 1.5 alike),
  but some tools write ``…:1.5`` or no namespace at all: elements are matched
  by local name;
* the project XML may be named other than ``project.qde`` (then the archive's
  only ``.qde`` file is read);
* NVivo may export the code book without any codings; some tools omit the
  ``Sources`` element or the source files; two sources may share a name;
* MAXQDA marks categories that are also codes with ``isCodable="true"`` on a
  parent, writes ``PlainTextSelection`` elements that carry only a memo (no
  ``Coding``), and attaches variables to sources or to nameless cases;
* NVivo gives codes for its cases the case's GUID (read as cases, their codings
  as case text, not as codings), and counts text positions
  in UTF-16 units (a character outside the Basic Multilingual Plane counts
  twice, a Windows line end ``\\r\\n`` twice); ATLAS.ti counts ``\\r\\n`` as one;
* GUIDs come in upper or lower case and sometimes in braces;
* the user of a coding is on the ``Coding``, on its selection, or only in
  ``modifyingUser``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET

from evalkit.safezip import MB, UnsafeArchiveError, ZipLimits, find_member, open_zip, read_member

NAMESPACE = "urn:QDA-XML:project:1.0"
QDPX_LIMITS = ZipLimits(max_file_bytes=500 * MB, max_members=20_000, max_member_bytes=100 * MB)
MAX_SOURCE_BYTES = 20 * MB
SOURCE_KINDS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
SELECTION_KINDS = {
    "PlainTextSelection": "text",
    "PDFSelection": "pdf",
    "PictureSelection": "picture",
    "AudioSelection": "audio",
    "VideoSelection": "video",
    "TranscriptSelection": "transcript",
}
GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
VALUE_ELEMENTS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")


class QdaError(ValueError):
    """A project cannot be read; ``str(error)`` says why, :attr:`fix` what to do."""

    def __init__(self, message: str, fix: str = ""):
        self.fix = fix
        super().__init__(message)


@dataclass(frozen=True)
class Code:
    """One code of the code book.

    Attributes
    ----------
    guid : str
        Normalised GUID (lower case, no braces).
    name : str
    path : str
        Names from the top of the tree, joined with ``/``.
    parent : str or None
        GUID of the parent code.
    codable : bool or None
        ``isCodable`` (``None`` when the exporter left it out).
    """

    guid: str
    name: str
    path: str
    parent: str | None
    codable: bool | None


@dataclass(frozen=True)
class Source:
    """One source (interview transcript, PDF, recording)."""

    guid: str
    name: str
    kind: str
    text_path: str | None  # internal://…, relative://…, absolute://… or None
    inline_text: str | None  # PlainTextContent, when the text is in the XML


@dataclass(frozen=True)
class Coding:
    """A code applied to a selection of a source by a user."""

    guid: str
    code: str
    source: str
    user: str | None
    kind: str
    start: int | None
    end: int | None
    text_source: str  # GUID of the text the positions refer to (a PDF's representation, a transcript)


@dataclass(frozen=True)
class Case:
    """A case: a named unit (a respondent, a municipality) with variable values and sources."""

    guid: str
    name: str | None
    variables: dict[str, str]
    sources: tuple[str, ...]


@dataclass
class QdaProject:
    """Everything evalkit reads from a ``.qdpx`` file."""

    path: Path
    name: str
    origin: str
    namespace: str
    users: dict[str, str]
    codes: list[Code]
    sources: list[Source]
    codings: list[Coding]
    cases: list[Case]
    variables: dict[str, str]
    source_variables: dict[str, dict[str, str]]
    texts: dict[str, Source] = field(default_factory=dict)  # text GUID -> the source (or representation)
    case_codings: list[Coding] = field(default_factory=list)  # NVivo: selections coded to a case node
    deviations: list[str] = field(default_factory=list)
    root: object = None  # the parsed XML, for schema validation
    user_guids: tuple = ()  # every User element's GUID, in order (a GUID used twice shows here twice)

    def code(self, guid: str) -> Code | None:
        return next((code for code in self.codes if code.guid == guid), None)


def guid_of(text: str | None) -> str | None:
    """A GUID in one form (lower case, braces removed); other text is kept as written."""
    if text is None:
        return None
    match = GUID.match(text.strip())
    return match.group(1).lower() if match else text.strip()


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    return [child for child in element if local(child.tag) == name]


def child(element, name: str):
    return next((c for c in element if local(c.tag) == name), None)


def parse_xml(data: bytes, member: str):
    """Parse XML with document type declarations, entities and external references forbidden."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise QdaError(
            f"{member} declares a document type or entities; evalkit does not read such XML (it can expand "
            "without bound or reach outside the file).",
            "Export the project again from the QDA program; real exports have no document type declaration.",
        ) from None
    except SafeET.ParseError as error:
        raise QdaError(
            f"{member} is not well-formed XML ({error}).", "Export the project again from the QDA program."
        ) from None


def read_project(path: Path) -> QdaProject:
    """Read a ``.qdpx`` file.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    QdaProject

    Raises
    ------
    QdaError
        If the file is not a safe, readable REFI-QDA project.
    """
    path = Path(path)
    if not path.is_file():
        raise QdaError(f"{path} does not exist or is not a file.", "Check the path of the exported project (.qdpx).")
    try:
        with open_zip(path, QDPX_LIMITS, "a REFI-QDA project (.qdpx)") as archive:
            member = project_member(archive)
            if member is None:
                raise QdaError(
                    f"{path.name} holds no project.qde, so it is not a REFI-QDA project.",
                    "Export with 'REFI-QDA Project' (.qdpx) in NVivo, ATLAS.ti, MAXQDA or QualCoder, not a codebook "
                    "(.qdc) or another format.",
                )
            root = parse_xml(read_member(archive, member, QDPX_LIMITS), member)
            project = project_from_xml(path, root)
            project.root = root
            if member.casefold() != "project.qde":
                project.deviations.insert(0, f"the project XML is named {member!r}, not 'project.qde'; it was read.")
            return project
    except UnsafeArchiveError as error:
        raise QdaError(str(error), "Export the project again from the QDA program.") from None


def project_member(archive) -> str | None:
    """``project.qde``, or the archive's only ``.qde`` file at the top (some exporters name it after the project)."""
    member = find_member(archive, "project.qde")
    if member is not None:
        return member
    others = [name for name in archive.namelist() if name.lower().endswith(".qde") and "/" not in name.strip("/")]
    return others[0] if len(others) == 1 else None


def project_from_xml(path: Path, root) -> QdaProject:
    """Build a :class:`QdaProject` from the parsed ``project.qde``."""
    if local(root.tag) != "Project":
        raise QdaError(
            f"project.qde has the root element {local(root.tag)!r}, not 'Project'.",
            "Export a REFI-QDA Project (.qdpx) from the QDA program.",
        )
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    deviations = []
    if namespace != NAMESPACE:
        deviations.append(
            f"the XML namespace is {namespace or 'missing'!r}, not {NAMESPACE!r}; elements were read by name."
        )
    user_elements = iter_path(root, "Users", "User")
    users = {guid_of(u.get("guid")): (u.get("name") or u.get("id") or "") for u in user_elements}
    codes = read_codes(root, deviations)
    variables = {guid_of(v.get("guid")): v.get("name") or "" for v in iter_path(root, "Variables", "Variable")}
    sources, codings, texts, source_variables = [], [], {}, {}
    sources_element = child(root, "Sources")
    if sources_element is None:
        deviations.append("the project has no Sources element (some exporters leave the sources out).")
    else:
        for element in sources_element:
            kind = local(element.tag)
            if kind not in SOURCE_KINDS:
                deviations.append(f"unknown source element {kind!r} was skipped.")
                continue
            read_source(element, kind, sources, codings, texts, source_variables, variables, deviations)
    cases = read_cases(root, variables)
    named_cases = {case.guid for case in cases if case.name}
    case_nodes = [code for code in codes if code.guid in named_cases]
    if case_nodes:
        deviations.append(
            f"{len(case_nodes)} codes share their GUID with a case (NVivo writes case nodes this way); they are read "
            "as cases, not as codes, and their codings as the case's text."
        )
        codes = [code for code in codes if code.guid not in named_cases]
    case_codings = [coding for coding in codings if coding.code in named_cases]
    codings = [coding for coding in codings if coding.code not in named_cases]
    for case in cases:
        if not case.name and case.variables:
            for source in case.sources:  # MAXQDA, Quirkos: a nameless case carries the variables of its sources
                source_variables.setdefault(source, {}).update(case.variables)
    if any(not case.name for case in cases):
        deviations.append(
            f"{sum(1 for case in cases if not case.name)} cases have no name (MAXQDA writes the variables of a "
            "source this way); their variables were read as the sources' variables."
        )
    project = QdaProject(
        path=path,
        name=root.get("name") or "",
        origin=root.get("origin") or "",
        namespace=namespace,
        users=users,
        codes=codes,
        sources=sources,
        codings=codings,
        cases=cases,
        variables=variables,
        source_variables=source_variables,
        texts=texts,
        case_codings=case_codings,
        deviations=deviations,
        user_guids=tuple(guid_of(u.get("guid")) for u in user_elements),
    )
    check_references(project)
    return project


def iter_path(root, *names: str):
    """Elements under ``root`` along the path of local names."""
    level = [root]
    for name in names:
        level = [c for element in level for c in children(element, name)]
    return level


def read_codes(root, deviations: list[str]) -> list[Code]:
    """The code tree, depth first, with paths."""
    codes: list[Code] = []
    missing_codable = []

    def walk(element, parent: Code | None) -> None:
        for code_element in children(element, "Code"):
            name = code_element.get("name") or ""
            codable_text = code_element.get("isCodable")
            codable = None if codable_text is None else codable_text.strip().lower() in ("true", "1")
            if codable_text is None:
                missing_codable.append(name)
            code = Code(
                guid=guid_of(code_element.get("guid")) or "",
                name=name,
                path=f"{parent.path}/{name}" if parent else name,
                parent=parent.guid if parent else None,
                codable=codable,
            )
            codes.append(code)
            walk(code_element, code)

    for codes_element in iter_path(root, "CodeBook", "Codes"):
        walk(codes_element, None)
    if missing_codable:
        deviations.append(f"{len(missing_codable)} codes have no isCodable attribute (read as codable).")
    return codes


def path_of(element) -> str | None:
    """The source's text file, from ``plainTextPath`` (text) or ``path``."""
    return element.get("plainTextPath") or element.get("path")


def read_source(element, kind, sources, codings, texts, source_variables, variables, deviations) -> None:
    """Read one source element with its selections, codings and variable values."""
    guid = guid_of(element.get("guid")) or ""
    inline = child(element, "PlainTextContent")
    source = Source(
        guid,
        element.get("name") or "",
        kind,
        path_of(element) if kind == "TextSource" else None,
        inline.text if inline is not None else None,
    )
    sources.append(source)
    if kind == "TextSource":
        texts[guid] = source
    for representation in children(element, "Representation") + children(element, "TextDescription"):
        rep_inline = child(representation, "PlainTextContent")
        rep = Source(
            guid_of(representation.get("guid")) or guid,
            source.name,
            "TextSource",
            path_of(representation),
            rep_inline.text if rep_inline is not None else None,
        )
        texts[rep.guid] = rep
        read_selections(representation, guid, rep.guid, codings)
    for transcript in children(element, "Transcript"):
        tr_inline = child(transcript, "PlainTextContent")
        tr = Source(
            guid_of(transcript.get("guid")) or guid,
            source.name,
            "TextSource",
            path_of(transcript),
            tr_inline.text if tr_inline is not None else None,
        )
        texts[tr.guid] = tr
        read_selections(transcript, guid, tr.guid, codings, transcript=transcript)
    read_selections(element, guid, guid, codings)
    values = {}
    for value in children(element, "VariableValue"):
        name, text = variable_value(value, variables)
        if name:
            values[name] = text
    if values:
        source_variables[guid] = values


def read_selections(element, source_guid: str, text_guid: str, codings: list, transcript=None) -> None:
    """Codings on the element itself and on each of its selections."""
    sync = {}
    if transcript is not None:
        sync = {guid_of(p.get("guid")): to_int(p.get("position")) for p in children(transcript, "SyncPoint")}
    for coding in children(element, "Coding"):
        add_coding(coding, None, source_guid, text_guid, "whole source", None, None, codings)
    for selection in element:
        kind = SELECTION_KINDS.get(local(selection.tag))
        if kind is None:
            continue
        if kind == "text":
            start, end = to_int(selection.get("startPosition")), to_int(selection.get("endPosition"))
        elif kind == "transcript":
            start, end = (
                sync.get(guid_of(selection.get("fromSyncPoint"))),
                sync.get(guid_of(selection.get("toSyncPoint"))),
            )
        elif kind in ("audio", "video"):
            start, end = to_int(selection.get("begin")), to_int(selection.get("end"))
        else:
            start = end = None
        for coding in children(selection, "Coding"):
            add_coding(coding, selection, source_guid, text_guid, kind, start, end, codings)
        for nested in children(selection, "Representation"):
            read_selections(nested, source_guid, guid_of(nested.get("guid")) or text_guid, codings)


def add_coding(coding, selection, source_guid, text_guid, kind, start, end, codings) -> None:
    ref = child(coding, "CodeRef")
    user = coding.get("creatingUser")
    if user is None and selection is not None:
        user = selection.get("creatingUser") or selection.get("modifyingUser")
    codings.append(
        Coding(
            guid=guid_of(coding.get("guid")) or "",
            code=guid_of(ref.get("targetGUID")) if ref is not None else "",
            source=source_guid,
            user=guid_of(user),
            kind=kind,
            start=start,
            end=end,
            text_source=text_guid,
        )
    )


def to_int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def variable_value(element, variables: dict[str, str]) -> tuple[str | None, str]:
    """(variable name, value as text) of one ``VariableValue``."""
    ref = child(element, "VariableRef")
    name = variables.get(guid_of(ref.get("targetGUID"))) if ref is not None else None
    for value_name in VALUE_ELEMENTS:
        value = child(element, value_name)
        if value is not None:
            return name, (value.text or "").strip()
    return name, ""


def read_cases(root, variables: dict[str, str]) -> list[Case]:
    cases = []
    for element in iter_path(root, "Cases", "Case"):
        values = {}
        for value in children(element, "VariableValue"):
            name, text = variable_value(value, variables)
            if name:
                values[name] = text
        sources = tuple(guid_of(ref.get("targetGUID")) for ref in children(element, "SourceRef"))
        cases.append(Case(guid_of(element.get("guid")) or "", element.get("name"), values, sources))
    return cases


def duplicate_guids(project: QdaProject) -> dict[str, list[str]]:
    """GUIDs used by more than one code, source, user or coding (the schema requires each to be unique).

    Returns
    -------
    dict of str to list of str
        ``"code"``, ``"source"``, ``"user"``, ``"coding"`` -> the GUIDs used twice or more (empty lists left out).
    """
    from collections import Counter

    groups = {
        "code": [code.guid for code in project.codes],
        "source": [source.guid for source in project.sources],
        "user": list(project.user_guids),
        "coding": [coding.guid for coding in project.codings if coding.guid],
    }
    found = {}
    for kind, guids in groups.items():
        twice = sorted(guid for guid, count in Counter(guids).items() if count > 1 and guid)
        if twice:
            found[kind] = twice
    return found


def check_references(project: QdaProject) -> None:
    """List codings that point nowhere, codes never used, GUIDs used twice, and other deviations."""
    for kind, guids in duplicate_guids(project).items():
        project.deviations.append(
            f"{len(guids)} GUID{'s are' if len(guids) != 1 else ' is'} used by more than one {kind} "
            f"({', '.join(guids[:3])}{' …' if len(guids) > 3 else ''}); the schema requires a GUID to be unique."
        )
    code_guids = {code.guid for code in project.codes}
    unknown_codes = [c for c in project.codings if c.code not in code_guids]
    if unknown_codes:
        project.deviations.append(f"{len(unknown_codes)} codings refer to codes that are not in the code book.")
    if project.codes and not project.codings:
        project.deviations.append(
            "the project has a code book but no codings (NVivo exports codes without codings when the sources are "
            "not exported); nothing can be imported."
        )
    unknown_users = {c.user for c in project.codings if c.user and c.user not in project.users}
    if unknown_users:
        project.deviations.append(f"{len(unknown_users)} users of codings are not in the Users list.")
    without_user = sum(1 for c in project.codings if not c.user)
    if without_user:
        project.deviations.append(f"{without_user} codings name no user; they are read as one unnamed coder.")
    external = [s for s in project.texts.values() if s.text_path and not s.text_path.startswith("internal://")]
    if external:
        project.deviations.append(
            f"{len(external)} sources are outside the project file (relative:// or absolute:// paths); evalkit does "
            "not open them, so their excerpts stay empty."
        )


def source_text(project: QdaProject, text_guid: str) -> tuple[str | None, str]:
    """The plain text a coding's positions refer to, and why it is missing if it is.

    Returns
    -------
    text : str or None
    reason : str
        Empty when the text was read.
    """
    source = project.texts.get(text_guid)
    if source is None:
        return None, "the source has no text"
    if source.inline_text is not None:
        return source.inline_text, ""
    if not source.text_path:
        return None, "the source names no text file"
    if not source.text_path.startswith("internal://"):
        return None, "the source is outside the project file"
    name = source.text_path[len("internal://") :].lstrip("/")
    try:
        with open_zip(project.path, QDPX_LIMITS, "a REFI-QDA project (.qdpx)") as archive:
            member = None
            for folder in ("sources/", "Sources/", ""):
                member = find_member(archive, folder + name)
                if member:
                    break
            if member is None:
                return None, f"the archive holds no file {name}"
            limits = ZipLimits(max_member_bytes=MAX_SOURCE_BYTES)
            data = read_member(archive, member, limits)
    except UnsafeArchiveError as error:
        return None, str(error)
    return decode_text(data), ""


def decode_text(data: bytes) -> str:
    """A source text: UTF-8 (a byte-order mark from Notepad dropped) or UTF-16 with its byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def excerpt(text: str, start: int | None, end: int | None, origin: str) -> str:
    """The text between two positions, counted the way the exporting program counts them.

    NVivo counts UTF-16 code units (characters outside the Basic Multilingual
    Plane count twice); ATLAS.ti counts a Windows line end as one character;
    the others count characters of the text as stored.
    """
    if start is None or end is None or end < start:
        return ""
    maker = origin.casefold()
    if "atlas" in maker:
        text = text.replace("\r\n", "\n")
    if "nvivo" in maker:
        units = text.encode("utf-16-le", errors="surrogatepass")
        return clean_excerpt(units[2 * start : 2 * end].decode("utf-16-le", errors="ignore"))
    return clean_excerpt(text[start:end])


def text_length(text: str, origin: str) -> int:
    """The length of a source text in the positions the exporting program counts (see :func:`excerpt`)."""
    maker = origin.casefold()
    if "atlas" in maker:
        text = text.replace("\r\n", "\n")
    if "nvivo" in maker:
        return len(text.encode("utf-16-le", errors="surrogatepass")) // 2
    return len(text)


def clean_excerpt(text: str) -> str:
    """One line of plain text: line breaks and runs of spaces as one space; control and bidi characters removed."""
    kept = "".join(
        " " if character.isspace() else character
        for character in text
        if character.isspace() or unicodedata.category(character) not in ("Cc", "Cf")
    )
    return " ".join(kept.split())
