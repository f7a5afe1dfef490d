"""Number words and count phrases in Swedish and English.

Generated statements in the findings table read like ordinary prose:
numbers from zero to twenty are written as words, larger numbers as digits,
and Swedish number words agree with the grammatical gender of the noun they
count (*en kommun*, *ett ärende*).

Examples
--------
>>> count_phrase(7, "municipalities", "sv", denominator=8, population_label="kommuner med samordnare")
'sju av åtta kommuner med samordnare'
>>> count_phrase(7, "municipalities", "en", denominator=8,
...              population_label="municipalities with a coordinator")
'seven of eight municipalities with a coordinator'
>>> count_phrase(1, "cases", "sv", denominator=3)
'ett av tre ärenden'
>>> count_phrase(6, "coordinators", "en")
'six coordinators'
"""

from __future__ import annotations

import math
import re

LANGUAGES = ("sv", "en")

_SV_WORDS = (
    "noll",
    "en",
    "två",
    "tre",
    "fyra",
    "fem",
    "sex",
    "sju",
    "åtta",
    "nio",
    "tio",
    "elva",
    "tolv",
    "tretton",
    "fjorton",
    "femton",
    "sexton",
    "sjutton",
    "arton",
    "nitton",
    "tjugo",
)
_EN_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)

#: Nouns for each unit of count: (singular, plural, neuter) per language.
#: ``neuter`` marks Swedish ett-words (only relevant for Swedish).
UNIT_NOUNS = {
    "municipalities": {"sv": ("kommun", "kommuner", False), "en": ("municipality", "municipalities", False)},
    "coordinators": {"sv": ("samordnare", "samordnare", False), "en": ("coordinator", "coordinators", False)},
    "interviews": {"sv": ("intervju", "intervjuer", False), "en": ("interview", "interviews", False)},
    "cases": {"sv": ("ärende", "ärenden", True), "en": ("case", "cases", False)},
    "documents": {"sv": ("dokument", "dokument", True), "en": ("document", "documents", False)},
}


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")


def _as_int(n) -> int | None:
    """Return ``n`` as int when it is a whole number, else None."""
    try:
        value = float(n)
    except (TypeError, ValueError):
        return None
    if math.isnan(value) or value != int(value):
        return None
    return int(value)


def number_word(n, language: str = "sv", neuter: bool = False) -> str:
    """Write a number as a word (0-20) or as digits (above twenty).

    Parameters
    ----------
    n : int or float
        The number. Non-integers and numbers above twenty are written with
        digits (Swedish decimal comma for ``sv``).
    language : {"sv", "en"}
        Output language.
    neuter : bool
        Swedish only: use *ett* instead of *en* for one (ett-words such as
        *ärende*).

    Returns
    -------
    str
    """
    _check_language(language)
    whole = _as_int(n)
    if whole is None:
        text = f"{float(n):g}"
        return text.replace(".", ",") if language == "sv" else text
    if 0 <= whole <= 20:
        if language == "sv":
            return "ett" if (whole == 1 and neuter) else _SV_WORDS[whole]
        return _EN_WORDS[whole]
    return str(whole)


def unit_noun(unit: str, n, language: str = "sv") -> str:
    """Return the noun for ``unit`` in singular (n == 1) or plural form."""
    _check_language(language)
    singular, plural, _ = UNIT_NOUNS[unit][language]
    return singular if _as_int(n) == 1 else plural


def is_neuter(unit: str) -> bool:
    """Whether the Swedish noun of ``unit`` is an ett-word."""
    return UNIT_NOUNS[unit]["sv"][2]


def count_phrase(
    numerator,
    unit: str,
    language: str = "sv",
    denominator=None,
    population_label: str | None = None,
) -> str:
    """Phrase a count: ``'sju av åtta kommuner med samordnare'`` or ``'sex samordnare'``.

    Parameters
    ----------
    numerator : int
        The count.
    unit : str
        One of ``UNIT_NOUNS`` (municipalities, coordinators, interviews, cases, documents).
    language : {"sv", "en"}
        Output language.
    denominator : int, optional
        With a denominator the phrase is *k av n ...* / *k of n ...*; without it
        a plain count (*sex samordnare*, *one coordinator*).
    population_label : str, optional
        Plural noun phrase naming the denominator population (e.g. the
        codebook's ``population`` vocabulary label ``'kommuner med
        samordnare'``). Defaults to the plural noun of ``unit``.

    Returns
    -------
    str
        Lower-case phrase; use :func:`capitalise` at the start of a sentence.
    """
    _check_language(language)
    neuter = language == "sv" and is_neuter(unit)
    has_denominator = denominator is not None and not _is_missing(denominator)
    if not has_denominator:
        n = _as_int(numerator)
        if n == 0:
            plural = unit_noun(unit, 2, language)
            return f"inga {plural}" if language == "sv" else f"no {plural}"
        return f"{number_word(numerator, language, neuter)} {unit_noun(unit, numerator, language)}"
    noun = decapitalise(population_label) if population_label else unit_noun(unit, 2, language)
    d_word = number_word(denominator, language, neuter)
    if _as_int(numerator) == 0:
        if language == "sv":
            return f"{'inget' if neuter else 'ingen'} av {d_word} {noun}"
        return f"none of the {d_word} {noun}"
    if _as_int(numerator) == _as_int(denominator) and (_as_int(denominator) or 0) >= 2:
        if language == "en":
            return f"both {noun}" if _as_int(denominator) == 2 else f"all {d_word} {noun}"
        if _as_int(denominator) >= 3:
            return f"alla {d_word} {noun}"
    k_word = number_word(numerator, language, neuter)
    joiner = "av" if language == "sv" else "of"
    return f"{k_word} {joiner} {d_word} {noun}"


