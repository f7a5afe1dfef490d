"""Personal data and small cells: what must not reach a report.

Two protections, both pure functions on strings and DataFrames (the rules are
described for users in ``docs/privacy.md``):

**Personal data in free text.** :func:`find_personal_data` looks in one text
for Swedish personal identity numbers (*personnummer*, and *samordningsnummer*
whose day is raised by 60; checked with python-stdnum), e-mail addresses (also
written ``at``, ``[at]``, ``(at)`` or ``snabel-a``), Swedish phone numbers and
personal names (:func:`name_hits`: given names and surnames carried in Sweden,
``evalkit/data/given_names.txt`` and ``surnames.txt``, in pairs, as "Surname,
Given", in any case, or alone in a name-like context). :func:`scan_rows`
applies it to the free-text columns of a table and locates every hit by file,
row and column.
``evalkit run`` refuses a study with hits unless ``--allow-personal-data``;
``evalkit validate`` lists them. Hits are shown masked, never in full.

**Small cells.** Case statistics are counts of people. For a municipality
that is small (or of unknown size), a count below the threshold (default
:data:`SMALL_CELL_THRESHOLD`, set per study with ``"evalkit:small_cell_threshold"``
in ``datapackage.json``) is withheld, and so is everything computed from its
series: one rule, :func:`suppress_small_cells`, which the analyses apply to
the tables they return, leaving a :class:`Suppressed` marker that presenters
write as "färre än 3" / "fewer than 3" (figures: :func:`protect_series`;
findings: :func:`protect_findings`). And an attribute that is public knowledge (the size band) is not
printed next to a pseudonymous municipality when its value is shared by fewer
than :data:`MIN_GROUP` municipalities, since it would tell who that is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer as stdnum_personnummer

from evalkit import paths

#: Counts below this are shown as "< 3" for small municipalities (default).
SMALL_CELL_THRESHOLD = 3
#: Descriptor key that sets another threshold for a study.
THRESHOLD_KEY = "evalkit:small_cell_threshold"
#: A public attribute value must be shared by at least this many municipalities to be printed.
MIN_GROUP = 2
#: Size bands that are not small; every other band (small, unknown, empty) is protected.
NOT_SMALL = ("medium", "large")
#: Attributes of a municipality that are public knowledge (quasi-identifiers).
PUBLIC_ATTRIBUTES = ("size_band",)
#: Columns of the study format holding structured values, not free text (never scanned).
STRUCTURED_COLUMNS = frozenset(
    {"reconstructed_fields", "q1_municipalities", "evidence", "columns", "code", "respondent_role", "document_type"}
)
#: Municipality names are not personal data (they are hidden by the pseudonyms instead).
NOT_SCANNED = frozenset({("municipalities", "name")})
#: Capitalised words that are given names but usually something else inside a sentence: months, weekdays and
#: English words capitalised in titles. Alone they are reported only after a cue ("enligt", "with").
NOT_NAMES_ALONE = frozenset(
    {
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December", "Monday", "Friday", "Sunday", "Maj", "Juni", "Juli", "Augusti", "Mars",
        "Mark", "Will", "Bill", "Can", "My", "Hope", "Grace", "Joy", "Faith", "Rose", "Art", "Guy", "Don",
        "Summer", "Autumn", "Dawn", "Sky", "Star", "Victory", "Unity", "Justice", "Liberty", "Honor", "Angel",
    }
)  # fmt: skip

# --------------------------------------------------------------------------- personal data

PERSONNUMMER = re.compile(
    r"(?<![\d-])(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+ ]?)(?P<serial>\d{3})(?P<check>\d)(?![\d])"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
#: "at" written out to dodge a scanner: ``[at]``, ``(at)``, ``{at}``, ``<at>``, `` snabel-a ``, or a bare `` at ``.
_AT = r"(?P<at>\s*[\[({<]\s*(?:at|snabel-?a)\s*[\])}>]\s*|\s+(?:snabel-a|at)\s+)"
_DOT = r"(?:\.|\s*[\[({<]\s*(?:dot|punkt)\s*[\])}>]\s*|\s+(?:dot|punkt)\s+)"
OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w.+-]+){_AT}(?P<domain>[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*?{_DOT}[A-Za-z]{{2,}})(?!\w)",
    re.IGNORECASE,
)
PHONE = re.compile(
    r"(?<![\w+])(?:\+46|0046)[\s-]?(?:\(0\))?\s?[1-9]\d{0,2}[\s-]?\d{2,4}(?:[ ]?\d{2,3}){1,3}(?!\d)"
    r"|(?<![\w+])0[1-9]\d{0,2}[\s-]?\d{2,4}(?:[ ]?\d{2,3}){1,3}(?!\d)"
)
#: A word as the name scan reads it: letters, parts joined by a hyphen or apostrophe ("Anna-Karin", "O'Brien").
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENTENCE_START = re.compile(r"(?:^|[.!?:;,(\[\"“”'\n]\s*|\s[-–—]\s)$")
#: Words after which a given name (or surname) is a person: "med Ali", "enligt Andersson", "interview with …".
NAME_CUES = frozenset(
    {
        "med", "enligt", "sa", "sade", "säger", "frågade", "träffade", "träffar", "kontakta", "kontakt",
        "kontaktperson", "ring", "ringde", "ringer", "mejla", "mejlade", "heter", "hette", "kallad", "kallas",
        "handläggare", "handläggaren", "socialsekreterare", "socialsekreteraren", "kurator", "kuratorn", "klient",
        "klienten", "brukare", "brukaren", "intervjuperson", "informant", "respondent", "herr", "fru", "frun",
        "make", "maken", "mamma", "mamman", "pappa", "pappan", "dottern", "sonen", "flickan", "pojken",
        "kvinnan", "mannen", "dr", "with", "said", "says", "told", "asked", "met", "named", "called", "contact",
        "mr", "mrs", "ms", "miss", "client", "officer", "interviewee", "mother", "father", "daughter", "son",
        "husband", "wife", "partner",
    }
)  # fmt: skip
#: Two-word cues: "according to Ali".
NAME_CUE_PAIRS = frozenset({("according", "to")})
#: Verbs after which a capitalised given name is a person speaking or acting: "Erik sa", "Ali berättade".
SPEECH_VERBS = frozenset(
    {
        "sa", "sade", "säger", "berättade", "berättar", "menar", "menade", "tycker", "tyckte", "uppger", "uppgav",
        "skrev", "skriver", "ringde", "förklarade", "svarade", "frågade", "said", "says", "told", "explained",
        "wrote", "called", "answered", "asked",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PersonalData:
    """One piece of personal data found in a cell.

    Attributes
    ----------
    file, row, column : str, int, str
        Where: file relative to the study folder, spreadsheet row (header = 1), column.
    kind : str
        ``personnummer``, ``samordningsnummer``, ``personnummer-like number``,
        ``e-mail address``, ``phone number`` or ``personal name``.
    shown : str
        The hit, masked (``19800101-****``, ``a***@example.se``, ``Anna A***``).
    """

    file: str
    row: int | None
    column: str | None
    kind: str
    shown: str

    def render(self) -> str:
        """One line: ``interviews.csv, row 5, column source: a personal name (Anna A***).``"""
        location = self.file + (f", row {self.row}" if self.row is not None else "")
        location += f", column {self.column}" if self.column else ""
        return f"{location}: {with_article(self.kind)} ({self.shown})."


def with_article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (as the last digit of a personnummer does).

    Examples
    --------
    >>> luhn_valid("8112189876")
    True
    >>> luhn_valid("8112189875")
    False
    """
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _real_day(date: str) -> tuple[bool, bool]:
    """(date-shaped, samordningsnummer) for ``YYMMDD``."""
    month, day = int(date[2:4]), int(date[4:6])
    coordination = 61 <= day <= 91
    day = day - 60 if coordination else day
    return 1 <= month <= 12 and 1 <= day <= 31, coordination


