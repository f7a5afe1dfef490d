"""Derive ``swedish_first_names.txt`` from the name dictionary of the gender-guesser package.

Not imported by evalkit; kept so the shipped list can be re-made and checked::

    pip download --no-deps gender-guesser==0.4.0 && unzip -o gender_guesser-0.4.0-*.whl 'gender_guesser/data/*'
    python evalkit/data/derive_first_names.py gender_guesser/data/nam_dict.txt > evalkit/data/swedish_first_names.txt

``nam_dict.txt`` (Jörg Michael, 2007-2008, GNU Free Documentation License 1.2 or later) gives for
each first name a frequency class per country, from 1 (rare) to 13 (very common). The list keeps
every name whose class for Sweden is at least :data:`MIN_CLASS`, written once, sorted.
"""

from __future__ import annotations

import sys

MIN_CLASS = 3
HEADER = """\
# Common Swedish first names, one per line (used by evalkit.privacy to find personal names).
# Derived with evalkit/data/derive_first_names.py from nam_dict.txt of gender-guesser 0.4.0
# (the names whose frequency class for Sweden is {min_class} or more).
# Source: nam_dict.txt, copyright (c) 2007-2008 Jörg Michael. This list, like its source, is
# subject to the GNU Free Documentation License, Version 1.2 or any later version published by
# the Free Software Foundation; with no Invariant Sections, no Front-Cover Texts, and no
# Back-Cover Texts. A copy of the license is in GFDL-1.3.txt beside this file.
"""


def sweden_column(lines: list[str]) -> int:
    """The character position of the Sweden column (marked by '|' under the word 'Sweden')."""
    for number, line in enumerate(lines):
        if line.startswith("#") and line[1:].strip().startswith("Sweden"):
            return lines[number + 1].index("|")
    raise ValueError("no Sweden column in the dictionary header")


def swedish_names(lines: list[str], min_class: int = MIN_CLASS) -> list[str]:
    column = sweden_column(lines)
    names = set()
    for line in lines:
        if line.startswith("#") or len(line) <= column or (len(line) > 29 and line[29] == "+"):
            continue
        value = line[column].strip()
        name = line[3:29].strip()
        if value and int(value, 16) >= min_class and name.isalpha() and name[:1].isupper():
            names.add(name)
    return sorted(names)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        text = handle.read().split("\n")
    sys.stdout.write(HEADER.format(min_class=MIN_CLASS) + "\n".join(swedish_names(text)) + "\n")
