"""On a phone (390 px), the doctor's pages fit the screen: wide tables scroll inside
their own box, never the page (ui.md, principle 8)."""

import pytest
from claims_helpers import make_example_calendar, make_example_declarations

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser]

DOCTOR_PAGES = [
    "/",
    "/claims/claim/?from=2024-01-01&to=2024-01-31",
    "/claims/slots/?from=2024-01-01&to=2024-01-31",
    "/claims/consultations/?from=2024-01-01&to=2024-01-31",
    "/claims/week/?week=2024-W03",
    "/outages/?month=2024-01",
]


def test_the_doctors_pages_never_scroll_sideways_on_a_phone(page, doctor):
    make_example_calendar()
    make_example_declarations(doctor)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/login/")
    page.fill("#id_username", doctor.user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url("**/")

    widths = {}
    for path in DOCTOR_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(DOCTOR_PAGES, 390)
