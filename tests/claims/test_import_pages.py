"""Uploading slots and consultations in the browser: a preview with each row's fate,
then one confirmation; nothing written before it, nothing at all when a row is wrong."""

import re

import pytest
from claims_helpers import WORKED_EXAMPLE, at, english, make_slot
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import AffectedSlot, Consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(doctor_client):
    return english(doctor_client)


def upload(client, kind, content: bytes, name="file.csv"):
    return client.post(
        f"/claims/import/{kind}/", {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_a_preview_then_a_confirmation_imports_the_agenda(client_en, doctor):
    content = (WORKED_EXAMPLE / "consultations.csv").read_bytes()
    preview = upload(client_en, "consultations", content, "agenda.csv")
    text = preview.content.decode()
    assert "Preview: agenda.csv" in text
    assert "5 new" in text and "0 with errors" in text
    assert not Consultation.objects.exists()  # nothing before the confirmation

    response = client_en.post("/claims/import/consultations/", {"token": token_of(preview)})
    assert response.status_code == 302
    assert Consultation.objects.filter(doctor=doctor).count() == 5
    page = client_en.get(response["Location"]).content.decode()
    assert "Imported: 5 new, 0 changed, 0 unchanged." in page


def test_the_preview_says_what_is_new_changed_unchanged_or_wrong(client_en, doctor):
    make_slot(doctor, at(7, 30), at(10), ["recip-e"])
    make_slot(doctor, at(12), at(13), ["recip-e"], note="old")
    content = (
        b"start,end,services,note\n"
        b"2024-01-15T07:30,2024-01-15T10:00,recip-e,\n"
        b"2024-01-15T12:00,2024-01-15T13:00,recip-e,new\n"
        b"2024-01-15T14:00,2024-01-15T15:00,recip-e,\n"
        b"2024-01-15T16:00,2024-01-15T15:00,recip-e,\n"
    )
    text = upload(client_en, "slots", content).content.decode()
    statuses = re.findall(r'<tr class="import-(\w+)">', text)
    assert statuses == ["unchanged", "changed", "new", "error"]
    assert "The end must be after the start." in text
    assert "Nothing will be written" in text
    assert 'name="token"' not in text  # no confirmation for a file with an error
    assert AffectedSlot.objects.count() == 2


def test_an_upload_over_the_limit_is_refused(client_en, settings):
    settings.MAX_UPLOAD_BYTES = 50
    text = upload(client_en, "slots", b"start,end,services,note\n" + b"x" * 100).content.decode()
    assert "The file is too large" in text


def test_a_binary_upload_is_refused_with_a_message(client_en):
    text = upload(client_en, "slots", b"%PDF-1.7\n\x00\x01binary").content.decode()
    assert "This is not a CSV text file" in text


def test_an_expired_or_foreign_token_writes_nothing(client_en, client, other_doctor):
    content = (WORKED_EXAMPLE / "slots.csv").read_bytes()
    token = token_of(upload(client_en, "slots", content))
    # The other doctor cannot confirm the first doctor's upload.
    client.force_login(other_doctor.user)
    english(client)
    response = client.post("/claims/import/slots/", {"token": token})
    assert response.status_code == 302
    assert not AffectedSlot.objects.exists()
    response = client.post("/claims/import/slots/", {"token": "../../etc/passwd"})
    assert response.status_code == 302
    assert not AffectedSlot.objects.exists()


def test_an_unknown_import_kind_is_404(client_en):
    assert client_en.get("/claims/import/doctors/").status_code == 404


def test_it_handles_dst_an_uploaded_summer_time_is_utc_plus_two(client_en, doctor):
    from datetime import UTC

    content = (
        b"start,duration_minutes,code,fee,services,outcome\n"
        b"2024-03-31T03:30,20,101076,,recip-e,completed\n"
    )
    token = token_of(upload(client_en, "consultations", content))
    client_en.post("/claims/import/consultations/", {"token": token})
    start = Consultation.objects.get(doctor=doctor).start.astimezone(UTC)
    assert (start.hour, start.minute) == (1, 30)
