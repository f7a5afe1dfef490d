"""From a coded REFI-QDA project to coded segments and proposed assessments.

``evalkit qda import FILE.qdpx --study DIR --mapping MAP.csv``:

1. **Mapping.** ``MAP.csv`` (comma or semicolon, UTF-8) has the columns
   ``kind, qda, indicator_id, valence, interview_id, coder`` and, optionally,
   ``respondent_group, respondent_role, municipality_id, coordinator_id,
   organisation``. A ``code`` row maps a code (its path ``Parent/Child``, its
   name, or its GUID) to an indicator and a valence (``yes`` the indicator
   holds, ``partly``, ``no`` it does not; Swedish labels accepted). A
   ``source`` or ``case`` row maps a source or a case (with the sources it
   holds) to an interview id; a source named exactly like an interview id
   needs no row. An interview that ``interviews`` does not hold yet is added
   to it when its respondent group and role (and municipality, coordinator or
   organisation, as the group requires) are known, from the mapping row or
   from variables of the case or source named like those columns (or
   ``grupp``, ``roll``, ``kommun``, ``samordnare``, ``organisation``); codes
   and their Swedish or English labels are accepted. An interview already in
   the study is never changed. A ``user`` row maps a QDA user to a coder id
   (``coder1``): names never enter the study. ``evalkit qda inspect FILE
   --write-mapping MAP.csv`` writes a mapping with every code, source and
   user to fill in.
2. **Coded segments.** Every coding of a mapped code in a mapped source
   becomes a row of ``coded_segments.csv`` (interview, indicator, value,
   coder, code, positions, excerpt). Rows from an earlier import of the same
   file are replaced; rows from other files are kept. The excerpt stays in the
   study folder: no report reads it.
3. **Proposals.** Per subject × indicator (and coder, when the project has
   more than one) a value is proposed by the **aggregation rule** below and
   written to ``qda_review_<file>.csv`` next to what ``assessments.csv``
   holds now. Nothing is written to ``assessments.csv`` until the evaluator
   confirms (``evalkit qda confirm``); a row already there is never changed.

The aggregation rule (``min_groups`` = 2 by default):

* an interview *says* ``yes`` about an indicator when all its segments for
  it are ``yes``, ``no`` when all are ``no``, and ``partly`` otherwise;
* the interviews about a subject are: for a municipality, the interviews in
  that municipality and the interviews with its coordinators; for a
  coordinator, the coordinator's interviews and the interviews in the
  municipalities the coordinator serves; for an external-partner
  interview, that interview;
* **yes** when interviews from at least ``min_groups`` respondent groups say
  yes and none says otherwise; **no** when every interview that touches it
  says no; **unknown** when none touches it; **partly** otherwise (support
  from one group only, partial support, or mixed). For an external-partner
  interview the interview's own value is proposed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalkit.qda.project import QdaProject, duplicate_guids, excerpt, guid_of, source_text, text_length
from evalkit.study import codes as code_labels
from evalkit.study import csvio, workbook
from evalkit.study.append import AppendError

INTERVIEW_FIELDS = ("respondent_group", "respondent_role", "municipality_id", "coordinator_id", "organisation")
MAPPING_COLUMNS = ("kind", "qda", "indicator_id", "valence", "interview_id", "coder") + INTERVIEW_FIELDS
KINDS = ("code", "source", "case", "user")
VALENCES = ("yes", "partly", "no")
#: Variable names (case ignored, a prefix such as ``Cases:`` dropped) read as interview details.
VARIABLE_NAMES = {
    "respondent_group": ("respondent_group", "respondent group", "group", "grupp", "respondentgrupp"),
    "respondent_role": ("respondent_role", "respondent role", "role", "roll"),
    "municipality_id": ("municipality_id", "municipality", "kommun"),
    "coordinator_id": ("coordinator_id", "coordinator", "samordnare"),
    "organisation": ("organisation", "organization", "organisation type"),
}
#: What each respondent group must name (as the validator requires).
GROUP_LINKS = {
    "municipal_manager": "municipality_id",
    "municipal_staff": "municipality_id",
    "coordinator": "coordinator_id",
    "external_partner": "organisation",
}
SEGMENT_COLUMNS = [
    "segment_id",
    "interview_id",
    "indicator_id",
    "value",
    "coder",
    "code",
    "start",
    "end",
    "excerpt",
    "basis",
    "source",
    "assumption",
    "reconstructed_fields",
]
REVIEW_COLUMNS = [
    "indicator_id",
    "subject_id",
    "coder",
    "proposed_value",
    "interviews",
    "groups",
    "segments_yes",
    "segments_partly",
    "segments_no",
    "in_assessments",
    "accept",
]
MUNICIPAL_POPULATIONS = ("all_municipalities", "municipalities_with_coordinator", "team_municipalities")


class ImportError_(ValueError):
    """The import cannot go ahead; the message lists every reason."""


@dataclass
class Mapping:
    """What the mapping file says."""

    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code GUID -> (indicator, valence)
    sources: dict[str, str] = field(default_factory=dict)  # source GUID -> interview id
    coders: dict[str, str] = field(default_factory=dict)  # user GUID -> coder id
    details: dict[str, dict[str, str]] = field(default_factory=dict)  # interview id -> field -> text (mapping)
    rows: dict[str, str] = field(default_factory=dict)  # interview id -> where the mapping names it
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def lookup(items, key) -> dict[str, list]:
    """Folded key -> every item with that key (so that a name used twice is seen)."""
    found: dict[str, list] = defaultdict(list)
    for item in items:
        text = key(item)
        if text:
            found[text.casefold()].append(item)
    return found


def find_one(by_name: dict[str, list], by_guid: dict, text: str, what: str, where: str, problems: list[str]):
    """The one item named ``text`` (or with that GUID), else a problem."""
    item = by_guid.get(guid_of(text) or "")
    if item is not None:
        return item
    matches = by_name.get(text.casefold(), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        problems.append(
            f"{where}, column qda: {len(matches)} {what}s are named {text!r}; write the {what}'s GUID instead "
            "(evalkit qda inspect --json lists them)."
        )
    else:
        problems.append(f"{where}, column qda: no {what} {text!r} in the project.")
    return None


def read_mapping(path: Path, project: QdaProject, indicator_ids: set[str]) -> Mapping:
    """Read ``MAP.csv`` against the project and the study's indicators; every problem is collected."""
    mapping = Mapping()
    try:
        table = csvio.read_csv(Path(path))
    except (OSError, ValueError) as error:
        mapping.problems.append(f"{Path(path).name} cannot be read ({error}).")
        return mapping
    name = Path(path).name
    missing = [c for c in ("kind", "qda") if c not in table.header]
    if missing:
        mapping.problems.append(
            f"{name}: the header lacks {', '.join(missing)}; expected {', '.join(MAPPING_COLUMNS)}."
        )
        return mapping
    codes_by_path = lookup(project.codes, lambda c: c.path)
    codes_by_name = lookup(project.codes, lambda c: c.name)
    codes_by_guid = {code.guid: code for code in project.codes}
    sources_by_name = lookup(project.sources, lambda s: s.name)
    sources_by_guid = {source.guid: source for source in project.sources}
    cases_by_name = lookup(project.cases, lambda c: c.name)
    cases_by_guid = {case.guid: case for case in project.cases}
    users_by_name = lookup(project.users.items(), lambda u: u[1])
    users_by_guid = {guid: (guid, user) for guid, user in project.users.items()}
    for number, raw in enumerate(table.rows, start=2):
        row = {column: (raw[i].strip() if i < len(raw) else "") for i, column in enumerate(table.header)}
        kind, qda = row.get("kind", "").casefold(), row.get("qda", "")
        where = f"{name}, row {number}"
        if not kind and not qda:
            continue
        if kind not in KINDS:
            mapping.problems.append(f"{where}, column kind: {row.get('kind')!r} is not one of {', '.join(KINDS)}.")
            continue
        if kind == "code":
            code = None
            if len(codes_by_path.get(qda.casefold(), [])) == 1:
                code = codes_by_path[qda.casefold()][0]
            else:
                code = find_one(codes_by_name, codes_by_guid, qda, "code", where, mapping.problems)
            if code is None:
                continue
            indicator = row.get("indicator_id", "")
            valence = code_labels.code_for(row.get("valence", ""), VALENCES, {}) if row.get("valence") else None
            if not indicator and not row.get("valence"):
                continue  # a code left unmapped on purpose
            if indicator not in indicator_ids:
                mapping.problems.append(
                    f"{where}, column indicator_id: {indicator!r} is not an indicator of the study."
                )
            elif valence is None:
                mapping.problems.append(
                    f"{where}, column valence: {row.get('valence')!r} is not yes, partly or no (ja, delvis, nej)."
                )
            else:
                mapping.codes[code.guid] = (indicator, valence)
        elif kind in ("source", "case"):
            interview = row.get("interview_id", "")
            if not interview:
                continue  # left unmapped on purpose
            if (
                not code_labels.fold(interview)
                or not interview.replace("_", "").replace("-", "").replace(".", "").isalnum()
            ):
                mapping.problems.append(
                    f"{where}, column interview_id: {interview!r} is not an id (letters, digits, '_', '-', '.')."
                )
                continue
            if kind == "source":
                source = find_one(sources_by_name, sources_by_guid, qda, "source", where, mapping.problems)
                guids = [source.guid] if source is not None else []
            else:
                case = find_one(cases_by_name, cases_by_guid, qda, "case", where, mapping.problems)
                guids = list(case.sources) if case is not None else []
            for guid in guids:
                mapping.sources.setdefault(guid, interview)
            given = {f: row[f] for f in INTERVIEW_FIELDS if row.get(f)}
            if given:
                mapping.details.setdefault(interview, {}).update(given)
            mapping.rows.setdefault(interview, where)
        else:
            coder = row.get("coder", "")
            if not coder:
                continue  # numbered coder1, coder2 … in user order
            user = find_one(users_by_name, users_by_guid, qda, "user", where, mapping.problems)
            if user is None:
                continue
            if not coder.replace("_", "").replace("-", "").replace(".", "").isalnum():
                mapping.problems.append(f"{where}, column coder: write a coder id such as coder1 (letters, digits).")
            else:
                mapping.coders[user[0]] = coder
    return mapping


