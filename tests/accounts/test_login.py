import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_a_doctor_logs_in_and_lands_in_their_language(client, other_doctor):
    response = login(client, other_doctor.user.email, PASSWORD)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "nl"
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="nl">' in page


def test_it_locks_after_repeated_bad_passwords(client, doctor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, doctor.user.email, "wrong password")
        assert response.status_code == 200
    response = login(client, doctor.user.email, "wrong password")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    # Even the right password is refused while locked.
    response = login(client, doctor.user.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, doctor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, doctor.user.email, "wrong password")
    assert login(client, doctor.user.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert login(client, doctor.user.email, "wrong password").status_code == 200


@pytest.mark.parametrize("url_name", ["profile"])
def test_anonymous_visitors_are_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_visitors_see_the_landing_page_and_auth_pages(client):
    for name in ("home", "login", "signup", "password_reset"):
        assert client.get(reverse(name)).status_code == 200


def test_password_reset_sends_a_link(client, doctor, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": doctor.user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/account/password-reset/" in mailoutbox[0].body


def test_profile_changes_name_and_language(doctor_client, doctor):
    response = doctor_client.post(
        reverse("profile"), {"first_name": "Anna", "last_name": "Dupont", "language": "nl"}
    )
    assert response.status_code == 302
    doctor.user.refresh_from_db()
    assert (doctor.user.first_name, doctor.user.language) == ("Anna", "nl")
    assert '<html lang="nl">' in doctor_client.get(reverse("profile")).content.decode()


def test_an_imported_doctor_sets_a_first_password_through_the_reset_link(
    client, tmp_path, mailoutbox
):
    csv = tmp_path / "doctors.csv"
    csv.write_text(
        "riziv,first_name,last_name,email,language\n"
        "12345678004,Anne,Dupont,anne.dupont@example.org,fr\n"
    )
    call_command("import_doctors", str(csv))

    client.post(reverse("password_reset"), {"email": "anne.dupont@example.org"})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+/)", mailoutbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-first-good-passphrase", "new_password2": "a-first-good-passphrase"},
    )
    assert response.status_code == 302
    assert login(client, "anne.dupont@example.org", "a-first-good-passphrase").status_code == 302
