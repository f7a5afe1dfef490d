"""The publication as a Word document (evalkit.publication.docx), read back with python-docx.

Built from a small document model (every kind of block), so the checks do not
depend on a study run: Word styles for the outline, real tables with a
repeating header row, pictures with alt text, captions, notes, language,
core properties, the same bytes twice, and a county's template supplying the
styles. One test converts the file with LibreOffice (when installed) and reads
the PDF's text back.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest

document_model = pytest.importorskip("evalkit.publication.document")
docx = pytest.importorskip("docx")

from evalkit.publication import docx as word  # noqa: E402

M = document_model
DATE = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)


def png_bytes() -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.add_subplot(1, 1, 1).bar(["a", "b"], [1, 2])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def model(language: str = "sv") -> M.Document:
    table = M.Table(
        key="tab-org",
        caption="Kommunerna efter organisering",
        header=("Organisering", "Kommuner"),
        rows=(("Egen samordnare", "5"), (("Delad samordnare", M.NoteRef("src")), "3")),
        numeric=(False, True),
        notes=(("Källa: enkäten.",),),
    )
    figure = M.Figure(
        key="fig-time",
        caption="Tjänstens fördelning",
        alt="Liggande staplar per samordnare.",
        svg="<svg/>",
        png=png_bytes(),
    )
    chapter = M.Section(
        key="ch-intro",
        title="Inledning",
        kind="chapter",
        blocks=(
            M.Paragraph(
                ("Se ", M.CrossRef("tab-org"), " och en ", M.Foreign("source title", "en"), ".", M.NoteRef("src"))
            ),
            M.BulletList((("ett",), ("två",))),
            M.Quote("Det blev bättre.", "Chef"),
            table,
            figure,
            M.Box("interpretation", "Utvärderarens bedömning", (M.Paragraph(("Bra.",)),)),
        ),
        sections=(M.Section(key="sec-data", title="Underlaget", blocks=(M.Paragraph(("Text",)),)),),
    )
    appendix = M.Section(
        key="app-a", title="Datainsamling", kind="appendix", blocks=(M.Paragraph(("Mer.", M.NoteRef("src"))),)
    )
    document = M.Document(
        language=language,
        title_page=M.TitlePage(
            title="Samordnarna i länet",
            subtitle="En utvärdering",
            publisher="Länsstyrelsen",
            year="2019",
            language=language,
        ),
        front=(
            M.Section(key="front-summary", title="Sammanfattning", kind="front", blocks=(M.Paragraph(("Kort.",)),)),
        ),
        chapters=(chapter,),
        appendices=(appendix,),
        notes=(("src", ("Källrapporten, kapitel 1.",)),),
        notes_title="Källor och noter",
    )
    return M.number(document)


@pytest.fixture(scope="module")
def data() -> bytes:
    return word.render(model(), DATE)


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def test_the_outline_is_word_headings_and_the_title_page(data):
    outline = word.outline(data)
    assert outline[:3] == [
        ("Title", "Samordnarna i länet"),
        ("Subtitle", "En utvärdering"),
        ("Heading 1", "Sammanfattning"),
    ]
    headings = [text for style, text in outline if style.startswith("Heading")]
    assert headings == [
        "Sammanfattning",
        "1 Inledning",
        "1.1 Underlaget",
        "Bilaga 1. Datainsamling",
        "Källor och noter",
    ]
    assert [style for style, _ in outline if style.startswith("Heading")] == [
        "Heading 1",
        "Heading 1",
        "Heading 2",
        "Heading 1",
        "Heading 1",
    ]


def test_tables_are_word_tables_with_a_repeating_header_and_a_caption(data):
    document = read(data)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Organisering", "Kommuner"]
    assert [c.text for c in table.rows[2].cells] == ["Delad samordnare1", "3"]
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Tabell 1.1. Kommunerna efter organisering", "Figur 1.1. Tjänstens fördelning"]


def test_figures_are_pictures_with_their_alt_text(data):
    document = read(data)
    described = [e.get("descr") for e in document.element.body.iter(docx.oxml.ns.qn("wp:docPr"))]
    assert described == ["Liggande staplar per samordnare."]
    assert any(part.partname.endswith(".png") for part in document.part.package.parts)


def test_notes_are_a_numbered_list_linked_from_the_text_and_the_language_is_marked(data):
    document = read(data)
    texts = [p.text for p in document.paragraphs]
    assert texts[-1] == "1. Källrapporten, kapitel 1."
    links = [e.get(docx.oxml.ns.qn("w:anchor")) for e in document.element.body.iter(docx.oxml.ns.qn("w:hyperlink"))]
    assert links == ["note_1"] * 3  # text, table cell, appendix: one note, one number
    styles = document.styles.element.xml
    assert 'w:lang w:val="sv-SE"' in styles
    assert 'w:lang w:val="en-GB"' in document.element.xml  # the English title in the Swedish text
    assert document.core_properties.language == "sv-SE"
    assert document.core_properties.title == "Samordnarna i länet"
    assert document.core_properties.created == DATE


def test_the_same_model_gives_the_same_bytes(data):
    assert word.render(model(), DATE) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2019, 1, 1, 0, 0, 0)}


def test_a_county_template_supplies_the_styles_and_its_content_is_dropped(tmp_path):
    from docx.shared import Pt, RGBColor

    template = docx.Document()
    template.add_paragraph("Mallens exempeltext")
    heading = template.styles["Heading 1"]
    heading.font.size, heading.font.color.rgb = Pt(20), RGBColor(0x00, 0x5A, 0x9C)
    path = tmp_path / "lansmall.docx"
    template.save(path)
    dotx = tmp_path / "lansmall.dotx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(dotx, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(word._DOCUMENT_TYPE, word._TEMPLATE_TYPE)
            out.writestr(item, data)
    for given in (path, dotx):
        made = read(word.render(model(), DATE, template=given))
        assert "Mallens exempeltext" not in [p.text for p in made.paragraphs]
        assert made.styles["Heading 1"].font.size == Pt(20)
        assert made.styles["Heading 1"].font.color.rgb == RGBColor(0x00, 0x5A, 0x9C)
    with pytest.raises(word.TemplateError, match="not found"):
        word.render(model(), DATE, template=tmp_path / "saknas.docx")
    (tmp_path / "fel.docx").write_text("inte en zip")
    with pytest.raises(word.TemplateError, match="not a Word document"):
        word.render(model(), DATE, template=tmp_path / "fel.docx")


def test_the_template_comes_from_the_option_or_the_study(tmp_path):
    (tmp_path / "datapackage.json").write_text('{"name": "x", "evalkit:docx_template": "mall/lan.dotx"}')
    assert word.template_of(tmp_path) == tmp_path / "mall" / "lan.dotx"
    assert word.template_of(tmp_path, "annan.docx").name == "annan.docx"
    (tmp_path / "datapackage.json").write_text('{"name": "x"}')
    assert word.template_of(tmp_path) is None


WIDE_WORDS = ("Kvinnofridssamordnare", "Socialtjänstchefer", "Familjefridsteamet", "Rekonstruerat")


def wide_model(columns: int) -> M.Document:
    """A chapter: a paragraph, a table of ``columns`` columns of long words, a paragraph."""
    header = ("Kommun", *(f"{WIDE_WORDS[i % 4]}{i}" for i in range(1, columns)))
    rows = tuple((f"Kommun {r}", *(f"{WIDE_WORDS[(i + r) % 4]}" for i in range(1, columns))) for r in range(1, 4))
    table = M.Table("tab-wide", "Bred tabell", header, rows, (False,) * columns, notes=(("Not under tabellen.",),))
    chapter = M.Section(
        key="ch-wide",
        title="Bredd",
        blocks=(M.Paragraph(("Före.",)), table, M.Paragraph(("Efter.",))),
    )
    page = M.TitlePage(title="Bredd", subtitle=None, publisher=None, year="2019", language="sv")
    return M.number(M.Document(language="sv", title_page=page, front=(), chapters=(chapter,), appendices=()))


def body_parts(document) -> list[tuple[str, str]]:
    """``(kind, text)`` in body order: ("p", text), ("table", first header), ("section", orientation)."""
    from docx.oxml.ns import qn

    parts = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            first = child.find(qn("w:tr")).find(qn("w:tc"))
            parts.append(("table", "".join(t.text for t in first.iter(qn("w:t")))))
        elif child.tag == qn("w:p"):
            text = "".join(t.text for t in child.iter(qn("w:t")))
            if text:
                parts.append(("p", text))
            properties = child.find(qn("w:pPr"))
            ends = properties.find(qn("w:sectPr")) if properties is not None else None
            if ends is not None:  # a section ends here: its orientation
                size = ends.find(qn("w:pgSz"))
                parts.append(("section", size.get(qn("w:orient")) or "portrait"))
    return parts


def test_a_wide_table_gets_a_landscape_page_and_the_text_goes_on_in_portrait():
    document = read(word.render(wide_model(6), DATE))
    parts = body_parts(document)
    start = parts.index(("p", "Före."))
    assert parts[start + 1] == ("section", "portrait")  # the portrait part ends before the table
    assert ("table", "Kommun") in parts[start + 1 :]
    table_at = parts.index(("table", "Kommun"))
    assert parts[table_at - 1] == ("p", "Tabell 1.1. Bred tabell")
    closing = next(i for i in range(table_at, len(parts)) if parts[i][0] == "section")
    assert parts[closing] == ("section", "landscape")  # the table's section is landscape ...
    assert parts.index(("p", "Efter.")) > closing  # ... and the text after it is not
    last = document.sections[-1]
    assert last.page_width < last.page_height
    assert document.tables[0]._tbl.tblPr.find(docx.oxml.ns.qn("w:tblLayout")).get(docx.oxml.ns.qn("w:type")) == "fixed"


def test_every_column_holds_its_longest_word():
    from evalkit.report.fit import text_width_em

    model_ = wide_model(6)
    table = model_.chapters[0].blocks[1]
    layout = word.table_layout(table, 453.0, 700.0)
    assert layout is not None and layout.landscape
    for position, width in enumerate(layout.widths):
        cells = [text_width_em(row[position]) for row in table.rows]
        longest = max(text_width_em(table.header[position], bold=True), *cells) * layout.size_pt
        assert width >= longest + word.CELL_MARGINS_PT
    assert sum(layout.widths) <= 700.0
    narrow = M.Table("t", "Smal", ("A", "B"), (("ett", "1"),), (False, True))
    assert word.table_layout(narrow, 453.0, 700.0).landscape is False


def test_a_table_too_wide_for_a_landscape_page_is_split_with_its_first_column_in_every_part():
    document = read(word.render(wide_model(30), DATE))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert len(captions) >= 2 and captions[0] == "Tabell 1.1. Bred tabell"
    assert all(caption == "Tabell 1.1. Bred tabell (forts.)" for caption in captions[1:])
    assert len(document.tables) == len(captions)
    headers = [[cell.text for cell in table.rows[0].cells] for table in document.tables]
    assert all(header[0] == "Kommun" for header in headers)
    assert sum(len(header) - 1 for header in headers) == 29  # every other column once
    notes = [p.text for p in document.paragraphs if p.text == "Not under tabellen."]
    assert len(notes) == 1  # after the last part


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_sets_a_wide_table_on_a_landscape_page_without_breaking_a_word(tmp_path):
    import pypdf

    source = tmp_path / "wide.docx"
    source.write_bytes(word.render(wide_model(6), DATE))
    convert(source, tmp_path)
    reader = pypdf.PdfReader(tmp_path / "wide.pdf")
    landscape = [page for page in reader.pages if page.mediabox.width > page.mediabox.height]
    assert len(landscape) == 1
    words = set(landscape[0].extract_text().split())
    for expected in ("Kvinnofridssamordnare", "Socialtjänstchefer", "Familjefridsteamet", "Rekonstruerat"):
        assert expected in words, f"{expected} is broken or missing: {sorted(words)}"


def convert(source, folder) -> None:
    """``soffice --headless --convert-to pdf`` of ``source`` into ``folder``."""
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{folder}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_it_and_prints_every_heading_and_cell(data, tmp_path):
    import pypdf

    source = tmp_path / "publication.docx"
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "publication.pdf").pages)
    for expected in (
        "Samordnarna i länet",
        "1 Inledning",
        "Tabell 1.1.",
        "Egen samordnare",
        "Källrapporten, kapitel 1.",
    ):
        assert expected in text, expected
