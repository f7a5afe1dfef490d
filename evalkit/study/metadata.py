"""What a study's publication says on its title page, read from the study descriptor.

A study's ``datapackage.json`` carries, besides its ``title`` (the Swedish
edition's), the fields of a publication's title page (all optional). They are
the study information of :mod:`evalkit.study.information`, which also reads
them from a workbook's information sheet and checks each value; here they are
read per language edition and checked against each other
(:func:`descriptor_problems`)::

    "title": "Kvinnofridssamordnare i Övningslänet 2025",
    "evalkit:language": "sv",
    "evalkit:county": "Övningslänet",
    "evalkit:title_en": "Coordinators against violence in close relationships in Övningslänet 2025",
    "evalkit:subtitle_sv": "En utvärdering av …",
    "evalkit:subtitle_en": "An evaluation of …",
    "evalkit:publisher": "Länsstyrelsen i Övningslänets län",
    "evalkit:year": 2025,
    "evalkit:series": "Rapport 2025:4",
    "evalkit:diary_number": "123-4567-2025",
    "evalkit:isbn": "978-91-…",
    "evalkit:date": "2025-06-15"

``evalkit:language`` is the study's language: its workbook's, and the one
its own free text is written in (survey answers, interview excerpts, the
evaluator's notes); ``sv`` when the descriptor does not say. For a study in
English, ``title`` is the English title; ``evalkit:title_sv`` gives the
Swedish one where ``title`` is not. A publisher whose name differs between the
languages is written ``evalkit:publisher_sv`` / ``evalkit:publisher_en``.
:func:`publication_metadata` gives the title page of one language edition
as a :class:`PublicationMetadata`; a study that names a source report
(``evalkit:source_report``) also gets a sentence saying what the
publication is based on, and that the source's publisher did not publish
it when the publishers differ.

Everything here is pure: a descriptor (or a study) in, values or problems out.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from evalkit.study.kind import descriptor_of, source_report

LANGUAGES = ("sv", "en")
LANGUAGE_KEY = "evalkit:language"
#: The language of a study's own free text when its descriptor does not say.
DEFAULT_LANGUAGE = "sv"
#: Text fields of the title page that come in one version per language.
PAIRED_KEYS = ("evalkit:title", "evalkit:subtitle", "evalkit:publisher")
PUBLISHER_KEY = "evalkit:publisher"
YEAR_KEY = "evalkit:year"
SERIES_KEY = "evalkit:series"
DIARY_KEY = "evalkit:diary_number"
ISBN_KEY = "evalkit:isbn"
DATE_KEY = "evalkit:date"
FIRST_YEAR, LAST_YEAR = 1990, 2100
#: Every descriptor key this module reads, for the documentation.
KEYS = (
    LANGUAGE_KEY,
    "evalkit:title_sv",
    "evalkit:title_en",
    "evalkit:subtitle_sv",
    "evalkit:subtitle_en",
    PUBLISHER_KEY,
    "evalkit:publisher_sv",
    "evalkit:publisher_en",
    YEAR_KEY,
    SERIES_KEY,
    DIARY_KEY,
    ISBN_KEY,
    DATE_KEY,
)
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_LANGUAGE_NAMES = {"sv": {"sv": "svenska", "en": "Swedish"}, "en": {"sv": "engelska", "en": "English"}}
#: What a publication based on a source report says about it, per language.
BASED_ON = {
    "sv": "Bygger på {title} ({by}).",
    "en": "Based on {title} ({by}).",
}
NOT_PUBLISHED_BY = {
    "sv": " Omräkningen är inte utgiven av {publisher}.",
    "en": " This re-computation is not published by {publisher}.",
}


@dataclass(frozen=True)
class PublicationMetadata:
    """The title page of one language edition.

    Attributes
    ----------
    language : str
        The edition's language, ``"sv"`` or ``"en"``.
    title : str
        The study's title in that language: ``evalkit:title_<language>``, else
        the descriptor's ``title`` when the study's language is that language,
        else a title made from the county (never a title in the other language).
    subtitle, publisher, series, diary_number, isbn, date : str or None
        As the descriptor gives them (``None`` when it does not); ``date`` as
        written (``YYYY-MM-DD`` or ``YYYY-MM``).
    year : int or None
        ``evalkit:year``, else the year of ``evalkit:date``.
    based_on : str or None
        For a study that names a source report: one sentence in the edition's
        language naming it (title, publisher, year) and, when the study's
        publisher is another, saying that the source's publisher did not
        publish this one.
    study_language : str
        The language the study's own free text is written in.
    """

    language: str
    title: str
    subtitle: str | None = None
    publisher: str | None = None
    year: int | None = None
    series: str | None = None
    diary_number: str | None = None
    isbn: str | None = None
    date: str | None = None
    based_on: str | None = None
    study_language: str = DEFAULT_LANGUAGE


def _text(value) -> str | None:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def study_language(study_or_descriptor) -> str:
    """The language the study's own free text is written in (``evalkit:language``, default ``sv``)."""
    value = descriptor_of(study_or_descriptor).get(LANGUAGE_KEY)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def language_name(language: str, in_language: str) -> str:
    """``language_name("sv", "en") == "Swedish"``; ``language_name("en", "sv") == "engelska"``."""
    return _LANGUAGE_NAMES[language][in_language]


