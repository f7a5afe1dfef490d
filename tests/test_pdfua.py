"""PDF/UA post-processing without a browser: the document date, the XMP, page facts, content outside the tags."""

from __future__ import annotations

import datetime as dt
import json

from evalkit.report import pdfua


def descriptor(tmp_path, **keys):
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "x", **keys}), encoding="utf-8")
    return tmp_path


def test_the_document_date_comes_from_the_study_then_source_date_epoch_then_1980(tmp_path):
    utc = dt.timezone.utc
    assert pdfua.document_date(
        descriptor(tmp_path, **{"evalkit:date": "2025-04-30", "evalkit:year": 2024})
    ) == dt.datetime(2025, 4, 30, tzinfo=utc)
    assert pdfua.document_date(descriptor(tmp_path, **{"evalkit:year": 2024})) == dt.datetime(2024, 1, 1, tzinfo=utc)
    month = descriptor(tmp_path, **{"evalkit:date": "2026-12", "evalkit:year": 2026})
    assert pdfua.document_date(month) == dt.datetime(2026, 12, 1, tzinfo=utc)  # a month means its first day
    report = {"evalkit:source_report": {"year": 2019}}
    assert pdfua.document_date(descriptor(tmp_path, **report), {}) == dt.datetime(2019, 1, 1, tzinfo=utc)
    bare = descriptor(tmp_path)
    assert pdfua.document_date(bare, {"SOURCE_DATE_EPOCH": "1700000000"}) == dt.datetime(2023, 11, 14, tzinfo=utc)
    assert pdfua.document_date(bare, {}) == pdfua.FALLBACK_DATE
    assert pdfua.pdf_date(dt.datetime(2019, 1, 1, tzinfo=utc)) == "D:20190101000000Z"


def test_the_xmp_names_title_language_dates_and_pdfua_and_escapes_text():
    packet = pdfua.xmp_packet("A & <B>", "sv", dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc), "Skia", "Chromium")
    text = packet.decode()
    assert '<rdf:li xml:lang="x-default">A &amp; &lt;B&gt;</rdf:li>' in text
    assert "<dc:language><rdf:Bag><rdf:li>sv</rdf:li></rdf:Bag></dc:language>" in text
    assert "<pdfuaid:part>1</pdfuaid:part>" in text and "<xmp:CreateDate>2019-01-01T00:00:00Z</xmp:CreateDate>" in text
    from xml.dom.minidom import parseString

    parseString(text.split("?>", 1)[1].rsplit("<?xpacket", 1)[0])  # well-formed XML


def test_page_facts_read_title_language_alt_texts_link_texts_and_date():
    page = (
        '<html lang="en"><head><title>The &amp; report</title><meta content="2019-01-01" name="dcterms.created"/>'
        '</head><body><a class="evalkit-skip" href="#main">Skip</a><a href="#a">Chapter <b>1</b></a>'
        '<h2 id="a">A<a class="anchor-link" href="#a">¶</a></h2><img alt="A chart &quot;x&quot;" src="x.png">'
        "</body></html>"
    )
    facts = pdfua.page_facts(page)
    assert (facts.title, facts.language, facts.alt_texts) == ("The & report", "en", ('A chart "x"',))
    assert facts.link_texts == {"#main": "Skip", "#a": "Chapter 1"}
    assert facts.date == dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)


def test_content_outside_marked_sequences_is_found_and_nothing_inside_is():
    stream = (
        b"q 1 0 0 1 0 0 cm 0 0 10 10 re f Q\n"  # background: unmarked path
        b"BT /F1 9 Tf <0001> Tj 3 0 Td <0002> Tj ET\n"  # running header: unmarked text run
        b"0 0 5 5 re W n\n"  # a clip paints nothing
        b"/P <</MCID 0>> BDC BT <0003> Tj ET 0 0 1 1 re f EMC\n"
        b"/Artifact BMC /Im1 Do EMC /Im2 Do\n"
        b"(a BDC in a string) Tj\n"
    )
    spans = pdfua.unmarked_spans(stream)
    assert [stream[a:b].strip() for a, b in spans] == [
        b"0 0 10 10 re f",  # the path with its operands, not the state set before it
        b"<0001> Tj 3 0 Td <0002> Tj",  # the run of text inside the text object
        b"/Im2 Do",
        b"(a BDC in a string) Tj",
    ]
