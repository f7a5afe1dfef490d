"""Number words and count phrases in Swedish and English.

Generated statements in the findings table read like ordinary prose:
numbers from zero to twelve are written as words, larger numbers as digits
(Språkrådet's and Myndigheternas skrivregler's rule, used in both languages),
percentages always as digits, and Swedish number words agree with the
grammatical gender of the noun they count (*en kommun*, *ett ärende*).
A count with unknown values says so (:func:`unknown_clause`): unknown is never
counted as no.

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

from evalkit.present.numbers import decimals_needed, format_number

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
)

#: Nouns for each unit of count: (singular, plural, neuter) per language.
#: ``neuter`` marks Swedish ett-words (only relevant for Swedish).
UNIT_NOUNS = {
    "municipalities": {"sv": ("kommun", "kommuner", False), "en": ("municipality", "municipalities", False)},
    "coordinators": {"sv": ("samordnare", "samordnare", False), "en": ("coordinator", "coordinators", False)},
    "interviews": {"sv": ("intervju", "intervjuer", False), "en": ("interview", "interviews", False)},
    "cases": {"sv": ("ärende", "ärenden", True), "en": ("case", "cases", False)},
    "documents": {"sv": ("dokument", "dokument", True), "en": ("document", "documents", False)},
    "percent": {"sv": ("procent", "procent", False), "en": ("percent", "percent", False)},
}
#: Definite singular of each unit's noun (Swedish) for *den enda kommunen*.
DEFINITE_SV = {
    "municipalities": "kommunen",
    "coordinators": "samordnaren",
    "interviews": "intervjun",
    "cases": "ärendet",
    "documents": "dokumentet",
}
#: Definite plural of each unit's noun (Swedish) for *ingen av de två kommunerna*.
DEFINITE_PLURAL_SV = {
    "municipalities": "kommunerna",
    "coordinators": "samordnarna",
    "interviews": "intervjuerna",
    "cases": "ärendena",
    "documents": "dokumenten",
}
#: Units always written with digits (a percentage is never spelled out).
DIGIT_UNITS = ("percent",)
#: Highest number written as a word.
LARGEST_WORD = 12


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
    """Write a number as a word (0-12) or as digits (above twelve).

    Parameters
    ----------
    n : int or float
        The number. Non-integers and numbers above twelve are written with
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
        return format_number(float(n), language, decimals_needed([float(n)]))
    if 0 <= whole <= LARGEST_WORD:
        if language == "sv":
            return "ett" if (whole == 1 and neuter) else _SV_WORDS[whole]
        return _EN_WORDS[whole]
    return format_number(whole, language)


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
    if unit in DIGIT_UNITS:
        whole = _as_int(numerator)
        amount = number_word(numerator, language) if whole is None else format_number(whole, language)
        return f"{amount} {unit_noun(unit, 2, language)}"
    if not has_denominator:
        n = _as_int(numerator)
        if n == 0:
            plural = unit_noun(unit, 2, language)
            return f"inga {plural}" if language == "sv" else f"no {plural}"
        return f"{number_word(numerator, language, neuter)} {unit_noun(unit, numerator, language)}"
    noun = _population_noun(population_label, language) if population_label else unit_noun(unit, 2, language)
    d_word = number_word(denominator, language, neuter)
    if _as_int(denominator) == 1:
        return _one_member_phrase(numerator, unit, language, noun)
    if _as_int(numerator) == 0:
        if language == "sv":
            none = "inget" if neuter else "ingen"
            if _as_int(denominator) == 2:
                definite = _definite_plural_sv(unit, noun)
                if definite:
                    return f"{none} av de två {definite}"
            return f"{none} av {d_word} {noun}"
        return f"neither of the two {noun}" if _as_int(denominator) == 2 else f"none of the {d_word} {noun}"
    if _as_int(numerator) == _as_int(denominator) and (_as_int(denominator) or 0) >= 2:
        if language == "en":
            return f"both {noun}" if _as_int(denominator) == 2 else f"all {d_word} {noun}"
        if _as_int(denominator) >= 3:
            return f"alla {d_word} {noun}"
    k_word = number_word(numerator, language, neuter)
    joiner = "av" if language == "sv" else "of"
    return f"{k_word} {joiner} {d_word} {noun}"


def _population_noun(label: str, language: str) -> str:
    """A population label as a plural noun phrase: drops a leading *alla*/*all* (the count says how many)."""
    noun = decapitalise(label).strip()
    for prefix in ("alla ", "all the ", "all "):
        if noun.startswith(prefix) and language == ("sv" if prefix == "alla " else "en"):
            return noun[len(prefix) :]
    return noun