def match_sources_by_name(project: QdaProject, mapping: Mapping, interview_ids: set[str]) -> None:
    """A source the mapping leaves out but named exactly like an interview of the study is that interview."""
    for source in project.sources:
        if source.guid not in mapping.sources and source.name in interview_ids:
            mapping.sources[source.guid] = source.name
            mapping.notes.append(f"source {source.name!r} matched interview {source.name} by its name.")


def variable_details(variables: dict[str, str]) -> dict[str, str]:
    """Interview details from QDA variables named like the interview columns."""
    details = {}
    for name, value in variables.items():
        folded = code_labels.fold(name.rsplit(":", 1)[-1])
        for column, names in VARIABLE_NAMES.items():
            if folded in names and value.strip():
                details[column] = value.strip()
    return details


def interview_details(project: QdaProject, mapping: Mapping) -> dict[str, dict[str, str]]:
    """Interview id -> details, from case and source variables, then the mapping (which wins)."""
    cases_of = defaultdict(list)
    for case in project.cases:
        for source in case.sources:
            cases_of[source].append(case)
    details: dict[str, dict[str, str]] = defaultdict(dict)
    for guid, interview in mapping.sources.items():
        for case in cases_of.get(guid, []):
            details[interview].update(variable_details(case.variables))
        details[interview].update(variable_details(project.source_variables.get(guid, {})))
    for interview, given in mapping.details.items():
        details[interview].update(given)
    return dict(details)


