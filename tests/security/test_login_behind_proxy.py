"""Issue 11, point 3: behind the documented proxy, throttling locks the attacker's
address, not the victim's e-mail address for everyone."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # every request reaches Django from nginx


def login(client, email, password, client_address):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_an_attacker_behind_the_proxy_does_not_lock_out_the_victim(client, doctor, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        response = login(client, doctor.user.email, "wrong password", "198.51.100.7")
    assert response.status_code == 429  # the attacker is locked out

    response = login(client, doctor.user.email, PASSWORD, "203.0.113.9")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(doctor.user.pk)


def test_an_address_the_client_wrote_in_the_header_is_not_trusted(client, doctor, settings):
    settings.PROXY_COUNT = 1
    # The attacker forges a new address each time; nginx appends the real one.
    for n in range(5):
        response = login(client, doctor.user.email, "wrong password", f"10.9.9.{n}, 198.51.100.7")
    assert response.status_code == 429
