"""The claim page of a typical month (10 slots, 30 consultations) was 5,800 px tall, 18,000
on a phone: its long lists now fold under their totals. Prints the heights it measures."""

import pytest
from claims_helpers import at, make_consultation, make_example_calendar, make_slot

from tests.conftest import PASSWORD

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.dossier_queued]

HEIGHT = "() => document.documentElement.scrollHeight"
OPEN_ALL = "() => document.querySelectorAll('details.claim-rows').forEach((d) => d.open = true)"


def test_a_months_claim_page_folds_its_lists(page, doctor):
    make_example_calendar()
    for day in range(15, 25):
        make_slot(doctor, at(8, day=day), at(11, day=day), ["recip-e"])
    for number in range(30):
        make_consultation(
            doctor,
            at(8, 5 * (number % 10), day=15 + number // 10),
            5,
            "101076",
            "31.81",
            ["recip-e"],
            "cancelled",
        )
    page.goto("/account/login/")
    page.fill("#id_username", doctor.user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url("**/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/claims/claim/?from=2024-01-01&to=2024-01-31")
        folded = page.evaluate(HEIGHT)
        page.evaluate(OPEN_ALL)
        unfolded = page.evaluate(HEIGHT)
        print(f"claim page at {width} px: {unfolded} px unfolded, {folded} px folded")
        assert folded < unfolded * 0.6, (width, folded, unfolded)
        # The rows are one click away, and the submit box one link away.
        assert page.locator("#slot-breakdown").is_visible()
        assert page.locator("#go-to-submit").count() == 1
