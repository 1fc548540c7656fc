"""The week view writes whole labels or none: a consultation's code was cut to "10",
"101", and on a phone labels overprinted each other."""

import pytest
from claims_helpers import make_example_calendar, make_example_declarations

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser]

CUT = """() => Array.from(document.querySelectorAll('.timeline-bar')).filter((bar) => {
  const text = bar.querySelector('.timeline-bar-text');
  if (!text || getComputedStyle(text).display === 'none') return false;
  return bar.scrollWidth > bar.clientWidth + 1;
}).map((bar) => bar.textContent.trim().slice(0, 30))"""


def test_no_label_is_cut_and_the_codes_are_written_out(page, doctor):
    make_example_calendar()
    make_example_declarations(doctor)
    page.goto("/account/login/")
    page.fill("#id_username", doctor.user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url("**/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/claims/week/?week=2024-W03")
        assert page.evaluate(CUT) == [], width
        assert "101076" in page.locator(".week-consultation-list").first.inner_text()
