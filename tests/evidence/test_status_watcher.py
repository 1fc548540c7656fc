"""The status watcher against a fixture server on loopback (issue 15, acceptance)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from evidence.models import (
    StatusComponent,
    StatusObservation,
    WatchedIncident,
    WatcherError,
    WatcherState,
)
from outages.models import Incident
from tests.evidence.status_server import components_body

pytestmark = pytest.mark.django_db


def poll(server, settings):
    settings.EHEALTH_STATUS_TIMEOUT = 1
    call_command("watch_ehealth_status", "--once", "--url", server.url)


def test_it_logs_an_outage_and_its_gap_in_a_valid_chain(status_server, settings):
    status_server.answers = [
        components_body("Operational"),
        components_body("Operational"),
        components_body("Partial Outage"),
        components_body("Major Outage", wrapped=True),
        ("sleep", 2),  # longer than the 1 s timeout
        b"<html>Service unavailable</html>",
        components_body("Operational"),
    ]
    for _ in status_server.answers:
        poll(status_server, settings)

    changes = list(
        StatusObservation.objects.filter(
            kind=StatusObservation.Kind.CHANGE, component_name="Recip-e"
        ).values_list("previous_status", "status")
    )
    assert changes == [
        ("unknown", "operational"),
        ("operational", "partial_outage"),
        ("partial_outage", "major_outage"),
        ("major_outage", "operational"),
    ]
    # The unchanged second poll only moved the heartbeat.
    state = WatcherState.objects.get()
    assert state.polls == 7
    assert state.unchanged_polls == 1

    # One gap, from the last answer before the timeout to the next answer.
    gap = StatusObservation.objects.get(kind=StatusObservation.Kind.GAP)
    assert gap.status == "unknown"
    major = StatusObservation.objects.get(status="major_outage")
    recovery = StatusObservation.objects.get(previous_status="major_outage")
    assert gap.gap_start == major.received_at
    assert gap.gap_end == recovery.received_at
    kinds = set(WatcherError.objects.values_list("kind", flat=True))
    assert kinds == {"timeout", "not_json"}

    # One provisional incident spans the outage, with the worst impact seen.
    incident = Incident.objects.get(reference__startswith="WATCH-")
    assert incident.status == "provisional"
    assert incident.impact == "major_outage"
    assert [s.slug for s in incident.services.all()] == ["recip-e"]
    partial = StatusObservation.objects.get(status="partial_outage")
    assert incident.start == partial.received_at
    assert incident.end == recovery.received_at

    # The component no service matches is listed as unmapped.
    assert StatusComponent.objects.get(name="Coffre-fort de test").service is None

    call_command("verify_status_log")


def test_tampering_with_one_entry_is_named(status_server, settings):
    status_server.answers = [
        components_body("Operational"),
        components_body("Major Outage"),
        components_body("Operational"),
    ]
    for _ in status_server.answers:
        poll(status_server, settings)
    tampered = StatusObservation.objects.get(status="major_outage")
    # Someone rewrites history behind the application's back.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_statusobservation SET status = 'degraded_performance' WHERE id = %s",
            [tampered.pk],
        )
    with pytest.raises(CommandError, match=rf"Entry #{tampered.sequence} is not intact"):
        call_command("verify_status_log")


def test_a_removed_entry_is_named(status_server, settings):
    status_server.answers = [components_body("Operational"), components_body("Major Outage")]
    for _ in status_server.answers:
        poll(status_server, settings)
    first = StatusObservation.objects.order_by("sequence").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evidence_statusobservation WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=r"Entry #2 is not intact"):
        call_command("verify_status_log")


def test_a_vanished_component_is_an_error_not_a_recovery(status_server, settings):
    status_server.answers = [components_body("Major Outage"), b"[]"]
    for _ in status_server.answers:
        poll(status_server, settings)
    assert WatcherError.objects.filter(kind="vanished").exists()
    assert StatusComponent.objects.get(name="Recip-e").status == "unknown"
    # Nothing said it recovered: the incident stays open.
    assert WatchedIncident.objects.get().state == "open"
    assert Incident.objects.get(reference__startswith="WATCH-").end is None


def test_an_unreachable_url_is_logged_not_raised(settings):
    settings.EHEALTH_STATUS_TIMEOUT = 1
    call_command("watch_ehealth_status", "--once", "--url", "http://127.0.0.1:9/status")
    assert WatcherError.objects.get().kind == "network"
    assert WatcherState.objects.get().gap_open_since is not None