def personnummer_hits(text: str) -> list[tuple[str, str]]:
    """Personal identity numbers in ``text`` as ``(kind, matched text)``.

    A date-shaped number is checked with python-stdnum (``stdnum.se.personnummer``:
    a real calendar date, the Luhn check digit); it is a personnummer, or a
    samordningsnummer when its day is raised by 60 (the date is checked
    after taking the 60 off, the Luhn digit on the number as written). One
    written with the usual separator (``-`` or ``+``) that fails the check is
    still reported, as a personnummer-like number: it is most likely a
    mistyped one.
    """
    hits = []
    for match in PERSONNUMMER.finditer(text):
        century, date, separator = match.group("century"), match.group("date"), match.group("sep")
        if century is not None and century not in ("18", "19", "20"):
            continue
        shaped, coordination = _real_day(date)
        if not shaped:
            continue
        tail = ("+" if separator == "+" else "-") + match.group("serial") + match.group("check")
        day = date[:4] + f"{int(date[4:]) - 60:02d}" if coordination else date
        try:
            stdnum_personnummer.get_birth_date((century or "") + day + tail)  # a real date (century from '+')
            valid = luhn.is_valid(date + match.group("serial") + match.group("check"))
        except ValidationError:
            valid = False
        if valid:
            hits.append(("samordningsnummer" if coordination else "personnummer", match.group()))
        elif separator in ("-", "+"):
            hits.append(("personnummer-like number", match.group()))
    return hits


