"""``manage.py claim_dossier``: the dossier of a doctor's claim for a period, to a file."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from dossier_example import (
    EXPECTED_SUMMARY,
    add_declarations,
    add_incidents,
    new_doctor,
    pdf_attachment,
    pdf_reader,
    pdf_text,
    worked_example_claim,
)

from claims.models import Claim, ClaimStatus
from claims.services.claims import claim_submit

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("claim_dossier", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_draft_and_writes_its_dossier(doctor, tmp_path):
    add_incidents()
    add_declarations(doctor)
    output = tmp_path / "dossier.pdf"

    message = run(
        "--doctor",
        "1-23456-78-004",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-31",
        "--output",
        str(output),
    )

    claim = Claim.objects.get(doctor=doctor)
    assert claim.status == ClaimStatus.DRAFT
    pdf = output.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf_attachment(pdf, f"claim-{claim.pk}.json")["claim_summary"] == EXPECTED_SUMMARY
    assert "302,42 €" in pdf_text(pdf)  # Anne Dupont writes French
    assert f"#{claim.pk}" in message


def test_it_writes_in_the_doctors_language(tmp_path):
    doctor = new_doctor(riziv="10000000197", language="nl")
    worked_example_claim(doctor)
    output = tmp_path / "nl.pdf"

    run(
        "--doctor",
        "10000000197",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-31",
        "--output",
        str(output),
    )

    assert pdf_reader(output.read_bytes()).trailer["/Root"]["/Lang"] == "nl"


def test_a_submitted_claim_gives_its_stored_dossier(doctor, tmp_path):
    claim = worked_example_claim(doctor)
    claim = claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
    output = tmp_path / "submitted.pdf"

    run(
        "--doctor",
        doctor.riziv,
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-31",
        "--output",
        str(output),
    )

    assert hashlib.sha256(output.read_bytes()).hexdigest() == claim.dossier_sha256
    assert Claim.objects.count() == 1


def test_it_refuses_an_unknown_doctor(db, tmp_path):
    with pytest.raises(CommandError, match="No doctor"):
        run(
            "--doctor",
            "99999999999",
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-31",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    assert not (tmp_path / "x.pdf").exists()


def test_it_refuses_a_period_ending_before_it_starts(doctor, tmp_path):
    with pytest.raises(CommandError, match="before"):
        run(
            "--doctor",
            doctor.riziv,
            "--from",
            "2024-01-31",
            "--to",
            "2024-01-01",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    assert not Claim.objects.exists()