def new_interviews(study, mapping: Mapping, details: dict[str, dict[str, str]], label: str) -> list[dict]:
    """Rows for ``interviews`` for the mapped interviews the study lacks; problems go to ``mapping.problems``."""
    from evalkit.study.codes import vocabulary_lookup

    interviews = study.tables["interviews"].set_index("interview_id")
    vocabulary_rows = study.codebook["vocabularies"].astype(object)
    vocabularies = vocabulary_lookup(vocabulary_rows.where(vocabulary_rows.notna(), None).to_dict("records"))
    allowed = {
        vocabulary: sorted({code for codes in vocabularies.get(vocabulary, {}).values() for code in codes})
        for vocabulary in ("respondent_group", "respondent_role")
    }
    known_ids = {
        "municipality_id": set(study.tables["municipalities"]["municipality_id"]),
        "coordinator_id": set(study.tables["coordinators"]["coordinator_id"]),
    }
    rows = []
    for interview in dict.fromkeys(mapping.sources.values()):
        given = details.get(interview, {})
        where = mapping.rows.get(interview, f"the source named {interview}")
        if interview in interviews.index:
            existing = interviews.loc[interview]
            differ = [
                column
                for column in ("municipality_id", "coordinator_id")
                if given.get(column) and given[column] != (existing[column] if pd.notna(existing[column]) else "")
            ]
            if differ:
                mapping.notes.append(
                    f"interview {interview} is already in the study; its {', '.join(differ)} there was kept "
                    "(the import never changes an interview)."
                )
            continue
        row, missing = {"interview_id": interview}, []
        for column in ("respondent_group", "respondent_role"):
            text = given.get(column, "")
            code = code_labels.code_for(text, allowed[column], vocabularies.get(column, {})) if text else None
            if not text:
                missing.append(column)
            elif code is None:
                mapping.problems.append(
                    f"{where}: {column} {text!r} of interview {interview} is not a code or label of the vocabulary "
                    f"'{column}' (codebook/vocabularies.csv)."
                )
            else:
                row[column] = code
        for column in ("municipality_id", "coordinator_id"):
            text = given.get(column, "")
            if text and text not in known_ids[column]:
                mapping.problems.append(
                    f"{where}: {column} {text!r} of interview {interview} is not in the study's "
                    f"{'municipalities' if column == 'municipality_id' else 'coordinators'}."
                )
            elif text:
                row[column] = text
        if given.get("organisation"):
            row["organisation"] = given["organisation"]
        if missing:
            mapping.problems.append(
                f"{where}: interview {interview} is not in the study's interviews, and its "
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not given. Add the interview to "
                "interviews, or give the columns in the mapping (or as case variables in the QDA project)."
            )
            continue
        link = GROUP_LINKS.get(row.get("respondent_group", ""))
        if link and not row.get(link):
            mapping.problems.append(
                f"{where}: interview {interview} is a {row['respondent_group']} interview and needs {link}; give it in "
                "the mapping or as a case variable."
            )
            continue
        if "respondent_group" in row and "respondent_role" in row:
            rows.append(row | {"mode": "unknown", "basis": "observed", "source": label})
    return rows