def county_of(study) -> str | None:
    """``evalkit:county``, else the most frequent county of the study's municipalities (ties: alphabetical)."""
    county = _text(descriptor_of(study).get("evalkit:county"))
    if county:
        return county
    tables = getattr(study, "tables", None) or {}
    municipalities = tables.get("municipalities")
    if municipalities is None or "county" not in municipalities:
        return None
    counts = municipalities["county"].dropna().astype(str).value_counts()
    if counts.empty:
        return None
    return sorted(counts.index, key=lambda name: (-counts[name], name))[0]


#: A title made from the county, for an edition whose language the study gives no title in.
DEFAULT_TITLES = {
    "sv": ("Kvinnofridssamordnare i {county}", "Kvinnofridssamordnare: en utvärdering"),
    "en": (
        "Coordinators against violence in close relationships in {county}",
        "Coordinators against violence in close relationships: an evaluation",
    ),
}


def edition_title(study, language: str) -> str:
    """The study's title in ``language`` (see :class:`PublicationMetadata`)."""
    descriptor = descriptor_of(study)
    title = _text(descriptor.get(f"evalkit:title_{language}"))
    if title:
        return title
    if study_language(descriptor) == language and _text(descriptor.get("title")):
        return _text(descriptor.get("title"))
    county = county_of(study)
    with_county, without = DEFAULT_TITLES[language]
    return with_county.format(county=county) if county else without


def edition_publisher(descriptor: Mapping, language: str) -> str | None:
    """``evalkit:publisher_<language>``, else ``evalkit:publisher``."""
    return _text(descriptor.get(f"{PUBLISHER_KEY}_{language}")) or _text(descriptor.get(PUBLISHER_KEY))


def metadata_year(descriptor: Mapping) -> int | None:
    """``evalkit:year`` as a number, else the year of ``evalkit:date``; None when neither is valid."""
    year = descriptor.get(YEAR_KEY)
    if year_problem(year) is None and year is not None:
        return int(year)
    date = descriptor.get(DATE_KEY)
    if date is not None and date_problem(date) is None:
        return int(str(date)[:4])
    return None


def based_on(study, language: str) -> str | None:
    """The sentence naming the source report a study re-encodes, in ``language`` (None without one)."""
    report = source_report(study)
    if report is None:
        return None
    title = str(report["title"]).strip()
    by = ", ".join(str(report[k]).strip() for k in ("publisher", "year") if _text(report.get(k)))
    sentence = BASED_ON[language].format(title=title, by=by) if by else BASED_ON[language].format(title=title, by="")
    sentence = sentence.replace(" ().", ".")
    report_publisher = _text(report.get("publisher"))
    own = edition_publisher(descriptor_of(study), language)
    if report_publisher and own != report_publisher:
        sentence += NOT_PUBLISHED_BY[language].format(publisher=report_publisher)
    return sentence