#: The marks of the shipped name lists: also an ordinary word, or a word only when written in lower case.
NAME_MARKS = {"word": 2, "lower": 1}


def _read_names(filename: str) -> dict[str, int]:
    """A shipped name list as ``casefolded name -> 0`` (only a name), ``1`` (a word in lower case) or ``2`` (a word)."""
    index = {}
    for line in (paths.PACKAGE_DIR / "data" / filename).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, mark = line.partition("\t")
            key = name.strip().casefold()
            index[key] = max(index.get(key, 0), NAME_MARKS.get(mark.strip(), 0))
    return index


@lru_cache(maxsize=1)
def given_names() -> dict[str, int]:
    """Given names carried in Sweden (``evalkit/data/given_names.txt``), with their marks (:data:`NAME_MARKS`)."""
    return _read_names("given_names.txt")


@lru_cache(maxsize=1)
def surnames() -> dict[str, int]:
    """Surnames carried in Sweden (``evalkit/data/surnames.txt``), with their marks (:data:`NAME_MARKS`)."""
    return _read_names("surnames.txt")


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The shipped given names as written (``Anna``, ``Mohammed``, ``Zeynep``, …)."""
    text = (paths.PACKAGE_DIR / "data" / "given_names.txt").read_text(encoding="utf-8")
    return frozenset(
        line.partition("\t")[0].strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


class _Word:
    """A word of the text: its letters, where it stands, its casefolded key and its shape (computed once)."""

    __slots__ = ("text", "start", "end", "key", "_shape")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end, self.key, self._shape = text, start, end, text.casefold(), None

    @property
    def shape(self) -> str:
        """``title`` (Anna, Anna-Karin), ``upper`` (ANNA), ``lower`` (anna) or ``mixed``."""
        if self._shape is None:
            parts = re.split(r"['’-]", self.text)
            if self.text.islower():
                self._shape = "lower"
            elif self.text.isupper() and len(self.text) > 1:
                self._shape = "upper"
            elif all(part[:1].isupper() and (part[1:].islower() or not part[1:]) for part in parts if part):
                self._shape = "title"
            else:
                self._shape = "mixed"
        return self._shape


def _lookup(index: dict[str, int], word: _Word) -> bool | None:
    """``None`` when ``word`` is not in the list, else whether, written as it is, it may be an ordinary word.

    Capitalised, only a ``word`` mark counts; in lower or upper case a ``lower`` mark too. A
    hyphenated word not listed as a whole is a name when each part is one (``Anna-Fatima``).
    """
    found = index.get(word.key)
    if found is None and "-" in word.key:
        parts = [index.get(part) for part in word.key.split("-")]
        found = None if None in parts else min(parts)
    if found is None:
        return None
    return found >= (2 if word.shape == "title" else 1)


def name_hits(text: str, names: frozenset[str] | None = None) -> list[str]:
    """Personal names in ``text``, each as ``"Given Surname"`` (or the one name found).

    ``G`` is a given name of :func:`given_names`, ``S`` a surname of
    :func:`surnames`; a name that is also an ordinary word (``Per``, ``Hans``,
    ``Björn``, ``Can``) counts as one only next to another name or in a
    name-like context. A hit is:

    * ``G S`` or ``G G`` in one case (``Anna Andersson``, ``anna andersson``,
      ``ANNA ANDERSSON``; not both ordinary words when not capitalised), or a
      capitalised ``G`` that is not a word followed by any capitalised word;
    * ``S, G`` (``Andersson, Anna``) and a capitalised ``S G`` (``Nguyen Anh``);
    * ``G`` or ``S`` after a cue (:data:`NAME_CUES`: ``med``, ``enligt``,
      ``sa``, ``with``, ``according to``, …) or a capitalised ``G`` before a
      verb of speech (``Erik sa``, ``Ali berättade``);
    * a capitalised ``G`` that is not a word inside a sentence
      (``… och Karin gick …``), unless it is a month or a title word
      (:data:`NOT_NAMES_ALONE`); at the start of a sentence or after a comma
      a name alone is not reported (``Maria`` in a heading).

    Parameters
    ----------
    names : frozenset of str, optional
        Given names to use instead of the shipped list (then only those in
        :data:`NOT_NAMES_ALONE` count as words).

    Examples
    --------
    >>> name_hits("Intervju med Anna Andersson, samordnare.")
    ['Anna Andersson']
    >>> name_hits("Samordnaren och Maria gick igenom rutinen.")
    ['Maria']
    >>> name_hits("enligt anna andersson och Andersson, Erik")
    ['anna andersson', 'Erik Andersson']
    >>> name_hits("Per år ökade antalet; kap. 2, Rätt person på rätt plats")
    []
    """
    given = given_names() if names is None else {n.casefold(): 2 if n in NOT_NAMES_ALONE else 0 for n in names}
    family = surnames()
    words = [_Word(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
    if not any(w.key in given or w.key in family or "-" in w.key for w in words):
        return []  # no word of the text is a name: nothing to look at (most cells)
    hits, used = [], set()
    for index, word in enumerate(words):
        if index in used:
            continue
        following = words[index + 1] if index + 1 < len(words) else None
        gap = text[word.end : following.start] if following is not None else None
        g, s = _lookup(given, word), _lookup(family, word)
        if following is not None and gap.strip(" \t") == "" and gap:
            pair = _pair(word, following, g, s, given, family)
            if pair:
                hits.append(pair)
                used.add(index + 1)
                continue
        if following is not None and s is not None and re.fullmatch(r"\s*,\s*", gap or ""):
            g_next = _lookup(given, following)
            same = word.shape == following.shape and word.shape in ("title", "upper", "lower")
            if g_next is not None and same and not (s and g_next):
                hits.append(f"{following.text} {word.text}")
                used.add(index + 1)
                continue
        if g is None and (s is None or word.shape != "title"):
            continue
        if _cued(text, words, index) and (
            (g is not None and (word.shape == "title" or not g)) or (s is not None and not s and word.shape == "title")
        ):
            hits.append(word.text)
        elif g is not None and following is not None and following.key in SPEECH_VERBS and gap.strip() == "":
            if word.shape == "title" or (word.shape == "lower" and not g):
                hits.append(word.text)
        elif (
            g is False
            and word.shape == "title"
            and word.text not in NOT_NAMES_ALONE
            and not SENTENCE_START.search(text[: word.start])
        ):
            hits.append(word.text)  # capitalised inside a sentence, and no ordinary word: a name
    return hits


def _pair(word: _Word, following: _Word, g, s, given: dict, family: dict) -> str | None:
    """``"Given Surname"`` when two adjacent words are a person's names (see :func:`name_hits`)."""
    shape = word.shape
    if shape not in ("title", "upper", "lower") or following.shape != shape:
        return None
    s_next, g_next = _lookup(family, following), _lookup(given, following)
    if g is not None:
        second = s_next if s_next is not None else g_next
        if shape == "title" and (second is not None or not g):
            return f"{word.text} {following.text}"
        # in lower or upper case both must be names, and a first name that is also a word ("per", "med")
        # only before a surname that is no word and no given name ("per andersson", not "med anna")
        if second is not None and (not g or (s_next is False and g_next is None)):
            return f"{word.text} {following.text}"
    if s is not None and not s and g_next is not None and shape == "title":
        return f"{following.text} {word.text}"  # surname first: "Nguyen Anh", "Yilmaz Zeynep"
    return None


