"""axe-core on every page of the three journeys (a doctor filing, a reviewer deciding and
batching, the administrator importing the calendar), in French and Dutch, on a desktop
screen and a 390-pixel phone: no violation of impact serious or critical."""

import pytest
from axe import (
    DESKTOP,
    PHONE,
    describe,
    install_axe,
    serious_violations,
    wait_for_scroll_marks,
)
from django.core.management import call_command

from claims.demo import DEMO_PASSWORD
from claims.models import AffectedSlot, Claim, ClaimStatus, Consultation, Doctor, User
from claims.review.services.batches import batch_create
from outages.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLOTS_CSV = "start,end,services,note\n2024-01-22T09:00,2024-01-22T10:00,recip-e,\n"
OUTAGES_CSV = (
    "reference,services,start,end,impact,status,title,source_url\n"
    "AXE-1,recip-e,2024-02-05T08:00,2024-02-05T10:00,major_outage,confirmed,"
    "Recip-e down,https://status.example.org/AXE-1\n"
)


def log_in(page, email):
    page.context.clear_cookies()
    page.goto("/account/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()


def upload_preview(page, url, name, content):
    page.goto(url)
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()


def journeys(page):
    """Yield (journey, page name) after putting the tab on each page of each journey."""
    doctor = Doctor.objects.get(user__email="doctor@example.org")
    claim = Claim.objects.filter(doctor=doctor).first()
    slot = AffectedSlot.objects.filter(doctor=doctor).first()
    consultation = Consultation.objects.filter(doctor=doctor).first()
    submitted = Claim.objects.filter(status=ClaimStatus.SUBMITTED).first()
    incident = Incident.objects.first()

    for url, name in [
        ("/", "landing"),
        ("/account/signup/", "sign-up"),
        ("/account/login/", "log-in"),
        ("/account/password-reset/", "password reset"),
        ("/outages/?month=2024-01", "calendar"),
        (f"/outages/incidents/{incident.reference}/", "incident"),
        ("/methodology/", "methodology"),
        ("/accessibility/", "accessibility statement"),
    ]:
        page.goto(url)
        yield "public", name

    log_in(page, "doctor@example.org")
    yield "doctor", "dashboard"
    for url, name in [
        ("/claims/slots/", "slots"),
        ("/claims/slots/new/", "new slot"),
        (f"/claims/slots/{slot.pk}/", "edit slot"),
        ("/claims/consultations/", "consultations"),
        ("/claims/consultations/new/", "new consultation"),
        (f"/claims/consultations/{consultation.pk}/", "edit consultation"),
        ("/claims/import/slots/", "slot import"),
        ("/claims/week/?week=2024-W03", "week"),
        ("/claims/claim/?from=2024-01-01&to=2024-01-31", "claim"),
        (f"/claims/{claim.pk}/", "claim by id"),
        ("/account/profile/", "profile"),
    ]:
        page.goto(url)
        yield "doctor", name
    # A form sent empty: its errors are part of the path too.
    page.goto("/claims/slots/new/")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    yield "doctor", "new slot with errors"
    upload_preview(page, "/claims/import/slots/", "slots.csv", SLOTS_CSV)
    yield "doctor", "slot import preview"

    log_in(page, "reviewer@example.org")
    yield "reviewer", "after log-in"
    reviewer = User.objects.get(email="reviewer@example.org")
    batch = batch_create(
        name="January", reviewer=reviewer, claims=Claim.objects.filter(pk=submitted.pk)
    )
    for url, name in [
        ("/claims/review/", "review list"),
        ("/claims/review/?status=submitted&sort=-total", "review list filtered"),
        (f"/claims/review/claims/{submitted.pk}/", "review claim"),
        ("/claims/review/batches/", "batches"),
        (f"/claims/review/batches/{batch.pk}/", "batch"),
    ]:
        page.goto(url)
        yield "reviewer", name

    log_in(page, "admin@example.org")
    yield "administrator", "after log-in"
    page.goto("/outages/import/")
    yield "administrator", "outage import"
    upload_preview(page, "/outages/import/", "outages.csv", OUTAGES_CSV)
    yield "administrator", "outage import preview"


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_no_serious_accessibility_violation_on_the_three_journeys(page, live_server, language):
    call_command("seed_demo", verbosity=0)
    User.objects.update(language=language)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    install_axe(page.context)
    failures, report = [], []
    for journey, name in journeys(page):
        assert page.locator("html").get_attribute("lang") == language, (journey, name)
        for width_name, viewport in [("desktop", DESKTOP), ("390 px", PHONE)]:
            page.set_viewport_size(viewport)
            wait_for_scroll_marks(page)  # site.js re-marks scrolling tables after a resize
            violations = serious_violations(page)
            report.append(f"axe {language} {width_name:8} {journey:14} {name}: {len(violations)}")
            if violations:
                failures.append(f"{journey} / {name} / {width_name}: {describe(violations)}")
        page.set_viewport_size(DESKTOP)
    print("\n".join(report))
    print("\n".join(failures))
    assert failures == []
