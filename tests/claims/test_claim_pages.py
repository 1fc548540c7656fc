"""The claim page, the dashboard and the week view: constant queries whatever the number
of declarations, and what a doctor reads on them."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from claims_helpers import at, brussels, english, make_incident, make_slot
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Consultation
from claims.selectors import (
    claim_inputs_load,
    methodology_current,
)
from claims.services.claims import claim_get_or_create_draft, claim_submit
from outages.models import Service

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]


@pytest.fixture
def client_en(doctor_client):
    return english(doctor_client)


def add_consultations(doctor, count, *, day=15):
    """``count`` consultations on one January day and the next ones, in one go."""
    services = list(Service.objects.filter(slug__in=["recip-e", "mycarenet"]))
    consultations = Consultation.objects.bulk_create(
        Consultation(
            doctor=doctor,
            start=brussels(2024, 1, 1, 7)
            + timedelta(days=(day - 1) + i // 40, minutes=15 * (i % 40)),
            duration_minutes=15,
            code="101076",
            fee=Decimal("31.81"),
            outcome=["completed", "cancelled", "unpaid", "postponed"][i % 4],
        )
        for i in range(count)
    )
    Through = Consultation.services.through
    Through.objects.bulk_create(
        Through(consultation_id=c.pk, service_id=s.pk) for c in consultations for s in services
    )


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    "/claims/claim/?from=2024-01-01&to=2024-01-31",
    "/",
    "/claims/week/?week=2024-W03",
    "/claims/consultations/?from=2024-01-01&to=2024-01-31",
]


def test_pages_make_the_same_number_of_queries_for_1_or_500_consultations(client_en, example_claim):
    few = {url: queries_of(client_en, url) for url in PAGES}
    add_consultations(example_claim, 500, day=2)
    for day in range(2, 14):
        make_slot(example_claim, at(7, day=day), at(19, day=day), ["recip-e", "mycarenet"])
        make_incident(f"BULK-{day}", ["recip-e"], at(9, day=day), at(11, day=day))
    many = {url: queries_of(client_en, url) for url in PAGES}
    assert few == many
    assert many[PAGES[0]] <= 12


def test_the_claim_page_of_a_draft_claim_is_its_period_page(client_en, example_claim):
    claim = claim_get_or_create_draft(
        doctor=example_claim, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    assert client_en.get("/claims/claim/?from=2024-01-01&to=2024-01-31")["Location"] == (
        f"/claims/{claim.pk}/"
    )
    text = client_en.get(f"/claims/{claim.pk}/").content.decode()
    assert "302.42 EUR" in text and "Draft" in text and "Submit my claim" in text


def test_a_submitted_claims_page_reads_only_its_snapshot(client_en, example_claim):
    claim = claim_submit(
        claim=claim_get_or_create_draft(
            doctor=example_claim, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
        ),
        user=example_claim.user,
        declaration_accepted=True,
    )
    with CaptureQueriesContext(connection) as queries:
        client_en.get(f"/claims/{claim.pk}/")
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "claims_affectedslot" not in tables and "claims_consultation" not in tables


def test_a_bad_period_falls_back_to_a_month(client_en, example_claim):
    text = client_en.get("/claims/claim/?from=2024-02-01&to=2024-01-01").content.decode()
    assert "The end of the period must not be before its start." in text


def test_the_dashboard_answers_what_was_lost_and_what_to_do_next(client_en, example_claim):
    text = client_en.get("/").content.decode()
    assert "My claim" in text
    assert re.search(r'id="dashboard-total">\s*302.42 EUR', text)
    assert "2 h 36 min" in text
    assert "Review and submit" in text
    assert "/claims/claim/?from=2024-01-01&amp;to=2024-01-31" in text


def test_a_new_doctors_dashboard_says_to_declare(client_en):
    text = client_en.get("/").content.decode()
    assert "Declare an affected slot" in text


def test_a_dashboard_with_nothing_verified_says_to_check_the_week(client_en, doctor):
    make_slot(doctor, at(7, 30), at(10), ["recip-e"])  # no incident at all
    assert "Check my week" in client_en.get("/").content.decode()


def test_the_dashboard_after_submission_moves_to_the_claim_list(client_en, example_claim):
    claim = claim_submit(
        claim=claim_get_or_create_draft(
            doctor=example_claim, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
        ),
        user=example_claim.user,
        declaration_accepted=True,
    )
    text = client_en.get("/").content.decode()
    assert f"/claims/{claim.pk}/" in text and "302.42 EUR" in text and "Submitted" in text


def test_the_week_view_draws_verified_and_unverified_time_over_the_incidents(
    client_en, example_claim
):
    text = client_en.get("/claims/week/?week=2024-W03").content.decode()
    assert "Monday 15 January" in text
    assert 'class="timeline-bar impact-major_outage"' in text  # EX-1
    assert 'class="timeline-bar impact-degraded_performance not-counted"' in text  # EX-3
    assert 'class="timeline-bar impact-major_outage not-counted"' in text  # EX-4, provisional
    assert text.count('class="timeline-bar time-verified"') == 1  # 08:00–11:00
    assert text.count('class="timeline-bar time-unverified"') == 2  # 07:30–08:00, 11:00–12:00
    assert text.count("consultation-affected") == 4 + 1  # + the legend
    assert "Verified time 08:00–11:00" in text
    assert "This week: 3 h verified of 4 h 30 min declared." in text


def test_it_handles_dst_the_week_view_places_hours_on_the_wall_clock(client_en, doctor):
    # Sunday 31 March 2024 has 23 hours; 09:00–10:00 is still drawn at 09:00.
    make_slot(doctor, brussels(2024, 3, 31, 9), brussels(2024, 3, 31, 10), ["recip-e"])
    make_slot(doctor, brussels(2024, 3, 25, 9), brussels(2024, 3, 25, 10), ["recip-e"])
    text = client_en.get("/claims/week/?week=2024-W13").content.decode()
    lefts = re.findall(r'time-unverified"\s+style="left: ([\d.]+)%', text)
    assert len(lefts) == 2 and lefts[0] == lefts[1]


def test_the_week_view_defaults_to_the_latest_declaration(client_en, example_claim):
    text = client_en.get("/claims/week/").content.decode()
    assert "15 January" in text


def test_the_loader_reads_incidents_slots_and_consultations_in_three_queries(
    example_claim, django_assert_num_queries
):
    methodology = methodology_current()
    make_incident("ONGOING", ["recip-e"], at(16), None)
    make_slot(example_claim, brussels(2023, 12, 31, 23), brussels(2024, 1, 1, 1), ["recip-e"])
    with django_assert_num_queries(3):
        inputs = claim_inputs_load(
            doctor=example_claim,
            first_day=date(2024, 1, 1),
            last_day=date(2024, 1, 31),
            methodology=methodology,
        )
    assert sorted(i.reference for i in inputs.incidents) == [
        "EX-1",
        "EX-2",
        "EX-3",
        "EX-4",
        "ONGOING",
    ]
    assert len(inputs.slots) == 3  # the New Year's Eve slot meets the period
    assert len(inputs.consultations) == 5
    assert inputs.params.version == "ABSyM-2024.1"
    ex2 = next(i for i in inputs.incidents if i.reference == "EX-2")
    assert ex2.services == {"recip-e", "mycarenet"}


def test_the_current_methodology_is_the_latest_published(db):
    from claims.models import Methodology

    Methodology.objects.create(version="DRAFT", published_on=None)
    assert methodology_current().version == "ABSyM-2024.1"
    Methodology.objects.create(version="NEW", published_on=date(2025, 1, 1))
    assert methodology_current().version == "NEW"
    assert methodology_current(today=date(2024, 6, 1)).version == "ABSyM-2024.1"


def test_a_long_claim_page_shows_its_tables_a_page_of_rows_at_a_time(client_en, example_claim):
    # Issue 13: 250 consultations none of them affected (no incident on those days): the
    # summary first, then page links under the table; the same queries on every page.
    from claims.views.claims import PAGE_ROWS

    add_consultations(example_claim, 250, day=20)
    assert 250 // PAGE_ROWS >= 3
    url = "/claims/claim/?from=2024-01-01&to=2024-01-31"
    first = client_en.get(url).content.decode()
    assert re.search(rf"Rows 1–{PAGE_ROWS} of 25\d", first)
    assert first.count('id="unaffected-consultations"') == 1
    assert first.index("Lost time") < first.index("Your consultations")
    assert (
        'href="?from=2024-01-01&amp;to=2024-01-31&amp;unaffected=3#unaffected-consultations"'
        in first
    )

    last = client_en.get(url + "&unaffected=3")
    text = last.content.decode()
    assert re.search(rf"Rows {2 * PAGE_ROWS + 1}–{3 * PAGE_ROWS} of 25\d", text)
    assert '<details id="unaffected-consultations" open>' in text
    # A hostile page number gives a page, never an error.
    assert client_en.get(url + "&unaffected=99999").status_code == 200
    assert client_en.get(url + "&unaffected=-1%27").status_code == 200
    assert queries_of(client_en, url + "&unaffected=2") == queries_of(client_en, url)


def test_a_drafts_page_shows_the_rows_its_snapshot_would(example_claim):
    # Issue 13: a draft's page builds its consultation rows from the computed claim (no
    # JSON round trip), and only those shown; they are the rows its snapshot would give.
    from claims.selectors import claim_live_page, claim_page, claim_report
    from claims.snapshot import claim_snapshot_build

    add_consultations(example_claim, 12, day=20)
    report = claim_report(
        doctor=example_claim, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    live = claim_live_page(report)
    frozen = claim_page(claim_snapshot_build(report=report))
    assert len(live.consultations) == len(frozen.consultations) > 12
    assert list(live.consultations) == list(frozen.consultations)
    assert list(live.affected_consultations) == list(frozen.affected_consultations)
    assert len(live.affected_consultations) > 0
    assert list(live.unaffected_consultations) == list(frozen.unaffected_consultations)
    assert live.consultations[2:4] == frozen.consultations[2:4]
    assert (live.summary, live.slots, live.cited_incidents) == (
        frozen.summary,
        frozen.slots,
        frozen.cited_incidents,
    )
