import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_french_is_the_default(client):
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="fr">' in page
    assert "Ce qu'il faut préparer" in page


def test_switching_to_dutch_shows_dutch_pages(client):
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="nl">' in page
    assert "Wat u moet voorbereiden" in page


def test_switching_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "What to prepare" in page


def test_the_navbar_shows_each_role_its_entries(client, doctor, reviewer, admin_user):
    client.force_login(doctor.user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("profile") in page and "Administration" not in page
    client.force_login(admin_user)
    assert "Administration" in client.get(reverse("home")).content.decode()
