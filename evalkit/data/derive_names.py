"""Derive ``given_names.txt`` and ``surnames.txt`` (the name scan's lists) from the names-dataset package.

Not imported by evalkit; kept so the shipped lists can be re-made and checked. evalkit never
downloads anything at run time::

    pip download --no-deps names-dataset==3.3.1 && unzip -o names_dataset-3.3.1-*.whl 'names_dataset/v3/*'
    apt-get install wswedish wbritish        # word lists, only to mark names that are also words
    python evalkit/data/derive_names.py names_dataset/v3 evalkit/data

**Source.** names-dataset 3.3.1 by Philippe Remy (Apache License 2.0; copy in
``LICENSE-names-dataset.txt``) holds, for about 730 000 first names and 980 000 last names, their
popularity rank in each of the (at most ten) countries where each name is most frequent. Its
author built it from the leaked Facebook records of 533 million users (2021); only these
aggregate ranks are in the package, and only names (no person's record) are kept here.

**Selection.** A name is kept when it ranks within the limit of :data:`COUNTRIES` in at least one
of the countries listed there: Sweden (deepest), the Nordic neighbours, the countries many people
in Sweden were born in or have parents from (SCB's lists of countries of birth: Finland, Iraq,
Syria, Iran, Poland, the former Yugoslavia, Somalia, Turkey, Afghanistan, Eritrea, Chile, …) and
the large Western lists, which carry the names now given to children in Sweden (Noah, Liam,
Olivia) and many names of families from countries the dataset lacks. Where the dataset has no
list for a country, the nearest it has stands in: Djibouti for Somali names, Ethiopia for
Eritrean, Albania for Kosovo, Serbia/Croatia/Slovenia for Bosnia and North Macedonia; Vietnam,
Thailand and Somalia themselves are missing (Vietnamese surnames come in through the US and
French lists). Kept are names written in Latin letters (with diacritics), 2 to 20 letters, one
word or two joined by a hyphen, capitalised like a name.

**Names that are also words.** A name whose lower-case form is an ordinary Swedish word
(``per``, ``hans``, ``björn``, ``bo``), an English word the English list does not also know as a
name (``can``, ``my``; but not ``maria`` or ``robin``), a month or weekday, or that has only two
letters, is marked ``word`` in the second column; one that is an English word only in lower case
(``maria``, ``mark``, ``case``) is marked ``lower``. A few entries that are no one's name
(:data:`NOT_NAMES`: ``Sweden``, ``Git``, and languages and nationalities such as ``English``)
are left out. The scan reports such a name only
next to another name or in a name-like context (see :mod:`evalkit.privacy`). The words come from
the system word lists (``/usr/share/dict/swedish`` of Debian's wswedish, GPL-2+, in ISO 8859-1;
``/usr/share/dict/british-english`` of wbritish, SCOWL); only the mark is derived from them.
"""

from __future__ import annotations

import gzip
import pickle
import re
import sys
from pathlib import Path

