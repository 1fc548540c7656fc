"""The open-data API: Statuspage round trip, OpenAPI schema, ETag, rate limit."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from openapi_spec_validator import validate

from outages.demo import seed_calendar
from outages.models import Incident

pytestmark = pytest.mark.django_db


def outage_stats(service: str, month: str) -> dict:
    out = StringIO()
    call_command("outage_stats", "--service", service, "--month", month, stdout=out)
    return json.loads(out.getvalue())


def incident_rows():
    return sorted(
        (i.reference, i.start, i.end, i.impact, tuple(sorted(s.slug for s in i.services.all())))
        for i in Incident.objects.prefetch_related("services")
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def test_january_incidents_reimported_as_statuspage_give_the_same_calendar(client, tmp_path):
    seed_calendar()
    response = client.get("/api/v1/incidents?start=2024-01-01&end=2024-01-31&per_page=100")
    assert response.status_code == 200
    before = incident_rows()
    figures = {s: outage_stats(s, "2024-01") for s in ("recip-e", "mycarenet")}
    assert figures["recip-e"]["downtime_minutes"] == 847

    Incident.objects.all().delete()
    path = tmp_path / "incidents.json"
    path.write_bytes(response.content)
    out = StringIO()
    call_command("import_outages", str(path), "--format", "statuspage", stdout=out)
    assert "created 6, updated 0, unchanged 0" in out.getvalue()

    assert incident_rows() == before
    assert {s: outage_stats(s, "2024-01") for s in figures} == figures


def test_incidents_are_paged_in_a_stable_order(client):
    seed_calendar()
    first = client.get("/api/v1/incidents?per_page=4").json()
    second = client.get("/api/v1/incidents?per_page=4&page=2").json()
    references = [i["id"] for i in first["incidents"] + second["incidents"]]
    assert references == list(
        Incident.objects.order_by("start", "reference").values_list("reference", flat=True)
    )
    assert first["pagination"] == {"page": 1, "per_page": 4, "total": 6, "pages": 2}
    recipe = client.get("/api/v1/incidents?service=mycarenet").json()
    assert {i["id"][-4:] for i in recipe["incidents"]} == {"1-09", "15-A", "1-22", "24-B"}
    assert client.get("/api/v1/incidents?per_page=1000").status_code == 400
    assert client.get("/api/v1/incidents?service=nope").status_code == 404


def test_availability_and_sla_match_the_commands(client):
    seed_calendar()
    answer = client.get("/api/v1/availability?service=recip-e&month=2024-01").json()
    assert answer == outage_stats("recip-e", "2024-01")
    sla = client.get("/api/v1/sla?year=2024").json()
    january = next(r for r in sla if r["service"] == "mycarenet" and r["month"] == "2024-01")
    assert january["breached"] == "yes"
    assert client.get("/api/v1/availability?service=recip-e&month=jan").status_code == 400


def test_the_openapi_schema_is_served_and_valid(client):
    response = client.get("/api/v1/openapi.json")
    schema = response.json()
    validate(schema)
    assert {"/api/v1/incidents", "/api/v1/services", "/api/v1/sla"} <= set(schema["paths"])


def test_no_personal_data_in_any_answer(client, doctor):
    seed_calendar()
    bodies = [
        client.get(url).content.decode()
        for url in ("/api/v1/services", "/api/v1/incidents", "/api/v1/sla?year=2024")
    ]
    for body in bodies:
        assert doctor.riziv not in body and doctor.user.email not in body


def test_an_unchanged_calendar_answers_304(client):
    seed_calendar()
    response = client.get("/api/v1/incidents")
    assert response["Last-Modified"]
    again = client.get("/api/v1/incidents", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    Incident.objects.filter(reference__endswith="-09").update(title="Changed")
    incident = Incident.objects.get(reference__endswith="-09")
    incident.save()
    assert client.get("/api/v1/incidents", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_it_is_rate_limited(client, settings):
    statuses = [client.get("/api/v1/services").status_code for _ in range(130)]
    assert statuses[0] == 200
    assert statuses[-1] == 429


def test_a_forged_forwarded_for_does_not_escape_the_limit(client):
    statuses = [
        client.get("/api/v1/services", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(130)
    ]
    assert statuses[-1] == 429
