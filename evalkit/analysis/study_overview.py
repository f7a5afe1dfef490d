"""Chapter 00: what the study holds and how each value is backed.

Pure functions on a :class:`~evalkit.study.model.Study`; no I/O, no plotting.
"""

from __future__ import annotations

import pandas as pd

from evalkit.study.model import DATA_TABLES

GROUP_ORDER = ("coordinator", "municipal_manager", "municipal_staff", "external_partner")
SURVEY_ANSWER_COLUMNS = (
    "q1_municipalities",
    "q2_share_of_post_pct",
    "q3_strategic_pct",
    "q4_placement",
    "q5_achievement_1",
)


#: The municipality columns chapter 00 shows, each with its own basis.
MUNICIPALITY_FIELDS = ("size_band", "model", "coordinator_functioning")


def municipalities_table(study) -> pd.DataFrame:
    """One row per municipality with the basis of each value shown, not one basis for the row.

    A row is reconstructed when any of its fields is; the table says which. D's functioning is
    stated (the report says both posts combined with other strategic tasks work well) while its
    size is reconstructed: one ``basis`` column would show the whole row as reconstructed.

    Returns
    -------
    pandas.DataFrame
        ``municipality_id`` and, for each of :data:`MUNICIPALITY_FIELDS`, the value and
        ``<field>_basis`` (:func:`~evalkit.analysis.populations.row_basis` of that field).
    """
    from evalkit.analysis.populations import rows_basis

    frame = study.tables["municipalities"]
    rows = []
    for index in frame.index:
        row = frame.loc[[index]]
        record = {"municipality_id": frame.at[index, "municipality_id"]}
        for field in MUNICIPALITY_FIELDS:
            record[field] = frame.at[index, field]
            record[f"{field}_basis"] = rows_basis(row, [field], study)
        rows.append(record)
    columns = ["municipality_id", *(c for f in MUNICIPALITY_FIELDS for c in (f, f"{f}_basis"))]
    return pd.DataFrame(rows, columns=columns)


def interviews_by_group(study) -> pd.DataFrame:
    """Count interviews per respondent group.

    Returns
    -------
    pandas.DataFrame
        Columns ``respondent_group, interviews, share_pct``; groups in the fixed
        order coordinator, municipal manager, municipal staff, external partner,
        then any other group alphabetically; a last row ``total``.
    """
    interviews = study.tables["interviews"]
    counts = interviews["respondent_group"].value_counts()
    order = [g for g in GROUP_ORDER if g in counts.index] + sorted(set(counts.index) - set(GROUP_ORDER))
    frame = pd.DataFrame({"respondent_group": order, "interviews": [int(counts[g]) for g in order]})
    total = int(frame["interviews"].sum())
    frame["share_pct"] = (100 * frame["interviews"] / total).round(1) if total else 0.0
    frame = pd.concat(
        [
            frame,
            pd.DataFrame(
                {"respondent_group": ["total"], "interviews": [total], "share_pct": [100.0 if total else 0.0]}
            ),
        ],
        ignore_index=True,
    )
    return frame


def interviews_by_role(study) -> pd.DataFrame:
    """Cross-tabulate interviews: respondent role by where the respondent works.

    Municipal interviews count under their municipality, coordinator interviews
    under ``coordinators`` and external partners under ``external``.

    Returns
    -------
    pandas.DataFrame
        Index ``respondent_role`` (sorted by group order, then role), one column
        per municipality id (sorted) plus ``coordinators``, ``external`` and
        ``total``; integer counts.
    """
    interviews = study.tables["interviews"].copy()
    place = interviews["municipality_id"].astype("string")
    place = place.mask(interviews["respondent_group"] == "coordinator", "coordinators")
    place = place.mask(interviews["respondent_group"] == "external_partner", "external")
    interviews["where"] = place.fillna("unknown")
    table = pd.crosstab(interviews["respondent_role"], interviews["where"])
    municipalities = sorted(c for c in table.columns if c not in ("coordinators", "external", "unknown"))
    columns = municipalities + [c for c in ("coordinators", "external", "unknown") if c in table.columns]
    table = table.reindex(columns=columns, fill_value=0)
    group_of_role = interviews.drop_duplicates("respondent_role").set_index("respondent_role")["respondent_group"]
    rank = {g: i for i, g in enumerate(GROUP_ORDER)}
    table = table.loc[sorted(table.index, key=lambda role: (rank.get(group_of_role[role], len(rank)), role))]
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table.astype(int)