def coder_ids(project: QdaProject, mapping: Mapping) -> dict[str | None, str]:
    """Coder id of every user: the mapping's, else ``coder1``, ``coder2`` … in user order; one coder → ''."""
    used = list(dict.fromkeys(c.user for c in project.codings if c.code in mapping.codes))
    order = list(project.users)
    ids: dict[str | None, str] = {}
    counter = 0
    for user in sorted(used, key=lambda u: order.index(u) if u in order else len(order)):
        if user in mapping.coders:
            ids[user] = mapping.coders[user]
        else:
            counter += 1
            ids[user] = f"coder{counter}"
    if len(set(ids.values())) == 1 and not any(u in mapping.coders for u in ids):
        return dict.fromkeys(ids, "")  # one unnamed coder: the agreed value
    return ids


@dataclass
class Segments:
    """The coded segments of a project, and what stands in the way of importing them."""

    frame: pd.DataFrame
    outside: list[str] = field(default_factory=list)  # codings that do not lie inside their source text
    unread: list[str] = field(default_factory=list)  # sources whose text could not be read (codings kept, no excerpt)


def coding_label(project: QdaProject, coding, codes: dict, mapping: Mapping) -> str:
    """How a message names a coding: its GUID, the source and the code."""
    source = next((s.name for s in project.sources if s.guid == coding.source), "") or coding.source
    return (
        f"coding {coding.guid or '(no GUID)'} of the code {codes[coding.code].path!r} in the source {source!r} "
        f"(interview {mapping.sources[coding.source]})"
    )