def _cued(text: str, words: list[_Word], index: int) -> bool:
    """Whether the word before ``words[index]`` (on the same line) is a name cue."""
    if index == 0:
        return False
    before = words[index - 1]
    if "\n" in text[before.end : words[index].start] or text[before.end : words[index].start].strip(" :") != "":
        return False
    if before.key in NAME_CUES:
        return True
    return index >= 2 and (words[index - 2].key, before.key) in NAME_CUE_PAIRS


def obfuscated_email_hits(text: str) -> list[str]:
    """E-mail addresses with the ``@`` written out: ``anna.andersson at kommun.se``, ``anna [at] kommun (dot) se``.

    A bracketed ``(at)``, ``[at]``, ``{at}``, ``<at>`` or ``snabel-a`` always
    counts. A bare `` at `` counts when the part before it looks like an
    address (a dot, underscore, plus, hyphen or digit in it, or a name), so
    "available at kommun.se" does not.
    """
    hits = []
    for match in OBFUSCATED_EMAIL.finditer(text):
        local, at = match.group("local"), match.group("at").strip().lower()
        if at == "at":
            looks_like_address = re.search(r"[._+\-\d]", local) or local.casefold() in given_names()
            if not looks_like_address or match.group("domain").lower().startswith("www"):
                continue
        hits.append(match.group())
    return hits