#: Tables whose caption differs when the study re-runs a published evaluation (``<key>_published``).
PUBLISHED_CAPTIONS = ("survey_coverage", "documents_by_type")


def caption_key(study, key: str) -> str:
    """The caption key of a chapter 00 table for this kind of study (see :data:`PUBLISHED_CAPTIONS`).

    A published evaluation prints no single survey answer and hands over no documents: its survey
    rows hold what the report gives for each post, its documents are those the report mentions.
    """
    from evalkit.study.kind import is_published_evaluation

    return f"{key}_published" if key in PUBLISHED_CAPTIONS and is_published_evaluation(study) else key


def survey_coverage(study) -> pd.DataFrame:
    """Which survey questions have an answer, per question.

    Returns
    -------
    pandas.DataFrame
        Fieldwork: columns ``question_id, answered, respondents, reconstructed``: the
        number of coordinators with an answer (first answer column of the question),
        the number of survey rows, and how many of the answers are reconstructed.
        A published evaluation, whose survey rows hold what the report gives for each
        post rather than anyone's answer: ``question_id, from_report, reconstructed,
        posts`` (values the report gives, values reconstructed from it, posts).
    """
    from evalkit.study.kind import is_published_evaluation

    survey = study.tables["survey_responses"]
    questions = study.codebook["survey_questions"]
    rows = []
    for _, question in questions.iterrows():
        columns = [c for c in str(question["columns"]).split("|") if c in survey.columns]
        first = columns[0]
        answered = survey[first].notna()
        listed = survey["reconstructed_fields"].fillna("")
        reconstructed = (
            answered
            & (survey["basis"] == "reconstructed")
            & (
                listed.eq("")
                | listed.str.split("|").apply(lambda fields, columns=columns: bool(set(fields) & set(columns)))
            )
        )
        rows.append(
            {
                "question_id": question["question_id"],
                "answered": int(answered.sum()),
                "respondents": int(len(survey)),
                "reconstructed": int(reconstructed.sum()),
            }
        )
    frame = pd.DataFrame(rows, columns=["question_id", "answered", "respondents", "reconstructed"])
    if not is_published_evaluation(study):
        return frame
    frame["from_report"] = frame["answered"] - frame["reconstructed"]
    return frame.rename(columns={"respondents": "posts"})[["question_id", "from_report", "reconstructed", "posts"]]


def documents_by_type(study) -> pd.DataFrame:
    """Count documents per type, with how many are county-level (no municipality).

    Returns
    -------
    pandas.DataFrame
        Columns ``document_type, documents, county_level``; sorted by count
        (descending) then type.
    """
    documents = study.tables["documents"]
    grouped = documents.groupby("document_type", sort=True).agg(
        documents=("document_id", "size"),
        county_level=("municipality_id", lambda ids: int(ids.isna().sum())),
    )
    grouped = grouped.reset_index().sort_values(["documents", "document_type"], ascending=[False, True], kind="stable")
    return grouped.reset_index(drop=True)


def provenance_summary(study) -> pd.DataFrame:
    """Rows per table by basis, and the share of rows with any reconstructed value.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, rows, stated, reconstructed, observed, judgement,
        reconstructed_pct``; tables in the study's standard order, empty tables
        left out.
    """
    from evalkit.study.coders import rows_as_written

    rows = []
    for table in DATA_TABLES:
        if study.tables.get(table) is None:
            continue
        frame = rows_as_written(study, table)  # assessments: every coder's row counts, as in the sheet
        if frame.empty:
            continue
        counts = frame["basis"].value_counts()
        row = {"table": table, "rows": int(len(frame))}
        for basis in ("stated", "reconstructed", "observed", "judgement"):
            row[basis] = int(counts.get(basis, 0))
        row["reconstructed_pct"] = round(100 * row["reconstructed"] / row["rows"], 1)
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["table", "rows", "stated", "reconstructed", "observed", "judgement", "reconstructed_pct"]
    )