def coded_segments(project: QdaProject, mapping: Mapping, label: str) -> Segments:
    """The coded segments of mapped codes in mapped sources, with excerpts (as text cells).

    A coding whose positions do not lie inside its source's text (a start
    below 0, an end before its start or past the end of the text, counted as
    the exporting program counts) is listed in ``outside``; a source whose
    text cannot be read (too large, outside the project file) in ``unread``.
    """
    coders = coder_ids(project, mapping)
    texts: dict[str, tuple[str | None, str]] = {}
    rows, outside = [], []
    unread: dict[str, list] = {}
    codes = {code.guid: code for code in project.codes}
    for coding in project.codings:
        if coding.code not in mapping.codes or coding.source not in mapping.sources:
            continue
        if coding.text_source not in texts:
            texts[coding.text_source] = source_text(project, coding.text_source)
        text, why = texts[coding.text_source]
        indicator, valence = mapping.codes[coding.code]
        if text is None and coding.kind == "text":
            unread.setdefault(coding.text_source, [why, 0])[1] += 1
        if text is not None and coding.start is not None and coding.end is not None:
            length = text_length(text, project.origin)
            if coding.start < 0 or coding.end < coding.start or coding.end > length:
                outside.append(
                    f"{coding_label(project, coding, codes, mapping)}: positions {coding.start}–{coding.end}, but the "
                    f"text has {length} characters."
                )
                continue
        rows.append(
            {
                "segment_id": f"{project.path.stem}/{coding.guid or f'{coding.source}-{coding.start}-{coding.end}'}",
                "interview_id": mapping.sources[coding.source],
                "indicator_id": indicator,
                "value": valence,
                "coder": coders.get(coding.user, ""),
                "code": codes[coding.code].path,
                "start": "" if coding.start is None else str(coding.start),
                "end": "" if coding.end is None else str(coding.end),
                "excerpt": excerpt(text, coding.start, coding.end, project.origin) if text else "",
                "basis": "judgement",
                "source": label,
                "assumption": "",
                "reconstructed_fields": "",
            }
        )
    frame = pd.DataFrame(rows, columns=SEGMENT_COLUMNS).astype(str)
    frame = frame.sort_values(["interview_id", "indicator_id", "coder", "segment_id"], kind="stable")
    named = {
        text_guid: project.texts[text_guid].name if text_guid in project.texts else text_guid for text_guid in unread
    }
    notes = [
        f"the text of the source {named[guid]!r} was not read ({why}); its {count} coding"
        f"{'s were' if count != 1 else ' was'} imported without excerpt."
        for guid, (why, count) in unread.items()
    ]
    return Segments(frame.reset_index(drop=True), outside, notes)


def interview_value(valences: list[str]) -> str:
    """What one interview says about an indicator, from its segments."""
    distinct = set(valences)
    if distinct == {"yes"}:
        return "yes"
    if distinct == {"no"}:
        return "no"
    return "partly"


def propose(values: dict[str, str], groups: dict[str, str], min_groups: int = 2, single_interview: bool = False) -> str:
    """The aggregation rule: a proposed value from what each interview says (interview id -> value)."""
    if not values:
        return "unknown"
    said = set(values.values())
    if single_interview:
        return next(iter(values.values()))
    if said == {"no"}:
        return "no"
    if said == {"yes"} and len({groups[i] for i in values}) >= min_groups:
        return "yes"
    return "partly"


def interviews_about(study, population: str) -> dict[str, set[str]]:
    """Subject id -> the interviews about it, for one population."""
    interviews = study.tables["interviews"]
    links = study.tables["coordinator_municipalities"]
    serves = links.groupby("coordinator_id")["municipality_id"].apply(set).to_dict()
    served_by = links.groupby("municipality_id")["coordinator_id"].apply(set).to_dict()
    about: dict[str, set[str]] = defaultdict(set)
    for row in interviews.itertuples():
        if population in MUNICIPAL_POPULATIONS:
            if pd.notna(row.municipality_id):
                about[row.municipality_id].add(row.interview_id)
            if pd.notna(row.coordinator_id):
                for municipality in serves.get(row.coordinator_id, ()):
                    about[municipality].add(row.interview_id)
        elif population == "coordinators":
            if pd.notna(row.coordinator_id):
                about[row.coordinator_id].add(row.interview_id)
            if pd.notna(row.municipality_id):
                for coordinator in served_by.get(row.municipality_id, ()):
                    about[coordinator].add(row.interview_id)
        elif population == "external_partner_interviews" and row.respondent_group == "external_partner":
            about[row.interview_id].add(row.interview_id)
    return about


