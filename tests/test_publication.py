"""The publication speaks to the public (issue 15 item 6).

For the default study, the teaching county and the demo county, in Swedish and
English, the publication (the document model and the rendered page):

* contains none of the machinery's words: finding ids, codebook ids and
  codes, column names, file names, commands, flags, parameter names, notebook
  and tool vocabulary – each list built from the code and the study;
* contains no text in the other language, checked against the study's own
  per-language fields (text marked with the other language's ``lang`` – a
  Swedish source's title in the English notes – is set apart and allowed);
* numbers chapters, sections, tables and figures one way: contents, headings,
  captions and cross-references agree;
* has, in every findings chapter, at least one heading that states a finding
  the findings table computes, from evidence that carries it;
* has a summary whose counts are the findings table's;
* passes the personal-data scan; the teaching county's quotes are attributed by role.
"""

from __future__ import annotations

import argparse
import json
import re
from functools import cache

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from evalkit import paths
from evalkit.analysis.findings import findings_table
from evalkit.chapters import CHAPTERS, declared_parameters
from evalkit.publication import evidence
from evalkit.publication.build import build_document
from evalkit.publication.document import Quote, Section, content_text, plain_text, walk
from evalkit.publication.html import render
from evalkit.study import load_study

STUDIES = {
    "default": paths.DEFAULT_STUDY_DIR,
    "teaching": paths.DATA_DIR / "ovningslan-2025",
    "demo": paths.PROJECT_ROOT / "tests" / "fixtures" / "demo-county",
}
CASES = [(study, language) for study in STUDIES for language in ("sv", "en")]
IDS = [f"{study}-{language}" for study, language in CASES]


# --------------------------------------------------------------------------- building (once per study)


@cache
def study(name: str):
    return load_study(STUDIES[name])


@cache
def _analysis(name: str, function, params: tuple):
    return function(study(name), **dict(params))


def shared(name: str):
    """A per-study memo standing in for the run's analysis store (each analysis computed once per test session)."""

    def call(function, **params):
        return _analysis(name, function, tuple(sorted(params.items())))

    return call


@cache
def document(name: str, language: str):
    return build_document(study(name), language, shared=shared(name))


@cache
def page(name: str, language: str) -> BeautifulSoup:
    return BeautifulSoup(render(document(name, language)), "html.parser")


def findings(name: str):
    return _analysis(name, findings_table, ())


def visible_text(soup: BeautifulSoup, drop_other_language: bool = False) -> str:
    """The page's text and alt texts; optionally without the parts marked as another language."""
    soup = BeautifulSoup(str(soup), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    if drop_other_language:
        language = soup.html["lang"]
        for tag in soup.find_all(attrs={"lang": True}):
            if tag.name != "html" and tag["lang"] != language:
                tag.decompose()
    alts = [img.get("alt", "") for img in soup.find_all("img")]
    labels = [tag.get("aria-label", "") for tag in soup.find_all(attrs={"aria-label": True})]
    return "\n".join([soup.get_text("\n"), *alts, *labels, soup.title.get_text() if soup.title else ""])


# --------------------------------------------------------------------------- machinery words, from the code


def _cli_words() -> tuple[set[str], set[str]]:
    """Every flag of every evalkit command, and the commands (``evalkit run``, ``qda import`` …)."""
    from evalkit.cli import COMMANDS, build_parser

    flags, commands = set(), set()

    def visit(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            flags.update(o for o in action.option_strings if o.startswith("--"))
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    commands.add(f"{prefix} {name}")
                    visit(sub, f"{prefix} {name}")

    for name in COMMANDS:
        visit(build_parser(name), "evalkit")
    flags.discard("--help")
    return flags, commands


@cache
def machinery(name: str) -> tuple[set[str], set[str], list[str]]:
    """(identifiers, phrases, file-name patterns) that must never reach a reader."""
    s = study(name)
    identifiers: set[str] = set(findings(name)["finding_id"])
    for table, column in (
        ("quality_areas", "quality_area_id"),
        ("indicators", "indicator_id"),
        ("conditions", "condition_id"),
        ("measures", "measure"),
        ("survey_questions", "question_id"),
    ):
        identifiers.update(str(v) for v in s.codebook[table][column])
    identifiers.update(str(v) for v in s.codebook["vocabularies"]["code"] if "_" in str(v))
    identifiers.update(str(v) for v in s.codebook["vocabularies"]["vocabulary"])
    schema = json.loads((paths.SCHEMA_DIR / "study.datapackage.json").read_text(encoding="utf-8"))
    columns = {f["name"] for r in schema["resources"] for f in r["schema"]["fields"]}
    columns.update(r["name"] for r in schema["resources"])
    identifiers.update(c for c in columns if "_" in c)
    for chapter in CHAPTERS:
        identifiers.update(declared_parameters(chapter.notebook_path()))
        identifiers.add(chapter.id)
    identifiers = {i for i in identifiers if "_" in i or "." in i}  # single words (basis, role) are also plain words
    flags, commands = _cli_words()
    phrases = flags | commands | {
        # notebook, tool and exercise vocabulary, both languages
        "anteckningsbok", "anteckningsboken", "studiemapp", "studiemappen", "rapportmapp", "rapportmappen",
        "parametercell", "parametercellen", "hårdkodat", "övningar", "övning", "kör om", "notebook", "notebooks",
        "study folder", "report folder", "parameter cell", "exercise", "exercises", "re-run", "rerun", "kernel",
        "jupyter", "jupyterlab", "papermill", "nbval", "pandas", "dataframe", "datalog", "manifest", "evalkit run",
        "evalkit validate", "evalkit audit", "python", "csv", "json", "ipynb",
    }  # fmt: skip
    files = [r"\b[\w.-]+\.(?:csv|md|json|ipynb|py|xlsx|qdpx|txt|html|pdf|svg)\b"]
    return identifiers, phrases, files


def machinery_hits(name: str, text: str) -> list[str]:
    identifiers, phrases, patterns = machinery(name)
    lowered = text.lower()
    hits = [i for i in identifiers if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w])", text)]
    hits += [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p.lower())}(?![\w])", lowered)]
    for pattern in patterns:
        hits += re.findall(pattern, text)
    return sorted(set(hits))


