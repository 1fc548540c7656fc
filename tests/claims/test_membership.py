"""The bulk path and its users: every doctor's claims from one streaming pass equal the
per-doctor calculation; ``membership_estimate``; the reviewers' page with its CSV and PDF."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from factories_review import at, declare_consultation, declare_slot, incident

from claims.bulk import MembershipPass
from claims.models import Outcome
from claims.review.exports import neutralise
from claims.review.services.membership import membership_estimate
from claims.selectors import claim_report, methodology_current, methodology_params
from outages.intervals import period_window
from tests.conftest import make_doctor

JAN = (date(2024, 1, 1), date(2024, 1, 31))
FEB = (date(2024, 2, 1), date(2024, 2, 29))


@pytest.fixture
def membership(example_claim, other_doctor):
    """Three doctors: the worked example; one whose slot runs from January into February
    with a consultation on each side; one with consultations only."""
    incident("FEB-1", ("recip-e", "dmg"), at(31, 22), at(1, 9, month=2))
    incident("FEB-2", ("mycarenet",), at(5, 10, month=2), at(5, 12, month=2))
    declare_slot(other_doctor, at(31, 21), at(1, 8, month=2), ("recip-e", "mycarenet"))
    declare_consultation(other_doctor, at(31, 23), outcome=Outcome.COMPLETED)
    declare_consultation(other_doctor, at(1, 7, month=2), slugs=("dmg",))
    third = make_doctor(riziv="11111111186", last_name="Claes")
    declare_consultation(third, at(5, 11, month=2), slugs=("mycarenet",), fee=Decimal("12.34"))
    declare_consultation(third, at(5, 15, month=2), slugs=("mycarenet",))
    return [example_claim, other_doctor, third]


def _now():
    return datetime.fromisoformat("2024-03-15T12:00:00+00:00")


def test_the_bulk_pass_gives_each_doctor_the_claim_of_the_per_doctor_path(membership):
    methodology = methodology_current(today=date(2024, 3, 1))
    window = period_window(*JAN)
    bulk = MembershipPass(windows=[window], params=methodology_params(methodology), now=_now())
    computed = {doctor: claims for doctor, claims in bulk.claims(chunk_size=2)}
    # Doctors with declarations in January only, each with the claim claim_report gives.
    assert sorted(computed) == sorted([membership[0].pk, membership[1].pk])
    for doctor in membership[:2]:
        [(index, _inputs, result)] = computed[doctor.pk]
        expected = claim_report(
            doctor=doctor, first_day=JAN[0], last_day=JAN[1], methodology=methodology, now=_now()
        ).result
        assert index == 0
        assert result == expected
        assert result.cited_incidents == expected.cited_incidents


def test_the_estimate_is_the_sum_of_every_doctors_monthly_claims(membership):
    methodology = methodology_current(today=date(2024, 3, 1))
    estimate = membership_estimate(
        first_day=JAN[0], last_day=FEB[1], methodology=methodology, now=_now()
    )
    expected_total = Decimal(0)
    expected_months = []
    for first, last in (JAN, FEB):
        month_total = Decimal(0)
        doctors = 0
        for doctor in membership:
            result = claim_report(
                doctor=doctor, first_day=first, last_day=last, methodology=methodology, now=_now()
            ).result
            month_total += result.total
            doctors += result.declared_seconds > 0 or bool(
                doctor.consultations.filter(
                    start__gte=period_window(first, last).start,
                    start__lt=period_window(first, last).end,
                ).exists()
            )
        expected_months.append((first, doctors, month_total))
        expected_total += month_total
    assert estimate.totals.total == expected_total > 0
    assert estimate.totals.doctors == 3
    assert [(month, f.doctors, f.total) for month, f in estimate.months] == expected_months
    # Per service: recip-e carries the worked example's slots; services overlap.
    services = {slug: figures for slug, _name, figures in estimate.services}
    assert services["recip-e"].doctors == 2
    assert services["mycarenet"].doctors == 3
    assert sum(f.total for f in services.values()) >= estimate.totals.total


def test_membership_estimate_command_prints_the_totals(membership, capsys):
    call_command("membership_estimate", "--from", "2024-01-01", "--to", "2024-02-29")
    printed = json.loads(capsys.readouterr().out)
    estimate = membership_estimate(first_day=JAN[0], last_day=FEB[1])
    assert printed["totals"]["total"] == format(estimate.totals.total, "f")
    assert printed["totals"]["doctors"] == 3
    assert [month["month"] for month in printed["months"]] == ["2024-01", "2024-02"]
    assert printed["methodology"] == "ABSyM-2024.1"


def test_membership_estimate_command_refuses_a_period_too_long(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="24"):
        call_command("membership_estimate", "--from", "2020-01-01", "--to", "2024-12-31")


def test_the_page_shows_the_membership_totals(membership, reviewer_client):
    response = reviewer_client.get(
        reverse("review:membership"), {"first_day": "2024-01-01", "last_day": "2024-02-29"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    estimate = membership_estimate(first_day=JAN[0], last_day=FEB[1])
    # French by default (the reviewer's language): 1.234,56.
    total = f"{estimate.totals.total:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert total in page
    assert 'id="membership-months"' in page and 'id="membership-services"' in page
    assert "Par mois" in page and "Heures perdues" in page
    assert "estimate.csv?first_day=2024-01-01&amp;last_day=2024-02-29" in page


@pytest.mark.parametrize("who", ["doctor", "anonymous"])
def test_the_page_and_its_files_are_for_reviewers_only(membership, client, who):
    if who == "doctor":
        client.force_login(membership[0].user)
    for name in ("review:membership", "review:membership_csv", "review:membership_pdf"):
        response = client.get(reverse(name))
        if who == "doctor":
            assert response.status_code == 404
        else:
            assert response.status_code == 302 and "login" in response["Location"]


def test_an_admin_sees_the_page(membership, admin_client):
    assert admin_client.get(reverse("review:membership")).status_code == 200


def test_the_page_makes_the_same_number_of_queries_whatever_the_membership(
    membership, reviewer_client, django_assert_num_queries
):
    from claims.models import MembershipJob
    from claims.review.services.membership_jobs import membership_job_run

    query = {"first_day": "2024-01-01", "last_day": "2024-02-29"}
    reviewer_client.get(reverse("review:membership"), query)  # computes (immediate backend)
    # Session, user, reviewer group, base page context; the period's latest computation.
    with django_assert_num_queries(5):
        reviewer_client.get(reverse("review:membership"), query)
    # The computation itself: the job, its start, the doctors' count; methodology,
    # incidents, services, slots, consultations, service names; its result.
    job = MembershipJob.objects.create(first_day=JAN[0], last_day=FEB[1])
    with django_assert_num_queries(10):
        membership_job_run(job_id=job.pk)
    for index in range(5):
        extra = make_doctor(riziv=f"222222200{index:02d}", email=f"x{index}@example.org")
        declare_slot(extra, at(15, 8), at(15, 9))
        declare_consultation(extra, at(15, 8, 30))
    with django_assert_num_queries(5):
        reviewer_client.get(reverse("review:membership"), query)
    job = MembershipJob.objects.create(first_day=JAN[0], last_day=FEB[1])
    with django_assert_num_queries(10):
        membership_job_run(job_id=job.pk)


def test_a_bad_period_is_refused_with_a_message(reviewer_client, db):
    response = reviewer_client.get(
        reverse("review:membership"), {"first_day": "2020-01-01", "last_day": "2024-12-31"}
    )
    assert response.status_code == 200
    assert "24" in response.content.decode()
    assert 'id="membership-total"' not in response.content.decode()
    response = reviewer_client.get(
        reverse("review:membership_csv"), {"first_day": "2024-02-01", "last_day": "2024-01-01"}
    )
    assert response.status_code == 400


def test_the_csv_holds_the_figures_and_no_live_formula(membership, reviewer_client):
    # The files are made from the page's stored figures (computed at once here: the
    # immediate task backend of the tests).
    reviewer_client.get(
        reverse("review:membership"), {"first_day": "2024-01-01", "last_day": "2024-02-29"}
    )
    response = reviewer_client.get(
        reverse("review:membership_csv"), {"first_day": "2024-01-01", "last_day": "2024-02-29"}
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="membership-2024-01-01-2024-02-29.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    estimate = membership_estimate(first_day=JAN[0], last_day=FEB[1])
    assert rows[0][:3] == ["section", "key", "doctors"]
    assert rows[1] == [
        "total",
        "ABSyM-2024.1",
        "3",
        format(estimate.totals.lost_hours, "f"),
        format(estimate.totals.time_value, "f"),
        format(estimate.totals.revenue_loss, "f"),
        format(estimate.totals.total, "f"),
        str(estimate.totals.affected_consultations),
    ]
    assert [row[1] for row in rows if row[0] == "month"] == ["2024-01", "2024-02"]
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("-2+3") == "'-2+3"
    assert neutralise("recip-e") == "recip-e"


def test_the_pdf_is_a_pdf_with_the_totals(membership, reviewer_client):
    import pypdfium2

    reviewer_client.get(
        reverse("review:membership"), {"first_day": "2024-01-01", "last_day": "2024-01-31"}
    )
    response = reviewer_client.get(
        reverse("review:membership_pdf"), {"first_day": "2024-01-01", "last_day": "2024-01-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = document[0].get_textpage().get_text_range()
    assert "Per service" in text or "Par service" in text or "Per dienst" in text
    assert "ABSyM-2024.1" in text
