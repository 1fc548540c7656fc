"""The notification pages: who sees what, the choices a person makes, constant queries."""

import pytest
from claims_helpers import english
from django.test import Client

from notifications.models import Notice, NotificationPreference, Subscriber

pytestmark = pytest.mark.django_db

NOTICES_PAGE_QUERIES = 8


def _notices(user, count):
    Notice.objects.bulk_create(
        Notice(user=user, kind="decision", event_key=f"e:{n}", payload={"claim_id": 1})
        for n in range(count)
    )


def test_a_doctor_turns_reminders_off_but_cannot_turn_decisions_off(doctor_client, doctor):
    page = english(doctor_client).get("/notifications/settings/").content.decode()
    assert "Decisions on your claims are always sent" in page
    assert 'name="figures"' in page and 'name="reminders"' in page
    assert 'name="reviewer_digest"' not in page  # reviewers only
    answer = doctor_client.post("/notifications/settings/", {"figures": "on"})
    assert answer.status_code == 302
    preference = NotificationPreference.objects.get(user=doctor.user)
    assert preference.figures and not preference.reminders


def test_a_reviewer_opts_in_to_the_daily_digest(reviewer_client, reviewer):
    page = english(reviewer_client).get("/notifications/settings/").content.decode()
    assert "daily digest" in page
    reviewer_client.post("/notifications/settings/", {"reviewer_digest": "on"})
    assert NotificationPreference.objects.get(user=reviewer).reviewer_digest


def test_the_pages_need_a_login_and_show_only_ones_own_notices(doctor_client, doctor, other_doctor):
    anonymous = Client()
    assert anonymous.get("/notifications/").status_code == 302
    assert anonymous.get("/notifications/settings/").status_code == 302
    _notices(other_doctor.user, 3)
    page = english(doctor_client).get("/notifications/").content.decode()
    assert "No notices yet." in page
    # Reading the page leaves the other doctor's notices unread.
    assert Notice.objects.filter(user=other_doctor.user, read_at__isnull=True).count() == 3


def test_the_pages_make_a_constant_number_of_queries(
    doctor_client, doctor, django_assert_max_num_queries
):
    # Session, user, doctor, reviewer check; the notices, then marking them read.
    _notices(doctor.user, 1)
    with django_assert_max_num_queries(NOTICES_PAGE_QUERIES):
        doctor_client.get("/notifications/")
    Notice.objects.bulk_create(
        Notice(user=doctor.user, kind="figures", event_key=f"more:{n}", payload={"delta": "1"})
        for n in range(60)
    )
    with django_assert_max_num_queries(NOTICES_PAGE_QUERIES):
        doctor_client.get("/notifications/")
    with django_assert_max_num_queries(8):
        doctor_client.get("/notifications/settings/")
    with django_assert_max_num_queries(1):
        Client().get("/notifications/subscribe/")


def test_a_bad_subscription_is_refused_with_a_message(client):
    page = english(client).post("/notifications/subscribe/", {"email": "x" * 300}).content
    assert b"Choose at least one service." in page
    assert b"Enter a valid email address." in page or b"at most 254" in page
    assert not Subscriber.objects.exists()
