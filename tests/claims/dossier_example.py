"""The worked example of methodology.md (shared/examples/worked-example), built through
the ORM for the dossier tests: incidents EX-1..EX-4, slots S1 and S2, consultations
C1..C5, claimed for January 2024. Its total is 302.42 EUR, citing EX-1 and EX-2."""

import io
import json
from datetime import date, datetime
from decimal import Decimal

import pypdfium2
from pypdf import PdfReader

from accounts.services import doctor_register
from claims.models import AffectedSlot, Consultation
from claims.services.claims import claim_get_or_create_draft
from outages.intervals import BRUSSELS
from outages.models import Incident, Service

FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2024, 1, 31)

EXPECTED_SUMMARY = {
    "doctor": "12345678004",
    "from": "2024-01-01",
    "to": "2024-01-31",
    "methodology": "ABSyM-2024.1",
    "declared_minutes": 270,
    "verified_minutes": 180,
    "unverified_minutes": 90,
    "slot_lost_minutes": 145,
    "catch_up_minutes": 11,
    "lost_minutes": 156,
    "hourly_rate": "90.00",
    "time_value": "234.00",
    "revenue_loss": "68.42",
    "total": "302.42",
    "currency": "EUR",
    "affected_consultations": 4,
    "incidents": ["EX-1", "EX-2"],
}

INCIDENTS = [
    ("EX-1", ["recip-e"], (8, 0), (10, 0), "major_outage", "confirmed"),
    ("EX-2", ["recip-e", "mycarenet"], (9, 30), (11, 0), "partial_outage", "confirmed"),
    ("EX-3", ["mycarenet"], (14, 0), (15, 0), "degraded_performance", "confirmed"),
    ("EX-4", ["recip-e"], (16, 0), (17, 0), "major_outage", "provisional"),
]
SLOTS = [((7, 30), (10, 0), ["recip-e"]), ((9, 45), (12, 0), ["recip-e", "mycarenet"])]
CONSULTATIONS = [
    ((8, 15), 20, "101076", "31.81", ["recip-e"], "completed"),
    ((9, 40), 20, "101076", "31.81", ["recip-e", "mycarenet"], "cancelled"),
    ((10, 30), 15, "101496", "36.61", ["mycarenet"], "unpaid"),
    ((11, 30), 20, "101076", "31.81", ["recip-e"], "completed"),
    ((10, 50), 20, "101076", "31.81", ["recip-e", "mycarenet"], "completed"),
]


def new_doctor(*, riziv: str, language: str):
    return doctor_register(
        email=f"doctor-{riziv}@example.org",
        password="correct-horse-battery-staple",
        first_name="Bart",
        last_name="Janssens",
        riziv=riziv,
        language=language,
    )


def at(hour_minute, day=date(2024, 1, 15)):
    return datetime(day.year, day.month, day.day, *hour_minute, tzinfo=BRUSSELS)


def services(slugs):
    return list(Service.objects.filter(slug__in=slugs))


def add_incidents(references=None):
    for reference, slugs, start, end, impact, status in INCIDENTS:
        if references is not None and reference not in references:
            continue
        incident = Incident.objects.create(
            reference=reference,
            title=f"Worked example {reference}",
            start=at(start),
            end=at(end),
            impact=impact,
            status=status,
            source_url=f"https://status.example.org/{reference}",
        )
        incident.services.set(services(slugs))


def add_declarations(doctor):
    for start, end, slugs in SLOTS:
        slot = AffectedSlot.objects.create(doctor=doctor, start=at(start), end=at(end))
        slot.services.set(services(slugs))
    for start, duration, code, fee, slugs, outcome in CONSULTATIONS:
        consultation = Consultation.objects.create(
            doctor=doctor,
            start=at(start),
            duration_minutes=duration,
            code=code,
            fee=Decimal(fee),
            outcome=outcome,
        )
        consultation.services.set(services(slugs))


def worked_example_claim(doctor, *, incidents=True):
    """The doctor's draft claim for January 2024 over the worked example."""
    if incidents:
        add_incidents()
    add_declarations(doctor)
    return claim_get_or_create_draft(doctor=doctor, first_day=FIRST_DAY, last_day=LAST_DAY)


# --- reading a PDF back ---------------------------------------------------------------------


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text. PDFium reads text twenty times faster than pypdf: the suite reads
    dozens of dossiers back."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            document[number].get_textpage().get_text_bounded().replace("\r\n", "\n")
            for number in range(len(document))
        ]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def pdf_attachment(pdf: bytes, name: str) -> dict:
    (content,) = pdf_reader(pdf).attachments[name]
    return json.loads(content)
