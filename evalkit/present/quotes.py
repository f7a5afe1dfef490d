"""How a quote is attributed: by the respondent's role, never by person or municipality.

A quote is printed with the role of the person who said it, e.g.
*(Socialsekreterare)*, taken from the study's vocabulary of respondent roles.
A role held by fewer than the study's small-group threshold of interviews
(``evalkit:small_cell_threshold``, default 3: see :mod:`evalkit.privacy`) would
point to one person, so the quote is attributed to the respondent group
instead (*Chef*, *Medarbetare*, *Kvinnofridssamordnare*, *Extern
samverkanspart*), and when that group is small too, to *Intervjuperson*.
Nothing else is ever added: no municipality, pseudonym, interview id or date.
"""

from __future__ import annotations

import pandas as pd

#: One person of each respondent group (the vocabulary's group labels are plural).
GROUP_ATTRIBUTIONS = {
    "coordinator": {"sv": "Kvinnofridssamordnare", "en": "Coordinator"},
    "municipal_manager": {"sv": "Chef", "en": "Manager"},
    "municipal_staff": {"sv": "Medarbetare", "en": "Staff member"},
    "external_partner": {"sv": "Extern samverkanspart", "en": "External partner"},
}
GENERIC_ATTRIBUTION = {"sv": "Intervjuperson", "en": "Interviewee"}


def attribution_threshold(study) -> int:
    """Fewest interviews a role (or group) needs to be named: the study's small-cell threshold."""
    from evalkit.privacy import small_cell_threshold

    return small_cell_threshold(study)


def quote_attribution(study, interview_id: str, language: str) -> str:
    """The attribution of a quote from ``interview_id`` in ``language``: a role, a group, or *Intervjuperson*.

    Parameters
    ----------
    study : Study
    interview_id : str
    language : {"sv", "en"}

    Returns
    -------
    str
        The role's label when at least :func:`attribution_threshold` interviews
        of the study have that role; else the respondent group's attribution
        when the group is that large; else the generic *Intervjuperson* /
        *Interviewee*. An interview the study does not hold is attributed
        generically.
    """
    from evalkit.present.labels import vocabulary_label

    if language not in GENERIC_ATTRIBUTION:
        raise ValueError(f"language must be 'sv' or 'en', not {language!r}")
    interviews = study.tables["interviews"]
    row = interviews[interviews["interview_id"] == interview_id]
    if row.empty:
        return GENERIC_ATTRIBUTION[language]
    threshold = attribution_threshold(study)
    role, group = row.iloc[0]["respondent_role"], row.iloc[0]["respondent_group"]
    if not pd.isna(role) and int((interviews["respondent_role"] == role).sum()) >= threshold:
        label = vocabulary_label(study, "respondent_role", str(role), language)
        if label and label != str(role):
            return label
    if (
        not pd.isna(group)
        and group in GROUP_ATTRIBUTIONS
        and int((interviews["respondent_group"] == group).sum()) >= threshold
    ):
        return GROUP_ATTRIBUTIONS[group][language]
    return GENERIC_ATTRIBUTION[language]