def mask(kind: str, text: str) -> str:
    """Show a hit without revealing it: keep its shape, hide the identifying part."""
    if kind == "e-mail address":
        if "@" in text:
            local, _, domain = text.partition("@")
            return f"{local[:1]}***@{domain}"
        match = OBFUSCATED_EMAIL.search(text)
        return f"{text[:1]}***{match.group('at')}{match.group('domain')}" if match else f"{text[:1]}***"
    if kind == "personal name":
        first, _, rest = text.partition(" ")
        return f"{first} {rest[:1]}***" if rest else f"{first[:1]}***"
    digits = [char for char in text]
    shown = len(digits) - 4 if kind != "phone number" else min(4, len(digits))
    return "".join(char if i < shown or not char.isdigit() else "*" for i, char in enumerate(digits))


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """Every piece of personal data in ``text`` as ``(kind, masked text)``, in order of kind."""
    if not text:
        return []
    found = [(kind, mask(kind, hit)) for kind, hit in personnummer_hits(text)]
    numbers = {hit for _, hit in personnummer_hits(text)}
    found += [("e-mail address", mask("e-mail address", m.group())) for m in EMAIL.finditer(text)]
    found += [("e-mail address", mask("e-mail address", hit)) for hit in obfuscated_email_hits(text)]
    found += [
        ("phone number", mask("phone number", m.group()))
        for m in PHONE.finditer(text)
        if not any(m.group() in number or number in m.group() for number in numbers) and _phone_digits_ok(m.group())
    ]
    found += [("personal name", mask("personal name", hit)) for hit in name_hits(text)]
    return found


def _phone_digits_ok(text: str) -> bool:
    """A Swedish number has 7 to 9 digits after the trunk 0 (or the country code)."""
    digits = re.sub(r"\D", "", text)
    national = digits[2:] if digits.startswith("46") else digits[4:] if digits.startswith("0046") else digits[1:]
    return 7 <= len(national) <= 9


