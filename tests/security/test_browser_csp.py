"""Issue 11, point 6: a strict Content-Security-Policy, and no page breaks it.

The ``page`` fixture (tests/conftest.py) fails any browser test whose pages report a CSP
violation; this test visits the pages of each role, including those that had inline
script, and interacts with them."""

import pytest
from claims_helpers import make_example_calendar, make_example_declarations
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser]


def _log_in(page, email):
    page.goto("/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url("**/")


def test_every_page_sends_a_strict_policy_and_none_reports_a_violation(page, doctor, admin_user):
    make_example_calendar()
    make_example_declarations(doctor)
    response = page.goto("/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]

    # The language menu used an inline handler: it must still change the language.
    page.select_option("#language-switcher", "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    _log_in(page, doctor.user.email)
    for path in (
        "/",
        "/claims/claim/?from=2024-01-01&to=2024-01-31",
        "/claims/slots/?from=2024-01-01&to=2024-01-31",
        "/claims/consultations/?from=2024-01-01&to=2024-01-31",
        "/claims/week/?week=2024-W03",
        "/outages/?month=2024-01",
    ):
        assert page.goto(path).status == 200, path
    page.context.clear_cookies()

    _log_in(page, admin_user.email)
    for path in ("/outages/import/", "/admin/", "/admin/claims/claim/", "/methodology/"):
        assert page.goto(path).status == 200, path
    assert page.csp_violations == []
