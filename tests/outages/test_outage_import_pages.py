"""The admin's import pages: upload, preview, confirm through a task, result."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from outage_helpers import CSV_HEADER, run_import

from outages.models import ImportRecord, Incident, PendingImport

pytestmark = pytest.mark.django_db

UPLOAD = reverse("outages:import_upload")
GOOD = CSV_HEADER + (
    "EH-1,recip-e,2024-01-15T08:05,2024-01-15T12:20,major_outage,,MyCarenet down,\n"
    "EH-2,mycarenet,2024-01-22T08:15,2024-01-22T12:30,partial_outage,,,\n"
)


@pytest.fixture
def admin_en(admin_client):
    admin_client.cookies["django_language"] = "en"
    return admin_client


def upload(client, text, name="incidents.csv", format=""):
    data = text.encode() if isinstance(text, str) else text
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), "format": format})


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(UPLOAD).status_code == 302


@pytest.mark.parametrize("who", ["doctor_client", "reviewer_client"])
def test_doctors_and_reviewers_get_not_found(request, who):
    client = request.getfixturevalue(who)
    assert client.get(UPLOAD).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert Incident.objects.count() == 0


def test_the_admin_navbar_links_to_the_import_page(admin_en):
    assert UPLOAD in admin_en.get(reverse("outages:calendar")).content.decode()


def test_the_upload_page_lists_the_latest_imports(admin_en, django_assert_max_num_queries):
    run_import(GOOD, name="earlier.csv")
    with django_assert_max_num_queries(8):
        html = admin_en.get(UPLOAD).content.decode()
    assert "earlier.csv" in html
    for number in range(15):
        run_import(GOOD, name=f"again-{number}.csv")
    with django_assert_max_num_queries(8):
        admin_en.get(UPLOAD)


def test_upload_shows_a_preview_and_writes_nothing(admin_en):
    response = upload(admin_en, GOOD)
    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("outages:import_detail", args=[pending.token])
    assert Incident.objects.count() == 0
    assert ImportRecord.objects.count() == 0
    html = admin_en.get(response["Location"]).content.decode()
    assert 'data-fate="created"' in html
    assert "Confirm the import (2 new, 0 changed)" in html


def test_the_preview_shows_each_rows_fate(admin_en):
    run_import(GOOD)
    changed = GOOD.replace("12:30", "12:45") + (
        "EH-3,recip-e,2024-01-24T14:00,2024-01-24T15:52,partial_outage,,,\n"
    )
    response = upload(admin_en, changed)
    html = admin_en.get(response["Location"]).content.decode()
    rows = re.findall(r'data-fate="(\w+)">\s*<td>\d+</td>\s*<td>([^<]+)</td>', html)
    fates = {reference: fate for fate, reference in rows}
    assert fates == {"EH-1": "unchanged", "EH-2": "updated", "EH-3": "created"}
    assert "changes: end" in html


def test_confirming_applies_the_import_and_shows_the_result(admin_en, admin_user):
    token = upload(admin_en, GOOD)["Location"].rstrip("/").split("/")[-1]
    response = admin_en.post(reverse("outages:import_confirm", args=[token]))
    assert response["Location"] == reverse("outages:import_detail", args=[token])
    pending = PendingImport.objects.get()
    assert pending.state == PendingImport.State.APPLIED
    assert Incident.objects.count() == 2
    record = pending.import_record
    assert (record.created_count, record.created_by) == (2, admin_user)
    assert record.raw_file.read() == GOOD.encode()
    assert not pending.stored_file  # the record keeps the raw file; the pending copy is gone
    html = admin_en.get(response["Location"]).content.decode()
    assert "2 created, 0 updated, 0 unchanged" in html
    assert "?month=2024-01" in html


def test_confirming_twice_imports_once(admin_en):
    token = upload(admin_en, GOOD)["Location"].rstrip("/").split("/")[-1]
    confirm = reverse("outages:import_confirm", args=[token])
    admin_en.post(confirm)
    response = admin_en.post(confirm, follow=True)
    assert "already confirmed" in response.content.decode()
    assert ImportRecord.objects.count() == 1


def test_a_file_with_errors_cannot_be_confirmed(admin_en):
    bad = GOOD + "EH-3,ehbox,2024-01-24T14:00,,major_outage,,,\n"
    location = upload(admin_en, bad)["Location"]
    html = admin_en.get(location).content.decode()
    assert "Line 4, services:" in html
    assert "Confirm the import" not in html
    token = location.rstrip("/").split("/")[-1]
    admin_en.post(reverse("outages:import_confirm", args=[token]))
    assert Incident.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_a_stored_file_changed_after_the_preview_is_refused(admin_en):
    token = upload(admin_en, GOOD)["Location"].rstrip("/").split("/")[-1]
    pending = PendingImport.objects.get()
    with open(pending.stored_file.path, "ab") as stored:
        stored.write(b"EH-9,recip-e,2024-01-01T00:00,,major_outage,,,\n")
    response = admin_en.post(reverse("outages:import_confirm", args=[token]), follow=True)
    assert "no longer matches" in response.content.decode()
    assert Incident.objects.count() == 0
    pending.refresh_from_db()
    assert pending.state == PendingImport.State.FAILED


def test_another_session_cannot_see_or_confirm_an_upload(admin_en, client, django_user_model):
    token = upload(admin_en, GOOD)["Location"].rstrip("/").split("/")[-1]
    other = django_user_model.objects.create_superuser(email="other@example.org", password="x")
    client.force_login(other)
    assert client.get(reverse("outages:import_detail", args=[token])).status_code == 404
    assert client.post(reverse("outages:import_confirm", args=[token])).status_code == 404
    assert Incident.objects.count() == 0


def test_a_file_over_the_limit_is_refused_by_the_form(admin_en, settings):
    settings.MAX_UPLOAD_BYTES = 50
    response = upload(admin_en, GOOD)
    assert response.status_code == 200
    assert "the limit is" in response.content.decode()
    assert PendingImport.objects.count() == 0


def test_a_binary_file_gets_a_clear_message(admin_en):
    location = upload(admin_en, bytes(range(256)), name="incidents.csv")["Location"]
    assert "This is not a text file" in admin_en.get(location).content.decode()


def test_an_unguessable_format_asks_for_it(admin_en):
    response = upload(admin_en, "hello\n", name="notes.dat")
    assert response.status_code == 200
    assert "choose it here" in response.content.decode()
    assert upload(admin_en, "hello\n", name="notes.dat", format="csv").status_code == 302


def test_statuspage_warnings_are_shown_in_the_preview(admin_en):
    text = (
        '{"incidents": [{"id": "a1", "name": "x", "impact": "minor", '
        '"created_at": "2024-01-15T08:00:00Z", "resolved_at": null, "shortlink": "", '
        '"components": [{"name": "Recip-e"}, {"name": "Website"}]}]}'
    )
    location = upload(admin_en, text, name="incidents.json")["Location"]
    assert "The component “Website” matches no service." in admin_en.get(location).content.decode()


def test_admins_download_the_raw_file_of_an_import(admin_user, doctor):
    data = GOOD.encode()
    record = run_import(data, name="raw.csv").import_record
    url = reverse("outages:import_raw_file", args=[record.pk])
    assert Client().get(url).status_code == 302  # anonymous: to login
    as_doctor = Client()
    as_doctor.force_login(doctor.user)
    assert as_doctor.get(url).status_code == 404
    as_admin = Client()
    as_admin.force_login(admin_user)
    response = as_admin.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert 'filename="raw.csv"' in response["Content-Disposition"]


def test_the_django_admin_shows_imports_and_pending_imports(admin_client):
    record = run_import(GOOD, name="raw.csv").import_record
    page = admin_client.get(reverse("admin:outages_importrecord_change", args=[record.pk]))
    assert page.status_code == 200
    assert reverse("outages:import_raw_file", args=[record.pk]) in page.content.decode()
    upload(admin_client, GOOD)
    assert admin_client.get(reverse("admin:outages_pendingimport_changelist")).status_code == 200
