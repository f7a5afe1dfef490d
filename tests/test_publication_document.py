"""The publication's document model: numbering, references, text, Markdown."""

from __future__ import annotations

import pytest

from evalkit.publication.document import (
    Box,
    BulletList,
    CrossRef,
    Document,
    Emphasis,
    Figure,
    Foreign,
    NoteRef,
    NumberingError,
    Paragraph,
    Section,
    Strong,
    Superscript,
    Table,
    TitlePage,
    blocks_from_markdown,
    content_text,
    heading_text,
    number,
    plain_text,
    walk,
)


def table(key: str) -> Table:
    return Table(key, f"Caption {key}", ("A", "B"), (("x", "1"),), (False, True))


def figure(key: str) -> Figure:
    return Figure(key, f"Figure {key}", "alt text", "<svg/>")


def sample(language: str = "sv") -> Document:
    chapter_one = Section(
        "one",
        "Första",
        (Paragraph(("Se ", CrossRef("two.b"), " och ", CrossRef("t2"), ".", NoteRef("n2"))), table("t1")),
        (Section("one.a", "A", (figure("f1"), table("t3"))), Section("one.b", "B")),
        kind="chapter",
    )
    chapter_two = Section(
        "two",
        "Andra",
        (Box("interpretation", "Box", (table("t2"),)),),
        (Section("two.a", "A", (Paragraph((NoteRef("n1"),)),)), Section("two.b", "B", (Paragraph((NoteRef("n2"),)),))),
        kind="chapter",
    )
    appendix = Section(
        "app",
        "Bilagan",
        (Paragraph((CrossRef("one", capital=True), " och ", CrossRef("t4"))), table("t4")),
        (Section("app.a", "Under"),),
        kind="appendix",
    )
    front = Section("summary", "Sammanfattning", (table("t0"),), kind="front")
    return Document(
        language,
        TitlePage("Titel"),
        (front,),
        (chapter_one, chapter_two),
        (appendix,),
        (("n1", ("Not ett",)), ("n2", ("Not två",)), ("unused", ("Aldrig",))),
        notes_title="Noter",
    )


def by_key(document: Document) -> dict:
    found = {}
    for node in walk(document):
        key = getattr(node, "key", None)
        if key is not None:
            found[key] = node
    return found


def test_chapters_sections_and_appendices_are_numbered_once():
    nodes = by_key(number(sample()))
    assert [nodes[k].number for k in ("summary", "one", "one.a", "one.b", "two", "two.a", "two.b")] == [
        None,
        "1",
        "1.1",
        "1.2",
        "2",
        "2.1",
        "2.2",
    ]
    assert nodes["app"].number == "1" and nodes["app.a"].number is None
    assert heading_text(nodes["two.b"], "sv") == "2.2 B"
    assert heading_text(nodes["app"], "sv") == "Bilaga 1. Bilagan"
    assert heading_text(nodes["app"], "en") == "Appendix 1. Bilagan"


def test_tables_and_figures_are_numbered_per_chapter_and_appendix():
    nodes = by_key(number(sample()))
    # tables and figures count separately, through subsections and boxes; front matter is not numbered
    assert nodes["t0"].number is None
    assert (nodes["t1"].number, nodes["t3"].number, nodes["f1"].number) == ("1.1", "1.2", "1.1")
    assert nodes["t2"].number == "2.1"
    assert nodes["t4"].number == "B1.1"
    assert by_key(number(sample("en")))["t4"].number == "A1.1"


def test_cross_references_and_notes_are_resolved_in_the_documents_language():
    document = number(sample())
    text = plain_text(document)
    assert "Se avsnitt 2.2 och tabell 2.1.[1]" in text  # n2 is referred to first
    assert "Kapitel 1 och tabell B1.1" in text
    assert [key for key, _ in document.notes] == ["n2", "n1"]  # in order of first reference; unused dropped
    assert text.endswith("Noter\n1. Not två\n2. Not ett")
    english = plain_text(number(sample("en")))
    assert "Se section 2.2 och table 2.1." in english and "Chapter 1 och table A1.1" in english