def free_text_columns(resource: dict) -> list[str]:
    """The columns of a Table Schema resource that hold free text (string, no code list, no id pattern)."""
    columns = []
    for spec in resource["schema"]["fields"]:
        constraints = spec.get("constraints", {})
        if spec.get("type", "string") != "string" or "enum" in constraints or "pattern" in constraints:
            continue
        if spec["name"] in STRUCTURED_COLUMNS or (resource["name"], spec["name"]) in NOT_SCANNED:
            continue
        columns.append(spec["name"])
    return columns


def scan_rows(
    file: str, columns: Sequence[str], rows: Iterable[Sequence[str]], scanned: Iterable[str], first_row: int = 2
) -> list[PersonalData]:
    """Scan the ``scanned`` columns of a table's rows (spreadsheet row ``first_row`` first)."""
    positions = [(position, name) for position, name in enumerate(columns) if name in set(scanned)]
    found = []
    for number, row in enumerate(rows, start=first_row):
        for position, name in positions:
            cell = row[position] if position < len(row) else ""
            for kind, shown in find_personal_data(cell):
                found.append(PersonalData(file, number, name, kind, shown))
    return found


def scan_descriptor(descriptor: dict, file: str = "datapackage.json") -> list[PersonalData]:
    """Scan the descriptor's title and description (they are printed on every report page)."""
    found = []
    for key in ("title", "description"):
        value = descriptor.get(key)
        if isinstance(value, str):
            found += [PersonalData(file, None, key, kind, shown) for kind, shown in find_personal_data(value)]
    return found


# --------------------------------------------------------------------------- small cells

