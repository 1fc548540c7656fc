"""The administrator's import preview as a newcomer reads it (issue 14): how each row was
understood (Brussels times, services, impact, status), a changed incident field by field,
one message for a wrong header, no warnings beside a blocking error, no "rows below" when
no row can be read, and the accepted values listed on the upload page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

HEADER = "reference,services,start,end,impact,status,title,source_url\n"


@pytest.fixture
def english(admin_client):
    admin_client.cookies["django_language"] = "en"
    return admin_client


def preview(client, content: bytes, name="incidents.csv") -> str:
    response = client.post(
        "/outages/import/", {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True
    )
    return response.content.decode()


def confirm(client, page):
    token = re.search(r"/outages/import/([^/]+)/confirm/", page).group(1)
    client.post(f"/outages/import/{token}/confirm/")


def test_the_preview_shows_how_each_row_was_read_then_what_changes(english):
    page = preview(
        english,
        (
            HEADER + "P-1,recip-e;mycarenet,2024-01-15T08:00,2024-01-15T10:30,partial_outage,"
            "provisional,Slow,\n"
        ).encode(),
    )
    rows = page[page.index('id="preview-rows"') :]
    for shown in ["15/01/2024 08:00", "15/01/2024 10:30", "Partial outage", "Provisional"]:
        assert shown in rows, shown
    assert re.search(r"(recip-e, mycarenet|mycarenet, recip-e)</td>", rows)
    confirm(english, page)

    page = preview(
        english,
        (
            HEADER + "P-1,recip-e,2024-01-15T08:00,2024-01-15T11:00,major_outage,confirmed,Slow,\n"
        ).encode(),
    )
    rows = page[page.index('id="preview-rows"') :]
    assert "Partial outage → Major outage" in rows
    assert "15/01/2024 10:30 → 15/01/2024 11:00" in rows
    assert re.search(r"(recip-e, mycarenet|mycarenet, recip-e) → recip-e", rows)


def test_a_wrong_header_is_one_message_without_warnings_beside_it(english):
    page = preview(english, b"ref,service,from,until,extra\nP-1,recip-e,x,y,z\n")
    errors = page[
        page.index('id="preview-errors"') : page.index("</ul>", page.index('id="preview-errors"'))
    ]
    assert errors.count("<li>") == 1 and "The header lacks" in errors
    assert errors.count("The header must name") == 1
    assert "Warnings (the import is still possible)" not in page


def test_a_binary_file_is_not_told_to_fix_rows_that_are_not_shown(english):
    page = preview(english, b"PK\x03\x04\x00\x00binary\x00\x00", name="incidents.xlsx")
    assert "cannot be imported" in page or "not" in page
    assert "Fix the rows below" not in page


def test_the_upload_page_lists_impacts_statuses_and_service_slugs(english):
    page = english.get("/outages/import/").content.decode()
    values = page[page.index('id="accepted-values"') :]
    for value in ["major_outage", "degraded_performance", "provisional", "recip-e", "mycarenet"]:
        assert f"<code>{value}</code>" in values
