"""A new doctor's path in Chromium, where the first walk stumbled (issue 14): the sign-up
focus and language, a readable "Save and add another" that continues after the slot just
saved and says what it kept, a way from the claim's figures to its submit box, a busy
submit that cannot be sent twice, and the dashboard showing the claim just submitted."""

import re

import pytest
from claims_helpers import make_example_calendar
from playwright.sync_api import expect

from claims.models import Claim, ClaimStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTRAST = """(element) => {
  const style = getComputedStyle(element);
  return [style.color, style.backgroundColor];
}"""


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def test_sign_up_starts_on_the_first_field_in_the_pages_language(page, live_server):
    english(page, live_server)
    page.goto("/account/signup/")
    expect(page.get_by_label("First name")).to_be_focused()
    expect(page.get_by_label("Language of the app and your dossiers")).to_have_value("en")


def test_save_and_add_another_is_readable_and_continues_after_the_slot(
    page, live_server, doctor_client, doctor
):
    english(page, live_server)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": doctor_client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/claims/slots/new/")
    another = page.get_by_role("button", name="Save and add another")
    color, background = another.evaluate(CONTRAST)
    assert color != background  # it was blue text on a blue button
    page.get_by_label("From").fill("2024-01-15T07:30")
    page.get_by_label("Until").fill("2024-01-15T10:00")
    page.get_by_label("MyCarenet").check()
    another.click()

    expect(page.get_by_role("alert")).to_contain_text("The slot is saved.")
    kept = page.locator("#kept-from-previous")
    expect(kept).to_contain_text("Monday 15 January 2024")
    expect(kept).to_contain_text("10:00")
    expect(kept).to_contain_text("MyCarenet")
    expect(page.get_by_label("From")).to_have_value("2024-01-15T10:00")
    expect(page.get_by_label("Until")).to_have_value(re.compile("^2024-01-15T"))
    expect(page.get_by_label("MyCarenet")).to_be_checked()


def test_from_the_figures_to_a_busy_submit_and_back_to_the_dashboard(
    page, live_server, doctor_client, doctor
):
    make_example_calendar()
    english(page, live_server)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": doctor_client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/claims/slots/new/")
    page.get_by_label("From").fill("2024-01-15T07:30")
    page.get_by_label("Until").fill("2024-01-15T10:00")
    page.get_by_label("Recip-e (electronic prescription)").check()
    page.get_by_role("button", name="Save the slot", exact=True).click()

    page.goto("/claims/claim/?from=2024-01-01&to=2024-01-31")
    page.get_by_role("link", name="Go to the submission").click()
    expect(page.locator("#submit-claim")).to_be_in_viewport()
    page.get_by_label(re.compile("I declare on my honour")).check()
    # What the page shows while the dossier is written, noted just after the click (the
    # next page replaces it): kept in sessionStorage, which survives the navigation.
    page.evaluate(
        """() => document.querySelector('#submit-claim form').addEventListener('submit', () => {
          setTimeout(() => {
            const button = document.querySelector('#submit-claim button[type=submit]');
            const status = document.querySelector('#submit-claim [role=status]');
            sessionStorage.setItem('busy', JSON.stringify(
              [button.disabled, status ? status.textContent : '']));
          }, 20);
        })"""
    )
    page.get_by_role("button", name="Submit my claim").click()
    expect(page.get_by_role("alert")).to_contain_text("is submitted")
    disabled, status = page.evaluate("() => JSON.parse(sessionStorage.getItem('busy'))")
    assert disabled is True
    assert "Submitting" in status
    assert Claim.objects.get().status == ClaimStatus.SUBMITTED  # once, not twice
    assert Claim.objects.count() == 1

    page.goto("/")
    claim = Claim.objects.get()
    expect(page.locator("main")).to_contain_text(f"claim #{claim.pk}")
    expect(page.locator("#dashboard-total")).not_to_have_text("0 EUR")
    expect(page.locator("main")).to_contain_text("1 January 2024")
