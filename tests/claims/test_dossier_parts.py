"""A long dossier is laid out in parts and written as one PDF (issue 13: memory).

What a reader or a machine gets must not show the seams: every page numbered "X / Y" over
the whole file, every row once and in order, the same outline, every incident reference
still a link to its incident in the annex, the same metadata and attachment, the same
bytes twice. The parts are made small here (``PART_ROWS``), so that the worked example's
four affected consultations give four parts.
"""

import pytest
from dossier_example import pages_text, pdf_attachment, pdf_reader, worked_example_claim

import claims.dossier.render
from claims.dossier.data import dossier_data
from claims.dossier.render import dossier_parts, dossier_pdf
from outages.intervals import BRUSSELS

pytestmark = pytest.mark.django_db

PDFAID = "http://www.aiim.org/pdfa/ns/id/"


@pytest.fixture
def english_example(doctor):
    doctor.user.language = "en"
    doctor.user.save()
    return dossier_data(claim=worked_example_claim(doctor))


def in_parts(data, monkeypatch, rows=1) -> bytes:
    monkeypatch.setattr(claims.dossier.render, "PART_ROWS", rows)
    assert len(dossier_parts(data)) > 1
    return dossier_pdf(data)


def in_one_piece(data, monkeypatch) -> bytes:
    monkeypatch.setattr(claims.dossier.render, "PART_ROWS", 10_000)
    assert len(dossier_parts(data)) == 1
    return dossier_pdf(data)


def outline_titles(pdf: bytes) -> list[str]:
    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield "  " * depth + item.title

    return list(walk(pdf_reader(pdf).outline))


def links(pdf: bytes) -> list[tuple[int, str]]:
    """(page index, destination name) of every link annotation."""
    found = []
    for index, page in enumerate(pdf_reader(pdf).pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation["/Subtype"] == "/Link":
                found.append((index, str(annotation["/Dest"])))
    return found


def test_a_short_dossier_is_one_part_and_a_long_one_is_cut_in_rows_of_part_rows(
    english_example, monkeypatch
):
    rows = english_example.affected_consultations
    assert len(rows) == 4
    assert [part.rows for part in dossier_parts(english_example)] == [rows]

    monkeypatch.setattr(claims.dossier.render, "PART_ROWS", 3)
    parts = dossier_parts(english_example)

    # As few parts as PART_ROWS allows, of equal size: two of two rows, not three and one.
    assert [part.rows for part in parts] == [rows[:2], rows[2:]]
    assert [(part.first, part.last) for part in parts] == [(True, False), (False, True)]
    monkeypatch.setattr(claims.dossier.render, "PART_ROWS", 1)
    assert [part.rows for part in dossier_parts(english_example)] == [(row,) for row in rows]


def test_every_page_is_numbered_over_the_whole_dossier(english_example, monkeypatch):
    texts = pages_text(in_parts(english_example, monkeypatch))
    pages = len(texts)

    # Four parts: the first starts with the cover, each later one on a page of its own.
    assert pages >= 6
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {pages}" in text
        assert text.count(f" / {pages}") == 1  # one number a page, never a part's own
        assert f"Claim #{english_example.claim_id}" in text  # the running header


def test_each_row_is_printed_once_in_order_and_the_sections_once(english_example, monkeypatch):
    whole = "\n".join(pages_text(in_one_piece(english_example, monkeypatch)))
    parted = "\n".join(pages_text(in_parts(english_example, monkeypatch)))

    for heading in (
        "1. Summary",
        "4. Affected consultations",
        "Annex: cited incidents",
        "4 are affected",
        "No patient identity is ever recorded",
    ):
        assert whole.count(heading) == parted.count(heading) == 1, heading
    assert parted.count("Rule 5:") == whole.count("Rule 5:")
    rows = [
        f"{row.start.astimezone(BRUSSELS):%H:%M} · {row.duration_minutes} min"
        for row in english_example.affected_consultations
    ]
    positions = [parted.index(row) for row in rows]
    assert positions == sorted(positions)
    assert [parted.count(row) for row in rows] == [whole.count(row) for row in rows] == [1] * 4
    # A part after the first starts a page with the table's header row, as a long table
    # does on every page.
    for text in pages_text(in_parts(english_example, monkeypatch)):
        if any(row in text for row in rows):
            assert "Rule applied" in text


def test_the_outline_and_the_links_are_those_of_one_document(english_example, monkeypatch):
    whole = in_one_piece(english_example, monkeypatch)
    parted = in_parts(english_example, monkeypatch)

    assert outline_titles(parted) == outline_titles(whole)
    assert "  4. Affected consultations" in outline_titles(parted)
    assert sorted(name for _, name in links(parted)) == sorted(name for _, name in links(whole))
    # Links from the rows of every part reach their incident in the last part's annex.
    reader = pdf_reader(parted)
    texts = pages_text(parted)
    references = {incident.anchor: incident.reference for incident in english_example.incidents}
    destinations = reader.named_destinations
    linked_pages = {index for index, _ in links(parted)}
    assert len(linked_pages) >= 4  # the timeline and the four one-row parts
    for _, name in links(parted):
        target = reader.get_destination_page_number(destinations[name])
        assert references[name] in texts[target]
        assert "Annex: cited incidents" in "\n".join(texts[: target + 1])


def test_the_archive_and_the_machine_see_the_same_file(english_example, monkeypatch):
    whole = in_one_piece(english_example, monkeypatch)
    parted = in_parts(english_example, monkeypatch)
    reader = pdf_reader(parted)

    rdf = reader.xmp_metadata.rdf_root
    descriptions = rdf.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "*")
    assert {node.getAttributeNS(PDFAID, "part") for node in descriptions} - {""} == {"3"}
    assert reader.metadata.title == pdf_reader(whole).metadata.title
    name = english_example.attachment_name
    assert pdf_attachment(parted, name) == pdf_attachment(whole, name)
    for page in reader.pages:  # the page numbers' font too
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert in_parts(english_example, monkeypatch) == parted  # the same bytes again
