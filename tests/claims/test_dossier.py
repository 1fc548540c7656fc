"""The dossier PDF, read back: figures, incidents, language, PDF/A-3, attachment, pages."""

import socket
from datetime import date, datetime
from decimal import Decimal

import pytest
from dossier_example import (
    EXPECTED_SUMMARY,
    FIRST_DAY,
    LAST_DAY,
    add_incidents,
    new_doctor,
    pages_text,
    pdf_attachment,
    pdf_reader,
    pdf_text,
    services,
    worked_example_claim,
)
from weasyprint.urls import FatalURLFetchingError

from claims.calculation import claim_summary_dict
from claims.dossier.data import dossier_data
from claims.dossier.render import (
    BASE_URL,
    DossierResourceRefused,
    StaticFilesFetcher,
    dossier_html,
    dossier_pdf,
    html_to_pdf,
)
from claims.models import AffectedSlot, Consultation
from claims.selectors import claim_report
from claims.services.claims import claim_get_or_create_draft, claim_submit
from claims.snapshot import snapshot_recompute
from outages.intervals import BRUSSELS
from outages.models import Incident

pytestmark = pytest.mark.django_db

PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def submitted(claim):
    return claim_submit(claim=claim, user=claim.doctor.user, declaration_accepted=True)


def render(claim) -> bytes:
    return dossier_pdf(dossier_data(claim=claim))


