"""CSV templates to download, in the doctor's language, that read back unchanged; and files
that use the words the forms show (service names, outcomes, headers) in any language."""

import re

import pytest
from claims_helpers import english
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import AffectedSlot, Consultation

pytestmark = pytest.mark.django_db


def upload(client, kind, content: bytes):
    return client.post(
        f"/claims/import/{kind}/", {"file": SimpleUploadedFile("file.csv", content, "text/csv")}
    ).content.decode()


def statuses(page):
    return re.findall(r'<tr class="import-(\w+)">', page)


@pytest.mark.parametrize(
    ("language", "slots_header", "consultations_header"),
    [
        ("fr", "début;fin;services;note", "début;durée (minutes);code;honoraires;services;issue"),
        ("nl", "begin;einde;diensten;opmerking", "begin;duur (minuten);code;honorarium;diensten"),
        ("en", "start;end;services;note", "start;duration_minutes;code;fee;services;outcome"),
    ],
)
def test_each_template_is_in_the_doctors_language_and_reads_back(
    doctor_client, language, slots_header, consultations_header
):
    doctor_client.cookies["django_language"] = language
    for kind, header in [("slots", slots_header), ("consultations", consultations_header)]:
        response = doctor_client.get(f"/claims/import/{kind}/template.csv")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith(header)
        assert "15/01/2024" in text  # day first, Belgian style
        page = upload(doctor_client, kind, response.content)
        assert statuses(page) == ["new"], (language, kind, page[page.find("import-error") :][:400])


def test_the_import_page_offers_the_template(doctor_client):
    page = english(doctor_client).get("/claims/import/slots/").content.decode()
    assert 'href="/claims/import/slots/template.csv"' in page


def test_service_names_as_the_forms_show_them_in_any_language(doctor_client, doctor):
    english(doctor_client)
    content = (
        b"start,end,services,note\n"
        b"2024-01-15T07:30,2024-01-15T08:00,eHealth authentication,\n"
        b"2024-01-15T08:30,2024-01-15T09:00,Authentification eHealth,\n"
        b"2024-01-15T09:30,2024-01-15T10:00,RECIP-E,\n"
    )
    page = upload(doctor_client, "slots", content)
    assert statuses(page) == ["new", "new", "new"], page[page.find("import-error") :][:400]


def test_translated_headers_and_outcome_words(doctor_client, doctor):
    english(doctor_client)
    content = (
        "Début;Durée (minutes);Code;Honoraires;Services;Issue\n"
        "15/01/2024 09:40;20;101076;31,81;recip-e;annulé\n"
        "15/01/2024 10:40;20;101076;;recip-e;Geannuleerd\n"
        "15/01/2024 11:40;20;101076;;recip-e;impayé\n"
    ).encode()
    page = upload(doctor_client, "consultations", content)
    assert statuses(page) == ["new", "new", "new"], page[page.find("import-error") :][:400]
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    doctor_client.post("/claims/import/consultations/", {"token": token})
    outcomes = sorted(Consultation.objects.values_list("outcome", flat=True))
    assert outcomes == ["cancelled", "cancelled", "unpaid"]
    assert not AffectedSlot.objects.exists()


def test_an_unknown_service_still_names_the_slugs(doctor_client, doctor):
    english(doctor_client)
    content = b"start,end,services,note\n2024-01-15T07:30,2024-01-15T08:00,telepathy,\n"
    page = upload(doctor_client, "slots", content)
    assert "Unknown service telepathy; use one of:" in page
    assert "recip-e" in page
