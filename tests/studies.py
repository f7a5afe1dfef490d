"""Hand-made studies for the analysis and presentation tests.

``tiny_study()`` has four municipalities, two coordinators and ten interviews;
every expected number in the tests is worked out by hand from the tables
below (see the comments).

Municipalities: A own coordinator (well), B and C share coordinator C2
(B poorly, C well), D works with a family-violence team.
"""

from __future__ import annotations

import pandas as pd

from evalkit.study.model import Study


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[c.strip() for c in columns.split(",")])


def tiny_tables() -> dict[str, pd.DataFrame]:
    """The data tables of :func:`tiny_study` (plain DataFrames, editable by tests)."""
    municipalities = _frame(
        "municipality_id, name, county, size_band, model, coordinator_functioning, basis, source, "
        "assumption, reconstructed_fields",
        [
            ("A", "Realtown", "Testlän", "large", "own_coordinator", "well", "stated", "Kap. 1, Org", "", ""),
            (
                "B",
                "",
                "Testlän",
                "small",
                "shared_coordinator",
                "poorly",
                "reconstructed",
                "Kap. 1, Org",
                "size band guessed from the report's wording",
                "size_band",
            ),
            ("C", "", "Testlän", "small", "shared_coordinator", "well", "stated", "Kap. 1, Org", "", ""),
            ("D", "", "Testlän", "small", "team", "not_applicable", "stated", "Kap. 2, Team", "", ""),
        ],
    )
    coordinators = _frame(
        "coordinator_id, role, combined_with, seat_in_management_group, based_in, basis, source, assumption, "
        "reconstructed_fields",
        [
            ("C1", "mixed", "none", "yes", "A", "stated", "Kap. 1, Org", "", ""),
            (
                "C2",
                "strategic",
                "other_strategic_tasks",
                "no",
                "B",
                "reconstructed",
                "Kap. 3, Roll",
                "role read from a paraphrase",
                "role",
            ),
        ],
    )
    links = _frame(
        "coordinator_id, municipality_id, share_of_post_pct, start_date, source",
        [
            ("C1", "A", 100, "2016-08", "Kap. 1, Org"),
            ("C2", "B", 25, "2018", "Kap. 1, Org"),
            ("C2", "C", 25, "", "Kap. 1, Org"),
        ],
    )
    survey = _frame(
        "coordinator_id, q1_municipalities, q2_share_of_post_pct, q3_strategic_pct, q3_individual_pct, "
        "q3_direct_client_pct, q3_other_pct, q4_placement, source",
        [
            ("C1", "A", 100, 40, 30, 20, 10, "ifo_management", "Bilaga 2"),
            ("C2", "B|C", None, 60, 20, 0, 20, "ifo_unit", "Bilaga 2"),
        ],
    )
    interviews = _frame(
        "interview_id, respondent_group, respondent_role, municipality_id, coordinator_id, organisation, mode",
        [
            ("I1", "coordinator", "coordinator", "", "C1", "", "telephone"),
            ("I2", "coordinator", "coordinator", "", "C2", "", "telephone"),
            ("I3", "municipal_manager", "ifo_head", "A", "", "", "telephone"),
            ("I4", "municipal_manager", "ifo_head", "B", "", "", "telephone"),
            ("I5", "municipal_manager", "adult_unit_head", "C", "", "", "telephone"),
            ("I6", "municipal_manager", "violence_team_head", "D", "", "", "telephone"),
            ("I7", "municipal_staff", "social_worker", "A", "", "", "telephone"),
            ("I8", "municipal_staff", "former_coordinator", "B", "", "", "telephone"),
            ("I9", "external_partner", "police", "", "", "Polisen", "telephone"),
            ("I10", "external_partner", "womens_shelter", "", "", "Kvinnojour", "telephone"),
        ],
    )
    assessments = _frame(
        "indicator_id, subject_id, value, basis, source, assumption, reconstructed_fields",
        [
            # know_plan (municipalities with a coordinator): 1 yes of 3; D is outside the population.
            ("know_plan", "A", "yes", "stated", "Kap. 2", "", ""),
            ("know_plan", "B", "no", "stated", "Kap. 2", "", ""),
            ("know_plan", "C", "partly", "reconstructed", "Kap. 2", "partly read from 'some'", "value"),
            ("know_plan", "D", "yes", "stated", "Kap. 2", "", ""),
            # know_training (coordinators): 2 of 2.
            ("know_training", "C1", "yes", "stated", "Kap. 2", "", ""),
            ("know_training", "C2", "yes", "stated", "Kap. 2", "", ""),
            # safe_routines (all municipalities): yes, unknown, no, yes.
            ("safe_routines", "A", "yes", "stated", "Kap. 2", "", ""),
            ("safe_routines", "B", "unknown", "stated", "Kap. 2", "", ""),
            ("safe_routines", "C", "no", "stated", "Kap. 2", "", ""),
            ("safe_routines", "D", "yes", "stated", "Kap. 2", "", ""),
            # access_contact (external-partner interviews): I9 yes, I10 not assessed.
            ("access_contact", "I9", "yes", "stated", "Kap. 2", "", ""),
            # comparison chapter.
            ("team_basic", "A", "yes", "stated", "Kap. 2", "", ""),
            ("team_basic", "B", "yes", "stated", "Kap. 2", "", ""),
            ("team_basic", "C", "no", "stated", "Kap. 2", "", ""),
            ("team_basic", "D", "yes", "stated", "Kap. 2", "", ""),
            ("team_contact", "D", "no", "stated", "Kap. 2", "", ""),
        ],
    )
    conditions = _frame(
        "municipality_id, condition_id, value, basis, source, assumption, reconstructed_fields",
        [
            ("A", "closeness", "yes", "stated", "Kap. 4", "", ""),
            ("B", "closeness", "no", "stated", "Kap. 4", "", ""),
            ("C", "closeness", "partly", "reconstructed", "Kap. 4", "partly from 'some closeness'", "value"),
            ("A", "expert_team", "yes", "stated", "Kap. 4", "", ""),
            ("B", "expert_team", "no", "stated", "Kap. 4", "", ""),
            ("C", "expert_team", "no", "stated", "Kap. 4", "", ""),
            ("A", "casework", "no", "stated", "Kap. 3", "", ""),
            ("B", "casework", "yes", "stated", "Kap. 3", "", ""),
            ("C", "casework", "unknown", "stated", "Kap. 3", "", ""),
        ],
    )
    cases = _frame(
        "municipality_id, year, measure, value, source",
        [
            # A: coordinator from 2016-08. Before 10, 12; start year 15; after 20, 23.
            ("A", 2014, "m1", 10, "Tabell 1"),
            ("A", 2015, "m1", 12, "Tabell 1"),
            ("A", 2016, "m1", 15, "Tabell 1"),
            ("A", 2017, "m1", 20, "Tabell 1"),
            ("A", 2018, "m1", 23, "Tabell 1"),
            # B: coordinator from 2018; already rising before (96 -> 115).
            ("B", 2016, "m1", 96, "Tabell 2"),
            ("B", 2017, "m1", 115, "Tabell 2"),
            ("B", 2018, "m1", 138, "Tabell 2"),
            # C: start unknown. D: no coordinator, one missing year.
            ("C", 2018, "m1", 3, "Tabell 2"),
            ("D", 2017, "m1", 5, "Tabell 2"),
            ("D", 2018, "m1", None, "Tabell 2"),
        ],
    )
    documents = _frame(
        "document_id, document_type, municipality_id, description, year",
        [("D1", "action_plan", "A", "Action plan", 2017), ("D2", "routine", "B", "Routine", 2018)],
    )
    claims = _frame(
        "claim_id, finding_id, numerator, denominator, unit, claim_sv, claim_en",
        [
            ("P1", "org.municipalities_with_coordinator", 3, 4, "municipalities", "Tre av fyra.", "Three of four."),
            (
                "P2",
                "qa.know_plan",
                2,
                3,
                "municipalities",
                "Två av tre (fel med flit).",
                "Two of three (wrong on purpose).",
            ),
            ("P3", "org.does_not_exist", 1, None, "coordinators", "Inget sådant resultat.", "No such finding."),
            ("P4", "org.coordinators_total", 2, None, "coordinators", "Två samordnare.", "Two coordinators."),
        ],
    )
    return {
        "municipalities": municipalities,
        "coordinators": coordinators,
        "coordinator_municipalities": links,
        "survey_responses": survey,
        "interviews": interviews,
        "assessments": assessments,
        "conditions": conditions,
        "case_statistics": cases,
        "documents": documents,
        "published_claims": claims,
    }


