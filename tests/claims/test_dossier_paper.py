"""The dossier on paper (issue 12), read back from the PDF's text positions (pdfplumber):
long notes, service names and references never overprint each other or split; dates are
day-first in every language; the declaration printed is the one shown beside the box."""

import io
import re
from datetime import UTC, date, datetime
from html import unescape

import pdfplumber
import pytest
from django.urls import reverse
from django.utils import formats, translation
from dossier_example import FIRST_DAY, LAST_DAY, new_doctor, worked_example_claim

from claims.declaration import CURRENT_VERSION, declaration_text
from claims.models import AffectedSlot
from claims.services.claims import claim_submit
from outages.models import Incident, Service

pytestmark = pytest.mark.django_db

LONG_NOTE = (
    "Consultations du matin reportées: Recip-e refusait chaque prescription électronique et "
    "MyCarenet ne répondait plus pour l'assurabilité des patients de la salle d'attente"
)
LONG_REFERENCES = {
    "EX-1": "EH-2024-0115-RECIPE-MAJOR-A",
    "EX-2": "EH-2024-0115-MYCARENET-PART-B",
}
LONG_SERVICE = {
    "fr": "Recip-e (prescription électronique des médicaments et des soins)",
    "nl": "Recip-e (elektronisch voorschrift van geneesmiddelen en zorgen)",
    "en": "Recip-e (electronic prescription of medicines and care)",
}
RIZIV = {"fr": "12345678004", "nl": "10000000197", "en": "98765432101"}


def long_texts_dossier(language: str) -> tuple[bytes, object]:
    doctor = new_doctor(riziv=RIZIV[language], language=language)
    claim = worked_example_claim(doctor)
    for old, new in LONG_REFERENCES.items():
        Incident.objects.filter(reference=old).update(reference=new)
    Service.objects.filter(slug="recip-e").update(
        name_fr=LONG_SERVICE["fr"], name_nl=LONG_SERVICE["nl"], name_en=LONG_SERVICE["en"]
    )
    AffectedSlot.objects.filter(doctor=doctor).update(note=LONG_NOTE)
    claim = claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
    claim.refresh_from_db()
    return claim.dossier.read(), claim


def words_overlap(a, b, tolerance=0.5) -> bool:
    return (
        min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tolerance
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > tolerance
    )


def overlapping_words(page) -> list[tuple[str, str]]:
    words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
    found = []
    for index, word in enumerate(words):
        for other in words[index + 1 :]:
            if other["top"] > word["bottom"]:
                continue
            if words_overlap(word, other):
                found.append((word["text"], other["text"]))
    return found


def lines(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [line for page in document.pages for line in (page.extract_text() or "").split("\n")]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_long_texts_never_overprint_and_references_never_split(language):
    pdf, _ = long_texts_dossier(language)

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            assert overlapping_words(page) == [], f"page {number} ({language})"
    text_lines = lines(pdf)
    for reference in LONG_REFERENCES.values():
        whole = [line for line in text_lines if reference in line]
        assert whole, f"{reference} is never printed whole ({language})"
        # Every line that prints the start or the end of a reference prints all of it.
        head, tail = reference[:16], reference[-9:]
        cut = [line for line in text_lines if (head in line or tail in line)]
        assert all(reference in line for line in cut), (reference, cut)
    # The note is printed, every word of it (wrapped inside its own column).
    printed_words = set(" ".join(text_lines).split())
    assert set(LONG_NOTE.split()) <= printed_words


def test_english_dossiers_write_the_day_first():
    pdf, claim = long_texts_dossier("en")
    text = flat(" ".join(lines(pdf)))
    # The cover: "1 January 2024"; the tables: "15/01/2024"; never "Jan. 1, 2024" or 01/15.
    assert "1 January 2024" in text and "31 January 2024" in text
    assert "15/01/2024" in text
    assert "01/15/2024" not in text and "Jan. 1, 2024" not in text


def claim_page(client, doctor) -> str:
    client.force_login(doctor.user)
    response = client.get(
        reverse("claims:claim_period"),
        {"from": FIRST_DAY.isoformat(), "to": LAST_DAY.isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_english_pages_write_the_day_first(client):
    doctor = new_doctor(riziv=RIZIV["en"], language="en")
    worked_example_claim(doctor)
    html = claim_page(client, doctor)
    assert "January 2024" in html
    assert "Jan. 1, 2024" not in html and "January 1, 2024" not in html
    assert "01/15/2024" not in html


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_the_declaration_printed_is_the_one_beside_the_box(client, language):
    doctor = new_doctor(riziv=RIZIV[language], language=language)
    claim = worked_example_claim(doctor)
    words = declaration_text(CURRENT_VERSION, language)
    assert words in claim_page(client, doctor)

    claim = claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
    claim.refresh_from_db()
    assert claim.declaration_version == CURRENT_VERSION
    printed = flat(" ".join(lines(claim.dossier.read())))
    assert flat(words) in printed


def test_english_messages_write_the_day_first():
    # What the web messages use (e.g. "overlaps your claim from … to …").
    with translation.override("en"):
        assert formats.date_format(date(2024, 1, 9)) == "9 January 2024"
        assert formats.date_format(date(2024, 1, 9), "SHORT_DATE_FORMAT") == "09/01/2024"
        assert formats.date_format(
            datetime(2024, 1, 9, 8, 5, tzinfo=UTC), "SHORT_DATETIME_FORMAT"
        ) == ("09/01/2024 08:05")
