"""The admin's side of the watcher: status page, confirm or discard, official imports link."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.models import StatusObservation, WatchedIncident
from outages.models import Incident
from tests.evidence.status_server import components_body

pytestmark = pytest.mark.django_db
REPLAY = Path(__file__).resolve().parents[2] / "evidence" / "replay"


def watch(server, settings, *answers):
    settings.EHEALTH_STATUS_TIMEOUT = 1
    server.answers = list(answers)
    server.requests = 0
    for _ in answers:
        call_command("watch_ehealth_status", "--once", "--url", server.url, stdout=StringIO())


def test_the_status_page_lists_errors_gaps_and_unmapped_components(
    admin_client, status_server, settings, django_assert_max_num_queries
):
    watch(
        status_server,
        settings,
        components_body("Major Outage"),
        b"{oops",
        components_body("Operational"),
    )
    admin_client.cookies["django_language"] = "en"
    with django_assert_max_num_queries(10):
        page = admin_client.get("/outages/watcher/").content.decode()
    assert "Coffre-fort de test" in page[page.index('id="unmapped"') :]
    assert "Not JSON" in page[page.index('id="errors"') :]
    assert "Recovered" in page
    assert page[page.index('id="gaps"') :].count("<li>") >= 1


def test_the_status_page_is_for_admins_only(doctor_client):
    assert doctor_client.get("/outages/watcher/").status_code == 404


def test_an_admin_confirms_or_discards(admin_client, status_server, settings):
    watch(status_server, settings, components_body("Major Outage"), components_body("Operational"))
    watched = WatchedIncident.objects.get()
    admin_client.post(
        "/admin/evidence/watchedincident/",
        {"action": "confirm", "_selected_action": [watched.pk]},
    )
    assert Incident.objects.get(pk=watched.incident_id).status == "confirmed"
    watch(
        status_server, settings, components_body("Partial Outage"), components_body("Operational")
    )
    second = WatchedIncident.objects.exclude(pk=watched.pk).get()
    admin_client.post(
        "/admin/evidence/watchedincident/",
        {"action": "discard", "_selected_action": [second.pk]},
    )
    second.refresh_from_db()
    assert second.state == "discarded" and second.incident is None
    assert Incident.objects.count() == 1
    # The observations stay: discarding is a judgement, not a rewrite of the log.
    assert StatusObservation.objects.filter(status="partial_outage").exists()


def test_an_official_import_links_to_the_provisional_incident(
    status_server, settings, tmp_path, django_capture_on_commit_callbacks
):
    watch(status_server, settings, components_body("Major Outage"), components_body("Operational"))
    watched = WatchedIncident.objects.get()
    # The watcher saw a span of milliseconds here; an import cuts times to the whole
    # second, so the official incident covers the whole seconds around it.
    start = watched.start.replace(microsecond=0)
    end = watched.end.replace(microsecond=0) + timedelta(seconds=1)
    csv = tmp_path / "official.csv"
    csv.write_text(
        "reference,services,start,end,impact\n"
        f"EH-OFFICIAL,recip-e,{start.isoformat()},{end.isoformat()},major_outage\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_outages", str(csv), stdout=StringIO())
    watched.refresh_from_db()
    assert watched.state == "linked"
    assert watched.official.reference == "EH-OFFICIAL"
    # One incident in the calendar, not two.
    assert list(Incident.objects.values_list("reference", flat=True)) == ["EH-OFFICIAL"]


def test_the_bundled_replay_gives_the_demo_observations(settings):
    settings.EHEALTH_STATUS_INTERVAL = 1
    for _ in range(8):
        call_command("watch_ehealth_status", "--once", "--replay", str(REPLAY), stdout=StringIO())
    # --once replays the first recording each time: operational, no change after the first.
    assert not Incident.objects.exists()
    assert StatusObservation.objects.filter(status="operational").count() == 5


def test_the_atom_feed_lists_a_services_incidents(client):
    from claims_helpers import at, make_incident

    make_incident("EH-A", ["recip-e"], at(8), at(9), title="Recip-e down")
    make_incident("EH-B", ["mycarenet"], at(8), at(9), title="MyCarenet down")
    response = client.get("/outages/services/recip-e/feed.atom")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Recip-e down" in body and "MyCarenet down" not in body
    assert client.get("/outages/services/nope/feed.atom").status_code == 404
