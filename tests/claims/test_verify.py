"""Anyone can verify a dossier (issue 12): /verify/ and ``manage.py verify_dossier``.

Each way a file can differ from what was issued has its own verdict: a flipped byte, an
appended incremental update, a stripped attachment, a foreign PDF."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from dossier_example import worked_example_claim
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfWriter
from weasyprint import HTML

from claims.services.claims import claim_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle(client):
    # The throttle counts in Django's cache, which outlives a test in the same process.
    cache.clear()
    # The page in English, as the visitor chose it with the language switcher.
    client.cookies["django_language"] = "en"


@pytest.fixture
def stored(doctor, sealing):
    claim = claim_submit(
        claim=worked_example_claim(doctor), user=doctor.user, declaration_accepted=True
    )
    claim.refresh_from_db()
    return claim, claim.dossier.read()


def upload(client, content: bytes):
    return client.post(
        reverse("verify"),
        {"file": SimpleUploadedFile("dossier.pdf", content, "application/pdf")},
    )


def verdict(response) -> str:
    html = response.content.decode()
    marker = 'data-verdict="'
    assert marker in html, html[:2000]
    return html.split(marker, 1)[1].split('"', 1)[0]


def flip_a_byte(content: bytes) -> bytes:
    # In the middle of the file: inside a page's compressed content, covered by the seal.
    middle = len(content) // 3
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


def append_update(content: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def strip_attachment(content: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(content))
    root = writer._root_object
    for key in ("/Names", "/AF"):
        if key in root:
            del root[key]
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_a_stored_dossier_is_authentic_and_shows_only_number_and_period(client, stored):
    claim, content = stored
    response = upload(client, content)

    assert response.status_code == 200
    assert verdict(response) == "authentic"
    html = response.content.decode()
    assert f"#{claim.pk}" in html
    assert "Identical" in html
    # A stranger learns nothing else about the claim: no doctor, no amount.
    assert claim.doctor.user.last_name not in html
    assert claim.doctor.riziv_display not in html


def test_the_doctor_sees_their_claims_details(doctor_client, stored):
    claim, content = stored
    html = upload(doctor_client, content).content.decode()
    assert claim.doctor.riziv_display in html


def test_a_flipped_byte_is_named(client, stored):
    _, content = stored
    response = upload(client, flip_a_byte(content))
    assert verdict(response) == "changed"


def test_an_appended_incremental_update_is_named(client, stored):
    _, content = stored
    changed = append_update(content)
    response = upload(client, changed)
    assert verdict(response) == "appended"
    html = response.content.decode()
    assert f"update of {len(changed) - len(content)} bytes was appended" in html


def test_a_stripped_attachment_is_named(client, stored):
    _, content = stored
    response = upload(client, strip_attachment(content))
    assert verdict(response) == "stripped"


def test_another_pdf_is_not_issued_here(client, db):
    foreign = HTML(string="<p>A contract</p>").write_pdf()
    response = upload(client, foreign)
    assert verdict(response) == "not_issued"
    garbage = upload(client, b"not a pdf at all")
    assert verdict(garbage) == "not_issued"


def test_too_large_a_file_is_refused_with_a_message(client, settings, db):
    settings.VERIFY_MAX_BYTES = 1000
    response = upload(client, b"%PDF-1.7" + b"0" * 2000)
    assert response.status_code in (200, 413)
    assert (
        "larger than" in response.content.decode()
        or "groter" in response.content.decode()
        or ("plus grand" in response.content.decode())
    )
    assert 'data-verdict="' not in response.content.decode()


def test_uploads_are_throttled_per_address(client, settings, db):
    settings.VERIFY_PER_MINUTE = 2
    for _ in range(2):
        assert upload(client, b"x").status_code == 200
    response = upload(client, b"x")
    assert response.status_code == 429
    assert 'data-verdict="' not in response.content.decode()


def test_the_page_is_public_and_linked_from_the_footer(client, db):
    response = client.get(reverse("verify"))
    assert response.status_code == 200
    assert f'href="{reverse("verify")}"' in client.get(reverse("home")).content.decode()


def test_the_command_exits_0_only_for_an_authentic_dossier(stored, tmp_path):
    _, content = stored
    good = tmp_path / "good.pdf"
    good.write_bytes(content)
    output = io.StringIO()
    call_command("verify_dossier", str(good), stdout=output)
    assert output.getvalue().startswith("authentic")
    assert "figures: identical" in output.getvalue()

    for name, changed in (
        ("flipped.pdf", flip_a_byte(content)),
        ("appended.pdf", append_update(content)),
    ):
        path = tmp_path / name
        path.write_bytes(changed)
        with pytest.raises(CommandError) as raised:
            call_command("verify_dossier", str(path), stdout=io.StringIO())
        assert raised.value.returncode == 1


def test_the_verdict_costs_a_constant_number_of_queries(
    client, stored, django_assert_max_num_queries
):
    _, content = stored
    # Two lookups by SHA-256 (claims, earlier versions), one for a named claim; the
    # session, if any, on top. The same for any file.
    with django_assert_max_num_queries(4):
        assert verdict(upload(client, content)) == "authentic"
    with django_assert_max_num_queries(4):
        assert verdict(upload(client, flip_a_byte(content))) == "changed"