def population_subjects(study, population: str) -> list[str]:
    """The subjects an indicator of ``population`` is assessed for, in table order."""
    municipalities = study.tables["municipalities"]
    if population == "all_municipalities":
        return list(municipalities["municipality_id"])
    if population == "municipalities_with_coordinator":
        return list(
            municipalities[municipalities["model"].isin(["own_coordinator", "shared_coordinator"])]["municipality_id"]
        )
    if population == "team_municipalities":
        return list(municipalities[municipalities["model"] == "team"]["municipality_id"])
    if population == "coordinators":
        return list(study.tables["coordinators"]["coordinator_id"])
    interviews = study.tables["interviews"]
    return list(interviews[interviews["respondent_group"] == "external_partner"]["interview_id"])


def proposals(
    study, segments: pd.DataFrame, min_groups: int = 2, new_subjects: frozenset = frozenset()
) -> pd.DataFrame:
    """A proposed value per indicator × subject (× coder) by the aggregation rule, next to ``assessments``.

    Every member of every mapped indicator's population gets a row, external-partner
    interviews included: ``unknown`` where no coded segment speaks to it, so that
    confirming the review completes the indicator. With several coders, a coder
    gets rows for the subjects whose interviews they coded; a subject that no
    coder's segments touch gets a row for every coder.

    Parameters
    ----------
    study : Study
    segments : pandas.DataFrame
        Coded segments (:func:`coded_segments`).
    min_groups : int
        Respondent groups needed for a proposed ``yes``.
    new_subjects : frozenset of str
        Subjects the import added (new external-partner interviews): every
        indicator of their population is proposed for them, ``unknown`` where
        no mapped code speaks to it, so that confirming completes the study.

    Returns
    -------
    pandas.DataFrame
        :data:`REVIEW_COLUMNS`; ``accept`` empty.
    """
    groups = dict(zip(study.tables["interviews"]["interview_id"], study.tables["interviews"]["respondent_group"]))
    mapped = set(segments["indicator_id"])
    coders = sorted(set(segments["coder"])) or [""]
    read_by = segments.groupby("coder")["interview_id"].apply(set).to_dict()
    existing = {}
    rows_now = pd.concat([study.tables["assessments"], study.coder_assessments])
    for row in rows_now.itertuples():
        coder = "" if pd.isna(row.coder) or row.coder in ("agreed", "resolved_by_rule") else row.coder
        if row.coder != "resolved_by_rule":
            existing[(row.indicator_id, row.subject_id, coder)] = row.value
    records = []
    for indicator in study.codebook["indicators"].itertuples():
        is_mapped = indicator.indicator_id in mapped
        if not is_mapped and not new_subjects:
            continue
        about = interviews_about(study, indicator.population)
        for subject in population_subjects(study, indicator.population):
            if not is_mapped and subject not in new_subjects:
                continue
            relevant = about.get(subject, set())
            readers = [coder for coder in coders if relevant & read_by.get(coder, set())] or coders
            for coder in readers:
                mine = segments[(segments["indicator_id"] == indicator.indicator_id) & (segments["coder"] == coder)]
                mine = mine[mine["interview_id"].isin(relevant)]
                values = {i: interview_value(list(g["value"])) for i, g in mine.groupby("interview_id")}
                value = propose(values, groups, min_groups, indicator.population == "external_partner_interviews")
                records.append(
                    {
                        "indicator_id": indicator.indicator_id,
                        "subject_id": subject,
                        "coder": coder,
                        "proposed_value": value,
                        "interviews": "|".join(sorted(values)),
                        "groups": "|".join(sorted({groups[i] for i in values})),
                        "segments_yes": int((mine["value"] == "yes").sum()),
                        "segments_partly": int((mine["value"] == "partly").sum()),
                        "segments_no": int((mine["value"] == "no").sum()),
                        "in_assessments": existing.get((indicator.indicator_id, subject, coder), ""),
                        "accept": "",
                    }
                )
    return pd.DataFrame(records, columns=REVIEW_COLUMNS)


def with_interviews(study, rows: list[dict]):
    """``study`` with ``rows`` added to its interviews (in memory; the file was appended to already)."""
    from dataclasses import replace

    from evalkit.study.model import typed_frame

    added = typed_frame("interviews", pd.DataFrame(rows))
    interviews = pd.concat([study.tables["interviews"], added], ignore_index=True)
    return replace(study, tables={**study.tables, "interviews": interviews})


