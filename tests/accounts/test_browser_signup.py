"""A doctor signs up, logs out and logs in again in headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_doctor_signs_up_logs_out_and_logs_in_again(page):
    page.goto("/")
    page.get_by_role("link", name="Créer mon compte").click()
    page.get_by_label("Prénom").fill("Marie")
    page.locator("#id_last_name").fill("Lambert")
    page.get_by_label("Numéro INAMI").fill("1-23456-78-901")
    page.get_by_label("Adresse e-mail").fill("marie@example.org")
    page.locator("#id_password1").fill("a-long-and-unusual-passphrase")
    page.get_by_label("Confirmation du mot de passe").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Bienvenue")).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Se connecter")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill("marie@example.org")
    page.locator("#id_password").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name=re.compile("Marie Lambert"))).to_be_visible()