@pytest.mark.parametrize(("name", "language"), CASES, ids=IDS)
def test_no_machinery_words(name, language):
    model_text = plain_text(document(name, language))
    page_text = visible_text(page(name, language))
    assert machinery_hits(name, model_text) == []
    assert machinery_hits(name, page_text) == []


def test_machinery_list_catches_what_it_should():
    """The check itself: it finds a finding id, a flag, a command, a file name, a parameter and notebook words."""
    text = (
        "See org.role.strategic and --allow-claim-mismatch; run evalkit validate on published_claims.csv "
        "with partly_score in the anteckningsboken, then do the Övningar."
    )
    hits = machinery_hits("default", text)
    for word in ("org.role.strategic", "--allow-claim-mismatch", "evalkit validate", "published_claims.csv",
                 "partly_score", "anteckningsboken", "övningar"):  # fmt: skip
        assert word in hits
    assert machinery_hits("teaching", "Övningslänet har nio kommuner.") == []


# --------------------------------------------------------------------------- each edition wholly in its language


def _own_and_other(frame, column: str, language: str, other: str):
    for own_value, other_value in zip(frame[f"{column}_{language}"], frame[f"{column}_{other}"]):
        yield str(own_value), str(other_value)


@cache
def other_language_texts(name: str, language: str) -> set[str]:
    """The study's texts in the other language that differ from their own-language twin."""
    other = "en" if language == "sv" else "sv"
    s = study(name)
    pairs = []
    for table in s.codebook.values():
        for column in {c[:-3] for c in table.columns if c.endswith(("_sv", "_en"))}:
            if f"{column}_sv" in table and f"{column}_en" in table:
                pairs += list(_own_and_other(table, column, language, other))
    pairs += list(_own_and_other(findings(name), "statement", language, other))
    claims = s.tables.get("published_claims")
    if claims is not None and "claim_sv" in claims and "claim_en" in claims:
        pairs += list(_own_and_other(claims, "claim", language, other))
    descriptor = s.descriptor or {}
    for key in ("title", "subtitle"):
        own, theirs = descriptor.get(f"evalkit:{key}_{language}"), descriptor.get(f"evalkit:{key}_{other}")
        if own and theirs:
            pairs.append((str(own), str(theirs)))
    return {
        theirs.strip()
        for own, theirs in pairs
        if theirs.strip() and theirs.strip() != own.strip() and theirs != "nan" and (len(theirs) >= 12 or " " in theirs)
    }


#: Words of the other language that no edition's own text has (keyed by the edition's language).
FOREIGN_WORDS = {"sv": ("the", "and", "with", "which", "of"), "en": ("och", "som", "för", "med", "inte", "att")}


@pytest.mark.parametrize(("name", "language"), CASES, ids=IDS)
def test_no_text_in_the_other_language(name, language):
    text = visible_text(page(name, language), drop_other_language=True)
    other = "en" if language == "sv" else "sv"
    found = sorted(t for t in other_language_texts(name, language) if t in text)
    assert found == [], f"{other} text in the {language} edition"
    words = set(re.findall(r"\w+", text.lower()))
    assert sorted(words & set(FOREIGN_WORDS[language])) == []


