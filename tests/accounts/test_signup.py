import pytest
from django.urls import reverse

from claims.models import Doctor
from tests.conftest import make_doctor

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "first_name": "Marie",
        "last_name": "Lambert",
        "riziv": "1-23456-78-901",
        "email": "marie@example.org",
        "language": "fr",
        "password1": "a-long-and-unusual-passphrase",
        "password2": "a-long-and-unusual-passphrase",
    }
    data.update(overrides)
    return data


def test_a_doctor_signs_up_with_a_dashed_riziv_number(client):
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302
    doctor = Doctor.objects.get()
    assert doctor.riziv == "12345678901"
    assert doctor.riziv_display == "1-23456-78-901"
    assert doctor.user.email == "marie@example.org"
    # Logged in straight away.
    assert client.get(reverse("profile")).status_code == 200


def test_it_refuses_a_malformed_riziv_number_in_french(client):
    response = client.post(reverse("signup"), signup_data(riziv="1234-5678"))
    assert response.status_code == 200
    assert not Doctor.objects.exists()
    assert "Un numéro INAMI compte 11 chiffres" in response.content.decode()
    # The rest of the form keeps its values.
    assert 'value="Marie"' in response.content.decode()


def test_it_refuses_a_malformed_riziv_number_in_dutch(client):
    client.cookies["django_language"] = "nl"
    response = client.post(reverse("signup"), signup_data(riziv="abc"))
    assert "Een RIZIV-nummer telt 11 cijfers" in response.content.decode()


def test_it_refuses_a_duplicate_riziv_number(client):
    make_doctor(riziv="12345678901", email="first@example.org")
    response = client.post(reverse("signup"), signup_data(riziv="12345678901"))
    assert response.status_code == 200
    assert Doctor.objects.count() == 1
    assert "Ce numéro INAMI est déjà enregistré" in response.content.decode()


def test_it_refuses_a_duplicate_email(client):
    make_doctor(riziv="11111111111", email="marie@example.org")
    response = client.post(reverse("signup"), signup_data(email="MARIE@example.org"))
    assert response.status_code == 200
    assert Doctor.objects.count() == 1
    assert "Un compte utilise déjà cette adresse" in response.content.decode()
