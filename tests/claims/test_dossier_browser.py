"""A doctor downloads the dossier of a submitted claim from the claim page, in Chromium."""

import hashlib

import pytest
from django.conf import settings
from django.test import Client
from dossier_example import pdf_attachment, worked_example_claim

from claims.services.claims import claim_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_doctor_downloads_the_dossier_from_the_claim_page(page, live_server, doctor, tmp_path):
    claim = worked_example_claim(doctor)
    claim = claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
    # Logged in through a session made by Django's test client: this test is about the
    # download, the login form has its own browser test.
    client = Client()
    client.force_login(doctor.user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )

    page.goto(f"/claims/{claim.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the dossier (PDF)").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    assert download.suggested_filename == f"dossier-claim-{claim.pk}.pdf"
    content = path.read_bytes()
    assert hashlib.sha256(content).hexdigest() == claim.dossier_sha256
    assert pdf_attachment(content, f"claim-{claim.pk}.json")["claim_summary"]["total"] == "302.42"