def dutch(amount: Decimal) -> str:
    """1234.5 → "1.234,50", written without Django, to check Django's Dutch format."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


# --- what the reader sees ---------------------------------------------------------------------


def test_it_shows_the_total_and_every_cited_incident_in_the_french_number_format(doctor):
    text = pdf_text(render(worked_example_claim(doctor)))

    assert "302,42 €" in text
    assert "234,00 €" in text and "68,42 €" in text
    assert "302.42" not in text
    assert "EX-1" in text and "EX-2" in text
    # Degraded performance and provisional incidents are not counted, so never cited.
    assert "EX-3" not in text and "EX-4" not in text
    assert "1-23456-78-004" in text
    assert "Anne Dupont" in text
    assert "https://status.example.org/EX-1" in text


def test_a_dutch_doctors_dossier_has_dutch_numbers_and_says_it_is_dutch():
    doctor = new_doctor(riziv="10000000197", language="nl")
    claim = worked_example_claim(doctor)
    # Enough cancelled consultations to pass a thousand euros: the grouping shows.
    for day in range(16, 31):
        for hour in (9, 10, 14):
            consultation = Consultation.objects.create(
                doctor=doctor,
                start=datetime(2024, 1, day, hour, tzinfo=BRUSSELS),
                duration_minutes=20,
                code="101076",
                fee=Decimal("31.81"),
                outcome="cancelled",
            )
            consultation.services.set(services(["recip-e"]))
        incident = Incident.objects.create(
            reference=f"NL-{day}",
            start=datetime(2024, 1, day, 8, tzinfo=BRUSSELS),
            end=datetime(2024, 1, day, 16, tzinfo=BRUSSELS),
            impact="major_outage",
        )
        incident.services.set(services(["recip-e"]))
    result = claim_report(claim=claim).result
    assert result.total > 1000

    pdf = render(claim)
    text = pdf_text(pdf)

    assert dutch(result.total) + " €" in text
    assert "1-00000-00-197" in text
    for reference in result.cited_incidents:
        assert reference in text
    assert pdf_reader(pdf).trailer["/Root"]["/Lang"] == "nl"
    assert '<html lang="nl">' in dossier_html(dossier_data(claim=claim))


def test_an_english_dossier_reads_in_english(doctor):
    doctor.user.language = "en"
    doctor.user.save()
    claim = worked_example_claim(doctor)

    text = pdf_text(render(claim))

    assert "302.42 €" in text
    assert "Declaration on honour" in text
    assert "Annex: cited incidents" in text
    assert "DRAFT, not submitted" in text
    # Durations read "2 h 36 min", as on the claim page.
    assert "2 h 36 min" in text


def test_every_page_carries_its_number_and_the_claim_id(doctor):
    claim = worked_example_claim(doctor)
    texts = pages_text(render(claim))
    pages = len(texts)

    assert pages >= 3
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {pages}" in text
        assert f"Demande n° {claim.pk}" in text  # the French doctor's running header


def test_the_timeline_shows_slots_and_verified_pieces_in_brussels_time(doctor):
    doctor.user.language = "en"
    doctor.user.save()
    text = pdf_text(render(worked_example_claim(doctor)))

    assert "Monday 15 January 2024" in text
    assert "07:30–10:00" in text and "09:45–12:00" in text  # the slots
    assert "08:00–10:00" in text and "09:45–11:00" in text  # what is verified of them
    assert "07:30–08:00" in text and "11:00–12:00" in text  # what is not


def test_it_handles_dst_the_night_clocks_go_forward(doctor):
    # 31 March 2024: 02:00 becomes 03:00 in Brussels. The incident lasts three real hours.
    incident = Incident.objects.create(
        reference="DST-1",
        start=datetime(2024, 3, 31, 1, 0, tzinfo=BRUSSELS),
        end=datetime(2024, 3, 31, 5, 0, tzinfo=BRUSSELS),
        impact="major_outage",
    )
    incident.services.set(services(["recip-e"]))
    slot = AffectedSlot.objects.create(
        doctor=doctor,
        start=datetime(2024, 3, 31, 1, 30, tzinfo=BRUSSELS),
        end=datetime(2024, 3, 31, 3, 30, tzinfo=BRUSSELS),
    )
    slot.services.set(services(["recip-e"]))
    doctor.user.language = "en"
    doctor.user.save()
    claim = claim_get_or_create_draft(
        doctor=doctor, first_day=date(2024, 3, 1), last_day=date(2024, 3, 31)
    )

    text = pdf_text(render(claim))

    # 01:30 to 03:30 on that night is one hour, not two.
    assert "01:30–03:30" in text
    assert "01:30–03:30 · 1 h" in text
    assert "DST-1" in text
    assert claim_report(claim=claim).result.verified_minutes == 60


def test_the_affected_consultations_show_the_rule_applied_and_the_others_are_counted(doctor):
    doctor.user.language = "en"
    doctor.user.save()
    text = pdf_text(render(worked_example_claim(doctor)))

    assert "5 consultations are declared in the period" in text
    assert "4 are affected" in text
    assert "1 is not affected" in text
    assert "Rule 5" in text and "Rule 7" in text
    assert "11:30" not in text  # C4, not affected, is counted but not listed


# --- what a machine reads ---------------------------------------------------------------------


def test_the_xmp_metadata_says_pdf_a_3b(doctor):
    reader = pdf_reader(render(worked_example_claim(doctor)))

    rdf = reader.xmp_metadata.rdf_root
    descriptions = rdf.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "*")
    parts = {node.getAttributeNS(PDFAID, "part") for node in descriptions} - {""}
    conformances = {node.getAttributeNS(PDFAID, "conformance") for node in descriptions} - {""}
    assert parts == {"3"}
    assert conformances == {"B"}


def test_the_json_attachment_equals_claim_summary(doctor):
    claim = submitted(worked_example_claim(doctor))
    pdf = render(claim)

    attachment = pdf_attachment(pdf, f"claim-{claim.pk}.json")

    assert attachment["claim_summary"] == EXPECTED_SUMMARY
    assert list(attachment["claim_summary"]) == list(EXPECTED_SUMMARY)  # interfaces.md order
    result = claim_report(claim=claim).result
    assert attachment["claim_summary"] == claim_summary_dict(
        result, riziv=doctor.riziv, first_day=FIRST_DAY, last_day=LAST_DAY
    )
    assert attachment["claim"] == claim.pk
    assert {row["id"] for row in attachment["breakdown"]["consultations"]} == set(
        Consultation.objects.filter(doctor=doctor).values_list("pk", flat=True)
    )


def test_a_machine_can_redo_the_figures_from_the_attachment_alone(doctor):
    claim = submitted(worked_example_claim(doctor))
    attachment = pdf_attachment(render(claim), f"claim-{claim.pk}.json")

    snapshot = {**attachment, "figures": {"summary": attachment["claim_summary"]}}
    result = snapshot_recompute(snapshot)

    assert str(result.total) == attachment["claim_summary"]["total"] == "302.42"
    assert list(result.cited_incidents) == attachment["claim_summary"]["incidents"]


def test_the_attachment_is_marked_as_the_pdfs_data(doctor):
    claim = worked_example_claim(doctor)
    reader = pdf_reader(render(claim))

    root = reader.trailer["/Root"]
    (filespec,) = [entry.get_object() for entry in root["/AF"]]
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/F"] == f"claim-{claim.pk}.json"


def test_every_font_is_embedded(doctor):
    reader = pdf_reader(render(worked_example_claim(doctor)))

    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[font["/BaseFont"]] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values())
    assert all("DejaVu" in name for name in fonts)


def test_a_submitted_claims_dossier_is_dated_by_its_submission_and_renders_identically(doctor):
    claim = submitted(worked_example_claim(doctor))

    first, second = render(claim), render(claim)

    assert first == second
    info = pdf_reader(first).metadata
    assert info.creation_date.replace(microsecond=0) == claim.submitted_at.replace(microsecond=0)


def test_a_submitted_dossier_keeps_its_figures_when_the_calendar_changes(doctor):
    claim = submitted(worked_example_claim(doctor))
    Incident.objects.filter(reference="EX-1").delete()
    Consultation.objects.all().delete()

    text = pdf_text(render(claim))

    assert "302,42 €" in text
    assert "EX-1" in text
    assert "DRAFT" not in text and "BROUILLON" not in text.upper()


def test_a_claim_without_incidents_says_nothing_is_cited(doctor):
    doctor.user.language = "en"
    doctor.user.save()
    claim = worked_example_claim(doctor, incidents=False)

    text = pdf_text(render(claim))

    assert "0.00 €" in text
    assert "No incident is cited" in text
    assert "4 h 30 min" in text  # all the declared time is unverified


# --- the fetcher: static files from disk, nothing from the network -----------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/style.css",
        "https://example.org/static/css/dossier.css",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file:///static/../config/settings.py",
        "file://evil.example.org/static/css/dossier.css",
    ],
)
def test_the_url_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(DossierResourceRefused):
        StaticFilesFetcher().fetch(url)


def test_the_url_fetcher_reads_static_files_from_disk():
    response = StaticFilesFetcher().fetch("file:///static/css/dossier.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_dossier_asking_for_a_remote_resource_is_not_rendered(doctor):
    data = dossier_data(claim=worked_example_claim(doctor))
    html = dossier_html(data).replace(
        "</body>", '<img src="https://example.org/tracker.png" alt=""></body>'
    )

    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(html, data)


def test_rendering_never_opens_a_network_connection(doctor, monkeypatch):
    claim = worked_example_claim(doctor)
    data = dossier_data(claim=claim)

    def refuse(*args, **kwargs):
        raise AssertionError("the dossier tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    assert dossier_pdf(data).startswith(b"%PDF-")
    assert BASE_URL.startswith("file:")


def test_the_stylesheet_is_applied(doctor):
    """Without the stylesheet there would be no "X / Y" page numbers: it was fetched."""
    text = pdf_text(render(worked_example_claim(doctor)))

    assert "1 / " in text


def test_it_adds_nothing_for_a_period_without_declarations(doctor):
    add_incidents()
    claim = claim_get_or_create_draft(doctor=doctor, first_day=FIRST_DAY, last_day=LAST_DAY)

    pdf = render(claim)

    assert pdf_attachment(pdf, f"claim-{claim.pk}.json")["claim_summary"]["total"] == "0.00"
