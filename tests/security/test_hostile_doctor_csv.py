"""Issue 11, point 1: a doctor's CSV is bounded while it is read (columns, line length,
rows, preview size), refused with a clear message, never a worker's memory."""

import pytest
from claims_helpers import english
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from claims.importers.csvfile import ImportFileError, read_csv
from claims.models import AffectedSlot

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(doctor_client):
    return english(doctor_client)


def upload(client, content: bytes):
    return client.post(
        "/claims/import/slots/", {"file": SimpleUploadedFile("agenda.csv", content, "text/csv")}
    )


def slot_rows(count: int) -> bytes:
    lines = ["start,end,services,note"]
    for n in range(count):
        day, minute = 1 + n // 600 % 28, n % 600
        lines.append(
            f"2023-02-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d},"
            f"2023-02-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d},recip-e,"
        )
    return ("\n".join(lines) + "\n").encode()


def test_a_header_of_100000_columns_is_refused_before_any_row_is_built(client_en):
    header = ",".join(f"c{n}" for n in range(100_000))
    content = (header + "\n" + "\n".join("x," * 10 for _ in range(300))).encode()
    response = upload(client_en, content)
    assert response.status_code == 200
    text = response.content.decode()
    assert "longer than" in text or "at most" in text
    assert 'name="token"' not in text


def test_too_many_columns_on_a_short_line_are_refused(settings):
    settings.IMPORT_MAX_COLUMNS = 10
    # In English whatever an earlier test in this process left active.
    with translation.override("en"), pytest.raises(ImportFileError) as refused:
        read_csv(("a," * 20 + "\n1\n").encode())
    assert "21 columns" in str(refused.value.message)


def test_a_file_of_40000_rows_is_refused_with_a_message(client_en):
    response = upload(client_en, slot_rows(40_000))
    text = response.content.decode()
    assert "more than 5000 rows" in text
    assert "split it" in text
    assert len(response.content) < 200_000
    assert not AffectedSlot.objects.exists()


def test_a_quoted_field_over_the_limit_is_refused_not_a_500(client_en, settings):
    settings.IMPORT_MAX_LINE_CHARS = 1000
    field = "\n".join("y" * 900 for _ in range(5))
    response = upload(client_en, f'start,end,services,note\n1,2,3,"{field}"\n'.encode())
    assert response.status_code == 200
    assert "cannot be read as CSV" in response.content.decode()


def test_the_preview_page_shows_a_bounded_number_of_rows(client_en, settings):
    settings.IMPORT_PREVIEW_ROWS = 50
    response = upload(client_en, slot_rows(400))
    text = response.content.decode()
    assert text.count('<tr class="import-') == 50
    assert "350 more rows are not shown" in text