def tiny_codebook() -> dict[str, pd.DataFrame]:
    """The codebook of :func:`tiny_study`."""
    quality_areas = _frame(
        "quality_area_id, order, label_sv, label_en, definition_sv, definition_en",
        [
            ("knowledge", 1, "Kunskap", "Knowledge", "d", "d"),
            ("safety", 2, "Trygghet", "Safety", "d", "d"),
            ("access", 3, "Tillgänglighet", "Accessibility", "d", "d"),
        ],
    )
    indicators = _frame(
        "indicator_id, quality_area_id, population, chapter, label_sv, label_en, definition_sv, definition_en, "
        "statement_sv, statement_en, report_section",
        [
            (
                "know_plan",
                "knowledge",
                "municipalities_with_coordinator",
                "quality_areas",
                "Plan",
                "Plan",
                "d",
                "d",
                "{count} har en plan för kunskapsutveckling",
                "{count} have a plan for knowledge development",
                "Kap. 2, Kunskap",
            ),
            (
                "know_training",
                "knowledge",
                "coordinators",
                "quality_areas",
                "Utbildning",
                "Training",
                "d",
                "d",
                "{count} informerar om utbildningar",
                "{count} pass on information about training",
                "Kap. 2, Utbildning",
            ),
            (
                "safe_routines",
                "safety",
                "all_municipalities",
                "quality_areas",
                "Rutiner",
                "Routines",
                "d",
                "d",
                "I {count} finns rutiner",
                "In {count}, routines are in place",
                "",
            ),
            (
                "access_contact",
                "access",
                "external_partner_interviews",
                "quality_areas",
                "Kontakt",
                "Contact",
                "d",
                "d",
                "{count} känner samordnarna",
                "{count} know the coordinators",
                "Kap. 2, Externa",
            ),
            (
                "team_basic",
                "knowledge",
                "all_municipalities",
                "comparison",
                "Grundkunskap",
                "Basic knowledge",
                "d",
                "d",
                "I {count} finns grundkunskap",
                "In {count}, basic knowledge is in place",
                "Kap. 2, Team",
            ),
            (
                "team_contact",
                "access",
                "team_municipalities",
                "comparison",
                "Kontaktpunkt",
                "Contact point",
                "d",
                "d",
                "{count} har en kontaktpunkt",
                "{count} have a contact point",
                "Kap. 2, Team",
            ),
        ],
    )
    conditions = _frame(
        "condition_id, kind, label_sv, label_en, definition_sv, definition_en, report_section",
        [
            ("closeness", "success_factor", "Närhet", "Closeness", "d", "d", "Kap. 4, Närhet"),
            ("expert_team", "success_factor", "Expertteam", "Expert team", "d", "d", "Kap. 4, Team"),
            ("casework", "failure_explanation", "Handläggning", "Casework", "d", "d", "Kap. 3, Handläggning"),
        ],
    )
    measures = _frame(
        "measure, label_sv, label_en, definition_sv, definition_en",
        [("m1", "Aktualiserade våldsärenden", "Violence cases opened", "d", "d")],
    )
    vocabulary_rows = [
        ("population", "all_municipalities", "kommuner", "municipalities"),
        (
            "population",
            "municipalities_with_coordinator",
            "kommuner med samordnare",
            "municipalities with a coordinator",
        ),
        (
            "population",
            "team_municipalities",
            "kommuner med familjefridsteam",
            "municipalities with a family-violence team",
        ),
        ("population", "coordinators", "samordnare", "coordinators"),
        ("population", "external_partner_interviews", "intervjuade externa parter", "interviewed external partners"),
        ("role", "operational", "Operativ", "Operational"),
        ("role", "mixed", "Blandad", "Mixed"),
        ("role", "strategic", "Rent strategisk", "Purely strategic"),
        ("combined_with", "none", "Heltid som samordnare", "Full-time coordinator"),
        ("combined_with", "other_strategic_tasks", "Andra strategiska uppgifter", "Other strategic tasks"),
        ("q4_placement", "ifo_management", "IFO, övergripande nivå", "IFO, management level"),
        ("q4_placement", "ifo_unit", "En enhet inom IFO", "A unit within IFO"),
        ("respondent_group", "coordinator", "Kvinnofridssamordnare", "Coordinators"),
        ("respondent_group", "municipal_manager", "Chefer i kommunerna", "Municipal managers"),
        ("respondent_group", "municipal_staff", "Medarbetare i kommunerna", "Municipal staff"),
        ("respondent_group", "external_partner", "Externa samverkansparter", "External partners"),
        ("respondent_role", "ifo_head", "Chef för IFO", "Head of IFO"),
        ("respondent_role", "adult_unit_head", "Chef för vuxenenheten", "Head of the adult unit"),
        ("respondent_role", "violence_team_head", "Chef för våldsteamet", "Head of the violence team"),
        ("respondent_role", "social_worker", "Socialsekreterare", "Social worker"),
        ("respondent_role", "former_coordinator", "Tidigare samordnare", "Former coordinator"),
        ("value", "yes", "Ja", "Yes"),
        ("value", "partly", "Delvis", "Partly"),
        ("value", "no", "Nej", "No"),
        ("value", "unknown", "Okänt", "Unknown"),
        ("model", "team", "Familjefridsteam", "Family-violence team"),
        ("basis", "stated", "Angivet", "Stated"),
        ("basis", "reconstructed", "Rekonstruerat", "Reconstructed"),
    ]
    vocabularies = pd.DataFrame(vocabulary_rows, columns=["vocabulary", "code", "label_sv", "label_en"])
    survey_questions = _frame(
        "question_id, columns, text_sv, text_en", [("q2", "q2_share_of_post_pct", "Andel?", "Share?")]
    )
    return {
        "quality_areas": quality_areas,
        "indicators": indicators,
        "conditions": conditions,
        "measures": measures,
        "vocabularies": vocabularies,
        "survey_questions": survey_questions,
    }


#: The tiny study re-encodes a (made-up) published report: its rows are stated or reconstructed.
TINY_DESCRIPTOR = {"evalkit:kind": "published_evaluation", "evalkit:source_report": {"title": "Testrapporten"}}


def tiny_study(tables: dict | None = None, codebook: dict | None = None, descriptor: dict | None = None) -> Study:
    """The four-municipality test study (optionally with replaced tables or descriptor)."""
    all_tables = tiny_tables()
    all_tables.update(tables or {})
    all_codebook = tiny_codebook()
    all_codebook.update(codebook or {})
    return Study.from_frames(
        all_tables, all_codebook, name="tiny", descriptor=TINY_DESCRIPTOR if descriptor is None else descriptor
    )


def findings_by_id(findings: pd.DataFrame) -> dict:
    """``{finding_id: (numerator, denominator)}`` with None for a missing denominator."""
    return {
        fid: (float(n), None if pd.isna(d) else float(d))
        for fid, n, d in zip(findings["finding_id"], findings["numerator"], findings["denominator"])
    }