def _definite_plural_sv(unit: str, noun: str) -> str | None:
    """*kommuner med X* -> *kommunerna med X*, *kvinnofridssamordnare* -> *kvinnofridssamordnarna*.

    The first word of the population phrase takes the definite plural when it ends in the unit's
    plural noun; ``None`` when it does not (the caller keeps the indefinite phrase).
    """
    _, plural, _ = UNIT_NOUNS[unit]["sv"]
    head, _, rest = noun.partition(" ")
    if not head.endswith(plural):
        return None
    head = head[: len(head) - len(plural)] + DEFINITE_PLURAL_SV[unit]
    return f"{head} {rest}" if rest else head


def _singular_noun(unit: str, noun: str, language: str, definite: bool = False) -> str:
    """Turn a plural population phrase into the singular (*kommuner med X* -> *kommun(en) med X*)."""
    singular, plural, _ = UNIT_NOUNS[unit][language]
    if language == "sv" and definite:
        singular = DEFINITE_SV.get(unit, singular)
    if noun.startswith(plural):
        return singular + noun[len(plural) :]
    return noun


def _one_member_phrase(numerator, unit: str, language: str, noun: str) -> str:
    """A count over a population of one: *den enda kommunen med X* / *ingen kommun med X (av en)*."""
    if _as_int(numerator) == 1:
        return ("den enda " if language == "sv" else "the only ") + _singular_noun(unit, noun, language, True)
    none = ("inget" if is_neuter(unit) else "ingen") if language == "sv" else "no"
    of_one = "(av ett)" if language == "sv" and is_neuter(unit) else ("(av en)" if language == "sv" else "(of one)")
    return f"{none} {_singular_noun(unit, noun, language)} {of_one}"


def unknown_clause(n_unknown, unit: str = "municipalities", language: str = "sv") -> str:
    """Say for how many members a value is not known: ``'okänt för tre'`` / ``'not known for three'``.

    Returns an empty string when ``n_unknown`` is zero.
    """
    _check_language(language)
    n = _as_int(n_unknown) or 0
    if n <= 0:
        return ""
    word = number_word(n, language, neuter=language == "sv" and is_neuter(unit))
    return f"okänt för {word}" if language == "sv" else f"not known for {word}"


def count_sentence(
    template: str,
    numerator,
    unit: str,
    language: str = "sv",
    denominator=None,
    population_label: str | None = None,
    unknown=0,
    en_singular: str | None = None,
) -> str:
    """Fill a ``{count}`` template with a count phrase, keeping unknown values apart from *no*.

    Parameters
    ----------
    template : str
        Sentence template with ``{count}`` (plural verb in English).
    numerator, unit, language, denominator, population_label
        As for :func:`count_phrase`.
    unknown : int
        Members of the denominator whose value is not known.
    en_singular : str, optional
        English template for a count of one (default: made by
        :func:`singular_template`).

    Returns
    -------
    str
        One sentence. With unknown values it ends *"…; okänt för tre."* /
        *"…; not known for three."*; a zero count reads *"ingen av fem"* / *"none of
        the five"* with a singular verb (of two, *"ingen av de två"* / *"neither of
        the two"*), and the unknown clause says for how many it is not known. When
        every value is unknown it says so (*"Ett okänt antal av fem samordnare …;
        inget värde är känt."*; of a population of one, *"Det är okänt om den enda
        kommunen …"*). A denominator of zero says the study has none to count.
        Swedish predicative adjectives agree with a singular subject (*den enda
        kommunen är nöjd*).

    Examples
    --------
    >>> count_sentence("{count} har en plan", 2, "coordinators", "sv", denominator=5, unknown=3)
    'Två av fem samordnare har en plan; okänt för tre.'
    >>> count_sentence("{count} have a plan", 0, "coordinators", "en", denominator=5, unknown=5)
    'An unknown number of the five coordinators have a plan; no value is known.'
    """
    _check_language(language)
    has_denominator = denominator is not None and not _is_missing(denominator)
    unknown = _as_int(unknown) or 0
    one = _as_int(numerator) == 1 or (has_denominator and _as_int(denominator) == 1)
    all_unknown = has_denominator and _as_int(denominator) is not None and unknown >= (_as_int(denominator) or 0) > 1
    zero_of = has_denominator and _as_int(numerator) == 0 and not all_unknown
    if language == "sv" and (one or zero_of):
        template = singular_template_sv(template, neuter=is_neuter(unit))
    if language == "en" and (one or zero_of):
        # "None of the six coordinators works", "Neither of the two coordinators works": the
        # singular verb after none/neither, as after "no coordinator" and "one coordinator".
        template = en_singular or singular_template(template)
    if has_denominator:
        noun = decapitalise(population_label) if population_label else unit_noun(unit, 2, language)
        d = _as_int(denominator)
        if d == 0:
            if language == "sv":
                return f"Studien har inga {noun}, så det här kan inte räknas."
            return f"The study has no {noun}, so this cannot be counted."
        d_word = number_word(denominator, language, language == "sv" and is_neuter(unit))
        if d is not None and unknown >= d:
            if d == 1:
                # One member whose value is unknown: say so of that one, not of "an unknown number".
                subject = count_phrase(1, unit, language, denominator=1, population_label=population_label)
                sentence = fill_template(template, subject)
                lead = "Det är okänt om " if language == "sv" else "It is not known whether "
                return lead + decapitalise(sentence)
            if language == "sv":
                return fill_template(template, f"ett okänt antal av {d_word} {noun}")[:-1] + "; inget värde är känt."
            return fill_template(template, f"an unknown number of the {d_word} {noun}")[:-1] + "; no value is known."
    phrase = count_phrase(numerator, unit, language, denominator=denominator, population_label=population_label)
    text = fill_template(template, phrase)
    if unknown:
        text = text[:-1] + "; " + unknown_clause(unknown, unit, language) + "."
    return text