#: Why a value is suppressed (:attr:`Suppressed.reason`).
SMALL_COUNT, FEW_CASES, IDENTIFYING = "small_count", "few_cases", "identifying"
#: How a suppressed value reads, per reason and language (``{n}`` is the threshold).
SUPPRESSED_TEXT = {
    SMALL_COUNT: {"sv": "färre än {n}", "en": "fewer than {n}"},
    FEW_CASES: {"sv": "ej redovisat (få fall)", "en": "not shown (few cases)"},
    IDENTIFYING: {"sv": "ej redovisad (skulle peka ut kommunen)", "en": "not shown (would identify the municipality)"},
}
#: Kept for callers of the earlier string API: how a statistic of a protected series reads.
NOT_SHOWN = {language: text for language, text in SUPPRESSED_TEXT[FEW_CASES].items()}
WITHHELD = {language: text for language, text in SUPPRESSED_TEXT[IDENTIFYING].items()}
#: Columns of a case-statistics table that never carry a count or anything computed from one:
#: they stay visible in a protected series (every other column of its rows is suppressed).
STRUCTURAL_COLUMNS = frozenset(
    {
        "municipality_id", "measure", "year", "start_year", "start_date", "period", "basis", "source",
        "assumption", "reconstructed_fields", "allocation", "note", "term", "exploratory", "start_year_excluded",
        "first_pre_year", "last_pre_year", "df",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Suppressed:
    """A value no output may show, kept in the table in the value's place.

    The analyses put it where a small case count, a statistic computed from
    one, or an identifying attribute would stand, so every consumer of their
    tables (chapters, CSV files, figures, a public report) inherits the
    protection. Presenters write :meth:`text` ("färre än 3" / "fewer than
    3"); a CSV file gets ``str()`` ("< 3", language-neutral).

    Attributes
    ----------
    reason : str
        :data:`SMALL_COUNT`, :data:`FEW_CASES` or :data:`IDENTIFYING`.
    threshold : int
        The small-cell threshold in force.
    """

    reason: str
    threshold: int = SMALL_CELL_THRESHOLD

    def text(self, language: str = "en") -> str:
        """How a reader sees it: ``"färre än 3"``, ``"ej redovisat (få fall)"``, …"""
        return SUPPRESSED_TEXT[self.reason][language].format(n=self.threshold)

    def __str__(self) -> str:
        return below(self.threshold) if self.reason == SMALL_COUNT else self.text("en")


def is_suppressed(value) -> bool:
    """Whether a cell holds a :class:`Suppressed` marker."""
    return isinstance(value, Suppressed)


def small_cell_threshold(study) -> int:
    """The study's small-cell threshold: ``"evalkit:small_cell_threshold"`` in its descriptor, default 3."""
    value = (getattr(study, "descriptor", None) or {}).get(THRESHOLD_KEY, SMALL_CELL_THRESHOLD)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else SMALL_CELL_THRESHOLD


def small_municipalities(study) -> set[str]:
    """Municipalities that are small or of unknown size (every size band but medium and large)."""
    table = study.tables["municipalities"]
    return {
        str(m)
        for m, band in zip(table["municipality_id"], table["size_band"])
        if pd.isna(band) or str(band) not in NOT_SMALL
    }


def below(threshold: int) -> str:
    """How a protected count is written in a CSV file: ``"< 3"``."""
    return f"< {threshold}"


def protected_cells(study, threshold: int | None = None) -> set[tuple[str, str, int]]:
    """``(municipality, measure, year)`` of every case count that must not be shown."""
    threshold = small_cell_threshold(study) if threshold is None else threshold
    stats = study.tables["case_statistics"]
    small = small_municipalities(study)
    return {
        (str(m), str(measure), int(year))
        for m, measure, year, value in zip(stats["municipality_id"], stats["measure"], stats["year"], stats["value"])
        if str(m) in small and not pd.isna(value) and value < threshold
    }


def suppress_small_cells(frame: pd.DataFrame, study, threshold: int | None = None) -> pd.DataFrame:
    """The one small-cell rule for every table of case statistics.

    * A table of yearly counts (columns ``municipality_id``, ``measure``,
      ``year``, ``value``) gets ``Suppressed("small_count")`` for each
      protected count (:func:`protected_cells`); the other years stay.
    * A table with rows per ``municipality_id`` and ``measure`` (summaries,
      trends, model terms) gets ``Suppressed("few_cases")`` in every column
      of a protected series' rows except the :data:`STRUCTURAL_COLUMNS` and
      the ``n_*`` counts of years: means, changes, start-year values, slopes,
      verdicts and model estimates alike. A column added later is therefore
      suppressed unless it is declared structural.

    Other tables, and tables of a study without protected counts, are
    returned unchanged (the same object). Applying the rule twice changes nothing.
    """
    threshold = small_cell_threshold(study) if threshold is None else threshold
    index_name = frame.index.name
    flat = frame.reset_index() if index_name is not None else frame
    if "municipality_id" not in flat.columns or "measure" not in flat.columns:
        return frame
    cells = protected_cells(study, threshold)
    if not cells:
        return frame
    out = _suppress_rows(flat, cells, threshold)
    if out is flat:
        return frame
    return out.set_index(index_name) if index_name is not None else out


def _suppress_rows(flat: pd.DataFrame, cells: set, threshold: int) -> pd.DataFrame:
    keys = [(str(m), str(measure)) for m, measure in zip(flat["municipality_id"], flat["measure"])]
    if "year" in flat.columns and "value" in flat.columns:
        hit = [not pd.isna(year) and (m, measure, int(year)) in cells for (m, measure), year in zip(keys, flat["year"])]
        if not any(hit):
            return flat
        out = flat.copy()
        out["value"] = out["value"].astype(object)
        out.loc[hit, "value"] = Suppressed(SMALL_COUNT, threshold)
        return out
    series = {(m, measure) for m, measure, _ in cells}
    affected = pd.Series([key in series for key in keys], index=flat.index)
    if not affected.any():
        return flat
    out = flat.copy()
    marker = Suppressed(FEW_CASES, threshold)
    for column in out.columns:
        if column in STRUCTURAL_COLUMNS or str(column).startswith("n_"):
            continue
        out[column] = out[column].astype(object).where(~affected, marker)
    return out


def protect_series(series: pd.DataFrame, study, threshold: int | None = None) -> pd.DataFrame:
    """A case series (``municipality_id, measure, year, value``) ready to draw: protected counts removed.

    The rule is :func:`suppress_small_cells`; for a figure the returned copy
    has ``value`` missing (Float64) where a count is suppressed and a boolean
    column ``protected`` marking those rows, so the point is left out and its
    year is marked instead.
    """
    out = suppress_small_cells(series, study, threshold).copy()
    flags = [is_suppressed(value) for value in out["value"]]
    out["protected"] = flags
    out["value"] = pd.array([pd.NA if flag else value for flag, value in zip(flags, out["value"])], dtype="Float64")
    return out


def protect_findings(findings: pd.DataFrame, study, threshold: int | None = None) -> pd.DataFrame:
    """Findings with every protected case count withheld (numerator removed, statement rewritten).

    Case findings have ids ``cases.<municipality>.<measure>.<year>``; their
    statements end "... was <number> in <year>." and are rewritten to "... was
    fewer than 3 in <year>." (Swedish: "... var färre än 3 år <year>.").
    """
    if findings.empty or not findings["finding_id"].astype(str).str.startswith("cases.").any():
        return findings  # no case count to protect: the case statistics are not read (a chapter's inputs)
    threshold = small_cell_threshold(study) if threshold is None else threshold
    cells = protected_cells(study, threshold)
    if not cells:
        return findings
    marker = Suppressed(SMALL_COUNT, threshold)
    out = findings.copy()
    out["numerator"] = out["numerator"].astype(object)
    for index, finding_id in out["finding_id"].items():
        if protected_finding(finding_id, cells) is None:
            continue
        out.at[index, "numerator"] = None
        out.at[index, "statement_en"] = re.sub(
            r" was .+? in (\d{4})\.$", rf" was {marker.text('en')} in \1.", str(out.at[index, "statement_en"])
        )
        out.at[index, "statement_sv"] = re.sub(
            r" var .+? år (\d{4})\.$", rf" var {marker.text('sv')} år \1.", str(out.at[index, "statement_sv"])
        )
    return out


def protected_finding(finding_id, cells: set) -> tuple[str, str, int] | None:
    """The protected cell a finding id ``cases.<m>.<measure>.<year>`` counts, or None."""
    parts = str(finding_id).split(".")
    if len(parts) != 4 or parts[0] != "cases" or not parts[3].isdigit():
        return None
    cell = (parts[1], parts[2], int(parts[3]))
    return cell if cell in cells else None


def protect_table(
    frame: pd.DataFrame, study, language: str = "en", reveal_names: bool = False, threshold: int | None = None
) -> pd.DataFrame:
    """A table safe to print: no small case counts, no municipality singled out by a public attribute.

    * Case counts and everything computed from them: :func:`suppress_small_cells`.
    * Unless names are revealed, a public attribute (:data:`PUBLIC_ATTRIBUTES`)
      whose value is shared by fewer than :data:`MIN_GROUP` municipalities of
      the study is replaced by ``Suppressed("identifying")``.

    Suppressed values are :class:`Suppressed` markers (``language`` is kept for
    callers of the earlier API; the presenters choose the words). Other tables
    are returned unchanged (the same object).
    """
    out = suppress_small_cells(frame, study, threshold)
    if reveal_names:
        return out
    threshold = small_cell_threshold(study) if threshold is None else threshold
    index_name = out.index.name
    flat = out.reset_index() if index_name is not None else out
    withheld = _withhold_rare_attributes(flat, study, threshold)
    if withheld is flat:
        return out
    return withheld.set_index(index_name) if index_name is not None else withheld


def _withhold_rare_attributes(flat: pd.DataFrame, study, threshold: int) -> pd.DataFrame:
    """Withhold public-attribute values that fewer than MIN_GROUP municipalities of the study share."""
    if "municipality_id" not in flat.columns:
        return flat
    out = flat
    municipalities = study.tables["municipalities"]
    for column in PUBLIC_ATTRIBUTES:
        if column not in flat.columns or column not in municipalities.columns:
            continue
        counts = municipalities[column].astype(object).value_counts(dropna=True)
        rare = {value for value, count in counts.items() if count < MIN_GROUP}
        if not rare:
            continue
        out = out.copy() if out is flat else out
        marker = Suppressed(IDENTIFYING, threshold)
        out[column] = [marker if value in rare else value for value in out[column].astype(object)]
    return out