def test_a_foreign_title_is_marked_with_its_language():
    """The English edition cites the Swedish source report's sections: marked lang="sv", nothing else is."""
    soup = page("default", "en")
    marked = [tag for tag in soup.find_all(attrs={"lang": "sv"}) if tag.name != "html"]
    assert marked, "the source report's title is cited in the notes"
    assert all(tag.name == "span" for tag in marked)


# --------------------------------------------------------------------------- one numbering


def _number(tag) -> str:
    span = tag.find(class_=re.compile(r"^(number|toc-number|caption-label)$"))
    return span.get_text().strip() if span else ""


@pytest.mark.parametrize(("name", "language"), CASES, ids=IDS)
def test_contents_headings_captions_and_references_agree(name, language):
    soup = page(name, language)
    appendix_word = "Bilaga" if language == "sv" else "Appendix"
    prefix_letter = "B" if language == "sv" else "A"
    # contents entry -> heading with the same number and title
    entries = soup.select("nav.contents a")
    assert len(entries) >= 10
    for entry in entries:
        target = soup.find(id=entry["href"][1:])
        assert target is not None, entry["href"]
        heading = target.find(re.compile(r"^h[2-6]$"))
        assert _number(entry) == _number(heading).rstrip(".")
        assert entry.find(class_="toc-title").get_text() in heading.get_text()
    # chapters 1..n in order; each section's number starts with its chapter's
    chapters = soup.select("main > section.chapter")
    numbers = [_number(c.find("h2")) for c in chapters]
    assert numbers == [str(i) for i in range(1, len(chapters) + 1)]
    appendices = soup.select("main > section.appendix")
    assert [_number(a.find("h2")) for a in appendices] == [
        f"{appendix_word} {i}." for i in range(1, len(appendices) + 1)
    ]
    labels: dict[str, str] = {}
    for number, chapter in zip(numbers, chapters):
        for position, section in enumerate(chapter.find_all("section", recursive=False), start=1):
            assert _number(section.find("h3")) == f"{number}.{position}"
            labels[section["id"]] = f"{number}.{position}"
        labels[chapter["id"]] = number
    for index, appendix in enumerate(appendices, start=1):
        labels[appendix["id"]] = str(index)
    # captions: numbered per chapter (n.1, n.2 …) and appendix (B1.1 …), tables and figures apart
    for part, prefix in [*zip(chapters, numbers), *((a, f"{prefix_letter}{i}") for i, a in enumerate(appendices, 1))]:
        for kind, selector in (("table", "table > caption"), ("figure", "figure.figure > figcaption")):
            found = [_number(c) for c in part.select(selector)]
            word = {"table": ("Tabell", "Table"), "figure": ("Figur", "Figure")}[kind][language == "en"]
            assert found == [f"{word} {prefix}.{i}." for i in range(1, len(found) + 1)], part["id"]
            for caption in part.select(selector):
                labels[caption.parent["id"]] = _number(caption)[len(word) + 1 : -1]
    # cross-references name the number of what they point to
    references = soup.select("a.xref")
    assert references
    for reference in references:
        target = reference["href"][1:]
        assert target in labels, target
        assert reference.get_text().split()[-1] == labels[target]
    # note references point at a note
    for note in soup.select("a.noteref"):
        assert soup.find(id=note["href"][1:]) is not None


# --------------------------------------------------------------------------- message headings


def message_sections(section: Section):
    if section.finding:
        yield section
    for child in section.sections:
        yield from message_sections(child)


@pytest.mark.parametrize(("name", "language"), CASES, ids=IDS)
def test_every_findings_chapter_has_a_heading_that_states_a_computed_finding(name, language):
    doc = document(name, language)
    table = findings(name).set_index("finding_id")
    assert len(doc.chapters) >= 4
    for chapter in doc.chapters[1:]:
        messages = list(message_sections(chapter))
        assert messages, f"chapter {chapter.number} {chapter.title!r} has no message heading"
        for section in messages:
            row = table.loc[section.finding]
            assert row["basis"] != "reconstructed"  # a reconstruction is never a finding
            if section.finding.startswith("cases."):
                # the series heading states the last value the findings table gives, and the first
                from evalkit.present.numbers import format_number

                assert format_number(float(row["numerator"]), language) in section.title
                assert section.finding.rsplit(".", 1)[1] in section.title
                if evidence.allocation_reconstructed(row.to_dict() | {"finding_id": section.finding}):
                    assert "ommun " + section.finding.split(".")[1] not in section.title
            else:
                assert section.title == row[f"statement_{language}"].rstrip(".")


# --------------------------------------------------------------------------- the summary


NUMBER_WORDS = {
    "sv": "noll en ett två tre fyra fem sex sju åtta nio tio elva tolv".split(),
    "en": "zero one two three four five six seven eight nine ten eleven twelve".split(),
}


