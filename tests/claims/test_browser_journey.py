"""A doctor's journey in headless Chromium: sign up, declare a slot by form, upload
consultations and slots by CSV, read the breakdown, submit."""

import re
from decimal import Decimal

import pytest
from claims_helpers import make_example_calendar
from playwright.sync_api import expect

from claims.models import Claim, ClaimStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSULTATIONS = (
    "start;duration_minutes;code;fee;services;outcome\n"
    "2024-01-15T08:15;20;101076;31,81;recip-e;completed\n"
    '2024-01-15T09:40;20;101076;;"recip-e;mycarenet";cancelled\n'
    "2024-01-15T10:30;15;101496;;mycarenet;unpaid\n"
    "2024-01-15T11:30;20;101076;31,81;recip-e;completed\n"
    '2024-01-15T10:50;20;101076;31,81;"recip-e;mycarenet";completed\n'
)
SLOTS = "start,end,services,note\n2024-01-15T09:45,2024-01-15T12:00,recip-e;mycarenet,\n"


def upload(page, kind_link, name, content):
    page.get_by_role("link", name=kind_link).click()
    page.get_by_label("CSV file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Show the preview").click()
    expect(page.locator("#import-counts")).to_contain_text("0 with errors")
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_role("alert")).to_contain_text("Imported:")


def test_a_doctor_declares_reads_the_breakdown_and_submits(page, live_server):
    make_example_calendar()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/account/signup/")
    page.get_by_label("First name").fill("Anne")
    page.get_by_label("Last name").fill("Dupont")
    page.get_by_label("RIZIV/INAMI number").fill("1-23456-78-004")
    page.get_by_label("E-mail address").fill("anne@example.org")
    page.get_by_label("Language of the app and your dossiers").select_option("en")
    page.locator("#id_password1").fill("a-long-and-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create my account").click()

    # The dashboard says what to do first.
    expect(page.locator("#next-step")).to_contain_text("Declare")
    page.get_by_role("link", name="Declare an affected slot").click()
    page.get_by_label("From").fill("2024-01-15T07:30")
    page.get_by_label("Until").fill("2024-01-15T10:00")
    page.get_by_label("Recip-e (electronic prescription)").check()
    page.get_by_role("button", name="Save the slot", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("The slot is saved.")
    expect(page.locator("#slot-list")).to_contain_text("7:30")

    # The other slot and the agenda come from CSV files.
    upload(page, "Import a CSV file", "slots.csv", SLOTS)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Consultations"
    ).click()
    upload(page, "Import a CSV file", "agenda.csv", CONSULTATIONS)
    expect(page.locator("#consultation-list")).to_contain_text("36.61")

    # The breakdown, in plain words.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="My claim"
    ).click()
    expect(page.locator("#dashboard-total")).to_have_text("302.42 EUR")
    page.get_by_role("link", name="Review and submit").click()
    expect(page.locator("#figure-slot-lost")).to_contain_text("2 h 25 min")
    expect(page.locator("#figure-total-row")).to_contain_text("302.42 EUR")
    page.locator("#figure-unverified summary").click()
    expect(page.locator("#figure-unverified")).to_contain_text("never paid")
    expect(page.locator("#cited-incidents")).to_contain_text("EX-2")

    # Submit with the declaration on honour.
    page.get_by_role("button", name="Submit my claim").click()
    expect(page.locator("#declaration_accepted, [name=declaration_accepted]").first).to_be_visible()
    page.get_by_label(re.compile("I declare on my honour")).check()
    page.get_by_role("button", name="Submit my claim").click()
    expect(page.get_by_role("alert")).to_contain_text("is submitted")
    expect(page.locator("h1")).to_contain_text("Claim #")

    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.total == Decimal("302.42")
