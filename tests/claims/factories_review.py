"""Submitted claims for the review tests, built through the claims feature's own services
(declarations, ``claim_file``), with a small generated dossier PDF when the dossier feature
did not store one."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from pypdf import PdfReader

from accounts.services import doctor_register
from claims.models import Claim, ClaimStatus, Outcome
from claims.services.claims import claim_file
from claims.services.declarations import consultation_create, slot_create
from outages.intervals import BRUSSELS
from outages.models import Impact, Incident, IncidentStatus, Service

JANUARY = (date(2024, 1, 1), date(2024, 1, 31))
FEBRUARY = (date(2024, 2, 1), date(2024, 2, 29))


def at(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=BRUSSELS)


def services(*slugs: str) -> list[Service]:
    return list(Service.objects.filter(slug__in=slugs))


def incident(
    reference: str,
    slugs: tuple[str, ...],
    start: datetime,
    end: datetime | None,
    impact: str = Impact.MAJOR_OUTAGE,
    status: str = IncidentStatus.CONFIRMED,
) -> Incident:
    created = Incident.objects.create(
        reference=reference, start=start, end=end, impact=impact, status=status
    )
    created.services.set(services(*slugs))
    return created


def recip_e_outage() -> Incident:
    """Monday 15 January 2024, 08:00–11:00, Recip-e and MyCarenet down."""
    return incident("REV-1", ("recip-e", "mycarenet"), at(15, 8), at(15, 11))


def declare_slot(doctor, start: datetime, end: datetime, slugs=("recip-e",), note=""):
    return slot_create(doctor=doctor, start=start, end=end, services=services(*slugs), note=note)


def declare_consultation(
    doctor,
    start: datetime,
    minutes: int = 20,
    outcome: str = Outcome.CANCELLED,
    slugs=("recip-e",),
    fee: Decimal | None = Decimal("31.81"),
    code: str = "101076",
):
    return consultation_create(
        doctor=doctor,
        start=start,
        duration_minutes=minutes,
        code=code,
        fee=fee,
        services=services(*slugs),
        outcome=outcome,
    )


def blank_pdf(pages: int = 1, title: str = "") -> bytes:
    """A PDF of blank A4 pages, in a millisecond (no rendering)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def use_fast_dossiers(monkeypatch, pages: int = 2) -> None:
    """Make ``claim_submit`` store a blank ``pages``-page dossier instead of rendering the
    real one (a second or more each): for tests about review, not about dossiers."""
    # The dossier is made right after submission (claims.services.dossier_jobs): its
    # rendering is what is replaced; sealing (a no-op without a certificate) and storing stay.
    import claims.services.dossier_jobs as dossier_jobs

    def render(claim: Claim) -> bytes:
        # Each submission's bytes differ, as a real dossier's do (its snapshot and date).
        title = f"claim {claim.pk} submitted {claim.submitted_at.isoformat()} {claim.total}"
        return blank_pdf(pages, title=title)

    monkeypatch.setattr(dossier_jobs, "_render", render)


def small_pdf(claim_id: int, pages: int = 1) -> bytes:
    """A real little PDF of ``pages`` pages, each saying which claim it belongs to."""
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always">Claim {claim_id}, page {n + 1}</section>'
        for n in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def attach_dossier(claim: Claim, pages: int = 1) -> Claim:
    """Store a dossier like the dossier feature does (file + SHA-256) if none is stored."""
    if claim.dossier:
        return claim
    data = small_pdf(claim.pk, pages)
    claim.dossier.save(f"claim-{claim.pk}.pdf", ContentFile(data), save=False)
    claim.dossier_sha256 = hashlib.sha256(data).hexdigest()
    Claim.objects.filter(pk=claim.pk).update(
        dossier=claim.dossier.name, dossier_sha256=claim.dossier_sha256
    )
    return claim


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


_rizivs = iter(range(10_000_000_000, 99_999_999_999, 7_919))


def new_doctor(language: str = "fr", last_name: str = "Martin"):
    riziv = str(next(_rizivs))
    return doctor_register(
        email=f"doctor-{riziv}@example.org",
        password="correct-horse-battery-staple",
        first_name="Marie",
        last_name=last_name,
        riziv=riziv,
        language=language,
    )


def submitted_claim(
    doctor=None,
    *,
    period=JANUARY,
    slots=((15, 7, 30, 15, 10, 0),),
    cancelled=((15, 9, 40),),
    dossier_pages: int | None = 1,
    language: str = "fr",
) -> Claim:
    """A submitted claim of January 2024 against ``recip_e_outage`` (create it first).

    ``slots``: (day, hour, minute, day, hour, minute) in January; ``cancelled``: (day,
    hour, minute) of cancelled 20-minute consultations needing Recip-e.
    """
    doctor = doctor or new_doctor(language=language)
    month = period[0].month
    for d1, h1, m1, d2, h2, m2 in slots:
        declare_slot(doctor, at(d1, h1, m1, month), at(d2, h2, m2, month))
    for day, hour, minute in cancelled:
        declare_consultation(doctor, at(day, hour, minute, month))
    claim = claim_file(
        doctor=doctor,
        first_day=period[0],
        last_day=period[1],
        user=doctor.user,
        declaration_accepted=True,
    )
    assert claim.status == ClaimStatus.SUBMITTED
    if dossier_pages:
        attach_dossier(claim, dossier_pages)
    return claim


def clone_claims(template: Claim, count: int, *, totals=None, language: str = "fr") -> list[Claim]:
    """``count`` submitted claims copied from ``template`` (its snapshot, figures and stored
    dossier), each of a new doctor, in a few bulk queries: for tests about many claims."""
    from claims.models import Doctor, User

    first = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(
                email=f"clone-{first + n}@example.org",
                first_name="Clone",
                last_name=f"Doctor {first + n:05d}",
                language=language,
            )
            for n in range(count)
        ]
    )
    doctors = Doctor.objects.bulk_create(
        [
            Doctor(user=user, riziv=f"{50_000_000_000 + first + n:011d}")
            for n, user in enumerate(users)
        ]
    )
    totals = totals or [template.total] * count
    return Claim.objects.bulk_create(
        [
            Claim(
                doctor=doctor,
                period_start=template.period_start,
                period_end=template.period_end,
                status=template.status,
                methodology_id=template.methodology_id,
                declaration_accepted=True,
                submitted_at=template.submitted_at,
                snapshot=template.snapshot,
                lost_minutes=template.lost_minutes,
                total=total,
                dossier=template.dossier.name,
                dossier_sha256=template.dossier_sha256,
            )
            for doctor, total in zip(doctors, totals, strict=True)
        ]
    )