#: country (ISO 3166 alpha-2) -> (rank limit for given names, rank limit for surnames).
COUNTRIES = {
    "SE": (3000, 5000),
    # Nordic neighbours
    "FI": (1500, 1500), "NO": (1500, 1000), "DK": (1500, 1000),
    # countries of birth of many people in Sweden (and the nearest lists the dataset has)
    "IQ": (1500, 1000), "SY": (1500, 1000), "IR": (1500, 1000), "AF": (1500, 1000), "TR": (1500, 1000),
    "PL": (1500, 1000), "RS": (1500, 1000), "HR": (1500, 1000), "SI": (1000, 1000), "AL": (1000, 1000),
    "LB": (1000, 500), "PS": (1000, 500), "SD": (1000, 500), "ET": (1500, 1000), "DJ": (1500, 1000),
    "CL": (1000, 1000), "RU": (1000, 500), "MA": (500, 300), "EG": (500, 300), "DE": (1000, 1000),
    # large Western lists: children's names of today and families from countries the dataset lacks
    "GB": (1500, 1000), "US": (2000, 2000), "FR": (500, 500), "NL": (500, 300), "ES": (500, 300),
}  # fmt: skip
#: A name as kept: capitalised Latin letters (diacritics allowed), optionally two parts joined by a hyphen.
NAME = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ž][a-zß-öø-ÿĀ-ž']{1,19}(?:-[A-ZÀ-ÖØ-ÞĀ-ž][a-zß-öø-ÿĀ-ž']{1,19})?$")
#: Months and weekdays (capitalised in English, so no word list has them in lower case).
CALENDAR = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "januari", "februari", "mars", "maj", "juni", "juli", "augusti", "oktober", "måndag", "tisdag",
    "onsdag", "torsdag", "fredag", "lördag", "söndag",
}  # fmt: skip
WORD_LISTS = ("/usr/share/dict/swedish", "/usr/share/dict/british-english")
#: Entries of the dataset's name lists that are no one's name in Swedish or English text (countries,
#: software, placeholders).
NOT_NAMES = {"Sweden", "Sverige", "Git", "Null", "Unknown", "Facebook", "Kommun", "Region"}
#: Languages and nationalities, capitalised in English prose ("An English word"); rare as surnames.
NOT_NAMES |= {
    "English", "French", "German", "Swedish", "Danish", "Dutch", "Irish", "Scottish", "Welsh", "British",
    "American", "Finnish", "Norwegian", "Polish", "Turkish", "Arabic", "Persian", "Kurdish", "Somali",
    "Spanish", "Italian", "Greek", "Russian", "European", "African", "Asian",
}  # fmt: skip
HEADER = """\
# {what}, one per line: the name, then "word" when it is also an ordinary Swedish or English word,
# or "lower" when it is an English word in lower case only ("maria", "case"). evalkit.privacy
# reports such a name only next to another name or in a name-like context ("lower": when not capitalised).
# Derived with evalkit/data/derive_names.py from names-dataset 3.3.1 (Philippe Remy, Apache License
# 2.0, copy in LICENSE-names-dataset.txt): the names ranked within a limit in Sweden, its Nordic
# neighbours, the countries many people in Sweden come from, and large Western lists (see the script).
# {count} names.
"""


def ranked_names(table: dict, limits: dict[str, int]) -> set[str]:
    """Names ranked within ``limits[country]`` in at least one of the countries."""
    kept = set()
    for name, info in table.items():
        ranks = info.get("rank") or {}
        ranked = any(ranks.get(country, limit + 1) <= limit for country, limit in limits.items())
        if ranked and NAME.match(name) and name not in NOT_NAMES:
            kept.add(name)
    return kept


def ordinary_words(swedish: str = WORD_LISTS[0], english: str = WORD_LISTS[1]) -> tuple[set[str], set[str]]:
    """``(words, lower_case_words)``.

    ``words``: lower-case entries of the Swedish list, lower-case entries of the English list that it
    does not also have capitalised as a name, months and weekdays. ``lower_case_words``: the English
    lower-case entries the English list also has as a name (``maria``, ``mark``, ``case``, ``key``).
    """
    words = set(CALENDAR)
    words |= {line.strip() for line in Path(swedish).read_text(encoding="latin-1").splitlines() if line.islower()}
    english_lines = {line.strip() for line in Path(english).read_text(encoding="utf-8").splitlines()}
    english_words = {w for w in english_lines if w.islower() and "'" not in w}
    also_names = {w for w in english_words if w.capitalize() in english_lines}
    return words | (english_words - also_names), also_names - words


def lines(names: set[str], words: set[str], lower_case_words: set[str]) -> list[str]:
    def mark(name: str) -> str:
        if name.lower() in words or len(name) <= 2:
            return "\tword"
        return "\tlower" if name.lower() in lower_case_words else ""

    return [name + mark(name) for name in sorted(names, key=lambda n: (n.casefold(), n))]


def main(source: Path, target: Path) -> None:
    words, lower_case_words = ordinary_words()
    for kind, column, filename, what in (
        ("first", 0, "given_names.txt", "Given names carried in Sweden"),
        ("last", 1, "surnames.txt", "Surnames carried in Sweden"),
    ):
        with gzip.open(source / f"{kind}_names.pkl.gz", "rb") as handle:
            table = pickle.load(handle)  # the package's own data file, as its library loads it
        names = ranked_names(table, {country: limits[column] for country, limits in COUNTRIES.items()})
        body = lines(names, words, lower_case_words)
        (target / filename).write_text(HEADER.format(what=what, count=len(body)) + "\n".join(body) + "\n", "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
