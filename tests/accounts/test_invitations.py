"""An admin imports members and invites them to choose their first password."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

MEMBERS = (
    "riziv,first_name,last_name,email,language\n"
    "12345678004,Anne,Dupont,anne.dupont@example.org,fr\n"
    "98765432101,Bart,Janssens,bart.janssens@example.org,nl\n"
)


def import_members(tmp_path, *args):
    csv = tmp_path / "doctors.csv"
    csv.write_text(MEMBERS)
    call_command("import_doctors", str(csv), *args)


def test_invited_doctors_get_a_link_in_their_language_and_choose_a_password(
    client, tmp_path, mailoutbox, settings
):
    settings.SITE_URL = "https://claims.example.org"
    import_members(tmp_path, "--invite")

    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "anne.dupont@example.org",
        "bart.janssens@example.org",
    ]
    dutch = next(mail for mail in mailoutbox if mail.to == ["bart.janssens@example.org"])
    assert "Beste dokter Bart Janssens" in dutch.body
    path = re.search(r"https://claims\.example\.org(/account/password-reset/\S+/)", dutch.body)
    form_page = client.get(path.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-first-good-passphrase", "new_password2": "a-first-good-passphrase"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("login"),
        {"username": "bart.janssens@example.org", "password": "a-first-good-passphrase"},
    )
    assert response.status_code == 302


def test_a_second_import_invites_only_those_without_a_password(tmp_path, mailoutbox, doctor):
    # The fixture's doctor (RIZIV 12345678004) already chose a password.
    import_members(tmp_path, "--invite")
    assert [mail.to for mail in mailoutbox] == [["bart.janssens@example.org"]]


def test_without_invite_nobody_is_mailed(tmp_path, mailoutbox):
    import_members(tmp_path)
    assert mailoutbox == []
