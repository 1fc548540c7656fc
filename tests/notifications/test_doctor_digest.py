"""A calendar change reaches the doctors whose claims it moves: one digest, in their
language, with the signed difference, sent through a real SMTP server once."""

from datetime import date

import pytest
from django.core.management import call_command
from factories_review import (
    JANUARY,
    at,
    declare_slot,
    new_doctor,
    recip_e_outage,
    submitted_claim,
    use_fast_dossiers,
)
from mail_servers import SITE, html_of, text_of

from claims.selectors import claim_recomputation, claim_report
from claims.services.claims import claim_get_or_create_draft
from notifications.calendar import calendar_change_process, incident_states_sync
from notifications.doctors import doctor_digests_send
from notifications.mail import deliveries_retry
from notifications.models import Delivery, IncidentState, Notice, NotificationPreference

pytestmark = pytest.mark.django_db

# The doctor's dashboard: at most 12 queries before notifications, 13 with the badge.
DASHBOARD_QUERIES = 13

LATE_OUTAGE = (
    "reference,services,start,end,impact,status\n"
    "REV-LATE,recip-e,2024-01-15T11:00,2024-01-15T12:00,major_outage,confirmed\n"
)


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


def _import(tmp_path, text, capture):
    csv = tmp_path / "late.csv"
    csv.write_text(text)
    with capture(execute=True):
        call_command("import_outages", str(csv))


def test_an_import_moving_a_submitted_claim_sends_its_dutch_doctor_one_digest(
    smtp, tmp_path, django_capture_on_commit_callbacks
):
    recip_e_outage()
    incident_states_sync()  # the calendar as it stood (a deployment's migration does it)
    doctor = new_doctor(language="nl")
    claim = submitted_claim(doctor, slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    other = submitted_claim(new_doctor(language="fr"), slots=((16, 7, 0, 16, 9, 0),))

    _import(tmp_path, LATE_OUTAGE, django_capture_on_commit_callbacks)

    delta = claim_recomputation(snapshot=claim.snapshot).total_delta
    assert delta > 0
    received = smtp.to(doctor.user.email)
    assert len(received) == 1
    message = received[0]
    assert message["Content-Language"] == "nl"
    assert message["Date"] and message["Message-ID"].endswith("@claims.example.org>")
    text = text_of(message)
    signed = "+" + f"{delta:.2f}".replace(".", ",")
    assert signed in text  # Dutch number format, the sign shown
    assert "Uw ingediende claim behoudt zijn bedragen" in text
    assert f"{SITE}/claims/{claim.pk}/" in text
    assert f'href="{SITE}/claims/{claim.pk}/"' in html_of(message)
    # The other doctor's claim is on another day: nothing for them.
    assert smtp.to(other.doctor.user.email) == []
    claim.refresh_from_db()
    assert claim.status == "submitted"

    # Sending again, or retrying, sends nothing more.
    assert doctor_digests_send() == 0
    deliveries_retry()
    assert len(smtp.to(doctor.user.email)) == 1
    # Importing the same file again changes nothing, so tells nobody anything.
    _import(tmp_path, LATE_OUTAGE, django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 1


def test_a_draft_shows_its_new_figure_and_the_dashboard_badge_counts_it(
    smtp, tmp_path, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    recip_e_outage()
    incident_states_sync()
    doctor = new_doctor(language="en")
    declare_slot(doctor, at(15, 7, 30), at(15, 12, 0))
    draft = claim_get_or_create_draft(doctor=doctor, first_day=JANUARY[0], last_day=JANUARY[1])
    before = claim_report(claim=draft).result.total
    client.force_login(doctor.user)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert 'id="notice-badge"' in client.get("/").content.decode()

    _import(tmp_path, LATE_OUTAGE, django_capture_on_commit_callbacks)

    after = claim_report(claim=draft).result.total
    [message] = smtp.to(doctor.user.email)
    text = text_of(message)
    assert f"by +{after - before:.2f} EUR: your draft now shows {after:,.2f} EUR" in text
    # The badge: one query, whatever the number of notices.
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        page = client.get("/").content.decode()
    assert '<span class="badge text-bg-primary">1<' in page
    Notice.objects.bulk_create(
        Notice(user=doctor.user, kind="figures", event_key=f"more:{n}") for n in range(30)
    )
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert '<span class="badge text-bg-primary">31<' in client.get("/").content.decode()
    assert "Difference: " in client.get("/notifications/").content.decode()
    assert '<span class="badge' not in client.get("/").content.decode()


def test_a_doctor_who_turned_calendar_changes_off_hears_nothing_of_them(
    smtp, tmp_path, django_capture_on_commit_callbacks
):
    recip_e_outage()
    incident_states_sync()
    doctor = new_doctor(language="fr")
    submitted_claim(doctor, slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    NotificationPreference.objects.create(user=doctor.user, figures=False)

    _import(tmp_path, LATE_OUTAGE, django_capture_on_commit_callbacks)

    assert smtp.messages == []
    assert not Notice.objects.filter(user=doctor.user).exists()


def test_a_refusing_smtp_server_gets_the_same_message_again_later(
    smtp, tmp_path, django_capture_on_commit_callbacks
):
    recip_e_outage()
    incident_states_sync()
    doctor = new_doctor(language="en")
    submitted_claim(doctor, slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    smtp.refuse = 1

    _import(tmp_path, LATE_OUTAGE, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(recipient=doctor.user.email)
    assert smtp.messages == []
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert deliveries_retry(now=delivery.next_attempt_at) == 1
    assert deliveries_retry(now=delivery.next_attempt_at) == 0
    [message] = smtp.to(doctor.user.email)
    assert message["Message-ID"] == delivery.message_id
    assert "moves your submitted claim" in text_of(message)


def test_the_same_change_processed_twice_records_and_sends_once(
    smtp, tmp_path, django_capture_on_commit_callbacks
):
    recip_e_outage()
    incident_states_sync()
    doctor = new_doctor(language="en")
    submitted_claim(doctor, slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    _import(tmp_path, LATE_OUTAGE, django_capture_on_commit_callbacks)
    # A second worker ran the same task before the first one stored the calendar.
    IncidentState.objects.filter(reference="REV-LATE").delete()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = calendar_change_process(first_day=date(2024, 1, 15), last_day=date(2024, 1, 15))
        doctor_digests_send(user_ids=outcome.notified_user_ids)

    assert outcome.notified_user_ids == []
    assert Notice.objects.filter(user=doctor.user).count() == 1
    assert len(smtp.to(doctor.user.email)) == 1