def publication_metadata(study, language: str) -> PublicationMetadata:
    """The title page of the ``language`` edition of a study's publication.

    Parameters
    ----------
    study : Study or Mapping
        A loaded study (or a descriptor; then the title cannot be made from
        the county).
    language : {"sv", "en"}

    Returns
    -------
    PublicationMetadata
        Every text in ``language`` (names such as a publisher's are as
        written); fields the descriptor does not give are ``None``.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    descriptor = descriptor_of(study)
    isbn = _text(descriptor.get(ISBN_KEY))
    date = _text(descriptor.get(DATE_KEY))
    return PublicationMetadata(
        language=language,
        title=edition_title(study, language),
        subtitle=_text(descriptor.get(f"evalkit:subtitle_{language}")),
        publisher=edition_publisher(descriptor, language),
        year=metadata_year(descriptor),
        series=_text(descriptor.get(SERIES_KEY)),
        diary_number=_text(descriptor.get(DIARY_KEY)),
        isbn=isbn if isbn and isbn_problem(isbn) is None else None,
        date=date if date and date_problem(date) is None else None,
        based_on=based_on(study, language),
        study_language=study_language(descriptor),
    )


# --------------------------------------------------------------------------- validation


def isbn_digits(value: str) -> str:
    """The ISBN without hyphens and spaces (``X`` kept as the ISBN-10 check digit)."""
    return re.sub(r"[\s\-]", "", value).upper()


def isbn_valid(value: str) -> bool:
    """Whether ``value`` is an ISBN-10 or ISBN-13 with a correct check digit.

    Examples
    --------
    >>> isbn_valid("978-0-306-40615-7"), isbn_valid("978-0-306-40615-8")
    (True, False)
    >>> isbn_valid("0-306-40615-2"), isbn_valid("0-8044-2957-X")
    (True, True)
    """
    digits = isbn_digits(value)
    if re.fullmatch(r"97[89]\d{10}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False


def isbn_problem(value) -> str | None:
    """What is wrong with an ``evalkit:isbn`` value (None when it is a valid ISBN)."""
    if not isinstance(value, str):
        return "is not a text"
    digits = isbn_digits(value)
    if not re.fullmatch(r"\d{9}[\dX]|\d{13}", digits):
        return "is not an ISBN: expected 13 digits (or 10 for an older ISBN), with or without hyphens"
    if not isbn_valid(value):
        return "has a wrong check digit (the last digit does not fit the others), so it is not a valid ISBN"
    return None


def year_problem(value) -> str | None:
    """What is wrong with an ``evalkit:year`` value (None when it is a year from 1900 to 2100)."""
    if value is None:
        return "is empty"
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return "is not a year"
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        return "is not a year written with four digits"
    if not FIRST_YEAR <= int(text) <= LAST_YEAR:
        return f"is outside {FIRST_YEAR}-{LAST_YEAR}"
    return None


def date_problem(value) -> str | None:
    """What is wrong with an ``evalkit:date`` value (None for a real date ``YYYY-MM-DD`` or month ``YYYY-MM``)."""
    if not isinstance(value, str):
        return "is not a text"
    match = _DATE.match(value.strip())
    if not match:
        return "is not a date written YYYY-MM-DD (or YYYY-MM)"
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        _dt.date(year, month, day)
    except ValueError:
        return "is not a date in the calendar"
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"has a year outside {FIRST_YEAR}-{LAST_YEAR}"
    return None


#: Keys read here that the study information (:mod:`evalkit.study.information`) does not check.
EXTRA_TEXT_KEYS = ("evalkit:title_sv", "evalkit:publisher_sv", "evalkit:publisher_en")


def descriptor_problems(descriptor: Mapping) -> list[tuple[str, str, str | None]]:
    """Check the title-page properties against each other (each value is checked by the study information).

    A text given for one language edition needs the other (``evalkit:title_sv``
    without ``evalkit:title_en``, a subtitle, a publisher per language), the
    keys only this module reads must be texts, and the year and the date must
    agree.

    Returns
    -------
    list of (message, fix, value)
        One entry per problem; empty when all is in order (every property is optional).
    """
    problems: list[tuple[str, str, str | None]] = []
    for key in EXTRA_TEXT_KEYS:
        if key in descriptor and _text(descriptor[key]) is None:
            problems.append((f"'{key}' is empty or not a text.", "Write the text, or remove the property.", None))
    for base in PAIRED_KEYS:
        present = [language for language in LANGUAGES if _text(descriptor.get(f"{base}_{language}"))]
        if base == "evalkit:title" and present == ["en"]:
            continue  # the Swedish title is ``title``
        if len(present) == 1:
            missing = "en" if present == ["sv"] else "sv"
            key = f"{base}_{missing}"
            problems.append(
                (
                    f"'{base}_{present[0]}' has no {language_name(missing, 'en')} version '{key}', so the "
                    f"{language_name(missing, 'en')} edition would lack it.",
                    f'Add "{key}" with the text in {language_name(missing, "en")} (each edition is wholly in its '
                    "language: a text is never shown in the other language).",
                    None,
                )
            )
    year, date = descriptor.get(YEAR_KEY), descriptor.get(DATE_KEY)
    if year is not None and date is not None and year_problem(year) is None and date_problem(date) is None:
        if int(str(year)) != int(str(date).strip()[:4]):
            problems.append(
                (
                    f"'{DATE_KEY}' is in another year than '{YEAR_KEY}' ({year}).",
                    "Make the year and the date agree, or remove one of them.",
                    str(date),
                )
            )
    return problems


#: Title-page texts scanned for personal data (a publisher is an organisation's name, printed as given).
SCANNED_KEYS = ("evalkit:title_sv", "evalkit:title_en", "evalkit:subtitle_sv", "evalkit:subtitle_en", SERIES_KEY)


def personal_data(descriptor: Mapping, file: str = "datapackage.json") -> list:
    """Personal data in the title-page texts (see :mod:`evalkit.privacy`), located by property name."""
    from evalkit import privacy

    found = []
    for key in SCANNED_KEYS:
        value = descriptor.get(key)
        if isinstance(value, str):
            found += [
                privacy.PersonalData(file, None, key, kind, shown) for kind, shown in privacy.find_personal_data(value)
            ]
    return found