def test_number_refuses_dangling_references_and_duplicate_keys():
    with pytest.raises(NumberingError, match="cross-reference to 'nowhere'"):
        number(
            Document(
                "sv",
                TitlePage("T"),
                chapters=(Section("a", "A", (Paragraph((CrossRef("nowhere"),)),), kind="chapter"),),
            )
        )
    with pytest.raises(NumberingError, match="note 'x'"):
        number(
            Document("sv", TitlePage("T"), chapters=(Section("a", "A", (Paragraph((NoteRef("x"),)),), kind="chapter"),))
        )
    with pytest.raises(NumberingError, match="duplicate key 'a'"):
        number(
            Document(
                "sv", TitlePage("T"), chapters=(Section("a", "A", kind="chapter"), Section("a", "B", kind="chapter"))
            )
        )


def test_number_is_idempotent():
    once = number(sample())
    assert number(once) is once


def test_note_only_cells_are_sorted_by_number():
    rows = ((("x"), (NoteRef("late"), ", ", NoteRef("early"))),)
    document = Document(
        "sv",
        TitlePage("T"),
        chapters=(
            Section(
                "a",
                "A",
                (
                    Paragraph((NoteRef("early"), NoteRef("late"))),
                    Table("t", "C", ("x", "källa"), rows, (False, False)),
                ),
                kind="chapter",
            ),
        ),
        notes=(("early", ("E",)), ("late", ("L",))),
    )
    cell = by_key(number(document))["t"].rows[0][1]
    assert [i.number for i in cell if isinstance(i, NoteRef)] == [1, 2]


def test_table_rows_must_match_the_header():
    with pytest.raises(ValueError, match="every row"):
        Table("t", "C", ("a", "b"), (("only one",),), (False, False))


def test_plain_text_has_every_visible_part_in_reading_order():
    document = number(
        Document(
            "en",
            TitlePage("Title", subtitle="Sub", publisher="County", year="2026", colophon=("Made with evalkit",)),
            chapters=(
                Section(
                    "c",
                    "Chapter",
                    (
                        Paragraph(
                            (
                                "Plain ",
                                Emphasis("em"),
                                " ",
                                Strong("strong"),
                                " 10",
                                Superscript("32"),
                                " ",
                                Foreign("Titel", "sv"),
                            )
                        ),
                        BulletList((("one",), ("two",))),
                        Box("note", "Box title", (Paragraph(("inside",)),)),
                        figure("f"),
                    ),
                    kind="chapter",
                ),
            ),
        )
    )
    lines = plain_text(document).splitlines()
    assert lines[:5] == ["Title", "Sub", "County", "2026", "Made with evalkit"]
    assert "1 Chapter" in lines
    assert "Plain em strong 1032 Titel" in lines
    assert lines.index("- one") < lines.index("Box title") < lines.index("inside") < lines.index("Figure 1.1. Figure f")
    assert "alt text" in lines


def test_blocks_from_markdown_keeps_paragraphs_lists_and_emphasis_and_drops_html():
    blocks = blocks_from_markdown(
        "<!-- slot: summary -->\n# Rubrik\n\nEtt *viktigt* och **starkt** stycke\nsom fortsätter.\n\n"
        "1. första\n2. andra\n   - inre\n\n> citerat\n\n[länk](http://example.org) ![bild](x.png)"
    )
    assert blocks[0] == Paragraph((Strong("Rubrik"),))
    assert blocks[1] == Paragraph(("Ett ", Emphasis("viktigt"), " och ", Strong("starkt"), " stycke som fortsätter."))
    assert blocks[2] == BulletList((("första",), ("andra",), ("inre",)), ordered=True)
    assert blocks[3] == Box("note", None, (Paragraph(("citerat",)),))
    assert content_text(blocks[4].content) == "länk "
    assert all("slot" not in content_text(getattr(b, "content", ())) for b in blocks)
    assert blocks_from_markdown("") == ()


def test_footnotes_become_note_references_and_their_definitions_leave_the_text():
    blocks = blocks_from_markdown("Ett påstående[^1] och ett till[^x].\n\n[^1]: Kap. 2, Titel\n", {"1": "source:kap2"})
    assert blocks == (Paragraph(("Ett påstående", NoteRef("source:kap2"), " och ett till.")),)
