"""Write ``names.tsv``: names from Faker's person providers, held out from the name scan's lists and rules.

The name scan (:mod:`evalkit.privacy`) takes its lists from names-dataset; its recall is measured on
these names, which come from another source and were never used to choose a list or a rule. Not
imported by evalkit or the tests; re-make the file with::

    pip download --no-deps faker==40.63.0 && unzip -o faker-40.63.0-*.whl 'faker/*'
    PYTHONPATH=. python tests/data/held_out_names/derive.py > tests/data/held_out_names/names.tsv

Faker (MIT licence, copy in LICENSE-faker.txt) cites its sources per locale; for sv_SE: the 500
commonest surnames of the Swedish Tax Agency (2025) and the commonest first names of the Institute
for Language and Folklore, Isof (2023). The other locales are countries many people in Sweden come
from, or their neighbours; names written in other scripts than Latin are left out (the study text
is Swedish or English).
"""

from __future__ import annotations

import importlib
import re
import sys

LOCALES = ("sv_SE", "fi_FI", "no_NO", "da_DK", "pl_PL", "tr_TR", "hr_HR", "sl_SI", "es_CL", "vi_VN", "de_DE", "en_GB")
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’-]+$")
LIMIT = 500  # names per locale and kind (sv_SE: all)


def names(provider, attributes) -> list[str]:
    found = set()
    for attribute in attributes:
        value = provider.__dict__.get(attribute)
        if isinstance(value, (list, tuple, dict, set, frozenset)) or hasattr(value, "keys"):
            found |= {str(name) for name in value}
    return sorted(name for name in found if LATIN.match(name) and name != "Doe")


def main() -> None:
    sys.stdout.write("locale\tkind\tname\n")
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for kind, attributes in (
            ("given", ("first_names", "first_names_male", "first_names_female")),
            ("surname", ("last_names", "last_names_male", "last_names_female")),
        ):
            chosen = names(provider, attributes)
            chosen = chosen if locale == "sv_SE" else chosen[:: max(1, len(chosen) // LIMIT)][:LIMIT]
            sys.stdout.writelines(f"{locale}\t{kind}\t{name}\n" for name in chosen)


if __name__ == "__main__":
    main()
