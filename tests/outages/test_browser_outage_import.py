"""In headless Chromium: an admin imports a CSV through the preview and finds the incident on
the calendar; an anonymous visitor reads the calendar but never reaches the import page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"  # the admin_user fixture's (tests/conftest.py)
CSV = (
    "\ufeffreference;services;start;end;impact;status;title;source_url\r\n"
    'EH-2024-0115-A;"recip-e;mycarenet";15/01/2024 08:05;15/01/2024 12:20;major_outage;'
    "confirmed;MyCarenet unavailable;https://example.org/incident/1\r\n"
)


def _english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def test_an_admin_imports_a_csv_that_anonymous_visitors_then_read_on_the_calendar(
    page, live_server, admin_user, tmp_path
):
    _english(page, live_server)
    # Anonymous: the calendar is public, the import page sends to the login page.
    page.goto("/outages/?month=2024-01")
    expect(page.get_by_role("heading", name="Availability in January 2024")).to_be_visible()
    expect(page.get_by_role("link", name="Import outage data")).to_have_count(0)
    page.goto("/outages/import/")
    expect(page).to_have_url(f"{live_server.url}/account/login/?next=/outages/import/")

    # Logging in sets the user's own language: make it English.
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    page.get_by_label("E-mail address").fill(admin_user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Import outage data")).to_be_visible()

    csv_file = tmp_path / "export.csv"
    csv_file.write_bytes(CSV.encode("utf-8"))
    page.get_by_label("File to import").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Preview: export.csv")).to_be_visible()
    row = page.locator("#preview-rows tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("EH-2024-0115-A")
    expect(row).to_contain_text("new")
    page.get_by_role("button", name="Confirm the import (1 new, 0 changed)").click()

    expect(page.locator("#import-outcome")).to_contain_text("1 created, 0 updated, 0 unchanged")
    page.get_by_role("link", name="See the calendar").click()
    day = page.locator('td[data-day="2024-01-15"]')
    expect(day).to_contain_text("08:05–12:20")
    expect(day).to_contain_text("Major outage")
    day.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="MyCarenet unavailable")).to_be_visible()
    expect(page.locator("#incident-duration")).to_have_text("4 h 15 min")