def populations_grown(study, rows: list[dict]) -> list[str]:
    """The new interviews that are subjects of indicators (external partners): they need assessments."""
    if "external_partner_interviews" not in set(study.codebook["indicators"]["population"]):
        return []
    return [row["interview_id"] for row in rows if row.get("respondent_group") == "external_partner"]


def guard_cells(project: QdaProject, segments: pd.DataFrame, added: list[dict]) -> list:
    """The text cells the import is about to write, located where the user can find them."""
    from evalkit.study.importguard import Cell

    cells = []
    for row in segments.itertuples():
        guid = row.segment_id.split("/", 1)[-1]
        where = f"{project.path.name}, coding {guid} (interview {row.interview_id}, code {row.code!r}), excerpt"
        cells.append(Cell(where, row.excerpt, True))
        cells.append(Cell(f"{project.path.name}, coding {guid}, code path", row.code, False))
    for row in added:
        for column in ("organisation",):
            if row.get(column):
                cells.append(Cell(f"interview {row['interview_id']} (new), {column}", row[column], True))
    return cells


def loose_segments_note(study_dir: Path, inspection, workbook_file: str | None) -> list[str]:
    """A note when an earlier import left ``coded_segments.csv`` beside a workbook study (which keeps them in a sheet)."""
    loose = Path(study_dir) / "coded_segments.csv"
    table = inspection.tables.get("coded_segments")
    if workbook_file is None or not loose.is_file():
        return []
    if table is not None and not isinstance(table.csv, workbook.SheetTable):
        return []
    return [
        f"{loose.name} in the study folder is not part of the study (an earlier import wrote it; the segments are "
        "now in the study's own table). Its excerpts are sensitive: delete the file."
    ]


@dataclass
class ImportResult:
    """What an import wrote and found."""

    segments: int
    interviews_added: list[str]
    review_file: Path
    proposals: pd.DataFrame
    notes: list[str]
    skipped: dict[str, int]
    state: list[str] = field(default_factory=list)
    segments_table: str = "coded_segments.csv"