def _is_missing(value) -> bool:
    try:
        return bool(value is None or (value != value))  # NaN / NA
    except TypeError:  # pd.NA comparisons raise in bool()
        return True


def capitalise(text: str) -> str:
    """Upper-case the first letter of ``text`` (leaves the rest untouched)."""
    if not text:
        return text
    return text[0].upper() + text[1:]


def decapitalise(text: str) -> str:
    """Lower-case the first letter unless the first word looks like an acronym (``'IFO'``)."""
    if not text:
        return text
    if len(text) > 1 and text[0].isupper() and text[1].isupper():
        return text
    return text[0].lower() + text[1:]


def fill_template(template: str, count: str) -> str:
    """Fill a codebook statement template's ``{count}`` and tidy the sentence.

    The result starts with a capital letter and ends with a full stop.
    """
    text = template.replace("{count}", count).strip()
    text = re.sub(r"\s+", " ", text)
    text = capitalise(text)
    if text and text[-1] not in ".!?":
        text += "."
    return text


_EN_IRREGULAR = {"have": "has", "are": "is", "were": "was", "do": "does", "go": "goes"}
_EN_SKIP = {
    "also",
    "all",
    "both",
    "each",
    "now",
    "already",
    "still",
    "never",
    "only",
    "often",
    "always",
    "usually",
    "jointly",
    "personally",
    "actively",
    "regularly",
    "not",
}
_EN_STOP = {
    "in",
    "of",
    "with",
    "without",
    "at",
    "on",
    "for",
    "by",
    "to",
    "the",
    "a",
    "an",
    "drew",
    "made",
    "took",
    "began",
    "wrote",
    "gave",
    "ran",
    "set",
    "led",
    "built",
    "brought",
    "found",
    "kept",
    "held",
    "put",
    "got",
    "saw",
    "said",
    "did",
    "had",
    "was",
    "can",
    "could",
    "may",
    "might",
    "must",
    "should",
    "will",
    "would",
    "cannot",
}


def singular_template(template: str) -> str:
    """Make an English ``{count} <verb>`` template agree with a count of one.

    ``'{count} have a plan'`` -> ``'{count} has a plan'``;
    ``'{count} personally offer talks'`` -> ``'{count} personally offers talks'``.
    Only a template starting with ``{count}`` is touched. Adverbs (words
    ending in *-ly* and a few others) are skipped; the next word is changed
    when it looks like a plural present-tense verb (irregulars *have, are,
    were, do, go*; otherwise a lower-case word that is not past tense (*-ed*
    or a common irregular past), a modal verb or a preposition). Anything
    else is returned unchanged.
    """
    if not template.startswith("{count} "):
        return template
    words = template[len("{count} ") :].split(" ")
    for i, word in enumerate(words):
        if word in _EN_SKIP or (word.endswith("ly") and word.isalpha() and word.islower()):
            continue
        if word in _EN_IRREGULAR:
            words[i] = _EN_IRREGULAR[word]
        elif word.isalpha() and word.islower() and word not in _EN_STOP and not word.endswith("ed"):
            if word.endswith("ss") or word.endswith(("sh", "ch", "x", "z", "o")):
                words[i] = word + "es"
            elif not word.endswith("s"):
                words[i] = word + "s"
        break
    return "{count} " + " ".join(words)


def agree(n, singular: str, plural: str) -> str:
    """Pick the English verb or noun form that agrees with ``n`` (1 -> singular)."""
    return singular if _as_int(n) == 1 else plural


def sentence(text: str) -> str:
    """Capitalise and end with a full stop."""
    return fill_template(text, "")
