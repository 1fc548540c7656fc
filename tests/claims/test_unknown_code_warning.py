"""A fee typed for a code the nomenclature table lacks is accepted (a newer code, a private
fee) but was accepted without a word, so a typo in the code went unnoticed: the form and
the CSV preview both warn now."""

import re

import pytest
from claims_helpers import english
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Consultation
from outages.models import Service

pytestmark = pytest.mark.django_db

WARNING = "Code 999999 is not in the nomenclature table on"


@pytest.fixture
def client_en(doctor_client):
    return english(doctor_client)


def _post(client, code, fee):
    return client.post(
        "/claims/consultations/new/",
        {
            "start": "2024-01-15T09:40",
            "duration_minutes": "20",
            "code": code,
            "fee": fee,
            "services": [Service.objects.get(slug="recip-e").pk],
            "outcome": "cancelled",
        },
        follow=True,
    )


def test_the_form_saves_it_and_warns(client_en, doctor):
    page = _post(client_en, "999999", "12.50").content.decode()
    assert "The consultation is saved." in page
    assert WARNING in page
    assert Consultation.objects.get(doctor=doctor).code == "999999"


def test_a_known_code_saves_without_warning(client_en, doctor):
    page = _post(client_en, "101076", "31.81").content.decode()
    assert "The consultation is saved." in page
    assert "is not in the nomenclature table" not in page


def test_the_csv_preview_warns_on_that_row_and_still_imports(client_en, doctor):
    content = (
        b"start,duration_minutes,code,fee,services,outcome\n"
        b"2024-01-15T09:40,20,101076,31.81,recip-e,cancelled\n"
        b"2024-01-15T10:40,20,999999,12.50,recip-e,cancelled\n"
    )
    response = client_en.post(
        "/claims/import/consultations/",
        {"file": SimpleUploadedFile("agenda.csv", content, "text/csv")},
    )
    text = response.content.decode()
    assert "1 to check" in text and "0 with errors" in text
    rows = re.findall(r'<tr class="import-\w+">(.*?)</tr>', text, re.S)
    assert [WARNING in row for row in rows] == [False, True]
    assert 'name="token"' in text  # the import stays possible


def test_the_next_consultation_form_says_what_it_took_from_the_last_one(client_en, doctor):
    _post(client_en, "101076", "31.81")
    page = client_en.get("/claims/consultations/new/").content.decode()
    kept = page[page.index('id="kept-from-previous"') :]
    assert "Monday 15 January 2024 at 09:40" in kept
    assert "(20 min)" in kept and "(101076)" in kept