_SV_COPULA = re.compile(r"\b(är|var|blir|blev|har varit)\s+(\w+)")
#: Words after a copula that are not plural adjectives ending in -a.
_SV_NOT_ADJECTIVE = {"kvinnofridssamordnare", "samordnare", "en", "ett", "inte", "också", "alla", "båda", "bara"}


def singular_template_sv(template: str, neuter: bool = False) -> str:
    """Make a Swedish template's predicative adjective agree with a singular subject.

    ``'{count} är nöjda med sin modell'`` -> ``'{count} är nöjd med sin modell'``
    (*den enda kommunen är nöjd*, *ingen av dem är nöjd*); participles in *-ade* lose their *-e*
    (*placerade* -> *placerad*). With ``neuter`` (an ett-word such as *ärende*) the adjective takes
    *-t* (*ett ärende är nöjt*, *placerat*). Other templates are returned unchanged.
    """

    def singular(match: re.Match) -> str:
        verb, word = match.group(1), match.group(2)
        if word in _SV_NOT_ADJECTIVE or len(word) < 4 or not word.islower() or not word.endswith(("a", "ade")):
            return match.group(0)
        stem = word[:-1]
        if neuter:
            stem = stem[:-1] + "t" if stem.endswith("d") else stem + "t"
        return f"{verb} {stem}"

    return _SV_COPULA.sub(singular, template, count=1)


def negate_label(label: str, language: str = "sv") -> str:
    """The absence of a condition, as a speaker would say it.

    A clause is negated after its verb (*Tjänsten kombineras med handläggning* -> *Tjänsten
    kombineras inte med handläggning*; *Post combined with casework* -> *Post not combined with
    casework*); a negated clause loses its negation (*Placeringen passar inte rollen* ->
    *Placeringen passar rollen*; *Placement does not fit the role* -> *Placement fits the
    role*); a noun phrase gets *Inte* / *Not* (*Inte rätt person på rätt plats*). A study can
    give its own wording in the vocabulary ``condition_negated`` (see
    :func:`evalkit.present.labels.negated_condition_label`).
    """
    _check_language(language)
    text = label.strip()
    words = text.split(" ")
    if language == "sv":
        if " inte " in f" {text} ":
            return capitalise(re.sub(r"\s+", " ", f" {text} ".replace(" inte ", " ")).strip())
        first = words[0].lower()
        if len(words) >= 2 and first.endswith(("en", "et", "na")) and len(first) >= 5 and words[1].endswith(("s", "r")):
            return " ".join([words[0], words[1], "inte", *words[2:]])
        return "Inte " + decapitalise(text)
    if " does not " in f" {text} " or " do not " in f" {text} ":
        match = re.search(r"\b(does|do) not (\w+)", text)
        verb = match.group(2)
        verb = (
            verb
            if match.group(1) == "do"
            else (verb + "es" if verb.endswith(("s", "sh", "ch", "x", "o")) else verb + "s")
        )
        return text[: match.start()] + verb + text[match.end() :]
    if len(words) >= 2 and words[1].endswith("ed"):
        return " ".join([words[0], "not", *words[1:]])
    return "Not " + decapitalise(text)


def join_words(items, language: str = "sv") -> str:
    """Join words as prose: ``'A, B och C'`` / ``'A, B and C'``."""
    _check_language(language)
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    conjunction = " och " if language == "sv" else " and "
    return ", ".join(items[:-1]) + conjunction + items[-1]


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