def _value(word: str, language: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    words = NUMBER_WORDS[language]
    if word in words:
        index = words.index(word)
        return index - 1 if language == "sv" and index >= 2 else (1 if word == "ett" else index)
    return None


def count_pairs(text: str, language: str) -> list[tuple[int, int]]:
    """Every 'k av n' / 'k of n' (and 'alla n' / 'all n', 'both') in ``text`` as (k, n)."""
    pairs = []
    joiner = "av" if language == "sv" else "of"
    for k, n in re.findall(rf"\b(\w+) {joiner} (?:the )?(\w+)\b", text):
        kv, nv = _value(k, language), _value(n, language)
        if k.lower() in ("ingen", "inget", "none"):
            kv = 0
        if kv is not None and nv is not None:
            pairs.append((kv, nv))
    for n in re.findall(r"\b(?:alla|all) (\w+)\b", text, flags=re.I):
        if _value(n, language) is not None:
            pairs.append((_value(n, language), _value(n, language)))
    return pairs


def test_count_pairs_reads_number_words():
    assert count_pairs("Sju av åtta kommuner; alla sex samordnare; 13 av 36 intervjuer.", "sv") == [
        (7, 8),
        (13, 36),
        (6, 6),
    ]
    assert count_pairs("Two of six coordinators; none of the five.", "en") == [(2, 6), (0, 5)]


@pytest.mark.parametrize(("name", "language"), CASES, ids=IDS)
def test_summary_exists_and_its_counts_are_the_findings_tables(name, language):
    doc = document(name, language)
    summary = next(s for s in doc.front if s.key == "summary")
    table = findings(name)
    pairs = {(int(n), int(d)) for n, d in zip(table["numerator"], table["denominator"]) if pd.notna(n) and pd.notna(d)}
    statements = set(table[f"statement_{language}"])
    texts = [content_text(node.content) for node in walk_section(summary) if hasattr(node, "content")]
    items = [content_text(item) for node in walk_section(summary) if hasattr(node, "items") for item in node.items]
    assert items, "the summary lists the headline findings"
    headings = {s.title + "." for chapter in doc.chapters for s in message_sections(chapter)}
    for item in items:
        assert item in statements or item in headings, item
    found = [pair for text in [*texts, *items] for pair in count_pairs(text, language)]
    assert found, "the summary gives counts"
    assert [pair for pair in found if pair not in pairs] == []
    # every message heading of the chapters is in the summary, and nothing else
    assert len(items) == len(headings)


def walk_section(section: Section):
    yield from section.blocks
    for child in section.sections:
        yield from walk_section(child)


# --------------------------------------------------------------------------- people


@pytest.mark.parametrize(("name", "language"), CASES, ids=IDS)
def test_the_publication_passes_the_personal_data_scan(name, language):
    from evalkit.privacy import find_personal_data

    assert find_personal_data(plain_text(document(name, language))) == []


def test_teaching_county_shows_quotes_attributed_by_role_in_the_language_they_were_said_in():
    from evalkit.analysis.quotes import quotes_note
    from evalkit.present.labels import municipality_label, vocabulary_labels
    from evalkit.present.quotes import GENERIC_ATTRIBUTION, GROUP_ATTRIBUTIONS
    from evalkit.privacy import small_cell_threshold

    s = study("teaching")
    quotes = [node for node in walk(document("teaching", "sv")) if isinstance(node, Quote)]
    assert quotes, "the teaching county ships quotes"
    interviews = s.tables["interviews"]
    roles = {label: code for code, label in vocabulary_labels(s, "respondent_role", "sv").items()}
    groups = {names["sv"] for names in GROUP_ATTRIBUTIONS.values()} | {GENERIC_ATTRIBUTION["sv"]}
    municipalities = {municipality_label(m, "sv", s).lower() for m in s.tables["municipalities"]["municipality_id"]}
    for quote in quotes:
        assert quote.attribution in roles or quote.attribution in groups, quote.attribution
        if quote.attribution in roles:  # a role is named only when enough interviewees hold it
            assert (interviews["respondent_role"] == roles[quote.attribution]).sum() >= small_cell_threshold(s)
        assert not any(m in quote.attribution.lower() for m in municipalities)
        assert quote.text in s.tables["coded_segments"]["excerpt"].astype(str).str.cat(sep="\n")
    # said in Swedish: not translated, so the English edition has none and says where they are
    english = document("teaching", "en")
    assert not [node for node in walk(english) if isinstance(node, Quote)]
    assert quotes_note(s, "en") in plain_text(english)


def test_a_study_without_quotes_says_so_once():
    from evalkit.analysis.quotes import quotes_note

    for language in ("sv", "en"):
        note = quotes_note(study("default"), language)
        assert plain_text(document("default", language)).count(note) == 1