def import_project(
    project: QdaProject,
    study_dir: Path,
    mapping_path: Path,
    min_groups: int = 2,
    allow_personal_data: bool = False,
) -> ImportResult:
    """Import a project's codings into a study (see the module docstring).

    Nothing is written unless the tables the import uses are valid, the
    mapping has no problem, the project's GUIDs are unique, every coding lies
    inside its text and the guard (:mod:`evalkit.study.importguard`) lets every
    cell through; then ``interviews`` may get new rows, the coded segments are
    written (into the study's ``coded_segments`` table: a sheet of its workbook
    or a CSV file) and the review file ``qda_review_<file>.csv`` proposes
    values, all in one step.

    Raises
    ------
    ImportError_
        If the import cannot go ahead; the message lists every reason.
    """
    from evalkit.safeio import csv_text
    from evalkit.study import importguard
    from evalkit.study.append import StudyWriter
    from evalkit.study.partial import QDA_IMPORT, NeedsError, load_for, study_state

    study_dir = Path(study_dir)
    if min_groups < 1:
        raise ImportError_("--min-groups must be 1 or more.")
    try:
        basis = load_for(study_dir, QDA_IMPORT, "evalkit qda import")
    except NeedsError as error:
        raise ImportError_(str(error)) from None
    study = basis.study
    duplicates = duplicate_guids(project)
    if duplicates:
        listed = "; ".join(f"{kind}s: {', '.join(guids)}" for kind, guids in duplicates.items())
        raise ImportError_(
            f"{project.path.name} uses the same GUID for more than one element ({listed}), which would merge them "
            "(nothing was written). The REFI-QDA schema requires every GUID to be unique: export the project again, "
            "or give the elements their own GUIDs."
        )
    label = f"{project.path.name} (evalkit qda import)"
    mapping = read_mapping(mapping_path, project, set(study.codebook["indicators"]["indicator_id"]))
    match_sources_by_name(project, mapping, set(study.tables["interviews"]["interview_id"]))
    added = new_interviews(study, mapping, interview_details(project, mapping), label)
    if mapping.problems:
        raise ImportError_("The mapping has problems (nothing was written):\n" + "\n".join(mapping.problems))
    if not project.codings:
        raise ImportError_(
            f"{project.path.name} holds no codings, so there is nothing to import. NVivo exports codes without "
            "codings when the sources are left out of the export: export again with the sources included."
        )
    found = coded_segments(project, mapping, label)
    if found.outside:
        raise ImportError_(
            f"{len(found.outside)} coding{'s lie' if len(found.outside) != 1 else ' lies'} outside the text of "
            "its source (nothing was written):\n"
            + "\n".join(found.outside)
            + "\nThe positions cannot be trusted: export the project again from the QDA program, or remove these "
            "codings there."
        )
    segments = found.frame
    if segments.empty:
        raise ImportError_(
            "No coding uses a mapped code in a mapped source, so nothing was written; map codes to indicators and "
            "sources (or cases) to interviews in the mapping."
        )
    verdict = importguard.check(guard_cells(project, segments, added), allow_personal_data)
    if verdict.refused:
        raise ImportError_(verdict.message(f"The project {project.path.name}"))
    skipped = {
        "codings of unmapped codes": sum(1 for c in project.codings if c.code not in mapping.codes),
        "codings in unmapped sources": sum(
            1 for c in project.codings if c.code in mapping.codes and c.source not in mapping.sources
        ),
    }
    notes = list(mapping.notes) + found.unread
    notes += [f"written as allowed by --allow-personal-data: {hit.render()}" for hit in verdict.allowed]
    writer = StudyWriter(study_dir, basis.inspection)
    writer.append("interviews", added)
    rows = with_earlier_quotes(basis.inspection, label, segments.to_dict("records"))
    writer.replace("coded_segments", lambda record: record.get("source") == label, rows)
    if added:
        study = with_interviews(study, added)
        grown = populations_grown(study, added)
        if grown:
            notes.append(
                f"the new interview(s) {', '.join(grown)} belong to the population of indicators assessed per "
                "interview: their proposals are in the review file; confirm them (evalkit qda confirm)."
            )
    review = proposals(study, segments, min_groups, frozenset(populations_grown(study, added)))
    review_file = study_dir / f"qda_review_{project.path.stem}.csv"
    writer.write_file(review_file, csv_text(review).encode("utf-8"))
    try:
        writer.commit()
    except AppendError as error:
        raise ImportError_(str(error)) from None
    if "coded_segments" in writer.registered:
        notes.append("coded_segments added to the study (datapackage.json).")
    notes += loose_segments_note(study_dir, basis.inspection, writer.workbook_file())
    where = segments_location(study_dir)
    return ImportResult(
        len(segments),
        [row["interview_id"] for row in added],
        review_file,
        review,
        notes,
        skipped,
        study_state(study_dir),
        where,
    )


def with_earlier_quotes(inspection, label: str, rows: list[dict]) -> list[dict]:
    """The new rows, each keeping the ``quotable`` mark its segment had from an earlier import of the same file.

    The evaluator marks quotes in the study's ``coded_segments`` table (the import leaves the column
    empty); importing the project again replaces its rows but must not lose those marks.
    """
    table = inspection.tables.get("coded_segments")
    if table is None or table.csv is None or "quotable" not in table.csv.header:
        return rows
    marks = {}
    for raw in table.csv.rows:
        record = dict(zip(table.csv.header, raw))
        if record.get("source") == label and (record.get("quotable") or "").strip():
            marks[(record.get("segment_id"), record.get("indicator_id"))] = record["quotable"].strip()
    return [
        {**row, "quotable": marks[(row["segment_id"], row["indicator_id"])]}
        if (row["segment_id"], row["indicator_id"]) in marks
        else row
        for row in rows
    ]


def segments_location(study_dir: Path) -> str:
    """Where the study keeps its coded segments, as a message names it (a file, or a workbook's sheet)."""
    from evalkit.study.validate import sheet_label

    descriptor = json.loads((Path(study_dir) / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor.get("resources", []):
        if isinstance(resource, dict) and resource.get("name") == "coded_segments":
            sheet = workbook.resource_sheet(resource)
            return sheet_label(resource["path"], sheet) if sheet else str(resource.get("path"))
    return "coded_segments.csv"
