"""On a phone (390 px) the slot and consultation lists are cards: every value under its
column's name, and Edit/Delete on screen, not scrolled off to the right."""

import pytest
from claims_helpers import make_example_calendar, make_example_declarations

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser]

ON_SCREEN = """(table) => Array.from(table.querySelectorAll('tbody a')).every((link) => {
  const box = link.getBoundingClientRect();
  return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
})"""


def test_lists_are_cards_with_their_actions_on_screen(page, doctor):
    make_example_calendar()
    make_example_declarations(doctor)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/login/")
    page.fill("#id_username", doctor.user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url("**/")
    for path, table_id in [
        ("/claims/slots/?from=2024-01-01&to=2024-01-31", "#slot-list"),
        ("/claims/consultations/?from=2024-01-01&to=2024-01-31", "#consultation-list"),
    ]:
        page.goto(path)
        table = page.locator(table_id)
        assert (
            table.locator("tbody tr").first.evaluate("(row) => getComputedStyle(row).display")
            == "block"
        )
        assert table.evaluate(ON_SCREEN), path
        wrapper = table.locator("xpath=..")
        assert wrapper.evaluate("(box) => box.scrollWidth <= box.clientWidth"), path
        # Each value says which column it is.
        label = table.locator("tbody td[data-label]").first.evaluate(
            "(cell) => getComputedStyle(cell, '::before').content"
        )
        assert label not in ("none", "normal", '""'), path
    page.set_viewport_size({"width": 1280, "height": 900})
    assert (
        page.locator("#consultation-list tbody tr").first.evaluate(
            "(row) => getComputedStyle(row).display"
        )
        == "table-row"
    )
